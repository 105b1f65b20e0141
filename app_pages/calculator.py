"""CLV calculator: the worked models side by side, each with editable inputs and its reference case.

Storyboard: one tab per model -> its formula -> inputs -> the figure, with the working written
out -> a button that puts the reference case back. Every figure comes from the engine
(clv_engine.clv, clv_engine.calculator); nothing here reads the database.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import calculator as calc
from clv_engine import clv
from ui.context import page_context
from ui.widgets import reset_state, seed_state, translated_choice
from wording import fmt

ctx = page_context()
# The currency becomes a setting of the database; until the context carries it, CNY.
CURRENCY = ctx.currency or "CNY"
CUR = fmt.currency_mark(CURRENCY)


def money(value: float) -> str:
    return fmt.money_full(value, currency=CURRENCY)


def plain(value: float) -> str:
    """6.0 → 6, 1.8 → 1.8, 12,000 → 12,000."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".")


def percent(value: float) -> str:
    return plain(value * 100) + "%"


def pct_input(value: float) -> float:
    # Percent inputs hold 35.0 for 35%; rounding keeps 0.35 * 100 from showing 35.00000000000001.
    return round(value * 100, 6)


S, N, C, D, T, W = (calc.SIMPLE_REFERENCE, calc.SIMPLE_NET_REFERENCE, calc.COMPONENT_REFERENCE,
                    calc.DCF_REFERENCE, calc.TIER_REFERENCE, calc.WARRANTY_REFERENCE)
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
for defaults in DEFAULTS.values():
    seed_state(defaults)
# The survival table is a data editor: a new key is the only way to put its rows back.
seed_state({"calc_dcf_table_version": 0})


def reset_dcf() -> None:
    reset_state(DEFAULTS["dcf"])
    st.session_state["calc_dcf_table_version"] += 1


def reference_line(model: str, case_key: str, **figures: float) -> None:
    """Says whether the inputs are the reference case's, and offers to put them back."""
    case = ctx.t(case_key, **{name: money(v) for name, v in figures.items()})
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


def _table_changed() -> bool:
    edits = st.session_state.get(f"calc_dcf_table_{st.session_state.get('calc_dcf_table_version', 0)}") or {}
    return bool(edits.get("edited_rows") or edits.get("added_rows") or edits.get("deleted_rows"))


def money_input(container, label_key: str, key: str, step: float = 500.0, min_value: float | None = 0.0):
    return container.number_input(ctx.t(label_key, cur=CUR), min_value=min_value, step=step, format="%.0f", key=key,
                                  persist_state="session")


def percent_input(container, label_key: str, key: str, min_value: float = 0.0) -> float:
    """A percent typed as 35 for 35%; returned as the fraction 0.35."""
    return container.number_input(ctx.t(label_key), min_value=min_value, max_value=100.0, step=1.0, format="%.1f",
                                  key=key, persist_state="session") / 100


def years_input(container, label_key: str, key: str) -> float:
    return container.number_input(ctx.t(label_key), min_value=0.0, max_value=60.0, step=1.0, format="%.1f", key=key,
                                  persist_state="session")


st.title(ctx.t("calc.title"))
st.caption(ctx.t("calc.intro"))
tabs = st.tabs([ctx.t(f"calc.tab.{k}") for k in ("simple", "simple_net", "component", "dcf", "tier", "warranty")])

# -- simple ------------------------------------------------------------------------------------
with tabs[0]:
    st.markdown(f"**{ctx.t('calc.simple.formula')}**")
    reference_line("simple", "calc.simple.case", spend=S["annual_spend"])
    c = st.columns(3)
    spend = money_input(c[0], "calc.in.annual_spend", "calc_simple_spend")
    years = years_input(c[1], "calc.in.years", "calc_simple_years")
    margin = percent_input(c[2], "calc.in.margin", "calc_simple_margin", min_value=-100.0)
    value = clv.historical_clv(spend, years, margin)
    st.metric(ctx.t("calc.simple.value"), money(value), help=ctx.t("calc.simple.value.help"))
    st.caption(ctx.t("calc.simple.working", spend=money(spend), years=plain(years), margin=percent(margin),
                     value=money(value)))

