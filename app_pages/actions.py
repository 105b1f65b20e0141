"""Actions due: services due from the vehicle, tier changes due by the programme's rules, and
complaints against their tier's response clock; each in the store scope, each exportable."""

from __future__ import annotations

from functools import partial

import streamlit as st

from clv_engine import complaints as cq
from clv_engine import service_due, tier_rules
from ui import actions_panels as panels
from ui.context import page_context
from ui.queries import complaint_lists, service_lists, tier_changes
from ui.widgets import Headline, metric_row
from ui.widgets import reset_state as reset
from ui.widgets import seed_state as seed
from wording import fmt

ctx = page_context()

SVC_DEFAULTS = {
    "act_svc_months": 12,
    "act_svc_km": 10_000,
    "act_svc_first": 3,
    "act_svc_horizon": 30,
    "act_svc_overdue": 180,
    "act_svc_warranty": 3,
    "act_svc_offer": 3,
}
TIER_DEFAULTS = {"act_tier_spend": 10_000, "act_tier_referrals": 3, "act_tier_years": 2}
Q_DEFAULTS = {
    "act_q_vip": 2,
    "act_q_high_value": 4,
    "act_q_ordinary": 24,
    "act_q_low_value": 48,
    "act_q_since": 365,
}

number_inputs = partial(panels.number_inputs, ctx)


# -- the page ---------------------------------------------------------------------------------

st.title(ctx.t("actions.title"))
st.caption(ctx.t("actions.caption", as_of=ctx.as_of.isoformat()))
if not ctx.has("customers"):
    st.info(ctx.t("actions.no_customers"))
    st.stop()
# Only the open tab computes its lists (st.tabs alone runs all: the hidden two cost a second and
# more at a million); a click on a tab reruns the page; a rule changed in a tab opens that tab.
TABS = ("service", "tiers", "complaints")
LABELS = [ctx.t("actions.tab.service"), ctx.t("actions.tab.tiers"), ctx.t("actions.tab.complaints")]
tab_service, tab_tiers, tab_complaints = st.tabs(LABELS, key="act_tab", on_change="rerun")


def is_open(kind: str) -> bool:
    return st.session_state.get("act_tab", LABELS[0]) == LABELS[TABS.index(kind)]


def opens(kind: str) -> dict:  # the on_change of a tab's rule inputs
    return {"on_change": panels.open_tab, "args": ("act_tab", LABELS[TABS.index(kind)])}


# -- service due ------------------------------------------------------------------------------
@st.fragment  # its rules rerun only this tab
def service_tab() -> None:
    seed(SVC_DEFAULTS)
    with st.expander(ctx.t("actions.rules")):
        number_inputs(
            [
                ("act_svc_months", "actions.svc.interval_months", 1, 36, 1),
                ("act_svc_km", "actions.svc.interval_km", 1_000, 50_000, 1_000),
                ("act_svc_first", "actions.svc.first_months", 1, 24, 1),
                ("act_svc_horizon", "actions.svc.horizon", 0, 365, 7),
            ],
            st,
            **opens("service"),
        )
        number_inputs(
            [
                ("act_svc_overdue", "actions.svc.overdue", 0, 3_650, 30),
                ("act_svc_warranty", "actions.svc.warranty_years", 1, 10, 1),
                ("act_svc_offer", "actions.svc.offer_months", 1, 24, 1),
            ],
            st,
            **opens("service"),
        )
        st.caption(ctx.t("actions.svc.interval_km.help") + " " + ctx.t("actions.svc.overdue.help"))
        st.button(ctx.t("actions.reset"), on_click=reset, args=(SVC_DEFAULTS,), key="act_svc_reset")
    if not is_open("service"):
        return
    s = st.session_state
    svc_rules = service_due.ServiceRules(
        interval_months=int(s["act_svc_months"]),
        interval_km=float(s["act_svc_km"]),
        first_service_months=int(s["act_svc_first"]),
        horizon_days=int(s["act_svc_horizon"]),
        max_overdue_days=int(s["act_svc_overdue"]),
        warranty_years=int(s["act_svc_warranty"]),
        offer_months=int(s["act_svc_offer"]),
    )
    due, offers = service_lists(ctx.db, ctx.as_of, ctx.store_ids, svc_rules, panels.SHOWN_ROWS)
    counts = due.counts()  # the whole list's, counted in DuckDB; its first rows only are here
    metric_row(
        [
            Headline(ctx.t("actions.svc.overdue_count"), fmt.number(counts["overdue"], 0)),
            Headline(
                ctx.t("actions.svc.upcoming_count", days=svc_rules.horizon_days),
                fmt.number(counts["upcoming"], 0),
            ),
            Headline(ctx.t("actions.svc.offers_count"), fmt.number(offers[1], 0)),
        ],
        border=False,
    )
    if not due.has_mileage or due.with_km == 0:
        st.caption(ctx.t("actions.svc.no_mileage"))
    panels.service_tables(ctx, due, offers, svc_rules)


