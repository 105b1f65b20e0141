"""wording.report.charts.vline draws what plotly's add_vline draws (issue 14: add_vline took
15 ms a line on every rerun of the evaluator, overview and allocator charts)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as s

from clv_engine import evaluation as ev
from wording.report import charts


def _plotly_vline(fig: go.Figure, x: float, **kw) -> go.Figure:
    """The code vline replaced: plotly's own add_vline."""
    return fig.add_vline(x=x, **kw)


def _figure() -> go.Figure:
    return go.Figure(go.Bar(x=[1.0, 2.0, 3.0], y=[4, 5, 6]))


lines = s.lists(
    s.fixed_dictionaries(
        {"x": s.floats(-1e9, 1e9, allow_nan=False)},
        optional={
            "line_color": s.sampled_from(["#263238", "red", "#c62828"]),
            "line_dash": s.sampled_from(["dash", "dot", "solid"]),
            "line_width": s.sampled_from([1, 2, 0.5]),
            "annotation_text": s.text(max_size=20),
            "annotation_position": s.sampled_from(["top left", "top", "top right"]),
        },
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None)
@given(lines)
def test_vline_writes_what_add_vline_writes(specs):
    ours, theirs = _figure(), _figure()
    for spec in specs:
        spec = dict(spec)
        x = spec.pop("x")
        charts.vline(ours, x, **spec)
        _plotly_vline(theirs, x, **spec)
    assert ours.to_dict() == theirs.to_dict()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_evaluator_charts_unchanged(monkeypatch, lang):
    analysis = ev.analyse_programme(ev.preset("mobile_van"), draws=300)
    fast = [
        charts.histogram_figure(analysis.monte_carlo, lang).to_dict(),
        charts.tornado_figure(analysis.programme, analysis.tornado, analysis.spread, lang).to_dict(),
    ]
    monkeypatch.setattr(charts, "vline", _plotly_vline)
    slow = [
        charts.histogram_figure(analysis.monte_carlo, lang).to_dict(),
        charts.tornado_figure(analysis.programme, analysis.tornado, analysis.spread, lang).to_dict(),
    ]
    assert fast == slow
    assert len(fast[0]["layout"]["shapes"]) == 4 and len(fast[0]["layout"]["annotations"]) >= 3
