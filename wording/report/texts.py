"""The business case in words: figures, inputs, sensitivity rows and caveats in the reader's
language; shared by the evaluator page, the HTML and Excel reports and the board pack."""

from __future__ import annotations

import pandas as pd

from clv_engine.evaluation import (
    Analysis,
    CustomerGroup,
    Evaluation,
    Programme,
    is_reference_case,
)
from wording.catalogue import t
from wording.evaluation import driver_label, label, programme_label
from wording.fmt import money_full, multiple, number, pct


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


def unit_loss_warning(e: Evaluation, lang: str, currency: str = "CNY") -> str | None:
    """ "The product itself loses ¥400 per contract ..." when the price is below the cost."""
    if e.unit_loss is None:
        return None
    p = e.programme
    cost = p.unit_revenue + e.unit_loss
    return t(
        "evaluator.warn.unit_loss",
        lang,
        loss=money_full(e.unit_loss, currency),
        per=per_unit_text(p, lang),
        cost=money_full(cost, currency),
        price=money_full(p.unit_revenue, currency),
    )


def warnings(e: Evaluation, lang: str, currency: str = "CNY") -> list[str]:
    """Every caveat a reader must see beside the figures, in words."""
    found = [
        irr_warning(e, lang),
        unit_loss_warning(e, lang, currency),
        t("evaluator.warn.dips", lang) if e.dips_after_payback else None,
    ]
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
    return t(f"evaluator.warn.{e.irr.warning}", lang, changes=e.irr.sign_changes, roots=roots)


# --------------------------------------------------------------------------------------
# Tables (shared by the page, the HTML and the workbook)
# --------------------------------------------------------------------------------------
def figure_row(name: str, value: str, lang: str, definition: str | None = None) -> tuple[str, str, str]:
    """(label, value, definition) of the figure ``name`` (``evaluator.fig.<name>``, and
    ``evaluator.def.<name>`` unless ``definition`` is given)."""
    return t(f"evaluator.fig.{name}", lang), value, definition or t(f"evaluator.def.{name}", lang)


def headline_rows(a: Analysis, lang: str, currency: str = "CNY") -> list[tuple[str, str, str]]:
    """(figure, value, definition) for every figure of the case."""
    e = a.evaluation
    mc = a.monte_carlo
    per_unit = per_unit_text(e.programme, lang)
    rows = [
        figure_row("cost", money_full(e.cost_over_horizon, currency), lang),
        figure_row(
            "unit_cost",
            "—" if e.unit_cost is None else f"{money_full(e.unit_cost, currency)} {per_unit}",
            lang,
        ),
        figure_row("gain", money_full(e.gain_over_horizon, currency), lang),
        figure_row("net_gain", money_full(e.net_gain_over_horizon, currency), lang),
        figure_row("net_roi", pct(e.net_roi), lang),
        figure_row("multiple", multiple(e.benefit_cost_multiple), lang),
        figure_row("payback", payback_text(e.payback_years, e, lang), lang),
        figure_row("discounted_payback", payback_text(e.discounted_payback_years, e, lang), lang),
        (
            t("evaluator.fig.npv", lang),
            money_full(e.npv, currency),
            t("evaluator.def.npv", lang)
            + " "
            + t("evaluator.def.rate", lang, rate=pct(e.programme.discount_rate, 1)),
        ),
        figure_row("irr", irr_text(e, lang), lang, irr_warning(e, lang)),
        (
            t("evaluator.fig.mirr", lang),
            pct(e.irr.mirr, 1),
            t("evaluator.def.mirr", lang, rate=pct(e.irr.mirr_rate, 1)),
        ),
        (
            t("evaluator.fig.mc_p10_p90", lang),
            f"{money_full(mc.p10, currency)} / {money_full(mc.p50, currency)} / {money_full(mc.p90, currency)}",
            t("evaluator.def.monte_carlo", lang, draws=number(mc.draws), seed=mc.seed),
        ),
        figure_row("prob_loss", pct(mc.prob_loss, 1), lang),
    ]
    return rows


def group_detail(g: CustomerGroup, lang: str) -> str:
    """ "1,500 customers · take-up 100%" (or one per unit of volume)."""
    if g.customers is None:
        return t("evaluator.in.group_detail_per_unit", lang, take_up=pct(g.take_up))
    return t("evaluator.in.group_detail", lang, customers=number(g.customers), take_up=pct(g.take_up))


