"""Churn rules: the signals, levels, weights, signal rules and interventions (SPEC §3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from clv_engine.errors import InputError, declare
from clv_engine.status import StatusRules

CODES = declare(
    "churn",
    "weight_range",
    "weights_sum",
    "rule_whole",
    "baseline_rule",
    "thresholds",
    "no_signal_weight",
    "intervention_cost",
    "intervention_success",
    "capacity_negative",
)

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
                raise InputError(CODES["weight_range"], signal=name, value=value)
        total = sum(self.as_dict().values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(CODES["weights_sum"], total=total)


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
                raise InputError(CODES["rule_whole"], field=f.name, value=value)
        if self.min_baseline_days > self.baseline_days:
            raise InputError(CODES["baseline_rule"], min_days=self.min_baseline_days, days=self.baseline_days)


@dataclass(frozen=True)
class RiskLevels:
    """Score thresholds of the levels (a score below ``low_min`` has no level)."""

    high_min: float = 0.50
    mid_min: float = 0.30
    low_min: float = 0.15

    def validate(self) -> None:
        if not 0 < self.low_min <= self.mid_min <= self.high_min <= 1:
            raise InputError(CODES["thresholds"], low=self.low_min, mid=self.mid_min, high=self.high_min)


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
            raise InputError(CODES["intervention_cost"], level=self.level)
        if not 0 <= self.success <= 1:
            raise InputError(CODES["intervention_success"], level=self.level)


INTERVENTIONS: tuple[Intervention, ...] = (
    Intervention("high", 800.0, 0.78, 6),  # GM call + offer + home inspection
    Intervention("mid", 300.0, 0.53, 3),  # account manager visit + service offer
    Intervention("low", 50.0, 0.31, 1),  # automated care + survey
)


def _as_float(x: Sequence[float] | np.ndarray | pd.Series | float) -> np.ndarray:
    return np.asarray(x, dtype=float)
