"""Customer lookup: one customer, everything we know and what to do about them.

Storyboard: search (id, VIN, name) -> pick among matches -> who they are -> CLV, tier, risk,
network value -> service history chart, scores and loyalty flags -> churn risk with its
reasons and the recommended action, the complaint rule -> complaints -> the customers they
referred and the CLV those bring -> every service order.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import churn, lookup
from clv_engine import status as cs
from ui import lookup_panels as panels
from ui.context import page_context, spinner_unless_done
from ui.queries import churn_dropout, interventions_in_use, lookup_customer, lookup_find, lookup_scores
from ui.queries.customers import lookup_values
from ui.safe import md
from ui.widgets import Headline, metric_row
from wording import fmt
from wording.channels import channel_label
from wording.segmentation import tier_label
from wording.status import dropout_reasons_text, status_definition

ctx = page_context()
lang = ctx.lang
URL = "query-params"
LIMIT = 20
NETWORK_DEPTH = 3


# -- search ---------------------------------------------------------------------------------
st.title(ctx.t("lookup.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
st.caption(ctx.t("lookup.caption"))
query = st.text_input(
    ctx.t("lookup.query"),
    key="lookup_query",
    placeholder=ctx.t("lookup.query.placeholder"),
    max_chars=lookup.MAX_QUERY_LENGTH,
    bind=URL,
)
if not (query or "").strip():
    st.info(ctx.t("lookup.prompt"))
    st.stop()

# seconds on a large base the first time
with spinner_unless_done(("lookup_find", ctx.db.version(), query, ctx.store_ids), ctx.t("lookup.searching")):
    found = lookup_find(ctx.db, query, ctx.store_ids, LIMIT)
if found.empty:
    st.warning(ctx.t("lookup.none", q=md(query.strip())))
    st.stop()

options = found["customer_id"].tolist()
labels = {
    row.customer_id: f"{row.customer_id} · {row.name or ''} · {row.vin or ''} · {row.home_store_id or ''}"
    f" ({ctx.t(f'lookup.match.{row.match}')})"
    for row in found.itertuples()
}
if len(options) > 1:
    if found.attrs["matches"] > len(options):
        st.caption(ctx.t("lookup.matches", n=fmt.number(found.attrs["matches"]), shown=len(options)))
    customer_id = st.selectbox(
        ctx.t("lookup.pick"), options, format_func=labels.__getitem__, key="lookup_pick"
    )
else:
    customer_id = options[0]

# -- who they are -----------------------------------------------------------------------------
record, by_year, orders, complaints = lookup_customer(ctx.db, customer_id, ctx.as_of)
# Values over every store the reader may see: a referred friend may belong to another of them
# (one outside the reader's scope is only counted: Network.outside_scope).
# the first time for this data: the million rows
with spinner_unless_done(
    ("lookup_values", ctx.db.version(), customer_id, ctx.as_of, ctx.clv_params, ctx.clv_model),
    ctx.t("speed.values"),
):
    mine, network, model = lookup_values(
        ctx.db, customer_id, ctx.as_of, ctx.clv_params, ctx.clv_model, NETWORK_DEPTH
    )
st.subheader(f"{md(record['name'] or '')} · {md(customer_id)}")
st.caption(
    ctx.t(
        "lookup.profile",
        model=md(record["vehicle_model"] or "—"),
        vin=md(record["vin"] or "—"),
        store=md(record["store_name"] or record["home_store_id"] or "—"),
        bought=panels.day(record["purchase_date"]),
        channel=md(channel_label(record["channel"], lang) if record["channel"] else "—"),
    )
)
if mine.empty:
    st.info(ctx.t("lookup.not_yet", as_of=ctx.as_of.isoformat()))
    st.stop()
me = mine.iloc[0]

# This customer's scores and risk only, as the segmentation and churn pages compute them.
with spinner_unless_done(
    ("lookup_scores", ctx.db.version(), customer_id, ctx.as_of), ctx.t("lookup.scoring")
):
    score_row, risk_row, calibration = lookup_scores(ctx.db, customer_id, ctx.as_of)
score = score_row.iloc[0] if len(score_row) else None
tier = score["tier"] if score is not None else None

method = "calibrated" if calibration is not None else "score"
# Success rates as the churn page uses them (measured where the issued lists are conclusive).
listed = churn.call_list(risk_row, mine, method, calibration, interventions_in_use(ctx.db))
risk = listed.iloc[0] if len(listed) else (risk_row.iloc[0] if len(risk_row) else None)

lapsed = risk is not None and risk["level"] == churn.LAPSED
risk_text = "—" if risk is None else (ctx.t("churn.level.lapsed") if lapsed else f"{risk['score']:.2f}")
# Status (days since the last activity) and P(alive) (the visit model's estimate), each under
# its own defined name, so that a "churned" tier beside a P(alive) of 100% is explained.
rules = cs.StatusRules()
my_status = cs.customer_status([me["recency_days"]], rules)[0]
has_p_alive = "p_alive" in mine.columns and pd.notna(me.get("p_alive"))
first = [
    Headline(ctx.t("lookup.m.clv"), ctx.money(me["clv"]), ctx.t(f"lookup.m.clv.help.{model}")),
    Headline(
        ctx.t("lookup.m.tier"),
        tier_label("rfml", tier, lang) if tier else "—",
        ctx.t("status.tier_is_not_status"),
    ),
    Headline(
        ctx.t("lookup.m.total"),
        f"{score['total']} / 20" if score is not None else "—",
        ctx.t("lookup.m.total.help"),
    ),
    Headline(ctx.t("lookup.m.risk"), risk_text, ctx.t("lookup.risk.weights")),
    Headline(ctx.t("lookup.m.network"), ctx.money(network.direct_clv), ctx.t("lookup.m.network.help")),
]
second = [
    Headline(ctx.t("lookup.m.gp"), ctx.money(me["gross_profit"])),
    Headline(ctx.t("lookup.m.visits"), fmt.number(me["freq_12m"])),
    Headline(
        ctx.t("status.label"),
        ctx.t(f"status.{my_status}"),
        status_definition(my_status, lang, rules)
        + " "
        + ctx.t("lookup.status.days", days=fmt.number(me["recency_days"])),
    ),
    Headline(ctx.t("status.p_alive"), fmt.pct(me["p_alive"]), ctx.t("status.p_alive.help"))
    if has_p_alive
    else None,
]
# Cards of one width in rows that wrap: a long label ("存活概率（到店模型）") is never cut.
metric_row(first, border=False, like=second)
metric_row(second, border=False, like=first)
if has_p_alive:
    check = churn_dropout(ctx.db, ctx.as_of)  # counted on the kept P(alive): not the fit's summary
    if check is not None and not check.identifiable:
        st.caption(ctx.t("status.p_alive.uninformative", reasons=dropout_reasons_text(check, lang)))
    if me["p_alive"] >= 0.9 and (my_status != cs.ACTIVE or tier == "churned"):
        st.caption(ctx.t("status.tier_is_not_status"))

# -- history and loyalty -------------------------------------------------------------------------
left, right = st.columns([3, 2])
with left:
    panels.history_chart(ctx, by_year)
with right:
    panels.loyalty_table(ctx, score, set(score_row.attrs.get("missing_tables", [])))

# -- risk and action -------------------------------------------------------------------------------
panels.risk_panel(ctx, risk, risk_row, method, lapsed)
open_complaints = int(complaints["open"].sum()) if len(complaints) else 0
panels.actions_panel(
    ctx, lookup.recommended_actions(risk, tier, open_complaints, network, float(me["clv"])), tier
)
panels.complaints_table(ctx, complaints)

# -- network and every order ----------------------------------------------------------------------
panels.network_panel(ctx, network, NETWORK_DEPTH)
panels.orders_table(ctx, orders)
