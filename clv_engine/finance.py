"""Discounted cash-flow arithmetic: NPV, IRR, MIRR and payback periods.

Cash flows are yearly, ``cash_flows[t]`` falling at the end of year ``t``; ``t = 0`` is
today, so the year-0 amount (the up-front investment) is never discounted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# IRRs outside this band are arithmetic artefacts of polynomial roots, not returns anyone
# would quote (−99% to +100,000% a year).
_IRR_MIN = -0.99
_IRR_MAX = 1000.0


def _as_flows(cash_flows: Sequence[float]) -> np.ndarray:
    flows = np.asarray(cash_flows, dtype=float)
    if flows.ndim != 1 or flows.size == 0:
        raise ValueError("cash_flows: need a non-empty list of yearly amounts")
    if not np.all(np.isfinite(flows)):
        raise ValueError("cash_flows: every yearly amount must be a finite number")
    return flows


def _check_rate(rate: float, name: str) -> None:
    if not np.isfinite(rate) or rate <= -1.0:
        raise ValueError(f"{name}: must be a finite rate above -100% (got {rate!r})")


def discount_factors(rate: float, years: int) -> np.ndarray:
    """``1 / (1 + rate)^t`` for ``t = 0 .. years``."""
    _check_rate(rate, "rate")
    return (1.0 + rate) ** -np.arange(years + 1, dtype=float)


def npv(rate: float, cash_flows: Sequence[float]) -> float:
    """Net present value; ``cash_flows[0]`` is today's amount and stays undiscounted."""
    flows = _as_flows(cash_flows)
    return float(flows @ discount_factors(rate, flows.size - 1))


def _significant(flows: np.ndarray) -> np.ndarray:
    """The flows with amounts below 1e-12 of the largest one set to zero.

    Such an amount cannot move an IRR quoted to 0.1%, but it makes the IRR polynomial
    degenerate (a leading coefficient of 1e-308 puts a root at infinity).
    """
    largest = float(np.abs(flows).max())
    return np.where(np.abs(flows) < 1e-12 * largest, 0.0, flows)


def sign_changes(cash_flows: Sequence[float]) -> int:
    """Sign changes in the flow sequence, zeros (and negligible amounts) skipped.

    By Descartes' rule of signs this bounds the number of IRRs: 0 changes, no IRR;
    1 change, exactly one; more, there may be several (or none).
    """
    signs = np.sign(_significant(_as_flows(cash_flows)))
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def irr_roots(cash_flows: Sequence[float]) -> tuple[float, ...]:
    """Every real IRR of the flows, ascending.

    NPV(r) = Σ CF_t v^t with v = 1/(1+r) is a polynomial in v; its positive real roots
    are the IRRs. numpy's companion-matrix roots are polished with Newton steps so the
    IRR is exact to ~1e-12, not merely to the eigenvalue solver's precision.
    """
    flows = _significant(_as_flows(cash_flows))
    if sign_changes(flows) == 0:
        return ()
    # np.roots wants the highest power first: CF_n v^n + ... + CF_0.
    trimmed = np.trim_zeros(flows[::-1], "f")
    roots = np.roots(trimmed)
    poly = np.polynomial.Polynomial(flows)
    deriv = poly.deriv()
    found: list[float] = []
    for root in roots:
        if abs(root.imag) > 1e-7 * max(1.0, abs(root.real)) or root.real <= 0:
            continue
        v = float(root.real)
        for _ in range(50):
            slope = deriv(v)
            if slope == 0:
                break
            step = poly(v) / slope
            v -= step
            if abs(step) < 1e-15 * max(1.0, abs(v)):
                break
        if v <= 0:
            continue
        rate = 1.0 / v - 1.0
        if _IRR_MIN <= rate <= _IRR_MAX and not any(abs(rate - r) < 1e-9 for r in found):
            found.append(rate)
    return tuple(sorted(found))


