"""Churn early warning (SPEC §3): a risk score per customer, levels, interventions, the call list.

Risk score = Σ weight × signal, each signal normalised to 0..1 (SPEC defaults):
    0.30 × drop in spend over the last 3 months
  + 0.25 × drop in visit frequency
  + 0.20 × unresolved complaints
  + 0.15 × competitor attention
  + 0.10 × appointment cancellation rate

An after-sales book is full of owners who come once a year, so a quiet quarter is not a sign
by itself. The two drop signals therefore compare the recent window with the customer's own
pace in the 12 months before it, and are weighted by the evidence: min(1, visits the customer
would be expected to make in the window). A once-a-year owner who skipped a quarter scores at
most 0.25 on the spend drop; a four-times-a-year owner who skipped one scores 1.

A signal whose table is empty (no complaints, competitor sightings or appointments imported)
is *not available*: its weight is shared out over the available signals in proportion to their
weights, so the score still runs 0..1 and reads "of the evidence we have". It is never counted
as zero risk; the page names the file that would enable it.

Expected value of an intervention on a customer = P(churn) × success × remaining CLV − cost.
P(churn) comes from the score by a backtest (see :func:`calibrate`), from the score read as a
probability, or from a predictive model's P(alive) when one is there.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from clv_engine.db import Database
from clv_engine.results import success_evidence
from clv_engine.segmentation import tier_label_key
from clv_engine.status import DropoutCheck, StatusRules
from wording import t

SIGNALS: tuple[str, ...] = ("spend_drop", "frequency_drop", "complaints", "competitor", "cancellations")

# The table (and so the import file) each signal reads.
SIGNAL_TABLE: dict[str, str] = {
    "spend_drop": "orders",
    "frequency_drop": "orders",
    "complaints": "complaints",
    "competitor": "competitor_sightings",
    "cancellations": "appointments",
}

LEVELS: tuple[str, ...] = ("high", "mid", "low")
NO_LEVEL = "none"  # score below the low threshold: no sign of risk
LAPSED = "lapsed"  # the status "lapsed" (clv_engine.status): win-back, not early warning

P_CHURN_METHODS: tuple[str, ...] = ("calibrated", "score", "model")

# "Churned" in the backtest: no visit in the 18 months after the reference date. A yearly
# service often slips past 12 months (the sample's intervals run to ~16 months), so a
# 12-month horizon would count punctual once-a-year owners as churned.
BACKTEST_HORIZON_DAYS = 540

DAYS_PER_YEAR = 365.0


# -- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskWeights:
    """SPEC §3 weights; they must sum to 100%."""

    spend_drop: float = 0.30
    frequency_drop: float = 0.25
    complaints: float = 0.20
    competitor: float = 0.15
    cancellations: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {s: float(getattr(self, s)) for s in SIGNALS}

    def validate(self) -> None:
        for name, value in self.as_dict().items():
            if not 0 <= value <= 1:
                raise ValueError(f"weight {name} must be between 0% and 100%, got {value:.0%}")
        total = sum(self.as_dict().values())
        if abs(total - 1.0) > 1e-6:
            listed = ", ".join(f"{k} {v:.0%}" for k, v in self.as_dict().items())
            raise ValueError(f"risk weights must sum to 100%, they sum to {total:.0%} ({listed})")


@dataclass(frozen=True)
class SignalRules:
    """How each signal is measured and normalised to 0..1 (all editable)."""

    spend_window_days: int = 91  # "the last 3 months"
    frequency_window_days: int = 365  # visits in the last 12 months against the usual pace
    baseline_days: int = 365  # the usual pace: the 12 months before the window
    min_baseline_days: int = 180  # a customer known for less than this has no usual pace yet
    complaint_cap: int = 1  # this many unresolved complaints (or more) is the full signal
    competitor_horizon_days: int = 365  # a sighting today counts 1, fading to 0 at this age
    cancellation_window_days: int = 365
    min_appointments: int = 2  # fewer appointments than this weakens the cancellation rate
    # No visit or purchase for longer: lapsed (the status of clv_engine.status), not on the list.
    watch_days: int = StatusRules().lapsed_days

    def validate(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{f.name} must be a whole number of at least 1, got {value!r}")
        if self.min_baseline_days > self.baseline_days:
            raise ValueError("min_baseline_days cannot exceed baseline_days")


@dataclass(frozen=True)
class RiskLevels:
    """Score thresholds of the levels (a score below ``low_min`` has no level)."""

    high_min: float = 0.50
    mid_min: float = 0.30
    low_min: float = 0.15

    def validate(self) -> None:
        if not 0 < self.low_min <= self.mid_min <= self.high_min <= 1:
            raise ValueError(
                "risk level thresholds must rise: 0 < low ≤ mid ≤ high ≤ 1, got "
                f"low {self.low_min}, mid {self.mid_min}, high {self.high_min}"
            )


@dataclass(frozen=True)
class Intervention:
    """What is done for a customer at one risk level (SPEC §3 table)."""

    level: str
    cost: float
    success: float  # share of would-be churners the intervention keeps
    lead_months: int  # how far ahead of the expected churn it acts

    def validate(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"intervention level must be one of {LEVELS}, got {self.level!r}")
        if self.cost < 0:
            raise ValueError(f"intervention cost ({self.level}) cannot be negative")
        if not 0 <= self.success <= 1:
            raise ValueError(f"intervention success rate ({self.level}) must be between 0% and 100%")


INTERVENTIONS: tuple[Intervention, ...] = (
    Intervention("high", 800.0, 0.78, 6),  # GM call + offer + home inspection
    Intervention("mid", 300.0, 0.53, 3),  # account manager visit + service offer
    Intervention("low", 50.0, 0.31, 1),  # automated care + survey
)


# -- normalisation of each signal to 0..1 ---------------------------------------------------


def _as_float(x: Sequence[float] | np.ndarray | pd.Series | float) -> np.ndarray:
    return np.asarray(x, dtype=float)


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
        raise ValueError(
            "the weights put 100% on signals with no data ("
            + ", ".join(missing)
            + "): give weight to an available signal or import the data"
        )
    return {s: (raw[s] / share if s in available else 0.0) for s in SIGNALS}


def risk_level(score: np.ndarray | pd.Series, levels: RiskLevels = RiskLevels()) -> np.ndarray:
    """high / mid / low / none by the thresholds (a score on a threshold is in the higher level)."""
    levels.validate()
    s = _as_float(score)
    return np.select(
        [s >= levels.high_min, s >= levels.mid_min, s >= levels.low_min],
        ["high", "mid", "low"],
        default=NO_LEVEL,
    ).astype(object)


def expected_value(
    p_churn: np.ndarray | pd.Series | float,
    success: np.ndarray | pd.Series | float,
    remaining_clv: np.ndarray | pd.Series | float,
    cost: np.ndarray | pd.Series | float,
) -> np.ndarray | float:
    """SPEC §3: P(churn) × success × remaining CLV − cost."""
    value = _as_float(p_churn) * _as_float(success) * _as_float(remaining_clv) - _as_float(cost)
    return float(value) if np.ndim(value) == 0 else value


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
           CAST(? AS INTEGER) AS cancel_days
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
    WHERE o.order_date <= p.as_of
    GROUP BY o.customer_id
)"""

