"""Panels of the channels and cohorts page (app_pages/channels.py): LTV/CAC per channel, the
budget-shift simulator, and cohorts (table, retention heat map, cumulative gross profit).

Channels are ids (``clv_engine.channels.CHANNEL_CODES`` or a dealer's own codes) everywhere
in state and links; ``label`` draws their names.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import channels as ch
from clv_engine.errors import InputError
from ui import queries
from ui.charts import kept_figure
from ui.context import Context
from ui.downloads import table_downloads
from ui.safe import md, plot_texts
from ui.widgets import Headline, dashed, metric_row, translated_choice
from wording import fmt
from wording.channels import advice_label, band_label, channel_label
from wording.errors import explain

RATIO = st.column_config.NumberColumn(format="%.1f×")
PCT = st.column_config.NumberColumn(format="%.1f%%")


def money(ctx: Context) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))


def label(ctx: Context, code) -> str:
    return channel_label(code, ctx.lang)


# -- LTV/CAC per channel ------------------------------------------------------------------
def ratio_chart(ctx: Context, labels: list[str], ratios: list[float], bands: list[str | None]) -> go.Figure:
    """LTV/CAC per channel as bars coloured by band, the bands' limits dotted (kept per input)."""
    return ratio_figure(plot_texts(labels), list(ratios), list(bands), ctx.t("channels.chart.ratio"))


@kept_figure
def ratio_figure(labels: list[str], ratios: list[float], bands: list[str | None], y_title: str) -> go.Figure:
    """The figure of :func:`ratio_chart` (``labels`` as drawn)."""
    colours = [ch.BAND_COLOURS.get(b, "#9e9e9e") for b in bands]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=ratios,
            marker_color=colours,
            text=[fmt.multiple(r) for r in ratios],
            textposition="outside",
            cliponaxis=False,
        )
    )
    finite = [r for r in ratios if pd.notna(r) and r > 0]
    # One excellent channel (referral at 20-30×) would flatten the others: a log axis then.
    log = bool(finite) and max(finite) > 12
    for limit in ch.BAND_LIMITS:
        fig.add_shape(
            type="line",
            xref="paper",
            x0=0,
            x1=1,
            y0=limit,
            y1=limit,
            line=dict(dash="dot", color="#616161", width=1),
        )
        # On a log axis plotly places annotations (not shapes) at log10 of the value.
        fig.add_annotation(
            xref="paper",
            x=1,
            y=math.log10(limit) if log else limit,
            text=f"{limit:g}×",
            showarrow=False,
            xanchor="left",
            font=dict(color="#616161"),
        )
    top = max(finite + [6.0])
    fig.update_layout(
        yaxis_title=y_title,
        showlegend=False,
        height=340,
        margin=dict(l=10, r=40, t=30, b=10),
        yaxis=dict(
            type="log",
            range=[math.log10(0.5), math.log10(top * 2)],
            tickvals=[v for v in (0.5, 1, 2, 3, 5, 10, 20, 50, 100, 200) if v <= top * 2],
        )
        if log
        else dict(range=[0, top * 1.15]),
    )
    return fig


def ratio_table(ctx: Context, table: pd.DataFrame, advice: bool = False) -> pd.DataFrame:
    out = {
        ctx.t("channels.col.channel"): [label(ctx, c) for c in table["channel"]],
        ctx.t("channels.col.cac"): table["cac"].round(0),
        ctx.t("channels.col.ltv"): table["ltv"].round(0),
        ctx.t("channels.col.ratio"): table["ltv_cac"].round(1),
        ctx.t("channels.col.band"): [band_label(b, ctx.lang) for b in table["band"]],
    }
    if advice:
        out[ctx.t("channels.col.seed_advice")] = [advice_label(a, ctx.lang) for a in table["advice"]]
    return pd.DataFrame(out)


