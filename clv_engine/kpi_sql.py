"""The historical CLV of every home store on many dates, in ONE query.

``kpi.store_clv`` values one date at a time: the yearly retention (``clv.estimate_retention``),
the return rates after an absence (``clv.return_rates``) and the per-customer CLV summed by home
store, each a scan of every order. The scorecard needs about 25 dates (the month ends and the
same days a year before), so at a million customers that was 75 scans and 26 frames.

Here the orders are grouped once by customer and by the interval between two consecutive points
(the dates, and the reference dates 365 days before them, where ``return_rates`` and
``estimate_retention`` look). A customer's state (gross profit so far, last order, next order)
is the same at every point up to their next order, so each of these rows stands for a run of
points; it is spread over them inside DuckDB and aggregated at once:

- at each reference point R (= d − 365 days): ``estimate_retention``'s customers (an order in
  the year to R; kept: an order in the year after R) and ``return_rates``' counts (customers
  known at R, absent more than a year, by whole years pooled at ``RETURN_MAX_YEARS``; back:
  an order in the year after R);
- from those, the rates each date uses (``return_rates``' rule: a bucket of at least
  ``MIN_RETURN_CUSTOMERS`` is measured, a smaller one takes the nearest shorter measured) and
  the retention (given, else measured, else ``DEFAULT_RETENTION``);
- at each date d: Σ annual gross profit × ``clv.absence_weight`` per home store;
- the retention of each home store on d (``kpi.RAW_SQL``'s rule before it moved here): of its
  customers with an order in the year to R, the share with one in the year after.

The result is small (store × date); ``store_figures`` multiplies by ``clv.annuity_factor``.
``tests/test_kpi_sql.py`` checks it against ``kpi.store_clv`` date by date, and the stores' retention
against the former range join, on random databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from clv_engine import clv
from clv_engine.db import Database

# Parameters (``_args``), in order: the points (dates and reference dates, sorted) and their
# count; for each point index 0..n, how many dates and how many reference dates come before it;
# the reference dates and their count; the dates, each one's reference index, the dates again
# (their count); RETURN_MAX_YEARS twice; MIN_RETURN_CUSTOMERS; the given retention (or NULL);
# DEFAULT_RETENTION; RETURN_MAX_YEARS.
SQL = """
WITH e AS (SELECT unnest(CAST(? AS DATE[])) AS day, CAST(unnest(range(?)) AS INTEGER) AS j),
pos AS (SELECT CAST(? AS INTEGER[]) AS dpos, CAST(? AS INTEGER[]) AS rpos),
refs AS (SELECT unnest(CAST(? AS DATE[])) AS day, CAST(unnest(range(?)) AS INTEGER) AS k),
dates AS (SELECT unnest(CAST(? AS DATE[])) AS day, CAST(unnest(CAST(? AS INTEGER[])) AS INTEGER) AS ref_k,
                 CAST(unnest(range(len(CAST(? AS DATE[])))) AS INTEGER) AS k),
