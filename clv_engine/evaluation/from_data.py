"""CLV uplift from the data rather than a typed number: extended-warranty buyers against
non-buyers, and a segment's CLV at another retention (through the CLV engine)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from clv_engine.clv import (
    CLVParams,
    ReturnRates,
    absence_weight,
    add_historical_clv,
    annuity_factor,
    customer_values,
)
from clv_engine.db import Database
from clv_engine.evaluation.presets import preset
from clv_engine.evaluation.programme import (
    CustomerGroup,
    Programme,
    ProgrammeError,
    checked_retentions,
)


@dataclass(frozen=True)
class WarrantyComparison:
    """CLV of extended-warranty buyers against non-buyers, with the product's own economics.

    The raw difference flatters the warranty if better customers buy it; ``matched_uplift``
    compares buyers with non-buyers of the same vehicle model (weighted by buyers), which
    removes the part of the gap that is only a model mix.
    """

    buyers: int
    non_buyers: int
    clv_buyers: float  # mean CLV per buyer
    clv_non_buyers: float
    uplift: float  # clv_buyers − clv_non_buyers
    uplift_pct: float | None
    matched_uplift: float | None
    avg_price: float  # per contract
    avg_claims_cost: float  # per contract whose term has ended (all contracts if none has)
    claims_complete_contracts: int
    contracts_last_year: int


def _store_clause(store_ids: list[str] | None) -> tuple[str, list[Any]]:
    if not store_ids:
        return "", []
    return f" AND c.home_store_id IN ({', '.join('?' for _ in store_ids)})", list(store_ids)


WARRANTY_CONTRACTS_SQL = """
SELECT count(*) AS contracts,
       avg(w.price) AS avg_price,
       count(*) FILTER (WHERE w.sold_date + to_years(w.term_years) <= CAST(? AS DATE)) AS complete,
       avg(w.claims_cost) FILTER (WHERE w.sold_date + to_years(w.term_years) <= CAST(? AS DATE))
           AS avg_claims_complete,
       avg(w.claims_cost) AS avg_claims_all,
       count(*) FILTER (WHERE w.sold_date > CAST(? AS DATE) - INTERVAL 365 DAY) AS last_year
FROM warranties w JOIN customers c USING (customer_id)
WHERE w.sold_date <= CAST(? AS DATE)
"""

# Runs on an in-memory DuckDB holding the per-customer values and the buyers' ids.
WARRANTY_CLV_SQL = """
WITH v AS (
    SELECT v.customer_id, coalesce(v.vehicle_model, '') AS model, v.clv,
           b.customer_id IS NOT NULL AS buyer
    FROM customer_values v LEFT JOIN buyers b USING (customer_id)
),
by_model AS (
    SELECT model,
           count(*) FILTER (WHERE buyer) AS n_buyers,
           avg(clv) FILTER (WHERE buyer) AS clv_buyers,
           avg(clv) FILTER (WHERE NOT buyer) AS clv_non
    FROM v GROUP BY model
)
SELECT (SELECT count(*) FILTER (WHERE buyer) FROM v) AS buyers,
       (SELECT count(*) FILTER (WHERE NOT buyer) FROM v) AS non_buyers,
       (SELECT avg(clv) FILTER (WHERE buyer) FROM v) AS clv_buyers,
       (SELECT avg(clv) FILTER (WHERE NOT buyer) FROM v) AS clv_non_buyers,
       (SELECT sum(n_buyers * (clv_buyers - clv_non)) / sum(n_buyers)
          FROM by_model WHERE n_buyers > 0 AND clv_non IS NOT NULL) AS matched_uplift