def spec_panel(ctx: Context) -> None:
    """The seed's table (SPEC §6) with CAC and LTV the reader may edit."""
    st.caption(ctx.t("channels.spec.caption"))
    seed = ch.spec_channel_table()
    cac_col, ltv_col = ctx.t("channels.col.cac"), ctx.t("channels.col.ltv")
    edited = st.data_editor(
        pd.DataFrame(
            {
                ctx.t("channels.col.channel"): [label(ctx, c) for c in seed["channel"]],
                cac_col: seed["cac"],
                ltv_col: seed["ltv"],
            }
        ),
        disabled=[ctx.t("channels.col.channel")],
        hide_index=True,
        key="ch_spec_editor",
        placeholder="",  # an emptied cell, not Streamlit's English "None"
        column_config={cac_col: money(ctx), ltv_col: money(ctx)},
    )
    spec = ch.spec_channel_table(cac=edited[cac_col], ltv=edited[ltv_col])
    shown = ratio_table(ctx, spec, advice=True)
    st.plotly_chart(
        ratio_chart(ctx, shown.iloc[:, 0].tolist(), spec["ltv_cac"].tolist(), spec["band"].tolist()),
        width="stretch",
    )
    frame, config = dashed(
        shown, {cac_col: money(ctx), ltv_col: money(ctx), ctx.t("channels.col.ratio"): RATIO}
    )
    st.dataframe(frame, hide_index=True, column_config=config)
    table_downloads(ctx, shown, "channels_seed_table", "ch_dl_spec", ctx.t("channels.sheet.channels"))


def ltv_only_panel(ctx: Context, table: pd.DataFrame) -> None:
    """Without channel spend: LTV per channel, no CAC."""
    st.info(ctx.t("channels.needs_spend"))
    shown = pd.DataFrame(
        {
            ctx.t("channels.col.channel"): [label(ctx, c) for c in table["channel"]],
            ctx.t("channels.col.customers"): table["customers"],
            ctx.t("channels.col.ltv"): table["ltv"].round(0),
            ctx.t("channels.col.annual_gp"): table["annual_gp"].round(0),
            ctx.t("channels.col.total_ltv"): table["total_ltv"].round(0),
        }
    )
    frame, config = dashed(
        shown,
        {
            ctx.t("channels.col.ltv"): money(ctx),
            ctx.t("channels.col.annual_gp"): money(ctx),
            ctx.t("channels.col.total_ltv"): money(ctx),
        },
    )
    st.dataframe(frame, hide_index=True, column_config=config)
    table_downloads(ctx, shown, "channels", "ch_dl_channels", ctx.t("channels.sheet.channels"))


def ratio_headline(ctx: Context, table: pd.DataFrame) -> None:
    """Blended LTV/CAC, the spend, the best and the weakest channel."""
    priced = table[table["ltv_cac"].notna()]
    won = (priced["new_customers"] * priced["ltv"]).sum()
    blended = ch.blended_ratio(won, priced["spend"].sum())
    heads = [
        Headline(ctx.t("channels.blended"), fmt.multiple(blended), ctx.t("channels.blended.help")),
        Headline(
            ctx.t("group.spend_total" if ctx.store_ids else "channels.spend_total"),
            ctx.money(table["spend"].sum()),
        ),
    ]
    if not priced.empty:
        best = priced.loc[priced["ltv_cac"].idxmax()]
        worst = priced.loc[priced["ltv_cac"].idxmin()]
        heads += [
            Headline(
                ctx.t("channels.best"),
                md(label(ctx, best["channel"])),
                delta=fmt.multiple(best["ltv_cac"]),
                delta_color="off",
                delta_arrow="off",
            ),
            Headline(
                ctx.t("channels.worst"),
                md(label(ctx, worst["channel"])),
                delta=fmt.multiple(worst["ltv_cac"]),
                delta_color="off",
                delta_arrow="off",
            ),
        ]
    metric_row(heads, border=False)  # a grid that wraps rather than cuts a channel's name