_COMPLAINTS_CTE = """
q AS (
    SELECT customer_id, count(*) AS unresolved_complaints,
           max(date_diff('day', opened, p.as_of)) AS oldest_open_days
    FROM complaints, p
    WHERE opened <= p.as_of AND (resolved IS NULL OR resolved > p.as_of)
    GROUP BY customer_id
)"""

_SIGHTINGS_CTE = """
s AS (
    SELECT customer_id, min(date_diff('day', seen_date, p.as_of)) AS days_since_sighting,
           count(*) AS sightings
    FROM competitor_sightings, p
    WHERE seen_date <= p.as_of AND seen_date > p.as_of - p.competitor_days
    GROUP BY customer_id
)"""

_APPOINTMENTS_CTE = """
a AS (
    SELECT customer_id, count(*) AS appointments,
           count(*) FILTER (WHERE lower(status) = 'cancelled') AS cancelled
    FROM appointments, p
    WHERE appointment_date <= p.as_of AND appointment_date > p.as_of - p.cancel_days
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


def _signal_sql(tables: set[str], store_ids: Sequence[str] | None) -> str:
    # Only fixed fragments are chosen here; every value stays a ? parameter.
    ctes = [_PARAMS_CTE, _ORDERS_CTE]
    ctes.append(_COMPLAINTS_CTE if "complaints" in tables else _EMPTY["q"])
    ctes.append(_SIGHTINGS_CTE if "competitor_sightings" in tables else _EMPTY["s"])
    ctes.append(_APPOINTMENTS_CTE if "appointments" in tables else _EMPTY["a"])
    sql = "WITH " + ",\n".join(ctes) + _SELECT
    if store_ids:
        sql += " AND c.home_store_id IN (" + ", ".join("?" for _ in store_ids) + ")"
    return sql + " ORDER BY c.customer_id"


def churn_signals(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: SignalRules = SignalRules(),
) -> pd.DataFrame:
    """One row per customer: the facts behind each signal and the five signals in 0..1.

    ``attrs["available"]`` lists the signals whose table has rows; a signal that is not
    available is NaN (unknown), never 0.
    """
    rules.validate()
    params: list = [
        as_of,
        rules.spend_window_days,
        rules.frequency_window_days,
        rules.baseline_days,
        rules.competitor_horizon_days,
        rules.cancellation_window_days,
    ] + list(store_ids or [])
    frame = db.query_df(_signal_sql(db.tables(), store_ids), params)
    available = available_signals(db)
    frame["watched"] = frame["days_since_activity"].fillna(np.inf).to_numpy(dtype=float) <= rules.watch_days
    signals = {
        "spend_drop": drop_signal(
            frame["spend_recent"], frame["spend_baseline"], frame["spend_baseline_visits"],
            frame["spend_baseline_days"], rules.spend_window_days, rules.min_baseline_days,
        ),
        "frequency_drop": drop_signal(
            frame["visits_recent"], frame["visits_baseline"], frame["visits_baseline"],
            frame["frequency_baseline_days"], rules.frequency_window_days, rules.min_baseline_days,
        ),
        "complaints": complaint_signal(frame["unresolved_complaints"], rules.complaint_cap),
        "competitor": competitor_signal(frame["days_since_sighting"], rules.competitor_horizon_days),
        "cancellations": cancellation_signal(frame["cancelled"], frame["appointments"], rules.min_appointments),
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
        ratio = np.where(expected_spend > 0, frame["spend_recent"].to_numpy(dtype=float) / expected_spend, 1.0)
    frame["spend_fall"] = np.clip(1.0 - ratio, 0.0, 1.0)  # the drop before the evidence weight
    frame.attrs["available"] = available
    frame.attrs["rules"] = rules
    frame.attrs["as_of"] = as_of
    return frame


def score_risk(
    signals: pd.DataFrame, weights: RiskWeights = RiskWeights(), levels: RiskLevels = RiskLevels()
) -> pd.DataFrame:
    """Add each signal's contribution (``c_<signal>``), the score and the level.

    The weights of unavailable signals are shared out over the available ones (see the module
    note); a customer outside the watch window is ``lapsed`` whatever the score.
    """
    available = signals.attrs.get("available", SIGNALS)
    w = effective_weights(weights, available)
    frame = signals.copy()
    score = np.zeros(len(frame))
    for s in SIGNALS:
        contribution = w[s] * frame[s].fillna(0.0).to_numpy(dtype=float) if s in available else np.zeros(len(frame))
        frame[f"c_{s}"] = contribution
        score += contribution
    frame["score"] = np.clip(score, 0.0, 1.0)
    level = risk_level(frame["score"], levels)
    frame["level"] = np.where(frame["watched"].to_numpy(dtype=bool), level, LAPSED)
    frame.attrs.update(signals.attrs)
    frame.attrs["weights"] = w
    frame.attrs["levels"] = levels
    return frame


# -- P(churn) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """P(churn) from the score, fitted on a backtest one horizon before the as-of date.

    Customers watched at the reference date were scored on what was known then; "churned"
    means no visit in the following ``horizon_days``. P(churn) = 1 / (1 + e^−(a + b·score)),
    a and b by maximum likelihood (logistic calibration, "Platt scaling"): smooth, rising with
    the score when the score ranks churners first, and using every customer rather than
    thin score bands. ``table`` shows, per score band, the observed churn rate next to the
    mean fitted P(churn), so the fit can be checked by eye.
    """

    reference_date: date
    horizon_days: int
    intercept: float
    slope: float
    table: pd.DataFrame = field(repr=False)  # band_low, band_high, customers, churned, rate, p_churn
    auc: float = float("nan")  # how well the score ranks churners first: 0.5 coin toss, 1 perfect

    @property
    def customers(self) -> int:
        return int(self.table["customers"].sum())

    @property
    def base_rate(self) -> float:
        return float(self.table["churned"].sum() / max(self.customers, 1))

    def p_churn(self, score: np.ndarray | pd.Series) -> np.ndarray:
        return _logistic(self.intercept + self.slope * _as_float(score))


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def fit_logistic(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series, ridge: float = 1e-6) -> tuple[float, float]:
    """Intercept and slope of P(y) = 1 / (1 + e^−(a + b·x)) by Newton-Raphson.

    A tiny ridge on the slope keeps it finite when the classes are perfectly separated.
    """
    x = _as_float(x)
    y = np.asarray(y, dtype=float)
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("a logistic fit needs both churners and stayers")
    design = np.column_stack([np.ones_like(x), x])
    beta = np.array([np.log(y.mean() / (1 - y.mean())), 0.0])
    penalty = np.diag([0.0, ridge * len(x)])
    for _ in range(100):
        p = _logistic(design @ beta)
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian + 1e-12 * np.eye(2), gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def calibration_from_backtest(
    scores: np.ndarray | pd.Series,
    churned: np.ndarray | pd.Series,
    reference_date: date,
    horizon_days: int,
    bands: int = 10,
    min_customers: int = 100,
) -> Calibration | None:
    """Fit P(churn) on the backtest; None with too few customers or no churner (or no stayer)."""
    s = _as_float(scores)
    y = np.asarray(churned, dtype=bool)
    if len(s) < min_customers or y.all() or not y.any():
        return None
    intercept, slope = fit_logistic(s, y)
    edges = np.linspace(0.0, 1.0, bands + 1)
    band = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, bands - 1)
    customers = np.bincount(band, minlength=bands)
    churned_n = np.bincount(band, weights=y.astype(float), minlength=bands)
    fitted_sum = np.bincount(band, weights=_logistic(intercept + slope * s), minlength=bands)
    used = customers > 0
    table = pd.DataFrame(
        {
            "band_low": edges[:-1],
            "band_high": edges[1:],
            "customers": customers,
            "churned": churned_n.astype(int),
            "rate": np.divide(churned_n, customers, out=np.full(bands, np.nan), where=used),
            "p_churn": np.divide(fitted_sum, customers, out=np.full(bands, np.nan), where=used),
        }
    )
    return Calibration(reference_date, horizon_days, intercept, slope, table, ranking_auc(s, y))


def ranking_auc(scores: np.ndarray | pd.Series, churned: np.ndarray | pd.Series) -> float:
    """Area under the ROC curve: the chance a churner scores above a stayer (ties half)."""
    s = _as_float(scores)
    y = np.asarray(churned, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(s)  # average ranks: a tie counts one half
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def backtest_outcome_sql() -> str:
    return "SELECT DISTINCT customer_id FROM orders WHERE order_date > ? AND order_date <= ?"


def backtest_signals(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: SignalRules = SignalRules(),
    horizon_days: int = BACKTEST_HORIZON_DAYS,
) -> pd.DataFrame:
    """Signals as they stood ``horizon_days`` before ``as_of`` for the customers watched then,
    with ``churned`` = no visit from then to ``as_of``."""
    reference = as_of - timedelta(days=horizon_days)
    frame = churn_signals(db, reference, store_ids, rules)
    frame = frame[frame["watched"]].copy()
    came = db.query_df(backtest_outcome_sql(), [reference, as_of])
    frame["churned"] = ~frame["customer_id"].isin(came["customer_id"])
    frame.attrs["reference_date"] = reference
    frame.attrs["horizon_days"] = horizon_days
    return frame


def calibrate(
    backtest: pd.DataFrame, weights: RiskWeights = RiskWeights(), levels: RiskLevels = RiskLevels()
) -> Calibration | None:
    """Score the backtest with today's weights and fit P(churn) by score band.

    Calibrate on the backtest of every customer (``backtest_signals`` without a store scope)
    and filter the list afterwards: a customer's P(churn) and expected value must be the
    same on the churn list, in lookup and in the exports, whatever store scope is chosen."""
    if backtest.empty:
        return None
    scored = score_risk(backtest, weights, levels)
    return calibration_from_backtest(
        scored["score"], scored["churned"], backtest.attrs["reference_date"], backtest.attrs["horizon_days"]
    )


def p_churn(
    frame: pd.DataFrame, method: str, calibration: Calibration | None = None
) -> np.ndarray:
    """P(churn) per row of a scored frame by ``method``:

    - ``calibrated``: the backtest's rate for the score (needs ``calibration``);
    - ``score``: the risk score read as a probability;
    - ``model``: 1 − P(alive) of the predictive model (needs a ``p_alive`` column).
    """
    if method == "calibrated":
        if calibration is None:
            raise ValueError("P(churn) method 'calibrated' needs a calibration (not enough history)")
        return calibration.p_churn(frame["score"])
    if method == "score":
        return frame["score"].to_numpy(dtype=float)
    if method == "model":
        if "p_alive" not in frame.columns:
            raise ValueError("P(churn) method 'model' needs a p_alive column from the predictive model")
        return np.clip(1.0 - frame["p_alive"].to_numpy(dtype=float), 0.0, 1.0)
    raise ValueError(f"P(churn) method must be one of {P_CHURN_METHODS}, got {method!r}")


def p_churn_methods(
    calibration: Calibration | None, has_p_alive: bool, dropout: DropoutCheck | None = None
) -> dict[str, str | None]:
    """Each P(churn) method with the reason it cannot be offered (None: it can).

    ``model`` (1 − P(alive)) needs the predictive model's P(alive), and a fit that can tell
    customers who left from those who did not: when ``dropout`` says it cannot, P(alive) is
    near 1 for nearly everyone and 1 − P(alive) would read as "nobody churns"."""
    reasons: dict[str, str | None] = {m: None for m in P_CHURN_METHODS}
    if calibration is None:
        reasons["calibrated"] = "no_calibration"
    if not has_p_alive:
        reasons["model"] = "no_model"
    elif dropout is not None and not dropout.identifiable:
        reasons["model"] = "not_identifiable"
    return reasons


# -- the call list --------------------------------------------------------------------------

_VALUE_COLUMNS = ("name", "vin", "region", "clv", "p_alive")


def call_list(
    scored: pd.DataFrame,
    values: pd.DataFrame,
    method: str = "calibrated",
    calibration: Calibration | None = None,
    interventions: Sequence[Intervention] = INTERVENTIONS,
    tiers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Customers with a risk level, ranked by the expected value of their level's intervention.

    ``values`` is clv.customer_values (remaining CLV = its ``clv``); ``tiers`` optional
    (customer_id, tier). Adds p_churn, cost, success, customers_saved (P × success),
    clv_saved (P × success × CLV), expected_value (clv_saved − cost) and rank.
    """
    by_level = {}
    for i in interventions:
        i.validate()
        by_level[i.level] = i
    missing = [lv for lv in LEVELS if lv not in by_level]
    if missing:
        raise ValueError(f"interventions missing for level(s): {', '.join(missing)}")
    frame = scored[scored["level"].isin(LEVELS)]
    keep = ["customer_id"] + [c for c in _VALUE_COLUMNS if c in values.columns]
    # customer_id is the primary key of both frames (validating it costs more than the merge).
    frame = frame.merge(values[keep], on="customer_id", how="inner")
    if tiers is not None:
        frame = frame.merge(tiers[["customer_id", "tier"]], on="customer_id", how="left")
    frame["p_churn"] = p_churn(frame, method, calibration)
    frame["cost"] = frame["level"].map({k: v.cost for k, v in by_level.items()}).astype(float)
    frame["success"] = frame["level"].map({k: v.success for k, v in by_level.items()}).astype(float)
    frame["customers_saved"] = frame["p_churn"] * frame["success"]
    frame["clv_saved"] = frame["customers_saved"] * frame["clv"]
    frame["expected_value"] = expected_value(frame["p_churn"], frame["success"], frame["clv"], frame["cost"])
    frame = frame.sort_values(["expected_value", "customer_id"], ascending=[False, True], kind="mergesort")
    frame["rank"] = np.arange(1, len(frame) + 1)
    frame.attrs.update(scored.attrs)
    frame.attrs["method"] = method
    return frame.reset_index(drop=True)


