"""Cohorts of customers (SPEC §6 cohort view, seed 001 §2.3) and each customer's LTV at a horizon.

A cohort is the customers who share a purchase year, a vehicle model, a region or an
acquisition channel. Years are counted from the vehicle purchase (year 1 = the first 365.25
days after it); a customer who bought 2 years and 5 months ago has completed 2 years.

Definitions (the page shows them next to the figures):

- **LTV at horizon H** (yuan, discounted to the purchase date, gross-profit based)::

      LTV = Σ_{k=1..min(n,H)} GP_k / (1+d)^k                    realised, completed years
          + g × a × A(r, d, H−n) / (1+d)^n                       expected, years n+1..H

  n = completed years, GP_k = the customer's gross profit in year k since purchase,
  g = yearly gross profit so far (gross profit ÷ years since purchase, at least one year),
  a = the absence weight of ``clv.absence_weight`` (1 for an active customer; for one away k
  whole years the measured come-back rate ÷ r, else r^gap), as in ``clv.customer_values``, A(r, d, m) = Σ_{t=1..m} r^t/(1+d)^t
  (``clv.annuity_factor``) and r the yearly retention (estimated from the data by
  ``clv.estimate_retention`` unless given). A customer older than H has only the realised
  part; orders in the year still in progress are not counted twice: that year is expected.
- **first-year spend**: revenue in year 1, averaged over customers who have completed year 1.
- **first-service return rate** (seed 002): of customers whose first visit is at least
  ``return_window_days`` old, the share who came back within that window after it.
- **repeat purchase rate**: share of customers with two or more orders so far.
- **retention in year k**: of customers who have completed year k, the share with an order in
  year k (so it is the survival S_k of SPEC §1, not a year-on-year rate).
- **cumulative gross profit per customer by year k**: Σ_{j≤k} (gross profit in year j ÷
  customers who completed year j), undiscounted; each year uses every customer old enough, so
  the curve uses all the data and does not jump when an old cohort drops out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import clv
from clv_engine.db import Database

# The cohort dimensions of seed 001 and the column of ``_customer_sql`` holding each.
DIMENSIONS = ("purchase_year", "vehicle_model", "region", "channel")

DAYS_PER_YEAR = 365.25
DEFAULT_RETURN_WINDOW_DAYS = 540  # 18 months: the second service falls 12-16 months after the first


@dataclass(frozen=True)
class LtvParams:
    """Horizon, discount rate and retention of the per-customer LTV (see module docstring)."""

    horizon_years: int = 7  # seed 001's cohort table reports a 7-year LTV
    discount_rate: float = 0.12
    retention: float | None = None  # None: estimated from the data

    def validate(self) -> None:
        if not isinstance(self.horizon_years, (int, np.integer)) or not 1 <= self.horizon_years <= 30:
            raise ValueError(
                f"horizon_years must be a whole number of years 1..30, got {self.horizon_years!r}"
            )
        if not 0 <= self.discount_rate < 1:
            raise ValueError(f"discount_rate must be between 0 and 1, got {self.discount_rate!r}")
        if self.retention is not None and not 0 <= self.retention <= 1:
            raise ValueError(f"retention must be between 0 and 1, got {self.retention!r}")


def check_dimension(dimension: str) -> str:
    if dimension not in DIMENSIONS:
        raise ValueError(f"cohort dimension must be one of {', '.join(DIMENSIONS)}, got {dimension!r}")
    return dimension


def resolved_retention(db: Database, as_of: date, params: LtvParams) -> float:
    return params.retention if params.retention is not None else clv.estimate_retention(db, as_of)


def annuity_table(retention: float, discount_rate: float, horizon_years: int) -> list[float]:
    """A(r, d, m) for m = 0..H, handed to SQL as a list so the SQL uses clv.annuity_factor itself."""
    return [clv.annuity_factor(retention, discount_rate, m) for m in range(horizon_years + 1)]


# One CTE chain used by every query below: ``b`` the customers in scope, ``y`` their orders with
# the year since purchase, ``cust`` one row per customer with the LTV parts.
_CUSTOMER_SQL = """
WITH o AS (
    SELECT customer_id, order_date, revenue, gross_profit
    FROM orders WHERE order_date <= CAST($as_of AS DATE)
),
f AS (SELECT customer_id, min(order_date) AS first_order FROM o GROUP BY customer_id),
b AS (
    SELECT c.customer_id, c.channel, c.vehicle_model, s.region, f.first_order,
           coalesce(c.purchase_date, f.first_order) AS start,
           year(coalesce(c.purchase_date, f.first_order)) AS purchase_year,
           date_diff('day', coalesce(c.purchase_date, f.first_order), CAST($as_of AS DATE)) AS tenure_days,
           CAST(floor(date_diff('day', coalesce(c.purchase_date, f.first_order), CAST($as_of AS DATE))
                      / $dpy) AS INTEGER) AS completed_years
    FROM customers c
    LEFT JOIN f USING (customer_id)
    LEFT JOIN stores s ON s.store_id = c.home_store_id
    WHERE coalesce(c.purchase_date, f.first_order) <= CAST($as_of AS DATE) {store_filter}
),
y AS (
    SELECT b.customer_id, b.channel, b.vehicle_model, b.region, b.purchase_year,
           b.completed_years, b.first_order, o.order_date, o.revenue, o.gross_profit,
           -- A service before the recorded purchase date (data entry) counts in year 1.
           CAST(greatest(floor(date_diff('day', b.start, o.order_date) / $dpy), 0) AS INTEGER) + 1 AS k
    FROM o JOIN b USING (customer_id)
),
per AS (
    SELECT customer_id,
           count(*) AS orders,
           sum(gross_profit) AS gross_profit,
           max(order_date) AS last_order,
           min(order_date) FILTER (WHERE order_date > first_order) AS second_order,
           sum(revenue) FILTER (WHERE k = 1) AS revenue_y1,
           sum(gross_profit / power(1 + $d, k)) FILTER (WHERE k <= least(completed_years, $h))
               AS realised_pv
    FROM y GROUP BY customer_id
),
c1 AS (
    SELECT b.customer_id, b.channel, b.vehicle_model, b.region, b.purchase_year,
           b.tenure_days, b.completed_years, b.first_order, per.second_order,
           coalesce(per.orders, 0) AS orders,
           coalesce(per.gross_profit, 0) AS gross_profit,
           coalesce(per.revenue_y1, 0) AS revenue_y1,
           coalesce(per.gross_profit, 0) / greatest(b.tenure_days / $dpy, 1) AS annual_gp,
           date_diff('day', coalesce(per.last_order, b.start), CAST($as_of AS DATE)) AS recency_days,
           coalesce(per.realised_pv, 0) AS realised_pv
    FROM b LEFT JOIN per USING (customer_id)
),
weighted AS (
    -- The share of an active customer's future kept by the absent (clv.absence_weight): the
    -- measured come-back rate of their whole years away, else the r^gap rule.
    SELECT *,
           coalesce(list_extract(CAST($absence_weights AS DOUBLE[]),
                                 CAST(least(greatest(ceil(recency_days / 365.0) - 1, 0), $max_years) AS INTEGER) + 1),
                    power($r, greatest(recency_days - 365, 0) / 365.0)) AS absence_weight
    FROM c1
),
cust AS (
    SELECT *,
           annual_gp * absence_weight
               * list_extract($annuity, greatest($h - completed_years, 0) + 1)
               / power(1 + $d, completed_years) AS expected_pv
    FROM weighted
)
"""


def absence_weights(db: Database, as_of: date, retention: float) -> list[float | None]:
    """[1, w_1, .., w_max]: the weight of a customer away 0, 1, .. whole years, from the same
    :func:`clv.absence_weight` the per-customer CLV uses; None where no rate was measured
    (the SQL then applies the r^gap rule day by day, as clv does)."""
    rates = clv.return_rates(db, as_of)
    weights: list[float | None] = [1.0]
    for years in range(1, clv.RETURN_MAX_YEARS + 1):
        if rates.used_for(years) is None:
            weights.append(None)
        else:  # any day count in that bucket gives the bucket's weight
            weights.append(float(clv.absence_weight([365.0 * years + 1], retention, rates)[0]))
    return weights


def _query(
    db: Database,
    select: str,
    as_of: date,
    params: LtvParams,
    store_ids: Sequence[str] | None,
    extra: dict | None = None,
) -> pd.DataFrame:
    params.validate()
    retention = resolved_retention(db, as_of, params)
    values: dict = {
        "as_of": as_of,
        "dpy": DAYS_PER_YEAR,
        "d": params.discount_rate,
        "h": params.horizon_years,
        "r": retention,
        "annuity": annuity_table(retention, params.discount_rate, params.horizon_years),
        "absence_weights": absence_weights(db, as_of, retention),
        "max_years": clv.RETURN_MAX_YEARS,
    }
    store_filter = ""
    if store_ids:
        store_filter = "AND list_contains($stores, c.home_store_id)"
        values["stores"] = [str(s) for s in store_ids]
    values.update(extra or {})
    frame = db.query_df(_CUSTOMER_SQL.format(store_filter=store_filter) + select, values)
    frame.attrs["retention"] = retention
    frame.attrs["params"] = params
    return frame


def customer_ltv(
    db: Database, as_of: date, params: LtvParams = LtvParams(), store_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per customer in scope: cohort keys, history and the LTV parts (module docstring)."""
    return _query(
        db,
        """
        SELECT customer_id, channel, vehicle_model, region, purchase_year, tenure_days,
               completed_years, orders, gross_profit, revenue_y1, annual_gp, recency_days,
               absence_weight, realised_pv, expected_pv, realised_pv + expected_pv AS ltv
        FROM cust ORDER BY customer_id
        """,
        as_of,
        params,
        store_ids,
    )