def mirr(cash_flows: Sequence[float], finance_rate: float, reinvest_rate: float) -> float | None:
    """Modified IRR: outflows financed at ``finance_rate``, inflows reinvested at
    ``reinvest_rate``; always unique, which is why it stands in when IRR is ambiguous.

    None when the flows have no outflow or no inflow (the ratio is undefined).
    """
    flows = _as_flows(cash_flows)
    _check_rate(finance_rate, "finance_rate")
    _check_rate(reinvest_rate, "reinvest_rate")
    n = flows.size - 1
    if n == 0:
        return None
    t = np.arange(n + 1, dtype=float)
    pv_out = -float(np.sum(np.where(flows < 0, flows, 0.0) / (1.0 + finance_rate) ** t))
    fv_in = float(np.sum(np.where(flows > 0, flows, 0.0) * (1.0 + reinvest_rate) ** (n - t)))
    if pv_out <= 0 or fv_in <= 0:
        return None
    return (fv_in / pv_out) ** (1.0 / n) - 1.0


@dataclass(frozen=True)
class IrrResult:
    """The IRR with what a CFO must be told about it.

    ``irr`` is None when no IRR exists or when several do (then ``roots`` lists them and
    ``mirr`` is the figure to quote). ``warning`` is a code or None: irr_none, irr_multiple,
    irr_no_sign_change, irr_sign_changes (the wording layer says it).
    """

    irr: float | None
    roots: tuple[float, ...]
    sign_changes: int
    mirr: float | None
    mirr_rate: float  # finance rate = reinvestment rate used for the MIRR
    warning: str | None = field(default=None)


def irr(cash_flows: Sequence[float], mirr_rate: float) -> IrrResult:
    """IRR of yearly flows, with Descartes' rule deciding whether it can be trusted."""
    flows = _as_flows(cash_flows)
    changes = sign_changes(flows)
    roots = irr_roots(flows)
    modified = mirr(flows, mirr_rate, mirr_rate)
    if changes == 0:
        return IrrResult(None, (), 0, modified, mirr_rate, "irr_no_sign_change")
    if not roots:
        return IrrResult(None, (), changes, modified, mirr_rate, "irr_none")
    if changes > 1 and len(roots) > 1:
        return IrrResult(None, roots, changes, modified, mirr_rate, "irr_multiple")
    if changes > 1:
        # One root found but more were possible: the number holds, the reader is warned.
        return IrrResult(roots[0], roots, changes, modified, mirr_rate, "irr_sign_changes")
    return IrrResult(roots[0], roots, changes, modified, mirr_rate, None)


def payback_from_flows(cash_flows: Sequence[float], rate: float = 0.0) -> float | None:
    """Years until the cumulative (discounted, if ``rate`` ≠ 0) flows first turn non-negative.

    The textbook definition: the *first* time the money put in is back. Within the crossing
    year the flow is taken to accrue evenly (linear interpolation). 0.0 when the cumulative
    sum is never negative (nothing to recover); None when it never recovers within the
    horizon.

    Why the first crossing and not the last: with it, for any flows and any rate ≥ 0, the
    discounted payback is never shorter than the undiscounted one (discounting shrinks every
    later inflow, so the discounted sum cannot recover first). With the last crossing a late
    outflow (a decommissioning cost) that discounting shrinks could make the discounted
    payback come first, which no reader would believe. A cumulative that dips below zero
    again after the first crossing is reported separately (:func:`dips_after_payback`).
    """
    flows = _as_flows(cash_flows) * discount_factors(rate, len(cash_flows) - 1)
    cumulative = np.cumsum(flows)
    if cumulative[0] >= 0:
        return 0.0
    recovered = np.flatnonzero(cumulative >= 0)
    if recovered.size == 0:
        return None
    year = int(recovered[0])
    # The crossing is in year ``year``: the shortfall at the end of the year before, over
    # that year's flow (positive, since the cumulative rose through zero).
    return year - 1 + float(-cumulative[year - 1] / flows[year])


def dips_after_payback(cash_flows: Sequence[float]) -> bool:
    """True when the cumulative flows turn negative again after first recovering (a late
    outflow larger than what was earned by then): the payback alone would flatter it."""
    cumulative = np.cumsum(_as_flows(cash_flows))
    recovered = np.flatnonzero(cumulative >= 0)
    return bool(recovered.size and np.any(cumulative[recovered[0] :] < 0))


def annuity_factor(rate: np.ndarray | float, years: int) -> np.ndarray | float:
    """Σ_{t=1..years} (1+rate)^-t, vectorised over ``rate`` (the Monte Carlo draws)."""
    rate = np.asarray(rate, dtype=float)
    t = np.arange(1, years + 1, dtype=float)
    result = np.sum((1.0 + rate[..., None]) ** -t, axis=-1)
    return float(result) if result.ndim == 0 else result