# -- simple net --------------------------------------------------------------------------------
with tabs[1]:
    st.markdown(f"**{ctx.t('calc.net.formula')}**")
    reference_line("net", "calc.net.case")
    c = st.columns(4)
    revenue = money_input(c[0], "calc.in.annual_revenue", "calc_net_revenue")
    years = years_input(c[1], "calc.in.years", "calc_net_years")
    acquisition = money_input(c[2], "calc.net.acquisition", "calc_net_acquisition")
    service = money_input(c[3], "calc.net.service", "calc_net_service")
    value = clv.simple_net_clv(revenue, years, acquisition, service)
    st.metric(ctx.t("calc.net.value"), money(value), help=ctx.t("calc.net.value.help"))
    st.caption(ctx.t("calc.net.working", revenue=money(revenue), years=plain(years), acquisition=money(acquisition),
                     service=money(service), value=money(value)))
    st.caption(ctx.t("calc.net.note"))

# -- component ---------------------------------------------------------------------------------
with tabs[2]:
    st.markdown(f"**{ctx.t('calc.comp.formula')}**")
    reference_line("comp", "calc.comp.case", price=C["vehicle_price"])
    c = st.columns(3)
    price = money_input(c[0], "calc.comp.price", "calc_comp_price", step=10_000.0)
    vehicle_margin = percent_input(c[0], "calc.comp.vehicle_margin", "calc_comp_vehicle_margin", min_value=-100.0)
    years = years_input(c[0], "calc.in.years", "calc_comp_years")
    after_sales = money_input(c[1], "calc.comp.after_sales", "calc_comp_after_sales")
    after_sales_margin = percent_input(c[1], "calc.comp.after_sales_margin", "calc_comp_after_sales_margin",
                                       min_value=-100.0)
    extra = money_input(c[1], "calc.comp.extra", "calc_comp_extra")
    repurchase = percent_input(c[2], "calc.comp.repurchase", "calc_comp_repurchase")
    referrals = c[2].number_input(ctx.t("calc.comp.referrals"), min_value=0.0, max_value=100.0, step=0.1,
                                  key="calc_comp_referrals", persist_state="session")
    conversion = percent_input(c[2], "calc.comp.conversion", "calc_comp_conversion")
    parts = clv.component_clv(price, vehicle_margin, after_sales, years, after_sales_margin, repurchase,
                              referrals, conversion, extra)
    st.metric(ctx.t("calc.comp.value"), money(parts.total), help=ctx.t("calc.comp.value.help"))
    purchase = money(parts.purchase_margin)
    rows = [
        ("purchase", f"{money(price)} × {percent(vehicle_margin)}", parts.purchase_margin),
        ("after_sales", f"{money(after_sales)} × {plain(years)} × {percent(after_sales_margin)}", parts.after_sales),
        ("repurchase", f"{purchase} × {percent(repurchase)}", parts.repurchase),
        ("referral", f"{purchase} × {plain(referrals)} × {percent(conversion)}", parts.referral),
        ("extra", f"−{money(extra)} × {plain(years)}", -parts.extra_service_cost),
        ("total", "", parts.total),
    ]
    st.dataframe(
        pd.DataFrame({
            ctx.t("calc.comp.col.part"): [ctx.t(f"calc.comp.part.{k}") for k, _, _ in rows],
            ctx.t("calc.comp.col.working"): [w for _, w, _ in rows],
            ctx.t("calc.comp.col.value"): [money(v) for _, _, v in rows],
        }),
        hide_index=True,
        key="calc_comp_table",
    )
    st.caption(ctx.t("calc.comp.note"))