@dataclass(frozen=True)
class CohortCube:
    """Counts and sums per combination of the four cohort keys, from one pass over the orders.

    Every cohort table of every dimension is a sum over this cube (a few hundred rows), so a
    page that switches dimension runs no new query. ``customers``: one row per key combination
    (customers, first-year and return counts, sums of yearly gross profit and LTV parts);
    ``reach``: customers by key combination and completed years; ``active``: by key combination
    and year since purchase k (completed years only), customers with an order and their gross
    profit in year k.
    """

    customers: pd.DataFrame
    reach: pd.DataFrame
    active: pd.DataFrame
    retention: float
    params: LtvParams
    return_window_days: int


_KEYS = ", ".join(DIMENSIONS)


def _check_window(return_window_days: int) -> int:
    if not isinstance(return_window_days, (int, np.integer)) or return_window_days < 1:
        raise ValueError(f"return_window_days must be a positive whole number, got {return_window_days!r}")
    return int(return_window_days)


def cohort_cube(
    db: Database,
    as_of: date,
    params: LtvParams = LtvParams(),
    store_ids: Sequence[str] | None = None,
    return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
) -> CohortCube:
    """The cube every cohort table is summed from: its facts (one query, or the kept ones) at
    the horizon and discount rate of ``params``."""
    from clv_engine import cohort_facts  # it reads this module

    params.validate()
    window = _check_window(return_window_days)
    retention = resolved_retention(db, as_of, params)
    facts = cohort_facts.cube_facts(db, as_of, retention, store_ids, window)
    return cohort_facts.cube_from_facts(facts, params, retention, window)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype(float)


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return frame.sort_values(by, na_position="last", kind="stable").reset_index(drop=True)


