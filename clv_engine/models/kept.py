"""The model page's figures read from the file's derived tables (issue 14: the model page at a
million customers), when the predictions kept there are the ones the page would compute.

The page's headline (customers, the share with P(alive) of at least a half, expected visits,
predictive CLV, the share active by the calendar) and the few rows its P(alive)-drops table
looks up are sums and look-ups over ``derived_rfm`` (the RFM summary and the predictions of the
fitted model, built by ``clv_engine.derived``): DuckDB answers them without bringing a
million-row frame into the process. Used only when ``predictive.customer_predictions`` would
itself return those kept columns: the whole group (no store scope), the date's kept summary
and predictions at these very horizon and discount rate; otherwise None (the page computes
from the frames, as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from clv_engine.derived import store as derived
from clv_engine.scope import scope_of
from clv_engine.status import P_ALIVE_LIKELY, StatusRules


@dataclass(frozen=True)
class KeptHeadline:
    customers: int
    likely_alive: float | None  # share with P(alive) >= the threshold (None: no customer)
    expected_visits: float
    predictive_clv: float
    status_active: float | None  # share active by the calendar (clv_engine.status)


def usable(db: Any, as_of: object, horizon_years: float, discount_rate: float) -> bool:
    """Whether ``derived_rfm`` holds the summary and the predictions the page would compute."""
    return (
        scope_of(db) is None
        and isinstance(as_of, date)
        and derived.kept_date(db, as_of) is not None
        and derived.predictions_kept(db, as_of, horizon_years, discount_rate)
        and derived.rfm_kept(db, as_of)
    )


# The status of clv_engine.status: active when the days since the last activity (the values'
# recency_days) are at most ``active_days``; a customer the values do not hold is not active.
HEADLINE_SQL = f"""
SELECT count(*) AS customers,
       count(*) FILTER (WHERE r.p_alive >= ?) AS likely,
       coalesce(sum(r.expected_visits), 0) AS expected_visits,
       coalesce(sum(r.predictive_clv), 0) AS predictive_clv,
       count(*) FILTER (WHERE v.recency_days <= ?) AS active
FROM {derived.RFM_TABLE} r
LEFT JOIN {derived.VALUES_TABLE} v ON v.as_of = r.as_of AND v.cust_key = r.cust_key
WHERE r.as_of = ?
"""


def headline(
    db: Any,
    as_of: date,
    horizon_years: float,
    discount_rate: float,
    likely: float = P_ALIVE_LIKELY,
    active_days: int = StatusRules().active_days,
) -> KeptHeadline | None:
    """The headline's figures over the whole group, or None (not kept: compute)."""
    if not usable(db, as_of, horizon_years, discount_rate):
        return None
    row = db.query_df(HEADLINE_SQL, [float(likely), int(active_days), as_of]).iloc[0]
    n = int(row["customers"])
    return KeptHeadline(
        customers=n,
        likely_alive=int(row["likely"]) / n if n else None,
        expected_visits=float(row["expected_visits"]),
        predictive_clv=float(row["predictive_clv"]),
        status_active=int(row["active"]) / n if n else None,
    )


def predictions_of(
    db: Any, as_of: date, horizon_years: float, discount_rate: float, customer_ids: Sequence[str] = ()
) -> pd.DataFrame | None:
    """customer_id, p_visit_12m and predictive_clv of these customers as kept (the columns
    ``customer_predictions`` copies from the file), or None (not kept: compute)."""
    if not usable(db, as_of, horizon_years, discount_rate):
        return None
    ids = [str(c) for c in customer_ids]
    if not ids:
        return pd.DataFrame({"customer_id": [], "p_visit_12m": [], "predictive_clv": []})
    marks = ", ".join("?" for _ in ids)
    sql = (
        f"SELECT customer_id, p_visit_12m, predictive_clv FROM {derived.RFM_TABLE} "
        f"WHERE as_of = ? AND customer_id IN ({marks})"
    )
    return db.query_df(sql, [as_of, *ids])
