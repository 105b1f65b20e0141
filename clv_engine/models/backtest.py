"""Diagnostics of a fitted BG/NBD: does it predict (holdout, FHL 2005 fig. 4), and what it
makes of frequency and recency (the heat maps of fig. 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clv_engine.models.bg_nbd import BGNBDFit, BGNBDParams, expected_visits, p_alive


def holdout_table(
    visits: BGNBDParams | BGNBDFit,
    frequency: object,
    recency: object,
    T: object,
    holdout_visits: object,
    holdout_length: float,
    max_visits: int = 7,
) -> pd.DataFrame:
    """Predicted versus actual visits in the holdout, grouped by calibration visits
    (FHL 2005, fig. 4): calibration_visits (the last group is ``max_visits`` and more),
    customers, actual (mean holdout visits), predicted (mean expected visits)."""
    if max_visits < 1:
        raise ValueError(f"max_visits: must be at least 1, got {max_visits!r}")
    predicted = expected_visits(visits, holdout_length, frequency, recency, T)
    x = np.asarray(frequency, dtype=float)
    actual = np.asarray(holdout_visits, dtype=float)
    if len(actual) != len(x):
        raise ValueError(f"holdout_visits: length {len(actual)} differs from frequency ({len(x)})")
    group = np.minimum(x, max_visits).astype(int)
    frame = pd.DataFrame({"calibration_visits": group, "actual": actual, "predicted": predicted})
    table = frame.groupby("calibration_visits").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    return table.reindex(range(max_visits + 1), fill_value=0).reset_index()


@dataclass(frozen=True)
class VisitGrid:
    """Expected visits and P(alive) for a customer of age T, by frequency and recency."""

    T: float
    horizon: float
    frequency: np.ndarray  # rows
    recency: np.ndarray  # columns, 0..T
    expected_visits: np.ndarray  # shape (len(frequency), len(recency))
    p_alive: np.ndarray


def visit_grid(
    visits: BGNBDParams | BGNBDFit, T: float, horizon: float, max_frequency: int = 20, recency_steps: int = 40
) -> VisitGrid:
    """The frequency/recency heat maps of FHL 2005 (fig. 5) for customers of age ``T``.

    A cell with frequency 0 and recency above 0 cannot occur (no repeat visit means a
    recency of 0); it is NaN.
    """
    if not np.isfinite(T) or T <= 0:
        raise ValueError(f"T: must be positive, got {T!r}")
    if max_frequency < 1 or recency_steps < 2:
        raise ValueError("max_frequency must be >= 1 and recency_steps >= 2")
    frequency = np.arange(max_frequency + 1, dtype=float)
    recency = np.linspace(0.0, T, recency_steps)
    xx, rr = np.meshgrid(frequency, recency, indexing="ij")
    rr = np.where(xx == 0, 0.0, rr)
    tt = np.full_like(xx, T)
    ev = expected_visits(visits, horizon, xx.ravel(), rr.ravel(), tt.ravel()).reshape(xx.shape)
    pa = p_alive(visits, xx.ravel(), rr.ravel(), tt.ravel()).reshape(xx.shape)
    impossible = (xx == 0) & (np.arange(recency_steps)[None, :] > 0)
    ev[impossible] = np.nan
    pa[impossible] = np.nan
    return VisitGrid(
        T=float(T),
        horizon=float(horizon),
        frequency=frequency,
        recency=recency,
        expected_visits=ev,
        p_alive=pa,
    )