"""


def warranty_clv_comparison(
    db: Database,
    as_of: date,
    store_ids: list[str] | None = None,
    params: CLVParams | None = None,
) -> WarrantyComparison:
    """Buyers' and non-buyers' CLV (``clv.customer_values``) and the contracts' price and
    claims, all as of ``as_of``. Raises ValueError when the data has no buyer or no
    non-buyer to compare."""
    store_sql, store_params = _store_clause(store_ids)
    contracts = db.query_df(WARRANTY_CONTRACTS_SQL + store_sql, [as_of] * 4 + store_params).iloc[0]
    if not contracts["contracts"]:
        raise ProgrammeError("no_warranty", field="warranties", as_of=str(as_of))
    kept = _kept_sql(db, as_of, store_ids, params or CLVParams())
    values = None if kept is not None else _kept_values(db, as_of, store_ids, params or CLVParams())
    if kept is not None:  # the comparison in DuckDB over derived_values: no per-customer frame
        parts, (clv_params, rows_params) = kept
        sql = WARRANTY_CLV_SQL.replace(
            "FROM customer_values v LEFT JOIN buyers b USING (customer_id)", _KEPT_VALUES_SQL.format(**parts)
        ).replace("b.customer_id IS NOT NULL AS buyer", "v.buyer")
        params = [*clv_params, as_of, *rows_params]
        with db.cursor() as cur:
            row = cur.execute(sql, params).df().iloc[0]
    elif values is not None:  # numbers keyed by derived_values' integer cust_key, the buyers too
        buyer_ids = db.query_df(
            "SELECT DISTINCT d.cust_key AS customer_id FROM warranties w JOIN customers c USING (customer_id) "
            "JOIN derived_values d ON d.customer_id = w.customer_id AND d.as_of = CAST(? AS DATE) "
            "WHERE w.sold_date <= CAST(? AS DATE)" + store_sql,
            [as_of, as_of] + store_params,
        )
    else:
        buyer_ids = db.query_df(
            "SELECT DISTINCT w.customer_id FROM warranties w JOIN customers c USING (customer_id) "
            "WHERE w.sold_date <= CAST(? AS DATE)" + store_sql,
            [as_of] + store_params,
        )
        # the columns read below only (a narrower read than names and vehicles of every customer)
        values = customer_values(db, as_of, store_ids, params or CLVParams(), columns=("vehicle_model",))
    if kept is None:
        con = duckdb.connect()
        try:
            con.register("customer_values", values[["customer_id", "vehicle_model", "clv"]])
            con.register("buyers", buyer_ids)
            row = con.execute(WARRANTY_CLV_SQL).df().iloc[0]
        finally:
            con.close()
    if not row["buyers"] or not row["non_buyers"]:
        raise ProgrammeError("no_comparison", field="warranties")
    clv_buyers, clv_non = float(row["clv_buyers"]), float(row["clv_non_buyers"])
    complete = int(contracts["complete"])
    claims = contracts["avg_claims_complete"] if complete else contracts["avg_claims_all"]
    matched = row["matched_uplift"]
    return WarrantyComparison(
        buyers=int(row["buyers"]),
        non_buyers=int(row["non_buyers"]),
        clv_buyers=clv_buyers,
        clv_non_buyers=clv_non,
        uplift=clv_buyers - clv_non,
        uplift_pct=(clv_buyers - clv_non) / clv_non if clv_non > 0 else None,
        matched_uplift=None if pd.isna(matched) else float(matched),
        avg_price=float(contracts["avg_price"]),
        avg_claims_cost=float(claims),
        claims_complete_contracts=complete,
        contracts_last_year=int(contracts["last_year"]),
    )


# WARRANTY_CLV_SQL's per-customer rows straight from derived_values: the CLV in SQL
# (``overview_figures``: ``clv.add_historical_clv``), a buyer a customer with a contract.
_KEPT_VALUES_SQL = """FROM (
        SELECT customer_id, vehicle_model, {clv} AS clv,
               -- the rows are the customers in the stores already (derived_values' home store,
               -- that of ``customers`` when built): no join of the contracts to ``customers``
               customer_id IN (SELECT customer_id FROM warranties WHERE sold_date <= CAST(? AS DATE)) AS buyer
        FROM {source}
    ) v"""


def _kept_sql(db: Database, as_of: date, store_ids: list[str] | None, params: CLVParams):
    """({clv, source}, parameters) of :data:`_KEPT_VALUES_SQL` where ``derived_values``
    keeps ``as_of`` for the group or a store filter (the rows :func:`_kept_values` reads); the
    parameters before the buyers' date. None: a scope, or not kept (compute)."""
    from clv_engine import overview_figures
    from clv_engine.scope import scope_of

    if scope_of(db) is not None:
        return None
    stores = tuple(store_ids) if store_ids else None
    kept = overview_figures._kept(db, as_of, stores, params, "historical")
    if kept is None:
        return None
    parts = {"clv": kept.clv, "source": kept.source}
    return parts, (kept.clv_params, kept.source_params)


