"""Page helpers of the actions page: lists on screen, their downloads and the rule inputs."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from clv_engine import complaints as cq
from clv_engine import service_due
from ui.context import Context
from ui.downloads import table_downloads
from ui.queries import complaint_lists_all, service_due_all, warranty_offers_all
from ui.widgets import by_value, dashed
from wording import fmt
from wording.segmentation import tier_label

AGGREGATES = ("rates",)  # lists of stores, not of customers


# Rows drawn on screen: a list of 60,000 customers at a million took a second per rerun to
# format and send, and no one scrolls that far; the downloads hold every row.
SHOWN_ROWS = 1_000


def show(ctx: Context, table: pd.DataFrame, config: dict | None = None, rows: int | None = None) -> None:
    """A list on screen, its first SHOWN_ROWS rows, missing values as "—" (the downloads keep
    the whole frame as it is). ``rows``: the whole list's length when ``table`` is its first
    rows only."""
    rows = len(table) if rows is None else rows
    if rows > SHOWN_ROWS:
        st.caption(ctx.t("actions.shown", shown=fmt.number(SHOWN_ROWS), n=fmt.number(rows)))
        table = table.head(SHOWN_ROWS)
    frame, config = dashed(table, config)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def file_name(ctx: Context, kind: str) -> str:
    """<list>_<stores or all>_<date>: store codes kept to letters, digits and dashes."""
    scope = "-".join(re.sub(r"[^0-9A-Za-z_-]", "", s) for s in ctx.store_ids) if ctx.store_ids else "all"
    return f"{ctx.t('actions.file.' + kind)}_{scope or 'stores'}_{ctx.as_of.isoformat()}"


def downloads(
    ctx: Context, frame: pd.DataFrame | Callable[[], pd.DataFrame], kind: str, rows: int | None = None
) -> None:
    """CSV and Excel of a shown list (headers as shown); a list of customers is audited and
    offered only to a viewer who may export customers. ``frame`` may be a function building
    the whole list when clicked (``rows`` long) where the page holds its first rows only."""
    table_downloads(
        ctx,
        frame,
        file_name(ctx, kind),
        f"act_dl_{kind}",
        kind,
        labels=("actions.download.csv", "actions.download.xlsx"),
        audit=None if kind in AGGREGATES else f"actions_{kind}",
        rows=rows,
    )


def shown(ctx: Context, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns to show, headed in the reader's language."""
    out = frame[list(columns)].rename(columns={c: ctx.t(k) for c, k in columns.items()})
    out.attrs = {}  # the engine's notes (dates) are not for the table
    return out


def number_inputs(
    ctx: Context, spec: list[tuple[str, str, int, int, int]], container, on_change=None, args=None
) -> None:
    cols = container.columns(len(spec))
    for col, (key, label, low, high, step) in zip(cols, spec):
        col.number_input(
            ctx.t(label),
            min_value=low,
            max_value=high,
            step=step,
            key=key,
            persist_state="session",
            on_change=on_change,
            args=args,
        )


def open_tab(key: str, label: str) -> None:
    """A rule input's on_change: its tab (``label`` of the tabs ``key``) is the open one."""
    st.session_state[key] = label


# -- the lists of each tab ---------------------------------------------------------------------


# Who to contact and for which vehicle: the first columns of the service and warranty lists.
CONTACT_COLUMNS = {
    "customer_id": "actions.col.customer",
    "name": "actions.col.name",
    "phone": "actions.col.phone",
    "store_name": "actions.col.store",
    "vehicle_model": "actions.col.model",
    "vin": "actions.col.vin",
}
SERVICE_COLUMNS = {
    **CONTACT_COLUMNS,
    "last_service": "actions.col.last_service",
    "last_km": "actions.col.last_km",
    "km_per_day": "actions.col.km_per_day",
    "basis": "actions.col.basis",
    "due_date": "actions.col.due",
    "days_to_due": "actions.col.days_to_due",
}


def service_table(ctx: Context, due: pd.DataFrame) -> pd.DataFrame:
    """Services due as shown and downloaded: the basis in words, headers in the reader's language."""
    return shown(
        ctx, due.assign(basis=by_value(due["basis"], lambda b: ctx.t(f"actions.basis.{b}"))), SERVICE_COLUMNS
    )


def service_tables(
    ctx: Context,
    due: service_due.DueSummary,
    offers: tuple[pd.DataFrame, int],
    rules: service_due.ServiceRules,
) -> None:
    """The service list (its first rows; the whole list built when a download is clicked) and
    the warranty offers, each with its downloads."""
    st.subheader(ctx.t("actions.svc.list"))
    if due.rows == 0:
        st.info(ctx.t("actions.empty"))
    else:
        show(
            ctx,
            service_table(ctx, due.first),
            {
                ctx.t("actions.col.last_km"): st.column_config.NumberColumn(format="%d"),
                ctx.t("actions.col.km_per_day"): st.column_config.NumberColumn(format="%.1f"),
            },
            rows=due.rows,
        )
        scope = (ctx.db, ctx.as_of, ctx.store_ids, rules)
        downloads(ctx, lambda: service_table(ctx, service_due_all(*scope)), "service", rows=due.rows)
    st.subheader(ctx.t("actions.svc.offers"))
    st.caption(ctx.t("actions.svc.offers.caption", months=rules.offer_months))
    first, rows = offers  # its first rows and the whole list's length (built when downloaded)
    if rows == 0:
        st.info(ctx.t("actions.empty"))
    else:
        show(ctx, offers_table(ctx, first), rows=rows)
        scope = (ctx.db, ctx.as_of, ctx.store_ids, rules)
        downloads(ctx, lambda: offers_table(ctx, warranty_offers_all(*scope)), "warranty", rows=rows)


