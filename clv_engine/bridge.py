"""The CLV bridge: how a figure moved from one date to another, and what drove it.

Two per-customer frames (``clv.customer_values`` at a start date and at an end date, same
store scope, same model) are compared customer by customer. Every customer known at the end
falls into exactly one of three groups, by status (clv_engine.status):

- **gained**: *active* at the end and not active at the start: new customers (not known at
  the start, valued 0 there) and customers who came back after an absence;
- **lost**: active at the start and not active at the end (they lapsed in between);
- **everyone else** (active at both dates, or not active at either).

The bridge adds up exactly::

    start + gained − lost + per_customer = end

- ``start``: the figure summed over every customer known at the start date;
- ``end``: the figure summed over every customer known at the end date (the headline);
- ``gained``: Σ over gained customers of (value at end − value at start);
- ``lost``: Σ over lost customers of (value at start − value at end): what lapsing cost;
- ``per_customer``: Σ over everyone else of (value at end − value at start): more or less
  value per customer (spend, margin, the measured retention) among those whose status did
  not change sides.

A customer unknown at a date (bought the car later) counts 0 there.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from clv_engine.status import ACTIVE

PERIODS: tuple[str, ...] = ("year", "quarter")


def months_before(d: date, months: int) -> date:
    """The same day ``months`` earlier (a day the month lacks falls back to its last day)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def comparison_date(as_of: date, period: str) -> date:
    """The same date a year earlier ("year") or three months earlier ("quarter")."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    return months_before(as_of, 12 if period == "year" else 3)


@dataclass(frozen=True)
class Bridge:
    """start + gained − lost + per_customer = end (see the module docstring)."""

    start_date: date
    end_date: date
    start: float
    gained: float
    lost: float
    per_customer: float
    end: float
    customers_start: int  # known at the start date
    customers_end: int
    active_start: int
    active_end: int
    gained_customers: int
    lost_customers: int

    @property
    def change(self) -> float:
        return self.end - self.start

    def steps(self) -> list[tuple[str, float]]:
        """(term, signed amount) in waterfall order: start, +gained, −lost, +per customer, end."""
        return [
            ("start", self.start),
            ("gained", self.gained),
            ("lost", -self.lost),
            ("per_customer", self.per_customer),
            ("end", self.end),
        ]


def customer_groups(
    start_values: pd.DataFrame, end_values: pd.DataFrame, column: str = "clv"
) -> pd.DataFrame:
    """One row per customer known at either date: ``start``, ``end`` (0 when unknown), the
    statuses and ``group`` ("gained" | "lost" | "other")."""
    start = start_values.set_index("customer_id")[[column, "status"]]
    end = end_values.set_index("customer_id")[[column, "status"]]
    both = start.join(end, how="outer", lsuffix="_start", rsuffix="_end")
    frame = pd.DataFrame(
        {
            "start": both[f"{column}_start"].astype(float).fillna(0.0),
            "end": both[f"{column}_end"].astype(float).fillna(0.0),
            "active_start": both["status_start"].eq(ACTIVE),
            "active_end": both["status_end"].eq(ACTIVE),
        }
    )
    frame["group"] = "other"
    frame.loc[frame["active_end"] & ~frame["active_start"], "group"] = "gained"
    frame.loc[frame["active_start"] & ~frame["active_end"], "group"] = "lost"
    return frame


# The three groups' sums in one DuckDB pass: a hash join on the id in C++, where pandas' outer
# join of two million-row string indexes took seconds (issue 14). Same rules as customer_groups.
_GROUP_SUMS_SQL = """
SELECT CASE WHEN coalesce(e.act, false) AND NOT coalesce(s.act, false) THEN 'gained'
            WHEN coalesce(s.act, false) AND NOT coalesce(e.act, false) THEN 'lost'
            ELSE 'other' END AS grp,
       sum(coalesce(e.v, 0) - coalesce(s.v, 0)) AS diff,
       count(*) AS customers
FROM (SELECT CAST(customer_id AS VARCHAR) AS id, v, act FROM bridge_start) s
FULL OUTER JOIN (SELECT CAST(customer_id AS VARCHAR) AS id, v, act FROM bridge_end) e USING (id)
GROUP BY grp
"""


def _side(values: pd.DataFrame, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": values["customer_id"],
            "v": values[column].astype(float).fillna(0.0).to_numpy(),
            "act": values["status"].eq(ACTIVE).fillna(False).to_numpy(dtype=bool),
        }
    )


def _group_sums(start_values: pd.DataFrame, end_values: pd.DataFrame, column: str) -> dict:
    """{group: (Σ end − start, customers)} of :func:`customer_groups`, without building it."""
    con = duckdb.connect()
    try:
        con.register("bridge_start", _side(start_values, column))
        con.register("bridge_end", _side(end_values, column))
        rows = con.execute(_GROUP_SUMS_SQL).fetchall()
    finally:
        con.close()
    sums = {g: (0.0, 0) for g in ("gained", "lost", "other")}
    sums.update({g: (float(d or 0.0), int(n)) for g, d, n in rows})
    return sums


def bridge(
    start_values: pd.DataFrame,
    end_values: pd.DataFrame,
    start_date: date,
    end_date: date,
    column: str = "clv",
) -> Bridge:
    """The bridge of ``column`` (e.g. "clv", "gp_12m", "spend_12m") between two frames."""
    sums = _group_sums(start_values, end_values, column)
    return Bridge(
        start_date=start_date,
        end_date=end_date,
        start=float(start_values[column].astype(float).sum()),
        gained=sums["gained"][0],
        lost=-sums["lost"][0],
        per_customer=sums["other"][0],
        end=float(end_values[column].astype(float).sum()),
        customers_start=len(start_values),
        customers_end=len(end_values),
        active_start=int(start_values["status"].eq(ACTIVE).fillna(False).sum()),
        active_end=int(end_values["status"].eq(ACTIVE).fillna(False).sum()),
        gained_customers=sums["gained"][1],
        lost_customers=sums["lost"][1],
    )


def relative_change(now: float, before: float) -> float | None:
    """(now − before) / |before|, or None when there is nothing to compare with."""
    if before is None or now is None or before == 0 or before != before or now != now:
        return None
    return (now - before) / abs(before)


# -- the KPI page's headline: the scope's figures on one date ---------------------------------


@dataclass(frozen=True)
class ScopeKpis:
    """The stores in scope taken together, from ``kpi.raw_kpis`` rows of one date."""

    clv_total: float  # Σ CLV of the stores' home customers
    clv_growth: float | None  # clv_total / the same stores' total a year earlier − 1
    retention: float | None  # of customers with a visit in the year before last, share back last year
    after_sales_gp: float  # gross profit of the orders served in the last 12 months


def scope_kpis(raw: pd.DataFrame, on: date, store_ids=None) -> ScopeKpis:
    """Pooled, not averaged: retention weighs each store by its base (customers it could keep)."""
    rows = raw[raw["as_of"] == on]
    if store_ids:
        rows = rows[rows["store_id"].isin(list(store_ids))]
    total = float(rows["clv_total"].fillna(0).sum())
    prior = float(rows["clv_total_prior"].fillna(0).sum())
    base = rows["retention_base"].fillna(0).astype(float)
    kept = (rows["retention"].fillna(0).astype(float) * base).sum()
    return ScopeKpis(
        clv_total=total,
        clv_growth=total / prior - 1 if prior > 0 else None,
        retention=float(kept / base.sum()) if base.sum() > 0 else None,
        after_sales_gp=float(rows["after_sales_gp"].fillna(0).sum()),
    )
