"""AppTest: the KPI page's months of history. Moving the slider within a computed span (12
months, then 13 to 24) computes nothing again; the ranking, the trend and the headlines are
those of kpi.raw_kpis computed for exactly those dates."""

from __future__ import annotations

from clv_engine import bridge, clv, kpi
from clv_engine.db import Database
from tests.helpers import run_app
from ui.queries.customers import _store_kpis_span, kpi_scorecard

PAGE = "app_pages/kpi.py"


def _ranking(at):
    return next(d.value for d in at.dataframe if "Rank" in d.value.columns)


def test_months_change_within_a_span_computes_nothing(sample_db_path, monkeypatch):
    calls = []
    real = kpi.raw_kpis

    def counted(db, dates, params=clv.CLVParams(), known=None):
        calls.append(sorted(dates))
        return real(db, dates, params, known=known)

    monkeypatch.setattr(kpi, "raw_kpis", counted)
    _store_kpis_span.clear()  # computed afresh here, whatever ran before in this process
    kpi_scorecard.clear()
    at = run_app(sample_db_path, PAGE)
    assert len(calls) == 1
    first = _ranking(at)
    at.slider(key="kpi_months").set_value(6).run()
    assert not at.exception
    assert len(calls) == 1  # cut from the 12 months already there
    # The latest ranking does not depend on the months shown.
    assert _ranking(at).equals(first)
    at.slider(key="kpi_months").set_value(18).run()
    assert len(calls) == 2 and kpi.month_ends(calls[1][-1], 24)[0] in calls[1]
    at.slider(key="kpi_months").set_value(24).run()
    compare = at.radio(key="kpi_compare.en")
    compare.set_value(compare.options[1]).run()  # a quarter before
    assert not at.exception
    assert len(calls) == 2


def test_ranking_and_headline_delta_equal_raw_kpis_of_those_dates(sample_db_path):
    """The independent path: kpi.raw_kpis on the months shown, and on the comparison date."""
    at = run_app(sample_db_path, PAGE)
    at.slider(key="kpi_months").set_value(5).run()
    db = Database(sample_db_path)
    end = db.query_value("SELECT max(order_date) FROM orders")
    latest = kpi.score(kpi.raw_kpis(db, kpi.month_ends(end, 5))).on(end)
    assert list(_ranking(at)["Score"]) == list(latest["score"].round(1))
    since = bridge.comparison_date(end, "year")
    then = kpi.score(kpi.raw_kpis(db, [since])).on(since).set_index("store_id")["score"]
    leader = latest.iloc[0]
    delta = round(leader["score"] - then[leader["store_id"]], 1)
    metric = next(m for m in at.metric if m.label == "Its score")
    assert metric.value == f"{leader['score']:.1f}"
    assert float(metric.delta.replace("+", "")) == delta
