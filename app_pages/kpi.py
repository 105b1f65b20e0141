"""KPI scorecard (SPEC §7): seven KPIs per store, normalised, weighted, ranked, by month.

Storyboard: weights and months -> headlines against an earlier date -> the stores in scope
together -> ranking (click a row for its customers) -> points by KPI -> score and rank by
month -> one store's KPIs and one KPI's trend.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import kpi
from ui import drill, queries
from ui import kpi_panels as panels
from ui.context import page_context, spinner_unless_done
from ui.widgets import seed_state as seed
from wording import fmt

ctx = page_context()

st.title(ctx.t("kpi.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
if not ctx.has("stores"):
    st.info(ctx.t("kpi.no_stores"))
    st.stop()
if not ctx.has("orders"):
    st.info(ctx.t("kpi.no_orders"))
    st.stop()
st.caption(ctx.t("kpi.caption", as_of=ctx.as_of.isoformat()))

seed({**panels.WEIGHT_DEFAULTS, "kpi_months": 12})
total = panels.weights_panel(ctx)
try:
    weights = kpi.KpiWeights.from_percent({k: st.session_state[f"kpi_w_{k}"] for k in kpi.KPIS})
    weights.validate()
except ValueError:
    st.error(ctx.t("kpi.weights.bad", total=fmt.pct(total / 100)))
    st.stop()

months = st.session_state["kpi_months"]
with spinner_unless_done(
    ("kpi", ctx.db.version(), ctx.as_of, months, ctx.clv_params, weights), ctx.t("kpi.computing")
):
    raw, card = queries.kpi_scorecard(ctx.db, ctx.as_of, months, ctx.clv_params, weights)
stores = ctx.stores().set_index("store_id")
name_of = {s: f"{stores.loc[s, 'name']} · {stores.loc[s, 'region']}" for s in stores.index}
panels.missing_notes(ctx, card)

latest = card.on(ctx.as_of)
all_count = len(latest)
if ctx.store_ids:
    latest = latest[latest["store_id"].isin(ctx.store_ids)]
    st.caption(ctx.t("kpi.scope_note", n=all_count))
latest = latest.dropna(subset=["score"])
# Rank, stores ranked and the median are figures of the whole group, also when only some stores
# are shown (a store manager's own): named as such then.
group = bool(ctx.store_ids)
if latest.empty:
    st.info(ctx.t("kpi.no_orders"))
    st.stop()

# -- the headline against an earlier date (scores on that date among the same stores) --
since = drill.comparison(ctx, "kpi_compare")
vs = drill.vs_text(ctx, since)
before_raw, before_card = queries.kpi_scorecard(
    ctx.db, ctx.as_of, st.session_state["kpi_months"], ctx.clv_params, weights, on=since
)
then = before_card.on(since).set_index("store_id")["score"]
if ctx.store_ids:
    then = then[then.index.isin(ctx.store_ids)]
then = then.dropna()
panels.leader_headlines(ctx, latest, then, stores, name_of, all_count, group, vs)
panels.scope_headlines(ctx, raw, before_raw, since, vs)
panels.clv_bridge(ctx, since)  # what moved the CLV headline: gained, lost, value per customer

# -- ranking, its click-through to customers, its downloads, and the points by KPI --
st.subheader(ctx.t("kpi.ranking"))
panels.ranking_panel(ctx, latest, name_of, group)
panels.parts_chart(ctx, latest, name_of)

# -- trend --
st.subheader(ctx.t("kpi.chart.trend"))
st.caption(ctx.t("kpi.trend_caption"))
panels.trend_charts(ctx, card, name_of, group)

# -- one store: a fragment, picking a store reruns only this section --
panels.store_section(ctx, latest, card, weights, name_of, group, all_count)
