"""The CLV calculator's inputs and its two longest tabs (component, DCF).

Every figure comes from the engine (``clv_engine.clv``, ``clv_engine.calculator``); the
reference inputs are the engine's, in percent where a percent is typed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import calculator as calc
from clv_engine import clv
from ui.widgets import Headline, metric_row, reset_state, seed_state, translated_choice
from wording import fmt


def pct_input(value: float) -> float:
    # Percent inputs hold 35.0 for 35%; rounding keeps 0.35 * 100 from showing 35.00000000000001.
    return round(value * 100, 6)


S, N, C, D, T, W = (
    calc.SIMPLE_REFERENCE,
    calc.SIMPLE_NET_REFERENCE,
    calc.COMPONENT_REFERENCE,
    calc.DCF_REFERENCE,
    calc.TIER_REFERENCE,
    calc.WARRANTY_REFERENCE,
)
DEFAULTS = {
    "simple": {
        "calc_simple_spend": S["annual_spend"],
        "calc_simple_years": S["years"],
        "calc_simple_margin": pct_input(S["margin"]),
    },
    "net": {
        "calc_net_revenue": N["annual_revenue"],
        "calc_net_years": N["years"],
        "calc_net_acquisition": N["acquisition_cost"],
        "calc_net_service": N["service_cost"],
    },
    "comp": {
        "calc_comp_price": C["vehicle_price"],
        "calc_comp_vehicle_margin": pct_input(C["vehicle_margin"]),
        "calc_comp_after_sales": C["after_sales_per_year"],
        "calc_comp_years": C["years"],
        "calc_comp_after_sales_margin": pct_input(C["after_sales_margin"]),
        "calc_comp_repurchase": pct_input(C["repurchase_probability"]),
        "calc_comp_referrals": C["referrals"],
        "calc_comp_conversion": pct_input(C["referral_conversion"]),
        "calc_comp_extra": C["extra_service_cost_per_year"],
    },
    "dcf": {
        "calc_dcf_mode": "curve",
        "calc_dcf_margin": pct_input(D["margin"]),
        "calc_dcf_discount": pct_input(D["discount_rate"]),
        "calc_dcf_tail_step": D["tail_step"],
        "calc_dcf_spend": 10_000.0,
        "calc_dcf_retention": 85.0,
        "calc_dcf_years": 10,
    },
    "tier": {
        f"calc_tier_{side}_{name}": value
        for side in ("top", "base")
        for name, value in (
            ("spend", T[side].annual_spend),
            ("margin", pct_input(T[side].margin)),
            ("years", T[side].years),
            ("customers", T[side].customers),
        )
    },
    "war": {
        "calc_war_price": W["price"],
        "calc_war_claims": W["claims_cost"],
        "calc_war_ltv_buyers": W["ltv_buyers"],
        "calc_war_ltv_non_buyers": W["ltv_non_buyers"],
        "calc_war_term": W["term_years"],
        "calc_war_ltv_years": W["ltv_years"],
    },
}


def seed_defaults() -> None:
    """Every input's reference value, once per session."""
    for defaults in DEFAULTS.values():
        seed_state(defaults)
    # The survival table is a data editor: a new key is the only way to put its rows back.
    seed_state({"calc_dcf_table_version": 0})


def reset_dcf() -> None:
    reset_state(DEFAULTS["dcf"])
    st.session_state["calc_dcf_table_version"] += 1


def _table_changed() -> bool:
    edits = st.session_state.get(f"calc_dcf_table_{st.session_state.get('calc_dcf_table_version', 0)}") or {}
    return bool(edits.get("edited_rows") or edits.get("added_rows") or edits.get("deleted_rows"))


