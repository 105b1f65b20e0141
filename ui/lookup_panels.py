"""The customer lookup page's panels (app_pages/lookup.py reads as the storyboard)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import lookup
from clv_engine import segmentation as seg
from clv_engine.lookup import Network
from ui.safe import plot_text
from wording import fmt
from wording import lookup as words
from wording.churn import risk_reasons

KINDS = {"maintenance", "repair", "accident", "parts", "accessories"}


def kind_name(ctx, kind: str) -> str:
    return ctx.t(f"lookup.kind.{kind}") if kind in KINDS else kind


def day(value) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _money_column(ctx) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))


def history_chart(ctx, by_year: pd.DataFrame) -> None:
    """Revenue per year, stacked by kind of work."""
    st.markdown(f"**{ctx.t('lookup.history')}**")
    if by_year.empty:
        st.info(ctx.t("lookup.history.none"))
        return
    fig = go.Figure()
    for kind, part in by_year.groupby("kind", sort=True):
        fig.add_bar(
            x=part["year"],
            y=part["revenue"],
            name=plot_text(kind_name(ctx, kind)),
            customdata=part["visits"],
            hovertemplate=f"%{{x}}: {fmt.currency_mark(ctx.currency)}%{{y:,.0f}} (%{{customdata}})",
        )
    fig.update_layout(
        barmode="stack",
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis_title=ctx.t("lookup.history.year"),
        yaxis_title=ctx.t("lookup.history.revenue"),
        xaxis=dict(dtick=1),
        legend=dict(orientation="h", y=-0.25),
    )
    st.plotly_chart(fig, width="stretch")


def loyalty_table(ctx, score: pd.Series | None, missing: set[str]) -> None:
    """The R, F, M, L scores and the loyalty flags (n/a where the source table is missing)."""
    st.markdown(f"**{ctx.t('lookup.loyalty')}**")
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
    st.dataframe(
        pd.DataFrame(rows, columns=[ctx.t("lookup.flag.col"), ctx.t("lookup.flag.value")]), hide_index=True
    )


def risk_panel(ctx, risk: pd.Series | None, risk_row: pd.DataFrame, method: str, lapsed: bool) -> None:
    """The risk score, level, P(churn) and the reasons behind it."""
    st.subheader(ctx.t("lookup.risk"))
    if risk is None:
        return
    level = ctx.t(f"churn.level.{risk['level']}")
    if "p_churn" in risk.index:
        st.markdown(
            ctx.t(
                "lookup.risk.line",
                score=f"{risk['score']:.2f}",
                level=level,
                p=fmt.pct(risk["p_churn"], 1),
                method=ctx.t(f"churn.p.{method}"),
            )
        )
    else:
        st.markdown(ctx.t("lookup.risk.line.nolist", score=f"{risk['score']:.2f}", level=level))
    if lapsed:
        reason = ctx.t("lookup.lapsed.reason", days=fmt.number(risk["days_since_activity"]))
    else:
        reason = risk_reasons(risk_row.iloc[:1], ctx.lang).iloc[0]
    st.markdown(f"**{ctx.t('lookup.reasons')}**")
    st.text(reason)
    st.caption(ctx.t("lookup.risk.weights"))


def actions_panel(ctx, actions: list[lookup.Action], tier: str | None) -> None:
    """The recommended actions, most urgent first, and the tier's complaint rule."""
    st.markdown(f"**{ctx.t('lookup.actions')}**")
    for i, action in enumerate(words.actions_text(actions, ctx.lang, ctx.currency), start=1):
        st.markdown(f"{i}. {action}")
    if tier is not None:
        rule = lookup.complaint_rule_for(tier)
        st.markdown(
            f"**{ctx.t('lookup.complaint_rule')}** — {ctx.t(f'seg.complaint.{rule.level}')}: "
            f"{words.complaint_rule_text(rule, ctx.lang, ctx.currency)}"
        )


def complaints_table(ctx, complaints: pd.DataFrame) -> None:
    st.subheader(ctx.t("lookup.complaints"))
    if not ctx.has("complaints"):
        st.info(ctx.t("lookup.complaints.needs"))
        return
    if complaints.empty:
        st.caption(ctx.t("lookup.complaints.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("lookup.col.complaint"): complaints["complaint_id"],
                ctx.t("lookup.col.store"): complaints["store_id"],
                ctx.t("lookup.col.opened"): [day(d) for d in complaints["opened"]],
                ctx.t("lookup.col.resolved"): [day(d) for d in complaints["resolved"]],
                ctx.t("lookup.col.status"): [
                    ctx.t("lookup.status.open") if o else ctx.t("lookup.status.resolved")
                    for o in complaints["open"]
                ],
                ctx.t("lookup.col.days"): complaints["days"],
            }
        ),
        hide_index=True,
    )


def network_panel(ctx, network: Network, depth: int) -> None:
    """The customers they referred and the CLV those bring; referrals outside the reader's
    store scope are only counted."""
    st.subheader(ctx.t("lookup.network"))
    outside = words.outside_scope_text(network, ctx.lang)
    if outside:
        st.caption(outside)
    if not ctx.has("referrals"):
        st.info(ctx.t("lookup.network.needs"))
        return
    if network.customers.empty:
        st.caption(ctx.t("lookup.network.none"))
        return
    c1, c2, c3 = st.columns(3)
    c1.metric(ctx.t("lookup.m.direct"), fmt.number(network.direct_customers))
    c2.metric(ctx.t("lookup.m.network"), ctx.money(network.direct_clv), help=ctx.t("lookup.m.network.help"))
    c3.metric(ctx.t("lookup.m.further"), ctx.money(network.further_clv))
    st.caption(
        ctx.t(
            "lookup.network.summary",
            n=network.direct_customers,
            clv=ctx.money(network.direct_clv),
            m=network.further_customers,
            further=ctx.money(network.further_clv),
            depth=depth,
        )
    )
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
        column_config={ctx.t("lookup.col.clv"): _money_column(ctx)},
    )


def orders_table(ctx, orders: pd.DataFrame) -> None:
    with st.expander(ctx.t("lookup.history.orders")):
        st.dataframe(
            pd.DataFrame(
                {
                    ctx.t("lookup.col.date"): [day(d) for d in orders["order_date"]],
                    ctx.t("lookup.col.store"): orders["store_name"].fillna(orders["store_id"]),
                    ctx.t("lookup.col.kind"): [kind_name(ctx, k) for k in orders["kind"].fillna("other")],
                    ctx.t("lookup.col.revenue"): orders["revenue"].round(0),
                    ctx.t("lookup.col.gp"): orders["gross_profit"].round(0),
                }
            ),
            hide_index=True,
            column_config={
                ctx.t("lookup.col.revenue"): _money_column(ctx),
                ctx.t("lookup.col.gp"): _money_column(ctx),
            },
        )
