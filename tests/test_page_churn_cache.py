"""Issue 14: the churn page keeps its scores and ranked list per process for the last two
settings (ui.queries.churn_scored / churn_ranking). A filter, a toggle or the capacity does not
score nor rank again; going back to a setting gives the list it gave; and what the page shows
is what the engine computes from scratch at that setting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import churn
from tests.helpers import metric_values, run_app
from tests.test_page_churn import PAGE, _csv, downloads  # noqa: F401 (the fixture)


def _counting(monkeypatch, name: str) -> list:
    calls = []
    real = getattr(churn, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(churn, name, counted)
    return calls


def test_a_filter_does_not_score_nor_rank_again(sample_db_path, downloads, monkeypatch):  # noqa: F811
    st.cache_resource.clear()
    scored, ranked = _counting(monkeypatch, "score_risk"), _counting(monkeypatch, "call_list")
    at = run_app(sample_db_path, PAGE)
    first = (len(scored), len(ranked))
    assert first[0] >= 1 and first[1] >= 1
    everyone = metric_values(at)["Customers on the list"]
    at.toggle(key="churn_paying").set_value(False).run()  # every customer on the list, not only paying
    at.multiselect(key="churn_levels").set_value(["high"]).run()
    assert (len(scored), len(ranked)) == first
    assert metric_values(at)["Customers on the list"] != everyone
    listed = _csv(downloads)
    assert set(listed["Risk level"]) == {"High"}


def test_going_back_to_a_setting_lists_what_it_did(sample_db_path, downloads):  # noqa: F811
    st.cache_resource.clear()
    at = run_app(sample_db_path, PAGE)
    before = _csv(downloads)
    spend, frequency = at.slider(key="churn_w_spend_drop"), at.slider(key="churn_w_frequency_drop")
    spend.set_value(spend.value + 10)
    frequency.set_value(frequency.value - 10)
    at.run()
    moved = _csv(downloads)
    assert not moved.equals(before)
    at.slider(key="churn_w_spend_drop").set_value(30)
    at.slider(key="churn_w_frequency_drop").set_value(25)
    at.run()
    assert _csv(downloads).equals(before)
    # A new process (nothing kept) lists the same.
    st.cache_resource.clear()
    st.cache_data.clear()
    fresh = run_app(sample_db_path, PAGE)
    assert not fresh.exception
    assert _csv(downloads).equals(before)


def _drawn(at, link: str = "Lookup") -> pd.DataFrame:
    """The call list's table as drawn (the one with the lookup links)."""
    (table,) = [d.value for d in at.dataframe if link in d.value.columns]
    return table


def _same_as_file(drawn: pd.DataFrame, listed: pd.DataFrame) -> None:
    """The drawn rows are the file's first rows (built from scratch on the click), read alike."""
    assert len(drawn) == min(200, len(listed))
    for column in ("Rank", "Customer", "Phone", "Reasons", "Risk level"):
        assert drawn[column].astype(str).tolist() == listed[column].head(len(drawn)).astype(str).tolist(), (
            column
        )


def test_the_drawn_rows_are_built_once_per_setting(sample_db_path, downloads, monkeypatch):  # noqa: F811
    st.cache_resource.clear()
    st.cache_data.clear()
    import ui.churn_list_panels as panels

    built = []
    real = panels.with_details

    def counted(ctx, rows, scored):
        built.append(len(rows))
        return real(ctx, rows, scored)

    monkeypatch.setattr(panels, "with_details", counted)
    at = run_app(sample_db_path, PAGE)
    drawn = _drawn(at)
    assert built == [len(drawn)]
    again = run_app(sample_db_path, PAGE)  # another session at the same setting
    at.run()  # and a rerun
    assert built == [len(drawn)]
    pd.testing.assert_frame_equal(_drawn(again), drawn)
    pd.testing.assert_frame_equal(_drawn(at), drawn)
    # The file's rows (built from scratch on the click; the click's audit entry is a write)
    _same_as_file(drawn, _csv(downloads))
    spend, frequency = at.slider(key="churn_w_spend_drop"), at.slider(key="churn_w_frequency_drop")
    spend.set_value(spend.value + 10)
    frequency.set_value(frequency.value - 10)
    built.clear()
    at.run()
    assert len(built) == 1  # a new setting: its rows built once
    moved = _drawn(at)
    assert not moved.equals(drawn)
    _same_as_file(moved, _csv(downloads))
    zh = run_app(sample_db_path, PAGE, lang="zh")  # another language: its own words
    assert len(_drawn(zh, "客户查询")) == len(drawn)
