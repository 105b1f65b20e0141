"""The cohort cube's facts: what no horizon or discount rate changes (clv_engine.cohorts).

Counts and sums per key combination (purchase year, vehicle model, region, channel) and year,
from one pass over the orders or kept per data version (clv_engine.derived.cohorts), and the
cube at any horizon and discount rate from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import clv
from clv_engine.cohorts import (
    _CUSTOMER_SQL,
    _KEYS,
    DAYS_PER_YEAR,
    DEFAULT_RETURN_WINDOW_DAYS,
    DIMENSIONS,
    CohortCube,
    LtvParams,
    _check_window,
    absence_weights,
    annuity_table,
)
from clv_engine.db import Database

# The facts of the cube that no horizon or discount rate changes: per key combination and
# completed years n, the counts and the sum of annual_gp × absence weight; per key combination
# and year since purchase k (completed years only), the customers with an order and their gross
# profit. :func:`cube_from_facts` gives the LTV parts at any horizon H and rate d from them:
# realised = Σ_{k≤H} GP_k/(1+d)^k (GP_k counts completed years only, so k ≤ min(n, H)) and
# expected = Σ_n (Σ annual_gp × a) × A(r, d, H−n)/(1+d)^n, the same sums as per customer.
_FACTS_SQL = f"""
SELECT 'customers' AS part, {_KEYS}, completed_years AS year,
       count(*) AS customers,
       count(*) FILTER (WHERE completed_years >= 1) AS first_year_customers,
       coalesce(sum(revenue_y1) FILTER (WHERE completed_years >= 1), 0) AS first_year_revenue,
       count(*) FILTER (WHERE first_order <= CAST($as_of AS DATE) - $window) AS return_eligible,
       count(*) FILTER (WHERE first_order <= CAST($as_of AS DATE) - $window
                          AND second_order <= first_order + $window) AS returned,
       count(*) FILTER (WHERE orders >= 2) AS repeaters,
       sum(annual_gp) AS annual_gp,
       sum(annual_gp * absence_weight) AS weighted_gp
FROM weighted GROUP BY ALL
UNION ALL BY NAME
SELECT 'active' AS part, {_KEYS}, k AS year, count(DISTINCT customer_id) AS active,
       sum(gross_profit) AS gross_profit
FROM y WHERE k <= completed_years GROUP BY ALL
"""
_COUNTS = ["customers", "first_year_customers", "return_eligible", "returned", "repeaters"]
_SUMS = ["first_year_revenue", "annual_gp", "realised_pv", "expected_pv"]


def facts_query(
    reader: Database, as_of: date, retention: float, store_ids: Sequence[str] | None, window: int
) -> tuple[str, dict]:
    """The SQL of the cube's facts (:data:`_FACTS_SQL`) and its parameters, at ``retention``."""
    values: dict = {
        "as_of": as_of,
        "dpy": DAYS_PER_YEAR,
        "r": retention,
        "absence_weights": absence_weights(reader, as_of, retention),
        "max_years": clv.RETURN_MAX_YEARS,
        "window": _check_window(window),
    }
    store_filter = ""
    if store_ids:
        store_filter = "AND list_contains($stores, c.home_store_id)"
        values["stores"] = [str(s) for s in store_ids]
    head = _CUSTOMER_SQL.format(store_filter=store_filter)
    head = head[: head.index("per AS (")].rstrip().rstrip(",")
    # the facts need neither the per-customer LTV parts nor the horizon: ``weighted`` without ``per``
    weighted = """,
per AS (
    SELECT customer_id, count(*) AS orders, sum(gross_profit) AS gross_profit,
           max(order_date) AS last_order,
           min(order_date) FILTER (WHERE order_date > first_order) AS second_order,
           sum(revenue) FILTER (WHERE k = 1) AS revenue_y1
    FROM y GROUP BY customer_id
),
c1 AS (
    SELECT b.customer_id, b.channel, b.vehicle_model, b.region, b.purchase_year,
           b.completed_years, b.first_order, per.second_order,
           coalesce(per.orders, 0) AS orders,
           coalesce(per.revenue_y1, 0) AS revenue_y1,
           coalesce(per.gross_profit, 0) / greatest(b.tenure_days / $dpy, 1) AS annual_gp,
           date_diff('day', coalesce(per.last_order, b.start), CAST($as_of AS DATE)) AS recency_days
    FROM b LEFT JOIN per USING (customer_id)
),
weighted AS (
    SELECT *,
           coalesce(list_extract(CAST($absence_weights AS DOUBLE[]),
                                 CAST(least(greatest(ceil(recency_days / 365.0) - 1, 0), $max_years) AS INTEGER) + 1),
                    power($r, greatest(recency_days - 365, 0) / 365.0)) AS absence_weight
    FROM c1
)
"""
    return head + weighted + _FACTS_SQL, values