def summary_from_cube(cube: CohortCube, dimension: str) -> pd.DataFrame:
    """``cohort_summary`` of one dimension, summed from the cube."""
    key = check_dimension(dimension)
    sums = cube.customers.drop(columns=[d for d in DIMENSIONS if d != key])
    g = sums.groupby(key, dropna=False, sort=False).sum().reset_index().rename(columns={key: "cohort"})
    n = g["customers"]
    out = pd.DataFrame(
        {
            "cohort": g["cohort"],
            "customers": n.astype("int64"),
            "first_year_spend": _ratio(g["first_year_revenue"], g["first_year_customers"]),
            "first_service_return": _ratio(g["returned"], g["return_eligible"]),
            "repeat_rate": _ratio(g["repeaters"], n),
            "annual_gp": _ratio(g["annual_gp"], n),
            "realised_pv": _ratio(g["realised_pv"], n),
            "expected_pv": _ratio(g["expected_pv"], n),
            "ltv": _ratio(g["realised_pv"] + g["expected_pv"], n),
            "total_ltv": (g["realised_pv"] + g["expected_pv"]).astype(float),
        }
    )
    out = _sorted(out, ["cohort"])
    out.attrs.update(retention=cube.retention, params=cube.params)
    return out


def years_from_cube(cube: CohortCube, dimension: str) -> pd.DataFrame:
    """``cohort_years`` of one dimension, summed from the cube."""
    key = check_dimension(dimension)
    rows = []
    reach = cube.reach.groupby([key, "year"], dropna=False, sort=False)["customers"].sum().reset_index()
    for cohort, group in reach.groupby(key, dropna=False, sort=False):
        # reached(k) = customers with at least k completed years
        by_years = group.set_index("year")["customers"]
        for k in range(1, int(by_years.index.max()) + 1):
            rows.append((cohort, k, int(by_years[by_years.index >= k].sum())))
    # Typed even when no customer has completed a year yet (no rows), or the cumulative sum
    # below would run on object columns.
    reached = pd.DataFrame(rows, columns=["cohort", "year", "reached"]).astype(
        {"year": "int64", "reached": "int64"}
    )
    active = cube.active.groupby([key, "year"], dropna=False, sort=False)[["active", "gross_profit"]].sum()
    active = active.reset_index().rename(columns={key: "cohort"})
    # NULL keys: merge matches NaN with NaN, as SQL's IS NOT DISTINCT FROM.
    out = reached.merge(active, on=["cohort", "year"], how="left")
    out["active"] = out["active"].fillna(0).astype("int64")
    out["gross_profit"] = out["gross_profit"].fillna(0.0).astype(float)
    out = _sorted(out, ["cohort", "year"])
    out["retention"] = out["active"] / out["reached"]
    out["gp_per_customer"] = out["gross_profit"] / out["reached"]
    # dropna=False: a cohort with no recorded value (NULL channel) is still a cohort.
    out["cumulative_gp"] = out.groupby("cohort", dropna=False, sort=False)["gp_per_customer"].cumsum()
    return out


