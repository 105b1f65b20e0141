"""The evaluator's panels: headline figures, charts and tables, exports, the CLV uplifts
measured in the data, and the comparison of saved cases. Figures come from the engine's
one analysis; words and money from the wording layer."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import evaluation as ev
from clv_engine.evaluation import Programme
from ui.charts import kept_by_key
from ui.downloads import pack_downloads
from ui.evaluation_inputs import apply_state, widget_state
from ui.queries import (
    retention_facts,
    retention_labels,
    retention_uplift,
    saved_evaluation,
    warranty_comparison,
)
from ui.safe import md
from ui.scenario_panel import comparison_table
from ui.widgets import Headline, metric_row, presenting, translated_choice
from wording import boardpack, fmt, report
from wording import evaluation as wev
from wording.errors import explain

SEGMENT_COLUMNS = ("all", "region", "channel", "vehicle_model", "home_store_id")
COMPARED = ("npv", "irr", "mirr", "payback", "discounted_payback", "net_roi")


def headline(ctx: Any, a: ev.Analysis, key_driver: str | None) -> None:
    """The decision's cards, the totals, the break-even of the most uncertain input, caveats."""
    e, p, lang = a.evaluation, a.programme, ctx.lang
    decision = [
        Headline(ctx.t("evaluator.fig.net_roi"), fmt.pct(e.net_roi), ctx.t("evaluator.def.net_roi")),
        Headline(
            ctx.t("evaluator.fig.payback"),
            report.payback_text(e.payback_years, e, lang),
            ctx.t("evaluator.def.payback"),
        ),
        Headline(
            ctx.t("evaluator.fig.npv"),
            ctx.money(e.npv),
            ctx.t("evaluator.def.npv") + " " + ctx.t("evaluator.def.rate", rate=fmt.pct(p.discount_rate, 1)),
        ),
        Headline(ctx.t("evaluator.fig.irr"), report.irr_text(e, lang), ctx.t("evaluator.def.irr")),
    ]
    totals = [
        Headline(ctx.t("evaluator.fig.cost"), ctx.money(e.cost_over_horizon), ctx.t("evaluator.def.cost")),
        Headline(ctx.t("evaluator.fig.gain"), ctx.money(e.gain_over_horizon), ctx.t("evaluator.def.gain")),
        Headline(
            ctx.t("evaluator.fig.multiple"),
            fmt.multiple(e.benefit_cost_multiple),
            ctx.t("evaluator.def.multiple"),
        ),
        Headline(
            ctx.t("evaluator.fig.discounted_payback"),
            report.payback_text(e.discounted_payback_years, e, lang),
            ctx.t("evaluator.def.discounted_payback"),
        ),
    ]
    unit_cost = ctx.t("evaluator.none") if e.unit_cost is None else fmt.money_full(e.unit_cost, ctx.currency)
    more = [
        Headline(
            ctx.t("evaluator.page.unit_cost", per=report.per_unit_text(p, lang)),
            unit_cost,
            ctx.t("evaluator.def.unit_cost"),
        ),
        Headline(
            ctx.t("evaluator.fig.net_gain"),
            ctx.money(e.net_gain_over_horizon),
            ctx.t("evaluator.def.net_gain"),
        ),
        Headline(
            ctx.t("evaluator.fig.mirr"),
            fmt.pct(e.irr.mirr, 1),
            ctx.t("evaluator.def.mirr", rate=fmt.pct(e.irr.mirr_rate, 1)),
        ),
    ]
    be_text = None
    if key_driver:
        be = a.break_even.set_index("driver").loc[key_driver, "break_even"]
        be_text = report.break_even_text(key_driver, None if pd.isna(be) else float(be), lang, ctx.currency)
        more.append(
            Headline(
                ctx.t("evaluator.page.break_even", driver=ctx.t("evaluator.page.key_driver_short")),
                be_text,
                ctx.t("evaluator.def.break_even", driver=md(wev.driver_label(p, key_driver, lang))),
            )
        )
    if presenting():
        # One grid beside the inputs (3 of 4 parts of the screen), the decision's cards first.
        metric_row(
            [dataclasses.replace(f, border=True) for f in decision] + totals + more, border=False, share=0.75
        )
    else:
        metric_row(decision, like=totals + more)
        metric_row(totals, border=False, like=decision + more)
        metric_row(more, border=False, like=decision + totals)
    if key_driver:
        st.caption(
            ctx.t(
                "evaluator.page.break_even.caption",
                driver=md(wev.driver_label(p, key_driver, lang)),
                value=be_text,
            )
        )
    for warning in report.warnings(e, lang, ctx.currency):
        st.warning(warning)
    if e.net_roi is None:
        st.info(ctx.t("evaluator.warn.no_cost"))
    st.caption(ctx.t("evaluator.convention"))


