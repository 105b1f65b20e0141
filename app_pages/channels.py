"""Channels and cohorts: which acquisition channels pay (SPEC §6).

Storyboard: horizon -> LTV/CAC per channel (this data, or the seed's table to explore) with
the bands -> CAC by year -> budget shift simulator (and what the seed's 3.2 → 4.8 really
gives) -> cohorts by purchase year, model, region or channel: table, retention heatmap,
cumulative gross profit against CAC.
"""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine import drill as drill_engine
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database
from clv_engine.export import to_csv_bytes, to_excel_bytes
from ui import drill
from ui.context import cached, page_context
from ui.safe import md, plot_text, plot_texts
from ui.widgets import Headline, dashed, metric_row
from wording import fmt

ctx = page_context()
lang = ctx.lang
URL = "query-params"
CAC_WINDOWS = [0, 12, 24, 36]  # months; 0 = all
SIM_MONTHS = 12


# -- cached engine calls ------------------------------------------------------------------
@cached(max_entries=8)
def _cube(db: Database, as_of: date, params: LtvParams, stores: tuple[str, ...] | None) -> cohorts.CohortCube:
    # One pass over the orders; every table below (any cohort dimension) is summed from it.
    return cohorts.cohort_cube(db, as_of, params, stores)


@cached
def _cac(db: Database, as_of: date, months: int | None) -> pd.DataFrame | None:
    return ch.channel_cac(db, as_of, months) if db.table_rows("channel_spend") else None


@cached
def _cac_by_year(db: Database, as_of: date) -> pd.DataFrame:
    return ch.cac_by_period(db, as_of, "year")


# -- small helpers ------------------------------------------------------------------------
def label(code) -> str:
    return ch.channel_label(code, lang)


def band_text(band: str | None) -> str:
    # No ratio (no spend row): pandas keeps a missing band as NaN, which is truthy.
    return ctx.t(f"channels.band.{band}") if isinstance(band, str) and band else "—"


def downloads(frame: pd.DataFrame, sheets: dict[str, pd.DataFrame], name: str, key: str) -> None:
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        ctx.t("channels.download.csv"), to_csv_bytes(frame), file_name=f"{name}.csv",
        mime="text/csv", key=f"{key}_csv",
    )
    right.download_button(
        ctx.t("channels.download.xlsx"), to_excel_bytes(sheets), file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
    )


def ratio_chart(labels: list[str], ratios: list[float], bands: list[str | None]) -> go.Figure:
    colours = [ch.BAND_COLOURS.get(b, "#9e9e9e") for b in bands]
    fig = go.Figure(
        go.Bar(x=plot_texts(labels), y=ratios, marker_color=colours, text=[fmt.multiple(r) for r in ratios],
               textposition="outside", cliponaxis=False)
    )
    finite = [r for r in ratios if pd.notna(r) and r > 0]
    # One excellent channel (referral at 20-30×) would flatten the others: a log axis then.
    log = bool(finite) and max(finite) > 12
    for limit in ch.BAND_LIMITS:
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=limit, y1=limit,
                      line=dict(dash="dot", color="#616161", width=1))
        # On a log axis plotly places annotations (not shapes) at log10 of the value.
        fig.add_annotation(xref="paper", x=1, y=math.log10(limit) if log else limit,
                           text=f"{limit:g}×", showarrow=False,
                           xanchor="left", font=dict(color="#616161"))
    top = max(finite + [6.0])
    fig.update_layout(
        yaxis_title=ctx.t("channels.chart.ratio"), showlegend=False, height=340,
        margin=dict(l=10, r=40, t=30, b=10),
        yaxis=dict(type="log", range=[math.log10(0.5), math.log10(top * 2)],
                   tickvals=[v for v in (0.5, 1, 2, 3, 5, 10, 20, 50, 100, 200) if v <= top * 2]) if log
        else dict(range=[0, top * 1.15]),
    )
    return fig


