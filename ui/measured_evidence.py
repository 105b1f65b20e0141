"""The measured call programme on a page: pick issued lists and a level, see the typed prior
beside the measured figure and the evidence behind it (allocator and evaluator share it)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import contacts, measured, results
from wording import fmt
from wording.errors import explain


def programme_name(ctx: Any, m: measured.MeasuredProgramme) -> str:
    """The name a measured programme takes as a project or a case: its risk level's."""
    level = ctx.t("results.level.all") if m.level == "all" else ctx.t(f"churn.level.{m.level}")
    return ctx.t("measured.page.name", level=level)


def pick_programme(ctx: Any, key: str) -> measured.MeasuredProgramme | None:
    """Selectors for the lists and the level; the programme, or None (with a message why)."""
    lists = contacts.list_call_lists(ctx.db)
    if lists.empty:
        st.info(ctx.t("measured.page.no_list"))
        return None
    names = dict(zip(lists["list_id"], lists["name"].astype(str) + " · " + lists["issued_on"].astype(str)))
    c1, c2 = st.columns(2)
    chosen = c1.multiselect(
        ctx.t("measured.page.lists"),
        list(names),
        format_func=lambda i: names.get(i, i),
        key=f"{key}_lists",
        placeholder=ctx.t("measured.page.lists.all"),
    )
    level = c2.selectbox(
        ctx.t("measured.page.level"),
        (results.ALL, *results.LEVELS),
        format_func=lambda lv: (
            ctx.t("results.level.all") if lv == results.ALL else ctx.t(f"churn.level.{lv}")
        ),
        key=f"{key}_level_{ctx.lang}",
    )
    try:
        return measured.measured_programme(ctx.db, chosen or None, level)
    except measured.MeasuredError as err:
        st.info(explain(err, ctx.lang))
        return None


def evidence_table(ctx: Any, m: measured.MeasuredProgramme) -> pd.DataFrame:
    """Typed prior, measured figure and its interval, for the three ways of saying the effect."""

    def interval(low: float, high: float, show) -> str:
        return f"{show(low)} … {show(high)}"

    def money(value: float) -> str:
        return fmt.money_full(value, ctx.currency)

    thin_success = m.return_control >= 1
    return pd.DataFrame(
        {
            ctx.t("measured.col.figure"): [
                ctx.t("measured.row.return_uplift"),
                ctx.t("measured.row.success"),
                ctx.t("measured.row.per_customer"),
            ],
            ctx.t("measured.col.typed"): [
                fmt.pct(m.typed_uplift, 1),
                fmt.pct(m.typed_success),
                money(m.typed_uplift_per_customer),
            ],
            ctx.t("measured.col.measured"): [
                fmt.pct(m.uplift, 1),
                "—" if thin_success else fmt.pct(m.measured_success),
                money(m.uplift * m.mean_clv),
            ],
            ctx.t("measured.col.interval"): [
                interval(m.uplift_low, m.uplift_high, lambda v: fmt.pct(v, 1)),
                "—"
                if thin_success
                else interval(
                    m.uplift_low / (1 - m.return_control), m.uplift_high / (1 - m.return_control), fmt.pct
                ),
                interval(m.uplift_per_customer_low, m.uplift_per_customer_high, money),
            ],
            ctx.t("measured.col.used"): [
                ctx.t("measured.used.measured") if m.usable else ctx.t("measured.used.typed")
            ]
            * 3,
        }
    )


def show_evidence(ctx: Any, m: measured.MeasuredProgramme) -> None:
    st.dataframe(evidence_table(ctx, m), hide_index=True, width="stretch")
    st.caption(
        ctx.t(
            "measured.page.evidence",
            treated=fmt.number(m.treated),
            control=fmt.number(m.control),
            rt=fmt.pct(m.return_treated, 1),
            rc=fmt.pct(m.return_control, 1),
            clv=fmt.money_full(m.mean_clv, ctx.currency),
            cost=fmt.money_full(m.cost, ctx.currency),
        )
        + " "
        + ctx.t(f"results.verdict.{m.verdict}")
    )
    if m.usable:
        st.success(ctx.t("measured.page.uses_measured"))
    else:
        st.warning(ctx.t("measured.page.uses_typed"))
    if m.cost_from_plan:
        st.caption(ctx.t("measured.page.cost_from_plan"))
