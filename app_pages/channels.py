"""Channels and cohorts: which acquisition channels pay (SPEC §6).

Storyboard: horizon -> LTV/CAC per channel (this data, or the seed's table to explore) with
the bands -> CAC by year -> budget shift simulator (and what the seed's 3.2 → 4.8 really
gives) -> cohorts by purchase year, model, region or channel: table, retention heatmap,
cumulative gross profit against CAC. Panels: ui/channel_panels.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine import drill as drill_engine
from clv_engine.cohorts import LtvParams
from ui import channel_panels as panels
from ui import cohort_panels, drill, queries
from ui.context import page_context
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
    format_func=lambda m: ctx.t("channels.cac_window.months", n=m) if m else ctx.t("channels.cac_window.all"),
)
params = LtvParams(horizon_years=horizon, discount_rate=ctx.clv_params.discount_rate)
has_spend = ctx.has("channel_spend")
with st.spinner(ctx.t("channels.computing")):  # seconds on a large base the first time
    cube = queries.cohort_cube(ctx.db, ctx.as_of, params, ctx.store_ids)
ltv = ch.channel_ltv_from_cube(cube)
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
    format_func=lambda k: ctx.t(f"channels.source.{k}"),
)
if source == "spec":
    panels.spec_panel(ctx)
else:
    table = ch.combine_channel_table(ltv, queries.channel_cac(ctx.db, ctx.as_of, window or None))
    if ctx.store_ids and has_spend:
        st.caption(ctx.t("channels.scope_note"))
    if has_spend:
        panels.ratio_panel(ctx, table, queries.cac_by_year(ctx.db, ctx.as_of))
    else:
        panels.ltv_only_panel(ctx, table)

# -- budget shift simulator: a fragment, its inputs rerun only it -------------------------
data_base = (
    ch.data_simulator_base(ch.combine_channel_table(ltv, queries.channel_cac(ctx.db, ctx.as_of, SIM_MONTHS)))
    if has_spend
    else None
)
panels.simulator(ctx, data_base, URL)
panels.reconciliation_note(ctx)

# -- cohorts ------------------------------------------------------------------------------
st.header(ctx.t("channels.cohort.header"))
dim = translated_choice(
    "segmented_control",
    ctx.t("channels.cohort.dimension"),
    list(cohorts.DIMENSIONS),
    "ch_cohort_dim",
    lang,
    index=list(cohorts.DIMENSIONS).index("purchase_year"),
    link=True,
    required=True,
    format_func=lambda k: ctx.t(f"channels.dim.{k}"),
)
summary = cohorts.summary_from_cube(cube, dim)
years = cohorts.years_from_cube(cube, dim)
mix = cohorts.mix_from_cube(cube, dim)
if dim == "channel":
    summary = ch.in_display_order(summary, "cohort")
# The cohorts' raw values, for the heat map's click-through (a position, not a dealer's text).
raw_cohorts = [
    "" if v is None or pd.isna(v) else str(v) for v in cohorts.summary_from_cube(cube, dim)["cohort"]
]


def cohort_label(value) -> str:
    if dim == "channel":
        return panels.label(ctx, value)
    if value is None or pd.isna(value):
        return ctx.t("channels.unrecorded")
    return str(value)


# From here on a cohort is its display name: a missing value (NaN) cannot be looked up in a
# dict or a Series index, its label can.
for frame in (summary, years, mix):
    frame["cohort"] = [cohort_label(v) for v in frame["cohort"]]

cohort_cac = pd.Series(dtype=float)
overall_cac = queries.channel_cac(ctx.db, ctx.as_of, None)
if overall_cac is not None:
    cohort_cac = ch.cohort_cac(mix, queries.cac_by_year(ctx.db, ctx.as_of), overall_cac)
payback = cohorts.cohort_payback_year(years, cohort_cac)
cohort_table = cohort_panels.cohort_table(ctx, summary, cohort_cac, payback, horizon, overall_cac is not None)

matrix = cohorts.retention_matrix(years)
matrix = matrix.reindex([c for c in summary["cohort"] if c in matrix.index])
left, right = st.columns(2)
with left:
    cohort_event = cohort_panels.retention_heatmap(ctx, matrix, raw_cohorts, cohort_label)
with right:
    cohort_panels.cumulative_chart(ctx, summary, years, cohort_cac, cohort_label, overall_cac is not None)

# -- click through: the customers behind the clicked cohort cells --
if not matrix.empty:
    drill.customer_list_for(
        ctx,
        cohort_event,
        None,
        ("cohort", "year"),
        key=f"ch_drill_{dim}",
        describe=lambda k: (
            f"{cohort_label(raw_cohorts[int(k['cohort'])] or None)} · "
            f"{ctx.t('drill.year_k', k=int(k['year']))}"
        ),
        extra_labels={
            "purchase_year": ctx.t("drill.col.purchase_year"),
            "completed_years": ctx.t("drill.col.completed_years"),
            "ordered_in_year": ctx.t("drill.col.ordered_in_year"),
        },
        select=lambda _, points: pd.concat(
            [
                drill_engine.cohort_cell(
                    ctx.db, ctx.as_of, params, ctx.store_ids, dim, raw_cohorts[int(k["cohort"])], k["year"]
                )
                for k in drill_engine.selected_keys(points, ("cohort", "year"))
            ]
        ),
    )
cohort_panels.cohort_downloads(ctx, cohort_table, matrix, years, cohort_label, dim)
