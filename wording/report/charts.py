"""The business case's charts, shared by the evaluator page and the exports, so what the CFO
reads in the file is what was on the screen."""

from __future__ import annotations

import html
import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from clv_engine.evaluation import (
    Evaluation,
    MonteCarloResult,
    Programme,
)
from wording.catalogue import t
from wording.evaluation import driver_label, label
from wording.fmt import currency_mark, money, number, pct

GAIN_COLOUR = "#2e7d32"
COST_COLOUR = "#c62828"
LINE_COLOUR = "#1f3a93"
MUTED = "#8a8f98"


def _axis_scale(lang: str, currency: str = "CNY") -> tuple[float, dict]:
    """Chinese readers get the money axis in 万, English readers with SI suffixes; in the
    data's currency (``¥``, ``$``; a currency with no symbol by its code: ``HKD 120万``)."""
    mark = currency_mark(currency)
    prefix = mark if len(mark) == 1 else f"{mark} "
    if lang == "zh":
        return 1e4, {"tickprefix": prefix, "ticksuffix": "万", "tickformat": ",.0f"}
    return 1.0, {"tickprefix": prefix, "tickformat": "~s"}


def _plot_text(text: str) -> str:
    # A typed cost line or group name is text: plotly would draw <a href=…> in it as a link.
    return html.escape(text, quote=False)


# Where plotly's add_vline puts a line's label, as (xanchor, yanchor) at the top of the plot.
_VLINE_LABEL = {"top left": ("right", "top"), "top": ("center", "bottom"), "top right": ("left", "top")}


def vline(
    fig: go.Figure,
    x: float,
    *,
    line_color: str | None = None,
    line_dash: str | None = None,
    line_width: float | None = None,
    annotation_text: str | None = None,
    annotation_position: str | None = None,
) -> go.Figure:
    """A vertical line across a one-plot figure at ``x``, with an optional label: the same
    shape and annotation as ``fig.add_vline`` writes, eight times faster (add_vline checks
    every subplot and validates each property one at a time: 15 ms a line, four lines on the
    evaluator's Monte Carlo chart on every rerun; issue 14)."""
    line = {
        key: value
        for key, value in (("color", line_color), ("dash", line_dash), ("width", line_width))
        if value is not None
    }
    shape = {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": line,
    }
    fig.layout.shapes = (*fig.layout.shapes, shape)
    if annotation_text is not None or annotation_position is not None:  # as add_vline: either
        xanchor, yanchor = _VLINE_LABEL[annotation_position or "top right"]
        label = (
            {"showarrow": False} if annotation_text is None else {"showarrow": False, "text": annotation_text}
        )
        label_at = {"x": x, "xanchor": xanchor, "xref": "x", "y": 1, "yanchor": yanchor, "yref": "y domain"}
        fig.layout.annotations = (*fig.layout.annotations, {**label, **label_at})
    return fig


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15},
        font={"family": "Helvetica, Arial, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
    )
    # Automargin: tick labels push the plot inwards rather than being cut at the edge.
    fig.update_xaxes(gridcolor="#eceff1", zerolinecolor="#b0bec5", automargin=True)
    fig.update_yaxes(gridcolor="#eceff1", zerolinecolor="#b0bec5", automargin=True)
    return fig