def input_rows(p: Programme, lang: str, currency: str = "CNY") -> list[tuple[str, str, str]]:
    """(input, value, how it is counted) for the inputs block of the exports."""
    unit = label(p.volume_unit, lang)
    rows = [
        (t("evaluator.in.programme", lang), programme_label(p, lang), ""),
        (t("evaluator.in.horizon", lang), t("evaluator.years", lang, n=p.horizon_years), ""),
        (t("evaluator.in.discount_rate", lang), pct(p.discount_rate, 1), ""),
        (
            t("evaluator.in.volume", lang),
            f"{number(p.volume_per_year)} {unit}",
            t("evaluator.in.per_year", lang),
        ),
    ]
    if p.unit_revenue:
        per_unit = t(p.volume_unit.replace(".unit.", ".per_unit."), lang)
        rows.append(
            (t("evaluator.driver.unit_revenue", lang), money_full(p.unit_revenue, currency), per_unit)
        )
    for line in p.cost_lines:
        timing = t(f"evaluator.timing.{line.timing}", lang)
        if line.timing == "one_off":
            timing += " · " + t("evaluator.report.year_n", lang, n=line.year)
        rows.append((label(line.name, lang), money_full(line.amount, currency), timing))
    for g in p.groups:
        detail = group_detail(g, lang)
        if g.baseline_clv is not None:
            detail += " · " + t(
                "evaluator.in.baseline",
                lang,
                clv=money_full(g.baseline_clv, currency),
                pct=pct(g.uplift_pct) if g.uplift_pct is not None else "—",
            )
        rows.append(
            (
                t("evaluator.driver.clv_uplift", lang, group=label(g.name, lang)),
                money_full(g.clv_uplift, currency),
                detail,
            )
        )
    return rows


CASH_FLOW_COLUMNS = (
    "year",
    "upfront_cost",
    "one_off_cost",
    "running_cost",
    "unit_cost",
    "gain",
    "net",
    "cumulative",
    "discount_factor",
    "discounted_net",
    "cumulative_discounted",
)


def cash_flow_headers(lang: str) -> list[str]:
    return [t(f"evaluator.col.{c}", lang) for c in CASH_FLOW_COLUMNS]


def break_even_text(key: str, value: float | None, lang: str, currency: str = "CNY") -> str:
    if value is None:
        return t("evaluator.be.none", lang)
    if key == "discount_rate" or key.endswith("take_up"):
        return pct(value, 1)
    if key == "volume" or key.endswith("customers"):
        return number(value, 0)
    return money_full(value, currency)


def sensitivity_rows(a: Analysis, lang: str, currency: str = "CNY") -> list[list[str]]:
    be = a.break_even.set_index("driver")
    rows = []
    for _, r in a.tornado.iterrows():
        key = r["driver"]
        value = be.loc[key, "break_even"] if key in be.index else None
        value = None if value is None or pd.isna(value) else float(value)
        margin = be.loc[key, "margin"] if key in be.index else None
        rows.append(
            [
                driver_label(a.programme, key, lang),
                break_even_text(key, float(r["base_value"]), lang, currency),
                money_full(r["npv_low"], currency),
                money_full(r["npv_high"], currency),
                break_even_text(key, value, lang, currency),
                "—" if margin is None or pd.isna(margin) else pct(float(margin)),
            ]
        )
    return rows


def sensitivity_headers(lang: str, spread: float) -> list[str]:
    return [
        t("evaluator.col.driver", lang),
        t("evaluator.col.input", lang),
        t("evaluator.col.npv_down", lang, pct=pct(spread)),
        t("evaluator.col.npv_up", lang, pct=pct(spread)),
        t("evaluator.col.break_even", lang),
        t("evaluator.col.margin", lang),
    ]


def report_filename(p: Programme, lang: str, extension: str) -> str:
    """A file name that says what the case is: ``business_case_mobile_van.html``."""
    stem = p.preset if p.preset != "custom" else "custom"
    return f"{t('evaluator.report.file_stem', lang)}_{stem}.{extension}"