def filter_list(
    frame: pd.DataFrame,
    store_ids: Sequence[str] | None = None,
    tiers: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    paying_only: bool = False,
) -> pd.DataFrame:
    """The call list narrowed by home store, tier, level and to positive expected value."""
    mask = np.ones(len(frame), dtype=bool)
    if store_ids:
        mask &= frame["home_store_id"].isin(list(store_ids)).to_numpy()
    if tiers:
        if "tier" not in frame.columns:
            raise ValueError("filtering by tier needs a tier column in the call list")
        mask &= frame["tier"].isin(list(tiers)).to_numpy()
    if levels:
        mask &= frame["level"].isin(list(levels)).to_numpy()
    if paying_only:
        mask &= frame["expected_value"].to_numpy(dtype=float) > 0
    out = frame[mask].reset_index(drop=True)
    out.attrs.update(frame.attrs)
    return out


@dataclass(frozen=True)
class ListTotals:
    """Acting on every customer of a list."""

    customers: int
    cost: float
    customers_saved: float  # expected number of customers kept
    clv_saved: float  # expected remaining CLV kept
    net_value: float  # clv_saved − cost

    @property
    def multiple(self) -> float:
        """Benefit/cost multiple: CLV saved / cost (SPEC §5's definition)."""
        return self.clv_saved / self.cost if self.cost > 0 else float("nan")


