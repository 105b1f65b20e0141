"""Churn early warning: who to call this week, and what acting on the list is worth (SPEC §3).

Storyboard: missing signals -> weights, levels and interventions -> success rates, typed and
measured on the issued lists (the measured one used once the evidence is enough) -> how P(churn)
is read -> filters -> a week's capacity per store (calls or budget) and what the next call would
be worth -> totals for acting on the list -> where to stop calling (cumulative value) and the
levels -> the call list a store works from (phone, last visit, vehicle, store, owner, due date,
a link to the customer's lookup, reasons) -> CSV / Excel named by store and date.
The panels are in ui/churn_panels.py and ui/churn_list_panels.py, the cached queries in ui/queries/.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import churn
from clv_engine import drill as drill_engine
from clv_engine.errors import InputError
from ui import churn_list_panels as list_panel
from ui import churn_panels as panel
from ui import drill
from ui.context import page_context
from ui.queries import (
    churn_base,
    churn_dropout,
    churn_ranking,
    churn_scored,
    group_churn_calibration,
    success_evidence,
)
from wording import fmt
from wording.errors import explain

ctx = page_context()

st.title(ctx.t("churn.title"))
st.caption(ctx.t("churn.intro"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any

# The signals with each customer's CLV and tier, joined once per data/scope (the call details
# are read for the rows drawn and for a file when asked for).
with st.spinner(ctx.t("churn.computing")):  # seconds on a large base the first time
    signals = churn_base(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params, ctx.clv_model)
if signals.empty or signals.attrs["values_empty"]:
    st.info(ctx.t("churn.empty"))
    st.stop()
available = signals.attrs["available"]
rules: churn.SignalRules = signals.attrs["rules"]
panel.missing_signals(ctx, available)
definitions = panel.definitions(ctx, rules)

# -- weights, levels, interventions ----------------------------------------------------------
weights = panel.weights(ctx, definitions)
if weights is None:
    st.stop()
levels, actions = panel.levels_and_actions(ctx)

# Success rates: the typed prior, or what the issued lists measured once the evidence is enough.
evidence = success_evidence(ctx.db, tuple((a.level, a.success) for a in actions))
use_measured = st.toggle(
    ctx.t("churn.measured.use"),
    value=True,
    key="churn_use_measured",
    bind=panel.URL,
    help=ctx.t("churn.measured.help"),
)
actions, rate_source = churn.measured_interventions(actions, evidence, use_measured)
panel.measured_success(ctx, evidence, actions, rate_source)

# The scores and the ranked list are kept per process for the last two settings: a filter,
# a toggle or the capacity does not score nor rank again.
inputs = (ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params, ctx.clv_model, weights, levels)
try:
    with st.spinner(ctx.t("churn.scoring")):  # a million customers: seconds on a new setting
        scored = churn_scored(*inputs)
except InputError as error:
    st.error(explain(error, ctx.lang))
    st.stop()
used = scored.attrs["weights"]
st.caption(
    ctx.t("churn.effective")
    + ": "
    + " · ".join(
        f"{panel.signal_name(ctx, s)} {fmt.pct(used[s], 1)}" for s in churn.SIGNALS if s in available
    )
)

# -- P(churn) -------------------------------------------------------------------------------
# Calibrated on every customer (not the store scope), so a customer's P(churn) and expected
# value are the same here, in lookup and in the exports.
calibration = group_churn_calibration(ctx.db, ctx.as_of, weights, levels)  # a group figure
has_p_alive = "p_alive" in signals.columns  # the model's P(alive), carried by the base
fit_check = churn_dropout(ctx.db, ctx.as_of) if has_p_alive else None  # the kept P(alive), counted
method = panel.p_churn_method(ctx, calibration, has_p_alive, fit_check)

# -- the list, its filters and a week's capacity ---------------------------------------------
with st.spinner(ctx.t("churn.scoring")):
    # Ranked narrow (values, tier in `scored`): the facts and details are read for the rows drawn.
    # Who calls (owner role); the list is issued on the as-of date, due a week later.
    full_list = churn_ranking(*inputs, method, tuple(actions))

store_names = panel.store_names(ctx)
shown, chosen_stores = panel.filters(ctx, full_list, store_names)
shown, per_store, capacity_kind, capacity = panel.capacity(ctx, shown, store_names)

# -- what acting on it is worth --------------------------------------------------------------
list_panel.totals(ctx, shown, scored, rules)
if per_store is not None and len(per_store):
    list_panel.per_store_capacity(ctx, per_store, capacity_kind)

if shown.empty:
    st.info(ctx.t("churn.list.empty"))
    st.stop()

left, right = st.columns(2)
with left:
    curve_event = list_panel.where_to_stop(ctx, shown)
with right:
    list_panel.by_level(ctx, shown)

# -- click through: the first n customers of the ranking, from the clicked point --
drill.customer_list_for(
    ctx,
    curve_event,
    shown,
    ("n",),
    key="churn_drill",
    describe=lambda k: ctx.t("drill.first_n", n=fmt.number(k["n"])),
    select=lambda frame, points: list_panel.with_details(
        ctx, drill_engine.top_of_ranking(frame, points), scored
    ),
)
# --

# -- the list a store works from, and its files ----------------------------------------------
list_panel.call_list_table(ctx, shown, scored)
# The file says whose list it is and of which day.
scope_ids = chosen_stores or list(ctx.store_ids or [])
list_panel.downloads(
    ctx,
    shown,
    [store_names.get(s, s) for s in scope_ids],
    dict(
        scored=scored,
        method=method,
        defs=definitions,
        actions=actions,
        rate_source=rate_source,
        kind=capacity_kind,
        amount=capacity,
    ),
)
