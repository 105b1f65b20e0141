"""Panels of the segmentation page (app_pages/segmentation.py): tier labels, choices, the
breakdown table and charts, and the rules editor. Tier and group ids are what state holds;
labels are drawn here."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import segmentation as seg
from clv_engine.errors import InputError
from ui import segmentation_charts as charts
from ui.context import Context
from ui.segmentation_charts import CHART, COLORS  # noqa: F401 (the sections' too)
from ui.widgets import reset_state as reset
from ui.widgets import seed_state as seed
from ui.widgets import translated_choice
from wording import CATALOGUE, fmt
from wording.errors import explain

TOP_TIERS = {"rfml": ("platinum", "gold"), "six": ("vip", "high_value")}


def label(ctx: Context, tier: str, scheme: str) -> str:
    for key in (f"seg.tier.{scheme}.{tier}", f"seg.tier.rfml.{tier}", f"seg.tier.{tier}"):
        if key in CATALOGUE:
            return ctx.t(key)
    return tier


def num(container, text: str, key: str, **kw):
    return container.number_input(text, key=key, persist_state="session", **kw)


def typical(row) -> str:
    lo, hi = row["typical_low"], row["typical_high"]
    return fmt.pct(lo) if lo == hi else f"{fmt.pct(lo)}–{fmt.pct(hi)}"


def cost_text(ctx: Context, x: float) -> str:
    """667, 156, 12.5: whole yuan unless the cents matter (the §2c standard tier)."""
    if pd.isna(x):
        return "—"
    return fmt.money_full(x, ctx.currency, 0 if x >= 100 or abs(x - round(x)) < 0.05 else 1)


def shown_breakdown(ctx: Context, b: pd.DataFrame, scheme: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.t("seg.col.tier"): [label(ctx, x, scheme) for x in b["tier"]],
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


def customers_behind(
    ctx: Context, event, scheme: str, rules, six_rules, fields=("tier",), decode=None
) -> pd.DataFrame:
    """The frame a chart's customer list reads: none while nothing is selected (the list then
    only says how to pick); when something is, the customers with ids and names: for the whole
    group's tiers or groups only those of the cells clicked (``fields``: the chart's customdata,
    ``decode`` as for drill.customer_list_for), else the page's frame with ids."""
    from clv_engine.drill import selected_keys
    from ui.drill import points_of
    from ui.queries import seg_analysis, seg_cell_customers, seg_customers

    points = points_of(event)
    if not points:
        return pd.DataFrame()
    if ctx.store_ids is None:
        column = seg.tier_column(scheme)
        cells = []
        for key in selected_keys(points, fields):
            cell = {f: (decode[f](v) if decode and f in decode else v) for f, v in key.items()}
            cells.append(tuple(sorted(("tier" if f == column else f, v) for f, v in cell.items())))
        found = seg_cell_customers(ctx.db, ctx.as_of, rules, ctx.clv_params, tuple(cells), scheme, six_rules)
        if found is not None:
            return found
    if ctx.store_ids is None:  # the whole group: the frame with ids (the page's is by key)
        return seg_customers(ctx.db, ctx.as_of, ctx.store_ids, scheme, rules, six_rules, ctx.clv_params)
    return seg_analysis(ctx.db, ctx.as_of, ctx.store_ids, scheme, rules, six_rules, ctx.clv_params)[0]


def tier_names(ctx: Context, tiers, scheme: str) -> dict[str, str]:
    """Each tier's label as drawn, by id (what the kept chart builders take)."""
    return {t: label(ctx, t, scheme) for t in dict.fromkeys(tiers)}


def share_chart(ctx: Context, b: pd.DataFrame, scheme: str, with_typical: bool = True) -> go.Figure:
    names = [label(ctx, x, scheme) for x in b["tier"]]
    legend = (ctx.t("seg.chart.customers"), ctx.t("seg.chart.profit"), ctx.t("seg.chart.typical"))
    drawn = ["tier", "share", "profit_share"] + (["typical_low", "typical_high"] if with_typical else [])
    return charts.share_figure(b[drawn], names, legend, with_typical)