# -- DCF ---------------------------------------------------------------------------------------
with tabs[3]:
    st.markdown(f"**{ctx.t('calc.dcf.formula')}**")
    reference_line("dcf", "calc.dcf.case", low=min(D["spend"]), high=max(D["spend"]))
    mode = translated_choice("radio", ctx.t("calc.dcf.mode"), ["curve", "constant"], key="calc_dcf_mode",
                             lang=ctx.lang, format_func=lambda k: ctx.t(f"calc.dcf.mode.{k}"), horizontal=True)
    c = st.columns(4)
    margin = percent_input(c[0], "calc.in.margin", "calc_dcf_margin", min_value=-100.0)
    discount = c[1].number_input(ctx.t("calc.dcf.discount"), min_value=0.0, max_value=100.0, step=0.5,
                                 key="calc_dcf_discount", persist_state="session") / 100
    table_years = 0
    if mode == "curve":
        step = c[2].number_input(ctx.t("calc.dcf.tail_step"), min_value=0.0, max_value=1.0, step=0.01,
                                 key="calc_dcf_tail_step", help=ctx.t("calc.dcf.tail_step.help"),
                                 persist_state="session")
        spend_col, survival_col = ctx.t("calc.dcf.col.spend"), ctx.t("calc.dcf.col.survival")
        st.caption(ctx.t("calc.dcf.table"))
        edited = st.data_editor(
            pd.DataFrame({spend_col: [float(x) for x in D["spend"]], survival_col: D["survival"]}),
            num_rows="dynamic",
            hide_index=True,
            column_config={
                spend_col: st.column_config.NumberColumn(min_value=0.0, format="%,.0f", required=True),
                survival_col: st.column_config.NumberColumn(min_value=0.0, max_value=1.0, step=0.01,
                                                            format="%.2f", required=True),
            },
            key=f"calc_dcf_table_{st.session_state['calc_dcf_table_version']}",
        )
        edited = edited.dropna()
        spends = [float(x) for x in edited[spend_col]]
        curve = [min(max(float(x), 0.0), 1.0) for x in edited[survival_col]]
        table_years = len(curve)
        survival = clv.extend_survival_linearly(curve, step) if step > 0 else curve
    else:
        spends = c[2].number_input(ctx.t("calc.in.annual_spend", cur=CUR), min_value=0.0, step=500.0,
                                   format="%.0f", key="calc_dcf_spend", persist_state="session")
        retention = c[3].number_input(ctx.t("calc.dcf.retention"), min_value=0.0, max_value=100.0, step=1.0,
                                      key="calc_dcf_retention", persist_state="session") / 100
        years = c[2].number_input(ctx.t("calc.dcf.years"), min_value=1, max_value=60, step=1, key="calc_dcf_years",
                                  persist_state="session")
        survival = clv.survival_from_retention(retention, int(years))

    if not survival:
        st.info(ctx.t("calc.dcf.empty"))
    else:
        rows = clv.dcf_clv(spends, margin, survival, discount)
        m = st.columns(3)
        m[0].metric(ctx.t("calc.dcf.total"), money(clv.dcf_total(rows)), help=ctx.t("calc.dcf.total.help"))
        if mode == "curve" and len(rows) > table_years:
            m[1].metric(ctx.t("calc.dcf.table_years", n=table_years), money(clv.dcf_total(rows[:table_years])))
            m[2].metric(ctx.t("calc.dcf.tail", n=table_years + 1), money(clv.dcf_total(rows[table_years:])))
        if mode == "curve":
            st.caption(ctx.t("calc.dcf.note"))
        st.dataframe(
            pd.DataFrame({
                ctx.t("calc.dcf.col.year"): [r.year for r in rows],
                ctx.t("calc.dcf.col.spend"): [round(r.spend) for r in rows],
                ctx.t("calc.dcf.col.survival"): [round(r.survival, 4) for r in rows],
                ctx.t("calc.dcf.col.gp"): [round(r.gross_profit) for r in rows],
                ctx.t("calc.dcf.col.factor"): [round(r.discount_factor, 3) for r in rows],
                ctx.t("calc.dcf.col.pv"): [round(r.present_value) for r in rows],
            }),
            hide_index=True,
            key="calc_dcf_rows",
            column_config={
                ctx.t(f"calc.dcf.col.{k}"): st.column_config.NumberColumn(format="%,d") for k in ("spend", "gp", "pv")
            },
        )

