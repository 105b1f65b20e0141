"""A deck as PowerPoint (python-pptx): charts are chart objects the reader can edit."""

from __future__ import annotations

import io

from wording.boardpack.deck import (
    BODY_PT,
    CELL_PAD,
    CONTENT_BOTTOM,
    CONTENT_TOP,
    CONTENT_W,
    MARGIN,
    SLIDE_H,
    SLIDE_W,
    TABLE_PT,
    TITLE_H,
    TITLE_PT,
    TITLE_TOP,
    Chart,
    Deck,
    column_widths,
    fitting_size,
    row_height_in,
    text_height_in,
)
from wording.fmt import currency_mark, excel_money_format


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
            kind = {
                "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
                "bar": XL_CHART_TYPE.BAR_CLUSTERED,
                "line": XL_CHART_TYPE.LINE_MARKERS,
            }[spec.kind]
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
                row_height_in(r, widths, TABLE_PT) for r in tab.rows
            ]
            shape = slide.shapes.add_table(
                len(tab.rows) + 1,
                len(tab.headers),
                Inches(MARGIN),
                Inches(top),
                Inches(CONTENT_W),
                Inches(sum(heights)),
            )
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
