"""Segmentation: RFM+L tiers or RFM+CLV six groups, the breakdown by tier, store and region,
tier migration, the care budget by tier and the playbook and complaint rule of each tier.

Storyboard: scheme and rules -> headline -> breakdown (table, share against profit, stores)
-> by store and region -> migration -> care budget -> playbooks. Tier and group ids are what
state and charts carry; labels are drawn by the panels (ui/segmentation_panels.py,
ui/segmentation_sections.py); cached queries are in ui/queries/.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import segmentation as seg
from ui import drill
from ui import segmentation_panels as panel
from ui import segmentation_sections as section
from ui.context import page_context
from ui.queries import missing_flag_tables, seg_summary
from ui.widgets import Headline, metric_row, translated_choice
from wording import fmt

ctx = page_context()

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
scheme = translated_choice(
    "selectbox",
    ctx.t("seg.scheme"),
    list(seg.SCHEMES),
    "seg_scheme",
    ctx.lang,
    format_func={s: ctx.t(f"seg.scheme.{s}") for s in seg.SCHEMES}.__getitem__,
)
rules, six_rules = panel.rules_ui(ctx, scheme)
missing = missing_flag_tables(ctx.db)
if missing and scheme == "rfml":
    st.info(ctx.t("seg.missing_flags", tables=", ".join(ctx.t(f"seg.table.{t}") for t in missing)))

# Seconds on a large base the first time for these rules (a spinner); instant once cached.
with st.spinner(ctx.t("seg.computing")):
    # the figures only: the customers behind them are read when a chart is clicked
    customers, breakdown, by_store, by_region = seg_summary(
        ctx.db, ctx.as_of, ctx.store_ids, scheme, rules, six_rules, ctx.clv_params
    )
if not customers:
    st.info(ctx.t("seg.empty"))
    st.stop()
tiers = list(seg.SCHEMES[scheme])
column = seg.tier_column(scheme)
top = breakdown[breakdown["tier"].isin(panel.TOP_TIERS[scheme])]
top_names = " + ".join(panel.label(ctx, x, scheme) for x in panel.TOP_TIERS[scheme])

# headline
metric_row(
    [  # a grid that wraps rather than cuts a label at 1280×720
        Headline(ctx.t("seg.customers"), fmt.number(customers)),
        Headline(ctx.t("seg.top_share", tiers=top_names), fmt.pct(top["share"].sum(), 1)),
        Headline(
            ctx.t("seg.top_profit", tiers=top_names),
            fmt.pct(top["profit_share"].sum(), 1),
            ctx.t("seg.profit.help"),
        ),
        Headline(ctx.t("seg.top_clv", tiers=top_names), fmt.pct(top["clv_share"].sum(), 1)),
    ],
    border=False,
)

# breakdown
st.subheader(ctx.t("seg.breakdown"))
st.dataframe(panel.shown_breakdown(ctx, breakdown, scheme), hide_index=True, key="seg_breakdown_table")
st.caption(ctx.t(f"seg.typical.note.{scheme}"))
# One vocabulary across pages: a tier (here "churned") is a score band; active / lapsing /
# lapsed is the status defined once in clv_engine/status.py.
st.caption(ctx.t("status.tier_is_not_status"))
left, right = st.columns(2)
with left:
    st.markdown(f"**{ctx.t('seg.chart.share_vs_profit')}**")
    tier_event = st.plotly_chart(
        panel.share_chart(ctx, breakdown, scheme),
        width="stretch",
        key="seg_chart_share",
        on_select="rerun",
        selection_mode="points",
    )
with right:
    st.markdown(f"**{ctx.t('seg.chart.by_store')}**")
    if by_store["home_store_id"].notna().any():
        names = ctx.stores().set_index("store_id")["name"].dropna().to_dict()
        st.plotly_chart(panel.treemap(ctx, by_store, names, scheme), width="stretch", key="seg_chart_tree")
    else:
        st.info(ctx.t("seg.no_store"))
# -- click through: the customers behind the clicked tier bars --
drill.customer_list_for(
    ctx,
    tier_event,
    panel.customers_behind(ctx, tier_event, scheme, rules, six_rules, (column,)),
    (column,),
    key=f"seg_drill_tier_{scheme}",
    describe=lambda k: panel.label(ctx, k[column], scheme),
)
# --

section.by_store_and_region(ctx, by_store, by_region, scheme, top, top_names, rules, six_rules)
# Fragments: the migration's date and the care budget's inputs rerun only their own section.
section.migration(ctx, scheme, rules, six_rules)
section.care_budget(ctx, breakdown, scheme)
section.playbooks(ctx, breakdown, scheme)