def mix_from_cube(cube: CohortCube, dimension: str) -> pd.DataFrame:
    """``cohort_channel_mix`` of one dimension, summed from the cube."""
    key = check_dimension(dimension)
    frame = cube.customers.assign(cohort=cube.customers[key])
    out = frame.groupby(["cohort", "channel", "purchase_year"], dropna=False, sort=False)["customers"].sum()
    return _sorted(out.reset_index(), ["cohort", "channel", "purchase_year"])


def cohort_summary(
    db: Database,
    as_of: date,
    dimension: str,
    params: LtvParams = LtvParams(),
    store_ids: Sequence[str] | None = None,
    return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
) -> pd.DataFrame:
    """One row per cohort: customers, first-year spend, first-service return rate, repeat
    purchase rate, mean yearly gross profit and mean LTV at the horizon (module docstring).

    Columns: cohort, customers, first_year_spend, first_service_return, repeat_rate,
    annual_gp, realised_pv, expected_pv, ltv, total_ltv. Rates are NaN where no customer
    qualifies (e.g. no first year completed yet).
    """
    check_dimension(dimension)
    return summary_from_cube(cohort_cube(db, as_of, params, store_ids, return_window_days), dimension)


def cohort_years(
    db: Database,
    as_of: date,
    dimension: str,
    params: LtvParams = LtvParams(),
    store_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per cohort and year since purchase k (1, 2, ...), for completed years only.

    Columns: cohort, year, reached (customers who completed year k), active (of them, with an
    order in year k), gross_profit (their gross profit in year k), retention = active/reached,
    gp_per_customer = gross_profit/reached, cumulative_gp = Σ_{j≤k} gp_per_customer.
    """
    check_dimension(dimension)
    return years_from_cube(cohort_cube(db, as_of, params, store_ids), dimension)


def cohort_channel_mix(
    db: Database,
    as_of: date,
    dimension: str,
    params: LtvParams = LtvParams(),
    store_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Customers by cohort, acquisition channel and purchase year (cohort, channel,
    purchase_year, customers): the weights of a cohort's acquisition cost."""
    check_dimension(dimension)
    return mix_from_cube(cohort_cube(db, as_of, params, store_ids), dimension)


def retention_matrix(years: pd.DataFrame) -> pd.DataFrame:
    """Cohorts × years since purchase of retention (the heatmap); NaN where no one is that old."""
    return years.pivot(index="cohort", columns="year", values="retention")


def cohort_payback_year(years: pd.DataFrame, cac: pd.Series) -> pd.Series:
    """First year since purchase whose cumulative gross profit per customer reaches the CAC
    (``cac`` indexed by cohort); NaN when it has not been reached in the years observed."""
    out = {}
    for cohort, group in years.groupby("cohort", dropna=False, sort=False):
        target = cac.get(cohort, np.nan)
        reached = group.loc[group["cumulative_gp"] >= target, "year"] if pd.notna(target) else []
        out[cohort] = float(reached.iloc[0]) if len(reached) else np.nan
    return pd.Series(out, name="payback_year", dtype=float)
