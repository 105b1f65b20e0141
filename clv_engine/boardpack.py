"""The board pack: the evaluator's business case and the allocator's portfolio as slides.

One deck is described once (:class:`Slide` with text, a table and native charts) and drawn
twice: as PowerPoint with python-pptx (charts are chart objects the reader can edit, not
pictures) and as PDF with reportlab (its CID font STSong-Light draws Chinese without a font
file, so the PDF needs nothing beyond ``pip install -r requirements.txt``).

Every string comes from the i18n catalogue and every amount from ``wording.fmt``; the
figures are the engine's (the evaluator's one cash-flow table, the allocator's optimum and
budget–value curve), never recomputed here.
"""
from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from clv_engine import allocation as al
from clv_engine.evaluator import Analysis, driver_label, label
from clv_engine.report import (
    headline_rows,
    input_rows,
    note_text,
    payback_text,
    sensitivity_headers,
    sensitivity_rows,
    warnings,
)
from wording import t
from wording.allocation import reason_text
from wording.fmt import currency_mark, excel_money_format, money, money_full, number, pct

GAIN_COLOUR = "2E7D32"
COST_COLOUR = "C62828"
LINE_COLOUR = "1F3A93"
DOWN_COLOUR = "EF6C00"
UP_COLOUR = "1565C0"
MUTED = "8A8F98"

# The slide, in inches (16:9), and the type sizes the layout is measured for.
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
TITLE_TOP, TITLE_H, TITLE_PT = 0.35, 0.8, 26
BODY_PT = 13
TABLE_PT = 11
CELL_PAD = 0.1  # inches of inner margin, left + right together ≈ 2 × 0.05
LINE_SPACING = 1.25
CONTENT_TOP = TITLE_TOP + TITLE_H + 0.15
CONTENT_W = SLIDE_W - 2 * MARGIN
CONTENT_BOTTOM = SLIDE_H - 0.4


# --------------------------------------------------------------------------------------
# The deck, independent of the file format
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    """A native chart. ``kind``: 'column' (categories across), 'bar' (categories down, the
    tornado), 'xy' (a line through (x, y) points: the budget–value curve)."""

    kind: str
    title: str
    categories: Sequence[str] = ()
    series: Sequence[tuple[str, Sequence[float]]] = ()
    colours: Sequence[str] = ()
    x: Sequence[float] = ()  # xy only
    x_title: str = ""
    y_title: str = ""
    money_axis: bool = True


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # relative column widths
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Slide:
    title: str
    subtitle: str = ""  # title slide only
    text: Sequence[str] = ()  # paragraphs above the table or charts
    table: Table | None = None
    charts: Sequence[Chart] = ()
    cover: bool = False


@dataclass(frozen=True)
class Deck:
    title: str
    slides: list[Slide] = field(default_factory=list)
    currency: str = "CNY"  # of the chart axes


# --------------------------------------------------------------------------------------
# Measuring text (the same estimate lays out the slides and the tests check them)
# --------------------------------------------------------------------------------------
def char_width(c: str) -> float:
    """Width of one character in ems: full-width CJK 1, Latin about a half."""
    if unicodedata.east_asian_width(c) in ("W", "F"):
        return 1.0
    return 0.6 if c.isupper() or c.isdigit() else 0.52


def text_width_in(text: str, size_pt: float) -> float:
    return sum(char_width(c) for c in text) * size_pt / 72


def lines_needed(text: str, width_in: float, size_pt: float) -> int:
    """Lines a text wraps to in a box ``width_in`` wide (10 % lost to word breaks)."""
    usable = max(width_in, 0.1) * 0.9
    return sum(max(1, math.ceil(text_width_in(part, size_pt) / usable)) for part in str(text).split("\n"))


def text_height_in(paragraphs: Sequence[str], width_in: float, size_pt: float) -> float:
    lines = sum(lines_needed(p, width_in, size_pt) for p in paragraphs)
    return lines * size_pt * LINE_SPACING / 72 + 0.1 * len(paragraphs)


def row_height_in(cells: Sequence[str], widths_in: Sequence[float], size_pt: float) -> float:
    lines = max(lines_needed(c, w - CELL_PAD, size_pt) for c, w in zip(cells, widths_in, strict=True))
    return lines * size_pt * LINE_SPACING / 72 + 0.1


