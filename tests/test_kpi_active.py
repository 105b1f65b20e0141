"""kpi.RAW_SQL's active customers (the stores' customers with a visit in the 12 months to each
date) counted from the visits' start and end days, against the range join it replaced (kept
here as the independent implementation), on the random databases of test_kpi_sql."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings

from clv_engine import kpi
from tests.test_kpi_sql import _build, databases, dates_strategy

# RAW_SQL's active customers before: each customer's visit days at each store with the next
# one there, a range join per date.
ACTIVE_BEFORE_SQL = """
WITH d AS (SELECT unnest(CAST(? AS DATE[])) AS as_of),
sv AS (
    SELECT store_id, customer_id, order_date AS visit,
           lead(order_date) OVER (PARTITION BY store_id, customer_id ORDER BY order_date) AS next_visit
    FROM (SELECT DISTINCT store_id, customer_id, order_date FROM orders
          WHERE order_date > (SELECT min(as_of) FROM d) - INTERVAL 365 DAY
            AND order_date <= (SELECT max(as_of) FROM d))
)
SELECT d.as_of, sv.store_id, count(*) AS active_customers
FROM d JOIN sv
  ON sv.visit > d.as_of - INTERVAL 365 DAY AND sv.visit <= d.as_of
 AND (sv.next_visit IS NULL OR sv.next_visit > d.as_of)
GROUP BY ALL
"""


def _brute_force(db, dates) -> dict:
    """Distinct customers with an order at the store in (d - 365 days, d], in Python."""
    orders = db.query_df("SELECT customer_id, store_id, order_date FROM orders")
    out = {}
    for d in dates:
        for o in orders.itertuples():
            day = pd.Timestamp(o.order_date).date()
            if (d - day).days < 365 and day <= d:
                out.setdefault((d, o.store_id), set()).add(o.customer_id)
    return {k: len(v) for k, v in out.items()}


@settings(max_examples=25, deadline=None)
@given(data=databases(), dates=dates_strategy)
def test_active_customers_equal_the_range_join(data, dates):
    dates = sorted(set(dates))
    if not dates:
        return
    with tempfile.TemporaryDirectory() as folder:
        db = _build(Path(folder), *data)
        before = db.query_df(ACTIVE_BEFORE_SQL, [dates])
        expected = {
            (pd.Timestamp(r.as_of).date(), r.store_id): r.active_customers for r in before.itertuples()
        }
        assert expected == _brute_force(db, dates)
        got = db.query_df(kpi.RAW_SQL, [dates])
        have = {
            (pd.Timestamp(r.as_of).date(), r.store_id): int(r.active_customers)
            for r in got.itertuples()
            if not pd.isna(r.active_customers)
        }
        assert have == expected
