"""The business case as one self-contained HTML file (plotly.js inlined, opens offline)."""

from __future__ import annotations

import html
from datetime import datetime

from clv_engine.evaluation import (
    Analysis,
    Evaluation,
)
from wording.catalogue import t
from wording.evaluation import programme_label
from wording.fmt import money, money_full, number, pct
from wording.report.charts import cash_flow_figure, histogram_figure, tornado_figure, waterfall_figure
from wording.report.texts import (
    CASH_FLOW_COLUMNS,
    cash_flow_headers,
    figure_row,
    headline_rows,
    input_rows,
    irr_text,
    irr_warning,
    note_text,
    payback_text,
    sensitivity_headers,
    sensitivity_rows,
    warnings,
)

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


def _table(
    headers: list[str], rows: list[list[str]] | list[tuple[str, ...]], numeric: set[int] | None = None
) -> str:
    """Right-aligned ``numeric`` columns (all but the first by default)."""
    numeric = set(range(1, len(headers))) if numeric is None else numeric

    def cell(tag: str, i: int, text: object) -> str:
        cls = ' class="n"' if i in numeric else ""
        return f"<{tag}{cls}>{html.escape(str(text))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cash_flow_rows(e: Evaluation, lang: str, currency: str = "CNY") -> list[list[str]]:
    rows = []
    for _, r in e.cash_flows.iterrows():
        cells = [t("evaluator.report.year_n", lang, n=int(r["year"]))]
        for c in CASH_FLOW_COLUMNS[1:]:
            cells.append(f"{r[c]:.4f}" if c == "discount_factor" else money_full(r[c], currency))
        rows.append(cells)
    return rows


def html_report(
    a: Analysis, lang: str = "en", generated: datetime | None = None, currency: str = "CNY"
) -> str:
    """A self-contained HTML business case: plotly.js is inlined once (no CDN), so the
    file opens offline, attached to an e-mail, years from now."""
    e, p = a.evaluation, a.programme
    generated = generated or datetime.now()
    figures = [
        cash_flow_figure(e, lang, currency),
        waterfall_figure(e, lang, currency),
        tornado_figure(p, a.tornado, a.spread, lang, currency),
        histogram_figure(a.monte_carlo, lang, currency),
    ]
    charts = "".join(
        '<div class="chart">'
        + fig.update_layout(width=PRINT_CHART_WIDTH).to_html(
            full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False}
        )
        + "</div>"
        for i, fig in enumerate(figures)
    )
    cards = [
        figure_row("net_roi", pct(e.net_roi), lang),
        figure_row("payback", payback_text(e.payback_years, e, lang), lang),
        figure_row("discounted_payback", payback_text(e.discounted_payback_years, e, lang), lang),
        figure_row("npv", money(e.npv, lang, currency), lang),
        figure_row("irr", irr_text(e, lang), lang, irr_warning(e, lang)),
    ]
    card_html = "".join(
        f'<div class="card"><div class="d">{html.escape(k)}</div><div class="v">{html.escape(v)}</div>'
        f'<div class="d">{html.escape(d)}</div></div>'
        for k, v, d in cards
    )
    note = note_text(p, lang)
    title = programme_label(p, lang)
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{html.escape(t('evaluator.report.title', lang, name=title))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(t('evaluator.report.title', lang, name=title))}</h1>",
        f'<div class="meta">{html.escape(t("evaluator.report.generated", lang, when=generated.strftime("%Y-%m-%d %H:%M")))}</div>',
        f'<div class="cards">{card_html}</div>',
        "".join(f'<div class="warn">{html.escape(w)}</div>' for w in warnings(e, lang, currency)),
        f"<h2>{html.escape(t('evaluator.report.assumptions', lang))}</h2>",
        f'<p class="note">{html.escape(note)}</p>' if note else "",
        f'<p class="note">{html.escape(t("evaluator.convention", lang))}</p>',
        _table(
            [t("evaluator.col.input", lang), t("evaluator.col.value", lang), t("evaluator.col.how", lang)],
            input_rows(p, lang, currency),
            numeric={1},
        ),
        f"<h2>{html.escape(t('evaluator.report.results', lang))}</h2>",
        _table(
            [
                t("evaluator.col.figure", lang),
                t("evaluator.col.value", lang),
                t("evaluator.col.definition", lang),
            ],
            headline_rows(a, lang, currency),
            numeric={1},
        ),
        f"<h2>{html.escape(t('evaluator.report.cash_flows', lang))}</h2>",
        _table(cash_flow_headers(lang), _cash_flow_rows(e, lang, currency)),
        f"<h2>{html.escape(t('evaluator.report.charts', lang))}</h2>",
        charts,
        f"<h2>{html.escape(t('evaluator.report.sensitivity', lang))}</h2>",
        _table(sensitivity_headers(lang, a.spread), sensitivity_rows(a, lang, currency)),
        f'<p class="note">{html.escape(t("evaluator.report.mc_method", lang, draws=number(a.monte_carlo.draws), seed=a.monte_carlo.seed))}</p>',
        "</body></html>",
    ]
    return "".join(parts)
