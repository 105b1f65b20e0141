"""The business case as an Excel workbook whose formulas recalculate the figures."""

from __future__ import annotations

import io

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

from clv_engine.evaluation import (
    Analysis,
)
from clv_engine.export import neutralise
from wording.catalogue import t
from wording.evaluation import driver_label, label, programme_label
from wording.fmt import excel_money_format, money_full, number, pct
from wording.report.texts import (
    CASH_FLOW_COLUMNS,
    cash_flow_headers,
    irr_warning,
    note_text,
    per_unit_text,
    sensitivity_headers,
    warnings,
)


def _write_text(ws, row: int, col: int, value: str, *cell_format) -> None:
    # Every text cell, typed names included, is neutralised: "=HYPERLINK(…)" stays text.
    ws.write_string(row, col, neutralise(value), *cell_format)


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


def excel_report(a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
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
    head = book.add_format(
        {"bold": True, "bg_color": "#e8edf3", "border": 1, "text_wrap": True, "valign": "top"}
    )
    yuan = book.add_format({"num_format": excel_money_format(currency)})
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
    _write_text(ws, 0, 0, t("evaluator.report.title", lang, name=programme_label(p, lang)), bold)
    _write_text(ws, 1, 0, t("evaluator.xl.live", lang))
    headers = [
        t("evaluator.col.input", lang),
        t("evaluator.col.value", lang),
        t("evaluator.col.how", lang),
        t("evaluator.xl.one_off_year", lang),
    ]
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
    put(
        "horizon",
        t("evaluator.in.horizon", lang),
        p.horizon_years,
        whole,
        t("evaluator.xl.horizon_how", lang),
    )
    put("rate", t("evaluator.in.discount_rate", lang), p.discount_rate, ratio)
    put(
        "volume",
        t("evaluator.in.volume", lang),
        p.volume_per_year,
        count,
        f"{unit} · {t('evaluator.in.per_year', lang)}",
    )
    put("price", t("evaluator.driver.unit_revenue", lang), p.unit_revenue, yuan, per_unit_text(p, lang))
    upfront, yearly, per_unit, one_offs = [], [], [], []
    for i, line in enumerate(p.cost_lines):
        put(
            f"cost.{i}", label(line.name, lang), line.amount, yuan, t(f"evaluator.timing.{line.timing}", lang)
        )
        if line.timing == "one_off":
            ws.write_number(row - 1, 3, line.year, whole)
            cells.put(f"cost.{i}.year", row - 1, 3)
            one_offs.append((cells[f"cost.{i}"], cells[f"cost.{i}.year"]))
        else:
            {"upfront": upfront, "yearly": yearly, "per_unit": per_unit}[line.timing].append(
                cells[f"cost.{i}"]
            )
    group_terms = []
    for i, g in enumerate(p.groups):
        name = label(g.name, lang)
        if g.customers is None:
            put(
                f"group.{i}.customers",
                t("evaluator.xl.customers", lang, group=name),
                f"={cells['volume']}*{cells['horizon']}",
                count,
                t("evaluator.xl.customers_per_unit", lang),
                cached=e.volume_over_horizon,
            )
        else:
            put(f"group.{i}.customers", t("evaluator.xl.customers", lang, group=name), g.customers, count)
        put(f"group.{i}.take_up", t("evaluator.driver.take_up", lang, group=name), g.take_up, ratio0)
        how = ""
        if g.baseline_clv is not None:
            how = t(
                "evaluator.in.baseline",
                lang,
                clv=money_full(g.baseline_clv, currency),
                pct=pct(g.uplift_pct) if g.uplift_pct is not None else "—",
            )
        put(
            f"group.{i}.clv_uplift",
            t("evaluator.driver.clv_uplift", lang, group=name),
            g.clv_uplift,
            yuan,
            how,
        )
        group_terms.append(
            f"{cells[f'group.{i}.customers']}*{cells[f'group.{i}.take_up']}*{cells[f'group.{i}.clv_uplift']}"
        )
    put(
        "gain",
        t("evaluator.xl.gain_pv", lang),
        "=" + (_sum(group_terms) if group_terms else "0"),
        yuan,
        t("evaluator.xl.gain_pv_how", lang),
        cached=e.gain_over_horizon,
    )
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
    for i, h in enumerate(
        cash_flow_headers(lang)
        + [t("evaluator.xl.crossing", lang), t("evaluator.xl.crossing_discounted", lang)]
    ):
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
            "cumulative": f"={col['net']}{r}"
            if year == 0
            else f"={col['cumulative']}{r - 1}+{col['net']}{r}",
            "discount_factor": f"=1/(1+{rate})^{col['year']}{r}",
            "discounted_net": f"={col['net']}{r}*{col['discount_factor']}{r}",
            "cumulative_discounted": (
                f"={col['discounted_net']}{r}"
                if year == 0
                else f"={col['cumulative_discounted']}{r - 1}+{col['discounted_net']}{r}"
            ),
        }
        if year:
            for key, cum, flow in (
                ("crossing", "cumulative", "net"),
                ("crossing_discounted", "cumulative_discounted", "discounted_net"),
            ):
                # The year in which the cumulative first rises through zero, interpolated.
                f[key] = (
                    f"=IF(AND({col[cum]}{r - 1}<0,{col[cum]}{r}>=0),"
                    f'{col["year"]}{r - 1}-{col[cum]}{r - 1}/{col[flow]}{r},"")'
                )
        ws.write_number(r - 1, 0, year, whole)
        values = e.cash_flows.iloc[year]
        before = e.cash_flows.iloc[year - 1] if year else None
        for key, formula in f.items():
            fmt = factor if key == "discount_factor" else (years if key.startswith("crossing") else yuan)
            if key in values.index:
                cached: float | str = float(values[key])
            else:  # the crossing cells, as the formula computes them
                cum, flow = (
                    ("cumulative", "net")
                    if key == "crossing"
                    else ("cumulative_discounted", "discounted_net")
                )
                crossed = before is not None and before[cum] < 0 <= values[cum]
                cached = float(year - 1 - before[cum] / values[flow]) if crossed else ""
            ws.write_formula(r - 1, columns.index(key), formula, fmt, cached)
    ws.freeze_panes(1, 1)
    ws.set_column(0, len(columns) - 1, 16)

    def span(key: str, start: int = first) -> str:
        return f"{quote_sheetname(flows_name)}!${col[key]}${start}:${col[key]}${last}"

    def payback_formula(cum: str, crossing: str) -> str:
        at_zero = f"{quote_sheetname(flows_name)}!${col[cum]}${first}"
        return (
            f'=IF({cells["cost_total"]}<=0,"{dash}",IF({at_zero}>=0,0,'
            f'IF(COUNT({span(crossing, first + 1)})=0,"{never}",MIN({span(crossing, first + 1)}))))'
        )

    # -- results: formulas of the cash-flow table and the inputs --
    results_name = _sheet_name("evaluator.sheet.results", lang)
    ws = book.add_worksheet(results_name)
    for i, h in enumerate(
        [t("evaluator.col.figure", lang), t("evaluator.col.value", lang), t("evaluator.col.definition", lang)]
    ):
        _write_text(ws, 0, i, h, head)
    res = _Cells(results_name)
    cells.refs["cost_total"] = f"{quote_sheetname(results_name)}!$B$2"
    cost, net_flows = "$B$2", span("net")
    mc = a.monte_carlo
    rows: list[tuple[str, str, object, str, float | str]] = [
        (
            "cost",
            t("evaluator.fig.cost", lang),
            f"=-SUM({span('upfront_cost')},{span('one_off_cost')},{span('running_cost')},{span('unit_cost')})",
            t("evaluator.def.cost", lang),
            e.cost_over_horizon,
        ),
        (
            "gain",
            t("evaluator.fig.gain", lang),
            f"={gain}",
            t("evaluator.def.gain", lang),
            e.gain_over_horizon,
        ),
        (
            "net_gain",
            t("evaluator.fig.net_gain", lang),
            "=B3-B2",
            t("evaluator.def.net_gain", lang),
            e.net_gain_over_horizon,
        ),
        (
            "unit_cost",
            t("evaluator.page.unit_cost", lang, per=per_unit_text(p, lang)),
            f'=IF({volume}*{horizon}>0,{cost}/({volume}*{horizon}),"{dash}")',
            t("evaluator.def.unit_cost", lang),
            e.unit_cost if e.unit_cost is not None else dash,
        ),
        (
            "net_roi",
            t("evaluator.fig.net_roi", lang),
            f'=IF({cost}>0,(B3-{cost})/{cost},"{dash}")',
            t("evaluator.def.net_roi", lang),
            e.net_roi if e.net_roi is not None else dash,
        ),
        (
            "multiple",
            t("evaluator.fig.multiple", lang),
            f'=IF({cost}>0,B3/{cost},"{dash}")',
            t("evaluator.def.multiple", lang),
            e.benefit_cost_multiple if e.benefit_cost_multiple is not None else dash,
        ),
        (
            "npv",
            t("evaluator.fig.npv", lang),
            f"=SUM({span('discounted_net')})",
            t("evaluator.def.npv", lang),
            e.npv,
        ),
        (
            "irr",
            t("evaluator.fig.irr", lang),
            f'=IFERROR(IRR({net_flows}),"{dash}")',
            irr_warning(e, lang) or t("evaluator.def.irr", lang),
            e.irr.irr if e.irr.irr is not None else dash,
        ),
        (
            "mirr",
            t("evaluator.fig.mirr", lang),
            f'=IFERROR(MIRR({net_flows},{rate},{rate}),"{dash}")',
            t("evaluator.def.mirr", lang, rate=pct(p.discount_rate, 1)),
            e.irr.mirr if e.irr.mirr is not None else dash,
        ),
        (
            "payback",
            t("evaluator.fig.payback", lang),
            payback_formula("cumulative", "crossing"),
            t("evaluator.def.payback", lang),
            e.payback_years if e.payback_years is not None else never,
        ),
        (
            "discounted_payback",
            t("evaluator.fig.discounted_payback", lang),
            payback_formula("cumulative_discounted", "crossing_discounted"),
            t("evaluator.def.discounted_payback", lang),
            e.discounted_payback_years if e.discounted_payback_years is not None else never,
        ),
    ]
    formats = {
        "net_roi": ratio0,
        "irr": ratio,
        "mirr": ratio,
        "multiple": times,
        "payback": years,
        "discounted_payback": years,
    }
    for i, (key, name, formula, definition, cached) in enumerate(rows, start=1):
        _write_text(ws, i, 0, name)
        ws.write_formula(i, 1, formula, formats.get(key, yuan), cached)
        _write_text(ws, i, 2, definition, wrap)
        res.put(key, i)
    r = len(rows) + 2
    _write_text(ws, r, 0, t("evaluator.xl.simulated", lang), bold)
    for i, (name, value, fmt, definition) in enumerate(
        [
            (t("evaluator.fig.p10", lang), mc.p10, yuan, t("evaluator.def.p10", lang)),
            (t("evaluator.fig.p50", lang), mc.p50, yuan, t("evaluator.def.p50", lang)),
            (t("evaluator.fig.p90", lang), mc.p90, yuan, t("evaluator.def.p90", lang)),
            (t("evaluator.fig.prob_loss", lang), mc.prob_loss, ratio, t("evaluator.def.prob_loss", lang)),
        ],
        start=r + 1,
    ):
        _write_text(ws, i, 0, name)
        ws.write_number(i, 1, value, fmt)
        _write_text(ws, i, 2, definition, wrap)
    r += 6
    for i, w in enumerate(warnings(e, lang, currency)):
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
        value_fmt = (
            ratio
            if key == "discount_rate" or key.endswith("take_up")
            else (count if key == "volume" or key.endswith("customers") else yuan)
        )
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
    _write_text(
        ws,
        9 + len(mc.ranges),
        0,
        t("evaluator.report.mc_method", lang, draws=number(mc.draws), seed=mc.seed),
        wrap,
    )
    _write_text(ws, 10 + len(mc.ranges), 0, t("evaluator.xl.simulated", lang), wrap)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 2, 16)

    book.close()
    return buffer.getvalue()
