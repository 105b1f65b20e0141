"""Channels and cohorts: which acquisition channels pay (SPEC §6).

Storyboard: horizon -> LTV/CAC per channel (this data, or the seed's table to explore) with
the bands -> CAC by year -> budget shift simulator (and what the seed's 3.2 → 4.8 really
gives) -> cohorts by purchase year, model, region or channel: table, retention heatmap,
cumulative gross profit against CAC. Panels: ui/channel_panels.py.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import channels as ch
from clv_engine.cohorts import LtvParams
from ui import channel_panels as panels
from ui import cohort_panels, queries
from ui.context import page_context, spinner_unless_done
from ui.widgets import translated_choice
from wording import fmt

ctx = page_context()
lang = ctx.lang
URL = "query-params"
CAC_WINDOWS = [0, 12, 24, 36]  # months; 0 = all
SIM_MONTHS = 12

# -- inputs -------------------------------------------------------------------------------
# Single choices are translated_choice widgets (one per language, the value under the plain
# key, the id in the link). A multiselect keeps its identity when the language changes, but
# the browser still holds the old language's labels and shows no choice: writing its value
# back before it is drawn makes the server send the choice in the new language.
MULTI_KEYS = ("ch_sim_from", "ch_sim_to")
if st.session_state.get("ch_lang", lang) != lang:
    for choice in MULTI_KEYS:
        if choice in st.session_state:
            st.session_state[choice] = st.session_state[choice]
st.session_state["ch_lang"] = lang

st.title(ctx.t("channels.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
c1, c2 = st.columns([2, 1])
horizon = c1.slider(ctx.t("channels.horizon"), 1, 15, 7, key="ch_horizon", bind=URL)
window = translated_choice(
    "selectbox",
    ctx.t("channels.cac_window"),
    CAC_WINDOWS,
    "ch_cac_window",
    lang,
    c2,
    link=True,
    format_func={
        m: ctx.t("channels.cac_window.months", n=m) if m else ctx.t("channels.cac_window.all")
        for m in CAC_WINDOWS
    }.__getitem__,
)
params = LtvParams(horizon_years=horizon, discount_rate=ctx.clv_params.discount_rate)
has_spend = ctx.has("channel_spend")
# seconds on a large base the first time
with spinner_unless_done(
    ("channels", ctx.db.version(), ctx.as_of, params, ctx.store_ids), ctx.t("channels.computing")
):
    ltv = queries.channel_ltv(ctx.db, ctx.as_of, params, ctx.store_ids)
if ltv.empty:
    st.info(ctx.t("channels.empty"))
    st.stop()
retention = ltv.attrs["retention"]
st.caption(
    ctx.t("channels.ltv.definition", h=horizon, d=fmt.pct(params.discount_rate), r=fmt.pct(retention, 1))
)

# -- LTV/CAC per channel ------------------------------------------------------------------
st.header(ctx.t("channels.ratio.header"))
source = translated_choice(
    "radio",
    ctx.t("channels.source"),
    ["data", "spec"],
    "ch_source",
    lang,
    link=True,
    horizontal=True,
    format_func={k: ctx.t(f"channels.source.{k}") for k in ("data", "spec")}.__getitem__,
)
if source == "spec":
    panels.spec_panel(ctx)
else:
    table = queries.channel_table(ctx.db, ctx.as_of, params, ctx.store_ids, window or None)
    if ctx.store_ids and has_spend:
        st.caption(ctx.t("channels.scope_note"))
    if has_spend:
        panels.ratio_panel(ctx, table, queries.cac_by_year(ctx.db, ctx.as_of))
    else:
        panels.ltv_only_panel(ctx, table)

# -- budget shift simulator: a fragment, its inputs rerun only it -------------------------
data_base = (
    ch.data_simulator_base(queries.channel_table(ctx.db, ctx.as_of, params, ctx.store_ids, SIM_MONTHS))
    if has_spend
    else None
)
panels.simulator(ctx, data_base, URL)
panels.reconciliation_note(ctx)

# -- cohorts: a fragment, the dimension and the heat map's clicks rerun only this section ------
# (the section sums its tables from the cached cohort cube itself: no cube held by the fragment)
cohort_panels.cohort_section(ctx, None, params, horizon)