def ratio_panel(ctx: Context, table: pd.DataFrame, yearly: pd.DataFrame) -> None:
    """LTV/CAC per channel on this data: chart, table, CAC by year, downloads."""
    ratio_headline(ctx, table)
    shown = ratio_table(ctx, table)
    shown.insert(1, ctx.t("channels.col.customers"), table["customers"])
    shown.insert(2, ctx.t("channels.col.spend"), table["spend"].round(0))
    shown.insert(3, ctx.t("channels.col.new_customers"), table["new_customers"])
    shown[ctx.t("channels.col.annual_gp")] = table["annual_gp"].round(0)
    shown[ctx.t("channels.col.payback")] = table["payback_months"].round(1)
    group_names = {}
    if ctx.store_ids:  # spend, the new customers it bought and CAC are the whole group's: named so
        group_names = {
            ctx.t("channels.col.spend"): ctx.t("group.spend"),
            ctx.t("channels.col.cac"): ctx.t("group.cac"),
            ctx.t("channels.col.new_customers"): ctx.t("group.new_customers"),
        }
        shown = shown.rename(columns=group_names)
    st.plotly_chart(
        ratio_chart(ctx, shown.iloc[:, 0].tolist(), table["ltv_cac"].tolist(), table["band"].tolist()),
        width="stretch",
    )
    frame, config = dashed(
        shown,
        {
            group_names.get(k, k): v
            for k, v in {
                ctx.t("channels.col.spend"): money(ctx),
                ctx.t("channels.col.cac"): money(ctx),
                ctx.t("channels.col.ltv"): money(ctx),
                ctx.t("channels.col.annual_gp"): money(ctx),
                ctx.t("channels.col.ratio"): RATIO,
                ctx.t("channels.col.payback"): st.column_config.NumberColumn(
                    format="%.1f", help=ctx.t("channels.payback.help")
                ),
            }.items()
        },
    )
    st.dataframe(frame, hide_index=True, column_config=config)
    by_year = yearly.assign(
        year=pd.to_datetime(yearly["period"]).dt.year, name=[label(ctx, c) for c in yearly["channel"]]
    )
    by_year = by_year.pivot(index="year", columns="name", values="cac").round(0).reset_index()
    by_year = by_year.rename(columns={"year": ctx.t("channels.col.period")})
    by_year.columns.name = None
    with st.expander(ctx.t("channels.by_period")):
        frame, config = dashed(
            by_year, {c: money(ctx) for c in by_year.columns if c != ctx.t("channels.col.period")}
        )
        st.dataframe(frame, hide_index=True, column_config=config)
    table_downloads(
        ctx,
        shown,
        "channels",
        "ch_dl_channels",
        sheets={ctx.t("channels.sheet.channels"): shown, ctx.t("channels.sheet.cac_by_year"): by_year},
    )


# -- budget shift simulator ---------------------------------------------------------------
@st.fragment
def simulator(ctx: Context, data_base: pd.DataFrame | None, url) -> None:
    """The budget shift simulator: its base (this data's ``data_base``, None without spend, or
    the seed's), inputs and result. A fragment: a change of its inputs reruns only it."""
    st.header(ctx.t("channels.sim.header"))
    base_kind = translated_choice(
        "radio",
        ctx.t("channels.sim.base"),
        ["data", "spec_customers", "spec_spend"],
        "ch_sim_base",
        ctx.lang,
        link=True,
        horizontal=True,
        format_func=lambda k: ctx.t(f"channels.sim.base.{k}"),
    )
    if base_kind == "data":
        base = data_base
    else:
        base = ch.spec_simulator_base("customers" if base_kind == "spec_customers" else "spend")
    if base is None or base.empty:
        st.info(ctx.t("channels.sim.needs_spend"))
    else:
        simulator_panel(ctx, base, shift_inputs(ctx, base, url))


def shift_inputs(ctx: Context, base: pd.DataFrame, url) -> ch.BudgetShift:
    """Sources, destinations (channel ids), share, split and β, bound to the link."""
    options = base["channel"].tolist()
    s1, s2 = st.columns(2)
    sources = s1.multiselect(
        ctx.t("channels.sim.from"),
        options,
        default=[c for c in ch.SPEC_SHIFT_FROM if c in options],
        format_func=lambda c: label(ctx, c),
        key="ch_sim_from",
        bind=url,
        placeholder=ctx.t("channels.sim.placeholder"),  # not Streamlit's English "Choose options"
    )
    targets = s2.multiselect(
        ctx.t("channels.sim.to"),
        [c for c in options if c not in sources],
        default=[c for c in ch.SPEC_SHIFT_TO if c in options and c not in sources],
        format_func=lambda c: label(ctx, c),
        key="ch_sim_to",
        bind=url,
        placeholder=ctx.t("channels.sim.placeholder"),  # not Streamlit's English "Choose options"
    )
    s3, s4, s5 = st.columns(3)
    share = s3.slider(ctx.t("channels.sim.share"), 0, 100, 30, 5, format="%d%%", key="ch_sim_share", bind=url)
    split = translated_choice(
        "radio",
        ctx.t("channels.sim.split"),
        list(ch.SPLITS),
        "ch_sim_split",
        ctx.lang,
        s4,
        link=url is not None,
        format_func=lambda k: ctx.t(f"channels.sim.split.{k}"),
    )
    beta = s5.slider(ctx.t("channels.sim.beta"), 0.3, 1.0, 0.8, 0.05, key="ch_sim_beta", bind=url)
    st.caption(ctx.t("channels.sim.beta.help"))
    return ch.BudgetShift(tuple(sources), tuple(targets), share / 100, split, beta)


