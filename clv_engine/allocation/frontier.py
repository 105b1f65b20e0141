"""The Pareto frontier of (cost, net value) over portfolios, the engine of the curve and the
verdicts: the optimum of the all-or-nothing and tiered projects at every budget at once.

The frontier of n projects is built from that of n − 1 by adding each option and keeping the
non-dominated points (Nemhauser–Ullmann); divisible projects then fill what is left in ROI
order (the fractional knapsack). ``_leave_one_out`` gives the frontier of every project but
one for all projects in O(n log n) merges.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from clv_engine.allocation.model import _EPS, Project


class _FrontierTooLarge(Exception):
    pass


@dataclass(frozen=True)
class _Frontier:
    cost: np.ndarray
    net: np.ndarray
    choices: np.ndarray  # (points, integer projects): option index, -1 = not funded


def _frontier_step(
    cost: np.ndarray, net: np.ndarray, options: Sequence[tuple[float, float]], optional: bool, cap: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Add one project to a frontier: its cost, value, and each point's parent and option.

    Options are (cost, net value); a negative net never makes the frontier unless its
    project is locked (then every point carries it).
    """
    n = cost.size
    shifts = ([(0.0, 0.0)] if optional else []) + [(float(c), float(v)) for c, v in options]
    # Block q of the candidates is the old frontier shifted by option q (q = 0: left out).
    c_all = np.concatenate([cost + c for c, _ in shifts])
    v_all = np.concatenate([net + v for _, v in shifts])
    within = np.flatnonzero(c_all <= cap + _EPS)
    if within.size == 0:
        raise _FrontierTooLarge  # locked projects above the cap; callers fall back
    # The blocks are each sorted by cost already, and a stable sort of floats is a timsort,
    # which merges such runs in linear time.
    picked = within[np.argsort(c_all[within], kind="stable")]
    c_all, v_all = c_all[picked], v_all[picked]
    best_before = np.concatenate(([-np.inf], np.maximum.accumulate(v_all)[:-1]))
    keep = np.flatnonzero(v_all > best_before + _EPS)
    # Of points at the same cost only the last kept one (the most net) is on the frontier.
    keep = keep[np.append(np.diff(c_all[keep]) > _EPS, True)]
    chosen = picked[keep]
    option = chosen // n - (1 if optional else 0)  # −1: left out
    return c_all[keep], v_all[keep], chosen % n, option


def _pareto_frontier(
    groups: Sequence[tuple[Sequence[tuple[float, float]], bool]], cap: float, max_points: int
) -> _Frontier:
    """Every portfolio not beaten by a cheaper-or-equal one with more net (Nemhauser–Ullmann).

    ``groups``: per all-or-nothing/tiered project, its options (cost, net) and whether it may
    be left out. Portfolios costing more than ``cap`` are dropped. The frontier of n projects
    is built from that of n − 1 by adding each option and keeping the non-dominated points;
    sizes stay in the hundreds to thousands for realistic lists, and ``max_points`` guards
    against the pathological ones.
    """
    cost = np.zeros(1)
    net = np.zeros(1)
    parents: list[np.ndarray] = []
    picks: list[np.ndarray] = []
    for options, optional in groups:
        cost, net, parent, pick = _frontier_step(cost, net, options, optional, cap)
        parents.append(parent)
        picks.append(pick)
        if cost.size > max_points:
            raise _FrontierTooLarge
    # Walk back from every final point to recover which option each project took.
    choices = np.empty((cost.size, len(groups)), dtype=np.int16)
    at = np.arange(cost.size)
    for k in range(len(groups) - 1, -1, -1):
        choices[:, k] = picks[k][at]
        at = parents[k][at]
    return _Frontier(cost, net, choices)