def cube_facts(
    db: Database,
    as_of: date,
    retention: float,
    store_ids: Sequence[str] | None = None,
    return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
) -> pd.DataFrame:
    """The cube's facts (:data:`_FACTS_SQL`): the ones kept per data version
    (clv_engine.derived.cohorts) for the whole group at the data's last day, else one pass over
    the orders."""
    from clv_engine.derived import cohorts as kept  # the derived package reads this module

    window = _check_window(return_window_days)
    weights = None if store_ids else absence_weights(db, as_of, retention)
    frame = None if store_ids else kept.stored_facts(db, as_of, retention, weights, window)
    if frame is None:
        sql, values = facts_query(db, as_of, retention, store_ids, window)
        frame = db.query_df(sql, values)
    return frame


def cube_from_facts(
    facts: pd.DataFrame, params: LtvParams, retention: float, return_window_days: int
) -> CohortCube:
    """The cube at ``params``' horizon and discount rate from its facts (:func:`cube_facts`)."""
    h, d = params.horizon_years, params.discount_rate
    annuity = np.asarray(annuity_table(retention, d, h), dtype=float)
    cust = facts[facts["part"] == "customers"]
    act = facts[facts["part"] == "active"]
    n = cust["year"].to_numpy(dtype="int64")
    expected = cust["weighted_gp"].to_numpy(dtype=float) * annuity[np.maximum(h - n, 0)] / (1 + d) ** n
    k = act["year"].to_numpy(dtype="int64")
    gp = act["gross_profit"].astype(float).fillna(0.0).to_numpy()
    realised = np.where(k <= h, gp / (1 + d) ** k, 0.0)
    parts = [
        cust[[*DIMENSIONS, *_COUNTS, "first_year_revenue", "annual_gp"]].assign(
            realised_pv=0.0, expected_pv=expected
        ),
        act[list(DIMENSIONS)].assign(
            **{c: 0 for c in _COUNTS},
            first_year_revenue=0.0,
            annual_gp=0.0,
            realised_pv=realised,
            expected_pv=0.0,
        ),
    ]
    both = pd.concat(parts, ignore_index=True)
    customers = (
        both.groupby(list(DIMENSIONS), dropna=False, sort=False)[[*_COUNTS, *_SUMS]].sum().reset_index()
    )
    customers = customers[[*DIMENSIONS, *_COUNTS[:2], "first_year_revenue", *_COUNTS[2:], *_SUMS[1:]]]
    reach = cust[[*DIMENSIONS, "year", "customers"]].reset_index(drop=True)
    active = act[[*DIMENSIONS, "year", "active", "gross_profit"]].reset_index(drop=True)
    for part, columns in ((customers, _COUNTS), (reach, ["year", "customers"]), (active, ["year", "active"])):
        for column in columns:
            part[column] = part[column].astype("int64")
    for column in _SUMS:
        customers[column] = customers[column].astype(float)
    return CohortCube(customers, reach, active, retention, params, return_window_days)
