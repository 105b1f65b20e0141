"""A deck as PDF (reportlab): its CID font STSong-Light draws Chinese without a font file."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from wording.boardpack.deck import LINE_COLOUR, Chart, Deck
from wording.catalogue import t
from wording.fmt import money

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
        "sub": ParagraphStyle(
            "sub",
            fontName=font,
            fontSize=14,
            leading=18,
            textColor=colors.HexColor("#5f6b7a"),
            spaceBefore=12,
        ),
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
        d.add(
            String(0, h - 14, _pdf_text(spec.title, lang).replace("&amp;", "&"), fontName=bold, fontSize=11)
        )
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
            chart.categoryAxis.categoryNames = [
                _pdf_text(c, lang).replace("&amp;", "&") for c in spec.categories
            ]
            chart.valueAxis.labelTextFormat = money_label
            for i, c in enumerate(palette):
                chart.bars[i].fillColor = c
                chart.bars[i].strokeColor = None
            if horizontal:
                chart.categoryAxis.reverseDirection = 1
                chart.categoryAxis.labels.boxAnchor = "e"
                chart.categoryAxis.labels.dx = -6
                chart.categoryAxis.labelAxisMode = "low"
                longest = max(
                    (pdfmetrics.stringWidth(n, font, 9) for n in chart.categoryAxis.categoryNames), default=40
                )
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
            chart.xValueAxis.valueMin, chart.xValueAxis.valueMax, chart.xValueAxis.valueStep = nice_range(
                spec.x
            )
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
        legend.colorNamePairs = [
            (c, _pdf_text(n, lang).replace("&amp;", "&"))
            for c, (n, _) in zip(palette, spec.series, strict=False)
        ]
        d.add(legend)
        return d

    story = []
    for i, spec in enumerate(deck.slides):
        if i:
            story.append(PageBreak())
        if spec.cover:
            story += [
                Paragraph(_pdf_text(spec.title, lang), styles["cover"]),
                Paragraph(_pdf_text(spec.subtitle, lang), styles["sub"]),
            ]
            continue
        story.append(Paragraph(_pdf_text(spec.title, lang), styles["title"]))
        story += [Paragraph(_pdf_text(x, lang), styles["body"]) for x in spec.text]
        if spec.table is not None:
            tab = spec.table
            widths = [width * w / sum(tab.widths) for w in tab.widths]
            data = [[Paragraph(_pdf_text(h, lang), styles["head"]) for h in tab.headers]]
            data += [
                [
                    Paragraph(_pdf_text(c, lang), styles["cellr" if j in tab.numeric else "cell"])
                    for j, c in enumerate(r)
                ]
                for r in tab.rows
            ]
            table = PdfTable(data, colWidths=widths, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#dde2e8")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        if spec.charts:
            story.append(Spacer(1, 6))
            n = len(spec.charts)
            w = (width - 12 * (n - 1)) / n
            h = page_h - 2 * margin - 90 - 16 * len(spec.text)
            cells = [drawing(c, w, h) for c in spec.charts]
            row = PdfTable([cells], colWidths=[w + 12] * n)
            row.setStyle(
                TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
            )
            story.append(row)

    buffer = io.BytesIO()

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#8a8f98"))
        canvas.drawString(margin, 0.8 * cm, _pdf_text(deck.title, lang).replace("&amp;", "&"))
        canvas.drawRightString(page_w - margin, 0.8 * cm, t("boardpack.page", lang, n=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=deck.title,
    )
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
