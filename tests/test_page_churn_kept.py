"""AppTest: the churn page on a file that keeps its joined base (clv_engine.churn.kept, issue
14) draws and downloads what it draws when it computes the base (the kept base set aside):
the same headlines, the same table drawn, the same CSV (every fact the reasons quote), after
a weight change too."""

from __future__ import annotations

import pytest
import streamlit as st

from cli import derive as cli
from clv_engine import churn
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import store
from tests.helpers import metric_values, run_app
from tests.test_page_churn import PAGE, _csv, downloads  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def kept_path(tmp_path_factory, pristine_db_bytes):
    path = tmp_path_factory.mktemp("kept") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    assert cli.main([str(path)]) == 0
    return path


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    store.forget()
    derived_churn.forget()


def _page(path, downloads, monkeypatch, kept: bool):  # noqa: F811
    _fresh()
    calls = []
    real = churn.kept_base

    def spy(*args):
        found = real(*args) if kept else None
        calls.append(found is not None)
        return found

    monkeypatch.setattr(churn, "kept_base", spy)
    at = run_app(path, PAGE)
    assert not at.exception and not at.error
    first = (metric_values(at), at.dataframe[-1].value, _csv(downloads))
    at.slider(key="churn_w_spend_drop").set_value(20).run()
    at.slider(key="churn_w_complaints").set_value(30).run()
    assert not at.exception and not at.error
    second = (metric_values(at), at.dataframe[-1].value, _csv(downloads))
    assert calls and all(c == kept for c in calls)
    return first, second


def test_the_kept_base_draws_what_the_computed_one_does(kept_path, downloads, monkeypatch):  # noqa: F811
    kept = _page(kept_path, downloads, monkeypatch, kept=True)
    computed = _page(kept_path, downloads, monkeypatch, kept=False)
    for (m1, table1, csv1), (m2, table2, csv2) in zip(kept, computed):
        assert m1 == m2
        assert table1.equals(table2)
        assert len(csv1) > 10 and csv1["Reasons"].str.len().gt(0).all()
        assert csv1.equals(csv2)
    _fresh()