def list_totals(frame: pd.DataFrame) -> ListTotals:
    cost = float(frame["cost"].sum())
    saved = float(frame["clv_saved"].sum())
    return ListTotals(
        customers=int(len(frame)),
        cost=cost,
        customers_saved=float(frame["customers_saved"].sum()),
        clv_saved=saved,
        net_value=saved - cost,
    )


def level_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per level: customers, cost, customers saved, CLV saved, multiple (for the table)."""
    rows = []
    for level in LEVELS:
        part = frame[frame["level"] == level]
        totals = list_totals(part)
        rows.append(
            {
                "level": level,
                "customers": totals.customers,
                "cost": totals.cost,
                "customers_saved": totals.customers_saved,
                "clv_saved": totals.clv_saved,
                "multiple": totals.multiple,
            }
        )
    return pd.DataFrame(rows)


# -- reasons --------------------------------------------------------------------------------


def _months(days: int) -> int:
    return max(1, round(days / 30.4))


def _reason_texts(frame: pd.DataFrame, signal: str, lang: str, rules: SignalRules) -> list[str]:
    """The sentence for one signal on every row (empty where it adds nothing)."""
    contribution = frame[f"c_{signal}"].to_numpy(dtype=float)
    points = [f" (+{c:.2f})" for c in contribution]
    if signal == "spend_drop":
        rows = zip(frame["spend_fall"], frame["expected_visits_spend_window"], frame["spend_baseline_visits"],
                   frame["spend_baseline_days"])
        months = _months(rules.spend_window_days)
        texts = [
            # A fall of 100% reads better as "no spend".
            t("churn.reason.spend_none" if fall >= 0.995 else "churn.reason.spend_drop", lang,
              fall=f"{fall:.0%}", months=months, visits=visits / max(days, 1) * DAYS_PER_YEAR)
            for fall, _, visits, days in rows
        ]
    elif signal == "frequency_drop":
        texts = [
            t("churn.reason.frequency_drop", lang, recent=int(r), expected=e,
              months=_months(rules.frequency_window_days))
            for r, e in zip(frame["visits_recent"], frame["expected_visits"])
        ]
    elif signal == "complaints":
        texts = [
            t("churn.reason.complaints", lang, n=int(n), days=0 if pd.isna(d) else int(d))
            for n, d in zip(frame["unresolved_complaints"], frame["oldest_open_days"])
        ]
    elif signal == "competitor":
        texts = [
            t("churn.reason.competitor", lang, days=0 if pd.isna(d) else int(d))
            for d in frame["days_since_sighting"]
        ]
    else:
        texts = [
            t("churn.reason.cancellations", lang, cancelled=int(c), appointments=int(a),
              months=_months(rules.cancellation_window_days))
            for c, a in zip(frame["cancelled"], frame["appointments"])
        ]
    return [text + p if c > 0.005 else "" for text, p, c in zip(texts, points, contribution)]


def risk_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Why each customer scores what they score: the signals that add to it, largest first."""
    rules: SignalRules = frame.attrs.get("rules", SignalRules())
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    texts = np.array([_reason_texts(frame, s, lang, rules) for s in SIGNALS], dtype=object).T
    contributions = frame[[f"c_{s}" for s in SIGNALS]].to_numpy(dtype=float)
    order = np.argsort(-contributions, axis=1, kind="stable")
    ordered = np.take_along_axis(texts, order, axis=1)
    separator = "；" if lang == "zh" else "; "
    none = t("churn.reason.none", lang)
    joined = [separator.join(x for x in row if x) or none for row in ordered]
    return pd.Series(joined, index=frame.index, dtype=object)