with tab_service:
    service_tab()


# -- tier changes due -------------------------------------------------------------------------
@st.fragment  # its rules rerun only this tab
def tiers_tab() -> None:
    seed(TIER_DEFAULTS)
    with st.expander(ctx.t("actions.rules")):
        c1, c2, c3 = st.columns(3)
        c1.number_input(
            ctx.t("actions.tier.gold_spend"),
            min_value=100,
            max_value=1_000_000,
            step=1_000,
            key="act_tier_spend",
            persist_state="session",
            **opens("tiers"),
        )
        c2.number_input(
            ctx.t("actions.tier.referrals"),
            min_value=1,
            max_value=50,
            step=1,
            key="act_tier_referrals",
            persist_state="session",
            **opens("tiers"),
        )
        c3.number_input(
            ctx.t("actions.tier.no_visit_years"),
            min_value=1,
            max_value=10,
            step=1,
            key="act_tier_years",
            persist_state="session",
            **opens("tiers"),
        )
        st.button(ctx.t("actions.reset"), on_click=reset, args=(TIER_DEFAULTS,), key="act_tier_reset")
    if not is_open("tiers"):
        return
    s = st.session_state
    t_rules = tier_rules.TierRules(
        gold_spend=float(s["act_tier_spend"]),
        platinum_referrals=int(s["act_tier_referrals"]),
        no_visit_years=int(s["act_tier_years"]),
    )
    changes = tier_changes(ctx.db, ctx.as_of, ctx.store_ids, t_rules)
    st.caption(
        ctx.t(
            "actions.tier.caption", as_of=ctx.as_of.isoformat(), held_on=changes.attrs["held_on"].isoformat()
        )
    )
    metric_row(
        [
            Headline(ctx.t(f"actions.tier.{d}_count"), fmt.number(int((changes["direction"] == d).sum()), 0))
            for d in ("up", "down")
        ],
        border=False,
    )
    panels.tier_table(ctx, changes)


with tab_tiers:
    tiers_tab()


# -- complaints on the clock ------------------------------------------------------------------
@st.fragment  # its rules rerun only this tab
def complaints_tab() -> None:
    if not ctx.has("complaints"):
        st.info(ctx.t("actions.q.needs"))
    else:
        seed(Q_DEFAULTS)
        with st.expander(ctx.t("actions.rules")):
            cols = st.columns(5)
            for col, level in zip(cols, cq.LEVELS):
                col.number_input(
                    ctx.t("actions.q.hours", level=ctx.t(f"seg.complaint.{level}")),
                    min_value=1,
                    max_value=720,
                    step=1,
                    key=f"act_q_{level}",
                    persist_state="session",
                    **opens("complaints"),
                )
            cols[4].number_input(
                ctx.t("actions.q.since"),
                min_value=7,
                max_value=3_650,
                step=30,
                key="act_q_since",
                persist_state="session",
                **opens("complaints"),
            )
            st.button(ctx.t("actions.reset"), on_click=reset, args=(Q_DEFAULTS,), key="act_q_reset")
        if not is_open("complaints"):
            return
        s = st.session_state
        q_rules = cq.ClockRules(
            vip_hours=float(s["act_q_vip"]),
            high_value_hours=float(s["act_q_high_value"]),
            ordinary_hours=float(s["act_q_ordinary"]),
            low_value_hours=float(s["act_q_low_value"]),
            since_days=int(s["act_q_since"]),
        )
        # counts of the whole lists, their first rows (the files are built when clicked)
        counts, open_, late, rates = complaint_lists(
            ctx.db, ctx.as_of, ctx.store_ids, q_rules, panels.SHOWN_ROWS
        )
        st.caption(ctx.t("actions.q.caption"))
        if counts["complaints"] and not counts["all_timed"]:  # of every complaint
            st.caption(ctx.t("actions.q.by_day"))
        judged = int(rates["judged"].sum())
        metric_row(
            [
                Headline(ctx.t("actions.q.open_count"), fmt.number(counts["open"], 0)),
                Headline(ctx.t("actions.q.overdue_count"), fmt.number(counts["overdue"], 0)),
                Headline(
                    ctx.t("actions.q.rate", days=q_rules.since_days),
                    fmt.pct(rates["breaches"].sum() / judged if judged else None, 1),
                    ctx.t("actions.q.rate.help"),
                ),
            ],
            border=False,
        )
        panels.complaint_tables(ctx, open_, late, rates, counts, q_rules)


with tab_complaints:
    complaints_tab()
