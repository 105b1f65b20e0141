"""Panels of the overview page (app_pages/overview.py): the return-rates table, the two charts of
the customer base and the DCF explorer's chart and table. Figures come from clv_engine; words
from the catalogue."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import clv, overview
from ui.charts import kept_by_key, money_axis
from ui.context import Context
from ui.downloads import table_downloads
from ui.widgets import Headline, metric_row, translated_choice
from wording import fmt
from wording.report.charts import vline


def return_rates(ctx: Context, rates: clv.ReturnRates, retention: float) -> None:
    """The measured chance of coming back by years away, in an expander, with its download."""
    with st.expander(ctx.t("ov.return.title")):
        st.caption(ctx.t("ov.return.caption", ref=rates.reference_date.isoformat(), r=fmt.pct(retention, 1)))
        last = rates.years_absent[-1]
        table = rates.table()
        weights = clv.absence_weight([365 * k + 1 for k in table["years_absent"]], retention, rates)
        return_table = pd.DataFrame(
            {
                ctx.t("ov.return.col.years"): [
                    ctx.t("ov.return.years.more" if k == last else "ov.return.years", k=k)
                    for k in table["years_absent"]
                ],
                ctx.t("ov.return.col.customers"): table["customers"],
                ctx.t("ov.return.col.returned"): table["returned"],
                # No customer away that long: no rate, shown as a dash (not "None").
                ctx.t("ov.return.col.rate"): [fmt.pct(r, 1) if r == r else "—" for r in table["rate"]],
                ctx.t("ov.return.col.used"): [
                    fmt.pct(u, 1)
                    if src == "data"
                    else (fmt.pct(u, 1) + " · " if u == u else "") + ctx.t(f"ov.return.source.{src}")
                    for u, src in zip(table["used_rate"], table["source"])
                ],
                ctx.t("ov.return.col.weight"): weights,
            }
        )
        st.dataframe(
            return_table,
            hide_index=True,
            column_config={
                ctx.t("ov.return.col.weight"): st.column_config.NumberColumn(format="percent"),
            },
        )
        table_downloads(ctx, return_table, "return_rates", "ov_dl_return", ctx.t("ov.return.title"))


def data_key(ctx: Context) -> tuple:
    """What the page's data charts are drawn from: the data's version, scope and inputs (the
    cached figures'), the language and currency."""
    return (ctx.db.version(), ctx.as_of, ctx.store_ids, ctx.clv_params, ctx.clv_model, ctx.lang, ctx.currency)


def concentration(ctx: Context, curve: pd.DataFrame, head: overview.Headline) -> None:
    """The share of gross profit against the share of customers (``curve``: a few hundred
    points of ``clv.profit_concentration``, overview_figures.thinned_curve), the top 20% marked."""
    st.subheader(ctx.t("ov.concentration"))
    st.plotly_chart(
        kept_by_key("ov_concentration", data_key(ctx), lambda: _concentration(ctx, curve, head)),
        width="stretch",
    )
    st.caption(
        ctx.t(
            "ov.concentration.caption",
            share=fmt.pct(head.top20_profit_share),
            loss=fmt.pct(head.loss_making_share, 1),
        )
    )


def _concentration(ctx: Context, curve: pd.DataFrame, head: overview.Headline) -> go.Figure:
    fig = go.Figure(go.Scatter(x=curve["customer_share"], y=curve["profit_share"], mode="lines"))
    vline(fig, 0.2, line_dash="dot")
    fig.add_annotation(
        x=0.2,
        y=head.top20_profit_share,
        text=f"{ctx.t('ov.top20')}: {fmt.pct(head.top20_profit_share)}",
        showarrow=True,
    )
    fig.update_layout(
        xaxis_title=ctx.t("ov.customer_share"),
        yaxis_title=ctx.t("ov.profit_share"),
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        height=340,
        margin=dict(l=10, r=10, t=10, b=10),
    )
    return fig


def distribution(ctx: Context, bins: pd.DataFrame, clv_help: str) -> None:
    """The histogram of CLV (``overview.histogram``), its open-ended last bar labelled."""
    st.subheader(ctx.t("ov.distribution"))
    st.plotly_chart(
        kept_by_key("ov_distribution", data_key(ctx), lambda: _distribution(ctx, bins)), width="stretch"
    )
    st.caption(clv_help)


def _distribution(ctx: Context, bins: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Bar(x=(bins["left"] + bins["right"]) / 2, y=bins["count"], width=bins["right"] - bins["left"])
    )
    # The last bar holds the top 1%, everything from its left edge up: say so on the chart.
    top = bins[bins["open_ended"]]
    if not top.empty:
        # Rounded down, so that "and above" stays true of every customer in the bar.
        top_label = ctx.t("ov.top_bin", value=ctx.money(math.floor(float(top["left"].iloc[0]))))
        fig.add_annotation(
            x=float((top["left"] + top["right"]).iloc[0] / 2),
            y=float(top["count"].iloc[0]),
            text=top_label,
            showarrow=True,
            arrowhead=0,
            ax=-10,
            ay=-30,
            xanchor="right",
            name="top_bin",
        )
    fig.update_layout(
        xaxis_title=ctx.t("ov.clv_axis"),
        yaxis_title=ctx.t("ov.count_axis"),
        height=340,
        margin=dict(l=10, r=10, t=10, b=10),
    )
    money_axis(fig, "x", float(bins["right"].max()), float(bins["left"].min()), ctx.lang, ctx.currency)
    return fig


@st.fragment
def dcf_explorer(ctx: Context) -> None:
    """The DCF explorer: its inputs, figures, chart and table. A fragment: moving one of its
    sliders reruns only this function, not the page's headline, charts and bridge."""
    st.subheader(ctx.t("ov.dcf"))
    st.caption(ctx.t("ov.dcf.caption"))
    preset = translated_choice(
        "radio",
        ctx.t("ov.dcf.preset"),
        ["spec", "constant"],
        key="dcf_preset",
        lang=ctx.lang,
        format_func=lambda k: ctx.t(f"ov.dcf.preset.{k}"),
        horizontal=True,
    )
    c1, c2, c3, c4 = st.columns(4)
    # The margin assumed at import (orders without gross profit) is the default here too.
    default_margin = clv.SPEC_DCF_MARGIN
    if ctx.assumed_margin is not None:
        default_margin = min(max(ctx.assumed_margin, 0.05), 0.80)
    margin = c1.slider(ctx.t("ov.dcf.margin"), 0.05, 0.80, default_margin, 0.01, key="dcf_margin")
    discount = c2.slider(ctx.t("ov.dcf.discount"), 0.0, 0.30, clv.SPEC_DCF_DISCOUNT, 0.01, key="dcf_discount")
    if preset == "spec":
        spend: list[float] | float = clv.SPEC_DCF_SPEND
        survival = clv.extend_survival_linearly(clv.SPEC_DCF_SURVIVAL, clv.SPEC_DCF_TAIL_STEP)
    else:
        spend = c3.number_input(
            ctx.t("ov.dcf.spend", cur=ctx.unit), 0, 1_000_000, 10_000, 500, key="dcf_spend"
        )
        retention = c4.slider(ctx.t("ov.dcf.retention"), 0.0, 1.0, 0.85, 0.01, key="dcf_retention")
        years = c3.slider(ctx.t("ov.dcf.years"), 1, 30, 10, key="dcf_years")
        survival = clv.survival_from_retention(retention, years)

    rows = clv.dcf_clv(spend, margin, survival, discount)
    total = clv.dcf_total(rows)
    dcf_figures = [Headline(ctx.t("ov.dcf.total"), fmt.money_full(total, ctx.currency))]
    if preset == "spec":
        dcf_figures += [
            Headline(ctx.t("ov.dcf.first6"), fmt.money_full(clv.dcf_total(rows[:6]), ctx.currency)),
            Headline(ctx.t("ov.dcf.tail"), fmt.money_full(clv.dcf_total(rows[6:]), ctx.currency)),
        ]
    metric_row(dcf_figures, border=False)
    if preset == "spec":
        st.caption(ctx.t("ov.dcf.note"))

    dcf_table(ctx, rows)


def dcf_table(ctx: Context, rows: list[clv.DcfYear]) -> None:
    """The DCF explorer's present value by year: a bar chart beside the table, with its download."""
    table = pd.DataFrame(
        {
            ctx.t("ov.col.year"): [r.year for r in rows],
            ctx.t("ov.col.spend"): [r.spend for r in rows],
            ctx.t("ov.col.survival"): [r.survival for r in rows],
            ctx.t("ov.col.gp"): [round(r.gross_profit) for r in rows],
            ctx.t("ov.col.factor"): [round(r.discount_factor, 3) for r in rows],
            ctx.t("ov.col.pv"): [round(r.present_value) for r in rows],
        }
    )
    chart, grid = st.columns([3, 2])
    with chart:
        build = lambda: _dcf_chart(ctx, table)  # noqa: E731
        st.plotly_chart(kept_by_key("ov_dcf", (tuple(rows), ctx.lang, ctx.currency), build), width="stretch")
    with grid:
        st.dataframe(
            table,
            hide_index=True,
            height=320,
            column_config={
                ctx.t("ov.col.spend"): st.column_config.NumberColumn(format="%,d"),
                ctx.t("ov.col.gp"): st.column_config.NumberColumn(format="%,d"),
                ctx.t("ov.col.pv"): st.column_config.NumberColumn(format="%,d"),
            },
        )
        table_downloads(ctx, table, "dcf_clv", "ov_dl_dcf", ctx.t("ov.dcf"))


def _dcf_chart(ctx: Context, table: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=table[ctx.t("ov.col.year")], y=table[ctx.t("ov.col.pv")]))
    fig.update_layout(
        xaxis_title=ctx.t("ov.col.year"),
        yaxis_title=ctx.t("ov.col.pv"),
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
    )
    money_axis(fig, "y", float(table[ctx.t("ov.col.pv")].max()), lang=ctx.lang, currency=ctx.currency)
    return fig
