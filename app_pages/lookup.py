"""Customer lookup: one customer, everything we know and what to do about them.

Storyboard: search (id, VIN, name) -> pick among matches -> who they are -> CLV, tier, risk,
network value -> service history chart, scores and loyalty flags -> churn risk with its
reasons and the recommended action, the complaint rule -> complaints -> the customers they
referred and the CLV those bring -> every service order.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import churn, lookup
from clv_engine import segmentation as seg
from clv_engine import status as cs
from clv_engine.db import Database
from ui.context import cached, dropout, page_context
from ui.safe import md, plot_text
from wording import fmt
from wording import lookup as lookup_words
from wording.churn import risk_reasons
from wording.segmentation import tier_label
from wording.status import dropout_reasons_text

ctx = page_context()
lang = ctx.lang
URL = "query-params"
LIMIT = 20
NETWORK_DEPTH = 3


# -- cached engine calls ------------------------------------------------------------------
@cached
def _find(db: Database, query: str, stores: tuple[str, ...] | None) -> pd.DataFrame:
    return lookup.find_customers(db, query, stores, LIMIT)


@cached
def _scores(db: Database, as_of: date) -> pd.DataFrame:
    return seg.score_customers(db, as_of)


@cached
def _risk(db: Database, as_of: date) -> tuple[pd.DataFrame, churn.Calibration | None]:
    # Every customer, as on the churn page (calibrated once per database, whatever the scope).
    scored = churn.score_risk(churn.churn_signals(db, as_of))
    return scored, churn.calibrate(churn.backtest_signals(db, as_of))


@cached
def _customer(db: Database, customer_id: str, as_of: date):
    return (
        lookup.customer_record(db, customer_id),
        lookup.service_by_year(db, customer_id, as_of),
        lookup.service_history(db, customer_id, as_of),
        lookup.customer_complaints(db, customer_id, as_of),
    )


def kind_name(kind: str) -> str:
    key = f"lookup.kind.{kind}"
    return ctx.t(key) if kind in {"maintenance", "repair", "accident", "parts", "accessories"} else kind


def day(value) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


# -- search ---------------------------------------------------------------------------------
st.title(ctx.t("lookup.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
st.caption(ctx.t("lookup.caption"))
query = st.text_input(ctx.t("lookup.query"), key="lookup_query", placeholder=ctx.t("lookup.query.placeholder"),
                      max_chars=lookup.MAX_QUERY_LENGTH, bind=URL)
if not (query or "").strip():
    st.info(ctx.t("lookup.prompt"))
    st.stop()

found = _find(ctx.db, query, ctx.store_ids)
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
    customer_id = st.selectbox(ctx.t("lookup.pick"), options, format_func=lambda c: labels[c], key="lookup_pick")
else:
    customer_id = options[0]

# -- who they are -----------------------------------------------------------------------------
record, by_year, orders, complaints = _customer(ctx.db, customer_id, ctx.as_of)
# Values over every store: a referred friend may belong to another store than the customer.
values = replace(ctx, store_ids=None).customer_values()
mine = values[values["customer_id"] == customer_id]
st.subheader(f"{md(record['name'] or '')} · {md(customer_id)}")
st.caption(
    ctx.t(
        "lookup.profile",
        model=md(record["vehicle_model"] or "—"),
        vin=md(record["vin"] or "—"),
        store=md(record["store_name"] or record["home_store_id"] or "—"),
        bought=day(record["purchase_date"]),
        channel=md(record["channel"] or "—"),
    )
)
if mine.empty:
    st.info(ctx.t("lookup.not_yet", as_of=ctx.as_of.isoformat()))
    st.stop()
me = mine.iloc[0]

scores = _scores(ctx.db, ctx.as_of)
score_row = scores[scores["customer_id"] == customer_id]
score = score_row.iloc[0] if len(score_row) else None
tier = score["tier"] if score is not None else None

scored, calibration = _risk(ctx.db, ctx.as_of)
risk_row = scored[scored["customer_id"] == customer_id]
method = "calibrated" if calibration is not None else "score"
# Success rates as the churn page uses them (measured where the issued lists are conclusive).
listed = churn.call_list(risk_row, mine, method, calibration, churn.interventions_in_use(ctx.db))
risk = listed.iloc[0] if len(listed) else (risk_row.iloc[0] if len(risk_row) else None)
network = lookup.referral_network(ctx.db, customer_id, ctx.as_of, values, NETWORK_DEPTH)

model = values.attrs.get("model", "historical")
m = st.columns(5)
m[0].metric(ctx.t("lookup.m.clv"), ctx.money(me["clv"]), help=ctx.t(f"lookup.m.clv.help.{model}"))
m[1].metric(ctx.t("lookup.m.tier"), tier_label("rfml", tier, lang) if tier else "—",
            help=ctx.t("status.tier_is_not_status"))
m[2].metric(ctx.t("lookup.m.total"), f"{score['total']} / 20" if score is not None else "—",
            help=ctx.t("lookup.m.total.help"))
lapsed = risk is not None and risk["level"] == churn.LAPSED
risk_text = "—" if risk is None else (ctx.t("churn.level.lapsed") if lapsed else f"{risk['score']:.2f}")
m[3].metric(ctx.t("lookup.m.risk"), risk_text, help=ctx.t("lookup.risk.weights"))
m[4].metric(ctx.t("lookup.m.network"), ctx.money(network.direct_clv), help=ctx.t("lookup.m.network.help"))
n = st.columns(5)
n[0].metric(ctx.t("lookup.m.gp"), ctx.money(me["gross_profit"]))
n[1].metric(ctx.t("lookup.m.visits"), fmt.number(me["freq_12m"]))
# Status (days since the last activity) and P(alive) (the visit model's estimate), each under
# its own defined name, so that a "churned" tier beside a P(alive) of 100% is explained.
rules = cs.StatusRules()
my_status = cs.customer_status([me["recency_days"]], rules)[0]
n[2].metric(ctx.t("status.label"), ctx.t(f"status.{my_status}"),
            help=ctx.t(f"status.{my_status}.help", active=rules.active_days,
                       active_next=rules.active_days + 1, lapsed=rules.lapsed_days)
            + " " + ctx.t("lookup.status.days", days=fmt.number(me["recency_days"])))
has_p_alive = "p_alive" in values.columns and pd.notna(me.get("p_alive"))
if has_p_alive:
    n[3].metric(ctx.t("status.p_alive"), fmt.pct(me["p_alive"]), help=ctx.t("status.p_alive.help"))
    check = dropout(ctx.db, ctx.as_of)
    if check is not None and not check.identifiable:
        st.caption(ctx.t("status.p_alive.uninformative", reasons=dropout_reasons_text(check, lang)))
    if me["p_alive"] >= 0.9 and (my_status != cs.ACTIVE or tier == "churned"):
        st.caption(ctx.t("status.tier_is_not_status"))

# -- history and loyalty -------------------------------------------------------------------------
left, right = st.columns([3, 2])
with left:
    st.markdown(f"**{ctx.t('lookup.history')}**")
    if by_year.empty:
        st.info(ctx.t("lookup.history.none"))
    else:
        fig = go.Figure()
        for kind, part in by_year.groupby("kind", sort=True):
            fig.add_bar(x=part["year"], y=part["revenue"], name=plot_text(kind_name(kind)),
                        customdata=part["visits"], hovertemplate="%{x}: ¥%{y:,.0f} (%{customdata})")
        fig.update_layout(
            barmode="stack", height=320, margin=dict(l=10, r=10, t=10, b=10),
            xaxis_title=ctx.t("lookup.history.year"), yaxis_title=ctx.t("lookup.history.revenue"),
            xaxis=dict(dtick=1), legend=dict(orientation="h", y=-0.25),
        )
        st.plotly_chart(fig, width="stretch")
with right:
    st.markdown(f"**{ctx.t('lookup.loyalty')}**")
    missing = set(score_row.attrs.get("missing_tables", scores.attrs.get("missing_tables", [])))
    rows = []
    if score is not None:
        rows += [
            (ctx.t("lookup.score.r", v=fmt.number(score["recency_days"])), str(score["r"])),
            (ctx.t("lookup.score.f", v=fmt.number(score["freq_12m"])), str(score["f"])),
            (ctx.t("lookup.score.m", v=ctx.money(score["spend_12m"])), str(score["m"])),
            (ctx.t("lookup.score.l"), str(score["l"])),
        ]
    for flag, table in seg.FLAG_TABLES.items():
        if table in missing:
            value = ctx.t("lookup.flag.na", table=table)
        elif score is not None:
            value = ctx.t("lookup.flag.yes") if bool(score[flag]) else ctx.t("lookup.flag.no")
        else:
            value = "—"
        rows.append((ctx.t(f"lookup.flag.{flag}"), value))
    st.dataframe(pd.DataFrame(rows, columns=[ctx.t("lookup.flag.col"), ctx.t("lookup.flag.value")]),
                 hide_index=True)

# -- risk and action -------------------------------------------------------------------------------
st.subheader(ctx.t("lookup.risk"))
if risk is not None:
    level = ctx.t(f"churn.level.{risk['level']}")
    if "p_churn" in risk.index:
        st.markdown(ctx.t("lookup.risk.line", score=f"{risk['score']:.2f}", level=level,
                          p=fmt.pct(risk["p_churn"], 1), method=ctx.t(f"churn.p.{method}")))
    else:
        st.markdown(ctx.t("lookup.risk.line.nolist", score=f"{risk['score']:.2f}", level=level))
    if lapsed:
        reason = ctx.t("lookup.lapsed.reason", days=fmt.number(risk["days_since_activity"]))
    else:
        reason = risk_reasons(risk_row.iloc[:1], lang).iloc[0]
    st.markdown(f"**{ctx.t('lookup.reasons')}**")
    st.text(reason)
    st.caption(ctx.t("lookup.risk.weights"))
open_complaints = int(complaints["open"].sum()) if len(complaints) else 0
st.markdown(f"**{ctx.t('lookup.actions')}**")
actions = lookup_words.recommended_actions(risk, tier, open_complaints, lang, network, float(me["clv"]))
for i, action in enumerate(actions, start=1):
    st.markdown(f"{i}. {action}")
if tier is not None:
    rule = lookup.complaint_rule_for(tier)
    st.markdown(f"**{ctx.t('lookup.complaint_rule')}** — {ctx.t(f'seg.complaint.{rule.level}')}: "
                f"{lookup_words.complaint_rule_text(rule, lang)}")

st.subheader(ctx.t("lookup.complaints"))
if not ctx.has("complaints"):
    st.info(ctx.t("lookup.complaints.needs"))
elif complaints.empty:
    st.caption(ctx.t("lookup.complaints.none"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("lookup.col.complaint"): complaints["complaint_id"],
                ctx.t("lookup.col.store"): complaints["store_id"],
                ctx.t("lookup.col.opened"): [day(d) for d in complaints["opened"]],
                ctx.t("lookup.col.resolved"): [day(d) for d in complaints["resolved"]],
                ctx.t("lookup.col.status"): [ctx.t("lookup.status.open") if o else ctx.t("lookup.status.resolved")
                                             for o in complaints["open"]],
                ctx.t("lookup.col.days"): complaints["days"],
            }
        ),
        hide_index=True,
    )

# -- network --------------------------------------------------------------------------------------
st.subheader(ctx.t("lookup.network"))
if not ctx.has("referrals"):
    st.info(ctx.t("lookup.network.needs"))
elif network.customers.empty:
    st.caption(ctx.t("lookup.network.none"))
else:
    c1, c2, c3 = st.columns(3)
    c1.metric(ctx.t("lookup.m.direct"), fmt.number(network.direct_customers))
    c2.metric(ctx.t("lookup.m.network"), ctx.money(network.direct_clv), help=ctx.t("lookup.m.network.help"))
    c3.metric(ctx.t("lookup.m.further"), ctx.money(network.further_clv))
    st.caption(ctx.t("lookup.network.summary", n=network.direct_customers, clv=ctx.money(network.direct_clv),
                     m=network.further_customers, further=ctx.money(network.further_clv), depth=NETWORK_DEPTH))
    people = network.customers
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("lookup.col.customer"): people["customer_id"],
                ctx.t("lookup.col.name"): people["name"],
                ctx.t("lookup.col.depth"): people["depth"],
                ctx.t("lookup.col.via"): people["via"],
                ctx.t("lookup.col.referral_date"): [day(d) for d in people["referral_date"]],
                ctx.t("lookup.col.clv"): people["clv"].round(0),
            }
        ),
        hide_index=True,
        column_config={ctx.t("lookup.col.clv"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))},
    )

with st.expander(ctx.t("lookup.history.orders")):
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("lookup.col.date"): [day(d) for d in orders["order_date"]],
                ctx.t("lookup.col.store"): orders["store_name"].fillna(orders["store_id"]),
                ctx.t("lookup.col.kind"): [kind_name(k) for k in orders["kind"].fillna("other")],
                ctx.t("lookup.col.revenue"): orders["revenue"].round(0),
                ctx.t("lookup.col.gp"): orders["gross_profit"].round(0),
            }
        ),
        hide_index=True,
        column_config={
            ctx.t("lookup.col.revenue"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
            ctx.t("lookup.col.gp"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
        },
    )
