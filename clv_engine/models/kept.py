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

Sums over every kept row (the headline, the summary's facts, the dropout counts, the P(alive)
drops, the customers with an order) are the same until the file changes: each is worked out
once per file version whatever the number of processes (``derived.remembered``, kept beside
the file and keyed by its identity), so a cold start at ten million reads them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from clv_engine.derived import store as derived
from clv_engine.models.bg_nbd import p_alive
from clv_engine.scope import scope_of
from clv_engine.status import P_ALIVE_LIKELY, DropoutCheck, DropoutRules, StatusRules, dropout_check


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
    args = [float(likely), int(active_days), as_of]

    def summed(reader: Any) -> list:
        row = reader.query_df(HEADLINE_SQL, args).iloc[0]
        kinds = (int, int, float, float, int)
        return [kind(row[c]) for kind, c in zip(kinds, row.index, strict=True)]

    name = f"model_headline.{_day(as_of)}.{float(horizon_years)!r}.{float(discount_rate)!r}.{args[0]!r}.{args[1]}"
    n, likely_n, visits, value, active = _remembered(db, name, summed)
    return KeptHeadline(
        customers=int(n),
        likely_alive=int(likely_n) / n if n else None,
        expected_visits=float(visits),
        predictive_clv=float(value),
        status_active=int(active) / n if n else None,
    )


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _remembered(db: Any, name: str, compute: Any) -> Any:
    """``compute(db)`` (a JSON value) once per file version whatever the number of processes
    (``derived.remembered``: kept beside the file, keyed by its identity, so the derived
    tables it sums are those of this very file): the model page's sums over ten million kept
    rows cost a cold start seconds, and are the same figures until the file changes."""
    return derived.remembered(db, name, compute)


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


# -- customers with an order (the refund-only count beside the model's customers) -------------

ORDER_CUSTOMERS_SQL = "SELECT count(DISTINCT customer_id) FROM orders WHERE order_date <= ?"


def customers_with_orders(db: Any, as_of: date) -> int:
    """Distinct customers with an order on or before ``as_of``: a pass over every order (seconds
    at ten million), so for the whole group worked out once per file version whatever the
    number of processes (``derived.remembered``: kept beside the file, keyed by its identity;
    a scoped database counts its own)."""
    count = _remembered(
        db, f"customers_with_orders.{_day(as_of)}", lambda r: int(r.query_value(ORDER_CUSTOMERS_SQL, [as_of]))
    )
    return int(count)


# -- the summary without its text (issue 14: the model page at a million customers) -----------

# What the page reads of every customer's summary: the map's range and the refund-only count
# (aggregates), the dropout check (a count over the kept P(alive)), the P(alive) drops (by the
# customers' integer keys; ids and names only for the rows shown).


def summary_kept(db: Any, model: Any) -> bool:
    """Whether ``model``'s summary is the kept ``derived_rfm`` of its date, with the fit's
    P(alive) of every customer kept beside it (the model restored from the file for the whole
    group, in weeks)."""
    if scope_of(db) is not None or float(model.time_unit_days) != derived.TIME_UNIT_DAYS:
        return False
    stored = derived.kept_date(db, model.as_of)
    return stored is not None and stored.predictions is not None and derived.rfm_kept(db, model.as_of)


SUMMARY_SQL = f'SELECT count(*) AS n, max("T") AS longest FROM {derived.RFM_TABLE} WHERE as_of = ?'
FREQUENCIES_SQL = f"""
SELECT frequency, count(*) AS n FROM {derived.RFM_TABLE} WHERE as_of = ? GROUP BY frequency ORDER BY frequency
"""


def summary_facts(db: Any, model: Any) -> tuple[int, float, float] | None:
    """(customers, longest T, the 99th percentile of visits) of ``model.summary``, summed in
    DuckDB (the percentile from the visits' counts, as numpy takes it); None when not kept."""
    if not summary_kept(db, model):
        return None

    def summed(reader: Any) -> list:
        row = reader.query_df(SUMMARY_SQL, [model.as_of]).iloc[0]
        n = int(row["n"])
        if n == 0:
            return [0, None, None]
        counts = reader.query_df(FREQUENCIES_SQL, [model.as_of])
        visits = np.repeat(counts["frequency"].to_numpy(dtype=float), counts["n"].to_numpy(dtype="int64"))
        return [n, float(row["longest"]), float(np.quantile(visits, 0.99))]

    n, longest, p99 = _remembered(db, f"model_summary_facts.{_day(model.as_of)}", summed)
    if not n:
        return 0, float("nan"), float("nan")
    return int(n), float(longest), float(p99)


DROPOUT_SQL = f"""
SELECT count(*) FILTER (WHERE isfinite(p_alive)) AS n,
       count(*) FILTER (WHERE isfinite(p_alive) AND p_alive >= ?) AS near_one
FROM {derived.RFM_TABLE} WHERE as_of = ?
"""