def fitting_size(text: str, width_in: float, height_in: float, sizes: Sequence[float]) -> float:
    """The largest of ``sizes`` at which ``text`` fits the box (a long typed name shrinks)."""
    for size in sizes:
        if text_height_in([text], width_in, size) <= height_in:
            return size
    return sizes[-1]


def column_widths(table: Table, width_in: float = CONTENT_W) -> list[float]:
    total = sum(table.widths)
    return [width_in * w / total for w in table.widths]


def _paginate(title: str, text: Sequence[str], table: Table, lang: str) -> list[Slide]:
    """A table too tall for one slide goes on as many as it needs, header repeated."""
    widths = column_widths(table)
    head = row_height_in(table.headers, widths, TABLE_PT)
    slides: list[Slide] = []
    rows: list[Sequence[str]] = []
    top = CONTENT_TOP + (text_height_in(text, CONTENT_W, BODY_PT) + 0.1 if text else 0)
    used = head
    for row in table.rows:
        h = row_height_in(row, widths, TABLE_PT)
        if rows and top + used + h > CONTENT_BOTTOM:
            slides.append(Slide(title if not slides else t("boardpack.continued", lang, title=title),
                                text=text if not slides else (),
                                table=Table(table.headers, rows, table.widths, table.numeric)))
            rows, used, top = [], head, CONTENT_TOP
        rows.append(row)
        used += h
    slides.append(Slide(title if not slides else t("boardpack.continued", lang, title=title),
                        text=text if not slides else (),
                        table=Table(table.headers, rows, table.widths, table.numeric)))
    return slides


# --------------------------------------------------------------------------------------
# The evaluator's business case
# --------------------------------------------------------------------------------------
def cash_flow_series(a: Analysis, lang: str) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """Years and (name, values) of the cash-flow column chart, from the one cash-flow table."""
    flows = a.evaluation.cash_flows
    years = [t("evaluator.report.year_n", lang, n=int(y)) for y in flows["year"]]
    costs = flows["upfront_cost"] + flows["one_off_cost"] + flows["running_cost"] + flows["unit_cost"]
    return years, [
        (t("evaluator.report.gain", lang), [float(v) for v in flows["gain"]]),
        (t("evaluator.report.costs", lang), [float(v) for v in costs]),
        (t("evaluator.col.net", lang), [float(v) for v in flows["net"]]),
    ]


def tornado_series(a: Analysis, lang: str) -> tuple[list[str], list[tuple[str, list[float]]], float]:
    """Drivers (largest swing first) and the change in NPV with each moved down and up."""
    shown = a.tornado[a.tornado["swing"] > 0]
    base = float(a.tornado["base_npv"].iloc[0]) if len(a.tornado) else 0.0
    labels = [driver_label(a.programme, k, lang) for k in shown["driver"]]
    return labels, [
        (t("evaluator.chart.driver_down", lang, pct=pct(a.spread)), [float(v) - base for v in shown["npv_low"]]),
        (t("evaluator.chart.driver_up", lang, pct=pct(a.spread)), [float(v) - base for v in shown["npv_high"]]),
    ], base


