"""The business case of one programme as it leaves the room: charts, HTML report, Excel.

The chart builders are shared by the evaluator page and the exports, so what the CFO
reads in the file is what was on the screen. Every string comes from the i18n catalogue
and every amount from ``wording.fmt``, in the reader's language.
"""
from __future__ import annotations

import html
import io
import unicodedata
from datetime import datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

from clv_engine.evaluator import (
    Analysis,
    CustomerGroup,
    Evaluation,
    MonteCarloResult,
    Programme,
    driver_label,
    is_reference_case,
    label,
)
from clv_engine.export import neutralise
from wording import t
from wording.fmt import money, money_full, multiple, number, pct

GAIN_COLOUR = "#2e7d32"
COST_COLOUR = "#c62828"
LINE_COLOUR = "#1f3a93"
MUTED = "#8a8f98"


# --------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------
def years_text(value: float | None, lang: str) -> str:
    if value is None:
        return t("evaluator.never", lang)
    return t("evaluator.years", lang, n=f"{value:.2f}")


def payback_text(value: float | None, e: Evaluation, lang: str) -> str:
    """A payback in years; "—" when nothing is spent (nothing to pay back)."""
    if e.cost_over_horizon <= 0:
        return t("evaluator.none", lang)
    if value == 0.0:  # the cumulative cash flow is never below zero: no investment to recover
        return t("evaluator.nothing_to_recover", lang)
    return years_text(value, lang)


def per_unit_text(p: Programme, lang: str) -> str:
    return t(p.volume_unit.replace(".unit.", ".per_unit."), lang)


def unit_loss_warning(e: Evaluation, lang: str) -> str | None:
    """"The product itself loses ¥400 per contract ..." when the price is below the cost."""
    if e.unit_loss is None:
        return None
    p = e.programme
    cost = p.unit_revenue + e.unit_loss
    return t("evaluator.warn.unit_loss", lang, loss=money_full(e.unit_loss), per=per_unit_text(p, lang),
             cost=money_full(cost), price=money_full(p.unit_revenue))


def warnings(e: Evaluation, lang: str) -> list[str]:
    """Every caveat a reader must see beside the figures, in words."""
    found = [irr_warning(e, lang), unit_loss_warning(e, lang),
             t("evaluator.warn.dips", lang) if e.dips_after_payback else None]
    return [w for w in found if w]


def note_text(p: Programme, lang: str) -> str:
    """The reference case's own wording only while the inputs are the reference case's;
    once an input moves, a sentence that says so (the wording would describe other numbers)."""
    if not p.note:
        return ""
    if p.preset == "custom" or is_reference_case(p):
        return label(p.note, lang)
    return t("evaluator.note.edited", lang, case=t(f"evaluator.preset.{p.preset}", lang))


def irr_text(e: Evaluation, lang: str) -> str:
    return pct(e.irr.irr, 1) if e.irr.irr is not None else "—"


def irr_warning(e: Evaluation, lang: str) -> str | None:
    """The IRR caveat in words, with the roots and sign changes filled in."""
    if e.irr.warning is None:
        return None
    roots = ", ".join(pct(r, 1) for r in e.irr.roots)
    return t(e.irr.warning, lang, changes=e.irr.sign_changes, roots=roots)


def _axis_scale(lang: str) -> tuple[float, dict]:
    """Chinese readers get the money axis in 万, English readers in ¥ with SI suffixes."""
    if lang == "zh":
        return 1e4, {"tickprefix": "¥", "ticksuffix": "万", "tickformat": ",.0f"}
    return 1.0, {"tickprefix": "¥", "tickformat": "~s"}


def _plot_text(text: str) -> str:
    # A typed cost line or group name is text: plotly would draw <a href=…> in it as a link.
    return html.escape(text, quote=False)


def _write_text(ws, row: int, col: int, value: str, *cell_format) -> None:
    # Every text cell, typed names included, is neutralised: "=HYPERLINK(…)" stays text.
    ws.write_string(row, col, neutralise(value), *cell_format)


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
def cash_flow_figure(e: Evaluation, lang: str = "en") -> go.Figure:
    """Yearly costs (below zero) and gain (above), with the cumulative line: the J-curve."""
    flows = e.cash_flows
    scale, axis = _axis_scale(lang)
    years = [t("evaluator.report.year_n", lang, n=int(y)) for y in flows["year"]]
    fig = go.Figure()
    costs = flows["upfront_cost"] + flows["one_off_cost"] + flows["running_cost"] + flows["unit_cost"]
    fig.add_bar(x=years, y=flows["gain"] / scale, name=t("evaluator.report.gain", lang),
                marker_color=GAIN_COLOUR, customdata=[money(v, lang) for v in flows["gain"]],
                hovertemplate="%{x}: %{customdata}<extra></extra>")
    fig.add_bar(x=years, y=costs / scale, name=t("evaluator.report.costs", lang),
                marker_color=COST_COLOUR, customdata=[money(v, lang) for v in costs],
                hovertemplate="%{x}: %{customdata}<extra></extra>")
    fig.add_scatter(x=years, y=flows["cumulative"] / scale, name=t("evaluator.report.cumulative", lang),
                    mode="lines+markers", line={"color": LINE_COLOUR, "width": 3},
                    customdata=[money(v, lang) for v in flows["cumulative"]],
                    hovertemplate="%{x}: %{customdata}<extra></extra>")
    fig.add_scatter(x=years, y=flows["cumulative_discounted"] / scale,
                    name=t("evaluator.report.cumulative_discounted", lang), mode="lines",
                    line={"color": LINE_COLOUR, "width": 2, "dash": "dot"},
                    customdata=[money(v, lang) for v in flows["cumulative_discounted"]],
                    hovertemplate="%{x}: %{customdata}<extra></extra>")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(**axis)
    return _layout(fig, t("evaluator.chart.cash_flow", lang))


