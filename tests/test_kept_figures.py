"""Figures kept once per process (ui.charts.kept_figure) are those a fresh build draws.

Each page is drawn for several inputs in a row (languages, a store scope, other choices), so a
figure kept for one input would show for the next if its key missed something; after each
run the same input is drawn again with nothing kept (every builder builds a plain figure, as
before): every chart's spec must be the same, to the character."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_app
from ui import charts
from ui.charts import forget_figures


def specs(at) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


def drawn(db_path, page: str, lang: str, setup) -> list[dict]:
    at = run_app(db_path, page, lang)
    setup(at)
    assert not at.exception, [e.message for e in at.exception]
    return specs(at)


def stores(at, chosen: list[str]) -> None:
    at.multiselect(key="stores").set_value(chosen).run()


KPI_INPUTS = [
    ("en", lambda at: None),
    ("zh", lambda at: None),
    ("en", lambda at: stores(at, ["S01", "S04"])),
    ("zh", lambda at: at.slider(key="kpi_months").set_value(6).run()),
    ("en", lambda at: at.selectbox(key="kpi_store").set_value("S04").run()),
    ("en", lambda at: at.selectbox(key="kpi_trend_kpi.en").set_value("retention").run()),
]


CHANNEL_INPUTS = [
    ("en", lambda at: None),
    ("zh", lambda at: None),
    ("en", lambda at: stores(at, ["S01", "S04"])),
    ("en", lambda at: at.segmented_control(key="ch_cohort_dim.en").set_value("channel").run()),
    ("zh", lambda at: at.segmented_control(key="ch_cohort_dim.zh").set_value("channel").run()),
    ("en", lambda at: at.segmented_control(key="ch_cohort_dim.en").set_value("region").run()),
    ("en", lambda at: at.slider(key="ch_horizon").set_value(5).run()),
    ("en", lambda at: at.radio(key="ch_sim_base.en").set_value("spec_customers").run()),
    ("en", lambda at: at.slider(key="ch_sim_share").set_value(50).run()),
    ("en", lambda at: at.radio(key="ch_source.en").set_value("spec").run()),
]


ALLOCATOR_INPUTS = [
    ("en", lambda at: None),
    ("zh", lambda at: None),
    ("en", lambda at: at.number_input(key="al_budget").set_value(300_000).run()),
]


@pytest.mark.parametrize(
    "page, inputs",
    [
        ("app_pages/kpi.py", KPI_INPUTS),
        ("app_pages/channels.py", CHANNEL_INPUTS),
        ("app_pages/allocator.py", ALLOCATOR_INPUTS),
    ],
)
def test_kept_figures_equal_fresh_ones(sample_db_path, page, inputs, monkeypatch):
    forget_figures()
    for lang, setup in inputs:
        kept = drawn(sample_db_path, page, lang, setup)  # the kept figures of earlier inputs there
        assert kept
        with monkeypatch.context() as m:
            m.setattr(charts, "KEEP", False)
            fresh = drawn(sample_db_path, page, lang, setup)
        assert [json.loads(k) for k in kept] == [json.loads(f) for f in fresh]
        assert kept == fresh


def test_kpi_scorecard_is_the_score_of_the_raw_kpis(sample_db_path):
    """The KPI page's cached scorecard: kpi.score of group_store_kpis, for other weights too."""
    import pandas as pd

    from clv_engine import bridge, clv, kpi
    from clv_engine.db import Database
    from ui import queries

    db = Database(sample_db_path)
    end = db.query_value("SELECT max(order_date) FROM orders")
    since = bridge.comparison_date(end, "quarter")
    heavy = kpi.KpiWeights.from_percent({k: 100 if k == "nps" else 0 for k in kpi.KPIS})
    for weights, on in ((kpi.KpiWeights(), None), (heavy, None), (heavy, since)):
        raw, card = queries.kpi_scorecard(db, end, 6, clv.CLVParams(), weights, on=on)
        expected_raw = queries.group_store_kpis(db, end, 6, clv.CLVParams(), on=on)
        pd.testing.assert_frame_equal(raw, expected_raw)
        pd.testing.assert_frame_equal(card.table, kpi.score(expected_raw, weights).table)
        assert card.weights == weights