def evaluator_deck(a: Analysis, lang: str = "en", generated: datetime | None = None,
                   currency: str = "CNY") -> Deck:
    e, p = a.evaluation, a.programme
    generated = generated or datetime.now()
    title = t("evaluator.report.title", lang, name=label(p.name, lang))
    slides = [Slide(title, subtitle=t("boardpack.subtitle", lang, when=generated.strftime("%Y-%m-%d %H:%M")),
                    cover=True)]
    intro = [x for x in (note_text(p, lang), t("evaluator.convention", lang)) if x]
    inputs = Table([t("evaluator.col.input", lang), t("evaluator.col.value", lang), t("evaluator.col.how", lang)],
                   input_rows(p, lang), (4, 2, 4), frozenset({1}))
    slides += _paginate(t("evaluator.report.assumptions", lang), intro, inputs, lang)
    figures = Table([t("evaluator.col.figure", lang), t("evaluator.col.value", lang),
                     t("evaluator.col.definition", lang)], headline_rows(a, lang), (2.6, 2.6, 6.0), frozenset({1}))
    slides += _paginate(t("boardpack.figures", lang), warnings(e, lang), figures, lang)
    years, series = cash_flow_series(a, lang)
    flows = e.cash_flows
    cumulative = [(t("evaluator.report.cumulative", lang), [float(v) for v in flows["cumulative"]]),
                  (t("evaluator.report.cumulative_discounted", lang),
                   [float(v) for v in flows["cumulative_discounted"]])]
    slides.append(Slide(
        t("evaluator.report.cash_flows", lang),
        text=[t("boardpack.cash_flows.note", lang, payback=payback_text(e.payback_years, e, lang),
                npv=money_full(e.npv, currency))],
        charts=[Chart("column", t("evaluator.report.cash_flows", lang), years, series,
                      (GAIN_COLOUR, COST_COLOUR, LINE_COLOUR)),
                Chart("line", t("boardpack.cumulative", lang), years, cumulative, (LINE_COLOUR, MUTED))],
    ))
    drivers, moves, base = tornado_series(a, lang)
    if drivers:
        slides.append(Slide(
            t("evaluator.chart.tornado", lang, pct=pct(a.spread)),
            text=[t("boardpack.tornado.note", lang, base=money_full(base, currency), pct=pct(a.spread))],
            charts=[Chart("bar", t("boardpack.tornado.axis", lang), drivers, moves, (DOWN_COLOUR, UP_COLOUR))],
        ))
    sensitivity = Table(sensitivity_headers(lang, a.spread), sensitivity_rows(a, lang), (3.4, 1.6, 1.8, 1.8, 1.6, 1.2),
                        frozenset({1, 2, 3, 4, 5}))
    slides += _paginate(t("evaluator.report.sensitivity", lang), [], sensitivity, lang)
    return Deck(title, slides, currency)


# --------------------------------------------------------------------------------------
# The allocator's portfolio
# --------------------------------------------------------------------------------------
def _option_label(project: str, option: str | None, lang: str) -> str:
    if option in (None, al.FULL):
        return project
    return f"{project} ({t('allocator.tier.pilot', lang) if option == al.PILOT else option})"


def curve_series(curve: al.BudgetCurve) -> tuple[list[float], list[float]]:
    """The budget–value curve as (x, y) points; a step curve is drawn as steps (each new
    value starts at its own budget, the old value held until then)."""
    xs = [float(v) for v in curve.points["budget"]]
    ys = [float(v) for v in curve.points["net"]]
    if not curve.exact_steps or len(xs) < 2:
        return xs, ys
    sx, sy = [xs[0]], [ys[0]]
    for x, y in zip(xs[1:], ys[1:], strict=True):
        if y != sy[-1]:
            sx.append(x)
            sy.append(sy[-1])
        sx.append(x)
        sy.append(y)
    return sx, sy