def chart_key(a: ev.Analysis, ranges: dict | None, lang: str, currency: str = "CNY") -> tuple:
    """What the analysis' charts are drawn from: the inputs of ``ev.analyse_programme`` (the
    same inputs, the same seeded analysis), the language and the currency."""
    mc = a.monte_carlo
    return (a.programme, a.spread, tuple(sorted((ranges or {}).items())), mc.draws, mc.seed, lang, currency)


def cash_charts(ctx: Any, a: ev.Analysis, key: tuple | None = None) -> None:
    """The cash-flow chart and the waterfall; ``key`` (:func:`chart_key`): built once per key
    for every session."""
    cash = _chart("ev_cash", key, lambda: report.cash_flow_figure(a.evaluation, ctx.lang, ctx.currency))
    st.plotly_chart(cash, width="stretch", key="ev_chart_cash")
    waterfall = _chart(
        "ev_waterfall", key, lambda: report.waterfall_figure(a.evaluation, ctx.lang, ctx.currency)
    )
    st.plotly_chart(waterfall, width="stretch", key="ev_chart_waterfall")


def _chart(kind: str, key: tuple | None, build):
    return build() if key is None else kept_by_key(kind, key, build)


def sensitivity_charts(ctx: Any, a: ev.Analysis, key: tuple | None = None) -> None:
    mc = a.monte_carlo
    tornado = _chart(
        "ev_tornado",
        key,
        lambda: report.tornado_figure(a.programme, a.tornado, a.spread, ctx.lang, ctx.currency),
    )
    st.plotly_chart(tornado, width="stretch", key="ev_chart_tornado")
    histogram = _chart("ev_mc", key, lambda: report.histogram_figure(mc, ctx.lang, ctx.currency))
    st.plotly_chart(histogram, width="stretch", key="ev_chart_mc")
    metric_row(
        [
            *(
                Headline(ctx.t(f"evaluator.fig.{name}"), ctx.money(value), ctx.t(f"evaluator.def.{name}"))
                for name, value in (("p10", mc.p10), ("p50", mc.p50), ("p90", mc.p90))
            ),
            Headline(
                ctx.t("evaluator.fig.prob_loss"), fmt.pct(mc.prob_loss, 1), ctx.t("evaluator.def.prob_loss")
            ),
        ],
        border=False,
        share=0.75 if presenting() else 2 / 3,
    )
    st.caption(ctx.t("evaluator.report.mc_method", draws=fmt.number(mc.draws), seed=mc.seed))


def tables(ctx: Any, a: ev.Analysis) -> None:
    """The yearly cash-flow table and the sensitivity table, in two tabs."""
    flows_tab, be_tab = st.tabs([ctx.t("evaluator.report.cash_flows"), ctx.t("evaluator.report.sensitivity")])
    with flows_tab:
        flows = a.evaluation.cash_flows.copy()
        flows["year"] = flows["year"].astype(int)
        flows.columns = report.cash_flow_headers(ctx.lang)
        factor_col = ctx.t("evaluator.col.discount_factor")
        st.dataframe(
            flows,
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.NumberColumn(format="%.4f" if c == factor_col else "localized")
                for c in flows.columns[1:]
            },
        )
    with be_tab:
        st.dataframe(
            pd.DataFrame(
                report.sensitivity_rows(a, ctx.lang, ctx.currency),
                columns=report.sensitivity_headers(ctx.lang, a.spread),
            ),
            hide_index=True,
            width="stretch",
        )


