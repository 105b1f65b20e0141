"""Figures kept once per process (ui.charts.kept_figure) are those a fresh build draws.

Each page is drawn for several inputs in a row (languages, a store scope, other choices), so a
figure kept for one input would show for the next if its key missed something; after each
run the kept figures are forgotten and the same input is drawn again from scratch: every
chart's spec must be the same."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_app
from ui.charts import forget_figures


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


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


@pytest.mark.parametrize("page, inputs", [("app_pages/kpi.py", KPI_INPUTS)])
def test_kept_figures_equal_fresh_ones(sample_db_path, page, inputs):
    forget_figures()
    for lang, setup in inputs:
        kept = drawn(sample_db_path, page, lang, setup)  # the kept figures of earlier inputs there
        assert kept
        forget_figures()
        fresh = drawn(sample_db_path, page, lang, setup)
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