class Kit:
    """The calculator's inputs and figures in the page's language and currency."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        # The currency is a setting of the database; CNY when it has none.
        self.currency = ctx.currency or "CNY"
        self.cur = fmt.currency_mark(self.currency)

    def money(self, value: float) -> str:
        return fmt.money_full(value, currency=self.currency)

    @staticmethod
    def plain(value: float) -> str:
        """6.0 → 6, 1.8 → 1.8, 12,000 → 12,000."""
        text = f"{value:,.2f}"
        return text.rstrip("0").rstrip(".")

    def percent(self, value: float) -> str:
        return self.plain(value * 100) + "%"

    def number(self, container, label_key: str, key: str, **kw: Any):
        """A number input labelled from the catalogue, its value kept for the session."""
        return container.number_input(
            self.ctx.t(label_key, cur=self.cur), key=key, persist_state="session", **kw
        )

    def money_input(
        self, container, label_key: str, key: str, step: float = 500.0, min_value: float | None = 0.0
    ):
        return self.number(container, label_key, key, min_value=min_value, step=step, format="%.0f")

    def percent_input(
        self, container, label_key: str, key: str, min_value: float = 0.0, step: float = 1.0, **kw: Any
    ) -> float:
        """A percent typed as 35 for 35%; returned as the fraction 0.35."""
        kw.setdefault("format", "%.1f")
        return (
            self.number(container, label_key, key, min_value=min_value, max_value=100.0, step=step, **kw)
            / 100
        )

    def years_input(self, container, label_key: str, key: str) -> float:
        return self.number(container, label_key, key, min_value=0.0, max_value=60.0, step=1.0, format="%.1f")

    def reference_line(self, model: str, case_key: str, **figures: float) -> None:
        """Says whether the inputs are the reference case's, and offers to put them back."""
        ctx = self.ctx
        case = ctx.t(case_key, **{name: self.money(v) for name, v in figures.items()})
        on_reference = all(st.session_state.get(k) == v for k, v in DEFAULTS[model].items())
        if model == "dcf":
            on_reference = on_reference and not _table_changed()
        left, right = st.columns([4, 1])
        left.caption(ctx.t("calc.reference.loaded" if on_reference else "calc.reference.edited", case=case))
        right.button(
            ctx.t("calc.reference"),
            key=f"calc_{model}_reference",
            on_click=reset_dcf if model == "dcf" else reset_state,
            args=() if model == "dcf" else (DEFAULTS[model],),
            width="stretch",
        )


def component_tab(kit: Kit) -> None:
    """Purchase margin, after-sales, repurchase, referrals, less the extra service cost."""
    ctx, money, plain, percent = kit.ctx, kit.money, kit.plain, kit.percent
    money_input, percent_input, years_input = kit.money_input, kit.percent_input, kit.years_input
    reference_line = kit.reference_line
    st.markdown(f"**{ctx.t('calc.comp.formula')}**")
    reference_line("comp", "calc.comp.case", price=C["vehicle_price"])
    c = st.columns(3)
    price = money_input(c[0], "calc.comp.price", "calc_comp_price", step=10_000.0)
    vehicle_margin = percent_input(
        c[0], "calc.comp.vehicle_margin", "calc_comp_vehicle_margin", min_value=-100.0
    )
    years = years_input(c[0], "calc.in.years", "calc_comp_years")
    after_sales = money_input(c[1], "calc.comp.after_sales", "calc_comp_after_sales")
    after_sales_margin = percent_input(
        c[1], "calc.comp.after_sales_margin", "calc_comp_after_sales_margin", min_value=-100.0
    )
    extra = money_input(c[1], "calc.comp.extra", "calc_comp_extra")
    repurchase = percent_input(c[2], "calc.comp.repurchase", "calc_comp_repurchase")
    referrals = kit.number(
        c[2], "calc.comp.referrals", "calc_comp_referrals", min_value=0.0, max_value=100.0, step=0.1
    )
    conversion = percent_input(c[2], "calc.comp.conversion", "calc_comp_conversion")
    parts = clv.component_clv(
        price,
        vehicle_margin,
        after_sales,
        years,
        after_sales_margin,
        repurchase,
        referrals,
        conversion,
        extra,
    )
    st.metric(ctx.t("calc.comp.value"), money(parts.total), help=ctx.t("calc.comp.value.help"))
    purchase = money(parts.purchase_margin)
    rows = [
        ("purchase", f"{money(price)} × {percent(vehicle_margin)}", parts.purchase_margin),
        (
            "after_sales",
            f"{money(after_sales)} × {plain(years)} × {percent(after_sales_margin)}",
            parts.after_sales,
        ),
        ("repurchase", f"{purchase} × {percent(repurchase)}", parts.repurchase),
        ("referral", f"{purchase} × {plain(referrals)} × {percent(conversion)}", parts.referral),
        ("extra", f"−{money(extra)} × {plain(years)}", -parts.extra_service_cost),
        ("total", "", parts.total),
    ]
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("calc.comp.col.part"): [ctx.t(f"calc.comp.part.{k}") for k, _, _ in rows],
                ctx.t("calc.comp.col.working"): [w for _, w, _ in rows],
                ctx.t("calc.comp.col.value"): [money(v) for _, _, v in rows],
            }
        ),
        hide_index=True,
        key="calc_comp_table",
    )
    st.caption(ctx.t("calc.comp.note"))


