"""Complaints with a clock: each complaint's response deadline by the customer's tier, who owns
it and how much they may offer, and whether the deadline was kept.

The deadline (segmentation.COMPLAINT_RULES): respond within 2 h (VIP), 4 h (high value), 24 h
(ordinary) or 48 h (low value) of the complaint being logged; the customer's RFM+L tier on the
as-of date picks the level (segmentation.COMPLAINT_LEVEL). The first response is
``responded_at``, or the resolution when no response was logged (closing a complaint answers it).

A breach: answered after the deadline, or not answered by the end of the as-of day when the
deadline has passed. A complaint counts in the breach rate once it is *judged*: answered, or past
its deadline.

Files without times (a file written before the clock columns, or an import with dates only)
are judged by whole days: the deadline rounds up to days (2 h, 4 h and 24 h: by the next day;
48 h: within two days), a complaint resolved on or before that day was on time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from clv_engine import segmentation
from clv_engine.db import Database
from clv_engine.service_due import table_columns

LEVELS: tuple[str, ...] = tuple(segmentation.COMPLAINT_RULES)
CLOCK_COLUMNS = ("opened_at", "responded_at", "resolved_at", "status")


@dataclass(frozen=True)
class ClockRules:
    vip_hours: float = 2
    high_value_hours: float = 4
    ordinary_hours: float = 24
    low_value_hours: float = 48
    since_days: int = 365  # the breach list and rate look at complaints opened in these days

    def hours(self) -> dict[str, float]:
        return {
            "vip": self.vip_hours,
            "high_value": self.high_value_hours,
            "ordinary": self.ordinary_hours,
            "low_value": self.low_value_hours,
        }

    def validate(self) -> None:
        for level, h in self.hours().items():
            if not h > 0:
                raise ValueError(f"response time of {level} must be positive, got {h}")
        if self.since_days < 1:
            raise ValueError(f"since_days must be at least 1, got {self.since_days}")


def end_of_day(day: date) -> datetime:
    """The clock's "now" on an as-of date: the end of that day."""
    return datetime.combine(day + timedelta(days=1), time())


