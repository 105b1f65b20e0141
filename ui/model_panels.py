"""Page helpers of the predictive CLV model page: the fitted parameters, the frequency/recency
maps, the holdout check and the customers whose P(alive) fell most."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from clv_engine import predictive
from clv_engine import status as cs
from clv_engine.models.kept import KeptHeadline
from clv_engine.predictive import DAYS_PER_YEAR, visit_grid
from ui import queries
from ui.context import Context
from ui.widgets import Headline, metric_row
from wording import fmt
from wording.predictive import fit_error_text

WEEKS_PER_YEAR = DAYS_PER_YEAR / 7.0
DAYS_PER_MONTH = DAYS_PER_YEAR / 12.0


def significant(value: float, digits: int = 4) -> str:
    return "—" if not np.isfinite(value) else f"{value:.{digits}g}"


def in_scope(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    if not ctx.store_ids:
        return frame
    return frame[frame["home_store_id"].isin(ctx.store_ids)]


def params_table(ctx: Context, model) -> None:
    """The fitted parameters with their standard errors and what each one means."""
    v, ve = model.visits.params, model.visits.standard_errors
    s, se = model.spend.params, model.spend.standard_errors
    visits_label, spend_label = ctx.t("predictive.params.visits"), ctx.t("predictive.params.spend")
    rows = [
        (visits_label, "r", v.r, ve.r, ctx.t("predictive.param.r", rate=f"{v.r / v.alpha:.3f}")),
        (visits_label, "α", v.alpha, ve.alpha, ctx.t("predictive.param.alpha")),
        (visits_label, "a", v.a, ve.a, ctx.t("predictive.param.a", p=fmt.pct(v.a / (v.a + v.b), 1))),
        (visits_label, "b", v.b, ve.b, ctx.t("predictive.param.b")),
        (spend_label, "p", s.p, se.p, ctx.t("predictive.param.p", cv=f"{1 / np.sqrt(s.p):.2f}")),
        (spend_label, "q", s.q, se.q, ctx.t("predictive.param.q")),
        (spend_label, "γ", s.gamma, se.gamma, ctx.t("predictive.param.gamma")),
    ]
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("predictive.params.model"): [r[0] for r in rows],
                ctx.t("predictive.params.name"): [r[1] for r in rows],
                ctx.t("predictive.params.estimate"): [significant(r[2]) for r in rows],
                ctx.t("predictive.params.se"): [significant(r[3], 3) for r in rows],
                ctx.t("predictive.params.meaning"): [r[4] for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        ctx.t(
            "predictive.params.caption",
            ll_visits=f"{model.visits.log_likelihood:,.1f}",
            ll_spend=f"{model.spend.log_likelihood:,.1f}",
            n_spend=fmt.number(model.spend.n_customers),
        )
    )


def maps_chart(ctx: Context, model, years: int, frequency_p99: float) -> None:
    """Expected visits and P(alive) by visits so far and months since the last visit
    (``frequency_p99``: the 99th percentile of the customers' visits, the map's height)."""
    max_frequency = int(np.clip(frequency_p99, 5, 30))
    grid = visit_grid(
        model.visits,
        T=years * WEEKS_PER_YEAR,
        horizon=WEEKS_PER_YEAR,
        max_frequency=max_frequency,
        recency_steps=37,
    )
    # Managers read "months since the last visit" more easily than the model's recency (time
    # from first to last visit): the columns are reversed so that "just came" is on the left.
    months_since = ((grid.T - grid.recency) * 7.0 / DAYS_PER_MONTH)[::-1]
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.14,
        subplot_titles=(ctx.t("predictive.map.visits"), ctx.t("predictive.map.alive")),
    )
    # Each colour bar sits just right of its own map (the first one in the gap between them).
    for col, (z, scale, bar_x) in enumerate(
        ((grid.expected_visits, "Blues", 0.435), (grid.p_alive, "RdYlGn", 1.0)), start=1
    ):
        fig.add_trace(
            go.Heatmap(
                z=z[:, ::-1],
                x=np.round(months_since, 1),
                y=grid.frequency,
                colorscale=scale,
                colorbar=dict(x=bar_x, len=0.9, thickness=14),
                hovertemplate="%{x} · %{y} · %{z:.2f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text=ctx.t("predictive.map.x"), row=1, col=col)
    fig.update_yaxes(title_text=ctx.t("predictive.map.y"), row=1, col=1)
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10))
    st.plotly_chart(fig, width="stretch")


def holdout_panel(ctx: Context, check, calibration_end: date) -> None:
    """Predicted against actual visits after the calibration end: totals and by past visits."""
    error = (check.predicted_total - check.actual_total) / check.actual_total if check.actual_total else None
    metric_row(
        [
            Headline(ctx.t("predictive.holdout.actual"), fmt.number(check.actual_total)),
            Headline(ctx.t("predictive.holdout.predicted"), fmt.number(check.predicted_total)),
            Headline(
                ctx.t("predictive.holdout.error"), fmt.pct(error, 1), ctx.t("predictive.holdout.error.help")
            ),
        ],
        border=False,
    )
    table = check.table
    labels = [str(k) for k in table["calibration_visits"]]
    labels[-1] = ctx.t("predictive.holdout.more", n=labels[-1])
    fig = go.Figure(
        [
            go.Bar(name=ctx.t("predictive.holdout.actual"), x=labels, y=table["actual"]),
            go.Bar(name=ctx.t("predictive.holdout.predicted"), x=labels, y=table["predicted"]),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis_title=ctx.t("predictive.holdout.x"),
        xaxis_type="category",  # else "7+" is dropped from a numeric axis
        yaxis_title=ctx.t("predictive.holdout.y"),
        legend=dict(orientation="h", y=1.1),
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(
        ctx.t("predictive.holdout.caption", cal=calibration_end.isoformat(), end=ctx.as_of.isoformat())
    )


def headline_of(scoped: pd.DataFrame, status_active: float | None) -> KeptHeadline:
    """The headline's figures from the predictions of the customers in scope (what
    ``queries.model_headline`` sums in DuckDB when the predictions are kept)."""
    n = len(scoped)
    return KeptHeadline(
        customers=n,
        likely_alive=float((scoped["p_alive"] >= cs.P_ALIVE_LIKELY).mean()) if n else None,
        expected_visits=float(scoped["expected_visits"].sum()),
        predictive_clv=float(scoped["predictive_clv"].sum()),
        status_active=status_active,
    )


def rows_of(predictions: pd.DataFrame) -> Callable[[list], pd.DataFrame]:
    """The drops table's look-up in the predictions frame: only the rows shown (indexing every
    customer's id to look up a few took most of a second)."""
    return lambda ids: predictions[predictions["customer_id"].isin(ids)]


