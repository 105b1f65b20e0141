"""CLV calculator: the worked models side by side, each with editable inputs and its reference case.

Storyboard: one tab per model -> its formula -> inputs -> the figure, with the working written
out -> a button that puts the reference case back. Every figure comes from the engine
(clv_engine.clv, clv_engine.calculator); nothing here reads the database. The component and
DCF tabs, and the inputs, are in ui/calculator_panels.py.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import calculator as calc
from clv_engine import clv
from ui import calculator_panels as panels
from ui.context import page_context
from ui.widgets import Headline, metric_row
from wording import fmt

ctx = page_context()
kit = panels.Kit(ctx)
money, plain, percent = kit.money, kit.plain, kit.percent
money_input, percent_input, years_input = kit.money_input, kit.percent_input, kit.years_input
reference_line = kit.reference_line
S, T, W = calc.SIMPLE_REFERENCE, calc.TIER_REFERENCE, calc.WARRANTY_REFERENCE
panels.seed_defaults()

st.title(ctx.t("calc.title"))
st.caption(ctx.t("calc.intro"))
tabs = st.tabs(
    [ctx.t(f"calc.tab.{k}") for k in ("simple", "simple_net", "component", "dcf", "tier", "warranty")]
)

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
    st.caption(
        ctx.t(
            "calc.simple.working",
            spend=money(spend),
            years=plain(years),
            margin=percent(margin),
            value=money(value),
        )
    )

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
    st.caption(
        ctx.t(
            "calc.net.working",
            revenue=money(revenue),
            years=plain(years),
            acquisition=money(acquisition),
            service=money(service),
            value=money(value),
        )
    )
    st.caption(ctx.t("calc.net.note"))
# -- component and DCF -------------------------------------------------------------------------
with tabs[2]:
    panels.component_tab(kit)
with tabs[3]:
    panels.dcf_tab(kit)

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
            customers=int(kit.number(column, "calc.in.customers", k + "customers", min_value=0, step=100)),
        )
        tiers[side] = tier
        column.metric(ctx.t("calc.tier.per_customer", tier=name), money(tier.value_per_customer))
        column.metric(ctx.t("calc.tier.total", tier=name), money(tier.total_value))
        column.caption(
            ctx.t(
                "calc.tier.working",
                spend=money(tier.annual_spend),
                margin=percent(tier.margin),
                years=plain(tier.years),
                value=money(tier.value_per_customer),
                customers=fmt.people(tier.customers),
                total=money(tier.total_value),
            )
        )
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
    term = kit.number(c[2], "calc.war.term", "calc_war_term", min_value=1, max_value=15, step=1)
    ltv_years = kit.number(
        c[2], "calc.war.ltv_years", "calc_war_ltv_years", min_value=1, max_value=30, step=1
    )
    share = buyer.uplift_share
    metric_row(
        [
            Headline(ctx.t("calc.war.product"), money(buyer.product_margin), ctx.t("calc.war.product.help")),
            Headline(
                ctx.t("calc.war.uplift"),
                money(buyer.ltv_uplift),
                ctx.t("calc.war.uplift.help"),
                delta=None if share is None else f"{share * 100:+.0f}%",
                delta_color="off",
            ),
            Headline(
                ctx.t("calc.war.net"), money(buyer.net_per_buyer), ctx.t("calc.war.net.help"), border=True
            ),
        ],
        border=False,
    )
    st.caption(
        ctx.t(
            "calc.war.working",
            price=money(buyer.price),
            claims=money(buyer.claims_cost),
            buyers=money(buyer.ltv_buyers),
            non_buyers=money(buyer.ltv_non_buyers),
            product=money(buyer.product_margin),
            uplift=money(buyer.ltv_uplift),
            net=money(buyer.net_per_buyer),
        )
    )
    if buyer.claims_exceed_price:
        st.warning(
            ctx.t(
                "calc.war.claims_exceed",
                claims=money(buyer.claims_cost),
                price=money(buyer.price),
                loss=money(-buyer.product_margin),
            )
        )
    st.caption(ctx.t("calc.war.horizon", ltv_years=int(ltv_years), term=int(term)))
