"""Segmentation: RFM+L tiers or RFM+CLV six groups, the breakdown by tier, store and region,
tier migration, the care budget by tier and the playbook and complaint rule of each tier."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.errors import InputError
from clv_engine.export import to_csv_bytes
from ui import drill
from ui.access import audited_export
from ui.context import cached, page_context
from ui.safe import md, plot_text
from ui.widgets import Headline, metric_row, translated_choice
from ui.widgets import reset_state as reset
from ui.widgets import seed_state as seed
from wording import CATALOGUE, fmt
from wording.errors import explain

ctx = page_context()
COLORS = {
    "platinum": "#4B5D8C", "gold": "#E0A526", "silver": "#9AA7B5", "ordinary": "#8DBF8B",
    "churned": "#D0574F",
    "vip": "#6A3D9A", "high_value": "#1F78B4", "potential": "#33A02C", "churn_risk": "#FF7F00",
    "dormant": "#B5B5B5", "invalid": "#E31A1C", "standard": "#8DBF8B", "new": "#CCCCCC",
}
TOP_TIERS = {"rfml": ("platinum", "gold"), "six": ("vip", "high_value")}
CHART = dict(height=340, margin=dict(l=10, r=10, t=30, b=10))


# -- cached engine calls ------------------------------------------------------------------------
@cached
def _scores(db, as_of: date, store_ids, rules: seg.RfmlRules) -> pd.DataFrame:
    return seg.score_customers(db, as_of, list(store_ids) if store_ids else None, rules)


@cached
def _values(db, as_of: date, store_ids, params: clv.CLVParams) -> pd.DataFrame:
    return clv.customer_values(db, as_of, list(store_ids) if store_ids else None, params)


@cached
def _analysis(db, as_of, store_ids, scheme, rules, six_rules, params):
    frame = seg.with_values(_scores(db, as_of, store_ids, rules), _values(db, as_of, store_ids, params))
    if scheme == "six":
        frame = seg.six_groups(frame, six_rules)
    return (
        frame,
        seg.tier_breakdown(frame, scheme),
        seg.tier_breakdown(frame, scheme, by=["home_store_id"]),
        seg.tier_breakdown(frame, scheme, by=["region"]),
    )


@cached
def _migration(db, date_a, as_of, store_ids, scheme, rules, six_rules, params) -> seg.Migration:
    # The tiers on the as-of date are the page's own (cached); only the earlier date is scored.
    now = _analysis(db, as_of, store_ids, scheme, rules, six_rules, params)[0]
    then = seg.tiers_at(db, date_a, list(store_ids) if store_ids else None, scheme, rules, six_rules, params)
    return seg.migration_between(then, now, scheme, date_a, as_of)


@cached
def _first_order(db) -> date | None:
    return db.query_value("SELECT min(order_date) FROM orders")


@cached
def _missing_tables(db) -> list[str]:
    return seg.missing_flag_tables(db)


# -- small helpers ----------------------------------------------------------------------------
def label(tier: str, scheme: str) -> str:
    for key in (f"seg.tier.{scheme}.{tier}", f"seg.tier.rfml.{tier}", f"seg.tier.{tier}"):
        if key in CATALOGUE:
            return ctx.t(key)
    return tier


def choice(fn, text: str, options: list, key: str, container=st, **kw):
    """A choice with translated option labels, kept across language and page switches."""
    return translated_choice(fn, text, options, key, ctx.lang, container, persist_state="session", **kw)


def num(container, text: str, key: str, **kw):
    return container.number_input(text, key=key, persist_state="session", **kw)


def typical(row) -> str:
    lo, hi = row["typical_low"], row["typical_high"]
    return fmt.pct(lo) if lo == hi else f"{fmt.pct(lo)}–{fmt.pct(hi)}"


def cost_text(x: float) -> str:
    """667, 156, 12.5: whole yuan unless the cents matter (the §2c standard tier)."""
    if pd.isna(x):
        return "—"
    return fmt.money_full(x, ctx.currency, 0 if x >= 100 or abs(x - round(x)) < 0.05 else 1)


def shown_breakdown(b: pd.DataFrame, scheme: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.t("seg.col.tier"): [label(x, scheme) for x in b["tier"]],
            ctx.t("seg.col.customers"): [fmt.number(x) for x in b["customers"]],
            ctx.t("seg.col.share"): [fmt.pct(x, 1) for x in b["share"]],
            ctx.t("seg.col.typical"): [typical(r) for _, r in b.iterrows()],
            ctx.t("seg.col.revenue"): [ctx.money(x) for x in b["revenue"]],
            ctx.t("seg.col.gp"): [ctx.money(x) for x in b["gross_profit"]],
            ctx.t("seg.col.profit_share"): [fmt.pct(x, 1) for x in b["profit_share"]],
            ctx.t("seg.col.avg_clv"): [ctx.money(x) for x in b["avg_clv"]],
            ctx.t("seg.col.total_clv"): [ctx.money(x) for x in b["total_clv"]],
        }
    )


def share_chart(b: pd.DataFrame, scheme: str, with_typical: bool = True) -> go.Figure:
    names = [label(x, scheme) for x in b["tier"]]
    fig = go.Figure()
    # customdata: the tier's id, so a click lists its customers (ui.drill)
    fig.add_bar(x=names, y=b["share"], name=ctx.t("seg.chart.customers"), marker_color="#9AA7B5",
                customdata=list(b["tier"]))
    fig.add_bar(x=names, y=b["profit_share"], name=ctx.t("seg.chart.profit"), marker_color="#1F78B4",
                customdata=list(b["tier"]))
    if with_typical:
        mid = (b["typical_low"] + b["typical_high"]) / 2
        fig.add_scatter(
            x=names, y=mid, mode="markers", name=ctx.t("seg.chart.typical"),
            marker=dict(symbol="diamond", size=11, color="#E0A526"),
            error_y=dict(type="data", array=b["typical_high"] - mid, arrayminus=mid - b["typical_low"],
                         visible=bool((b["typical_high"] > b["typical_low"]).any())),
        )
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", legend=dict(orientation="h", y=1.12), **CHART)
    return fig


def treemap(by_store: pd.DataFrame, names: dict, scheme: str) -> go.Figure:
    """Stores sized by customers, each split into its tiers (built by hand: plotly express
    takes longer than the rest of the page)."""
    part = by_store[by_store["customers"] > 0]
    stores = part.groupby("home_store_id", dropna=False)["customers"].sum()
    store_ids = [f"s:{s}" for s in stores.index]
    fig = go.Figure(go.Treemap(
        ids=store_ids + [f"s:{s}/{t}" for s, t in zip(part["home_store_id"], part["tier"])],
        labels=[plot_text(names.get(s, s)) if isinstance(s, str) else "—" for s in stores.index]
        + [label(t, scheme) for t in part["tier"]],
        parents=[""] * len(store_ids) + [f"s:{s}" for s in part["home_store_id"]],
        values=list(stores.to_numpy()) + list(part["customers"]),
        branchvalues="total",
        marker=dict(colors=["#EEEEEE"] * len(store_ids) + [COLORS[t] for t in part["tier"]]),
        textinfo="label+value",
    ))
    fig.update_layout(**CHART)
    return fig


FLOW_COLORS = {"up": "rgba(51,160,44,0.45)", "down": "rgba(208,87,79,0.45)",
               "same": "rgba(150,150,150,0.30)", "new": "rgba(31,120,180,0.30)"}


def _node_positions(sizes: list[float]) -> list[float]:
    """Node centres top to bottom in tier order (plotly would otherwise reorder them)."""
    total = sum(sizes) or 1.0
    pad = 0.02
    span = 1 - pad * (len(sizes) + 1)
    ys, top = [], pad
    for size in sizes:
        height = span * size / total
        ys.append(min(max(top + height / 2, 0.001), 0.999))
        top += height + pad
    return ys


def sankey(flows: pd.DataFrame, left_nodes: list[str], right_nodes: list[str], scheme: str) -> go.Figure:
    """Tiers then (left) to tiers now (right); green links moved up, red slipped."""
    out = flows.groupby("tier_a")["customers"].sum()
    into = flows.groupby("tier_b")["customers"].sum()
    index_a = {t: i for i, t in enumerate(left_nodes)}
    index_b = {t: len(left_nodes) + i for i, t in enumerate(right_nodes)}
    nodes = left_nodes + right_nodes
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node=dict(
            label=[label(t, scheme) for t in nodes], color=[COLORS[t] for t in nodes], pad=12,
            x=[0.001] * len(left_nodes) + [0.999] * len(right_nodes),
            y=_node_positions([out[t] for t in left_nodes]) + _node_positions([into[t] for t in right_nodes]),
        ),
        link=dict(source=[index_a[t] for t in flows["tier_a"]], target=[index_b[t] for t in flows["tier_b"]],
                  value=flows["customers"].tolist(), color=[FLOW_COLORS[d] for d in flows["direction"]]),
    ))
    fig.update_layout(height=440, margin=dict(l=10, r=10, t=10, b=10))
    return fig


# -- rules ------------------------------------------------------------------------------------
DEFAULT = seg.RfmlRules()
SIX_DEFAULT = seg.SixGroupRules()
RULE_DEFAULTS = {
    **{f"seg_r{s}": v for s, v in zip((5, 4, 3, 2), DEFAULT.recency_days)},
    **{f"seg_f{s}": v for s, v in zip((2, 3, 4, 5), DEFAULT.visits)},
    **{f"seg_m{s}": int(v) for s, v in zip((2, 3, 4, 5), DEFAULT.spend)},
    "seg_l_base": DEFAULT.loyalty_base,
    "seg_w_warranty": DEFAULT.warranty_weight,
    "seg_w_referral": DEFAULT.referral_weight,
    "seg_w_event": DEFAULT.event_weight,
    "seg_w_complaint": DEFAULT.complaint_weight,
    "seg_w_competitor": DEFAULT.competitor_weight,
    "seg_t_platinum": DEFAULT.platinum_min,
    "seg_t_gold": DEFAULT.gold_min,
    "seg_t_silver": DEFAULT.silver_min,
    "seg_churn_r": DEFAULT.churned_max_r,
    "seg_churn_total": DEFAULT.churned_max_total,
    "seg_high_min": SIX_DEFAULT.high_min,
    "seg_low_max": SIX_DEFAULT.low_max,
    "seg_invalid_share": round(SIX_DEFAULT.invalid_clv_share * 100),
    "seg_fallback": SIX_DEFAULT.invalid_fallback,
    **{f"seg_grid_{r}_{fm}": g for (r, fm), g in seg.DEFAULT_GRID.items()},
}


def rules_ui(scheme: str) -> tuple[seg.RfmlRules, seg.SixGroupRules]:
    seed(RULE_DEFAULTS)
    with st.expander(ctx.t("seg.rules")):
        st.button(ctx.t("seg.rules.reset"), on_click=reset, args=(RULE_DEFAULTS,), key="seg_rules_reset")
        rows = [("r", (5, 4, 3, 2), 1, 5000), ("f", (2, 3, 4, 5), 1, 1000), ("m", (2, 3, 4, 5), 100, 10_000_000)]
        for dim, scores, step, top in rows:
            st.caption(ctx.t(f"seg.rules.{dim}"))
            cols = st.columns(4)
            for col, s in zip(cols, scores):
                num(col, ctx.t("seg.rules.score", n=s), f"seg_{dim}{s}", min_value=0, max_value=top, step=step)
        ss = st.session_state
        rfml = seg.RfmlRules(
            recency_days=tuple(int(ss[f"seg_r{s}"]) for s in (5, 4, 3, 2)),
            visits=tuple(int(ss[f"seg_f{s}"]) for s in (2, 3, 4, 5)),
            spend=tuple(float(ss[f"seg_m{s}"]) for s in (2, 3, 4, 5)),
        )
        if scheme == "rfml":
            st.caption(ctx.t("seg.rules.l"))
            cols = st.columns(6)
            num(cols[0], ctx.t("seg.rules.l_base"), "seg_l_base", min_value=1, max_value=5, step=1)
            for col, w in zip(cols[1:], ("warranty", "referral", "event", "complaint", "competitor")):
                num(col, ctx.t(f"seg.rules.w.{w}"), f"seg_w_{w}", min_value=-4, max_value=4, step=1)
            st.caption(ctx.t("seg.rules.tiers"))
            cols = st.columns(5)
            for col, t in zip(cols, ("platinum", "gold", "silver")):
                num(col, ctx.t(f"seg.rules.{t}_min"), f"seg_t_{t}", min_value=5, max_value=20, step=1)
            num(cols[3], ctx.t("seg.rules.churned_r"), "seg_churn_r", min_value=1, max_value=5, step=1)
            num(cols[4], ctx.t("seg.rules.churned_total"), "seg_churn_total", min_value=4, max_value=20, step=1)
            rfml = replace(
                rfml,
                loyalty_base=int(ss["seg_l_base"]),
                warranty_weight=int(ss["seg_w_warranty"]),
                referral_weight=int(ss["seg_w_referral"]),
                event_weight=int(ss["seg_w_event"]),
                complaint_weight=int(ss["seg_w_complaint"]),
                competitor_weight=int(ss["seg_w_competitor"]),
                platinum_min=int(ss["seg_t_platinum"]),
                gold_min=int(ss["seg_t_gold"]),
                silver_min=int(ss["seg_t_silver"]),
                churned_max_r=int(ss["seg_churn_r"]),
                churned_max_total=int(ss["seg_churn_total"]),
            )
            six = SIX_DEFAULT
        else:
            st.caption(ctx.t("seg.rules.six"))
            cols = st.columns(4)
            num(cols[0], ctx.t("seg.rules.high_min"), "seg_high_min", min_value=2, max_value=5, step=1)
            num(cols[1], ctx.t("seg.rules.low_max"), "seg_low_max", min_value=1, max_value=4, step=1)
            cols[2].slider(ctx.t("seg.rules.invalid_share"), 0, 50, step=5, format="%d%%", key="seg_invalid_share",
                           help=ctx.t("seg.rules.invalid_share.help"), persist_state="session")
            fallbacks = [g for g in seg.SIX_GROUPS if g != "invalid"]
            choice("selectbox", ctx.t("seg.rules.fallback"), fallbacks, "seg_fallback", cols[3],
                   format_func=lambda g: label(g, "six"))
            st.caption(ctx.t("seg.rules.grid"))
            cells = {}
            head = st.columns(4)
            for col, fm in zip(head[1:], seg.LEVELS):
                col.markdown(f"**{ctx.t('seg.rules.fm_level', level=ctx.t(f'seg.level.{fm}'))}**")
            for r in seg.LEVELS:
                cols = st.columns(4)
                cols[0].markdown(f"**{ctx.t('seg.rules.r_level', level=ctx.t(f'seg.level.{r}'))}**")
                for col, fm in zip(cols[1:], seg.LEVELS):
                    cells[(r, fm)] = choice(
                        "selectbox",
                        ctx.t("seg.rules.r_level", level=ctx.t(f"seg.level.{r}")) + " · "
                        + ctx.t("seg.rules.fm_level", level=ctx.t(f"seg.level.{fm}")),
                        list(seg.SIX_GROUPS), f"seg_grid_{r}_{fm}", col,
                        format_func=lambda g: label(g, "six"), label_visibility="collapsed",
                    )
            six = SIX_DEFAULT.with_grid(cells)
            six = replace(six, high_min=int(ss["seg_high_min"]), low_max=int(ss["seg_low_max"]),
                          invalid_clv_share=ss["seg_invalid_share"] / 100, invalid_fallback=ss["seg_fallback"])
    try:
        rfml.validate()
        six.validate()
    except InputError as error:
        st.error(ctx.t("seg.rules.invalid", error=explain(error, ctx.lang)))
        st.stop()
    return rfml, six


# -- page -------------------------------------------------------------------------------------
st.title(ctx.t("seg.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
if not ctx.has("customers"):
    st.info(ctx.t("seg.empty"))
    st.stop()
if not ctx.has("orders"):
    st.info(ctx.t("seg.no_orders"))
    st.stop()

st.caption(ctx.t("seg.caption", as_of=ctx.as_of.isoformat()))
scheme = choice("selectbox", ctx.t("seg.scheme"), list(seg.SCHEMES), "seg_scheme",
                format_func=lambda s: ctx.t(f"seg.scheme.{s}"))
rules, six_rules = rules_ui(scheme)
missing = _missing_tables(ctx.db)
if missing and scheme == "rfml":
    st.info(ctx.t("seg.missing_flags", tables=", ".join(ctx.t(f"seg.table.{t}") for t in missing)))

frame, breakdown, by_store, by_region = _analysis(
    ctx.db, ctx.as_of, ctx.store_ids, scheme, rules, six_rules, ctx.clv_params)
if frame.empty:
    st.info(ctx.t("seg.empty"))
    st.stop()
tiers = list(seg.SCHEMES[scheme])
column = seg.tier_column(scheme)
top = breakdown[breakdown["tier"].isin(TOP_TIERS[scheme])]
top_names = " + ".join(label(x, scheme) for x in TOP_TIERS[scheme])

# headline
metric_row([  # a grid that wraps rather than cuts a label at 1280×720
    Headline(ctx.t("seg.customers"), fmt.number(len(frame))),
    Headline(ctx.t("seg.top_share", tiers=top_names), fmt.pct(top["share"].sum(), 1)),
    Headline(ctx.t("seg.top_profit", tiers=top_names), fmt.pct(top["profit_share"].sum(), 1),
             ctx.t("seg.profit.help")),
    Headline(ctx.t("seg.top_clv", tiers=top_names), fmt.pct(top["clv_share"].sum(), 1)),
], border=False)

# breakdown
st.subheader(ctx.t("seg.breakdown"))
st.dataframe(shown_breakdown(breakdown, scheme), hide_index=True, key="seg_breakdown_table")
st.caption(ctx.t(f"seg.typical.note.{scheme}"))
# One vocabulary across pages: a tier (here "churned") is a score band; active / lapsing /
# lapsed is the status defined once in clv_engine/status.py.
st.caption(ctx.t("status.tier_is_not_status"))
left, right = st.columns(2)
with left:
    st.markdown(f"**{ctx.t('seg.chart.share_vs_profit')}**")
    tier_event = st.plotly_chart(share_chart(breakdown, scheme), width="stretch", key="seg_chart_share",
                                 on_select="rerun", selection_mode="points")
with right:
    st.markdown(f"**{ctx.t('seg.chart.by_store')}**")
    if by_store["home_store_id"].notna().any():
        names = ctx.stores().set_index("store_id")["name"].dropna().to_dict()
        st.plotly_chart(treemap(by_store, names, scheme), width="stretch", key="seg_chart_tree")
    else:
        st.info(ctx.t("seg.no_store"))
# -- click through: the customers behind the clicked tier bars --
drill.customer_list_for(ctx, tier_event, frame, (column,), key=f"seg_drill_tier_{scheme}",
                        describe=lambda k: label(k[column], scheme))
# --

# by store and region
st.divider()
st.subheader(ctx.t("seg.by_store"))
by = choice("radio", ctx.t("seg.by"), ["home_store_id", "region"], "seg_by",
            format_func=lambda b: ctx.t(f"seg.by.{b}"), horizontal=True)
per = by_store if by == "home_store_id" else by_region
# A customer with no home store (no store column imported) or a store with no region has no
# place in this comparison: they are counted and left out, and with none known it explains why.
known = per[by].map(lambda k: isinstance(k, str) and k != "")
unassigned = int(per.loc[~known, "customers"].sum())
per = per[known]
keys = per[by].drop_duplicates().tolist()
if not keys:
    st.info(ctx.t(f"seg.by.none.{by}"))
else:
    store_names = ctx.stores().set_index("store_id")

    def store_name(s: str) -> str:
        if s not in store_names.index:
            return str(s)
        name, region = store_names.loc[s, "name"], store_names.loc[s, "region"]
        # A store named only by the orders has its code as name and no region.
        return f"{name} · {region}" if isinstance(region, str) and region else str(name)

    name_of = store_name if by == "home_store_id" else str
    pick = st.selectbox(ctx.t("seg.pick"), keys, format_func=name_of, key=f"seg_pick_{by}")
    one = per[per[by] == pick]
    one_top = one[one["tier"].isin(TOP_TIERS[scheme])]
    st.caption(ctx.t("seg.pick.caption", name=md(name_of(pick)), n=fmt.number(one["customers"].sum()), tiers=top_names,
                     profit=fmt.pct(one_top["profit_share"].sum(), 1), all=fmt.pct(top["profit_share"].sum(), 1)))
    st.dataframe(shown_breakdown(one, scheme), hide_index=True, key="seg_store_table")

    left, right = st.columns(2)
    with left:
        st.markdown(f"**{md(name_of(pick))}: {ctx.t('seg.chart.share_vs_profit')}**")
        st.plotly_chart(share_chart(one, scheme, with_typical=False), width="stretch", key="seg_chart_store")
    with right:
        st.markdown(f"**{ctx.t('seg.compare.share', by=ctx.t(f'seg.by.name.{by}'))}**")
        fig = go.Figure()
        for tier in tiers:
            part = per[per["tier"] == tier]
            fig.add_bar(y=[plot_text(name_of(k)) for k in part[by]], x=part["share"], name=label(tier, scheme),
                        orientation="h", marker_color=COLORS[tier],
                        customdata=[[keys.index(k) if k in keys else -1, tier] for k in part[by]])
        fig.update_layout(barmode="stack", xaxis_tickformat=".0%", legend=dict(orientation="h", y=1.12), **CHART)
        row_event = st.plotly_chart(fig, width="stretch", key="seg_chart_compare", on_select="rerun",
                                    selection_mode="points")
    st.markdown(f"**{ctx.t('seg.compare.profit', one=ctx.t(f'seg.by.one.{by}'))}**")
    grid = per.pivot(index=by, columns="tier", values="profit_share").reindex(columns=tiers)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[label(x, scheme) for x in tiers], y=[plot_text(name_of(k)) for k in grid.index],
        colorscale="Blues", text=[[fmt.pct(v) for v in row] for row in grid.to_numpy()], texttemplate="%{text}",
        showscale=False,
    ))
    # A heat map cannot be selected in Plotly: invisible markers on the cells carry the ids.
    cells = [(k, tier) for k in grid.index for tier in tiers]
    fig.add_scatter(x=[label(t, scheme) for _, t in cells], y=[plot_text(name_of(k)) for k, _ in cells],
                    customdata=[[keys.index(k) if k in keys else -1, t] for k, t in cells], mode="markers",
                    hoverinfo="none", showlegend=False,
                    marker=dict(size=22, symbol="square", color="rgba(0,0,0,0)"))
    fig.update_layout(height=60 + 28 * len(grid), margin=dict(l=10, r=10, t=10, b=10))
    cell_event = st.plotly_chart(fig, width="stretch", key="seg_chart_heat", on_select="rerun",
                                 selection_mode="points")
    # -- click through: the customers behind the clicked store rows and cells --
    # The store or region goes into the chart as its position in `keys` (names are a dealer's text).
    drill.customer_list_for(ctx, [row_event, cell_event], frame, (by, column), key=f"seg_drill_{by}_{scheme}",
                            describe=lambda k: f"{name_of(k[by])} · {label(k[column], scheme)}",
                            decode={by: lambda i: keys[int(i)] if 0 <= int(i) < len(keys) else None})
    # --
    if unassigned:
        st.caption(ctx.t("seg.by.unassigned", n=fmt.number(unassigned), one=ctx.t(f"seg.by.one.{by}")))

# migration
st.divider()
st.subheader(ctx.t("seg.migration"))
# The earliest date worth comparing with: the first order (or a year back when the data are
# younger). Without a minimum the picker allows only ten years back from today.
earliest = min(_first_order(ctx.db) or ctx.as_of, ctx.as_of - timedelta(days=365))
if not earliest <= st.session_state.get("seg_mig_from", ctx.as_of) < ctx.as_of:
    # A year back by default, and again when the sidebar's date moved before the chosen one.
    st.session_state["seg_mig_from"] = ctx.as_of - timedelta(days=365)
date_a = st.date_input(ctx.t("seg.migration.from"), key="seg_mig_from", min_value=earliest,
                       max_value=ctx.as_of, persist_state="session")
if date_a >= ctx.as_of:
    st.warning(ctx.t("seg.migration.bad_dates", b=ctx.as_of.isoformat()))
else:
    mig = _migration(ctx.db, date_a, ctx.as_of, ctx.store_ids, scheme, rules, six_rules, ctx.clv_params)
    st.caption(ctx.t("seg.migration.caption", a=date_a.isoformat(), b=ctx.as_of.isoformat()))
    counts = mig.counts()
    m = st.columns(4)
    m[0].metric(ctx.t("seg.moved_up"), fmt.number(counts["up"]))
    m[1].metric(ctx.t("seg.slipped"), fmt.number(counts["down"]))
    m[2].metric(ctx.t("seg.stayed"), fmt.number(counts["same"]))
    m[3].metric(ctx.t("seg.new"), fmt.number(counts["new"]))
    flows = mig.flows[mig.flows["tier_b"] != "gone"]
    left_nodes = [t for t in ["new", *tiers] if t in set(flows["tier_a"])]
    right_nodes = [t for t in tiers if t in set(flows["tier_b"])]
    st.plotly_chart(sankey(flows, left_nodes, right_nodes, scheme), width="stretch", key="seg_chart_sankey")
    st.markdown(f"**{ctx.t('seg.matrix')}**")
    matrix = flows.pivot_table(index="tier_a", columns="tier_b", values="customers", aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=left_nodes, columns=right_nodes, fill_value=0)
    matrix.index = [label(t, scheme) for t in matrix.index]
    matrix.columns = [label(t, scheme) for t in matrix.columns]
    st.dataframe(matrix, key="seg_matrix")

    st.markdown(f"**{ctx.t('seg.movers')}**")
    kind = choice("radio", ctx.t("seg.movers.kind"), ["down", "up"], "seg_mig_kind", horizontal=True,
                  format_func=lambda k: ctx.t("seg.slipped" if k == "down" else "seg.moved_up"))
    rank = {t: i for i, t in enumerate(tiers)}
    movers = mig.moves[mig.moves["direction"] == kind].merge(
        frame[["customer_id", "name", "clv"]], on="customer_id", how="left")
    movers = movers.assign(_rank=movers["tier_a"].map(rank)).sort_values(["_rank", "clv"], ascending=[True, False])
    if movers.empty:
        st.caption(ctx.t("seg.movers.none"))
    else:
        table = pd.DataFrame({
            ctx.t("seg.col.customer"): movers["customer_id"],
            ctx.t("seg.col.name"): movers["name"],
            ctx.t("seg.col.store"): movers["home_store_id"],
            ctx.t("seg.col.from"): [label(t, scheme) for t in movers["tier_a"]],
            ctx.t("seg.col.to"): [label(t, scheme) for t in movers["tier_b"]],
            ctx.t("seg.col.total_a"): movers["total_a"],
            ctx.t("seg.col.total_b"): movers["total_b"],
            ctx.t("seg.col.clv"): movers["clv"].round(0),
        })
        st.caption(ctx.t("seg.movers.shown", shown=fmt.number(min(200, len(table))), n=fmt.number(len(table))))
        st.dataframe(table.head(200), hide_index=True, height=260, key="seg_movers_table",
                     column_config={ctx.t("seg.col.clv"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))})
        st.download_button(ctx.t("seg.movers.download"),
                           data=audited_export(ctx, "tier_movers", len(table),
                                               to_csv_bytes(table)),
                           file_name=f"tier_{kind}_{date_a}_{ctx.as_of}.csv", mime="text/csv",
                           key="seg_movers_download", disabled=not ctx.viewer.can_export_customers)

# care budget
st.divider()
st.subheader(ctx.t("seg.budget"))
preset = choice("radio", ctx.t("seg.budget.preset"), ["data", "2b", "2c"], "seg_budget_preset", horizontal=True,
                format_func=lambda p: ctx.t(f"seg.budget.preset.{p}"))
counts = dict(zip(breakdown["tier"], breakdown["customers"]))
if preset == "data":
    budget_scheme, budget_tiers = scheme, tiers
    defaults = {f"seg_cost_{scheme}_{t}": int(seg.DEFAULT_COST_EACH[scheme][t]) for t in tiers}
    defaults["seg_flat_cost"] = int(seg.DEFAULT_FLAT_COST_EACH)
else:
    case = seg.BUDGET_CASES[preset]
    budget_scheme, budget_tiers = ("six" if preset == "2b" else "rfml"), list(case.customers)
    defaults = {f"seg_b{preset}_n_{t}": n for t, n in case.customers.items()}
    amounts = case.cost_each or case.budget
    defaults.update({f"seg_b{preset}_v_{t}": int(v) for t, v in amounts.items()})
    if case.flat_cost_each is not None:
        defaults[f"seg_b{preset}_flat"] = int(case.flat_cost_each)
seed(defaults)
st.button(ctx.t("seg.rules.reset"), on_click=reset, args=(defaults,), key=f"seg_budget_reset_{preset}")
cols = st.columns(len(budget_tiers) + 1)
ss = st.session_state
for col, t in zip(cols, budget_tiers):
    name = label(t, budget_scheme)
    if preset == "data":
        col.metric(ctx.t("seg.budget.count", tier=name), fmt.number(counts.get(t, 0)))
        num(col, ctx.t("seg.budget.cost_each", tier=name), f"seg_cost_{scheme}_{t}", min_value=0, step=10)
    else:
        num(col, ctx.t("seg.budget.count", tier=name), f"seg_b{preset}_n_{t}", min_value=0, step=100)
        what = "seg.budget.cost_each" if preset == "2b" else "seg.budget.amount"
        num(col, ctx.t(what, tier=name), f"seg_b{preset}_v_{t}", min_value=0, step=10 if preset == "2b" else 10_000)
flat_key = "seg_flat_cost" if preset == "data" else f"seg_b{preset}_flat"
if flat_key in defaults:
    num(cols[-1], ctx.t("seg.budget.flat"), flat_key, min_value=0, step=10)
if preset == "data":
    plan = seg.care_budget(counts, {t: ss[f"seg_cost_{scheme}_{t}"] for t in tiers}, ss["seg_flat_cost"])
elif preset == "2b":
    plan = seg.care_budget({t: ss[f"seg_b2b_n_{t}"] for t in budget_tiers},
                           {t: ss[f"seg_b2b_v_{t}"] for t in budget_tiers}, ss["seg_b2b_flat"])
else:
    plan = seg.budget_per_customer({t: ss[f"seg_b2c_n_{t}"] for t in budget_tiers},
                                   {t: ss[f"seg_b2c_v_{t}"] for t in budget_tiers})
lines = plan.lines
m = st.columns(4)
m[0].metric(ctx.t("seg.budget.total"), fmt.money_full(plan.total))
if plan.flat_total is not None:
    m[1].metric(ctx.t("seg.budget.flat_total"), fmt.money_full(plan.flat_total))
    m[2].metric(ctx.t("seg.budget.difference"), fmt.money_full(plan.total - plan.flat_total))
top_lines = lines.head(2)
m[3].metric(ctx.t("seg.budget.top"), fmt.pct(top_lines["share"].sum()))
st.dataframe(pd.DataFrame({
    ctx.t("seg.col.tier"): [label(t, budget_scheme) for t in lines["tier"]],
    ctx.t("seg.col.customers"): [fmt.number(x) for x in lines["customers"]],
    ctx.t("seg.col.cost_each"): [cost_text(x) for x in lines["cost_each"]],
    ctx.t("seg.col.budget"): [fmt.money_full(x) for x in lines["total"]],
    ctx.t("seg.col.budget_share"): [fmt.pct(x) for x in lines["share"]],
    ctx.t("seg.col.customer_share"): [fmt.pct(x) for x in lines["customer_share"]],
}), hide_index=True, key="seg_budget_table")
left, right = st.columns(2)
with left:
    st.markdown(f"**{ctx.t('seg.budget.chart')}**")
    names = [label(t, budget_scheme) for t in lines["tier"]]
    fig = go.Figure()
    fig.add_bar(x=names, y=lines["customer_share"], name=ctx.t("seg.col.customer_share"), marker_color="#9AA7B5")
    fig.add_bar(x=names, y=lines["share"], name=ctx.t("seg.col.budget_share"), marker_color="#E0A526")
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", legend=dict(orientation="h", y=1.12), **CHART)
    st.plotly_chart(fig, width="stretch", key="seg_chart_budget")
with right:
    st.caption(ctx.t("seg.budget.caption", top=fmt.pct(top_lines["share"].sum()),
                     share=fmt.pct(top_lines["customer_share"].sum())))
    if preset != "data":
        st.caption(ctx.t(f"seg.budget.case_{preset}"))
    if preset == "2c":
        st.caption(ctx.t("seg.budget.promotion"))

# playbooks and complaint handling
st.divider()
st.subheader(ctx.t("seg.playbook"))
playbook_defaults = {f"seg_playbook_{ctx.lang}_{scheme}_{t}": ctx.t(seg.playbook_key(scheme, t)) for t in tiers}
level_defaults = {f"seg_complaint_{scheme}_{t}": seg.COMPLAINT_LEVEL[scheme][t] for t in tiers}
seed({**playbook_defaults, **level_defaults})
st.button(ctx.t("seg.playbook.reset"), on_click=reset, args=({**playbook_defaults, **level_defaults},),
          key="seg_playbook_reset")
rows = []
for tab, t in zip(st.tabs([label(t, scheme) for t in tiers]), tiers):
    with tab:
        b = breakdown.set_index("tier").loc[t]
        st.caption(ctx.t("seg.tier.summary", n=fmt.number(b["customers"]), share=fmt.pct(b["share"], 1),
                         clv=ctx.money(b["avg_clv"]), profit=fmt.pct(b["profit_share"], 1)))
        level = choice("selectbox", ctx.t("seg.complaint.level"), list(seg.COMPLAINT_RULES),
                       f"seg_complaint_{scheme}_{t}", format_func=lambda lv: ctx.t(f"seg.complaint.{lv}"))
        rule = seg.COMPLAINT_RULES[level]
        limit = ctx.t("seg.unlimited") if rule.compensation_limit is None else fmt.money_full(rule.compensation_limit)
        st.markdown(ctx.t("seg.complaint.rule", hours=rule.respond_hours, limit=limit,
                          owner=ctx.t(f"seg.owner.{rule.owner}")))
        st.text_area(ctx.t("seg.playbook.text"), key=f"seg_playbook_{ctx.lang}_{scheme}_{t}", height=150,
                     persist_state="session")
        rows.append((label(t, scheme), ctx.t("seg.hours", n=rule.respond_hours), limit,
                     ctx.t(f"seg.owner.{rule.owner}")))
st.dataframe(pd.DataFrame(rows, columns=[ctx.t("seg.col.tier"), ctx.t("seg.col.respond"),
                                         ctx.t("seg.col.compensation"), ctx.t("seg.col.owner")]),
             hide_index=True, key="seg_complaint_table")
st.caption(ctx.t("seg.complaint.case", roi=fmt.pct(seg.complaint_roi(30_000, 100_000))))