def dropout(db: Any, model: Any, rules: DropoutRules = DropoutRules()) -> DropoutCheck | None:
    """``model.dropout(rules)`` counted over the kept P(alive) of every customer (the fit's,
    at build); None when not kept."""
    if not summary_kept(db, model):
        return None
    near_one = float(rules.near_one)

    def counted(reader: Any) -> list:
        row = reader.query_df(DROPOUT_SQL, [near_one, model.as_of]).iloc[0]
        return [int(row["n"]), int(row["near_one"])]

    n, near = _remembered(db, f"model_dropout.{_day(model.as_of)}.{near_one!r}", counted)
    params = model.visits.params
    check = dropout_check(params.a, params.b, np.zeros(0), rules)  # the fit's own reasons
    if not n:
        return check
    share = near / n
    reasons = check.reasons + (("p_alive_near_one",) if share >= rules.near_one_share else ())
    return replace(check, identifiable=not reasons, reasons=reasons, near_one_share=share)


NUMBERS = ("cust_key", "frequency", "recency", "T")


def alive_now(db: Any, model: Any) -> pd.DataFrame | None:
    """cust_key and the kept P(alive) of ``model.summary``'s customers, in its order; None when
    not kept."""
    return derived.rfm_frame(db, model.as_of, ("cust_key", "p_alive")) if summary_kept(db, model) else None


DROP_LOOKUP_SQL = f"""
SELECT cust_key AS _order_key, customer_id, name, home_store_id, frequency, last_visit
FROM {derived.RFM_TABLE}
WHERE as_of = ? AND cust_key IN (SELECT unnest(CAST(? AS INTEGER[])))
"""


def alive_drops(
    db: Any, model: Any, lookback_days: int = 90, top: int = 20, now: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """``predictive.p_alive_drops(db, model, lookback_days, top)`` (the whole group) by the
    customers' keys (``now``: :func:`alive_now`, read when not given), when the earlier summary
    is kept too; None otherwise (compute)."""
    from clv_engine.predictive import DROP_COLUMNS

    now = alive_now(db, model) if now is None else now
    if now is None:
        return None

    if not isinstance(lookback_days, (int, np.integer)) or lookback_days < 1 or top is None or top < 1:
        return None
    earlier = model.as_of - timedelta(days=int(lookback_days))
    if not summary_kept(db, model) or not derived.rfm_kept(db, earlier):
        return None
    before = derived.rfm_frame(db, earlier, NUMBERS)
    now_keys = now["cust_key"].to_numpy()
    before_keys = before["cust_key"].to_numpy()
    if not len(before_keys) or not len(now_keys):
        return pd.DataFrame(columns=DROP_COLUMNS)
    # Both in key order: the customers in both, in ``now``'s order (p_alive_drops' inner join)
    at = np.minimum(np.searchsorted(before_keys, now_keys), len(before_keys) - 1)
    found = before_keys[at] == now_keys
    if not found.any():
        return pd.DataFrame(columns=DROP_COLUMNS)
    rows = at[found]
    frequency = before["frequency"].to_numpy(dtype=float)[rows]  # as predictive.typed_rfm
    p_before = p_alive(model.visits, frequency, *(before[c].to_numpy()[rows] for c in NUMBERS[2:]))
    p_now = now["p_alive"].to_numpy(dtype=float)[found]
    change = p_now - p_before
    if np.isnan(change).any():
        return None  # the ranking of every row: compute, as before
    eligible = np.arange(len(change))
    if len(eligible) > top:
        kth = np.partition(change, top - 1)[top - 1]
        eligible = eligible[change <= kth]
    # key order is id order: a stable sort on the change is the order of (change, customer_id)
    eligible = eligible[np.argsort(change[eligible], kind="stable")][:top]
    keys = now_keys[np.flatnonzero(found)[eligible]]
    shown = derived._read_frame(db, DROP_LOOKUP_SQL, [model.as_of, [int(k) for k in keys]])
    shown["frequency"] = shown["frequency"].astype(float)
    # _read_frame sorted the rows by key; put them in the ranking's order
    out = shown.iloc[np.searchsorted(np.sort(keys), keys)].reset_index(drop=True)[DROP_COLUMNS[:5]]
    out["p_alive_before"] = p_before[eligible]
    out["p_alive"] = p_now[eligible]
    out["change"] = change[eligible]
    return out


def remembered_drops(db: Any, model: Any, lookback_days: int = 90, top: int = 20) -> pd.DataFrame | None:
    """:func:`alive_drops` (the whole group), ranked once per file version, model and inputs
    whatever the number of processes (two ten-million-row summaries read and P(alive) worked
    out: seconds of a cold start); None when not kept (compute)."""
    if not isinstance(lookback_days, (int, np.integer)) or not isinstance(top, (int, np.integer)):
        return None
    if not summary_kept(db, model):
        return None
    fit = ",".join(repr(float(v)) for v in model.visits.params)
    name = f"model_alive_drops.{_day(model.as_of)}.{int(lookback_days)}.{int(top)}.{fit}"

    def ranked(reader: Any) -> dict | None:
        drops = alive_drops(reader, model, int(lookback_days), int(top))
        return None if drops is None else _frame_json(drops)

    found = _remembered(db, name, ranked)
    return None if found is None else _json_frame(found)


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def _frame_json(frame: pd.DataFrame) -> dict:
    """A short frame as JSON: its columns, their dtypes and values (floats exact, by repr)."""
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "values": [[_plain(v) for v in frame[c].tolist()] for c in frame.columns],
    }


def _json_frame(saved: dict) -> pd.DataFrame:
    columns = {}
    for name, dtype, values in zip(saved["columns"], saved["dtypes"], saved["values"], strict=True):
        if dtype.startswith("datetime64"):
            columns[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
        else:
            columns[name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns, columns=saved["columns"])
