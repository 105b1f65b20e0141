"""Cohort panels of the channels and cohorts page (app_pages/channels.py): the cohort table,
the retention heat map (with its click-through), cumulative gross profit against CAC."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine import drill as drill_engine
from clv_engine.cohorts import LtvParams
from ui import drill, queries
from ui.channel_panels import PCT, RATIO, money
from ui.charts import kept_figure
from ui.context import Context
from ui.downloads import table_downloads
from ui.safe import plot_text
from ui.widgets import dashed, translated_choice
from wording import fmt, t
from wording.channels import cohort_label as wording_cohort_label


def cohort_table(
    ctx: Context,
    summary: pd.DataFrame,
    cohort_cac: pd.Series,
    payback: pd.Series,
    horizon: int,
    has_cac: bool,
) -> pd.DataFrame:
    """The cohort table as shown (and downloaded); ``summary["cohort"]`` holds display names."""
    ltv_col = ctx.t("channels.col.ltv_h", h=horizon)
    table = pd.DataFrame(
        {
            ctx.t("channels.col.cohort"): list(summary["cohort"]),
            ctx.t("channels.col.customers"): summary["customers"],
            ctx.t("channels.col.first_year_spend"): summary["first_year_spend"].astype(float).round(0),
            # Rates in percent points, so the download shows the same numbers as the screen.
            ctx.t("channels.col.first_service_return"): (
                summary["first_service_return"].astype(float) * 100
            ).round(1),
            ctx.t("channels.col.repeat_rate"): (summary["repeat_rate"].astype(float) * 100).round(1),
            ltv_col: summary["ltv"].astype(float).round(0),
        }
    )
    if has_cac:
        cac = summary["cohort"].map(cohort_cac)
        table[ctx.t("channels.col.cohort_cac")] = cac.round(0).to_numpy()
        table[ctx.t("channels.col.ratio")] = ch.cohort_ratios(summary["ltv"], cac).round(1).to_numpy()
        table[ctx.t("channels.col.payback_year")] = summary["cohort"].map(payback).to_numpy()
    frame, config = dashed(
        table,
        {
            ctx.t("channels.col.first_year_spend"): money(ctx),
            ltv_col: money(ctx),
            ctx.t("channels.col.first_service_return"): PCT,
            ctx.t("channels.col.repeat_rate"): PCT,
            ctx.t("channels.col.cohort_cac"): money(ctx),
            ctx.t("channels.col.ratio"): RATIO,
            ctx.t("channels.col.payback_year"): st.column_config.NumberColumn(format="%d"),
        },
    )
    st.dataframe(frame, hide_index=True, column_config=config)
    st.caption(ctx.t("channels.cohort.definitions"))
    return table


def retention_heatmap(ctx: Context, matrix: pd.DataFrame, raw_cohorts: list[str], dim: str):
    """The retention heat map; returns its selection event (None when there is nothing to show).

    A heat map cannot be selected in Plotly: invisible markers on the cells carry the cohort's
    position among ``raw_cohorts`` (a dealer's text never goes into a chart's data) and the
    year, so a click lists the customers behind it.
    """
    st.subheader(ctx.t("channels.cohort.retention"))
    if matrix.empty:
        st.info(ctx.t("channels.cohort.empty"))
        return None
    heat = heatmap_figure(matrix, raw_cohorts, dim, ctx.lang)
    return st.plotly_chart(
        heat, width="stretch", key="ch_cohort_heat", on_select="rerun", selection_mode="points"
    )


@kept_figure
def heatmap_figure(matrix: pd.DataFrame, raw_cohorts: list[str], dim: str, lang: str) -> go.Figure:
    """The figure of :func:`retention_heatmap` (cohorts of ``dim`` named in ``lang``)."""

    def cohort_label(value) -> str:
        return wording_cohort_label(value, dim, lang)

    heat = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[str(c) for c in matrix.columns],
            y=[plot_text(cohort_label(v)) for v in matrix.index],
            zmin=0,
            zmax=1,
            colorscale="Blues",
            text=[[fmt.pct(v) if pd.notna(v) else "" for v in row] for row in matrix.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            colorbar=dict(tickformat=".0%"),
        )
    )
    heat.update_layout(
        xaxis_title=t("channels.col.year", lang),
        yaxis_autorange="reversed",
        height=380,
        xaxis_dtick=1,
        yaxis_type="category",
        margin=dict(l=10, r=10, t=10, b=10),
    )
    position = {cohort_label(v or None): i for i, v in enumerate(raw_cohorts)}
    cells = [(c, y) for c in matrix.index for y, v in zip(matrix.columns, matrix.loc[c]) if pd.notna(v)]
    heat.add_scatter(
        x=[str(y) for _, y in cells],
        y=[plot_text(c) for c, _ in cells],
        customdata=[[position[c], int(y)] for c, y in cells],
        mode="markers",
        hoverinfo="none",
        showlegend=False,
        marker=dict(size=20, symbol="square", color="rgba(0,0,0,0)"),
    )
    return heat


def cumulative_chart(
    ctx: Context,
    summary: pd.DataFrame,
    years: pd.DataFrame,
    cohort_cac: pd.Series,
    dim: str,
    has_cac: bool,
) -> None:
    """Cumulative gross profit per customer of each cohort against its CAC."""
    st.subheader(ctx.t("channels.cohort.cumulative"))
    curves = cumulative_figure(list(summary["cohort"]), years, cohort_cac, dim, ctx.lang, ctx.currency)
    st.plotly_chart(curves, width="stretch")
    st.caption(ctx.t("channels.cohort.cumulative.caption") if has_cac else ctx.t("channels.cohort.no_cac"))


@kept_figure
def cumulative_figure(
    order: list[str], years: pd.DataFrame, cohort_cac: pd.Series, dim: str, lang: str, currency: str = "CNY"
) -> go.Figure:
    """The figure of :func:`cumulative_chart`: the cohorts in ``order`` (of ``dim``, named in
    ``lang``)."""
    palette = qualitative.Plotly
    curves = go.Figure()
    groups = dict(list(years.groupby("cohort", dropna=False, sort=False)))
    for i, cohort in enumerate(c for c in order if c in groups):
        group = groups[cohort]
        colour = palette[i % len(palette)]
        name = plot_text(wording_cohort_label(cohort, dim, lang))
        curves.add_trace(
            go.Scatter(
                x=group["year"],
                y=group["cumulative_gp"],
                mode="lines+markers",
                name=name,
                line=dict(color=colour),
                legendgroup=name,
            )
        )
        cost = cohort_cac.get(cohort) if len(cohort_cac) else None
        if cost is not None and pd.notna(cost):
            curves.add_trace(
                go.Scatter(
                    x=[0.8, max(group["year"].max(), 1) + 0.2],
                    y=[cost, cost],
                    mode="lines",
                    name=f"{name} · {t('channels.cohort.cac_suffix', lang)}",
                    line=dict(color=colour, dash="dash"),
                    legendgroup=name,
                    showlegend=False,
                )
            )
    curves.update_layout(
        xaxis_title=t("channels.col.year", lang),
        yaxis_title=t("channels.cohort.gp_axis", lang, cur=fmt.currency_unit(currency, lang)),
        height=380,
        xaxis_dtick=1,
        yaxis_rangemode="tozero",
        margin=dict(l=10, r=10, t=10, b=10),
    )
    return curves


def cohort_downloads(
    ctx: Context,
    table: pd.DataFrame,
    matrix: pd.DataFrame,
    years: pd.DataFrame,
    cohort_label: Callable[[object], str],
    dim: str,
) -> None:
    heat_table = matrix.copy()
    heat_table.index = [cohort_label(v) for v in heat_table.index]
    heat_table = heat_table.reset_index().rename(columns={"index": ctx.t("channels.col.cohort")})
    heat_table.columns = [str(c) for c in heat_table.columns]
    cumulative = years.pivot(index="cohort", columns="year", values="cumulative_gp").round(0)
    cumulative = cumulative.reindex(matrix.index)
    cumulative.index = [cohort_label(v) for v in cumulative.index]
    cumulative = cumulative.reset_index().rename(columns={"index": ctx.t("channels.col.cohort")})
    cumulative.columns = [str(c) for c in cumulative.columns]
    table_downloads(
        ctx,
        table,
        f"cohorts_{dim}",
        "ch_dl_cohorts",
        sheets={
            ctx.t("channels.sheet.cohorts"): table,
            ctx.t("channels.sheet.retention"): heat_table,
            ctx.t("channels.sheet.cumulative"): cumulative,
        },
    )


@st.fragment
def cohort_section(ctx: Context, cube: pd.DataFrame, params: LtvParams, horizon: int) -> None:
    """Cohorts by purchase year, model, region or channel: the table, the retention heat map
    (with its click-through to customers), cumulative gross profit against CAC and the files.
    A fragment: the dimension and the heat map's clicks rerun only this section."""
    st.header(ctx.t("channels.cohort.header"))
    dim = translated_choice(
        "segmented_control",
        ctx.t("channels.cohort.dimension"),
        list(cohorts.DIMENSIONS),
        "ch_cohort_dim",
        ctx.lang,
        index=list(cohorts.DIMENSIONS).index("purchase_year"),
        link=True,
        required=True,
        format_func=lambda k: ctx.t(f"channels.dim.{k}"),
    )
    # summed from the cached cube (the page's arguments) and labelled, once per dimension and language
    summary, years, mix, raw_cohorts, cohort_cac, payback, matrix, has_cac = queries.cohort_section_tables(
        ctx.db, ctx.as_of, params, ctx.store_ids, dim, ctx.lang
    )

    def cohort_label(value) -> str:
        return wording_cohort_label(value, dim, ctx.lang)

    table = cohort_table(ctx, summary, cohort_cac, payback, horizon, has_cac)
    left, right = st.columns(2)
    with left:
        cohort_event = retention_heatmap(ctx, matrix, raw_cohorts, dim)
    with right:
        cumulative_chart(ctx, summary, years, cohort_cac, dim, has_cac)

    # -- click through: the customers behind the clicked cohort cells --
    if not matrix.empty:
        drill.customer_list_for(
            ctx,
            cohort_event,
            None,
            ("cohort", "year"),
            key=f"ch_drill_{dim}",
            describe=lambda k: (
                f"{cohort_label(raw_cohorts[int(k['cohort'])] or None)} · "
                f"{ctx.t('drill.year_k', k=int(k['year']))}"
            ),
            extra_labels={
                "purchase_year": ctx.t("drill.col.purchase_year"),
                "completed_years": ctx.t("drill.col.completed_years"),
                "ordered_in_year": ctx.t("drill.col.ordered_in_year"),
            },
            select=lambda _, points: pd.concat(
                [
                    drill_engine.cohort_cell(
                        ctx.db,
                        ctx.as_of,
                        params,
                        ctx.store_ids,
                        dim,
                        raw_cohorts[int(k["cohort"])],
                        k["year"],
                    )
                    for k in drill_engine.selected_keys(points, ("cohort", "year"))
                ]
            ),
        )
    cohort_downloads(ctx, table, matrix, years, cohort_label, dim)
