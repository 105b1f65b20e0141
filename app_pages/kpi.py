"""KPI scorecard (SPEC §7): seven KPIs per store, normalised, weighted, ranked, by month."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import bridge, kpi
from ui import drill, queries
from ui.context import page_context
from ui.downloads import table_downloads
from ui.safe import md, plot_text
from ui.widgets import Headline, metric_row, translated_choice
from ui.widgets import reset_state as reset
from ui.widgets import seed_state as seed
from wording import fmt

ctx = page_context()
COLORS = {
    "clv_growth": "#1F78B4",
    "retention": "#33A02C",
    "nps": "#E0A526",
    "after_sales_gp": "#6A3D9A",
    "ticket_frequency": "#FF7F00",
    "first_time_fix": "#4B5D8C",
    "technician_efficiency": "#9AA7B5",
}
# The legend goes under the plot: above it, its rows of store names covered the rank-1 lines.
# automargin: long store names and axis labels get the room they need instead of being cut.
CHART = dict(
    margin=dict(l=10, r=10, t=10, b=10),
    legend=dict(orientation="h", yanchor="top", y=-0.12),
    xaxis=dict(automargin=True),
    yaxis=dict(automargin=True),
)
PERCENT = ("clv_growth", "retention", "first_time_fix", "technician_efficiency")
MONEY = ("after_sales_gp", "ticket_size")
WEIGHT_DEFAULTS = {f"kpi_w_{k}": round(v * 100) for k, v in kpi.KpiWeights().as_dict().items()}


def value_text(column: str, v: float) -> str:
    """A raw KPI value the way a manager reads it."""
    if pd.isna(v):
        return ctx.t("kpi.na")
    if column in PERCENT:
        return fmt.pct(v, 1)
    if column in MONEY:
        return ctx.money(v)
    return fmt.number(v, 1 if column == "nps" else 2)


RAW_LABEL = {
    c: (f"kpi.raw.{c}" if c in ("ticket_size", "frequency") else f"kpi.name.{c}")
    for cols in kpi.RAW_COLUMNS.values()
    for c in cols
}

st.title(ctx.t("kpi.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
if not ctx.has("stores"):
    st.info(ctx.t("kpi.no_stores"))
    st.stop()
if not ctx.has("orders"):
    st.info(ctx.t("kpi.no_orders"))
    st.stop()
st.caption(ctx.t("kpi.caption", as_of=ctx.as_of.isoformat()))

seed({**WEIGHT_DEFAULTS, "kpi_months": 12})
with st.expander(ctx.t("kpi.weights"), expanded=False):
    cols = st.columns(len(kpi.KPIS))
    for col, k in zip(cols, kpi.KPIS):
        col.number_input(
            ctx.t("kpi.weight", kpi=ctx.t(f"kpi.name.{k}")),
            min_value=0,
            max_value=100,
            step=5,
            key=f"kpi_w_{k}",
            help=ctx.t(f"kpi.help.{k}"),
            persist_state="session",
        )
    total = sum(st.session_state[f"kpi_w_{k}"] for k in kpi.KPIS)
    left, right = st.columns([1, 3])
    left.button(ctx.t("kpi.weights.reset"), on_click=reset, args=(WEIGHT_DEFAULTS,), key="kpi_weights_reset")
    right.caption(ctx.t("kpi.weights.sum", total=fmt.pct(total / 100)))
    st.slider(ctx.t("kpi.months"), 3, 24, key="kpi_months", persist_state="session")
try:
    weights = kpi.KpiWeights.from_percent({k: st.session_state[f"kpi_w_{k}"] for k in kpi.KPIS})
    weights.validate()
except ValueError:
    st.error(ctx.t("kpi.weights.bad", total=fmt.pct(total / 100)))
    st.stop()

with st.spinner(ctx.t("kpi.computing")):
    raw = queries.group_store_kpis(ctx.db, ctx.as_of, st.session_state["kpi_months"], ctx.clv_params)
card = kpi.score(raw, weights)
stores = ctx.stores().set_index("store_id")
name_of = {s: f"{stores.loc[s, 'name']} · {stores.loc[s, 'region']}" for s in stores.index}
if card.missing_kpis:
    from_kpis = [k for k in card.missing_kpis if kpi.KPI_SOURCE[k] == "store_kpis"]
    from_orders = [k for k in card.missing_kpis if kpi.KPI_SOURCE[k] == "orders"]
    if from_kpis:
        st.info(ctx.t("kpi.missing", kpis=", ".join(ctx.t(f"kpi.name.{k}") for k in from_kpis)))
    if from_orders:
        st.info(ctx.t("kpi.missing.orders", kpis=", ".join(ctx.t(f"kpi.name.{k}") for k in from_orders)))

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
before_raw = queries.group_store_kpis(ctx.db, since, 1, ctx.clv_params)
then = kpi.score(before_raw, weights).on(since).set_index("store_id")["score"]
if ctx.store_ids:
    then = then[then.index.isin(ctx.store_ids)]
then = then.dropna()
# --
leader = latest.iloc[0]["store_id"]
leader_then = then.get(leader)
spread = latest.iloc[0]["score"] - latest.iloc[-1]["score"]
spread_then = then.max() - then.min() if len(then) else None
metric_row(
    [  # a grid that wraps rather than cuts a long store name at 1280×720
        Headline(
            ctx.t("kpi.leader"), md(stores["name"].get(leader, leader)), md(name_of.get(leader, leader))
        ),
        Headline(
            ctx.t("kpi.leader_score"),
            fmt.number(latest.iloc[0]["score"], 1),
            ctx.t("kpi.leader_score.delta_help"),
            delta=None
            if leader_then is None
            else drill.signed(
                fmt.number(latest.iloc[0]["score"] - leader_then, 1), latest.iloc[0]["score"] - leader_then
            ),
            delta_description=vs,
        ),
        Headline(
            ctx.t("kpi.spread"),
            fmt.number(spread, 1),
            delta=None
            if spread_then is None
            else drill.signed(fmt.number(spread - spread_then, 1), spread - spread_then),
            delta_color="inverse",
            delta_description=vs,
        ),
        Headline(ctx.t("group.stores_ranked" if group else "kpi.stores"), fmt.number(all_count)),
    ],
    border=False,
)
# -- the stores in scope together, and their change (percentages in percentage points) --
now_k = bridge.scope_kpis(raw, ctx.as_of, ctx.store_ids)
then_k = bridge.scope_kpis(before_raw, since, ctx.store_ids)
metric_row(
    [
        Headline(
            ctx.t("kpi.scope.clv"),
            ctx.money(now_k.clv_total),
            ctx.t("kpi.scope.clv.help"),
            delta=drill.money_delta(ctx, now_k.clv_total, then_k.clv_total),
            delta_description=vs,
        ),
        Headline(
            ctx.t("kpi.name.clv_growth"),
            fmt.pct(now_k.clv_growth, 1) if now_k.clv_growth is not None else ctx.t("kpi.na"),
            ctx.t("kpi.scope.growth.help"),
            delta=drill.pp_delta(ctx, now_k.clv_growth, then_k.clv_growth),
            delta_description=vs,
        ),
        Headline(
            ctx.t("kpi.name.retention"),
            fmt.pct(now_k.retention, 1) if now_k.retention is not None else ctx.t("kpi.na"),
            ctx.t("kpi.scope.retention.help"),
            delta=drill.pp_delta(ctx, now_k.retention, then_k.retention),
            delta_description=vs,
        ),
        Headline(
            ctx.t("kpi.name.after_sales_gp"),
            ctx.money(now_k.after_sales_gp),
            ctx.t("kpi.scope.gp.help"),
            delta=drill.money_delta(ctx, now_k.after_sales_gp, then_k.after_sales_gp),
            delta_description=vs,
        ),
    ],
    border=False,
)
# --

st.subheader(ctx.t("kpi.ranking"))
table = {
    ctx.t("group.rank" if group else "kpi.col.rank"): latest["rank"].astype(int),
    ctx.t("kpi.col.store"): [name_of.get(s, s) for s in latest["store_id"]],
    ctx.t("kpi.col.score"): latest["score"].round(1),
}
for column in RAW_LABEL:
    table[ctx.t(RAW_LABEL[column])] = [value_text(column, v) for v in latest[column]]
ranking_event = st.dataframe(
    pd.DataFrame(table),
    hide_index=True,
    key="kpi_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        ctx.t("kpi.col.score"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f")
    },
)
# -- click through: a selected store row lists its customers (ids stay in memory, never in the table) --
picked_rows = list(getattr(getattr(ranking_event, "selection", None), "rows", []) or [])
drill.customer_list_for(
    ctx,
    [
        {
            "selection": {
                "points": [
                    {"customdata": [latest.iloc[r]["store_id"]]} for r in picked_rows if r < len(latest)
                ]
            }
        }
    ],
    ctx.customer_values(),
    ("home_store_id",),
    key="kpi_drill",
    describe=lambda k: name_of.get(k["home_store_id"], k["home_store_id"]),
    hint="drill.hint.row",
)
# --
table_downloads(ctx, pd.DataFrame(table), "kpi_ranking", "kpi_dl_ranking", ctx.t("kpi.ranking"))

st.markdown(f"**{ctx.t('kpi.chart.parts')}**")
order = latest.sort_values("score")
fig = go.Figure()
for k in kpi.KPIS:
    fig.add_bar(
        y=[plot_text(name_of.get(s, s)) for s in order["store_id"]],
        x=order[f"part_{k}"].fillna(0),
        name=ctx.t(f"kpi.name.{k}"),
        orientation="h",
        marker_color=COLORS[k],
    )
fig.update_layout(barmode="stack", height=80 + 36 * len(order), xaxis_range=[0, 100], **CHART)
st.plotly_chart(fig, width="stretch", key="kpi_chart_parts")

# trend
st.subheader(ctx.t("kpi.chart.trend"))
st.caption(ctx.t("kpi.trend_caption"))
trend = card.table.dropna(subset=["score"])
if ctx.store_ids:
    trend = trend[trend["store_id"].isin(ctx.store_ids)]
left, right = st.columns(2)
for box, column, title, key in (
    (left, "score", "kpi.chart.trend", "kpi_chart_trend"),
    (right, "rank", "group.chart_rank" if group else "kpi.chart.rank", "kpi_chart_rank"),
):
    fig = go.Figure()
    for store_id, part in trend.groupby("store_id"):
        fig.add_scatter(
            x=part["as_of"],
            y=part[column],
            mode="lines+markers",
            name=plot_text(name_of.get(store_id, store_id)),
        )
    fig.update_layout(height=460, **CHART)
    if column == "rank":
        # Rank 1 on top, with half a rank of room on each side so the top and bottom lines
        # and their markers are drawn whole.
        fig.update_yaxes(range=[float(trend["rank"].max()) + 0.5, 0.5], dtick=1)
    box.markdown(f"**{ctx.t(title)}**")
    box.plotly_chart(fig, width="stretch", key=key)

# one store
st.subheader(ctx.t("kpi.store"))
pick = st.selectbox(
    ctx.t("kpi.pick"),
    list(latest["store_id"]),
    format_func=lambda s: name_of.get(s, s),
    key="kpi_store",
    persist_state="session",
)
row = latest[latest["store_id"] == pick].iloc[0]
st.caption(
    ctx.t(
        "group.store_caption" if group else "kpi.store.caption",
        name=md(name_of.get(pick, pick)),
        rank=int(row["rank"]),
        n=all_count,
        score=fmt.number(row["score"], 1),
    )
)
w = weights.as_dict()
detail = pd.DataFrame(
    {
        ctx.t("kpi.col.kpi"): [ctx.t(f"kpi.name.{k}") for k in kpi.KPIS],
        ctx.t("kpi.col.value"): [
            " · ".join(value_text(c, row[c]) for c in kpi.RAW_COLUMNS[k]) for k in kpi.KPIS
        ],
        ctx.t("kpi.col.norm"): [
            None if pd.isna(row[f"norm_{k}"]) else round(row[f"norm_{k}"], 1) for k in kpi.KPIS
        ],
        ctx.t("kpi.col.weight"): [fmt.pct(w[k]) for k in kpi.KPIS],
        ctx.t("kpi.col.points"): [
            None if pd.isna(row[f"part_{k}"]) else round(row[f"part_{k}"], 1) for k in kpi.KPIS
        ],
    }
)
# st.dataframe draws a missing number as "None" (in English): a KPI without data is "—".
for col in (ctx.t("kpi.col.norm"), ctx.t("kpi.col.points")):
    if detail[col].isna().any():
        detail[col] = [fmt.number(v, 1) for v in detail[col]]
st.dataframe(detail, hide_index=True, key="kpi_store_table")
table_downloads(ctx, detail, "kpi_store", "kpi_dl_store", ctx.t("kpi.store"))
left, right = st.columns([1, 2])
with left:
    pick_kpi = translated_choice(
        "selectbox",
        ctx.t("kpi.pick_kpi"),
        list(RAW_LABEL),
        "kpi_trend_kpi",
        ctx.lang,
        format_func=lambda c: ctx.t(RAW_LABEL[c]),
        persist_state="session",
    )
with right:
    fig = go.Figure()
    everyone = card.table.groupby("as_of")[pick_kpi].median()
    mine = card.table[card.table["store_id"] == pick]
    fig.add_scatter(
        x=mine["as_of"], y=mine[pick_kpi], mode="lines+markers", name=plot_text(name_of.get(pick, pick))
    )
    fig.add_scatter(
        x=everyone.index,
        y=everyone.to_numpy(),
        mode="lines",
        line=dict(dash="dot"),
        name=ctx.t("group.median" if group else "kpi.median"),
    )
    fig.update_layout(height=320, **CHART)
    if pick_kpi in PERCENT:
        fig.update_yaxes(tickformat=".0%")
    st.markdown(f"**{ctx.t('kpi.chart.kpi_trend', kpi=ctx.t(RAW_LABEL[pick_kpi]))}**")
    st.plotly_chart(fig, width="stretch", key="kpi_chart_store")
