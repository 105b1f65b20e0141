"""Page helpers of the KPI scorecard: the weights, the headlines, the ranking, the charts and
one store's detail."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import bridge, kpi
from clv_engine import status as cs
from ui import drill, queries
from ui.charts import kept_figure
from ui.context import Context
from ui.downloads import table_downloads
from ui.safe import md, plot_text
from ui.widgets import Headline, metric_row, translated_choice
from ui.widgets import reset_state as reset
from wording import fmt

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
# Months as digits (2026-01), the same in both languages: Plotly's own "Jan 2026" is English.
MONTHS = dict(tickformat="%Y-%m", hoverformat="%Y-%m-%d")
PERCENT = ("clv_growth", "retention", "first_time_fix", "technician_efficiency")
MONEY = ("after_sales_gp", "ticket_size")
WEIGHT_DEFAULTS = {f"kpi_w_{k}": round(v * 100) for k, v in kpi.KpiWeights().as_dict().items()}
RAW_LABEL = {
    c: (f"kpi.raw.{c}" if c in ("ticket_size", "frequency") else f"kpi.name.{c}")
    for cols in kpi.RAW_COLUMNS.values()
    for c in cols
}


def value_text(ctx: Context, column: str, v: float) -> str:
    """A raw KPI value the way a manager reads it."""
    if pd.isna(v):
        return ctx.t("kpi.na")
    if column in PERCENT:
        return fmt.pct(v, 1)
    if column in MONEY:
        return ctx.money(v)
    return fmt.number(v, 1 if column == "nps" else 2)


def weights_panel(ctx: Context) -> int:
    """The weights (percent) and the months of history, in an expander; returns their total."""
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
        left.button(
            ctx.t("kpi.weights.reset"), on_click=reset, args=(WEIGHT_DEFAULTS,), key="kpi_weights_reset"
        )
        right.caption(ctx.t("kpi.weights.sum", total=fmt.pct(total / 100)))
        st.slider(ctx.t("kpi.months"), 3, 24, key="kpi_months", persist_state="session")
    return total


def missing_notes(ctx: Context, card) -> None:
    """Which KPIs have no data, by where they come from."""
    if not card.missing_kpis:
        return
    from_kpis = [k for k in card.missing_kpis if kpi.KPI_SOURCE[k] == "store_kpis"]
    from_orders = [k for k in card.missing_kpis if kpi.KPI_SOURCE[k] == "orders"]
    if from_kpis:
        st.info(ctx.t("kpi.missing", kpis=", ".join(ctx.t(f"kpi.name.{k}") for k in from_kpis)))
    if from_orders:
        st.info(ctx.t("kpi.missing.orders", kpis=", ".join(ctx.t(f"kpi.name.{k}") for k in from_orders)))


def leader_headlines(
    ctx: Context,
    latest: pd.DataFrame,
    then: pd.Series,
    stores: pd.DataFrame,
    name_of: dict,
    all_count: int,
    group: bool,
    vs: str,
) -> None:
    """The leader, its score, the spread and the stores ranked, against an earlier date."""
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
                    fmt.number(latest.iloc[0]["score"] - leader_then, 1),
                    latest.iloc[0]["score"] - leader_then,
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


def scope_headlines(ctx: Context, raw, before_raw, since, vs: str) -> None:
    """The stores in scope together, and their change (percentages in percentage points)."""
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


def clv_bridge(ctx: Context, since) -> None:
    """What moved the CLV headline above: the overview's small bridge (customers gained, lost,
    value per customer), on the historical model the KPIs use, over the stores in scope (every
    store when none is picked: the KPIs count customers by their home store)."""
    stores = ctx.store_ids or tuple(ctx.stores()["store_id"])
    st.subheader(ctx.t("bridge.title", date=since.isoformat()))
    b = queries.overview_clv_bridge(ctx.db, since, ctx.as_of, tuple(stores), ctx.clv_params, "historical")
    st.caption(ctx.t("bridge.caption", active=cs.StatusRules().active_days))
    drill.draw_bridge(ctx, b, key="kpi_bridge")


def ranking_table(ctx: Context, latest: pd.DataFrame, name_of: dict, group: bool) -> pd.DataFrame:
    """The ranking as shown: rank, store, score and every raw KPI value."""
    table = {
        ctx.t("group.rank" if group else "kpi.col.rank"): latest["rank"].astype(int),
        ctx.t("kpi.col.store"): [name_of.get(s, s) for s in latest["store_id"]],
        ctx.t("kpi.col.score"): latest["score"].round(1),
    }
    for column in RAW_LABEL:
        table[ctx.t(RAW_LABEL[column])] = [value_text(ctx, column, v) for v in latest[column]]
    return pd.DataFrame(table)


def ranking_panel(ctx: Context, latest: pd.DataFrame, name_of: dict, group: bool) -> None:
    """The ranking table; a selected store row lists its customers; the table's downloads."""
    table = ranking_table(ctx, latest, name_of, group)
    ranking_event = st.dataframe(
        table,
        hide_index=True,
        key="kpi_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            ctx.t("kpi.col.score"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f")
        },
    )
    # click through: ids stay in memory, never in the table
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
        # The customer frame only once a row is picked: the ranking alone does not need it.
        ctx.customer_values() if picked_rows else pd.DataFrame(),
        ("home_store_id",),
        key="kpi_drill",
        describe=lambda k: name_of.get(k["home_store_id"], k["home_store_id"]),
        hint="drill.hint.row",
    )
    table_downloads(ctx, table, "kpi_ranking", "kpi_dl_ranking", ctx.t("kpi.ranking"))