def treemap(ctx: Context, by_store: pd.DataFrame, names: dict, scheme: str) -> go.Figure:
    """Stores sized by customers, each split into its tiers."""
    part = by_store.loc[by_store["customers"] > 0, ["home_store_id", "tier", "customers"]]
    return charts.treemap_figure(part, names, tier_names(ctx, part["tier"], scheme))


def sankey(
    ctx: Context, flows: pd.DataFrame, left_nodes: list[str], right_nodes: list[str], scheme: str
) -> go.Figure:
    """Tiers then (left) to tiers now (right); green links moved up, red slipped."""
    drawn = flows[["tier_a", "tier_b", "customers", "direction"]]
    return charts.sankey_figure(
        drawn, left_nodes, right_nodes, tier_names(ctx, left_nodes + right_nodes, scheme)
    )


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


def rules_ui(ctx: Context, scheme: str) -> tuple[seg.RfmlRules, seg.SixGroupRules]:
    seed(RULE_DEFAULTS)
    with st.expander(ctx.t("seg.rules")):
        st.button(ctx.t("seg.rules.reset"), on_click=reset, args=(RULE_DEFAULTS,), key="seg_rules_reset")
        rows = [
            ("r", (5, 4, 3, 2), 1, 5000),
            ("f", (2, 3, 4, 5), 1, 1000),
            ("m", (2, 3, 4, 5), 100, 10_000_000),
        ]
        for dim, scores, step, top in rows:
            st.caption(ctx.t(f"seg.rules.{dim}", cur=ctx.unit))
            cols = st.columns(4)
            for col, s in zip(cols, scores):
                num(
                    col, ctx.t("seg.rules.score", n=s), f"seg_{dim}{s}", min_value=0, max_value=top, step=step
                )
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
            num(
                cols[4],
                ctx.t("seg.rules.churned_total"),
                "seg_churn_total",
                min_value=4,
                max_value=20,
                step=1,
            )
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
            cols[2].slider(
                ctx.t("seg.rules.invalid_share"),
                0,
                50,
                step=5,
                format="%d%%",
                key="seg_invalid_share",
                help=ctx.t("seg.rules.invalid_share.help"),
                persist_state="session",
            )
            fallbacks = [g for g in seg.SIX_GROUPS if g != "invalid"]
            translated_choice(
                "selectbox",
                ctx.t("seg.rules.fallback"),
                fallbacks,
                "seg_fallback",
                ctx.lang,
                cols[3],
                format_func=lambda g: label(ctx, g, "six"),
            )
            st.caption(ctx.t("seg.rules.grid"))
            cells = {}
            head = st.columns(4)
            for col, fm in zip(head[1:], seg.LEVELS):
                col.markdown(f"**{ctx.t('seg.rules.fm_level', level=ctx.t(f'seg.level.{fm}'))}**")
            for r in seg.LEVELS:
                cols = st.columns(4)
                cols[0].markdown(f"**{ctx.t('seg.rules.r_level', level=ctx.t(f'seg.level.{r}'))}**")
                for col, fm in zip(cols[1:], seg.LEVELS):
                    cells[(r, fm)] = translated_choice(
                        "selectbox",
                        ctx.t("seg.rules.r_level", level=ctx.t(f"seg.level.{r}"))
                        + " · "
                        + ctx.t("seg.rules.fm_level", level=ctx.t(f"seg.level.{fm}")),
                        list(seg.SIX_GROUPS),
                        f"seg_grid_{r}_{fm}",
                        ctx.lang,
                        col,
                        format_func=lambda g: label(ctx, g, "six"),
                        label_visibility="collapsed",
                    )
            six = SIX_DEFAULT.with_grid(cells)
            six = replace(
                six,
                high_min=int(ss["seg_high_min"]),
                low_max=int(ss["seg_low_max"]),
                invalid_clv_share=ss["seg_invalid_share"] / 100,
                invalid_fallback=ss["seg_fallback"],
            )
    try:
        rfml.validate()
        six.validate()
    except InputError as error:
        st.error(ctx.t("seg.rules.invalid", error=explain(error, ctx.lang)))
        st.stop()
    return rfml, six