def _fractional_fill(divisible: Sequence[Project]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Divisible projects fill leftover budget best in ROI order (the fractional knapsack).

    Only those that return more than they cost take any: past them, money is worth more
    unspent, so the fill is flat. Returns the cumulative cost and net breakpoints (concave,
    nondecreasing) and the order of the projects used.
    """
    used = [k for k in range(len(divisible)) if divisible[k].net > _EPS]
    order = sorted(used, key=lambda k: (-divisible[k].gain / divisible[k].investment, divisible[k].name))
    costs = [divisible[k].investment for k in order]
    nets = [divisible[k].net for k in order]
    return (np.concatenate(([0.0], np.cumsum(costs))), np.concatenate(([0.0], np.cumsum(nets))), order)


class _FrontierModel:
    """Exact optimum (net value) of a project list at any budget up to ``cap``."""

    def __init__(self, cost: np.ndarray, net: np.ndarray, divisible: Sequence[Project]) -> None:
        """``cost``/``net``: the frontier of the all-or-nothing projects; then the divisible
        ones: locked are funded in full, free ones fill what is left in ROI order."""
        fixed = [p for p in divisible if p.locked and not p.excluded]
        free = [p for p in divisible if not p.locked and not p.excluded]
        self.cost, self.net = cost, net
        self.base_cost = float(sum(p.investment for p in fixed))
        self.base_net = float(sum(p.net for p in fixed))
        self.cum_c, self.cum_n, _ = _fractional_fill(free)

    @classmethod
    def build(cls, projects: Sequence[Project], cap: float, max_points: int) -> _FrontierModel:
        active = [p for p in projects if not p.excluded]
        frontier = _pareto_frontier(
            _groups([p for p in active if not p.divisible]), cap=cap, max_points=max_points
        )
        return cls(frontier.cost, frontier.net, [p for p in active if p.divisible])

    def value(self, budget: float) -> float:
        left = budget - self.base_cost - self.cost
        ok = left >= -_EPS
        if not ok.any():
            return -math.inf
        fill = np.interp(np.maximum(left[ok], 0.0), self.cum_c, self.cum_n)
        return self.base_net + float(np.max(self.net[ok] + fill))

    def max_entry_cost(self, budget: float, gain: float, target: float) -> float:
        """See :meth:`_Rest.max_entry_cost`; exact, per frontier point.

        With frontier point k, room A = budget − base − cost_k is shared by the entry cost y
        and the divisible spend s (best: s = A − y, the fill F never falls). The condition
        gain + base_net + net_k − y + F(A − y) ≥ target reads s + F(s) ≥ A − B with
        B = gain + base_net + net_k − target; s + F(s) rises strictly, so the least such s
        is read off its inverse (slope 1 past the last divisible project) and y = A − s.
        """
        room = budget - self.base_cost - self.cost
        spare = gain + self.base_net + self.net - target
        need = room - spare
        g_pts = self.cum_c + self.cum_n
        s = np.where(
            need <= 0,
            0.0,
            np.where(
                need <= g_pts[-1], np.interp(need, g_pts, self.cum_c), self.cum_c[-1] + need - g_pts[-1]
            ),
        )
        y = room - s
        ok = (room >= -_EPS) & (y >= -_EPS)
        return float(np.max(y[ok])) if ok.any() else -math.inf


def _groups(projects: Sequence[Project]) -> list[tuple[list[tuple[float, float]], bool]]:
    """Frontier input: each project's options (cost, net) and whether it may be left out."""
    return [([(o.investment, o.net) for o in p.options], not p.locked) for p in projects]


def _leave_one_out(
    groups: Sequence[tuple[Sequence[tuple[float, float]], bool]], cap: float, max_points: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The frontier of every group but k, for k = 0, 1, ... in turn (divide and conquer).

    Halve the list; the left half's "all but k" frontiers all contain the whole right half,
    so add it once and recurse, and the same the other way round. Each level adds every
    group once: n leave-one-out frontiers for O(n log n) merges instead of n².
    """

    def add(front: tuple[np.ndarray, np.ndarray], items: Sequence) -> tuple[np.ndarray, np.ndarray]:
        cost, net = front
        for options, optional in items:
            cost, net, _, _ = _frontier_step(cost, net, options, optional, cap)
            if cost.size > max_points:
                raise _FrontierTooLarge
        return cost, net

    def split(lo: int, hi: int, front: tuple[np.ndarray, np.ndarray]) -> Iterator:
        if hi - lo == 1:
            yield front
            return
        mid = (lo + hi) // 2
        yield from split(lo, mid, add(front, groups[mid:hi]))
        yield from split(mid, hi, add(front, groups[lo:mid]))

    if groups:
        yield from split(0, len(groups), (np.zeros(1), np.zeros(1)))
