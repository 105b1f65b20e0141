"""Panels of the churn page's second half (app_pages/churn.py): what acting on the list is
worth, where to stop calling, the list a store works from and its files."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import churn
from ui import queries
from ui.charts import money_axis
from ui.churn_panels import level_name, signal_name
from ui.context import Context
from ui.downloads import table_downloads
from ui.widgets import Headline, metric_row
from wording import fmt
from wording.churn import export_frame

SHOWN_ROWS = 200
MONEY_COLUMNS = ("clv", "cost", "ev", "clv_saved")


def with_details(ctx: Context, rows: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """These rows of the narrow list with what the table and the files show of them: the
    signals' facts (for the reasons, from ``scored``) and the call details (name, phone,
    vehicle, store, owner ...), read for them only."""
    rows = churn.with_signals(rows, scored, ctx.db) if "row" in rows.columns else rows
    # The last visit is the signals' last order (to the same day): no pass over the orders.
    known = "last_order" in rows.columns
    details = queries.call_details(ctx.db, ctx.as_of, rows["customer_id"], last_visit=not known)
    return churn.with_details(rows, details)


def totals(ctx: Context, shown: pd.DataFrame, scored: pd.DataFrame, rules: churn.SignalRules) -> None:
    """What acting on the whole (filtered) list costs and keeps."""
    st.subheader(ctx.t("churn.totals"))
    sums = churn.list_totals(shown)
    metric_row(
        [
            Headline(ctx.t("churn.m.customers"), fmt.number(sums.customers)),
            Headline(ctx.t("churn.m.cost"), ctx.money(sums.cost)),
            Headline(
                ctx.t("churn.m.saved_customers"),
                fmt.people(sums.customers_saved),
                ctx.t("churn.m.customers_saved.help"),
            ),
            Headline(ctx.t("churn.m.saved"), ctx.money(sums.clv_saved), ctx.t("churn.m.saved.help")),
            Headline(ctx.t("churn.m.multiple"), fmt.multiple(sums.multiple), ctx.t("churn.m.multiple.help")),
        ],
        border=False,
    )
    lapsed = int((scored["level"] == churn.LAPSED).sum())
    st.caption(
        ctx.t("churn.lapsed.note", n=fmt.number(lapsed), days=rules.watch_days)
        + " "
        + ctx.t("churn.spec_seed"),
        help=ctx.t("status.lapsed.help", lapsed=rules.watch_days),
    )


def per_store_capacity(ctx: Context, per_store: pd.DataFrame, kind: str) -> None:
    """Per store: calls made within the capacity, and what the next call would be worth."""
    names = dict(zip(ctx.stores()["store_id"], ctx.stores()["name"]))
    best = per_store.sort_values("next_value", ascending=False, na_position="last").iloc[0]
    if np.isfinite(best["next_value"]):
        key = "churn.capacity.next.budget" if kind == "budget" else "churn.capacity.next.calls"
        st.info(
            ctx.t(
                key,
                value=ctx.money(best["next_value"]),
                store=names.get(best["store_id"], best["store_id"]),
                cost=ctx.money(best["next_cost"]),
                gain=ctx.money(best["next_gain"]),
            )
        )
    else:
        st.caption(ctx.t("churn.capacity.all_in"))
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.store"): [
                    names.get(s, s) or ctx.t("churn.store.none") for s in per_store["store_id"]
                ],
                ctx.t(f"churn.capacity.col.{kind}"): per_store["capacity"],
                ctx.t("churn.capacity.col.calls_made"): per_store["calls"],
                ctx.t("churn.col.cost"): per_store["cost"],
                ctx.t("churn.capacity.col.net"): per_store["net_value"].round(0),
                ctx.t("churn.capacity.col.next"): per_store["next_value"].round(0),
                **(
                    {ctx.t("churn.capacity.col.gain"): per_store["next_gain"].round(0)}
                    if kind == "budget"
                    else {}
                ),
            }
        ),
        hide_index=True,
        column_config={
            ctx.t(k): money
            for k in (
                "churn.col.cost",
                "churn.capacity.col.net",
                "churn.capacity.col.next",
                "churn.capacity.col.gain",
                "churn.capacity.col.budget",
            )
        },
    )


def where_to_stop(ctx: Context, shown: pd.DataFrame):
    """The net value of calling the first n of the ranking, peak marked (clickable points)."""
    st.markdown(f"**{ctx.t('churn.chart.title')}**")
    cumulative, best_n = churn.best_call_count(shown)
    step = max(1, len(cumulative) // 400)
    x = np.arange(1, len(cumulative) + 1)
    # Markers (small) so a point can be clicked: customdata n lists the first n customers (ui.drill).
    # The hover in the reader's words and money ("First 1,200 called: ¥87,321 expected"), not
    # plotly's raw "(1200, 87.32141k)"; a few hundred points, each worded once.
    called, net = x[::step], cumulative[::step]
    fig = go.Figure(
        go.Scatter(
            x=called,
            y=net,
            mode="lines+markers",
            marker=dict(size=4),
            customdata=called,
            text=[
                ctx.t("churn.chart.hover", n=fmt.number(n), value=ctx.money(v)) for n, v in zip(called, net)
            ],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.add_vline(x=best_n, line_dash="dot")
    fig.add_annotation(
        x=best_n,
        y=cumulative[best_n - 1],
        text=ctx.t("churn.chart.best", n=fmt.number(best_n)),
        showarrow=True,
        xanchor="right",
        ay=30,  # below the peak: the peak is the curve's top, where plotly's toolbar sits
    )
    fig.update_layout(
        xaxis_title=ctx.t("churn.chart.called"),
        yaxis_title=ctx.t("churn.chart.cumulative"),
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
    )
    # The reader's money on the axis (¥1.2M / ¥120万), below zero where calling more loses.
    money_axis(fig, "y", float(np.max(cumulative)), float(np.min(cumulative)), ctx.lang, ctx.currency)
    return st.plotly_chart(
        fig, width="stretch", key="churn_chart_curve", on_select="rerun", selection_mode="points"
    )


def by_level(ctx: Context, shown: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('churn.by_level')}**")
    summary = churn.level_summary(shown)
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.level"): [level_name(ctx, lv) for lv in summary["level"]],
                ctx.t("churn.calibration.customers"): summary["customers"],
                ctx.t("churn.col.cost"): summary["cost"],
                ctx.t("churn.col.clv_saved"): summary["clv_saved"].round(0),
                # No cost, no multiple: "—" (st.dataframe would draw a missing number as "None").
                ctx.t("churn.col.multiple"): [fmt.multiple(v) for v in summary["multiple"]],
            }
        ),
        hide_index=True,
        column_config={
            ctx.t("churn.col.cost"): money,
            ctx.t("churn.col.clv_saved"): money,
            ctx.t("churn.calibration.customers"): st.column_config.NumberColumn(format="localized"),
        },
    )


def call_list_table(ctx: Context, shown: pd.DataFrame, scored: pd.DataFrame) -> None:
    """The first rows of the list a store works from, each opening the customer's lookup."""
    st.subheader(ctx.t("churn.list"))
    st.caption(ctx.t("churn.list.caption", n=fmt.number(len(shown)), shown=min(SHOWN_ROWS, len(shown))))
    due = ctx.as_of + pd.Timedelta(days=churn.DUE_DAYS)
    st.caption(ctx.t("churn.list.due", days=churn.DUE_DAYS, due=due.isoformat()))
    head = shown.head(SHOWN_ROWS)
    table = queries.drawn_call_list(
        ctx.db,
        ctx.as_of,
        ctx.store_ids,
        ctx.clv_params,
        ctx.clv_model,
        tuple(scored.attrs["weights"].items()),
        scored.attrs["levels"],
        head,
        ctx.lang,
        lambda: _drawn(ctx, head, scored),
    )
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    percent = st.column_config.NumberColumn(format="percent")
    day = st.column_config.DateColumn(format="YYYY-MM-DD")
    st.dataframe(
        table,
        hide_index=True,
        height=420,
        column_config={
            ctx.t("churn.col.open"): st.column_config.LinkColumn(display_text=ctx.t("churn.open")),
            ctx.t("churn.col.due"): day,
            ctx.t("churn.col.last_visit"): day,
            ctx.t("churn.col.p_churn"): percent,
            ctx.t("churn.col.success"): percent,
            ctx.t("churn.col.clv"): money,
            ctx.t("churn.col.ev"): money,
            ctx.t("churn.col.cost"): money,
            ctx.t("churn.col.reasons"): st.column_config.TextColumn(width="large"),
        },
    )


