"""The evaluator's "segment's CLV at another retention" from ``derived_values`` as a few sums
(issue 14): per number of days since the last visit, the customers' yearly gross profit added
up in DuckDB. A segment's mean CLV at a retention r is Σ_days Σgp · w(days, r) · factor / n,
the figure of ``from_data.retention_uplift_of`` (Σ_customers gp · w · factor / n) added up by
day first: no array of every customer, and no text column read whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from clv_engine.clv import CLVParams, ReturnRates, absence_weight, annuity_factor
from clv_engine.evaluation.programme import ProgrammeError, checked_retentions

# The segment columns the query may filter on (never a caller's text in the SQL).
SEGMENT_COLUMNS = ("region", "channel", "vehicle_model", "home_store_id")


@dataclass(frozen=True)
class RetentionSums:
    """A segment's customers (``customers``) and, per distinct days since the last activity
    (``days``), the sum of their yearly gross profit (``annual_gp``) and how many have one
    (``known``)."""

    customers: int
    days: np.ndarray
    annual_gp: np.ndarray
    known: np.ndarray
    retention: float | None
    params: CLVParams
    rates: ReturnRates | None


_SUMS_SQL = """
SELECT recency_days AS days,
       sum(gp) FILTER (WHERE gp IS NOT NULL AND NOT isnan(gp)) AS annual_gp,
       count(gp) FILTER (WHERE gp IS NOT NULL AND NOT isnan(gp)) AS known,
       count(*) AS customers
FROM (
    SELECT recency_days,
           gross_profit / CASE WHEN tenure_years IS NULL THEN NULL ELSE greatest(tenure_years, 1.0) END AS gp
    FROM {source}
)
GROUP BY recency_days
ORDER BY recency_days
"""


def _source(db, as_of: date, store_ids, params: CLVParams):
    """(FROM ... WHERE, parameters, group reader) of the kept date, or None (compute)."""
    from clv_engine.derived import store
    from clv_engine.scope import group_database

    params.validate()
    group = group_database(db)
    if store.kept_date(group, as_of) is None:
        return None
    where, values = store._where(as_of, ("",) if store_ids == () else store_ids)
    return f"{store.VALUES_TABLE}{where}", values, group


def kept_retention_sums(
    db, as_of: date, store_ids, params: CLVParams, column: str | None = None, value: str | None = None
) -> RetentionSums | None:
    """The sums of the customers whose ``column`` reads ``value`` (every customer when
    ``column`` is None) where ``derived_values`` keeps ``as_of`` (the rows of
    ``from_data.kept_retention_base``), else None (compute)."""
    from clv_engine import clv

    found = _source(db, as_of, store_ids, params)
    if found is None:
        return None
    source, values, group = found
    if column is not None:
        if column not in SEGMENT_COLUMNS:
            raise ValueError(f"not a segment column: {column!r}")
        source += f" AND {column} = ?"
        values = [*values, value]
    with db.cursor() as cur:
        table = cur.sql(_SUMS_SQL.format(source=source), params=values).to_arrow_table()
    columns = {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}
    retention, _ = clv.retention_for(group, as_of, params)
    return RetentionSums(
        customers=int(np.sum(columns["customers"])),
        days=np.asarray(columns["days"], dtype=float),
        annual_gp=np.nan_to_num(np.asarray(columns["annual_gp"], dtype=float), nan=0.0),
        known=np.asarray(columns["known"], dtype=np.int64),
        retention=retention,
        params=params,
        rates=clv.return_rates(group, as_of),
    )


def kept_labels(db, as_of: date, store_ids, params: CLVParams, column: str) -> tuple[str, ...] | None:
    """The values ``column`` takes in the kept date's rows, sorted (``RetentionBase.labels``)."""
    if column not in SEGMENT_COLUMNS:
        raise ValueError(f"not a segment column: {column!r}")
    found = _source(db, as_of, store_ids, params)
    if found is None:
        return None
    source, values, _ = found
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT DISTINCT {column} FROM {source} AND {column} IS NOT NULL", values
        ).fetchall()
    return tuple(sorted(str(r[0]) for r in rows))


def retention_uplift_of_sums(sums: RetentionSums, retention_to: float, retention_from: float | None = None):
    """``from_data.retention_uplift_of`` of a segment's :class:`RetentionSums`."""
    from clv_engine.evaluation.from_data import RetentionUplift

    if sums.customers == 0:
        raise ProgrammeError("empty_segment", field="segment")
    retention_from = checked_retentions(retention_from, retention_to, sums.retention)

    def mean_clv(retention: float) -> float:
        factor = annuity_factor(retention, sums.params.discount_rate, sums.params.horizon_years)
        weight = np.full(len(sums.days), np.nan)  # no day known: no CLV (not counted)
        dated = ~np.isnan(sums.days)
        weight[dated] = absence_weight(sums.days[dated], retention, sums.rates)
        known = sums.known * ~np.isnan(weight)
        total = np.where(known > 0, sums.annual_gp * np.nan_to_num(weight) * factor, 0.0)
        return float(total.sum() / known.sum()) if known.sum() else float("nan")

    return RetentionUplift(
        sums.customers,
        float(retention_from),
        float(retention_to),
        mean_clv(float(retention_from)),
        mean_clv(float(retention_to)),
    )