def allocator_deck(projects: Sequence[al.Project], alloc: al.Allocation, curve: al.BudgetCurve,
                   lang: str = "en", verdicts: Sequence[al.Verdict] | None = None,
                   generated: datetime | None = None, currency: str = "CNY") -> Deck:
    best, ranking = alloc.optimum, alloc.roi_ranking
    generated = generated or datetime.now()
    m = lambda v: money_full(v, currency)  # noqa: E731
    title = t("boardpack.al.title", lang, budget=m(alloc.budget))
    slides = [Slide(title, subtitle=t("boardpack.subtitle", lang, when=generated.strftime("%Y-%m-%d %H:%M")),
                    cover=True)]
    intro = [t("boardpack.al.budget", lang) + ": " + m(alloc.budget)]
    locked = [p.name for p in projects if p.locked]
    excluded = [p.name for p in projects if p.excluded]
    if locked:
        intro.append(t("boardpack.al.locked", lang, names=", ".join(locked)))
    if excluded:
        intro.append(t("boardpack.al.excluded", lang, names=", ".join(excluded)))
    rows = []
    for p in projects:
        pilot = p.tiers[0] if p.tiers else None
        rows.append([p.name, m(p.investment), m(p.uplift_per_customer), number(p.reach),
                     "✓" if p.divisible else "",
                     "" if pilot is None else f"{m(pilot.investment)} · {m(pilot.uplift_per_customer)} · "
                                              f"{number(pilot.reach)}"])
    inputs = Table([t("allocator.col.name", lang), t("allocator.col.investment", lang), t("allocator.col.uplift", lang),
                    t("allocator.col.reach", lang), t("allocator.col.divisible", lang),
                    t("allocator.col.pilot_investment", lang)], rows, (3, 1.8, 1.8, 1.4, 1.0, 3.0),
                   frozenset({1, 2, 3}))
    slides += _paginate(t("allocator.page.projects", lang), intro, inputs, lang)

    figures = [
        (t("allocator.fig.net", lang), m(best.total_net), t("allocator.def.net", lang)),
        (t("allocator.fig.gain", lang), m(best.total_gain), t("allocator.def.gain", lang)),
        (t("allocator.col.cost", lang), m(best.total_cost), ""),
        (t("allocator.fig.combined_roi", lang), pct(best.combined_roi), t("allocator.def.combined_roi", lang)),
        (t("allocator.fig.funded", lang), t("allocator.fig.funded_of", lang, n=best.funded_count, total=len(projects)),
         ""),
        (t("allocator.fig.unspent", lang), m(best.unspent), t("allocator.def.unspent", lang)),
    ]
    if locked:
        figures.append((t("boardpack.al.lock_cost", lang), m(alloc.lock_cost), t("boardpack.al.def.lock_cost", lang)))
    slides += _paginate(t("boardpack.figures", lang), [],
                        Table([t("evaluator.col.figure", lang), t("evaluator.col.value", lang),
                               t("evaluator.col.definition", lang)], figures, (2.6, 2.4, 6.2), frozenset({1})), lang)

    funded = Table([t("allocator.col.name", lang), t("allocator.col.option", lang), t("boardpack.al.share", lang),
                    t("allocator.col.cost", lang), t("allocator.col.gain", lang), t("allocator.col.net", lang),
                    t("allocator.fig.roi", lang)],
                   [[x.project, "" if x.option == al.FULL else _option_label("", x.option, lang).strip(" ()"),
                     pct(x.fraction), m(x.cost), m(x.gain), m(x.net), pct(x.net_roi)] for x in best.lines],
                   (3.2, 1.2, 1.2, 1.7, 1.7, 1.7, 1.2), frozenset({2, 3, 4, 5, 6}))
    unspent = [t("allocator.page.unspent", lang, unspent=m(best.unspent))] if best.unspent >= 1 else []
    slides += _paginate(t("boardpack.al.funded", lang), unspent, funded, lang)

    if alloc.ranking_is_optimal:
        verdict = t("allocator.page.ranking_same", lang)
    else:
        verdict = t("allocator.page.ranking_worse", lang,
                    ranking=", ".join(_option_label(x.project, x.option, lang) for x in ranking.lines) or "—",
                    ranking_net=m(ranking.total_net),
                    best=", ".join(_option_label(x.project, x.option, lang) for x in best.lines),
                    missed=m(alloc.net_missed_by_ranking))
    compare = Table(
        ["", t("boardpack.al.optimum", lang), t("boardpack.al.ranking", lang)],
        [[t("allocator.fig.net", lang), m(best.total_net), m(ranking.total_net)],
         [t("allocator.fig.gain", lang), m(best.total_gain), m(ranking.total_gain)],
         [t("allocator.col.cost", lang), m(best.total_cost), m(ranking.total_cost)],
         [t("allocator.fig.unspent", lang), m(best.unspent), m(ranking.unspent)],
         [t("boardpack.al.projects_funded", lang),
          ", ".join(_option_label(x.project, x.option, lang) for x in best.lines) or "—",
          ", ".join(_option_label(x.project, x.option, lang) for x in ranking.lines) or "—"]],
        (2.4, 4.4, 4.4), frozenset({1, 2}))
    slides.append(Slide(t("boardpack.al.comparison", lang), text=[verdict], table=compare))
    slides.append(Slide(
        t("boardpack.al.comparison", lang),
        charts=[Chart("column", t("allocator.fig.net", lang),
                      [t("boardpack.al.optimum", lang), t("boardpack.al.ranking", lang)],
                      [(t("allocator.fig.net", lang), [best.total_net, ranking.total_net]),
                       (t("allocator.fig.unspent", lang), [best.unspent, ranking.unspent])],
                      (GAIN_COLOUR, MUTED))],
    ))
    xs, ys = curve_series(curve)
    slides.append(Slide(
        t("allocator.page.chart_curve", lang),
        text=[t("boardpack.al.curve_note", lang, budget=m(alloc.budget), net=m(best.total_net))],
        charts=[Chart("xy", t("allocator.page.chart_curve", lang), series=[(t("allocator.page.optimum", lang), ys)],
                      x=xs, colours=(LINE_COLOUR,), x_title=t("boardpack.al.budget", lang),
                      y_title=t("allocator.fig.net", lang))],
    ))
    if verdicts:
        reasons = Table([t("allocator.col.name", lang), t("allocator.col.status", lang), ""],
                        [[v.project, t(f"allocator.status.{v.status}", lang), reason_text(v, lang)]
                         for v in verdicts], (2.4, 1.6, 7.2))
        slides += _paginate(t("allocator.page.reasons", lang), [], reasons, lang)
    return Deck(title, slides, currency)