def kept_rows(ctx: Context, params) -> Callable[[list], pd.DataFrame]:
    """The drops table's look-up in the file's kept predictions (a query of a few rows)."""
    return lambda ids: queries.model_predictions_of(ctx.db, ctx.as_of, params, tuple(ids))


def drops_table(ctx: Context, drops: pd.DataFrame, predictions_of: Callable[[list], pd.DataFrame]) -> None:
    """The customers whose P(alive) fell most, with their chance of a visit and their CLV;
    ``predictions_of(ids)``: customer_id, p_visit_12m and predictive_clv of those customers."""
    shown = predictions_of([str(c) for c in drops["customer_id"].tolist()])
    by_customer = shown.set_index("customer_id")
    clv_by_customer = by_customer["predictive_clv"]
    visit_12m = ctx.t("predictive.col.visit_12m")
    store_names = dict(zip(ctx.stores()["store_id"], ctx.stores()["name"]))
    change, before, now = (ctx.t(f"predictive.col.{k}") for k in ("change", "before", "now"))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("predictive.col.customer"): drops["customer_id"],
                ctx.t("predictive.col.name"): drops["name"],
                ctx.t("predictive.col.store"): drops["home_store_id"].map(lambda s: store_names.get(s, s)),
                ctx.t("predictive.col.visits"): drops["frequency"].astype(int),
                ctx.t("predictive.col.last_visit"): pd.to_datetime(drops["last_visit"]).dt.date,
                before: drops["p_alive_before"],
                now: drops["p_alive"],
                change: drops["change"] * 100,  # a change in a probability: points
                visit_12m: by_customer["p_visit_12m"].reindex(drops["customer_id"]).to_numpy(),
                ctx.t("predictive.col.clv"): [
                    ctx.money(clv_by_customer.get(c)) for c in drops["customer_id"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={k: st.column_config.NumberColumn(format="percent") for k in (before, now, visit_12m)}
        | {change: st.column_config.NumberColumn(format=fmt.pp_column(ctx.lang))},
    )


SHOWN_DROPS = predictive.DROPS_SHOWN


@st.fragment
def maps_section(ctx: Context, model, summary_facts: tuple[int, float, float]) -> None:
    """Frequency / recency maps of expected visits and P(alive) for a customer age (a fragment);
    ``summary_facts``: queries.model_summary_facts (customers, longest T, visits' p99)."""
    st.subheader(ctx.t("predictive.map.title"))
    _, longest, frequency_p99 = summary_facts
    max_years = max(1, int(longest // WEEKS_PER_YEAR))
    # A slider needs two ages to choose from: with less than two years of history there is one.
    if max_years > 1:
        years = st.slider(ctx.t("predictive.map.age"), 1, max_years, min(3, max_years), key="model_age")
    else:
        years = 1
    maps_chart(ctx, model, years, frequency_p99)
    st.caption(ctx.t("predictive.map.caption", years=years))


@st.fragment
def holdout_section(ctx: Context) -> None:
    """The holdout check: predicted against actual visits after a calibration end (a fragment)."""
    st.subheader(ctx.t("predictive.holdout.title"))
    months = st.select_slider(
        ctx.t("predictive.holdout.months"),
        [6, 12, 18, 24],
        value=predictive.HOLDOUT_DEFAULT_MONTHS,  # kept computed in the file (clv_engine.derived)
        key="model_holdout_months",
    )
    calibration_end = predictive.holdout_calibration_end(ctx.as_of, months)
    check = queries.holdout(ctx.db, calibration_end, ctx.as_of)
    if isinstance(check, dict):
        st.info(ctx.t("predictive.holdout.unavailable", reason=fit_error_text(check, ctx.lang)))
    else:
        holdout_panel(ctx, check, calibration_end)


@st.fragment
def drops_section(ctx: Context, predictions_of: Callable[[list], pd.DataFrame]) -> None:
    """The customers whose P(alive) fell most over a lookback (a fragment)."""
    st.subheader(ctx.t("predictive.drops.title"))
    lookback = st.select_slider(
        ctx.t("predictive.drops.lookback"),
        [30, 60, 90, 180],
        value=predictive.DROPS_DEFAULT_DAYS,  # its start kept in the file (clv_engine.derived)
        key="model_lookback",
    )
    st.caption(ctx.t("predictive.drops.caption", days=lookback))
    stores = tuple(ctx.store_ids) if ctx.store_ids else None  # in_scope's customers
    drops = queries.alive_drops(ctx.db, ctx.as_of, lookback, stores, SHOWN_DROPS)
    # Sorted by the change, falls first: the falls shown are a prefix of the ranking.
    drops = drops[drops["change"] < 0]
    if drops.empty:
        st.info(ctx.t("predictive.drops.empty"))
    else:
        drops_table(ctx, drops, predictions_of)
