"""Overview: headline figures, profit concentration, CLV distribution and the DCF explorer."""

import streamlit as st

from clv_engine import clv
from clv_engine import status as cs
from ui import drill
from ui import overview_panels as panels
from ui.context import page_context
from ui.widgets import Headline, metric_row
from wording import fmt
from wording.status import status_definition

ctx = page_context()
st.title(ctx.t("ov.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any

# The figures this page draws (headline, concentration curve, CLV histogram), the same as from
# ctx.customer_values(), computed once per data and inputs (cached): a few numbers, no frame.
values = drill.values_on(ctx, ctx.as_of)
if values.empty:
    st.info(ctx.t("ov.empty"))
    st.stop()

head = values.head
# -- change against an earlier date (the CLV bridge is drawn below the headline) --
since = drill.comparison(ctx, "ov_compare")
before_values = drill.values_on(ctx, since, full=False)
before = before_values.head
vs = drill.vs_text(ctx, since)
# --
params = values.attrs["params"]
clv_help = ctx.t(
    "ov.clv.help.predictive" if values.attrs.get("model") == "predictive" else "ov.clv.help",
    h=params.horizon_years,
    r=ctx.t(
        f"ov.retention.{values.attrs.get('retention_source', 'data')}",
        r=fmt.pct(values.attrs["retention"], 1),
    ),
    d=fmt.pct(params.discount_rate),
)
rules = cs.StatusRules()
status_help = {s: status_definition(s, ctx.lang, rules) for s in cs.STATUSES}
first_row = [
    Headline(
        ctx.t("ov.customers"),
        fmt.number(head.customers),
        delta=drill.number_delta(head.customers, before and before.customers),
        delta_description=vs,
    ),
    Headline(
        ctx.t("ov.active"),
        fmt.number(head.active_customers),
        status_help[cs.ACTIVE],
        delta=drill.number_delta(head.active_customers, before and before.active_customers),
        delta_description=vs,
    ),
    Headline(
        ctx.t("ov.total_clv"),
        ctx.money(head.total_clv),
        clv_help,
        delta=drill.money_delta(ctx, head.total_clv, before and before.total_clv),
        delta_description=vs,
    ),
    Headline(
        ctx.t("ov.avg_clv"),
        ctx.money(head.average_clv),
        clv_help,
        delta=drill.money_delta(ctx, head.average_clv, before and before.average_clv),
        delta_description=vs,
    ),
    Headline(
        ctx.t("ov.gp12"),
        ctx.money(head.gross_profit_12m),
        delta=drill.money_delta(ctx, head.gross_profit_12m, before and before.gross_profit_12m),
        delta_description=vs,
    ),
]

# The other statuses, and the measured chance that a customer away for a year comes back
# (what the historical CLV gives them instead of an active customer's retention).
rates: clv.ReturnRates | None = values.attrs.get("return_rates")
retention = values.attrs["retention"]
first = rates.used_for(1) if rates is not None else None
second_row = [
    Headline(ctx.t("ov.lapsing"), fmt.number(head.lapsing_customers), status_help[cs.LAPSING]),
    Headline(ctx.t("ov.lapsed"), fmt.number(head.lapsed_customers), status_help[cs.LAPSED]),
    Headline(
        ctx.t("ov.return"),
        fmt.pct(first, 1) if first is not None else ctx.t("ov.return.none"),
        None
        if first is None
        else ctx.t(
            "ov.return.help",
            ref=rates.reference_date.isoformat(),
            n=fmt.number(rates.customers[0]),
            returned=fmt.number(rates.returned[0]),
            r=fmt.pct(retention, 1),
            weight=fmt.pct(min(first, retention) / retention if retention > 0 else 0.0, 1),
        ),
    ),
]
# Cards of one width in rows that wrap: nothing is cut at 1280×720 (ui.widgets.metric_row).
metric_row(first_row, border=False, like=second_row)
metric_row(second_row, border=False, like=first_row)
if rates is not None:
    panels.return_rates(ctx, rates, retention)

# -- the CLV bridge: what moved the total since the earlier date --
drill.bridge_section(ctx, values, before_values, since, key="ov_bridge")
# --

left, right = st.columns(2)
with left:
    panels.concentration(ctx, values.curve, head)
with right:
    panels.distribution(ctx, values.bins, clv_help)

st.divider()
# A slider here reruns only the explorer (a fragment), not the page above it.
panels.dcf_explorer(ctx)
