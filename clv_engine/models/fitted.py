"""A fitted predictive model: both fits, the customer summary they were fitted on, read when
first used, and the per-customer predictions kept in the file for it (clv_engine.derived).

``predictive.fit_predictive_model`` makes it; ``predictive.customer_predictions`` reads it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pandas as pd

from clv_engine.models.bg_nbd import BGNBDFit, p_alive
from clv_engine.models.fitting import FitNote
from clv_engine.models.gamma_gamma import GammaGammaFit
from clv_engine.status import DropoutCheck, DropoutRules, dropout_check

DAYS_PER_YEAR = 365.25
Frame = pd.DataFrame | Callable[[], pd.DataFrame]


class _Lazy:
    """A frame, or a function returning it, called once (whatever the number of threads)."""

    def __init__(self, value: Frame) -> None:
        self._value = value if isinstance(value, pd.DataFrame) else None
        self._load = None if isinstance(value, pd.DataFrame) else value
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._value is not None

    def get(self) -> pd.DataFrame:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._load()
                    self._load = None
        return self._value


class PredictiveModel:
    """Both fitted models with the customer summary they were fitted on.

    ``summary`` may be given as a function returning it: it is then read on first use only,
    so a model restored from its stored parameters costs no 1M-row read until a page needs
    the customers (the model map, P(alive) drops). ``kept``: the predictions kept in the file
    for the summary's customers at ``kept_params`` (horizon_years, discount_rate), a frame
    (or a function returning it) in the summary's rows and order.
    """

    def __init__(
        self,
        as_of: date,
        time_unit_days: float,
        summary: Frame,
        visits: BGNBDFit,
        spend: GammaGammaFit,
        kept: Frame | None = None,
        kept_params: tuple[float, float] | None = None,
    ) -> None:
        self.as_of = as_of
        self.time_unit_days = time_unit_days
        self.visits = visits
        self.spend = spend
        self._summary = _Lazy(summary)
        self._kept = None if kept is None else _Lazy(kept)
        self.kept_params = None if kept is None else kept_params

    @property
    def summary(self) -> pd.DataFrame:
        return self._summary.get()

    @property
    def summary_loaded(self) -> bool:
        return self._summary.loaded

    def kept_predictions(self, horizon_years: float, discount_rate: float) -> pd.DataFrame | None:
        """The kept predictions when they are for these parameters, else None."""
        if self._kept is None or self.kept_params != (horizon_years, discount_rate):
            return None
        return self._kept.get()

    def with_summary(self, change: Callable[[pd.DataFrame], pd.DataFrame]) -> PredictiveModel:
        """The same fit with ``change(summary)`` as its summary, when first used. ``change``
        may only pick rows by ``customer_id`` (a store scope) or copy: it is applied to the kept
        predictions too, which keeps them in line with the summary."""
        kept = None if self._kept is None else (lambda: change(self._kept.get()))
        return PredictiveModel(
            self.as_of,
            self.time_unit_days,
            lambda: change(self.summary),
            self.visits,
            self.spend,
            kept,
            self.kept_params,
        )

    def __repr__(self) -> str:
        return f"PredictiveModel(as_of={self.as_of}, visits={self.visits.params}, spend={self.spend.params})"

    @property
    def units_per_year(self) -> float:
        return DAYS_PER_YEAR / self.time_unit_days

    @property
    def warnings(self) -> tuple[FitNote, ...]:
        return self.visits.warnings + self.spend.warnings

    def dropout(self, rules: DropoutRules = DropoutRules()) -> DropoutCheck:
        """Whether this fit can tell customers who left from those who did not (so that
        1 − P(alive) means something), with the reasons when it cannot."""
        s = self.summary
        alive = p_alive(self.visits, s["frequency"], s["recency"], s["T"])
        params = self.visits.params
        return dropout_check(params.a, params.b, alive, rules)