def _label_width_px(text: str, size: float = 12) -> float:
    """Rough drawn width of a label: CJK a full em, other characters about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 * size for c in text)


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------
def cash_flow_figure(e: Evaluation, lang: str = "en", currency: str = "CNY") -> go.Figure:
    """Yearly costs (below zero) and gain (above), with the cumulative line: the J-curve."""
    flows = e.cash_flows
    scale, axis = _axis_scale(lang, currency)
    years = [t("evaluator.report.year_n", lang, n=int(y)) for y in flows["year"]]
    fig = go.Figure()
    costs = flows["upfront_cost"] + flows["one_off_cost"] + flows["running_cost"] + flows["unit_cost"]
    fig.add_bar(
        x=years,
        y=flows["gain"] / scale,
        name=t("evaluator.report.gain", lang),
        marker_color=GAIN_COLOUR,
        customdata=[money(v, lang, currency) for v in flows["gain"]],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    fig.add_bar(
        x=years,
        y=costs / scale,
        name=t("evaluator.report.costs", lang),
        marker_color=COST_COLOUR,
        customdata=[money(v, lang, currency) for v in costs],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=years,
        y=flows["cumulative"] / scale,
        name=t("evaluator.report.cumulative", lang),
        mode="lines+markers",
        line={"color": LINE_COLOUR, "width": 3},
        customdata=[money(v, lang, currency) for v in flows["cumulative"]],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=years,
        y=flows["cumulative_discounted"] / scale,
        name=t("evaluator.report.cumulative_discounted", lang),
        mode="lines",
        line={"color": LINE_COLOUR, "width": 2, "dash": "dot"},
        customdata=[money(v, lang, currency) for v in flows["cumulative_discounted"]],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    fig.update_layout(barmode="relative")
    fig.update_yaxes(**axis)
    return _layout(fig, t("evaluator.chart.cash_flow", lang))


def waterfall_figure(e: Evaluation, lang: str = "en", currency: str = "CNY") -> go.Figure:
    """From the costs, line by line, through each group's gain, to the net gain."""
    p = e.programme
    h = p.horizon_years
    names, values = [], []
    for line in p.cost_lines:
        if line.timing == "upfront" or line.timing == "one_off":
            amount = line.amount
        elif line.timing == "yearly":
            amount = line.amount * h
        else:
            amount = line.amount * e.volume_over_horizon
        if amount:
            names.append(_plot_text(label(line.name, lang)))
            values.append(-amount)
    if p.unit_revenue:
        names.append(t("evaluator.driver.unit_revenue", lang))
        values.append(p.unit_revenue * e.volume_over_horizon)
    for group, gain in zip(p.groups, e.group_gains, strict=True):
        if gain:
            names.append(_plot_text(label(group.name, lang)))
            values.append(gain)
    scale, axis = _axis_scale(lang, currency)
    measures = ["relative"] * len(values) + ["total"]
    names.append(t("evaluator.fig.net_gain", lang))
    values.append(e.net_gain_over_horizon)
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=[v / scale for v in values[:-1]] + [0],
            measure=measures,
            text=[money(v, lang, currency) for v in values],
            textposition="outside",
            customdata=[money(v, lang, currency) for v in values],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            increasing={"marker": {"color": GAIN_COLOUR}},
            decreasing={"marker": {"color": COST_COLOUR}},
            totals={"marker": {"color": LINE_COLOUR}},
            connector={"line": {"color": MUTED, "width": 1}},
            cliponaxis=False,
        )
    )
    # Room above the highest bar and below the lowest for the labels drawn outside them.
    levels = np.concatenate(([0.0], np.cumsum(values[:-1]), [values[-1]]))
    low, high = float(levels.min()), float(levels.max())
    pad = 0.14 * max(high - low, 1.0)
    fig.update_yaxes(range=[(low - pad) / scale, (high + pad) / scale], **axis)
    return _layout(fig, t("evaluator.chart.waterfall", lang))


def tornado_figure(
    p: Programme, frame: pd.DataFrame, spread: float, lang: str = "en", currency: str = "CNY"
) -> go.Figure:
    """NPV swing per driver around the base case; largest on top."""
    scale, axis = _axis_scale(lang, currency)
    shown = frame[frame["swing"] > 0]
    base = float(frame["base_npv"].iloc[0]) if len(frame) else 0.0
    labels = [_plot_text(driver_label(p, k, lang)) for k in shown["driver"]]
    fig = go.Figure()
    for column, name_key, colour in (
        ("npv_low", "evaluator.chart.driver_down", "#ef6c00"),
        ("npv_high", "evaluator.chart.driver_up", "#1565c0"),
    ):
        values = shown[column].to_numpy()
        fig.add_bar(
            y=labels,
            x=(values - base) / scale,
            base=base / scale,
            orientation="h",
            name=t(name_key, lang, pct=pct(spread)),
            marker_color=colour,
            customdata=[money(v, lang, currency) for v in values],
            hovertemplate="%{y}: NPV %{customdata}<extra></extra>",
        )
    vline(fig, base / scale, line_color=MUTED, line_dash="dash")
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(**axis)
    _layout(fig, t("evaluator.chart.tornado", lang, pct=pct(spread)), height=max(260, 60 + 34 * len(labels)))
    # The driver names are the chart: the left margin is as wide as the longest of them
    # ("Unique customers served: CLV uplift" was cut to "ift" on a narrow page).
    longest = max((_label_width_px(html.unescape(x)) for x in labels), default=0)
    fig.update_layout(margin={"l": int(longest) + 16})
    return fig


def histogram_figure(mc: MonteCarloResult, lang: str = "en", currency: str = "CNY") -> go.Figure:
    """Monte Carlo NPVs with P10, P50, P90 and the zero line marked."""
    scale, axis = _axis_scale(lang, currency)
    # Bin in numpy so the chart (and the HTML file) carries 60 bars, not 10,000 draws.
    counts, edges = np.histogram(mc.npv, bins=60)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = [COST_COLOUR if c < 0 else LINE_COLOUR for c in centres]
    fig = go.Figure(
        go.Bar(
            x=centres / scale,
            y=counts,
            width=np.diff(edges) / scale,
            marker_color=colours,
            customdata=[money(c, lang, currency) for c in centres],
            hovertemplate="NPV %{customdata}: %{y}<extra></extra>",
        )
    )
    # Left, centre, right: the three labels do not overprint when the spread is narrow.
    for name, value, where in (
        ("P10", mc.p10, "top left"),
        ("P50", mc.p50, "top"),
        ("P90", mc.p90, "top right"),
    ):
        vline(
            fig,
            value / scale,
            line_color="#263238",
            line_dash="dash",
            annotation_text=f"{name} {money(value, lang, currency)}",
            annotation_position=where,
        )
    vline(fig, 0, line_color=COST_COLOUR, line_width=1)
    fig.update_xaxes(**axis)
    fig.update_yaxes(title_text=t("evaluator.chart.draws", lang))
    title = t("evaluator.chart.monte_carlo", lang, draws=number(mc.draws), loss=pct(mc.prob_loss, 1))
    return _layout(fig, title)