def _drawn(ctx: Context, head: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """The drawn rows with their details, in words, each opening the customer's lookup."""
    head = with_details(ctx, head, scored)
    table = export_frame(head, ctx.lang)
    # Each row opens the customer's lookup (its search box reads lookup_query from the address).
    # The id is URL-encoded and only ever a link's address: the cell shows a fixed word.
    table.insert(
        2,
        ctx.t("churn.col.open"),
        ["lookup?lookup_query=" + quote(str(c), safe="") for c in head["customer_id"]],
    )
    return table


def _method_sheet(
    ctx: Context,
    scored: pd.DataFrame,
    method: str,
    defs: dict[str, str],
    actions: list[churn.Intervention],
    rate_source: dict[str, str],
    kind: str,
    amount,
) -> pd.DataFrame:
    used = scored.attrs["weights"]
    rows = [
        (ctx.t("churn.method.as_of"), ctx.as_of.isoformat()),
        (ctx.t("churn.method.p"), ctx.t(f"churn.p.{method}")),
        (ctx.t("churn.method.formula"), ctx.t("churn.method.formula.value")),
    ]
    rows += [
        (ctx.t("churn.method.weight", signal=signal_name(ctx, s)), fmt.pct(used[s], 1)) for s in churn.SIGNALS
    ]
    rows += [(signal_name(ctx, s), defs[s]) for s in churn.SIGNALS]
    rows += [
        (
            ctx.t("churn.method.success", level=level_name(ctx, a.level)),
            ctx.t(f"churn.measured.source.{rate_source[a.level]}", rate=fmt.pct(a.success)),
        )
        for a in actions
    ]
    rows.append((ctx.t("churn.col.due"), ctx.t("churn.method.due", days=churn.DUE_DAYS)))
    if kind == "calls":
        rows.append((ctx.t("churn.capacity"), ctx.t("churn.method.capacity.calls", n=int(amount))))
    elif kind == "budget":
        rows.append(
            (ctx.t("churn.capacity"), ctx.t("churn.method.capacity.budget", budget=ctx.money(amount)))
        )
    return pd.DataFrame(rows, columns=[ctx.t("churn.method.item"), ctx.t("churn.method.value")])


def _levels_sheet(ctx: Context, shown: pd.DataFrame) -> pd.DataFrame:
    summary = churn.level_summary(shown)
    return pd.DataFrame(
        {
            ctx.t("churn.col.level"): [level_name(ctx, lv) for lv in summary["level"]],
            ctx.t("churn.col.action"): [ctx.t(f"churn.action.{lv}") for lv in summary["level"]],
            ctx.t("churn.m.customers"): summary["customers"],
            ctx.t("churn.col.cost"): summary["cost"],
            ctx.t("churn.col.customers_saved"): summary["customers_saved"].round(0),  # people are whole
            ctx.t("churn.col.clv_saved"): summary["clv_saved"],
            ctx.t("churn.col.multiple"): summary["multiple"],
        }
    )


def downloads(ctx: Context, shown: pd.DataFrame, scope_names: list[str], method_sheet: dict) -> None:
    """CSV and Excel of the whole filtered list, named by store and date, built on click and
    logged (a customer list: not offered to an analyst). ``method_sheet``: the arguments of
    the method sheet (scored, method, defs, actions, rate_source, kind, amount)."""
    name = churn.list_file_name(ctx.t("churn.file"), scope_names, ctx.t("churn.file.all_stores"), ctx.as_of)
    scored = method_sheet["scored"]
    # Every row with its details, read when a file is asked for (never on a rerun).
    table_downloads(
        ctx,
        lambda: export_frame(with_details(ctx, shown, scored), ctx.lang),
        name,
        "churn_dl",
        sheets=lambda: {
            ctx.t("churn.sheet.list"): export_frame(with_details(ctx, shown, scored), ctx.lang),
            ctx.t("churn.sheet.levels"): _levels_sheet(ctx, shown),
            ctx.t("churn.sheet.method"): _method_sheet(ctx, **method_sheet),
        },
        labels=("churn.download.csv", "churn.download.xlsx"),
        audit="churn_call_list",
        rows=len(shown),
        number_formats={ctx.t("churn.col.p_churn"): "0.0%", ctx.t("churn.col.success"): "0%"}
        | {ctx.t(f"churn.col.{k}"): fmt.excel_money_format(ctx.currency) for k in MONEY_COLUMNS},
    )