def waterfall_figure(e: Evaluation, lang: str = "en") -> go.Figure:
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
    scale, axis = _axis_scale(lang)
    measures = ["relative"] * len(values) + ["total"]
    names.append(t("evaluator.fig.net_gain", lang))
    values.append(e.net_gain_over_horizon)
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=[v / scale for v in values[:-1]] + [0],
            measure=measures,
            text=[money(v, lang) for v in values],
            textposition="outside",
            customdata=[money(v, lang) for v in values],
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


def tornado_figure(p: Programme, frame: pd.DataFrame, spread: float, lang: str = "en") -> go.Figure:
    """NPV swing per driver around the base case; largest on top."""
    scale, axis = _axis_scale(lang)
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
            customdata=[money(v, lang) for v in values],
            hovertemplate="%{y}: NPV %{customdata}<extra></extra>",
        )
    fig.add_vline(x=base / scale, line_color=MUTED, line_dash="dash")
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(**axis)
    _layout(fig, t("evaluator.chart.tornado", lang, pct=pct(spread)), height=max(260, 60 + 34 * len(labels)))
    # The driver names are the chart: the left margin is as wide as the longest of them
    # ("Unique customers served: CLV uplift" was cut to "ift" on a narrow page).
    longest = max((_label_width_px(html.unescape(x)) for x in labels), default=0)
    fig.update_layout(margin={"l": int(longest) + 16})
    return fig


def histogram_figure(mc: MonteCarloResult, lang: str = "en") -> go.Figure:
    """Monte Carlo NPVs with P10, P50, P90 and the zero line marked."""
    scale, axis = _axis_scale(lang)
    # Bin in numpy so the chart (and the HTML file) carries 60 bars, not 10,000 draws.
    counts, edges = np.histogram(mc.npv, bins=60)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = [COST_COLOUR if c < 0 else LINE_COLOUR for c in centres]
    fig = go.Figure(
        go.Bar(x=centres / scale, y=counts, width=np.diff(edges) / scale, marker_color=colours,
               customdata=[money(c, lang) for c in centres],
               hovertemplate="NPV %{customdata}: %{y}<extra></extra>")
    )
    # Left, centre, right: the three labels do not overprint when the spread is narrow.
    for name, value, where in (("P10", mc.p10, "top left"), ("P50", mc.p50, "top"), ("P90", mc.p90, "top right")):
        fig.add_vline(x=value / scale, line_color="#263238", line_dash="dash",
                      annotation_text=f"{name} {money(value, lang)}", annotation_position=where)
    fig.add_vline(x=0, line_color=COST_COLOUR, line_width=1)
    fig.update_xaxes(**axis)
    fig.update_yaxes(title_text=t("evaluator.chart.draws", lang))
    title = t("evaluator.chart.monte_carlo", lang, draws=number(mc.draws), loss=pct(mc.prob_loss, 1))
    return _layout(fig, title)