def ratio_table(table: pd.DataFrame, advice: bool = False) -> pd.DataFrame:
    out = {
        ctx.t("channels.col.channel"): [label(c) for c in table["channel"]],
        ctx.t("channels.col.cac"): table["cac"].round(0),
        ctx.t("channels.col.ltv"): table["ltv"].round(0),
        ctx.t("channels.col.ratio"): table["ltv_cac"].round(1),
        ctx.t("channels.col.band"): [band_text(b) for b in table["band"]],
    }
    if advice:
        out[ctx.t("channels.col.seed_advice")] = [ctx.t(f"channels.advice.{a}") for a in table["advice"]]
    return pd.DataFrame(out)


MONEY = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
RATIO = st.column_config.NumberColumn(format="%.1f×")
PCT = st.column_config.NumberColumn(format="%.1f%%")


# -- inputs -------------------------------------------------------------------------------
# A keyed choice widget keeps its identity when the language changes, but the browser still
# holds the old language's label as its value and shows no choice (the next rerun then falls
# back to the default). Writing each value back before the widgets are drawn makes the server
# send the choice in the new language.
CHOICE_KEYS = ("ch_cac_window", "ch_source", "ch_sim_base", "ch_sim_from", "ch_sim_to", "ch_sim_split",
               "ch_cohort_dim")
if st.session_state.get("ch_lang", lang) != lang:
    for choice in CHOICE_KEYS:
        if choice in st.session_state:
            st.session_state[choice] = st.session_state[choice]
st.session_state["ch_lang"] = lang

