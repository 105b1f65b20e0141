"""The overview page's figures of one date as a few numbers (issue 14): the headline, the profit
concentration curve, the CLV histogram, and the CLV bridge between two dates.

Where ``derived_values`` keeps the date (and, for the predictive model, its predictions at the
parameters), every figure is computed in DuckDB over the kept table: the CLV of each customer
is the SQL of ``clv.add_historical_clv`` (and ``predictive.values_for_model``), the sums and
counts are aggregates, and only two numeric columns (gross profit, CLV) leave DuckDB for the
curve's sort and the histogram; no per-customer frame is built. Elsewhere the same
:class:`Figures` come from the per-customer frame (:func:`figures_of_frame`), as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from clv_engine import bridge as br
from clv_engine.clv import (
    RETURN_MAX_YEARS,
    CLVParams,
    ReturnRates,
    annuity_factor,
    profit_concentration,
)
from clv_engine.overview import Headline, headline, histogram, kept_rows
from clv_engine.status import StatusRules

CURVE_POINTS = 400  # a few hundred points draw the same curve as a million


@dataclass(frozen=True)
class Figures:
    """What the overview draws of one date. ``attrs``: the per-customer frame's attrs
    (params, retention, retention_source, return_rates, model). ``head`` None: no customer."""

    head: Headline | None
    curve: pd.DataFrame  # customer_share, profit_share (thinned to about CURVE_POINTS rows)
    bins: pd.DataFrame  # overview.histogram of the CLV
    attrs: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.head is None


def thinned_curve(gross_profit: Any) -> pd.DataFrame:
    """``clv.profit_concentration`` thinned as the chart draws it: every ``step``-th point and
    the last one (the same rows, without building the curve of every customer)."""
    return _thinned(np.sort(np.asarray(gross_profit, dtype=float))[::-1])


def _thinned(values: np.ndarray) -> pd.DataFrame:
    """:func:`thinned_curve` of gross profits sorted from the highest."""
    n = len(values)
    if n == 0:
        return profit_concentration([])
    total = values.sum()
    cumulative = np.cumsum(values) / total if total else np.zeros(n)
    step = max(1, (n + 1) // CURVE_POINTS)
    rows = np.append(np.arange(0, n + 1, step), n)  # rows of the whole curve (row 0: the origin)
    return pd.DataFrame(
        {
            "customer_share": np.concatenate([[0.0], rows[1:] / n]),
            "profit_share": np.concatenate([[0.0], cumulative[rows[1:] - 1]]),
        },
        index=rows,
    )


def _top_share_sorted(values: np.ndarray, top: float) -> float:
    """``clv.top_share`` of gross profits sorted from the highest."""
    if len(values) == 0 or values.sum() == 0:
        return float("nan")
    k = int(np.ceil(top * len(values)))
    return float(values[:k].sum() / values.sum())


def figures_of_frame(values: pd.DataFrame) -> Figures:
    """:class:`Figures` of a per-customer frame (``clv.customer_values`` with the model's CLV)."""
    attrs = {
        k: values.attrs.get(k) for k in ("params", "retention", "retention_source", "return_rates", "model")
    }
    if values.empty:
        return Figures(None, thinned_curve([]), histogram([]), attrs)
    return Figures(headline(values), thinned_curve(values["gross_profit"]), histogram(values["clv"]), attrs)


# -- from the kept table ----------------------------------------------------------------------


def _clv_sql(rates: ReturnRates | None, predicted: bool) -> tuple[str, int]:
    """The SQL of one customer's CLV over ``derived_values``' columns (``clv.absence_weight``,
    ``clv.add_historical_clv``; the predictive CLV where there is one) and how many ``?`` it
    takes: retention, (retention for the comparison, one rate per year of absence), factor."""
    legacy = "power(?, greatest(recency_days - 365.0, 0.0) / 365.0)"
    if rates is None:
        weight, n = legacy, 1
    else:
        years = f"least(greatest(ceil(recency_days / 365.0) - 1, 0), {RETURN_MAX_YEARS})"
        q = (
            "CASE "
            + " ".join(f"WHEN {years} = {k} THEN ?::DOUBLE" for k in range(1, RETURN_MAX_YEARS + 1))
            + " END"
        )
        weight = (
            f"CASE WHEN {years} = 0 THEN 1.0 WHEN ({q}) IS NULL THEN {legacy} "
            f"WHEN ?::DOUBLE > 0 THEN least(({q}), ?::DOUBLE) / ?::DOUBLE ELSE 0.0 END"
        )
        n = 2 * RETURN_MAX_YEARS + 4
    historical = f"(gross_profit / greatest(tenure_years, 1.0)) * ({weight}) * ?::DOUBLE"
    if predicted:
        return (
            f"CASE WHEN predictive_clv IS NULL OR isnan(predictive_clv) THEN {historical} ELSE predictive_clv END",
            n + 1,
        )
    return historical, n + 1


def _clv_params(rates: ReturnRates | None, retention: float, factor: float) -> list:
    if rates is None:
        return [retention, factor]
    q = [rates.used_for(k) for k in range(1, RETURN_MAX_YEARS + 1)]
    return [*q, retention, retention, *q, retention, retention, factor]


@dataclass(frozen=True)
class _Kept:
    """What the SQL of a kept date needs: the table's rows (FROM ... WHERE) and the CLV."""

    source: str
    source_params: list
    clv: str
    clv_params: list
    attrs: dict


def _kept(db, as_of: date, store_ids, params: CLVParams, model: str) -> _Kept | None:
    from clv_engine import clv
    from clv_engine.derived import store

    found = kept_rows(db, as_of, store_ids, params, model)
    if found is None:
        return None
    group, predicted, where, values = found
    retention, source = clv.retention_for(group, as_of, params)
    rates = clv.return_rates(group, as_of)
    factor = annuity_factor(retention, params.discount_rate, params.horizon_years)
    clv_sql, _ = _clv_sql(rates, predicted)
    attrs = {
        "params": params,
        "retention": retention,
        "retention_source": source,
        "return_rates": rates,
        "model": "predictive" if predicted else "historical",
    }
    return _Kept(
        f"{store.VALUES_TABLE}{where}", values, clv_sql, _clv_params(rates, retention, factor), attrs
    )


def _headline_sql(k: _Kept, rules: StatusRules) -> tuple[str, list]:
    sql = f"""
    SELECT count(*) AS n,
           count(*) FILTER (WHERE recency_days <= ?) AS active,
           count(*) FILTER (WHERE recency_days > ? AND recency_days <= ?) AS lapsing,
           sum(clv) AS total_clv,
           sum(gp_12m) AS gp_12m,
           count(*) FILTER (WHERE gross_profit < 0) AS losing
    FROM (SELECT recency_days, gross_profit, gp_12m, {k.clv} AS clv FROM {k.source})
    """
    return sql, [rules.active_days, rules.active_days, rules.lapsed_days, *k.clv_params, *k.source_params]


def _columns(cur, sql: str, params: list) -> list[np.ndarray]:
    """The query's columns as numpy arrays, through Arrow (faster than ``fetchnumpy`` for ten
    million rows); a number column's NULL is NaN."""
    table = cur.sql(sql, params=params or None).to_arrow_table()
    return [table.column(i).to_numpy() for i in range(table.num_columns)]


# The last dates' arrays (the page draws a date's figures, then the bridge that reads them
# again): each date's CLV worked out and fetched once. Dropped when the bridge is drawn.
_ARRAYS: dict[tuple, tuple[np.ndarray, ...]] = {}
_ARRAYS_LOCK = threading.Lock()


def _arrays(db, k: _Kept, rules: StatusRules) -> tuple[np.ndarray, ...]:
    """A kept date's ``cust_key``, gross profit, CLV (NaN where missing) and whether active."""
    key = (db.version(), k.source, repr(k.source_params), k.clv, repr(k.clv_params), rules)
    with _ARRAYS_LOCK:
        found = _ARRAYS.get(key)
    if found is not None:
        return found
    # active as a byte, not a boolean (Arrow's bits are slow to turn into numpy at ten million)
    active = "CAST(coalesce(recency_days <= ?, false) AS UTINYINT)"
    sql = f"SELECT cust_key, gross_profit, {k.clv} AS clv, {active} AS act FROM {k.source}"
    with db.cursor() as cur:
        keys, gp, clv, act = _columns(cur, sql, [*k.clv_params, rules.active_days, *k.source_params])
    found = (
        np.asarray(keys, dtype=np.int64),
        np.asarray(gp, dtype=float),
        np.asarray(clv, dtype=float),
        np.asarray(act, dtype=np.uint8).astype(bool),
    )
    with _ARRAYS_LOCK:
        while len(_ARRAYS) >= 2:
            _ARRAYS.pop(next(iter(_ARRAYS)))
        _ARRAYS[key] = found
    return found


def kept_figures(
    db, as_of: date, store_ids, params: CLVParams, model: str, full: bool = True
) -> Figures | None:
    """:func:`figures_of_frame` of ``overview.kept_values``' frame, computed in DuckDB; None:
    not kept (compute). ``full`` False: the headline only (no curve, no histogram), for a date
    the page only compares with."""
    k = _kept(db, as_of, store_ids, params, model)
    if k is None:
        return None
    rules = StatusRules()
    sql, sql_params = _headline_sql(k, rules)
    with db.cursor() as cur:
        n, active, lapsing, total_clv, gp_12m, losing = cur.execute(sql, sql_params).fetchall()[0]
    if not n:
        return Figures(None, thinned_curve([]), histogram([]), k.attrs)
    _, gp, clv_values, _ = _arrays(db, k, rules)
    ordered = np.sort(gp)[::-1] if full else None
    head = Headline(
        customers=int(n),
        active_customers=int(active),
        lapsing_customers=int(lapsing),
        lapsed_customers=int(n) - int(active) - int(lapsing),
        total_clv=float(total_clv or 0.0),
        average_clv=float(total_clv or 0.0) / int(n),
        gross_profit_12m=float(gp_12m or 0.0),
        top20_profit_share=_top_share_sorted(ordered, 0.2) if full else _top_share_fast(gp, 0.2),
        loss_making_share=int(losing) / int(n),
    )
    if not full:
        return Figures(head, thinned_curve([]), histogram([]), k.attrs)
    return Figures(head, _thinned(ordered), histogram(clv_values), k.attrs)


def _top_share_fast(gross_profit: np.ndarray, top: float) -> float:
    """``clv.top_share`` without the full sort: the top ``k`` by a partition."""
    n = len(gross_profit)
    total = gross_profit.sum()
    if n == 0 or total == 0:
        return float("nan")
    k = int(np.ceil(top * n))
    if k >= n:
        return float(gross_profit.sum() / total)
    part = np.partition(gross_profit, n - k)[n - k :]
    return float(part.sum() / total)


def _side(db, k: _Kept, rules: StatusRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A date's ``cust_key``, CLV (0 where missing, as ``bridge._side``) and whether active."""
    keys, _, clv, act = _arrays(db, k, rules)
    return keys, np.where(np.isnan(clv), 0.0, clv), act


def _group_of(code: int) -> int:
    """The bridge's group of a key's code (see :func:`kept_bridge`): gained (active at the end,
    not at the start), lost (active at the start, not at the end), everyone else, or nobody."""
    if not code & 5:
        return 3
    was, now = bool(code & 2), bool(code & 8)
    return 0 if now and not was else (1 if was and not now else 2)


_GROUP_OF_CODE = np.array([_group_of(c) for c in range(16)], dtype=np.int8)


def kept_bridge(db, since: date, as_of: date, store_ids, params: CLVParams, model: str) -> br.Bridge | None:
    """``overview.kept_bridge`` of the two dates' kept frames (each date its own retention and
    return rates), the customers matched on ``cust_key`` (one key per customer on every date of
    one build) by position in arrays, not by a join; None when either date is not kept."""
    start = _kept(db, since, store_ids, params, model)
    end = _kept(db, as_of, store_ids, params, model)
    if start is None or end is None:
        return None
    rules = StatusRules()
    keys_s, v_s, act_s = _side(db, start, rules)
    keys_e, v_e, act_e = _side(db, end, rules)
    with _ARRAYS_LOCK:
        _ARRAYS.clear()  # drawn: the arrays go back
    size = int(max(keys_s.max(initial=-1), keys_e.max(initial=-1))) + 1
    # per key: 1 known at the start, 2 active there, 4 known at the end, 8 active there
    code = np.zeros(size, dtype=np.int8)
    code[keys_s] = 1 + 2 * act_s.astype(np.int8)
    code[keys_e] += (4 + 8 * act_e.astype(np.int8)).astype(np.int8)
    diff = np.zeros(size)
    diff[keys_e] = v_e
    diff[keys_s] -= v_s
    group = _GROUP_OF_CODE[code]  # 0 gained, 1 lost, 2 everyone else, 3 no customer
    sums = np.bincount(group, weights=diff, minlength=4)
    counts = np.bincount(group, minlength=4)
    return br.Bridge(
        start_date=since,
        end_date=as_of,
        start=float(v_s.sum()),
        gained=float(sums[0]),
        lost=-float(sums[1]),
        per_customer=float(sums[2]),
        end=float(v_e.sum()),
        customers_start=len(keys_s),
        customers_end=len(keys_e),
        active_start=int(act_s.sum()),
        active_end=int(act_e.sum()),
        gained_customers=int(counts[0]),
        lost_customers=int(counts[1]),
    )