def _kept_values(
    db: Database, as_of: date, store_ids: list[str] | None, params: CLVParams
) -> pd.DataFrame | None:
    """The historical CLV and vehicle model per customer from ``derived_values`` (ids: its
    integer ``cust_key``) for the whole group or a store filter; a scope measures its own
    retention (``clv.customer_values`` on the scoped reader): None, as when not kept."""
    from clv_engine.overview import kept_values
    from clv_engine.scope import scope_of

    if scope_of(db) is not None:
        return None
    stores = tuple(store_ids) if store_ids else None
    return kept_values(db, as_of, stores, params, "historical", extra=("vehicle_model",))


def warranty_programme(
    comparison: WarrantyComparison, base: Programme | None = None, matched: bool = True
) -> Programme:
    """The extended-warranty case with its price, claims, volume and CLV uplift from the data."""
    p = base or preset("extended_warranty")
    uplift = (
        comparison.matched_uplift if matched and comparison.matched_uplift is not None else comparison.uplift
    )
    claims_index = next((i for i, c in enumerate(p.cost_lines) if c.timing == "per_unit"), None)
    if claims_index is None:
        raise ProgrammeError("no_claims_line", field="cost_lines")
    lines = list(p.cost_lines)
    lines[claims_index] = replace(lines[claims_index], amount=comparison.avg_claims_cost)
    groups = list(p.groups) or [CustomerGroup("evaluator.group.warranty_buyers", None, 0.0)]
    groups[0] = replace(groups[0], clv_uplift=uplift, baseline_clv=comparison.clv_non_buyers)
    return replace(
        p,
        cost_lines=tuple(lines),
        groups=tuple(groups),
        unit_revenue=comparison.avg_price,
        volume_per_year=float(comparison.contracts_last_year),
    )


@dataclass(frozen=True)
class RetentionUplift:
    """What a retention change is worth on a segment, through the CLV engine."""

    customers: int
    retention_from: float
    retention_to: float
    clv_before: float  # mean CLV per customer at retention_from
    clv_after: float  # mean CLV per customer at retention_to

    @property
    def uplift(self) -> float:
        return self.clv_after - self.clv_before

    @property
    def uplift_pct(self) -> float | None:
        return self.uplift / self.clv_before if self.clv_before > 0 else None


def retention_uplift(
    values: pd.DataFrame,
    retention_to: float,
    retention_from: float | None = None,
    params: CLVParams | None = None,
) -> RetentionUplift:
    """Mean CLV of a segment's customers (rows of ``clv.customer_values``) recomputed at a
    new yearly retention; ``retention_from`` defaults to the rate the values were made with."""
    if values.empty:
        raise ProgrammeError("empty_segment", field="segment")
    missing = {"gross_profit", "tenure_years", "recency_days"} - set(values.columns)
    if missing:
        raise ProgrammeError("missing_columns", field="segment", columns=", ".join(sorted(missing)))
    retention_from = checked_retentions(retention_from, retention_to, values.attrs.get("retention"))
    params = params or values.attrs.get("params") or CLVParams()
    before = add_historical_clv(values, float(retention_from), params)["clv"].mean()
    after = add_historical_clv(values, float(retention_to), params)["clv"].mean()
    return RetentionUplift(
        len(values), float(retention_from), float(retention_to), float(before), float(after)
    )


@dataclass(frozen=True)
class RetentionBase:
    """What :func:`retention_uplift` reads of the customer values, as numeric arrays (one per
    customer, the frame's rows): the yearly gross profit so far, the days since the last
    visit, and per segment column the code of each customer's value in ``labels`` (−1: none)."""

    annual_gp: np.ndarray
    recency_days: np.ndarray
    codes: dict[str, np.ndarray]
    labels: dict[str, tuple[str, ...]]
    retention: float | None
    params: CLVParams
    rates: ReturnRates | None

    @property
    def customers(self) -> int:
        return len(self.annual_gp)