def dcf_tab(kit: Kit) -> None:
    """Discounted gross profit over a survival curve (a table with a straight tail) or a
    constant retention."""
    ctx, money, percent_input, reference_line = kit.ctx, kit.money, kit.percent_input, kit.reference_line
    st.markdown(f"**{ctx.t('calc.dcf.formula')}**")
    reference_line("dcf", "calc.dcf.case", low=min(D["spend"]), high=max(D["spend"]))
    mode = translated_choice(
        "radio",
        ctx.t("calc.dcf.mode"),
        ["curve", "constant"],
        key="calc_dcf_mode",
        lang=ctx.lang,
        format_func=lambda k: ctx.t(f"calc.dcf.mode.{k}"),
        horizontal=True,
    )
    c = st.columns(4)
    margin = percent_input(c[0], "calc.in.margin", "calc_dcf_margin", min_value=-100.0)
    discount = percent_input(c[1], "calc.dcf.discount", "calc_dcf_discount", step=0.5, format=None)
    table_years = 0
    if mode == "curve":
        step = kit.number(
            c[2],
            "calc.dcf.tail_step",
            "calc_dcf_tail_step",
            min_value=0.0,
            max_value=1.0,
            step=0.01,
            help=ctx.t("calc.dcf.tail_step.help"),
        )
        spend_col, survival_col = ctx.t("calc.dcf.col.spend"), ctx.t("calc.dcf.col.survival")
        st.caption(ctx.t("calc.dcf.table"))
        edited = st.data_editor(
            pd.DataFrame({spend_col: [float(x) for x in D["spend"]], survival_col: D["survival"]}),
            num_rows="dynamic",
            hide_index=True,
            column_config={
                spend_col: st.column_config.NumberColumn(min_value=0.0, format="%,.0f", required=True),
                survival_col: st.column_config.NumberColumn(
                    min_value=0.0, max_value=1.0, step=0.01, format="%.2f", required=True
                ),
            },
            key=f"calc_dcf_table_{st.session_state['calc_dcf_table_version']}",
            placeholder="",  # an emptied cell, not Streamlit's English "None"
        )
        edited = edited.dropna()
        spends = [float(x) for x in edited[spend_col]]
        curve = [min(max(float(x), 0.0), 1.0) for x in edited[survival_col]]
        table_years = len(curve)
        survival = clv.extend_survival_linearly(curve, step) if step > 0 else curve
    else:
        spends = kit.money_input(c[2], "calc.in.annual_spend", "calc_dcf_spend")
        retention = percent_input(c[3], "calc.dcf.retention", "calc_dcf_retention", format=None)
        years = kit.number(c[2], "calc.dcf.years", "calc_dcf_years", min_value=1, max_value=60, step=1)
        survival = clv.survival_from_retention(retention, int(years))

    if not survival:
        st.info(ctx.t("calc.dcf.empty"))
    else:
        rows = clv.dcf_clv(spends, margin, survival, discount)
        figures = [
            Headline(ctx.t("calc.dcf.total"), money(clv.dcf_total(rows)), ctx.t("calc.dcf.total.help"))
        ]
        if mode == "curve" and len(rows) > table_years:
            figures += [
                Headline(
                    ctx.t("calc.dcf.table_years", n=table_years), money(clv.dcf_total(rows[:table_years]))
                ),
                Headline(ctx.t("calc.dcf.tail", n=table_years + 1), money(clv.dcf_total(rows[table_years:]))),
            ]
        metric_row(figures, border=False)
        if mode == "curve":
            st.caption(ctx.t("calc.dcf.note"))
        st.dataframe(
            pd.DataFrame(
                {
                    ctx.t("calc.dcf.col.year"): [r.year for r in rows],
                    ctx.t("calc.dcf.col.spend"): [round(r.spend) for r in rows],
                    ctx.t("calc.dcf.col.survival"): [round(r.survival, 4) for r in rows],
                    ctx.t("calc.dcf.col.gp"): [round(r.gross_profit) for r in rows],
                    ctx.t("calc.dcf.col.factor"): [round(r.discount_factor, 3) for r in rows],
                    ctx.t("calc.dcf.col.pv"): [round(r.present_value) for r in rows],
                }
            ),
            hide_index=True,
            key="calc_dcf_rows",
            column_config={
                ctx.t(f"calc.dcf.col.{k}"): st.column_config.NumberColumn(format="%,d")
                for k in ("spend", "gp", "pv")
            },
        )
