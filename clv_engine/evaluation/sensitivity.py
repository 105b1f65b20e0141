"""Sensitivity: NPV with drivers moved one at a time (tornado), drawn together (Monte Carlo),
and the value of each driver at which NPV is zero (break-even)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clv_engine.evaluation.cash_flows import Evaluation, evaluate_programme, npv_of_drivers
from clv_engine.evaluation.programme import (
    DEFAULT_SPREAD,
    Programme,
    ProgrammeError,
    bounds,
    driver_keys,
    driver_value,
)


# --------------------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------------------
def _moved(p: Programme, key: str, change: float) -> float:
    """The driver moved by a relative ``change`` (−0.2 = 20 % lower), kept in bounds."""
    low, high = bounds(key)
    return float(np.clip(driver_value(p, key) * (1.0 + change), low, high))


def tornado(
    p: Programme,
    spread: float = DEFAULT_SPREAD,
    spreads: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """NPV with each driver moved down and up, one at a time; largest swing first.

    ``spread`` is the symmetric default (0.2 = ±20 %); ``spreads`` overrides per driver as
    (down, up) relative changes, e.g. ``{"group.0.clv_uplift": (-0.4, 0.1)}``.
    """
    if not 0 < spread < 1:
        raise ProgrammeError("spread", field="spread", value=spread)
    base = float(npv_of_drivers(p))
    rows = []
    for key in driver_keys(p):
        down, up = (spreads or {}).get(key, (-spread, spread))
        low_value, high_value = _moved(p, key, down), _moved(p, key, up)
        npv_low = float(npv_of_drivers(p, {key: low_value}))
        npv_high = float(npv_of_drivers(p, {key: high_value}))
        rows.append(
            {
                "driver": key,
                "base_value": driver_value(p, key),
                "low_value": low_value,
                "high_value": high_value,
                "npv_low": npv_low,
                "npv_high": npv_high,
                "swing": abs(npv_high - npv_low),
                "base_npv": base,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "driver",
            "base_value",
            "low_value",
            "high_value",
            "npv_low",
            "npv_high",
            "swing",
            "base_npv",
        ],
    )
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class MonteCarloResult:
    npv: np.ndarray = field(repr=False)  # one NPV per draw
    p10: float
    p50: float
    p90: float
    mean: float
    prob_loss: float  # share of draws with NPV < 0
    draws: int
    seed: int
    ranges: dict[str, tuple[float, float]]  # driver -> (down, up) relative changes used


def monte_carlo(
    p: Programme,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    draws: int = 10_000,
    seed: int = 0,
    spread: float = DEFAULT_SPREAD,
) -> MonteCarloResult:
    """NPV under uncertainty: each driver drawn independently from a triangular
    distribution (low, most likely = the input, high); same seed, same result.

    ``ranges`` maps drivers to (down, up) relative changes; drivers not named get
    ±``spread``; a range of (0, 0) holds a driver fixed.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 5_000_000:
        raise ProgrammeError("draws", field="draws", value=draws)
    if not 0 <= spread < 1:
        raise ProgrammeError("spread", field="spread", value=spread)
    keys = driver_keys(p)
    for key in ranges or {}:
        if key not in driver_keys(p, include_zero=True):
            raise ProgrammeError("not_a_driver", field="ranges", value=key)
    rng = np.random.default_rng(seed)
    used: dict[str, tuple[float, float]] = {}
    values: dict[str, np.ndarray] = {}
    for key in keys:
        down, up = (ranges or {}).get(key, (-spread, spread))
        if down > 0 or up < 0:
            raise ProgrammeError("range_excludes_input", field=f"ranges[{key}]")
        used[key] = (float(down), float(up))
        base = driver_value(p, key)
        # Clip the range, not the draws: a take-up of 100 % can only fall, and clipped
        # draws would pile half the mass on the bound.
        lo_bound, hi_bound = bounds(key)
        low, high = (
            float(np.clip(v, lo_bound, hi_bound)) for v in sorted((base * (1 + down), base * (1 + up)))
        )
        if high - low <= 0:
            continue
        values[key] = rng.triangular(low, base, high, size=draws)
    result = npv_of_drivers(p, values)
    result = np.broadcast_to(result, (draws,)).astype(float)
    p10, p50, p90 = np.percentile(result, [10, 50, 90])
    return MonteCarloResult(
        npv=result,
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        mean=float(result.mean()),
        prob_loss=float(np.mean(result < 0)),
        draws=draws,
        seed=seed,
        ranges=used,
    )


# --------------------------------------------------------------------------------------
# Break-even
# --------------------------------------------------------------------------------------
def break_even(p: Programme, key: str) -> float | None:
    """The value of one driver at which NPV = 0, others held; None if there is none in
    the driver's possible range.

    NPV is affine in every driver but the discount rate, so two evaluations find it
    exactly; for the discount rate the break-even is the IRR (when it is unique).
    """
    if key == "discount_rate":
        return evaluate_programme(p).irr.irr
    x0 = driver_value(p, key)
    step = max(abs(x0), 1.0)
    f0 = float(npv_of_drivers(p, {key: x0}))
    slope = (float(npv_of_drivers(p, {key: x0 + step})) - f0) / step
    if abs(slope) < 1e-12 * max(1.0, abs(f0)):
        return None
    x = x0 - f0 / slope
    low, high = bounds(key)
    if not low - 1e-9 <= x <= high + 1e-9:
        return None
    return float(min(max(x, low), high))


def break_even_table(p: Programme) -> pd.DataFrame:
    """Break-even of every driver, with the margin: the distance from the input to its
    break-even as a share of the input (how far an uplift may fall, or a cost rise,
    before NPV reaches zero; or how far it must move when NPV is negative)."""
    rows = []
    for key in driver_keys(p):
        base = driver_value(p, key)
        value = break_even(p, key)
        margin = None if value is None or base == 0 else abs(base - value) / abs(base)
        rows.append({"driver": key, "base_value": base, "break_even": value, "margin": margin})
    return pd.DataFrame(rows, columns=["driver", "base_value", "break_even", "margin"])


# --------------------------------------------------------------------------------------
# Everything a page or an export shows, in one call
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Analysis:
    programme: Programme
    evaluation: Evaluation
    tornado: pd.DataFrame
    break_even: pd.DataFrame
    monte_carlo: MonteCarloResult
    spread: float


def analyse_programme(
    p: Programme,
    spread: float = DEFAULT_SPREAD,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    draws: int = 10_000,
    seed: int = 0,
) -> Analysis:
    """Figures, tornado (±``spread``), break-evens and the Monte Carlo (``ranges`` per
    driver, ±``spread`` for the rest) of one programme."""
    return Analysis(
        programme=p,
        evaluation=evaluate_programme(p),
        tornado=tornado(p, spread=spread),
        break_even=break_even_table(p),
        monte_carlo=monte_carlo(p, ranges=ranges, draws=draws, seed=seed, spread=spread),
        spread=spread,
    )