def offers_table(ctx: Context, offers: pd.DataFrame) -> pd.DataFrame:
    """Warranty offers as shown and downloaded, headers in the reader's language."""
    return shown(
        ctx,
        offers,
        {
            **CONTACT_COLUMNS,
            "purchase_date": "actions.col.purchase",
            "warranty_end": "actions.col.warranty_end",
            "days_left": "actions.col.days_left",
        },
    )


def tier_table(ctx: Context, changes: pd.DataFrame) -> None:
    """The tier changes due, each with its reason in words, and their downloads."""
    if changes.empty:
        st.info(ctx.t("actions.empty"))
        return

    def reason(code: str, figure: float, threshold: float) -> str:
        if code == "spend":
            figure, threshold = ctx.money(figure), ctx.money(threshold)
        else:
            figure, threshold = fmt.number(figure, 0), fmt.number(threshold, 0)
        return ctx.t(f"actions.reason.{code}", figure=figure, threshold=threshold)

    words = changes.assign(
        tier_scored=by_value(changes["tier_scored"], lambda t: tier_label("rfml", t, ctx.lang)),
        from_tier=by_value(changes["from_tier"], lambda t: ctx.t(f"actions.tier.{t}")),
        to_tier=by_value(changes["to_tier"], lambda t: ctx.t(f"actions.tier.{t}")),
        direction=by_value(changes["direction"], lambda d: ctx.t(f"actions.dir.{d}")),
        reason=[reason(*r) for r in zip(changes["reason"], changes["figure"], changes["threshold"])],
    )
    table = shown(
        ctx,
        words,
        {
            "customer_id": "actions.col.customer",
            "name": "actions.col.name",
            "phone": "actions.col.phone",
            "store_name": "actions.col.store",
            "direction": "actions.col.direction",
            "from_tier": "actions.col.from",
            "to_tier": "actions.col.to",
            "reason": "actions.col.reason",
            "tier_scored": "actions.col.tier_scored",
            "last_visit": "actions.col.last_visit",
        },
    )
    show(ctx, table, {ctx.t("actions.col.reason"): st.column_config.TextColumn(width="large")})
    downloads(ctx, table, "tiers")


COMPLAINT_COLUMNS = {
    "complaint_id": "actions.col.complaint",
    "customer_id": "actions.col.customer",
    "name": "actions.col.name",
    "phone": "actions.col.phone",
    "store_name": "actions.col.store",
    "level": "actions.col.level",
    "owner": "actions.col.owner",
    "compensation_limit": "actions.col.authority",
    "opened_at": "actions.col.opened",
    "deadline": "actions.col.deadline",
    "responded_at": "actions.col.responded",
}


def complaint_tables(
    ctx: Context,
    open_: pd.DataFrame,
    late: pd.DataFrame,
    rates: pd.DataFrame,
    counts: dict[str, int],
    rules: cq.ClockRules,
) -> None:
    """Open complaints, breached ones (the first rows of each: ``counts`` has the whole lists'
    lengths, their files are built when clicked) and the breach rate by store, with downloads."""

    def words(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(
            level=by_value(frame["level"], lambda lv: ctx.t(f"seg.complaint.{lv}")),
            owner=by_value(frame["owner"], lambda o: ctx.t(f"seg.owner.{o}")),
            compensation_limit=by_value(
                frame["compensation_limit"],
                lambda v: ctx.t("actions.q.unlimited") if pd.isna(v) else ctx.money(v),
            ),
        )

    times = {
        ctx.t(k): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
        for k in (
            "actions.col.opened",
            "actions.col.deadline",
            "actions.col.responded",
            "actions.col.resolved",
        )
    }
    hours = {
        ctx.t(k): st.column_config.NumberColumn(format="%.1f")
        for k in ("actions.col.hours_left", "actions.col.late_hours")
    }

    def every() -> tuple[pd.DataFrame, pd.DataFrame]:  # the whole lists, on a click
        return complaint_lists_all(ctx.db, ctx.as_of, ctx.store_ids, rules)

    st.subheader(ctx.t("actions.q.open"))
    if open_.empty:
        st.info(ctx.t("actions.q.none_open"))
    else:
        open_columns = {**COMPLAINT_COLUMNS, "hours_left": "actions.col.hours_left"}
        show(ctx, shown(ctx, words(open_), open_columns), {**times, **hours}, rows=counts["open"])
        downloads(ctx, lambda: shown(ctx, words(every()[0]), open_columns), "open", rows=counts["open"])
    st.subheader(ctx.t("actions.q.breaches"))
    if late.empty:
        st.info(ctx.t("actions.q.none_breached"))
    else:
        late_columns = {
            **COMPLAINT_COLUMNS,
            "resolved_at": "actions.col.resolved",
            "late_hours": "actions.col.late_hours",
        }
        show(ctx, shown(ctx, words(late), late_columns), {**times, **hours}, rows=counts["breaches"])
        downloads(
            ctx, lambda: shown(ctx, words(every()[1]), late_columns), "breaches", rows=counts["breaches"]
        )
    st.subheader(ctx.t("actions.q.by_store"))
    if rates.empty:
        st.info(ctx.t("actions.q.none_breached"))
    else:
        table = shown(
            ctx,
            rates,
            {
                "store_name": "actions.col.store",
                "judged": "actions.col.judged",
                "breaches": "actions.col.breaches",
                "rate": "actions.col.rate",
            },
        )
        show(ctx, table, {ctx.t("actions.col.rate"): st.column_config.NumberColumn(format="percent")})
        downloads(ctx, table, "rates")
