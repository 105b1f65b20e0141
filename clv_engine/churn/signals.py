"""Churn signals from the database, each normalised to 0..1, and the risk score (SPEC §3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from clv_engine.churn.rules import (
    CODES,
    LAPSED,
    NO_LEVEL,
    SIGNAL_TABLE,
    SIGNALS,
    RiskLevels,
    RiskWeights,
    SignalRules,
    _as_float,
)
from clv_engine.db import Database
from clv_engine.derived import churn as derived_churn
from clv_engine.errors import InputError

# -- normalisation of each signal to 0..1 ---------------------------------------------------


def expected_in_window(
    baseline_amount: np.ndarray | pd.Series, baseline_days: np.ndarray | pd.Series, window_days: int
) -> np.ndarray:
    """What the customer's usual pace (amount per day of the baseline) predicts for the window."""
    amount = _as_float(baseline_amount)
    days = _as_float(baseline_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(days > 0, amount / days * window_days, 0.0)


def drop_signal(
    recent: np.ndarray | pd.Series,
    baseline_amount: np.ndarray | pd.Series,
    baseline_visits: np.ndarray | pd.Series,
    baseline_days: np.ndarray | pd.Series,
    window_days: int,
    min_baseline_days: int,
) -> np.ndarray:
    """Drop against the usual pace, weighted by the evidence, in 0..1.

    drop = clip(1 − recent / expected, 0, 1), expected = the baseline pace over the window;
    evidence = min(1, visits expected in the window). No usual pace (known for less than
    ``min_baseline_days``, or nothing in the baseline) gives 0: nothing to drop from.
    """
    recent = _as_float(recent)
    days = _as_float(baseline_days)
    expected = expected_in_window(baseline_amount, days, window_days)
    expected_visits = expected_in_window(baseline_visits, days, window_days)
    known = (days >= min_baseline_days) & (expected > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = np.clip(1.0 - np.where(known, recent / expected, 1.0), 0.0, 1.0)
    evidence = np.clip(expected_visits, 0.0, 1.0)
    return np.where(known, drop * evidence, 0.0)


def complaint_signal(unresolved: np.ndarray | pd.Series, cap: int) -> np.ndarray:
    """min(1, unresolved complaints / cap): with cap 1, any open complaint is the full signal."""
    if cap < 1:
        raise ValueError("complaint_cap must be at least 1")
    return np.clip(_as_float(unresolved) / cap, 0.0, 1.0)


def competitor_signal(days_since_sighting: np.ndarray | pd.Series, horizon_days: int) -> np.ndarray:
    """1 − age / horizon of the latest sighting: seen today 1, a horizon ago (or never) 0."""
    days = _as_float(days_since_sighting)
    return np.where(np.isnan(days), 0.0, np.clip(1.0 - days / horizon_days, 0.0, 1.0))


def cancellation_signal(
    cancelled: np.ndarray | pd.Series, appointments: np.ndarray | pd.Series, min_appointments: int
) -> np.ndarray:
    """Cancelled / appointments, × min(1, appointments / min_appointments) for thin evidence."""
    cancelled = _as_float(cancelled)
    booked = _as_float(appointments)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(booked > 0, cancelled / booked, 0.0)
    evidence = np.clip(booked / min_appointments, 0.0, 1.0)
    return np.clip(rate, 0.0, 1.0) * evidence


def effective_weights(weights: RiskWeights, available: Sequence[str]) -> dict[str, float]:
    """The weights of the available signals, scaled up to sum to 1 (missing ones get 0)."""
    weights.validate()
    raw = weights.as_dict()
    share = sum(raw[s] for s in available)
    if share <= 0:
        missing = [s for s in SIGNALS if s not in available]
        raise InputError(CODES["no_signal_weight"], signals=", ".join(missing))
    return {s: (raw[s] / share if s in available else 0.0) for s in SIGNALS}


def risk_level(score: np.ndarray | pd.Series, levels: RiskLevels = RiskLevels()) -> np.ndarray:
    """high / mid / low / none by the thresholds (a score on a threshold is in the higher level)."""
    return _LEVEL_NAMES[_level_codes(score, levels)]


def _level_codes(score: np.ndarray | pd.Series, levels: RiskLevels) -> np.ndarray:
    """Positions in :data:`LEVEL_CATEGORIES` of :func:`risk_level`'s levels (int8)."""
    levels.validate()
    s = _as_float(score)
    # a NaN score compares False: no level
    codes = np.full(len(s), 3, dtype=np.int8)
    codes[s >= levels.low_min] = 2
    codes[s >= levels.mid_min] = 1
    codes[s >= levels.high_min] = 0
    return codes


# The levels a scored frame's ``level`` column holds, in this order (a categorical: a weight
# change writes a million small codes, not a million strings, and reads them back as codes).
LEVEL_CATEGORIES = ("high", "mid", "low", NO_LEVEL, LAPSED)
_LEVEL_NAMES = np.array(LEVEL_CATEGORIES[:4], dtype=object)
_LEVEL_DTYPE = pd.CategoricalDtype(list(LEVEL_CATEGORIES))


def _filled(column: pd.Series) -> np.ndarray:
    """The column as floats with NaN read as 0 (``fillna(0.0)``), without a copy when there is
    no NaN (the usual case)."""
    values = column.to_numpy(dtype=float)
    # A sum is NaN when a value is (or +inf meets -inf: then the fill below, which changes only
    # NaN): read without the ten-million-row mask np.isnan(values).any() allocates.
    if not np.isnan(values.sum()):
        return values
    return np.where(np.isnan(values), 0.0, values)


# -- signals from the database --------------------------------------------------------------


def available_signals(db: Database) -> tuple[str, ...]:
    """Signals whose table has rows."""
    return tuple(s for s in SIGNALS if db.table_rows(SIGNAL_TABLE[s]) > 0)


# Per-customer facts behind the signals, all as of p.as_of (nothing after it is read, so the
# same query run at an earlier date is an honest backtest). Every value is a ? parameter.
_PARAMS_CTE = """
p AS (
    SELECT CAST(? AS DATE) AS as_of,
           CAST(? AS INTEGER) AS spend_window,
           CAST(? AS INTEGER) AS freq_window,
           CAST(? AS INTEGER) AS baseline_days,
           CAST(? AS INTEGER) AS competitor_days,
           CAST(? AS INTEGER) AS cancel_days,
           CAST(? AS VARCHAR) AS one_customer
)"""

_ORDERS_CTE = """
o AS (
    SELECT o.customer_id,
           min(o.order_date) AS first_order,
           max(o.order_date) AS last_order,
           coalesce(sum(o.revenue) FILTER (WHERE o.order_date > p.as_of - p.spend_window), 0)
               AS spend_recent,
           coalesce(sum(o.revenue) FILTER (
               WHERE o.order_date >  p.as_of - p.spend_window - p.baseline_days
                 AND o.order_date <= p.as_of - p.spend_window), 0) AS spend_baseline,
           count(*) FILTER (
               WHERE o.order_date >  p.as_of - p.spend_window - p.baseline_days
                 AND o.order_date <= p.as_of - p.spend_window) AS spend_baseline_visits,
           count(*) FILTER (WHERE o.order_date > p.as_of - p.freq_window) AS visits_recent,
           count(*) FILTER (
               WHERE o.order_date >  p.as_of - p.freq_window - p.baseline_days
                 AND o.order_date <= p.as_of - p.freq_window) AS visits_baseline
    FROM orders o, p
    WHERE o.order_date <= p.as_of{one_order}
    GROUP BY o.customer_id
)"""

_COMPLAINTS_CTE = """
q AS (
    SELECT customer_id, count(*) AS unresolved_complaints,
           max(date_diff('day', opened, p.as_of)) AS oldest_open_days
    FROM complaints, p
    WHERE opened <= p.as_of AND (resolved IS NULL OR resolved > p.as_of){one}
    GROUP BY customer_id
)"""

_SIGHTINGS_CTE = """
s AS (
    SELECT customer_id, min(date_diff('day', seen_date, p.as_of)) AS days_since_sighting,
           count(*) AS sightings
    FROM competitor_sightings, p
    WHERE seen_date <= p.as_of AND seen_date > p.as_of - p.competitor_days{one}
    GROUP BY customer_id
)"""

_APPOINTMENTS_CTE = """
a AS (
    SELECT customer_id, count(*) AS appointments,
           count(*) FILTER (WHERE lower(status) = 'cancelled') AS cancelled
    FROM appointments, p
    WHERE appointment_date <= p.as_of AND appointment_date > p.as_of - p.cancel_days{one}
    GROUP BY customer_id
)"""

# A table that is not in the file (an old or partial import) reads as no rows.
_EMPTY = {
    "q": "q AS (SELECT NULL::VARCHAR AS customer_id, 0 AS unresolved_complaints, "
    "0 AS oldest_open_days WHERE false)",
    "s": "s AS (SELECT NULL::VARCHAR AS customer_id, 0 AS days_since_sighting, 0 AS sightings WHERE false)",
    "a": "a AS (SELECT NULL::VARCHAR AS customer_id, 0 AS appointments, 0 AS cancelled WHERE false)",
}

_SELECT = """
SELECT c.customer_id, c.home_store_id,
       o.last_order,
       date_diff('day', greatest(o.last_order, c.purchase_date), p.as_of) AS days_since_activity,
       coalesce(o.spend_recent, 0) AS spend_recent,
       coalesce(o.spend_baseline, 0) AS spend_baseline,
       coalesce(o.spend_baseline_visits, 0) AS spend_baseline_visits,
       -- Days of the baseline during which the customer was ours (a newer customer has a
       -- shorter baseline; the pace is per day of it).
       greatest(0, least(p.baseline_days, date_diff('day',
           greatest(coalesce(c.purchase_date, o.first_order), p.as_of - p.spend_window - p.baseline_days),
           p.as_of - p.spend_window))) AS spend_baseline_days,
       coalesce(o.visits_recent, 0) AS visits_recent,
       coalesce(o.visits_baseline, 0) AS visits_baseline,
       greatest(0, least(p.baseline_days, date_diff('day',
           greatest(coalesce(c.purchase_date, o.first_order), p.as_of - p.freq_window - p.baseline_days),
           p.as_of - p.freq_window))) AS frequency_baseline_days,
       coalesce(q.unresolved_complaints, 0) AS unresolved_complaints,
       q.oldest_open_days,
       s.days_since_sighting,
       coalesce(s.sightings, 0) AS sightings,
       coalesce(a.appointments, 0) AS appointments,
       coalesce(a.cancelled, 0) AS cancelled
FROM customers c
CROSS JOIN p
LEFT JOIN o USING (customer_id)
LEFT JOIN q USING (customer_id)
LEFT JOIN s USING (customer_id)
LEFT JOIN a USING (customer_id)
WHERE coalesce(c.purchase_date, o.first_order) <= p.as_of
"""


def _signal_sql(tables: set[str], store_ids: Sequence[str] | None, one: bool = False) -> str:
    # Only fixed fragments are chosen here; every value stays a ? parameter (the one customer's
    # id is p.one_customer).
    only = " AND customer_id = p.one_customer" if one else ""
    ctes = [_PARAMS_CTE, _ORDERS_CTE.format(one_order=" AND o.customer_id = p.one_customer" if one else "")]
    ctes.append(_COMPLAINTS_CTE.format(one=only) if "complaints" in tables else _EMPTY["q"])
    ctes.append(_SIGHTINGS_CTE.format(one=only) if "competitor_sightings" in tables else _EMPTY["s"])
    ctes.append(_APPOINTMENTS_CTE.format(one=only) if "appointments" in tables else _EMPTY["a"])
    sql = "WITH " + ",\n".join(ctes) + _SELECT
    if store_ids:
        sql += " AND c.home_store_id IN (" + ", ".join("?" for _ in store_ids) + ")"
    if one:
        sql += " AND c.customer_id = p.one_customer"
    return sql + " ORDER BY c.customer_id"


def facts_query(
    tables: set[str],
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: SignalRules = SignalRules(),
    customer_id: str | None = None,
) -> tuple[str, list]:
    """The SQL of the per-customer facts behind the signals and its parameters (every value
    a ? parameter), rows in customer_id order."""
    params: list = [
        as_of,
        rules.spend_window_days,
        rules.frequency_window_days,
        rules.baseline_days,
        rules.competitor_horizon_days,
        rules.cancellation_window_days,
        customer_id,
    ] + list(store_ids or [])
    return _signal_sql(tables, store_ids, customer_id is not None), params


def churn_signals(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: SignalRules = SignalRules(),
    customer_id: str | None = None,
) -> pd.DataFrame:
    """One row per customer: the facts behind each signal and the five signals in 0..1.

    With ``customer_id``, that customer's row only (none if absent): every fact is the
    customer's own, so it equals the row of the whole population's query.

    ``attrs["available"]`` lists the signals whose table has rows; a signal that is not
    available is NaN (unknown), never 0. The facts of every customer at the data's end date
    are read from the file when it keeps them (clv_engine.derived.churn: the same SQL, run
    once per data version).
    """
    rules.validate()
    frame = None if customer_id is not None else derived_churn.signal_facts(db, as_of, store_ids, rules)
    if frame is None:
        frame = db.query_df(*facts_query(db.tables(), as_of, store_ids, rules, customer_id))
    return signals_from_facts(frame, available_signals(db), rules, as_of)


def signals_from_facts(
    frame: pd.DataFrame, available: tuple[str, ...], rules: SignalRules, as_of: date
) -> pd.DataFrame:
    """The signals (and the figures the reasons quote) added to the facts of :func:`facts_query`."""
    frame["watched"] = frame["days_since_activity"].fillna(np.inf).to_numpy(dtype=float) <= rules.watch_days
    signals = {
        "spend_drop": drop_signal(
            frame["spend_recent"],
            frame["spend_baseline"],
            frame["spend_baseline_visits"],
            frame["spend_baseline_days"],
            rules.spend_window_days,
            rules.min_baseline_days,
        ),
        "frequency_drop": drop_signal(
            frame["visits_recent"],
            frame["visits_baseline"],
            frame["visits_baseline"],
            frame["frequency_baseline_days"],
            rules.frequency_window_days,
            rules.min_baseline_days,
        ),
        "complaints": complaint_signal(frame["unresolved_complaints"], rules.complaint_cap),
        "competitor": competitor_signal(frame["days_since_sighting"], rules.competitor_horizon_days),
        "cancellations": cancellation_signal(
            frame["cancelled"], frame["appointments"], rules.min_appointments
        ),
    }
    for name, values in signals.items():
        frame[name] = values if name in available else np.nan
    frame["expected_visits_spend_window"] = expected_in_window(
        frame["spend_baseline_visits"], frame["spend_baseline_days"], rules.spend_window_days
    )
    frame["expected_visits"] = expected_in_window(
        frame["visits_baseline"], frame["frequency_baseline_days"], rules.frequency_window_days
    )
    expected_spend = expected_in_window(
        frame["spend_baseline"], frame["spend_baseline_days"], rules.spend_window_days
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            expected_spend > 0, frame["spend_recent"].to_numpy(dtype=float) / expected_spend, 1.0
        )
    frame["spend_fall"] = np.clip(1.0 - ratio, 0.0, 1.0)  # the drop before the evidence weight
    frame.attrs["available"] = available
    frame.attrs["rules"] = rules
    frame.attrs["as_of"] = as_of
    return frame


def risk_scores(signals: pd.DataFrame, weights: RiskWeights = RiskWeights()) -> np.ndarray:
    """The risk score of every row, as :func:`score_risk` computes it (the same sums in the
    same order), without the contributions and levels: what a calibration fits on."""
    available = signals.attrs.get("available", SIGNALS)
    w = effective_weights(weights, available)
    score = np.zeros(len(signals))
    term = np.empty(len(signals))  # one buffer for every product: fresh memory costs at 10M
    for s in SIGNALS:
        if s in available:  # an unavailable signal adds 0
            score += np.multiply(_filled(signals[s]), w[s], out=term)
    return np.clip(score, 0.0, 1.0, out=score)


def score_risk(
    signals: pd.DataFrame,
    weights: RiskWeights = RiskWeights(),
    levels: RiskLevels = RiskLevels(),
    contributions: bool = True,
) -> pd.DataFrame:
    """Add each signal's contribution (``c_<signal>``), the score and the level.

    The weights of unavailable signals are shared out over the available ones (see the module
    note); a customer outside the watch window is ``lapsed`` whatever the score.
    ``contributions=False``: the score and the level only (the same score), and
    ``attrs["lazy_contributions"]``: :func:`contributions_of` gives them for the rows drawn
    (ten million customers: five columns, 400 MB, nobody reads but for a page's rows).
    """
    available = signals.attrs.get("available", SIGNALS)
    w = effective_weights(weights, available)
    frame = signals.copy(deep=False)  # copy-on-write: the columns added here are this copy's
    if contributions:
        score = np.zeros(len(frame))
        for s in SIGNALS:
            contribution = w[s] * _filled(frame[s]) if s in available else np.zeros(len(frame))
            frame[f"c_{s}"] = contribution
            score += contribution
        frame["score"] = np.clip(score, 0.0, 1.0)
    else:
        # risk_scores' sums: an unavailable signal's zeros added above change no sum
        frame["score"] = risk_scores(signals, weights)
    codes = _level_codes(frame["score"], levels)
    codes[~frame["watched"].to_numpy(dtype=bool)] = LEVEL_CATEGORIES.index(LAPSED)
    # A categorical (LEVEL_CATEGORIES): compares, filters and exports like the level names.
    frame["level"] = pd.Categorical.from_codes(codes, dtype=_LEVEL_DTYPE)
    frame.attrs.update(signals.attrs)
    frame.attrs["weights"] = w
    frame.attrs["levels"] = levels
    if not contributions:
        frame.attrs["lazy_contributions"] = True
    return frame


CONTRIBUTIONS = tuple(f"c_{s}" for s in SIGNALS)


def contributions_of(scored: pd.DataFrame, at: np.ndarray) -> pd.DataFrame:
    """The ``c_<signal>`` columns :func:`score_risk` adds, for the rows at positions ``at`` of a
    frame scored without them (the same products of the same weights and signals)."""
    w = scored.attrs["weights"]
    available = scored.attrs.get("available", SIGNALS)
    columns = {
        f"c_{s}": w[s] * _filled(scored[s].take(at)) if s in available else np.zeros(len(at)) for s in SIGNALS
    }
    return pd.DataFrame(columns)
