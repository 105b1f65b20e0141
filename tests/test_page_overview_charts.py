"""The overview's and the evaluator's charts are built once and drawn by every session
(``ui.charts.kept_by_key``): a second session gets the same charts, and a session in the other
language gets its own words, not the first session's."""

from __future__ import annotations

import json

from tests.helpers import run_app
from wording import t


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _titles(chart: dict) -> set[str]:
    layout = chart.get("layout", {})
    return {
        str(layout.get(axis, {}).get("title", {}).get("text"))
        for axis in ("xaxis", "yaxis")
        if layout.get(axis, {}).get("title")
    }


def test_a_second_session_and_another_language_draw_their_own_charts(sample_db_path):
    first = _charts(run_app(sample_db_path, "app_pages/overview.py"))
    again = _charts(run_app(sample_db_path, "app_pages/overview.py"))
    assert len(first) == 4 and first == again  # the same charts (bridge, concentration, histogram, DCF)
    chinese = _charts(run_app(sample_db_path, "app_pages/overview.py", lang="zh"))
    words = set().union(*(_titles(c) for c in chinese))
    assert t("ov.clv_axis", "zh") in words and t("ov.clv_axis", "en") not in words
    english = set().union(*(_titles(c) for c in first))
    assert t("ov.clv_axis", "en") in english


def test_the_evaluator_charts_follow_the_language(sample_db_path):
    english = _charts(run_app(sample_db_path, "app_pages/evaluator.py"))
    chinese = _charts(run_app(sample_db_path, "app_pages/evaluator.py", lang="zh"))
    assert len(english) == len(chinese) >= 4
    assert english != chinese  # the words differ, not the charts of the other session
    assert english == _charts(run_app(sample_db_path, "app_pages/evaluator.py"))