st.title(ctx.t("channels.title"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
c1, c2 = st.columns([2, 1])
horizon = c1.slider(ctx.t("channels.horizon"), 1, 15, 7, key="ch_horizon", bind=URL)
window = c2.selectbox(
    ctx.t("channels.cac_window"), CAC_WINDOWS, key="ch_cac_window", bind=URL,
    format_func=lambda m: ctx.t("channels.cac_window.months", n=m) if m else ctx.t("channels.cac_window.all"),
)
params = LtvParams(horizon_years=horizon, discount_rate=ctx.clv_params.discount_rate)
has_spend = ctx.has("channel_spend")
cube = _cube(ctx.db, ctx.as_of, params, ctx.store_ids)
ltv = ch.channel_ltv_from_cube(cube)
if ltv.empty:
    st.info(ctx.t("channels.empty"))
    st.stop()
retention = ltv.attrs["retention"]
st.caption(ctx.t("channels.ltv.definition", h=horizon, d=fmt.pct(params.discount_rate), r=fmt.pct(retention, 1)))

# -- LTV/CAC per channel ------------------------------------------------------------------
st.header(ctx.t("channels.ratio.header"))
source = st.radio(
    ctx.t("channels.source"), ["data", "spec"], key="ch_source", bind=URL, horizontal=True,
    format_func=lambda k: ctx.t(f"channels.source.{k}"),
)
if source == "spec":
    st.caption(ctx.t("channels.spec.caption"))
    spec = ch.spec_channel_table()
    edited = st.data_editor(
        pd.DataFrame({
            ctx.t("channels.col.channel"): [label(c) for c in spec["channel"]],
            ctx.t("channels.col.cac"): spec["cac"],
            ctx.t("channels.col.ltv"): spec["ltv"],
        }),
        disabled=[ctx.t("channels.col.channel")], hide_index=True, key="ch_spec_editor",
        column_config={ctx.t("channels.col.cac"): MONEY, ctx.t("channels.col.ltv"): MONEY},
    )
    spec["cac"] = pd.to_numeric(edited[ctx.t("channels.col.cac")], errors="coerce").to_numpy()
    spec["ltv"] = pd.to_numeric(edited[ctx.t("channels.col.ltv")], errors="coerce").to_numpy()
    spec["ltv_cac"] = [ch.ltv_cac_ratio(v, c) for v, c in zip(spec["ltv"], spec["cac"])]
    spec["band"] = [ch.verdict_band(None if pd.isna(r) else round(r, 1)) for r in spec["ltv_cac"]]
    shown = ratio_table(spec, advice=True)
    st.plotly_chart(ratio_chart(shown.iloc[:, 0].tolist(), spec["ltv_cac"].tolist(), spec["band"].tolist()),
                    width="stretch")
    frame, config = dashed(shown, {
        ctx.t("channels.col.cac"): MONEY, ctx.t("channels.col.ltv"): MONEY, ctx.t("channels.col.ratio"): RATIO})
    st.dataframe(frame, hide_index=True, column_config=config)
    downloads(shown, {ctx.t("channels.sheet.channels"): shown}, "channels_seed_table", "ch_dl_spec")
else:
    cac = _cac(ctx.db, ctx.as_of, window or None)
    table = ch.combine_channel_table(ltv, cac)
    if ctx.store_ids and has_spend:
        st.caption(ctx.t("channels.scope_note"))
    if not has_spend:
        st.info(ctx.t("channels.needs_spend"))
        shown = pd.DataFrame({
            ctx.t("channels.col.channel"): [label(c) for c in table["channel"]],
            ctx.t("channels.col.customers"): table["customers"],
            ctx.t("channels.col.ltv"): table["ltv"].round(0),
            ctx.t("channels.col.annual_gp"): table["annual_gp"].round(0),
            ctx.t("channels.col.total_ltv"): table["total_ltv"].round(0),
        })
        frame, config = dashed(shown, {
            ctx.t("channels.col.ltv"): MONEY, ctx.t("channels.col.annual_gp"): MONEY,
            ctx.t("channels.col.total_ltv"): MONEY})
        st.dataframe(frame, hide_index=True, column_config=config)
        downloads(shown, {ctx.t("channels.sheet.channels"): shown}, "channels", "ch_dl_channels")
    else:
        priced = table[table["ltv_cac"].notna()]
        won = (priced["new_customers"] * priced["ltv"]).sum()
        blended = ch.blended_ratio(won, priced["spend"].sum())
        heads = [Headline(ctx.t("channels.blended"), fmt.multiple(blended), ctx.t("channels.blended.help")),
                 Headline(ctx.t("group.spend_total" if ctx.store_ids else "channels.spend_total"),
                          ctx.money(table["spend"].sum()))]
        if not priced.empty:
            best = priced.loc[priced["ltv_cac"].idxmax()]
            worst = priced.loc[priced["ltv_cac"].idxmin()]
            heads += [Headline(ctx.t("channels.best"), md(label(best["channel"])), delta=fmt.multiple(best["ltv_cac"]),
                               delta_color="off", delta_arrow="off"),
                      Headline(ctx.t("channels.worst"), md(label(worst["channel"])),
                               delta=fmt.multiple(worst["ltv_cac"]), delta_color="off", delta_arrow="off")]
        metric_row(heads, border=False)   # a grid that wraps rather than cuts a channel's name
        shown = ratio_table(table)
        shown.insert(1, ctx.t("channels.col.customers"), table["customers"])
        shown.insert(2, ctx.t("channels.col.spend"), table["spend"].round(0))
        shown.insert(3, ctx.t("channels.col.new_customers"), table["new_customers"])
        shown[ctx.t("channels.col.annual_gp")] = table["annual_gp"].round(0)
        shown[ctx.t("channels.col.payback")] = table["payback_months"].round(1)
        group_names = {}
        if ctx.store_ids:  # spend, the new customers it bought and CAC are the whole group's: named so
            group_names = {ctx.t("channels.col.spend"): ctx.t("group.spend"), ctx.t("channels.col.cac"): ctx.t("group.cac"),
                           ctx.t("channels.col.new_customers"): ctx.t("group.new_customers")}
            shown = shown.rename(columns=group_names)
        st.plotly_chart(ratio_chart(shown.iloc[:, 0].tolist(), table["ltv_cac"].tolist(), table["band"].tolist()),
                        width="stretch")
        frame, config = dashed(shown, {group_names.get(k, k): v for k, v in {
            ctx.t("channels.col.spend"): MONEY, ctx.t("channels.col.cac"): MONEY,
            ctx.t("channels.col.ltv"): MONEY, ctx.t("channels.col.annual_gp"): MONEY,
            ctx.t("channels.col.ratio"): RATIO,
            ctx.t("channels.col.payback"): st.column_config.NumberColumn(
                format="%.1f", help=ctx.t("channels.payback.help")),
        }.items()})
        st.dataframe(frame, hide_index=True, column_config=config)
        yearly = _cac_by_year(ctx.db, ctx.as_of)
        by_year = yearly.assign(year=pd.to_datetime(yearly["period"]).dt.year, name=[label(c) for c in yearly["channel"]])
        by_year = by_year.pivot(index="year", columns="name", values="cac").round(0).reset_index()
        by_year = by_year.rename(columns={"year": ctx.t("channels.col.period")})
        by_year.columns.name = None
        with st.expander(ctx.t("channels.by_period")):
            frame, config = dashed(by_year, {c: MONEY for c in by_year.columns if c != ctx.t("channels.col.period")})
            st.dataframe(frame, hide_index=True, column_config=config)
        downloads(shown, {ctx.t("channels.sheet.channels"): shown, ctx.t("channels.sheet.cac_by_year"): by_year},
                  "channels", "ch_dl_channels")

# -- budget shift simulator ---------------------------------------------------------------
st.header(ctx.t("channels.sim.header"))
base_kind = st.radio(
    ctx.t("channels.sim.base"), ["data", "spec_customers", "spec_spend"], key="ch_sim_base", bind=URL,
    horizontal=True, format_func=lambda k: ctx.t(f"channels.sim.base.{k}"),
)
if base_kind == "data":
    base = ch.data_simulator_base(ch.combine_channel_table(ltv, _cac(ctx.db, ctx.as_of, SIM_MONTHS))) if has_spend else None
else:
    base = ch.spec_simulator_base("customers" if base_kind == "spec_customers" else "spend")
if base is None or base.empty:
    st.info(ctx.t("channels.sim.needs_spend"))
else:
    options = base["channel"].tolist()
    s1, s2 = st.columns(2)
    sources = s1.multiselect(
        ctx.t("channels.sim.from"), options, default=[c for c in ch.SPEC_SHIFT_FROM if c in options],
        format_func=label, key="ch_sim_from", bind=URL,
    )
    targets = s2.multiselect(
        ctx.t("channels.sim.to"), [c for c in options if c not in sources],
        default=[c for c in ch.SPEC_SHIFT_TO if c in options and c not in sources],
        format_func=label, key="ch_sim_to", bind=URL,
    )
    s3, s4, s5 = st.columns(3)
    share = s3.slider(ctx.t("channels.sim.share"), 0, 100, 30, 5, format="%d%%", key="ch_sim_share", bind=URL)
    split = s4.radio(
        ctx.t("channels.sim.split"), list(ch.SPLITS), key="ch_sim_split", bind=URL,
        format_func=lambda k: ctx.t(f"channels.sim.split.{k}"),
    )
    beta = s5.slider(ctx.t("channels.sim.beta"), 0.3, 1.0, 0.8, 0.05, key="ch_sim_beta", bind=URL)
    st.caption(ctx.t("channels.sim.beta.help"))
    shift = ch.BudgetShift(tuple(sources), tuple(targets), share / 100, split, beta)
    try:
        result = ch.shift_budget(base, shift)
        linear = ch.shift_budget(base, ch.BudgetShift(shift.from_channels, shift.to_channels, shift.share, split, 1.0))
    except ValueError as error:
        st.warning(ctx.t("channels.sim.error", error=md(error)))
    else:
        m = st.columns(3)
        m[0].metric(ctx.t("channels.sim.customers"), fmt.number(result.customers_after),
                    fmt.number(result.customers_after - result.customers_before))
        m[1].metric(ctx.t("channels.sim.ltv"), ctx.money(result.ltv_after),
                    fmt.pct(result.value_change, 1))
        m[2].metric(ctx.t("channels.sim.ratio"),
                    ctx.t("channels.sim.before_after", before=fmt.multiple(result.ratio_before),
                          after=fmt.multiple(result.ratio_after)),
                    fmt.multiple(result.ratio_after - result.ratio_before))
        if beta < 1:
            st.caption(ctx.t("channels.sim.linear", ratio=fmt.multiple(linear.ratio_after),
                             customers=fmt.number(linear.customers_after)))
        rows = result.table
        names = [label(c) for c in rows["channel"]]
        fig = go.Figure([
            go.Bar(name=ctx.t("channels.sim.before"), x=plot_texts(names), y=rows["spend_before"]),
            go.Bar(name=ctx.t("channels.sim.after"), x=plot_texts(names), y=rows["spend_after"]),
        ])
        fig.update_layout(barmode="group", height=320, margin=dict(l=10, r=10, t=30, b=10),
                          title=ctx.t("channels.sim.spend_chart"), legend=dict(orientation="h"))
        sim_table = pd.DataFrame({
            ctx.t("channels.col.channel"): names,
            ctx.t("channels.col.spend_before"): rows["spend_before"].round(0),
            ctx.t("channels.col.spend_after"): rows["spend_after"].round(0),
            ctx.t("channels.col.customers_before"): rows["customers_before"].round(0),  # people are whole
            ctx.t("channels.col.customers_after"): rows["customers_after"].round(0),
            ctx.t("channels.col.cac_after"): rows["cac_after"].round(0),
            ctx.t("channels.col.ltv_before"): rows["ltv_before"].round(0),
            ctx.t("channels.col.ltv_after"): rows["ltv_after"].round(0),
        })
        st.plotly_chart(fig, width="stretch")
        counts = (ctx.t("channels.col.customers_before"), ctx.t("channels.col.customers_after"))
        config = {c: MONEY for c in sim_table.columns if c != ctx.t("channels.col.channel")}
        config.update({c: st.column_config.NumberColumn(format="%,d") for c in counts})
        st.dataframe(sim_table, hide_index=True, column_config=config)
        downloads(sim_table, {ctx.t("channels.sheet.simulator"): sim_table}, "budget_shift", "ch_dl_sim")
rec = ch.spec_reconciliation("equal")
prop = ch.spec_reconciliation("spend")
st.info(ctx.t(
    "channels.sim.reconcile",
    c_before=fmt.multiple(rec.equal_customers_before), c_after=fmt.multiple(rec.equal_customers_after),
    c_value=fmt.pct(rec.equal_customers_value_change), s_before=fmt.multiple(rec.equal_spend_before),
    s_after=fmt.multiple(rec.equal_spend_after), p_after=fmt.multiple(prop.equal_customers_after),
    p_value=fmt.pct(prop.equal_customers_value_change),
))

# -- cohorts ------------------------------------------------------------------------------
st.header(ctx.t("channels.cohort.header"))
dim = st.segmented_control(
    ctx.t("channels.cohort.dimension"), list(cohorts.DIMENSIONS), default="purchase_year", required=True,
    format_func=lambda k: ctx.t(f"channels.dim.{k}"), key="ch_cohort_dim", bind=URL,
) or "purchase_year"
summary = cohorts.summary_from_cube(cube, dim)
years = cohorts.years_from_cube(cube, dim)
mix = cohorts.mix_from_cube(cube, dim)
if dim == "channel":
    summary = ch.in_display_order(summary, "cohort")


def cohort_label(value) -> str:
    if dim == "channel":
        return label(value)
    if value is None or pd.isna(value):
        return ctx.t("channels.unrecorded")
    return str(value)


# From here on a cohort is its display name: a missing value (NaN) cannot be looked up in a
# dict or a Series index, its label can.
for frame in (summary, years, mix):
    frame["cohort"] = [cohort_label(v) for v in frame["cohort"]]

cohort_cac = pd.Series(dtype=float)
overall_cac = _cac(ctx.db, ctx.as_of, None)
if overall_cac is not None:
    cohort_cac = ch.cohort_cac(mix, _cac_by_year(ctx.db, ctx.as_of), overall_cac)
payback = cohorts.cohort_payback_year(years, cohort_cac)
ltv_col = ctx.t("channels.col.ltv_h", h=horizon)
cohort_table = pd.DataFrame({
    ctx.t("channels.col.cohort"): [cohort_label(v) for v in summary["cohort"]],
    ctx.t("channels.col.customers"): summary["customers"],
    ctx.t("channels.col.first_year_spend"): summary["first_year_spend"].astype(float).round(0),
    # Rates in percent points, so the download shows the same numbers as the screen.
    ctx.t("channels.col.first_service_return"): (summary["first_service_return"].astype(float) * 100).round(1),
    ctx.t("channels.col.repeat_rate"): (summary["repeat_rate"].astype(float) * 100).round(1),
    ltv_col: summary["ltv"].astype(float).round(0),
})
if overall_cac is not None:
    cohort_table[ctx.t("channels.col.cohort_cac")] = summary["cohort"].map(cohort_cac).round(0).to_numpy()
    cohort_table[ctx.t("channels.col.ratio")] = (summary["ltv"] / summary["cohort"].map(cohort_cac)).round(1).to_numpy()
    cohort_table[ctx.t("channels.col.payback_year")] = summary["cohort"].map(payback).to_numpy()
frame, config = dashed(cohort_table, {
    ctx.t("channels.col.first_year_spend"): MONEY, ltv_col: MONEY,
    ctx.t("channels.col.first_service_return"): PCT, ctx.t("channels.col.repeat_rate"): PCT,
    ctx.t("channels.col.cohort_cac"): MONEY, ctx.t("channels.col.ratio"): RATIO,
    ctx.t("channels.col.payback_year"): st.column_config.NumberColumn(format="%d"),
})
st.dataframe(frame, hide_index=True, column_config=config)
st.caption(ctx.t("channels.cohort.definitions"))

matrix = cohorts.retention_matrix(years)
matrix = matrix.reindex([c for c in summary["cohort"] if c in matrix.index])
left, right = st.columns(2)
with left:
    st.subheader(ctx.t("channels.cohort.retention"))
    if matrix.empty:
        st.info(ctx.t("channels.cohort.empty"))
    else:
        heat = go.Figure(go.Heatmap(
            z=matrix.to_numpy(), x=[str(c) for c in matrix.columns], y=[plot_text(cohort_label(v)) for v in matrix.index],
            zmin=0, zmax=1, colorscale="Blues", text=[[fmt.pct(v) if pd.notna(v) else "" for v in row]
                                                      for row in matrix.to_numpy()],
            texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{text}<extra></extra>", colorbar=dict(tickformat=".0%"),
        ))
        heat.update_layout(xaxis_title=ctx.t("channels.col.year"), yaxis_autorange="reversed", height=380,
                           xaxis_dtick=1, yaxis_type="category",
                           margin=dict(l=10, r=10, t=10, b=10))
        # A heat map cannot be selected in Plotly: invisible markers on the cells carry the cohort's
        # raw value ("" when unrecorded) and the year, so a click lists the customers behind it.
        # The cohort goes in as its position among the cohorts (names are a dealer's text).
        raw_cohorts = ["" if v is None or pd.isna(v) else str(v) for v in cohorts.summary_from_cube(cube, dim)["cohort"]]
        position = {cohort_label(v or None): i for i, v in enumerate(raw_cohorts)}
        cells = [(c, y) for c in matrix.index for y, v in zip(matrix.columns, matrix.loc[c]) if pd.notna(v)]
        heat.add_scatter(x=[str(y) for _, y in cells], y=[plot_text(c) for c, _ in cells],
                         customdata=[[position[c], int(y)] for c, y in cells], mode="markers",
                         hoverinfo="none", showlegend=False,
                         marker=dict(size=20, symbol="square", color="rgba(0,0,0,0)"))
        cohort_event = st.plotly_chart(heat, width="stretch", key="ch_cohort_heat", on_select="rerun",
                                       selection_mode="points")
with right:
    st.subheader(ctx.t("channels.cohort.cumulative"))
    palette = qualitative.Plotly
    curves = go.Figure()
    groups = dict(list(years.groupby("cohort", dropna=False, sort=False)))
    for i, cohort in enumerate(c for c in summary["cohort"] if c in groups):
        group = groups[cohort]
        colour = palette[i % len(palette)]
        name = plot_text(cohort_label(cohort))
        curves.add_trace(go.Scatter(x=group["year"], y=group["cumulative_gp"], mode="lines+markers",
                                    name=name, line=dict(color=colour), legendgroup=name))
        cost = cohort_cac.get(cohort) if len(cohort_cac) else None
        if cost is not None and pd.notna(cost):
            curves.add_trace(go.Scatter(
                x=[0.8, max(group["year"].max(), 1) + 0.2], y=[cost, cost], mode="lines",
                name=f"{name} · {ctx.t('channels.cohort.cac_suffix')}", line=dict(color=colour, dash="dash"),
                legendgroup=name, showlegend=False,
            ))
    curves.update_layout(xaxis_title=ctx.t("channels.col.year"), yaxis_title=ctx.t("channels.cohort.gp_axis"),
                         height=380, xaxis_dtick=1, yaxis_rangemode="tozero", margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(curves, width="stretch")
    st.caption(ctx.t("channels.cohort.cumulative.caption") if overall_cac is not None
               else ctx.t("channels.cohort.no_cac"))

# -- click through: the customers behind the clicked cohort cells --
if not matrix.empty:
    drill.customer_list_for(
        ctx, cohort_event, None, ("cohort", "year"), key=f"ch_drill_{dim}",
        describe=lambda k: f"{cohort_label(raw_cohorts[int(k['cohort'])] or None)} · "
                           f"{ctx.t('drill.year_k', k=int(k['year']))}",
        extra_labels={"purchase_year": ctx.t("drill.col.purchase_year"),
                      "completed_years": ctx.t("drill.col.completed_years"),
                      "ordered_in_year": ctx.t("drill.col.ordered_in_year")},
        select=lambda _, points: pd.concat([drill_engine.cohort_cell(ctx.db, ctx.as_of, params, ctx.store_ids, dim,
                                                                     raw_cohorts[int(k["cohort"])], k["year"])
                                            for k in drill_engine.selected_keys(points, ("cohort", "year"))]))
# --
heat_table = matrix.copy()
heat_table.index = [cohort_label(v) for v in heat_table.index]
heat_table = heat_table.reset_index().rename(columns={"index": ctx.t("channels.col.cohort")})
heat_table.columns = [str(c) for c in heat_table.columns]
cumulative = years.pivot(index="cohort", columns="year", values="cumulative_gp").round(0)
cumulative = cumulative.reindex(matrix.index)
cumulative.index = [cohort_label(v) for v in cumulative.index]
cumulative = cumulative.reset_index().rename(columns={"index": ctx.t("channels.col.cohort")})
cumulative.columns = [str(c) for c in cumulative.columns]
downloads(cohort_table, {
    ctx.t("channels.sheet.cohorts"): cohort_table,
    ctx.t("channels.sheet.retention"): heat_table,
    ctx.t("channels.sheet.cumulative"): cumulative,
}, f"cohorts_{dim}", "ch_dl_cohorts")