# -- tier value --------------------------------------------------------------------------------
with tabs[4]:
    st.markdown(f"**{ctx.t('calc.tier.formula')}**")
    reference_line("tier", "calc.tier.case")
    tiers = {}
    for column, side in zip(st.columns(2), ("top", "base")):
        name = ctx.t(f"calc.tier.{side}")
        column.subheader(name)
        k = f"calc_tier_{side}_"
        tier = calc.Tier(
            annual_spend=money_input(column, "calc.in.annual_spend", k + "spend"),
            margin=percent_input(column, "calc.in.margin", k + "margin", min_value=-100.0),
            years=years_input(column, "calc.in.years", k + "years"),
            customers=int(column.number_input(ctx.t("calc.in.customers"), min_value=0, step=100,
                                              key=k + "customers", persist_state="session")),
        )
        tiers[side] = tier
        column.metric(ctx.t("calc.tier.per_customer", tier=name), money(tier.value_per_customer))
        column.metric(ctx.t("calc.tier.total", tier=name), money(tier.total_value))
        column.caption(ctx.t("calc.tier.working", spend=money(tier.annual_spend), margin=percent(tier.margin),
                             years=plain(tier.years), value=money(tier.value_per_customer),
                             customers=fmt.people(tier.customers), total=money(tier.total_value)))
    ratio = calc.tier_ratio(tiers["top"], tiers["base"])
    st.metric(ctx.t("calc.tier.ratio"), fmt.multiple(ratio), help=ctx.t("calc.tier.ratio.help"))
    if ratio is None:
        st.info(ctx.t("calc.tier.ratio.none"))

# -- extended warranty -------------------------------------------------------------------------
with tabs[5]:
    st.markdown(f"**{ctx.t('calc.war.formula')}**")
    reference_line("war", "calc.war.case", price=W["price"], claims=W["claims_cost"])
    c = st.columns(3)
    buyer = calc.WarrantyBuyer(
        price=money_input(c[0], "calc.war.price", "calc_war_price", step=100.0),
        claims_cost=money_input(c[0], "calc.war.claims", "calc_war_claims", step=100.0),
        ltv_buyers=money_input(c[1], "calc.war.ltv_buyers", "calc_war_ltv_buyers"),
        ltv_non_buyers=money_input(c[1], "calc.war.ltv_non_buyers", "calc_war_ltv_non_buyers"),
    )
    term = c[2].number_input(ctx.t("calc.war.term"), min_value=1, max_value=15, step=1, key="calc_war_term",
                             persist_state="session")
    ltv_years = c[2].number_input(ctx.t("calc.war.ltv_years"), min_value=1, max_value=30, step=1,
                                  key="calc_war_ltv_years", persist_state="session")
    m = st.columns(3)
    m[0].metric(ctx.t("calc.war.product"), money(buyer.product_margin), help=ctx.t("calc.war.product.help"))
    share = buyer.uplift_share
    m[1].metric(ctx.t("calc.war.uplift"), money(buyer.ltv_uplift), help=ctx.t("calc.war.uplift.help"),
                delta=None if share is None else f"{share * 100:+.0f}%", delta_color="off")
    m[2].metric(ctx.t("calc.war.net"), money(buyer.net_per_buyer), help=ctx.t("calc.war.net.help"), border=True)
    st.caption(ctx.t("calc.war.working", price=money(buyer.price), claims=money(buyer.claims_cost),
                     buyers=money(buyer.ltv_buyers), non_buyers=money(buyer.ltv_non_buyers),
                     product=money(buyer.product_margin), uplift=money(buyer.ltv_uplift),
                     net=money(buyer.net_per_buyer)))
    if buyer.claims_exceed_price:
        st.warning(ctx.t("calc.war.claims_exceed", claims=money(buyer.claims_cost), price=money(buyer.price),
                         loss=money(-buyer.product_margin)))
    st.caption(ctx.t("calc.war.horizon", ltv_years=int(ltv_years), term=int(term)))