# --------------------------------------------------------------------------------------
# PowerPoint
# --------------------------------------------------------------------------------------
def to_pptx(deck: Deck) -> bytes:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    prs.core_properties.title = deck.title

    def textbox(slide, left, top, width, height, paragraphs, size, bold=False, colour="1C2331"):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, text in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = str(text)  # plain text: customer names are never markup here
            para.font.size = Pt(size)
            para.font.bold = bold
            para.font.color.rgb = RGBColor.from_string(colour)
        return box

    def colour_series(chart, colours, line=False):
        for s, c in zip(chart.plots[0].series, colours, strict=False):
            if line:
                s.format.line.color.rgb = RGBColor.from_string(c)
                s.format.line.width = Pt(2.5)
                s.smooth = False
            else:
                s.format.fill.solid()
                s.format.fill.fore_color.rgb = RGBColor.from_string(c)

    def add_chart(slide, spec: Chart, left, top, width, height):
        if spec.kind == "xy":
            data = XyChartData()
            for name, ys in spec.series:
                series = data.add_series(name)
                for x, y in zip(spec.x, ys, strict=True):
                    series.add_data_point(x, y)
            kind = XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
        else:
            data = CategoryChartData()
            data.categories = list(spec.categories)
            for name, values in spec.series:
                data.add_series(name, list(values))
            kind = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
                    "line": XL_CHART_TYPE.LINE_MARKERS}[spec.kind]
        frame = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width), Inches(height), data)
        chart = frame.chart
        chart.has_title = True
        chart.chart_title.text_frame.text = spec.title
        chart.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(11)
        chart.font.size = Pt(11)
        value_axis = chart.value_axis
        if spec.money_axis:
            value_axis.tick_labels.number_format = excel_money_format(deck.currency)
            value_axis.tick_labels.number_format_is_linked = False
        value_axis.has_major_gridlines = True
        if spec.kind == "xy":
            x_axis = chart.category_axis  # the X value axis of a scatter chart
            x_axis.tick_labels.number_format = excel_money_format(deck.currency)
            x_axis.tick_labels.number_format_is_linked = False
            x_axis.has_title = True
            x_axis.axis_title.text_frame.text = spec.x_title
            value_axis.has_title = True
            value_axis.axis_title.text_frame.text = spec.y_title
            colour_series(chart, spec.colours, line=True)
        elif spec.kind == "line":
            colour_series(chart, spec.colours, line=True)
        else:
            colour_series(chart, spec.colours)
            chart.plots[0].gap_width = 60
        if spec.kind == "bar":
            # Compact ticks (¥450k): the value axis runs across the top, full figures crowd it.
            mark = currency_mark(deck.currency)
            value_axis.tick_labels.number_format = f'"{mark}"#,##0,"k";-"{mark}"#,##0,"k";"{mark}"0'
            value_axis.tick_labels.font.size = Pt(10)
            # Largest swing on top, driver names left of the axis whatever the sign.
            chart.plots[0].overlap = 100
            chart.category_axis.reverse_order = True
            chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        if spec.kind == "column":
            chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        return frame

    for spec in deck.slides:
        slide = prs.slides.add_slide(blank)
        if spec.cover:
            size = fitting_size(spec.title, CONTENT_W - 0.6, 1.6, (36, 30, 24, 20, 16, 12))
            textbox(slide, MARGIN + 0.3, 2.3, CONTENT_W - 0.6, 1.6, [spec.title], size, bold=True)
            textbox(slide, MARGIN + 0.3, 4.0, CONTENT_W - 0.6, 0.6, [spec.subtitle], 16, colour="5F6B7A")
            continue
        size = fitting_size(spec.title, CONTENT_W, TITLE_H, (TITLE_PT, 22, 18, 14, 11))
        textbox(slide, MARGIN, TITLE_TOP, CONTENT_W, TITLE_H, [spec.title], size, bold=True)
        top = CONTENT_TOP
        if spec.text:
            height = text_height_in(spec.text, CONTENT_W, BODY_PT)
            textbox(slide, MARGIN, top, CONTENT_W, height, spec.text, BODY_PT)
            top += height + 0.1
        if spec.table is not None:
            tab = spec.table
            widths = column_widths(tab)
            heights = [row_height_in(tab.headers, widths, TABLE_PT)] + [
                row_height_in(r, widths, TABLE_PT) for r in tab.rows]
            shape = slide.shapes.add_table(len(tab.rows) + 1, len(tab.headers), Inches(MARGIN), Inches(top),
                                           Inches(CONTENT_W), Inches(sum(heights)))
            table = shape.table
            for j, w in enumerate(widths):
                table.columns[j].width = Inches(w)
            for i, h in enumerate(heights):
                table.rows[i].height = Inches(h)
            for i, row in enumerate([tab.headers, *tab.rows]):
                for j, text in enumerate(row):
                    cell = table.cell(i, j)
                    cell.margin_left = cell.margin_right = Inches(CELL_PAD / 2)
                    cell.text = str(text)
                    para = cell.text_frame.paragraphs[0]
                    para.font.size = Pt(TABLE_PT)
                    para.font.bold = i == 0
                    if j in tab.numeric:
                        para.alignment = PP_ALIGN.RIGHT
        if spec.charts:
            n = len(spec.charts)
            gap = 0.3
            width = (CONTENT_W - gap * (n - 1)) / n
            for i, chart in enumerate(spec.charts):
                add_chart(slide, chart, MARGIN + i * (width + gap), top, width, CONTENT_BOTTOM - top)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------