# --------------------------------------------------------------------------------------
# Tables (shared by the page, the HTML and the workbook)
# --------------------------------------------------------------------------------------
def headline_rows(a: Analysis, lang: str) -> list[tuple[str, str, str]]:
    """(figure, value, definition) for every figure of the case."""
    e = a.evaluation
    mc = a.monte_carlo
    per_unit = per_unit_text(e.programme, lang)
    rows = [
        (t("evaluator.fig.cost", lang), money_full(e.cost_over_horizon), t("evaluator.def.cost", lang)),
        (t("evaluator.fig.unit_cost", lang),
         "—" if e.unit_cost is None else f"{money_full(e.unit_cost)} {per_unit}", t("evaluator.def.unit_cost", lang)),
        (t("evaluator.fig.gain", lang), money_full(e.gain_over_horizon), t("evaluator.def.gain", lang)),
        (t("evaluator.fig.net_gain", lang), money_full(e.net_gain_over_horizon), t("evaluator.def.net_gain", lang)),
        (t("evaluator.fig.net_roi", lang), pct(e.net_roi), t("evaluator.def.net_roi", lang)),
        (t("evaluator.fig.multiple", lang), multiple(e.benefit_cost_multiple), t("evaluator.def.multiple", lang)),
        (t("evaluator.fig.payback", lang), payback_text(e.payback_years, e, lang), t("evaluator.def.payback", lang)),
        (t("evaluator.fig.discounted_payback", lang), payback_text(e.discounted_payback_years, e, lang),
         t("evaluator.def.discounted_payback", lang)),
        (t("evaluator.fig.npv", lang), money_full(e.npv),
         t("evaluator.def.npv", lang) + " " + t("evaluator.def.rate", lang, rate=pct(e.programme.discount_rate, 1))),
        (t("evaluator.fig.irr", lang), irr_text(e, lang), irr_warning(e, lang) or t("evaluator.def.irr", lang)),
        (t("evaluator.fig.mirr", lang), pct(e.irr.mirr, 1), t("evaluator.def.mirr", lang, rate=pct(e.irr.mirr_rate, 1))),
        (t("evaluator.fig.mc_p10_p90", lang), f"{money_full(mc.p10)} / {money_full(mc.p50)} / {money_full(mc.p90)}",
         t("evaluator.def.monte_carlo", lang, draws=number(mc.draws), seed=mc.seed)),
        (t("evaluator.fig.prob_loss", lang), pct(mc.prob_loss, 1), t("evaluator.def.prob_loss", lang)),
    ]
    return rows


def group_detail(g: CustomerGroup, lang: str) -> str:
    """"1,500 customers · take-up 100%" (or one per unit of volume)."""
    if g.customers is None:
        return t("evaluator.in.group_detail_per_unit", lang, take_up=pct(g.take_up))
    return t("evaluator.in.group_detail", lang, customers=number(g.customers), take_up=pct(g.take_up))


def input_rows(p: Programme, lang: str) -> list[tuple[str, str, str]]:
    """(input, value, how it is counted) for the inputs block of the exports."""
    unit = label(p.volume_unit, lang)
    rows = [
        (t("evaluator.in.programme", lang), label(p.name, lang), ""),
        (t("evaluator.in.horizon", lang), t("evaluator.years", lang, n=p.horizon_years), ""),
        (t("evaluator.in.discount_rate", lang), pct(p.discount_rate, 1), ""),
        (t("evaluator.in.volume", lang), f"{number(p.volume_per_year)} {unit}", t("evaluator.in.per_year", lang)),
    ]
    if p.unit_revenue:
        per_unit = t(p.volume_unit.replace(".unit.", ".per_unit."), lang)
        rows.append((t("evaluator.driver.unit_revenue", lang), money_full(p.unit_revenue), per_unit))
    for line in p.cost_lines:
        timing = t(f"evaluator.timing.{line.timing}", lang)
        if line.timing == "one_off":
            timing += " · " + t("evaluator.report.year_n", lang, n=line.year)
        rows.append((label(line.name, lang), money_full(line.amount), timing))
    for g in p.groups:
        detail = group_detail(g, lang)
        if g.baseline_clv is not None:
            detail += " · " + t("evaluator.in.baseline", lang, clv=money_full(g.baseline_clv),
                                pct=pct(g.uplift_pct) if g.uplift_pct is not None else "—")
        rows.append((t("evaluator.driver.clv_uplift", lang, group=label(g.name, lang)),
                     money_full(g.clv_uplift), detail))
    return rows


CASH_FLOW_COLUMNS = ("year", "upfront_cost", "one_off_cost", "running_cost", "unit_cost", "gain", "net",
                     "cumulative", "discount_factor", "discounted_net", "cumulative_discounted")


def cash_flow_headers(lang: str) -> list[str]:
    return [t(f"evaluator.col.{c}", lang) for c in CASH_FLOW_COLUMNS]


def break_even_text(key: str, value: float | None, lang: str) -> str:
    if value is None:
        return t("evaluator.be.none", lang)
    if key == "discount_rate" or key.endswith("take_up"):
        return pct(value, 1)
    if key == "volume" or key.endswith("customers"):
        return number(value, 0)
    return money_full(value)


def sensitivity_rows(a: Analysis, lang: str) -> list[list[str]]:
    be = a.break_even.set_index("driver")
    rows = []
    for _, r in a.tornado.iterrows():
        key = r["driver"]
        value = be.loc[key, "break_even"] if key in be.index else None
        value = None if value is None or pd.isna(value) else float(value)
        margin = be.loc[key, "margin"] if key in be.index else None
        rows.append([
            driver_label(a.programme, key, lang),
            break_even_text(key, float(r["base_value"]), lang),
            money_full(r["npv_low"]),
            money_full(r["npv_high"]),
            break_even_text(key, value, lang),
            "—" if margin is None or pd.isna(margin) else pct(float(margin)),
        ])
    return rows