def parts_chart(ctx: Context, latest: pd.DataFrame, name_of: dict) -> None:
    """Each store's score as stacked bars of its KPIs' points."""
    st.markdown(f"**{ctx.t('kpi.chart.parts')}**")
    order = latest.sort_values("score")
    fig = parts_figure(
        [plot_text(name_of.get(s, s)) for s in order["store_id"]],
        order[[f"part_{k}" for k in kpi.KPIS]].reset_index(drop=True),
        tuple(ctx.t(f"kpi.name.{k}") for k in kpi.KPIS),
    )
    st.plotly_chart(fig, width="stretch", key="kpi_chart_parts")


@kept_figure
def parts_figure(names: list[str], parts: pd.DataFrame, kpi_names: tuple[str, ...]) -> go.Figure:
    """The stacked bars of :func:`parts_chart`: ``parts`` holds ``part_<kpi>`` of each store
    named in ``names`` (same order), ``kpi_names`` the KPIs' names in ``kpi.KPIS`` order."""
    fig = go.Figure()
    for k, kpi_name in zip(kpi.KPIS, kpi_names):
        fig.add_bar(
            y=names,
            x=parts[f"part_{k}"].fillna(0),
            name=kpi_name,
            orientation="h",
            marker_color=COLORS[k],
        )
    fig.update_layout(barmode="stack", height=80 + 36 * len(names), xaxis_range=[0, 100], **CHART)
    return fig


def trend_charts(ctx: Context, card, name_of: dict, group: bool) -> None:
    """Score and rank by month, one line per store, side by side."""
    trend = card.table.dropna(subset=["score"])
    if ctx.store_ids:
        trend = trend[trend["store_id"].isin(ctx.store_ids)]
    trend = trend[["store_id", "as_of", "score", "rank"]].reset_index(drop=True)
    names = {s: plot_text(name_of.get(s, s)) for s in trend["store_id"].unique()}
    left, right = st.columns(2)
    for box, column, title, key in (
        (left, "score", "kpi.chart.trend", "kpi_chart_trend"),
        (right, "rank", "group.chart_rank" if group else "kpi.chart.rank", "kpi_chart_rank"),
    ):
        box.markdown(f"**{ctx.t(title)}**")
        box.plotly_chart(trend_figure(trend, column, names), width="stretch", key=key)


@kept_figure
def trend_figure(trend: pd.DataFrame, column: str, names: dict[str, str]) -> go.Figure:
    """One line per store of ``trend[column]`` (score or rank) by month; ``names``: the
    stores' names as drawn."""
    fig = go.Figure()
    for store_id, part in trend.groupby("store_id"):
        fig.add_scatter(
            x=part["as_of"],
            y=part[column],
            mode="lines+markers",
            name=names[store_id],
        )
    fig.update_layout(height=460, **CHART)
    fig.update_xaxes(**MONTHS)
    if column == "rank":
        # Rank 1 on top, with half a rank of room on each side so the top and bottom lines
        # and their markers are drawn whole.
        fig.update_yaxes(range=[float(trend["rank"].max()) + 0.5, 0.5], dtick=1)
    return fig


def store_detail(ctx: Context, row: pd.Series, weights: kpi.KpiWeights) -> pd.DataFrame:
    """One store's KPIs: raw value, normalised score, weight and points."""
    w = weights.as_dict()
    detail = pd.DataFrame(
        {
            ctx.t("kpi.col.kpi"): [ctx.t(f"kpi.name.{k}") for k in kpi.KPIS],
            ctx.t("kpi.col.value"): [
                " · ".join(value_text(ctx, c, row[c]) for c in kpi.RAW_COLUMNS[k]) for k in kpi.KPIS
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
    return detail


def store_trend(ctx: Context, card, pick: str, name_of: dict, group: bool) -> None:
    """One KPI of the picked store by month, beside the median of every store."""
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
        st.markdown(f"**{ctx.t('kpi.chart.kpi_trend', kpi=ctx.t(RAW_LABEL[pick_kpi]))}**")
        fig = store_trend_figure(
            card.table[["store_id", "as_of", pick_kpi]],
            pick,
            pick_kpi,
            plot_text(name_of.get(pick, pick)),
            ctx.t("group.median" if group else "kpi.median"),
        )
        st.plotly_chart(fig, width="stretch", key="kpi_chart_store")


@kept_figure
def store_trend_figure(table: pd.DataFrame, pick: str, pick_kpi: str, name: str, median: str) -> go.Figure:
    """The picked store's ``pick_kpi`` by month (``name``: its name as drawn) beside the median
    of every store in ``table`` (``median``: that line's name)."""
    fig = go.Figure()
    everyone = table.groupby("as_of")[pick_kpi].median()
    mine = table[table["store_id"] == pick]
    fig.add_scatter(x=mine["as_of"], y=mine[pick_kpi], mode="lines+markers", name=name)
    fig.add_scatter(
        x=everyone.index,
        y=everyone.to_numpy(),
        mode="lines",
        line=dict(dash="dot"),
        name=median,
    )
    fig.update_layout(height=320, **CHART)
    fig.update_xaxes(**MONTHS)
    if pick_kpi in PERCENT:
        fig.update_yaxes(tickformat=".0%")
    return fig


@st.fragment
def store_section(
    ctx: Context,
    latest: pd.DataFrame,
    card: kpi.Scorecard,
    weights: kpi.KpiWeights,
    name_of: dict[str, str],
    group: bool,
    all_count: int,
) -> None:
    """One store's points by KPI, its table and trend. A fragment: picking another store
    reruns only this section, not the group's KPIs and ranking above."""
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
    detail = store_detail(ctx, row, weights)
    st.dataframe(detail, hide_index=True, key="kpi_store_table")
    table_downloads(ctx, detail, "kpi_store", "kpi_dl_store", ctx.t("kpi.store"))
    store_trend(ctx, card, pick, name_of, group)