lim AS (SELECT min(day) AS lo, max(day) AS hi, CAST(count(*) AS INTEGER) AS n FROM e),
-- each day after the first point: the first point on or after it
cal AS (
    SELECT c.day, e.j
    FROM (SELECT CAST(unnest(range(CAST(lo AS TIMESTAMP) + INTERVAL 1 DAY,
                                   CAST(hi AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY)) AS DATE) AS day
          FROM lim) c
    ASOF JOIN e ON c.day <= e.day
),
-- each customer's orders up to the last point, by the first point on or after them
b AS (
    SELECT o.customer_id, CASE WHEN o.order_date <= lim.lo THEN 0 ELSE cal.j END AS j,
           sum(o.gross_profit) AS gp, max(o.order_date) AS last_in, min(o.order_date) AS first_in
    FROM orders o CROSS JOIN lim LEFT JOIN cal ON cal.day = o.order_date
    WHERE o.order_date <= lim.hi
    GROUP BY 1, 2
),
-- the customer's state from point lo_j to the point before hi_j
seg AS (
    SELECT b.customer_id, b.j AS lo_j, coalesce(lead(b.j) OVER w, lim.n) AS hi_j,
           sum(b.gp) OVER (w ROWS UNBOUNDED PRECEDING) AS cum_gp, b.last_in AS last_order,
           lead(b.first_in) OVER w AS next_order,
           first_value(b.first_in) OVER (w ROWS UNBOUNDED PRECEDING) AS first_order,
           row_number() OVER w = 1 AS first_row
    FROM b CROSS JOIN lim
    WINDOW w AS (PARTITION BY b.customer_id ORDER BY b.j)
),
joined AS (
    SELECT seg.*, c.customer_id IS NOT NULL AS is_cust, c.home_store_id AS store_id, c.purchase_date
    FROM seg FULL OUTER JOIN customers c ON c.customer_id = seg.customer_id
),
-- each order segment, and (pre) a customer known from the purchase of the car before their
-- first order, or with none: one pass over the join, kept for the two spreads below
sc AS MATERIALIZED (
    SELECT x.is_cust OR x.pre AS is_cust, x.store_id, x.purchase_date,
           CASE WHEN x.pre THEN 0.0 ELSE x.cum_gp END AS cum_gp,
           CASE WHEN x.pre THEN NULL ELSE x.last_order END AS last_order,
           CASE WHEN x.pre THEN x.first_order ELSE x.next_order END AS next_order,
           x.first_order,
           CASE WHEN NOT x.pre THEN x.lo_j WHEN x.purchase_date <= lim.lo THEN 0 ELSE cal.j END AS lo_j,
           CASE WHEN x.pre THEN coalesce(x.lo_j, lim.n) ELSE x.hi_j END AS hi_j
    FROM (
        SELECT joined.*,
               unnest(CASE WHEN joined.is_cust AND (joined.first_row OR joined.lo_j IS NULL)
                                AND joined.purchase_date IS NOT NULL AND joined.purchase_date <= lim.hi
                           THEN (CASE WHEN joined.lo_j IS NULL THEN [true] ELSE [false, true] END)
                           ELSE [false] END) AS pre
        FROM joined CROSS JOIN lim
    ) x
    CROSS JOIN lim LEFT JOIN cal ON x.pre AND cal.day = x.purchase_date
    WHERE x.pre OR x.lo_j IS NOT NULL
),
-- at each reference point (as at each date below: only the columns used)
xr AS (
    SELECT sc.is_cust, CASE WHEN sc.is_cust THEN sc.store_id END AS store_id, sc.last_order, sc.next_order,
           greatest(sc.last_order, sc.purchase_date) AS anchor, coalesce(sc.purchase_date, sc.first_order) AS start,
           CAST(unnest(range(pos.rpos[sc.lo_j + 1], pos.rpos[sc.hi_j + 1])) AS INTEGER) AS k
    FROM sc CROSS JOIN pos
),
yr AS (
    SELECT xr.k, xr.store_id,
           xr.last_order > refs.day - INTERVAL 365 DAY AS recent,
           CASE WHEN xr.is_cust AND xr.start <= refs.day AND date_diff('day', xr.anchor, refs.day) > 365
                THEN least(CAST(ceil(date_diff('day', xr.anchor, refs.day) / 365.0) AS INTEGER) - 1,
                           CAST(? AS INTEGER))
                ELSE 0 END AS years,
           coalesce(xr.next_order <= refs.day + INTERVAL 365 DAY, false) AS came
    FROM xr JOIN refs ON refs.k = xr.k
),
counts AS (SELECT k, store_id, recent, years, came, count(*) AS n FROM yr GROUP BY ALL),
ret AS (
    SELECT refs.k,
           coalesce(sum(c.n) FILTER (WHERE c.recent AND c.came), 0) / sum(c.n) FILTER (WHERE c.recent) AS retention
    FROM refs LEFT JOIN counts c ON c.k = refs.k
    GROUP BY refs.k
),
buckets AS (
    SELECT refs.k, y.years,
           coalesce(sum(c.n), 0) AS customers, coalesce(sum(c.n) FILTER (WHERE c.came), 0) AS back
    FROM refs CROSS JOIN (SELECT CAST(unnest(range(1, ? + 1)) AS INTEGER) AS years) y
    LEFT JOIN counts c ON c.k = refs.k AND c.years = y.years
    GROUP BY ALL
),
rates AS (
    SELECT k, years,
           last_value(CASE WHEN customers >= ? THEN back / customers END IGNORE NULLS)
               OVER (PARTITION BY k ORDER BY years ROWS UNBOUNDED PRECEDING) AS q
    FROM buckets
),
-- each date's retention and weights by whole years of absence (NULL: the older rule)
wt AS (
    SELECT d.k, d.day, coalesce(CAST(? AS DOUBLE), ret.retention, CAST(? AS DOUBLE)) AS r,
           list(q ORDER BY years) AS q
    FROM dates d LEFT JOIN ret ON ret.k = d.ref_k LEFT JOIN rates ON rates.k = d.ref_k
    GROUP BY ALL
),
-- at each date (only the columns used, computed once per customer segment, and an INTEGER
-- date index like wt's: a third less work on the ~25 rows a customer becomes)
xd AS (
    SELECT sc.store_id, sc.last_order IS NOT NULL AS bought, sc.cum_gp,
           greatest(sc.last_order, sc.purchase_date) AS anchor, coalesce(sc.purchase_date, sc.first_order) AS start,
           CAST(unnest(range(pos.dpos[sc.lo_j + 1], pos.dpos[sc.hi_j + 1])) AS INTEGER) AS k
    FROM sc CROSS JOIN pos
    WHERE sc.is_cust AND sc.store_id IS NOT NULL
),
yd AS (
    SELECT xd.store_id, xd.k, wt.r, xd.bought, xd.cum_gp,
           date_diff('day', xd.anchor, wt.day) AS days,
           greatest(date_diff('day', xd.start, wt.day), 0) / 365.25 AS tenure,
           wt.q
    FROM xd JOIN wt ON wt.k = xd.k
    WHERE xd.start <= wt.day
),
zd AS (
    SELECT store_id, k, r, bought,
           CASE WHEN bought THEN cum_gp / greatest(tenure, 1.0) END AS annual,
           least(greatest(CAST(ceil(days / 365.0) AS INTEGER) - 1, 0), CAST(? AS INTEGER)) AS years,
           days, q
    FROM yd
)
SELECT 'clv' AS part, k, store_id, any_value(r) AS retention, count(*) AS customers,
       sum(annual * CASE WHEN years = 0 THEN 1.0
                         WHEN q[years] IS NULL THEN pow(r, greatest(days - 365, 0) / 365.0)
                         WHEN r > 0 THEN least(q[years], r) / r
                         ELSE 0.0 END) FILTER (WHERE bought) AS clv_sum
FROM zd
GROUP BY ALL
UNION ALL
-- the home store's retention (RAW_SQL's rule): its customers with an order in the year to the
-- reference point, and of them those with one in the year after
SELECT 'retention', d.k, c.store_id, NULL, sum(c.n), sum(c.n) FILTER (WHERE c.came)
FROM dates d JOIN counts c ON c.k = d.ref_k
WHERE c.recent AND c.store_id IS NOT NULL
GROUP BY ALL
ORDER BY part, k, store_id
"""


def _before(points: Sequence[date], marks: Sequence[date]) -> list[int]:
    """For each index 0..len(points): how many of ``marks`` are among points[:index]."""
    chosen = set(marks)
    out = [0]
    for p in points:
        out.append(out[-1] + (p in chosen))
    return out


def _args(dates: list[date], params: clv.CLVParams) -> list:
    refs = sorted({d - timedelta(days=365) for d in dates})
    points = sorted(set(dates) | set(refs))
    ref_of = [refs.index(d - timedelta(days=365)) for d in dates]
    return [
        points,
        len(points),
        _before(points, dates),
        _before(points, refs),
        refs,
        len(refs),
        dates,
        ref_of,
        dates,
        clv.RETURN_MAX_YEARS,
        clv.RETURN_MAX_YEARS,
        clv.MIN_RETURN_CUSTOMERS,
        params.retention,
        clv.DEFAULT_RETENTION,
        clv.RETURN_MAX_YEARS,
    ]


def store_clv_many(
    db: Database, dates: Sequence[date], params: clv.CLVParams = clv.CLVParams()
) -> pd.DataFrame:
    """``kpi.store_clv`` on every date of ``dates`` at once: store_id, as_of, clv_total,
    customers (a row for each store with a customer known on that date)."""
    return store_figures(db, dates, params)[0]


# SQL's rows with each date index ``k`` replaced by the date (``as_of``): what
# ``clv_engine.derived.kpi`` keeps, and what :func:`figures` reads. Parameters: ``_args``, then
# the dates and their count.
DATED_SQL = f"""
SELECT f.part, d.day AS as_of, f.store_id, f.retention, f.customers, f.clv_sum
FROM ({SQL}) f
JOIN (SELECT unnest(CAST(? AS DATE[])) AS day, CAST(unnest(range(?)) AS INTEGER) AS k) d ON d.k = f.k
ORDER BY f.part, d.day, f.store_id
"""


def dated_args(dates: list[date], params: clv.CLVParams) -> list:
    """DATED_SQL's parameters for ``dates`` (sorted, distinct)."""
    return [*_args(dates, params), dates, len(dates)]


def found_rows(db: Database, dates: Sequence[date], params: clv.CLVParams = clv.CLVParams()) -> pd.DataFrame:
    """DATED_SQL's rows on ``dates``: per store and date, the CLV before the annuity factor
    (part "clv": retention used, customers, clv_sum) and the store's retention counts (part
    "retention": customers to keep in ``customers``, kept in ``clv_sum``)."""
    dates = sorted(set(dates))
    if not dates:
        raise ValueError("dates must not be empty")
    return db.query_df(DATED_SQL, dated_args(dates, params))


def store_figures(
    db: Database, dates: Sequence[date], params: clv.CLVParams = clv.CLVParams()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``store_clv_many``'s frame, and the retention of each home store on each date as
    ``kpi.RAW_SQL`` measured it (store_id, as_of, retention, retention_base: a row for each
    store with a customer to keep)."""
    params.validate()
    return figures(found_rows(db, dates, params), params)


def figures(found: pd.DataFrame, params: clv.CLVParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`store_figures` from DATED_SQL's rows (computed, or kept with params.retention
    None: the rows before the annuity factor do not depend on the discount rate or horizon)."""
    days = pd.to_datetime(found["as_of"]).dt.date
    values = found[found["part"] == "clv"]
    kept = found[found["part"] == "retention"]
    factor = {
        r: clv.annuity_factor(r, params.discount_rate, params.horizon_years) for r in set(values["retention"])
    }
    clv_frame = pd.DataFrame(
        {
            "store_id": values["store_id"].to_numpy(),
            "as_of": days[values.index].to_numpy(),
            "clv_total": values["clv_sum"].fillna(0).to_numpy(dtype=float)
            * values["retention"].map(factor).to_numpy(dtype=float),
            "customers": values["customers"].to_numpy(dtype="int64"),
        }
    )
    base = kept["customers"].to_numpy(dtype=float)
    retention_frame = pd.DataFrame(
        {
            "store_id": kept["store_id"].to_numpy(),
            "as_of": days[kept.index].to_numpy(),
            "retention": kept["clv_sum"].fillna(0).to_numpy(dtype=float) / base,
            "retention_base": kept["customers"].to_numpy(dtype="int64"),
        }
    )
    return clv_frame, retention_frame