def simulator_panel(ctx: Context, base: pd.DataFrame, shift: ch.BudgetShift) -> None:
    """The shift's result: customers, LTV and blended ratio after; spend chart; table."""
    try:
        result = queries.budget_shift(base, shift)
        linear = queries.budget_shift(
            base, ch.BudgetShift(shift.from_channels, shift.to_channels, shift.share, shift.split, 1.0)
        )
    except InputError as error:
        st.warning(ctx.t("channels.sim.error", error=md(explain(error, ctx.lang))))
        return
    metric_row(
        [
            Headline(
                ctx.t("channels.sim.customers"),
                fmt.number(result.customers_after),
                delta=fmt.number(result.customers_after - result.customers_before),
            ),
            Headline(
                ctx.t("channels.sim.ltv"), ctx.money(result.ltv_after), delta=fmt.pct(result.value_change, 1)
            ),
            Headline(
                ctx.t("channels.sim.ratio"),
                ctx.t(
                    "channels.sim.before_after",
                    before=fmt.multiple(result.ratio_before),
                    after=fmt.multiple(result.ratio_after),
                ),
                delta=fmt.multiple(result.ratio_after - result.ratio_before),
            ),
        ],
        border=False,
    )
    if shift.returns_exponent < 1:
        st.caption(
            ctx.t(
                "channels.sim.linear",
                ratio=fmt.multiple(linear.ratio_after),
                customers=fmt.number(linear.customers_after),
            )
        )
    rows = result.table
    names = [label(ctx, c) for c in rows["channel"]]
    fig = spend_figure(
        plot_texts(names),
        rows[["spend_before", "spend_after"]].reset_index(drop=True),
        (ctx.t("channels.sim.before"), ctx.t("channels.sim.after"), ctx.t("channels.sim.spend_chart")),
    )
    sim_table = pd.DataFrame(
        {
            ctx.t("channels.col.channel"): names,
            ctx.t("channels.col.spend_before"): rows["spend_before"].round(0),
            ctx.t("channels.col.spend_after"): rows["spend_after"].round(0),
            ctx.t("channels.col.customers_before"): rows["customers_before"].round(0),  # people are whole
            ctx.t("channels.col.customers_after"): rows["customers_after"].round(0),
            ctx.t("channels.col.cac_after"): rows["cac_after"].round(0),
            ctx.t("channels.col.ltv_before"): rows["ltv_before"].round(0),
            ctx.t("channels.col.ltv_after"): rows["ltv_after"].round(0),
        }
    )
    st.plotly_chart(fig, width="stretch")
    counts = (ctx.t("channels.col.customers_before"), ctx.t("channels.col.customers_after"))
    config = {c: money(ctx) for c in sim_table.columns if c != ctx.t("channels.col.channel")}
    config.update({c: st.column_config.NumberColumn(format="%,d") for c in counts})
    st.dataframe(sim_table, hide_index=True, column_config=config)
    table_downloads(ctx, sim_table, "budget_shift", "ch_dl_sim", ctx.t("channels.sheet.simulator"))


@kept_figure
def spend_figure(names: list[str], spend: pd.DataFrame, words: tuple[str, str, str]) -> go.Figure:
    """The simulator's spend per channel before and after the shift (``names`` as drawn;
    ``words``: the two bars' names and the title)."""
    before, after, title = words
    fig = go.Figure(
        [
            go.Bar(name=before, x=names, y=spend["spend_before"]),
            go.Bar(name=after, x=names, y=spend["spend_after"]),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=320,
        margin=dict(l=10, r=10, t=30, b=10),
        title=title,
        legend=dict(orientation="h"),
    )
    return fig


def reconciliation_note(ctx: Context) -> None:
    """What the seed's own table gives for its "3.2 → 4.8"."""
    rec = queries.spec_reconciliation("equal")
    prop = queries.spec_reconciliation("spend")
    st.info(
        ctx.t(
            "channels.sim.reconcile",
            c_before=fmt.multiple(rec.equal_customers_before),
            c_after=fmt.multiple(rec.equal_customers_after),
            c_value=fmt.pct(rec.equal_customers_value_change),
            s_before=fmt.multiple(rec.equal_spend_before),
            s_after=fmt.multiple(rec.equal_spend_after),
            p_after=fmt.multiple(prop.equal_customers_after),
            p_value=fmt.pct(prop.equal_customers_value_change),
        )
    )