def _read(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None,
    since: date | None = None,
) -> pd.DataFrame:
    """Every complaint opened by ``as_of`` (in the scope), with its customer's RFM+L tier on
    ``as_of`` (scored in the same query: the tiers of a million customers stay in DuckDB).
    With ``since``: only those open at the end of ``as_of`` or opened from ``since`` on (what
    the open list, the breaches and the rate read); ``attrs`` count all of them."""
    present = table_columns(db, "complaints")
    clock = {
        c: (c if c in present else f"CAST(NULL AS {'VARCHAR' if c == 'status' else 'TIMESTAMP'})")
        for c in CLOCK_COLUMNS
    }
    scope, extra = "", []
    if store_ids:
        scope = f" AND coalesce(q.store_id, c.home_store_id) IN ({', '.join('?' for _ in store_ids)})"
        extra = list(store_ids)
    scored = "customers" in db.tables()
    tiers, tier_params = (
        segmentation.score_query(db, as_of) if scored else ("SELECT NULL AS customer_id, NULL AS tier", [])
    )
    relevant, relevant_params = "", []
    if since is not None:
        # open at the end of the as-of day (complaint_clock's status), or opened in the window
        # (its opened_at: the time, else the day)
        relevant = f"""
          AND (coalesce({clock["opened_at"]}, CAST(q.opened AS TIMESTAMP)) >= CAST(? AS TIMESTAMP)
               OR coalesce(CASE WHEN {clock["opened_at"]} IS NOT NULL THEN {clock["resolved_at"]} END,
                           q.resolved + INTERVAL 1 DAY) IS NULL
               OR coalesce(CASE WHEN {clock["opened_at"]} IS NOT NULL THEN {clock["resolved_at"]} END,
                           q.resolved + INTERVAL 1 DAY) > CAST(? AS TIMESTAMP))"""
        relevant_params = [since, end_of_day(as_of)]
    sql = f"""
        WITH t AS ({tiers})
        SELECT q.complaint_id, q.customer_id, c.name, c.phone,
               coalesce(q.store_id, c.home_store_id) AS store_id, s.name AS store_name,
               q.opened, q.resolved, {clock["opened_at"]} AS opened_at, {clock["responded_at"]} AS responded_at,
               {clock["resolved_at"]} AS resolved_at, {clock["status"]} AS stored_status, t.tier
        FROM complaints q
        LEFT JOIN customers c USING (customer_id)
        LEFT JOIN stores s ON s.store_id = coalesce(q.store_id, c.home_store_id)
        LEFT JOIN t ON t.customer_id = q.customer_id
        WHERE q.opened <= ? {scope} {relevant}
        ORDER BY q.complaint_id
    """
    frame = db.query_df(sql, [*tier_params, as_of, *extra, *relevant_params])
    if since is not None:  # every complaint of the scope counted, the old ones not read
        counted = db.query_df(
            f"""SELECT count(*) AS n, count({clock["opened_at"]}) AS timed FROM complaints q
                LEFT JOIN customers c USING (customer_id) WHERE q.opened <= ? {scope}""",
            [as_of, *extra],
        ).iloc[0]
        frame.attrs["complaints"] = int(counted["n"])
        frame.attrs["all_timed"] = int(counted["timed"]) == int(counted["n"])
    for col in ("opened", "resolved", "opened_at", "responded_at", "resolved_at"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def complaint_clock(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: ClockRules = ClockRules(),
    level_by_tier: Mapping[str, str] | None = None,
    relevant_only: bool = False,
) -> pd.DataFrame:
    """Every complaint opened by ``as_of`` with its level, deadline, owner, authority and breach.

    Columns: complaint_id, customer_id, name, phone, store_id, store_name, tier, level,
    respond_hours, compensation_limit (NaN: unlimited), owner, opened_at, deadline, responded_at
    (first response), resolved_at, status (open | resolved on the as-of date), timed (the file
    has times), judged, breach, late_hours (how far past the deadline; negative: time left).

    ``relevant_only``: the rows :func:`open_complaints`, :func:`breaches` and
    :func:`breach_rate_by_store` read (open on the as-of date, or opened in the last
    ``rules.since_days``), each as in the whole clock; ``attrs["complaints"]`` and
    ``attrs["all_timed"]`` then tell of every complaint (a million customers' file holds
    hundreds of thousands, most long closed).
    """
    rules.validate()
    levels = dict(level_by_tier or segmentation.COMPLAINT_LEVEL["rfml"])
    frame = _read(db, as_of, store_ids, _window_start(as_of, rules).date() if relevant_only else None)
    if not ("customers" in db.tables() and len(frame)):
        frame["tier"] = pd.Series(np.nan, index=frame.index, dtype=object)
    # A customer without a tier on the as-of date (unknown to the customers file) is ordinary.
    frame["level"] = frame["tier"].map(levels).fillna("ordinary")
    hours = rules.hours()
    frame["respond_hours"] = frame["level"].map(hours).astype(float)
    frame["compensation_limit"] = frame["level"].map(
        lambda lv: (
            np.nan
            if segmentation.COMPLAINT_RULES[lv].compensation_limit is None
            else float(segmentation.COMPLAINT_RULES[lv].compensation_limit)
        )
    )
    frame["owner"] = frame["level"].map(lambda lv: segmentation.COMPLAINT_RULES[lv].owner)

    now = pd.Timestamp(end_of_day(as_of))
    timed = frame["opened_at"].notna()
    day = pd.Timedelta(days=1)
    # Timed: the clock runs from opened_at. Dates only: the deadline is the end of the day the
    # rounded-up days end on, and a resolution counts at the end of its day.
    whole_days = frame["respond_hours"].map(lambda h: math.ceil(h / 24))
    frame["deadline"] = frame["opened_at"] + pd.to_timedelta(frame["respond_hours"], unit="h")
    frame.loc[~timed, "deadline"] = frame.loc[~timed, "opened"] + pd.to_timedelta(
        whole_days[~timed] + 1, unit="D"
    )
    answer = frame["responded_at"].combine_first(frame["resolved_at"])
    answer = answer.where(timed, frame["resolved"] + day)
    answer = answer.where(answer <= now)  # an answer after the as-of day was not there yet
    resolved = frame["resolved_at"].where(timed, pd.NaT).combine_first(frame["resolved"] + day)
    frame["status"] = np.where(resolved.notna() & (resolved <= now), "resolved", "open")
    frame["resolved_at"] = resolved.where(frame["status"] == "resolved")
    frame["opened_at"] = frame["opened_at"].where(timed, frame["opened"])
    frame["responded_at"] = answer
    frame["timed"] = timed
    frame["judged"] = answer.notna() | (now > frame["deadline"])
    frame["breach"] = np.where(answer.notna(), answer > frame["deadline"], now > frame["deadline"])
    frame["late_hours"] = ((answer.fillna(now) - frame["deadline"]).dt.total_seconds() / 3600).astype(float)
    frame.attrs["now"] = now.to_pydatetime()
    frame.attrs["timed"] = bool(timed.all()) if len(frame) else True
    if not relevant_only:
        frame.attrs["complaints"] = len(frame)
        frame.attrs["all_timed"] = frame.attrs["timed"]
    out = frame[
        [
            "complaint_id",
            "customer_id",
            "name",
            "phone",
            "store_id",
            "store_name",
            "tier",
            "level",
            "respond_hours",
            "compensation_limit",
            "owner",
            "opened_at",
            "deadline",
            "responded_at",
            "resolved_at",
            "status",
            "timed",
            "judged",
            "breach",
            "late_hours",
        ]
    ].copy()
    out.attrs.update(frame.attrs)
    return out


def open_complaints(clock: pd.DataFrame) -> pd.DataFrame:
    """Complaints open on the as-of date, the nearest deadline first. ``hours_left`` to the
    deadline while unanswered (negative: overdue); NaN once answered."""
    out = clock[clock["status"] == "open"].copy()
    out["hours_left"] = (-out["late_hours"]).where(out["responded_at"].isna())
    return out.sort_values(["deadline", "complaint_id"]).reset_index(drop=True)


def _window_start(as_of: date, rules: ClockRules) -> pd.Timestamp:
    """The first day of the breach list's and rate's window."""
    return pd.Timestamp(as_of - timedelta(days=rules.since_days - 1))


def _recent(clock: pd.DataFrame, as_of: date, rules: ClockRules) -> pd.DataFrame:
    return clock[clock["opened_at"] >= _window_start(as_of, rules)]


def breaches(clock: pd.DataFrame, as_of: date, rules: ClockRules = ClockRules()) -> pd.DataFrame:
    """Breaches among complaints opened in the last ``since_days``: the latest first."""
    out = _recent(clock, as_of, rules)
    out = out[out["breach"]]
    return out.sort_values(["opened_at", "complaint_id"], ascending=[False, True]).reset_index(drop=True)


def breach_rate_by_store(clock: pd.DataFrame, as_of: date, rules: ClockRules = ClockRules()) -> pd.DataFrame:
    """Per store: complaints judged in the window, breaches, and the rate (breaches / judged)."""
    judged = _recent(clock, as_of, rules)
    judged = judged[judged["judged"]]
    stores = judged.assign(store_id=judged["store_id"].fillna(""), store_name=judged["store_name"].fillna(""))
    out = stores.groupby(["store_id", "store_name"], as_index=False).agg(
        judged=("complaint_id", "size"), breaches=("breach", "sum")
    )
    out["breaches"] = out["breaches"].astype("int64")
    out["rate"] = out["breaches"] / out["judged"]
    return out.sort_values(["rate", "store_id"], ascending=[False, True]).reset_index(drop=True)