def retention_base(values: pd.DataFrame, columns: tuple[str, ...]) -> RetentionBase:
    """The arrays of ``values`` (rows of ``clv.customer_values``) that a segment's CLV at
    another retention needs; ``columns``: the segment columns (a value read as text)."""
    years = np.maximum(values["tenure_years"].to_numpy(dtype=float), 1.0)
    codes, labels = {}, {}
    for column in columns:
        text = values[column].astype(str)
        labels[column] = tuple(sorted(text.dropna().unique()))
        codes[column] = pd.Categorical(text, categories=labels[column]).codes
    return RetentionBase(
        annual_gp=values["gross_profit"].to_numpy(dtype=float) / years,
        recency_days=values["recency_days"].to_numpy(dtype=float),
        codes=codes,
        labels=labels,
        retention=values.attrs.get("retention"),
        params=values.attrs.get("params") or CLVParams(),
        rates=values.attrs.get("return_rates"),
    )


def retention_uplift_of(
    base: RetentionBase,
    column: str | None,
    value: str | None,
    retention_to: float,
    retention_from: float | None = None,
) -> RetentionUplift:
    """:func:`retention_uplift` of the customers whose ``column`` reads ``value`` (every
    customer when ``column`` is None), from the arrays of :func:`retention_base`."""
    if column is None:
        gp, days = base.annual_gp, base.recency_days
    else:
        labels = base.labels[column]
        mask = base.codes[column] == (labels.index(value) if value in labels else -2)
        gp, days = base.annual_gp[mask], base.recency_days[mask]
    if len(gp) == 0:
        raise ProgrammeError("empty_segment", field="segment")
    retention_from = checked_retentions(retention_from, retention_to, base.retention)

    def mean_clv(retention: float) -> float:
        factor = annuity_factor(retention, base.params.discount_rate, base.params.horizon_years)
        clv = gp * absence_weight(days, retention, base.rates) * factor
        known = ~np.isnan(clv)
        return float(clv[known].sum() / known.sum()) if known.any() else float("nan")

    return RetentionUplift(
        len(gp),
        float(retention_from),
        float(retention_to),
        mean_clv(float(retention_from)),
        mean_clv(float(retention_to)),
    )


def kept_retention_base(
    db: Database, as_of: date, store_ids, params: CLVParams, columns: tuple[str, ...] = ()
) -> RetentionBase | None:
    """:func:`retention_base` of the customer values read straight from ``derived_values``
    when it keeps ``as_of`` (the rows and order of ``clv.customer_values``; the segment
    columns as Arrow dictionary codes, not a million Python strings), else None (compute)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from clv_engine import clv
    from clv_engine.derived import store
    from clv_engine.scope import group_database

    params.validate()
    group = group_database(db)
    if store.kept_date(group, as_of) is None:
        return None
    where, values = store._where(as_of, ("",) if store_ids == () else store_ids)
    picked = ", ".join(["gross_profit", "tenure_years", "recency_days", *columns])
    with db.cursor() as cur:
        table = cur.sql(
            f"SELECT cust_key, {picked} FROM {store.VALUES_TABLE}{where}", params=values
        ).to_arrow_table()
    keys = table.column(0).to_numpy()
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():  # a scope's view may reorder: the key order
        table = table.take(pa.array(np.argsort(keys, kind="stable")))

    def numbers(name: str) -> np.ndarray:
        return pc.cast(table.column(name), pa.float64()).to_numpy(zero_copy_only=False)

    codes, labels = {}, {}
    for column in columns:
        encoded = pc.dictionary_encode(table.column(column)).combine_chunks()
        words = encoded.dictionary.to_pylist()
        order = sorted(range(len(words)), key=words.__getitem__)
        rank = np.empty(len(words) + 1, dtype=np.int64)
        rank[order] = np.arange(len(words))
        rank[-1] = -1  # a missing value
        index = encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)
        labels[column] = tuple(words[i] for i in order)
        codes[column] = rank[index]
    retention, _ = clv.retention_for(group, as_of, params)
    years = np.maximum(numbers("tenure_years"), 1.0)
    return RetentionBase(
        annual_gp=numbers("gross_profit") / years,
        recency_days=numbers("recency_days"),
        codes=codes,
        labels=labels,
        retention=retention,
        params=params,
        rates=clv.return_rates(group, as_of),
    )