def export_frame(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The call list as it leaves the room: translated headers, reasons, action per level."""
    out = pd.DataFrame(
        {
            t("churn.col.rank", lang): frame["rank"].to_numpy(),
            t("churn.col.customer", lang): frame["customer_id"].to_numpy(),
            t("churn.col.name", lang): frame["name"].to_numpy() if "name" in frame else None,
        }
    )
    if "phone" in frame.columns:
        out[t("churn.col.phone", lang)] = frame["phone"].to_numpy()
    # The store's name (its code only when the stores file does not know it).
    if "store_name" in frame.columns:
        out[t("churn.col.store", lang)] = frame["store_name"].fillna(frame["home_store_id"]).to_numpy()
    else:
        out[t("churn.col.store", lang)] = frame["home_store_id"].to_numpy()
    if "owner_role" in frame.columns:
        roles = [t(f"churn.owner.{r}", lang) for r in frame["owner_role"]]
        owners = frame["store_owner"] if "store_owner" in frame.columns else pd.Series([None] * len(frame))
        out[t("churn.col.owner", lang)] = [o if isinstance(o, str) and o.strip() else r
                                           for o, r in zip(owners, roles)]
    if "due_on" in frame.columns:
        out[t("churn.col.due", lang)] = frame["due_on"].to_numpy()
    if "last_visit" in frame.columns:
        out[t("churn.col.last_visit", lang)] = frame["last_visit"].to_numpy()
    if "vehicle" in frame.columns:
        out[t("churn.col.vehicle", lang)] = frame["vehicle"].fillna("").to_numpy()
    if "tier" in frame.columns:
        out[t("churn.col.tier", lang)] = [
            t(tier_label_key("rfml", x), lang) if isinstance(x, str) else "" for x in frame["tier"]
        ]
    out[t("churn.col.score", lang)] = frame["score"].round(3).to_numpy()
    out[t("churn.col.level", lang)] = [t(f"churn.level.{x}", lang) for x in frame["level"]]
    out[t("churn.col.p_churn", lang)] = frame["p_churn"].round(4).to_numpy()
    out[t("churn.col.clv", lang)] = frame["clv"].round(0).to_numpy()
    out[t("churn.col.action", lang)] = [t(f"churn.action.{x}", lang) for x in frame["level"]]
    out[t("churn.col.cost", lang)] = frame["cost"].to_numpy()
    out[t("churn.col.success", lang)] = frame["success"].to_numpy()
    out[t("churn.col.ev", lang)] = frame["expected_value"].round(0).to_numpy()
    out[t("churn.col.reasons", lang)] = risk_reasons(frame, lang).to_numpy()
    return out


# -- what a store needs to make the call ----------------------------------------------------

# The list is this week's work: every customer on it is due within a working week of the
# date it is issued (the as-of date), whatever the level. The level decides who calls
# (SPEC §3: a GM call for high risk, an account manager's visit for mid, automated care for low).
DUE_DAYS = 7
OWNER_ROLE: dict[str, str] = {"high": "gm", "mid": "account_manager", "low": "automated"}
VIN_TAIL = 6  # a VIN is read out by its last six characters (the serial number)
# Column names an import may give a store's account owner and a vehicle's parts.
STORE_OWNER_COLUMNS = ("account_owner", "owner")
VEHICLE_MODEL_COLUMNS = ("vehicle_model", "model")
VEHICLE_PLATE_COLUMNS = ("plate", "plate_number", "license_plate")


def _columns(db: Database, table: str) -> list[str]:
    if table not in db.tables():
        return []
    frame = db.query_df(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    )
    return frame["column_name"].tolist()


def _first(candidates: Sequence[str], present: Sequence[str]) -> str | None:
    return next((c for c in candidates if c in present), None)


def vehicle_text(model: object, plate: object, vin: object) -> str:
    """"Model · plate", or "Model · …VIN tail" when there is no plate; "" when nothing is known."""
    def known(x: object) -> bool:
        return isinstance(x, str) and bool(x.strip())

    ident = plate.strip() if known(plate) else ("…" + vin.strip()[-VIN_TAIL:] if known(vin) else "")
    return " · ".join(p for p in (model.strip() if known(model) else "", ident) if p)


def call_details(db: Database, as_of: date) -> pd.DataFrame:
    """Per customer what the caller needs: phone, last visit (to ``as_of``), vehicle, home
    store's name and, when the stores file has one, its account owner.

    The vehicle comes from a ``vehicles`` table when the data has one (every vehicle of the
    customer, joined by "; "), else from the customer's own model and VIN.
    """
    store_cols = _columns(db, "stores")
    owner_col = _first(STORE_OWNER_COLUMNS, store_cols)
    # Column names come from the catalogue and a fixed list, never from a widget.
    owner_sql = f's."{owner_col}"' if owner_col else "CAST(NULL AS VARCHAR)"
    frame = db.query_df(
        f"""
        SELECT c.customer_id, c.phone, c.vehicle_model, c.vin, s.name AS store_name,
               CAST({owner_sql} AS VARCHAR) AS store_owner, o.last_visit
        FROM customers c
        LEFT JOIN stores s ON s.store_id = c.home_store_id
        LEFT JOIN (SELECT customer_id, max(order_date) AS last_visit FROM orders
                   WHERE order_date <= ? GROUP BY customer_id) o USING (customer_id)
        ORDER BY c.customer_id
        """,
        [as_of],
    )
    frame["vehicle"] = [vehicle_text(m, None, v) for m, v in zip(frame["vehicle_model"], frame["vin"])]
    vehicle_cols = _columns(db, "vehicles")
    if "customer_id" in vehicle_cols:
        model, plate = _first(VEHICLE_MODEL_COLUMNS, vehicle_cols), _first(VEHICLE_PLATE_COLUMNS, vehicle_cols)
        pick = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{alias}"' if c else f'CAST(NULL AS VARCHAR) AS "{alias}"'
                         for c, alias in ((model, "model"), (plate, "plate"),
                                          ("vin" if "vin" in vehicle_cols else None, "vin")))
        cars = db.query_df(f"SELECT customer_id, {pick} FROM vehicles ORDER BY customer_id, 2, 3, 4")
        cars["text"] = [vehicle_text(m, p, v) for m, p, v in zip(cars["model"], cars["plate"], cars["vin"])]
        joined = cars[cars["text"] != ""].groupby("customer_id")["text"].agg("; ".join)
        frame["vehicle"] = frame["customer_id"].map(joined).fillna(frame["vehicle"])
    frame["last_visit"] = pd.to_datetime(frame["last_visit"]).dt.date
    return frame[["customer_id", "phone", "last_visit", "vehicle", "store_name", "store_owner"]]


def add_call_details(frame: pd.DataFrame, details: pd.DataFrame, issued_on: date,
                     due_days: int = DUE_DAYS) -> pd.DataFrame:
    """The call list with phone, last visit, vehicle, store name, owner and due date.

    ``owner`` is the store's account owner when the data has one, else the role the level's
    intervention belongs to (``owner_role``: gm / account_manager / automated)."""
    out = frame.drop(columns=[c for c in details.columns if c != "customer_id" and c in frame.columns])
    out = out.merge(details, on="customer_id", how="left")
    out["owner_role"] = out["level"].map(OWNER_ROLE)
    out["due_on"] = issued_on + timedelta(days=due_days)
    out.attrs.update(frame.attrs)
    out.attrs["due_days"] = due_days
    return out


_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def list_file_name(prefix: str, store_names: Sequence[str] | None, all_stores: str, on: date) -> str:
    """``prefix_store_date`` (no extension): the store's name, "store+store" for a few, the
    ``all_stores`` words when the list is not narrowed; characters a file name cannot hold
    become "_"."""
    names = [str(n) for n in (store_names or []) if str(n).strip()]
    if not names:
        part = all_stores
    elif len(names) <= 3:
        part = "+".join(names)
    else:
        part = "+".join(names[:3]) + f"+{len(names) - 3}"
    return re.sub("_+", "_", _FILE_UNSAFE.sub("_", f"{prefix}_{part}_{on.isoformat()}")).strip("_.")


# -- a week's capacity per store ------------------------------------------------------------

CAPACITY_KINDS: tuple[str, ...] = ("calls", "budget")
_COMBINATIONS = 3_000_000  # counts per cost class tried by enumeration, at most
_DP_CELLS = 300_000_000  # above this much work the exact DP hands over to the MILP solver


def knapsack(values: Sequence[float] | np.ndarray, costs: Sequence[float] | np.ndarray, budget: float) -> np.ndarray:
    """The 0/1 choice that maximises Σ value with Σ cost ≤ budget, exactly (a mask).

    Items of value ≤ 0 are never chosen (they cannot add). Costs are counted in whole fen
    (hundredths of a yuan). Items of equal cost are interchangeable but for their value, so
    an optimum takes the most valuable of each cost first, and only how many of each cost
    class remains to choose: by trying every combination of counts when there are few (one cost per risk
    level: at most three classes), else by a dynamic programme over the classes (budget in
    units of the costs' greatest common divisor). A budget that covers every item takes them
    all. Beyond ``_DP_CELLS`` of DP work, scipy's MILP with a zero optimality gap.
    """
    v = _as_float(values)
    c = np.round(_as_float(costs) * 100).astype(np.int64)
    if (c < 0).any():
        raise ValueError("a cost cannot be negative")
    chosen = np.zeros(len(v), dtype=bool)
    cap = int(np.floor(float(budget) * 100 + 1e-6))
    useful = np.flatnonzero(v > 0)
    if cap < 0 or len(useful) == 0:
        return chosen
    if c[useful].sum() <= cap:
        chosen[useful] = True
        return chosen
    classes = {}
    for i in useful[np.lexsort((useful, -v[useful]))]:  # best first within each cost
        classes.setdefault(int(c[i]), []).append(int(i))
    enumerated = _knapsack_by_counts(v, classes, cap)
    if enumerated is not None:
        chosen[enumerated] = True
        return chosen
    step = int(np.gcd.reduce([k for k in classes if k > 0])) if any(k > 0 for k in classes) else 1
    units = cap // step
    work = sum(min(len(items), units // max(k // step, 1)) for k, items in classes.items()) * (units + 1)
    if work > _DP_CELLS:
        return _knapsack_milp(v, c, cap, useful)
    best = np.zeros(units + 1)  # best value within b units of budget, over the classes so far
    picks = []
    for cost, items in classes.items():
        w = cost // step
        prefix = np.concatenate([[0.0], np.cumsum(v[items])])
        if w == 0:  # free: take every one
            best = best + prefix[-1]
            picks.append((cost, items, np.full(units + 1, len(items))))
            continue
        new, take = best.copy(), np.zeros(units + 1, dtype=np.int64)
        for k in range(1, min(len(items), units // w) + 1):
            candidate = np.full(units + 1, -np.inf)
            candidate[k * w:] = best[: units + 1 - k * w] + prefix[k]
            better = candidate > new
            new[better], take[better] = candidate[better], k
        best = new
        picks.append((cost, items, take))
    b = units
    for cost, items, take in reversed(picks):
        k = int(take[b])
        chosen[items[:k]] = True
        b -= k * (cost // step)
    return chosen


def _knapsack_by_counts(v: np.ndarray, classes: dict[int, list[int]], cap: int) -> list[int] | None:
    """Every combination of how many to take of each cost class but the largest, that one
    filled with as many as the rest of the budget buys (its items cost the same and are taken
    best first, so more is better). Exact for any costs; None when there are too many
    combinations (more than ``_COMBINATIONS``)."""
    costs = sorted(classes, key=lambda k: -min(len(classes[k]), cap // k if k else len(classes[k])))
    fill, others = costs[0], costs[1:]
    ranges = [min(len(classes[k]), cap // k if k else len(classes[k])) + 1 for k in others]
    if np.prod([float(r) for r in ranges]) > _COMBINATIONS:
        return None
    prefix = {k: np.concatenate([[0.0], np.cumsum(v[classes[k]])]) for k in costs}
    spent = np.zeros(1, dtype=np.int64)
    value = np.zeros(1)
    counts = np.zeros((1, 0), dtype=np.int64)
    for k, r in zip(others, ranges):
        n = np.arange(r)
        spent = (spent[:, None] + n[None, :] * k).ravel()
        value = (value[:, None] + prefix[k][n][None, :]).ravel()
        counts = np.concatenate([np.repeat(counts, r, axis=0), np.tile(n, len(counts))[:, None]], axis=1)
        keep = spent <= cap
        spent, value, counts = spent[keep], value[keep], counts[keep]
    n_fill = len(classes[fill])
    k_fill = np.full(len(spent), n_fill) if fill == 0 else np.minimum(n_fill, (cap - spent) // fill)
    total = value + prefix[fill][k_fill]
    best = int(np.argmax(total))
    picked = list(classes[fill][: int(k_fill[best])])
    for k, taken in zip(others, counts[best]):
        picked += classes[k][: int(taken)]
    return picked


def _knapsack_milp(v: np.ndarray, c: np.ndarray, cap: int, useful: np.ndarray) -> np.ndarray:
    from scipy.optimize import Bounds, LinearConstraint, milp

    result = milp(-v[useful], constraints=LinearConstraint(c[useful][None, :].astype(float), -np.inf, cap),
                  integrality=np.ones(len(useful)), bounds=Bounds(0, 1), options={"mip_rel_gap": 0})
    chosen = np.zeros(len(v), dtype=bool)
    chosen[useful[np.round(result.x).astype(bool)]] = True
    return chosen


def top_n(values: Sequence[float] | np.ndarray, n: int) -> np.ndarray:
    """The n most valuable items of value > 0 (ties by position): the exact optimum of a call count."""
    v = _as_float(values)
    chosen = np.zeros(len(v), dtype=bool)
    order = [i for i in np.lexsort((np.arange(len(v)), -v)) if v[i] > 0][: max(int(n), 0)]
    chosen[order] = True
    return chosen


def within_capacity(frame: pd.DataFrame, kind: str, capacity: float | dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This week's calls per home store: the customers that make the most expected value
    within the store's capacity (``calls``: a number of calls; ``budget``: yuan of
    intervention cost), and per store what the next call would be worth.

    Returns (picked list in rank order, per-store table: store_id, capacity, calls, cost,
    net_value, next_value = the best expected value left out, next_cost = its cost,
    next_gain = budget only: what raising the budget by that cost adds, after re-choosing).
    """
    if kind not in CAPACITY_KINDS:
        raise ValueError(f"capacity must be one of {CAPACITY_KINDS}, got {kind!r}")
    stores = frame["home_store_id"].fillna("").astype(str)
    mask = np.zeros(len(frame), dtype=bool)
    rows = []
    for store in sorted(stores.unique()):
        at = np.flatnonzero((stores == store).to_numpy())
        limit = float(capacity.get(store, 0.0) if isinstance(capacity, dict) else capacity)
        if limit < 0:
            raise ValueError(f"capacity of store {store} cannot be negative")
        v = frame["expected_value"].to_numpy(dtype=float)[at]
        c = frame["cost"].to_numpy(dtype=float)[at]
        pick = top_n(v, int(limit)) if kind == "calls" else knapsack(v, c, limit)
        mask[at[pick]] = True
        left = np.flatnonzero(~pick & (v > 0))
        nxt = left[np.argmax(v[left])] if len(left) else None
        gain = float("nan")
        if kind == "budget" and nxt is not None:
            gain = float(v[knapsack(v, c, limit + c[nxt])].sum() - v[pick].sum())
        elif nxt is not None:
            gain = float(v[nxt])  # one more call takes the best one left
        rows.append({
            "store_id": store, "capacity": limit, "calls": int(pick.sum()), "cost": float(c[pick].sum()),
            "net_value": float(v[pick].sum()),
            "next_value": float(v[nxt]) if nxt is not None else float("nan"),
            "next_cost": float(c[nxt]) if nxt is not None else float("nan"),
            "next_gain": gain,
        })
    picked = frame[mask].reset_index(drop=True)
    picked.attrs.update(frame.attrs)
    picked.attrs["capacity"] = (kind, capacity)
    return picked, pd.DataFrame(rows)


# -- measured success in place of the typed one ----------------------------------------------


def measured_interventions(
    interventions: Sequence[Intervention], evidence: Sequence, use_measured: bool = True
) -> tuple[list[Intervention], dict[str, str]]:
    """The interventions with each level's success rate as it will be used, and its source.

    ``evidence`` is clv_engine.results.success_evidence (one MeasuredSuccess per level). A
    level whose evidence is enough (``usable``: the interval of the uplift excludes 0 with
    enough customers in treated and control, the window over) uses the measured rate, clipped
    to 0..100% (a harmful call keeps nobody); the others keep the typed prior.
    Returns (interventions, {level: "measured" | "typed"})."""
    by_level = {e.level: e for e in evidence}
    out, source = [], {}
    for i in interventions:
        e = by_level.get(i.level)
        if use_measured and e is not None and e.usable and np.isfinite(e.measured):
            out.append(Intervention(i.level, i.cost, float(np.clip(e.measured, 0.0, 1.0)), i.lead_months))
            source[i.level] = "measured"
        else:
            out.append(i)
            source[i.level] = "typed"
    return out, source


def interventions_in_use(db: Database, interventions: Sequence[Intervention] = INTERVENTIONS) -> list[Intervention]:
    """The interventions with the measured success rates where the issued lists give enough
    evidence: what the churn page uses by default, so lookup and a newly issued list agree."""
    evidence = success_evidence(db, {i.level: i.success for i in interventions})
    return measured_interventions(interventions, evidence)[0]