def sensitivity_headers(lang: str, spread: float) -> list[str]:
    return [t("evaluator.col.driver", lang), t("evaluator.col.input", lang),
            t("evaluator.col.npv_down", lang, pct=pct(spread)), t("evaluator.col.npv_up", lang, pct=pct(spread)),
            t("evaluator.col.break_even", lang), t("evaluator.col.margin", lang)]


# --------------------------------------------------------------------------------------
# HTML report
# --------------------------------------------------------------------------------------
_CSS = """
body{font-family:Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;color:#1c2331;
     max-width:1100px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:24px;margin-bottom:4px} h2{font-size:18px;margin-top:32px;border-bottom:1px solid #dde2e8}
.meta{color:#5f6b7a;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{flex:1 1 200px;border:1px solid #dde2e8;border-radius:8px;padding:12px 14px}
.card .v{font-size:24px;font-weight:600} .card .d{color:#5f6b7a;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #e7ebef;padding:5px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#f5f7fa;border-left:3px solid #90a4ae;padding:8px 12px;font-size:13px}
.warn{background:#fff8e1;border-left:3px solid #ffb300;padding:8px 12px;font-size:13px}
.chart{width:100%;max-width:700px;margin:8px auto}
@page{size:A4;margin:12mm 12mm 14mm}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:11px}
 h2{break-after:avoid;margin-top:0;padding-top:4px}
 h2:not(:first-of-type){break-before:page}
 .cards,.card,.note,.warn,.chart{break-inside:avoid}
 thead{display:table-header-group} tr,td,th{break-inside:avoid}
 table{font-size:10.5px} th,td{padding:3px 5px}
 .modebar,.modebar-container{display:none!important}
}
"""
# A4 less its margins is 186 mm, about 700 CSS pixels: a chart this wide prints whole (.chart in _CSS).
PRINT_CHART_WIDTH = 700


def _table(headers: list[str], rows: list[list[str]] | list[tuple[str, ...]],
           numeric: set[int] | None = None) -> str:
    """Right-aligned ``numeric`` columns (all but the first by default)."""
    numeric = set(range(1, len(headers))) if numeric is None else numeric

    def cell(tag: str, i: int, text: object) -> str:
        cls = ' class="n"' if i in numeric else ""
        return f"<{tag}{cls}>{html.escape(str(text))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cash_flow_rows(e: Evaluation, lang: str) -> list[list[str]]:
    rows = []
    for _, r in e.cash_flows.iterrows():
        cells = [t("evaluator.report.year_n", lang, n=int(r["year"]))]
        for c in CASH_FLOW_COLUMNS[1:]:
            cells.append(f"{r[c]:.4f}" if c == "discount_factor" else money_full(r[c]))
        rows.append(cells)
    return rows


def html_report(a: Analysis, lang: str = "en", generated: datetime | None = None) -> str:
    """A self-contained HTML business case: plotly.js is inlined once (no CDN), so the
    file opens offline, attached to an e-mail, years from now."""
    e, p = a.evaluation, a.programme
    generated = generated or datetime.now()
    figures = [
        cash_flow_figure(e, lang),
        waterfall_figure(e, lang),
        tornado_figure(p, a.tornado, a.spread, lang),
        histogram_figure(a.monte_carlo, lang),
    ]
    charts = "".join(
        '<div class="chart">'
        + fig.update_layout(width=PRINT_CHART_WIDTH).to_html(full_html=False, include_plotlyjs=(i == 0),
                                                             config={"displaylogo": False})
        + "</div>"
        for i, fig in enumerate(figures)
    )
    cards = [
        (t("evaluator.fig.net_roi", lang), pct(e.net_roi), t("evaluator.def.net_roi", lang)),
        (t("evaluator.fig.payback", lang), payback_text(e.payback_years, e, lang), t("evaluator.def.payback", lang)),
        (t("evaluator.fig.discounted_payback", lang), payback_text(e.discounted_payback_years, e, lang),
         t("evaluator.def.discounted_payback", lang)),
        (t("evaluator.fig.npv", lang), money(e.npv, lang), t("evaluator.def.npv", lang)),
        (t("evaluator.fig.irr", lang), irr_text(e, lang),
         irr_warning(e, lang) or t("evaluator.def.irr", lang)),
    ]
    card_html = "".join(
        f'<div class="card"><div class="d">{html.escape(k)}</div><div class="v">{html.escape(v)}</div>'
        f'<div class="d">{html.escape(d)}</div></div>'
        for k, v, d in cards
    )
    note = note_text(p, lang)
    title = label(p.name, lang)
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{html.escape(t('evaluator.report.title', lang, name=title))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(t('evaluator.report.title', lang, name=title))}</h1>",
        f'<div class="meta">{html.escape(t("evaluator.report.generated", lang, when=generated.strftime("%Y-%m-%d %H:%M")))}</div>',
        f'<div class="cards">{card_html}</div>',
        "".join(f'<div class="warn">{html.escape(w)}</div>' for w in warnings(e, lang)),
        f"<h2>{html.escape(t('evaluator.report.assumptions', lang))}</h2>",
        f'<p class="note">{html.escape(note)}</p>' if note else "",
        f'<p class="note">{html.escape(t("evaluator.convention", lang))}</p>',
        _table([t("evaluator.col.input", lang), t("evaluator.col.value", lang), t("evaluator.col.how", lang)],
               input_rows(p, lang), numeric={1}),
        f"<h2>{html.escape(t('evaluator.report.results', lang))}</h2>",
        _table([t("evaluator.col.figure", lang), t("evaluator.col.value", lang), t("evaluator.col.definition", lang)],
               headline_rows(a, lang), numeric={1}),
        f"<h2>{html.escape(t('evaluator.report.cash_flows', lang))}</h2>",
        _table(cash_flow_headers(lang), _cash_flow_rows(e, lang)),
        f"<h2>{html.escape(t('evaluator.report.charts', lang))}</h2>",
        charts,
        f"<h2>{html.escape(t('evaluator.report.sensitivity', lang))}</h2>",
        _table(sensitivity_headers(lang, a.spread), sensitivity_rows(a, lang)),
        f'<p class="note">{html.escape(t("evaluator.report.mc_method", lang, draws=number(a.monte_carlo.draws), seed=a.monte_carlo.seed))}</p>',
        "</body></html>",
    ]
    return "".join(parts)