def exports(ctx: Any, a: ev.Analysis) -> None:
    """The HTML report, the workbook and the board pack, each built on click."""
    lang, p = ctx.lang, a.programme
    st.subheader(ctx.t("evaluator.page.export"))
    d1, d2 = st.columns(2)
    d1.download_button(
        ctx.t("evaluator.page.download_html"),
        # Built on click: the inlined plotly.js makes the file ~5 MB and half a second.
        data=lambda: report.html_report(a, lang, currency=ctx.currency).encode("utf-8"),
        file_name=report.report_filename(p, lang, "html"),
        mime="text/html",
        key="ev_download_html",
        on_click="ignore",
        icon=":material/description:",
    )
    d2.download_button(
        ctx.t("evaluator.page.download_xlsx"),
        data=lambda: report.excel_report(a, lang, ctx.currency),
        file_name=report.report_filename(p, lang, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ev_download_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
    # The board pack: slides with native charts, and the same pages as a PDF.
    pack_downloads(
        ctx,
        "evaluator",
        lambda kind: boardpack.evaluator_pack(kind, a, lang, ctx.currency),
        "ev_download",
        p.preset,
    )


@st.fragment
def warranty_panel(ctx: Any) -> None:
    """Warranty buyers against non-buyers in the data, and a button that makes it the case.
    A fragment: its toggle reruns only it; the button redraws the whole page (the case)."""
    st.markdown(f"**{ctx.t('evaluator.page.warranty')}**")
    if not ctx.has("warranties"):
        st.info(ctx.t("evaluator.page.warranty.needs"))
        return
    comparison = warranty_comparison(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params)
    if isinstance(comparison, ev.ProgrammeError):
        st.info(ctx.t("evaluator.page.warranty.none", error=md(explain(comparison, ctx.lang))))
        return
    c = comparison
    rows = [
        ("buyers", fmt.number(c.buyers)),
        ("non_buyers", fmt.number(c.non_buyers)),
        ("clv_buyers", fmt.money_full(c.clv_buyers, ctx.currency)),
        ("clv_non", fmt.money_full(c.clv_non_buyers, ctx.currency)),
        ("uplift", f"{fmt.money_full(c.uplift, ctx.currency)} ({fmt.pct(c.uplift_pct)})"),
        ("matched", fmt.money_full(c.matched_uplift, ctx.currency)),
        ("price", fmt.money_full(c.avg_price, ctx.currency)),
        ("claims", fmt.money_full(c.avg_claims_cost, ctx.currency)),
        ("per_year", fmt.number(c.contracts_last_year)),
    ]
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("evaluator.col.figure"): [ctx.t(f"evaluator.page.w.{r}") for r, _ in rows],
                ctx.t("evaluator.col.value"): [v for _, v in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(ctx.t("evaluator.page.warranty.caption", n=c.claims_complete_contracts))
    matched = st.toggle(ctx.t("evaluator.page.warranty.matched"), True, key="ev_w_matched")
    case = ev.warranty_programme(c, matched=matched)
    if st.button(
        ctx.t("evaluator.page.warranty.apply"),
        key="ev_w_apply",
        on_click=apply_state,
        args=(widget_state(case, "extended_warranty") | {"ev_preset": "extended_warranty"},),
        icon=":material/input:",
    ):
        st.rerun()  # the case's inputs are the page's: the whole page, not only this panel


@st.fragment
def retention_panel(ctx: Any, programme: Programme, preset_key: str) -> None:
    """A segment's CLV at another retention, and a button that puts it in a customer group.
    A fragment: its inputs rerun only it; the button redraws the whole page (the case)."""
    lang = ctx.lang
    st.markdown(f"**{ctx.t('evaluator.page.retention')}**")
    # Counts and sums added up in DuckDB where the file keeps the date (cached), not a frame.
    customers, retention = retention_facts(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params)
    if customers == 0:
        st.info(ctx.t("evaluator.page.retention.empty"))
        return
    dim = translated_choice(
        "selectbox",
        ctx.t("evaluator.page.segment_by"),
        SEGMENT_COLUMNS,
        "ev_seg_dim",
        lang,
        format_func=lambda d: ctx.t(f"evaluator.page.segment.{d}"),
    )
    chosen = None
    if dim != "all":
        options = list(retention_labels(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params, dim))
        chosen = st.selectbox(ctx.t("evaluator.page.segment_value"), options, key=f"ev_seg_value_{dim}")
    current = float(retention if retention is not None else 0.8)
    target = st.slider(
        ctx.t("evaluator.page.retention_to", now=fmt.pct(current, 1)),
        0.0,
        100.0,
        round(min(current + 0.05, 0.99) * 100, 1),
        0.5,
        format="%.1f%%",
        key="ev_ret_to",
    )
    column = None if dim == "all" else dim
    result = retention_uplift(
        ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params, column, chosen, target / 100, current
    )
    metric_row(
        [
            Headline(ctx.t("evaluator.page.r.customers"), fmt.number(result.customers)),
            Headline(ctx.t("evaluator.page.r.clv"), fmt.money_full(result.clv_before, ctx.currency)),
            Headline(
                ctx.t("evaluator.page.r.uplift"),
                fmt.money_full(result.uplift, ctx.currency),
                delta=fmt.pct(result.uplift_pct, 1) if result.uplift_pct is not None else None,
            ),
        ],
        border=False,
        share=0.5,
    )
    st.caption(ctx.t("evaluator.page.retention.caption"))
    group = translated_choice(
        "selectbox",
        ctx.t("evaluator.page.retention.group"),
        list(range(len(programme.groups))),
        f"ev_{preset_key}_ret_group",
        lang,
        format_func=lambda i: wev.label(programme.groups[i].name, lang),
    )
    set_customers = st.checkbox(ctx.t("evaluator.page.retention.set_customers"), True, key="ev_ret_customers")
    changes = {"clv_uplift": round(result.uplift), "baseline_clv": round(result.clv_before)}
    if set_customers:
        changes["customers"] = float(result.customers)
    updated = ev.with_group(programme, int(group), **changes)
    if st.button(
        ctx.t("evaluator.page.retention.apply"),
        key="ev_ret_apply",
        on_click=apply_state,
        args=(widget_state(updated, preset_key),),
        icon=":material/input:",
    ):
        st.rerun()  # the group's inputs are the page's: the whole page, not only this panel


def compare_column(ctx: Any, result: ev.Evaluation | None) -> list[str]:
    """One case's decision figures, in the order of COMPARED, as the headline cards show them."""
    if result is None:
        return [ctx.t("evaluator.page.compare.invalid")] + ["—"] * (len(COMPARED) - 1)
    return [
        ctx.money(result.npv),
        report.irr_text(result, ctx.lang),
        fmt.pct(result.irr.mirr, 1),
        report.payback_text(result.payback_years, result, ctx.lang),
        report.payback_text(result.discounted_payback_years, result, ctx.lang),
        fmt.pct(result.net_roi),
    ]


def compare_table(ctx: Any, current: ev.Evaluation, chosen: list[str], names: dict[str, str]) -> pd.DataFrame:
    """This screen's figures beside each chosen saved case's."""
    return comparison_table(
        ctx,
        "evaluator.page",
        [ctx.t(f"evaluator.fig.{f}") for f in COMPARED],
        compare_column(ctx, current),
        chosen,
        names,
        lambda sid: compare_column(ctx, saved_evaluation(ctx.db, sid)),
    )