# Helvetica's encoding has no minus sign or Σ; these read the same in plain characters.
_PDF_PLAIN = str.maketrans({"−": "-", "Σ": "Sum ", "≥": ">=", "≤": "<=", "✓": "yes"})
# STSong-Light has no middle dot or minus sign either.
_PDF_PLAIN_ZH = str.maketrans({"−": "-", "·": "/", "✓": "是", "–": "-"})


def nice_range(values: Sequence[float], parts: int = 5) -> tuple[float, float, float]:
    """An axis from a round number below the data (and zero) to one above, in 1-2-5 steps,
    so no bar or line touches the frame."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    span = hi - lo or 1.0
    power = 10 ** math.floor(math.log10(span / parts))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power * parts >= span)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _pdf_text(text: object, lang: str) -> str:
    from xml.sax.saxutils import escape

    plain = str(text).translate(_PDF_PLAIN if lang != "zh" else _PDF_PLAIN_ZH)
    return escape(plain)  # a Paragraph reads markup: typed names are text, never tags


def to_pdf(deck: Deck, lang: str = "en") -> bytes:
    """The same deck as an A4 landscape PDF, one slide per page (a long table continues)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    if lang == "zh":
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        font = bold = "STSong-Light"
    else:
        font, bold = "Helvetica", "Helvetica-Bold"
    wrap = "CJK" if lang == "zh" else "LTR"
    styles = {
        "cover": ParagraphStyle("cover", fontName=bold, fontSize=28, leading=34, spaceBefore=4 * cm),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=14, leading=18, textColor=colors.HexColor("#5f6b7a"),
                              spaceBefore=12),
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=24, spaceAfter=8),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=14, spaceAfter=6, wordWrap=wrap),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9, leading=11.5, wordWrap=wrap),
        "cellr": ParagraphStyle("cellr", fontName=font, fontSize=9, leading=11.5, alignment=2, wordWrap=wrap),
        "head": ParagraphStyle("head", fontName=bold, fontSize=9, leading=11.5, wordWrap=wrap),
    }
    page_w, page_h = landscape(A4)
    margin = 1.5 * cm
    width = page_w - 2 * margin

    def money_label(v: float) -> str:
        return _pdf_text(money(v, lang, deck.currency), lang).replace("&amp;", "&")

    def drawing(spec: Chart, w: float, h: float) -> Drawing:
        d = Drawing(w, h)
        d.add(String(0, h - 14, _pdf_text(spec.title, lang).replace("&amp;", "&"), fontName=bold, fontSize=11))
        palette = [colors.HexColor("#" + c) for c in spec.colours] or [colors.HexColor("#" + LINE_COLOUR)]
        legend_h = 16 * len(spec.series) + 4
        if spec.kind == "xy":
            chart = LinePlot()
            chart.data = [list(zip(spec.x, ys, strict=True)) for _, ys in spec.series]
            chart.xValueAxis.labelTextFormat = money_label
            chart.yValueAxis.labelTextFormat = money_label
            for i, c in enumerate(palette):
                chart.lines[i].strokeColor = c
                chart.lines[i].strokeWidth = 2
            axes = (chart.xValueAxis.labels, chart.yValueAxis.labels)
            left = 70
        else:
            horizontal = spec.kind == "bar"
            chart = HorizontalBarChart() if horizontal else VerticalBarChart()
            chart.data = [list(values) for _, values in spec.series]
            chart.categoryAxis.categoryNames = [_pdf_text(c, lang).replace("&amp;", "&") for c in spec.categories]
            chart.valueAxis.labelTextFormat = money_label
            for i, c in enumerate(palette):
                chart.bars[i].fillColor = c
                chart.bars[i].strokeColor = None
            if horizontal:
                chart.categoryAxis.reverseDirection = 1
                chart.categoryAxis.labels.boxAnchor = "e"
                chart.categoryAxis.labels.dx = -6
                chart.categoryAxis.labelAxisMode = "low"
                longest = max((pdfmetrics.stringWidth(n, font, 9) for n in chart.categoryAxis.categoryNames),
                              default=40)
                left = min(longest + 16, w * 0.45)
            else:
                chart.categoryAxis.labelAxisMode = "low"
                left = 70
            if spec.kind == "line":
                chart = _line_chart(spec, palette, money_label)
            axes = (chart.categoryAxis.labels, chart.valueAxis.labels)
        values = [v for _, ys in spec.series for v in ys]
        value_axis = chart.yValueAxis if spec.kind == "xy" else chart.valueAxis
        value_axis.valueMin, value_axis.valueMax, value_axis.valueStep = nice_range(values)
        if spec.kind == "xy":
            chart.xValueAxis.valueMin, chart.xValueAxis.valueMax, chart.xValueAxis.valueStep = nice_range(spec.x)
        else:
            chart.categoryAxis.labelAxisMode = "low"
        for labels in axes:
            labels.fontName = font
            labels.fontSize = 9
        chart.x, chart.y = left, legend_h + 24
        chart.width, chart.height = w - left - 20, h - legend_h - 24 - 30
        d.add(chart)
        legend = Legend()
        legend.fontName, legend.fontSize = font, 9
        legend.alignment = "right"
        legend.x, legend.y = left, legend_h
        legend.colorNamePairs = [(c, _pdf_text(n, lang).replace("&amp;", "&"))
                                 for c, (n, _) in zip(palette, spec.series, strict=False)]
        d.add(legend)
        return d

    story = []
    for i, spec in enumerate(deck.slides):
        if i:
            story.append(PageBreak())
        if spec.cover:
            story += [Paragraph(_pdf_text(spec.title, lang), styles["cover"]),
                      Paragraph(_pdf_text(spec.subtitle, lang), styles["sub"])]
            continue
        story.append(Paragraph(_pdf_text(spec.title, lang), styles["title"]))
        story += [Paragraph(_pdf_text(x, lang), styles["body"]) for x in spec.text]
        if spec.table is not None:
            tab = spec.table
            widths = [width * w / sum(tab.widths) for w in tab.widths]
            data = [[Paragraph(_pdf_text(h, lang), styles["head"]) for h in tab.headers]]
            data += [[Paragraph(_pdf_text(c, lang), styles["cellr" if j in tab.numeric else "cell"])
                      for j, c in enumerate(r)] for r in tab.rows]
            table = PdfTable(data, colWidths=widths, repeatRows=1)
            table.setStyle(TableStyle([
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#dde2e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(table)
        if spec.charts:
            story.append(Spacer(1, 6))
            n = len(spec.charts)
            w = (width - 12 * (n - 1)) / n
            h = page_h - 2 * margin - 90 - 16 * len(spec.text)
            cells = [drawing(c, w, h) for c in spec.charts]
            row = PdfTable([cells], colWidths=[w + 12] * n)
            row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            story.append(row)

    buffer = io.BytesIO()

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#8a8f98"))
        canvas.drawString(margin, 0.8 * cm, _pdf_text(deck.title, lang).replace("&amp;", "&"))
        canvas.drawRightString(page_w - margin, 0.8 * cm, t("boardpack.page", lang, n=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=deck.title)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _line_chart(spec: Chart, palette, money_label):
    """A category line chart (the cumulative cash flow) for the PDF."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart

    chart = HorizontalLineChart()
    chart.data = [list(values) for _, values in spec.series]
    chart.categoryAxis.categoryNames = list(spec.categories)
    chart.valueAxis.labelTextFormat = money_label
    for i, c in enumerate(palette):
        chart.lines[i].strokeColor = c
        chart.lines[i].strokeWidth = 2
    return chart


# --------------------------------------------------------------------------------------
# What the pages call
# --------------------------------------------------------------------------------------
def evaluator_pptx(a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
    return to_pptx(evaluator_deck(a, lang, currency=currency))


def evaluator_pdf(a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
    return to_pdf(evaluator_deck(a, lang, currency=currency), lang)


def allocator_pptx(projects: Sequence[al.Project], alloc: al.Allocation, curve: al.BudgetCurve,
                   lang: str = "en", verdicts: Sequence[al.Verdict] | None = None, currency: str = "CNY") -> bytes:
    return to_pptx(allocator_deck(projects, alloc, curve, lang, verdicts, currency=currency))


def allocator_pdf(projects: Sequence[al.Project], alloc: al.Allocation, curve: al.BudgetCurve,
                  lang: str = "en", verdicts: Sequence[al.Verdict] | None = None, currency: str = "CNY") -> bytes:
    return to_pdf(allocator_deck(projects, alloc, curve, lang, verdicts, currency=currency), lang)


def evaluator_pack(kind: str, a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
    """The evaluator's board pack as ``kind`` ('pptx' or 'pdf')."""
    deck = evaluator_deck(a, lang, currency=currency)
    return to_pptx(deck) if kind == "pptx" else to_pdf(deck, lang)


def allocator_pack(kind: str, projects: Sequence[al.Project], alloc: al.Allocation, curve: al.BudgetCurve,
                   lang: str = "en", verdicts: Sequence[al.Verdict] | None = None, currency: str = "CNY") -> bytes:
    """The allocator's board pack as ``kind`` ('pptx' or 'pdf')."""
    deck = allocator_deck(projects, alloc, curve, lang, verdicts, currency=currency)
    return to_pptx(deck) if kind == "pptx" else to_pdf(deck, lang)


FORMATS = {"pptx": "pptx", "pdf": "reportlab"}  # file format -> the package that writes it
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf"}


def unavailable(lang: str = "en") -> dict[str, str]:
    """Formats this installation cannot write, with the sentence that says why (a machine
    that has not re-run ``pip install -r requirements.txt`` lacks the package)."""
    import importlib.util

    return {fmt_: t("boardpack.unavailable", lang, package={"pptx": "python-pptx"}.get(pkg, pkg))
            for fmt_, pkg in FORMATS.items() if importlib.util.find_spec(pkg) is None}


def filename(kind: str, lang: str, extension: str, stem: str = "") -> str:
    """``board_pack_mobile_van.pptx`` / ``board_pack_allocation.pdf``."""
    base = t(f"boardpack.file_stem.{kind}", lang)
    return f"{base}_{stem}.{extension}" if stem else f"{base}.{extension}"