# --------------------------------------------------------------------------------------
# Excel workbook
# --------------------------------------------------------------------------------------
def _sheet_name(key: str, lang: str) -> str:
    # Excel caps sheet names at 31 characters and forbids a few symbols.
    name = t(key, lang)
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31]


class _Cells:
    """Where each input sits on the Inputs sheet, as absolute references for formulas."""

    def __init__(self, sheet: str) -> None:
        self.sheet = quote_sheetname(sheet)
        self.refs: dict[str, str] = {}

    def put(self, key: str, row: int, col: int = 1) -> None:
        self.refs[key] = f"{self.sheet}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"

    def __getitem__(self, key: str) -> str:
        return self.refs[key]


def _sum(refs: list[str]) -> str:
    return "(" + "+".join(refs) + ")" if refs else "0"


def excel_report(a: Analysis, lang: str = "en") -> bytes:
    """The business case as a live model: the Inputs sheet drives the yearly cash-flow
    formulas, which drive NPV, IRR, MIRR and both paybacks on the Results sheet. Every
    amount is a number with a number format. Sensitivity and Monte Carlo are the app's
    figures at the inputs of the export (a simulation does not recalculate in a sheet).

    Every text cell is written neutralised as a string: a cost line called "=HYPERLINK(...)"
    stays text and never becomes a formula.
    """
    e, p = a.evaluation, a.programme
    buffer = io.BytesIO()
    # Text is always text (a programme or cost line named "=..." is no formula); the model's
    # own formulas are written with write_formula on purpose.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#e8edf3", "border": 1, "text_wrap": True, "valign": "top"})
    yuan = book.add_format({"num_format": '"¥"#,##0;-"¥"#,##0'})
    count = book.add_format({"num_format": "#,##0"})
    whole = book.add_format({"num_format": "0"})
    ratio = book.add_format({"num_format": "0.0%"})
    ratio0 = book.add_format({"num_format": "0%"})
    times = book.add_format({"num_format": '0.0"×"'})
    years = book.add_format({"num_format": t("evaluator.xl.yr_format", lang)})
    factor = book.add_format({"num_format": "0.0000"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    never = t("evaluator.never", lang).replace('"', "'")
    dash = t("evaluator.none", lang)

    # -- inputs: the only numbers typed into the model --
    inputs_name = _sheet_name("evaluator.sheet.inputs", lang)
    ws = book.add_worksheet(inputs_name)
    cells = _Cells(inputs_name)
    _write_text(ws, 0, 0, t("evaluator.report.title", lang, name=label(p.name, lang)), bold)
    _write_text(ws, 1, 0, t("evaluator.xl.live", lang))
    headers = [t("evaluator.col.input", lang), t("evaluator.col.value", lang), t("evaluator.col.how", lang),
               t("evaluator.xl.one_off_year", lang)]
    for col, h in enumerate(headers):
        _write_text(ws, 3, col, h, head)
    row = 4

    def put(key: str, name: str, value: float | str, fmt, how: str = "", cached: float = 0.0) -> None:
        nonlocal row
        _write_text(ws, row, 0, name)
        if isinstance(value, str):  # a formula, with its value for readers that do not recalculate
            ws.write_formula(row, 1, value, fmt, cached)
        else:
            ws.write_number(row, 1, float(value), fmt)
        _write_text(ws, row, 2, how)
        cells.put(key, row)
        row += 1

    unit = label(p.volume_unit, lang)
    put("horizon", t("evaluator.in.horizon", lang), p.horizon_years, whole, t("evaluator.xl.horizon_how", lang))
    put("rate", t("evaluator.in.discount_rate", lang), p.discount_rate, ratio)
    put("volume", t("evaluator.in.volume", lang), p.volume_per_year, count,
        f"{unit} · {t('evaluator.in.per_year', lang)}")
    put("price", t("evaluator.driver.unit_revenue", lang), p.unit_revenue, yuan, per_unit_text(p, lang))
    upfront, yearly, per_unit, one_offs = [], [], [], []
    for i, line in enumerate(p.cost_lines):
        put(f"cost.{i}", label(line.name, lang), line.amount, yuan, t(f"evaluator.timing.{line.timing}", lang))
        if line.timing == "one_off":
            ws.write_number(row - 1, 3, line.year, whole)
            cells.put(f"cost.{i}.year", row - 1, 3)
            one_offs.append((cells[f"cost.{i}"], cells[f"cost.{i}.year"]))
        else:
            {"upfront": upfront, "yearly": yearly, "per_unit": per_unit}[line.timing].append(cells[f"cost.{i}"])
    group_terms = []
    for i, g in enumerate(p.groups):
        name = label(g.name, lang)
        if g.customers is None:
            put(f"group.{i}.customers", t("evaluator.xl.customers", lang, group=name),
                f"={cells['volume']}*{cells['horizon']}", count, t("evaluator.xl.customers_per_unit", lang),
                cached=e.volume_over_horizon)
        else:
            put(f"group.{i}.customers", t("evaluator.xl.customers", lang, group=name), g.customers, count)
        put(f"group.{i}.take_up", t("evaluator.driver.take_up", lang, group=name), g.take_up, ratio0)
        how = ""
        if g.baseline_clv is not None:
            how = t("evaluator.in.baseline", lang, clv=money_full(g.baseline_clv),
                    pct=pct(g.uplift_pct) if g.uplift_pct is not None else "—")
        put(f"group.{i}.clv_uplift", t("evaluator.driver.clv_uplift", lang, group=name), g.clv_uplift, yuan, how)
        group_terms.append(f"{cells[f'group.{i}.customers']}*{cells[f'group.{i}.take_up']}"
                           f"*{cells[f'group.{i}.clv_uplift']}")
    put("gain", t("evaluator.xl.gain_pv", lang), "=" + (_sum(group_terms) if group_terms else "0"), yuan,
        t("evaluator.xl.gain_pv_how", lang), cached=e.gain_over_horizon)
    row += 1
    _write_text(ws, row, 0, t("evaluator.convention", lang), wrap)
    note = note_text(p, lang)
    if note:
        _write_text(ws, row + 1, 0, note, wrap)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3, 14)

    # -- yearly flows: every cell a formula of the inputs --
    flows_name = _sheet_name("evaluator.sheet.cash_flows", lang)
    ws = book.add_worksheet(flows_name)
    columns = list(CASH_FLOW_COLUMNS) + ["crossing", "crossing_discounted"]
    col = {c: xl_col_to_name(i) for i, c in enumerate(columns)}
    for i, h in enumerate(cash_flow_headers(lang) + [t("evaluator.xl.crossing", lang),
                                                     t("evaluator.xl.crossing_discounted", lang)]):
        _write_text(ws, 0, i, h, head)
    rate, horizon, volume, price, gain = (cells[k] for k in ("rate", "horizon", "volume", "price", "gain"))
    first, last = 2, p.horizon_years + 2  # spreadsheet rows of year 0 and year H
    for year in range(p.horizon_years + 1):
        r = year + 2  # 1-based spreadsheet row
        f: dict[str, str] = {
            "upfront_cost": f"=-{_sum(upfront)}" if year == 0 else "=0",
            "one_off_cost": "=-" + _sum([f"IF({y}={col['year']}{r},{amount},0)" for amount, y in one_offs]),
            "running_cost": f"=-{_sum(yearly)}" if year else "=0",
            "unit_cost": f"=-({_sum(per_unit)}-{price})*{volume}" if year else "=0",
            # The CLV uplift (a present value) as the equal yearly gross profit whose
            # present value it is: PMT, the annuity that repays it.
            "gain": f"=-PMT({rate},{horizon},{gain})" if year else "=0",
            "net": f"=SUM({col['upfront_cost']}{r}:{col['gain']}{r})",
            "cumulative": f"={col['net']}{r}" if year == 0 else f"={col['cumulative']}{r - 1}+{col['net']}{r}",
            "discount_factor": f"=1/(1+{rate})^{col['year']}{r}",
            "discounted_net": f"={col['net']}{r}*{col['discount_factor']}{r}",
            "cumulative_discounted": (f"={col['discounted_net']}{r}" if year == 0 else
                                      f"={col['cumulative_discounted']}{r - 1}+{col['discounted_net']}{r}"),
        }
        if year:
            for key, cum, flow in (("crossing", "cumulative", "net"),
                                   ("crossing_discounted", "cumulative_discounted", "discounted_net")):
                # The year in which the cumulative first rises through zero, interpolated.
                f[key] = (f'=IF(AND({col[cum]}{r - 1}<0,{col[cum]}{r}>=0),'
                          f'{col["year"]}{r - 1}-{col[cum]}{r - 1}/{col[flow]}{r},"")')
        ws.write_number(r - 1, 0, year, whole)
        values = e.cash_flows.iloc[year]
        before = e.cash_flows.iloc[year - 1] if year else None
        for key, formula in f.items():
            fmt = factor if key == "discount_factor" else (years if key.startswith("crossing") else yuan)
            if key in values.index:
                cached: float | str = float(values[key])
            else:  # the crossing cells, as the formula computes them
                cum, flow = ("cumulative", "net") if key == "crossing" else ("cumulative_discounted", "discounted_net")
                crossed = before is not None and before[cum] < 0 <= values[cum]
                cached = float(year - 1 - before[cum] / values[flow]) if crossed else ""
            ws.write_formula(r - 1, columns.index(key), formula, fmt, cached)
    ws.freeze_panes(1, 1)
    ws.set_column(0, len(columns) - 1, 16)

    def span(key: str, start: int = first) -> str:
        return f"{quote_sheetname(flows_name)}!${col[key]}${start}:${col[key]}${last}"

    def payback_formula(cum: str, crossing: str) -> str:
        at_zero = f"{quote_sheetname(flows_name)}!${col[cum]}${first}"
        return (f'=IF({cells["cost_total"]}<=0,"{dash}",IF({at_zero}>=0,0,'
                f'IF(COUNT({span(crossing, first + 1)})=0,"{never}",MIN({span(crossing, first + 1)}))))')

    # -- results: formulas of the cash-flow table and the inputs --
    results_name = _sheet_name("evaluator.sheet.results", lang)
    ws = book.add_worksheet(results_name)
    for i, h in enumerate([t("evaluator.col.figure", lang), t("evaluator.col.value", lang),
                           t("evaluator.col.definition", lang)]):
        _write_text(ws, 0, i, h, head)
    res = _Cells(results_name)
    cells.refs["cost_total"] = f"{quote_sheetname(results_name)}!$B$2"
    cost, net_flows = "$B$2", span("net")
    mc = a.monte_carlo
    rows: list[tuple[str, str, object, str, float | str]] = [
        ("cost", t("evaluator.fig.cost", lang),
         f"=-SUM({span('upfront_cost')},{span('one_off_cost')},{span('running_cost')},{span('unit_cost')})",
         t("evaluator.def.cost", lang), e.cost_over_horizon),
        ("gain", t("evaluator.fig.gain", lang), f"={gain}", t("evaluator.def.gain", lang), e.gain_over_horizon),
        ("net_gain", t("evaluator.fig.net_gain", lang), "=B3-B2", t("evaluator.def.net_gain", lang),
         e.net_gain_over_horizon),
        ("unit_cost", t("evaluator.page.unit_cost", lang, per=per_unit_text(p, lang)),
         f'=IF({volume}*{horizon}>0,{cost}/({volume}*{horizon}),"{dash}")', t("evaluator.def.unit_cost", lang),
         e.unit_cost if e.unit_cost is not None else dash),
        ("net_roi", t("evaluator.fig.net_roi", lang), f'=IF({cost}>0,(B3-{cost})/{cost},"{dash}")',
         t("evaluator.def.net_roi", lang), e.net_roi if e.net_roi is not None else dash),
        ("multiple", t("evaluator.fig.multiple", lang), f'=IF({cost}>0,B3/{cost},"{dash}")',
         t("evaluator.def.multiple", lang), e.benefit_cost_multiple if e.benefit_cost_multiple is not None else dash),
        ("npv", t("evaluator.fig.npv", lang), f"=SUM({span('discounted_net')})",
         t("evaluator.def.npv", lang), e.npv),
        ("irr", t("evaluator.fig.irr", lang), f'=IFERROR(IRR({net_flows}),"{dash}")',
         irr_warning(e, lang) or t("evaluator.def.irr", lang), e.irr.irr if e.irr.irr is not None else dash),
        ("mirr", t("evaluator.fig.mirr", lang), f'=IFERROR(MIRR({net_flows},{rate},{rate}),"{dash}")',
         t("evaluator.def.mirr", lang, rate=pct(p.discount_rate, 1)), e.irr.mirr if e.irr.mirr is not None else dash),
        ("payback", t("evaluator.fig.payback", lang), payback_formula("cumulative", "crossing"),
         t("evaluator.def.payback", lang), e.payback_years if e.payback_years is not None else never),
        ("discounted_payback", t("evaluator.fig.discounted_payback", lang),
         payback_formula("cumulative_discounted", "crossing_discounted"), t("evaluator.def.discounted_payback", lang),
         e.discounted_payback_years if e.discounted_payback_years is not None else never),
    ]
    formats = {"net_roi": ratio0, "irr": ratio, "mirr": ratio, "multiple": times, "payback": years,
               "discounted_payback": years}
    for i, (key, name, formula, definition, cached) in enumerate(rows, start=1):
        _write_text(ws, i, 0, name)
        ws.write_formula(i, 1, formula, formats.get(key, yuan), cached)
        _write_text(ws, i, 2, definition, wrap)
        res.put(key, i)
    r = len(rows) + 2
    _write_text(ws, r, 0, t("evaluator.xl.simulated", lang), bold)
    for i, (name, value, fmt, definition) in enumerate(
        [(t("evaluator.fig.p10", lang), mc.p10, yuan, t("evaluator.def.p10", lang)),
         (t("evaluator.fig.p50", lang), mc.p50, yuan, t("evaluator.def.p50", lang)),
         (t("evaluator.fig.p90", lang), mc.p90, yuan, t("evaluator.def.p90", lang)),
         (t("evaluator.fig.prob_loss", lang), mc.prob_loss, ratio, t("evaluator.def.prob_loss", lang))],
        start=r + 1,
    ):
        _write_text(ws, i, 0, name)
        ws.write_number(i, 1, value, fmt)
        _write_text(ws, i, 2, definition, wrap)
    r += 6
    for i, w in enumerate(warnings(e, lang)):
        _write_text(ws, r + i, 0, w, wrap)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 80)

    # -- sensitivity: the app's figures at the inputs of the export --
    ws = book.add_worksheet(_sheet_name("evaluator.sheet.sensitivity", lang))
    for i, h in enumerate(sensitivity_headers(lang, a.spread)):
        _write_text(ws, 0, i, h, head)
    be = a.break_even.set_index("driver")
    for i, r_ in enumerate(a.tornado.itertuples(index=False), start=1):
        key = r_.driver
        value_fmt = ratio if key == "discount_rate" or key.endswith("take_up") else (
            count if key == "volume" or key.endswith("customers") else yuan)
        _write_text(ws, i, 0, driver_label(p, key, lang))
        ws.write_number(i, 1, float(r_.base_value), value_fmt)
        ws.write_number(i, 2, float(r_.npv_low), yuan)
        ws.write_number(i, 3, float(r_.npv_high), yuan)
        value = be.loc[key, "break_even"] if key in be.index else None
        margin = be.loc[key, "margin"] if key in be.index else None
        if value is None or pd.isna(value):
            _write_text(ws, i, 4, t("evaluator.be.none", lang))
        else:
            ws.write_number(i, 4, float(value), value_fmt)
        if margin is None or pd.isna(margin):
            _write_text(ws, i, 5, dash)
        else:
            ws.write_number(i, 5, float(margin), ratio0)
    _write_text(ws, len(a.tornado) + 2, 0, t("evaluator.xl.simulated", lang))
    ws.set_column(0, 0, 40)
    ws.set_column(1, 5, 18)

    # -- Monte Carlo --
    ws = book.add_worksheet(_sheet_name("evaluator.sheet.monte_carlo", lang))
    summary = [("P10", mc.p10), ("P50", mc.p50), ("P90", mc.p90), (t("evaluator.xl.mean", lang), mc.mean)]
    for i, (name, value) in enumerate(summary):
        _write_text(ws, i, 0, name, bold)
        ws.write_number(i, 1, value, yuan)
    _write_text(ws, 4, 0, t("evaluator.fig.prob_loss", lang), bold)
    ws.write_number(4, 1, mc.prob_loss, ratio)
    _write_text(ws, 5, 0, t("evaluator.xl.draws_seed", lang), bold)
    ws.write_number(5, 1, mc.draws, count)
    ws.write_number(5, 2, mc.seed, whole)
    _write_text(ws, 7, 0, t("evaluator.col.driver", lang), head)
    _write_text(ws, 7, 1, t("evaluator.xl.range_down", lang), head)
    _write_text(ws, 7, 2, t("evaluator.xl.range_up", lang), head)
    for i, (key, (down, up)) in enumerate(mc.ranges.items(), start=8):
        _write_text(ws, i, 0, driver_label(p, key, lang))
        ws.write_number(i, 1, down, ratio)
        ws.write_number(i, 2, up, ratio)
    _write_text(ws, 9 + len(mc.ranges), 0,
                    t("evaluator.report.mc_method", lang, draws=number(mc.draws), seed=mc.seed), wrap)
    _write_text(ws, 10 + len(mc.ranges), 0, t("evaluator.xl.simulated", lang), wrap)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 2, 16)

    book.close()
    return buffer.getvalue()


def report_filename(p: Programme, lang: str, extension: str) -> str:
    """A file name that says what the case is: ``business_case_mobile_van.html``."""
    stem = p.preset if p.preset != "custom" else "custom"
    return f"{t('evaluator.report.file_stem', lang)}_{stem}.{extension}"
