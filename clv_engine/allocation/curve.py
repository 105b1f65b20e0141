"""The budget–value curve: the optimal net value for every budget (SPEC §4).

:func:`budget_value_curve` gives the optimal net value for every budget from zero to the
cost of all projects, exactly, from the Pareto frontier of (cost, net) over portfolios, and
the budgets where projects enter, leave or change tier (the "next ¥100,000" is
:func:`clv_engine.allocation.solve.value_of_next`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clv_engine.allocation.frontier import (
    _fractional_fill,
    _Frontier,
    _FrontierTooLarge,
    _groups,
    _pareto_frontier,
)
from clv_engine.allocation.model import (
    _EPS,
    AllocationError,
    LockedOverBudget,
    Project,
    _check_budget,
    validate_projects,
)
from clv_engine.allocation.solve import _locked_minimum, _optimal


# -- the budget–value curve -------------------------------------------------------------
@dataclass(frozen=True)
class BudgetCurve:
    """The optimum over budgets: ``points`` (budget, net, gain, cost, funded) and ``events``.

    ``points`` has one row per budget evaluated, ascending, columns budget, net (the optimal
    net value, what the curve plots), gain and cost of that portfolio, funded (tuple of
    (project, option label) pairs: the ids the wording layer draws); ``shares`` has the same rows and one column per
    project with its funded fraction (0..1). ``events`` has budget, project, change
    ('enters', 'leaves', 'tier') and option: where, going up in budget, the optimal set changes. ``exact_steps`` is
    True when every step of the curve is in ``points`` (the frontier method); False when the
    curve was sampled on a grid (too many portfolios on the frontier).
    """

    points: pd.DataFrame
    shares: pd.DataFrame
    events: pd.DataFrame
    method: str
    exact_steps: bool
    max_budget: float
    frontier_size: int = 0  # portfolios on the Pareto frontier (0 for the MILP grid)

    def value_at(self, budget: float) -> float:
        """Optimal net value at ``budget`` read off the curve (exact at evaluated budgets)."""
        pts = self.points
        if pts.empty:
            return math.nan
        i = int(np.searchsorted(pts["budget"].to_numpy(), budget + _EPS, side="right")) - 1
        return math.nan if i < 0 else float(pts["net"].iloc[i])

    def entry_budget(self, project: str) -> float:
        """Lowest budget on the curve at which ``project`` is (at least partly) funded."""
        col = self.shares[project].to_numpy()
        hit = np.flatnonzero(col > _EPS)
        return math.nan if hit.size == 0 else float(self.points["budget"].iloc[hit[0]])


def budget_value_curve(
    projects: Sequence[Project],
    n_grid: int = 101,
    max_budget: float | None = None,
    max_steps: int = 2000,
    max_frontier: int = 200_000,
) -> BudgetCurve:
    """The optimal net value for budgets from zero to ``max_budget`` (default: every project
    funded).

    The curve never falls: budget that no project can use well stays unspent. Method (exact,
    and fast): the optimum of all-or-nothing and tiered projects is a step
    function of the budget whose steps are exactly the Pareto frontier of (cost, net) over
    portfolios; that frontier is built project by project, so the optimum at *every* budget is
    known without solving a programme per budget. Divisible projects are then added to each
    frontier portfolio in ROI order, as far as they earn more than they cost (optimal for the
    part that can be split), which makes the
    curve piecewise linear between points.

    Points evaluated: a grid of ``n_grid`` budgets from 0 to ``max_budget``, every option's
    own cost, and every step of the frontier when there are at most ``max_steps`` of them
    (then, with no divisible project left free, ``exact_steps`` is True: a step chart drawn
    through the points is the curve itself; with free divisible projects the value is exact
    at every point and linear in between except near a few kinks). With more steps, or a
    frontier above ``max_frontier`` portfolios (hundreds of projects), the steps are not all
    drawn; in the latter case each grid budget is solved by the MILP (method 'milp-grid').
    """
    projects = validate_projects(projects)
    active = [p for p in projects if not p.excluded]
    total = float(sum(p.largest_cost for p in active))
    top = total if max_budget is None else _check_budget(max_budget, allow_zero=True)
    if n_grid < 2:
        raise AllocationError("n_grid", value=n_grid)
    locked_floor = _locked_minimum(projects)
    integer = [p for p in active if not p.divisible]
    divisible = [p for p in active if p.divisible]
    option_costs = [o.investment for p in active for o in p.options]
    grid = np.linspace(0.0, top, n_grid)
    try:
        frontier = _pareto_frontier(
            _groups(integer),
            cap=top,
            max_points=max_frontier,
        )
    except _FrontierTooLarge:
        if locked_floor > top + _EPS:
            raise LockedOverBudget([p.name for p in projects if p.locked], locked_floor, top) from None
        return _curve_by_milp(projects, np.unique(np.concatenate((grid, [locked_floor]))), top)
    # Budgets below the locked floor have no portfolio; the curve starts at that floor.
    extra = option_costs + [locked_floor]
    with_steps = frontier.cost.size <= max_steps
    # Free divisible projects make the curve rise linearly between steps, with kinks that
    # are not all evaluated: exact at the points, interpolated between them.
    # (A divisible project that returns no more than it costs never takes budget.)
    exact = with_steps and not any(not p.locked and p.net > _EPS for p in divisible)
    if with_steps:
        # A step of the curve is where a frontier portfolio (plus locked divisible ones)
        # first becomes affordable.
        base = sum(p.investment for p in divisible if p.locked)
        extra += list(frontier.cost + base)
    budgets = np.unique(np.concatenate((grid, np.asarray(extra, dtype=float))))
    budgets = budgets[(budgets >= locked_floor - _EPS) & (budgets <= top + _EPS)]
    return _curve_from_frontier(projects, integer, divisible, frontier, budgets, top, exact)


def _curve_from_frontier(
    projects: Sequence[Project],
    integer: Sequence[Project],
    divisible: Sequence[Project],
    frontier: _Frontier,
    budgets: np.ndarray,
    top: float,
    exact: bool,
) -> BudgetCurve:
    # Locked divisible projects are funded in full before anything else.
    fixed = [p for p in divisible if p.locked]
    free = [p for p in divisible if not p.locked]
    base_cost = float(sum(p.investment for p in fixed))
    base_net = float(sum(p.net for p in fixed))
    cum_c, cum_n, order = _fractional_fill(free)
    n_pts = budgets.size
    best_net = np.full(n_pts, -np.inf)
    best_k = np.full(n_pts, -1)
    # Chunks bound the (frontier × budgets) matrix to a few million cells.
    chunk = max(1, 4_000_000 // max(1, frontier.cost.size))
    for start in range(0, n_pts, chunk):
        b = budgets[start : start + chunk] - base_cost
        left = b[None, :] - frontier.cost[:, None]
        value = np.where(
            left >= -_EPS, frontier.net[:, None] + np.interp(np.maximum(left, 0), cum_c, cum_n), -np.inf
        )
        k = np.argmax(value, axis=0)
        best_k[start : start + chunk] = k
        best_net[start : start + chunk] = value[k, np.arange(b.size)]
    ok = best_k >= 0
    budgets, best_net, best_k = budgets[ok], best_net[ok], best_k[ok]
    fractions = {p.name: np.zeros(budgets.size) for p in projects}
    options = {p.name: np.full(budgets.size, -1) for p in projects}
    for col, p in enumerate(integer):
        pick = frontier.choices[best_k, col]
        options[p.name] = pick.astype(int)
        fractions[p.name] = (pick >= 0).astype(float)
    for p in fixed:
        fractions[p.name][:] = 1.0
        options[p.name][:] = 0
    left = budgets - base_cost - frontier.cost[best_k]
    for rank, k in enumerate(order):
        p = free[k]
        share = np.clip((left - cum_c[rank]) / p.investment, 0.0, 1.0)
        fractions[p.name] = share
        options[p.name] = np.where(share > _EPS, 0, -1)
    cost = np.zeros(budgets.size)
    gain = np.zeros(budgets.size)
    for p in projects:
        for j, o in enumerate(p.options):
            cost += np.where(options[p.name] == j, o.investment * fractions[p.name], 0.0)
            gain += np.where(options[p.name] == j, o.gain * fractions[p.name], 0.0)
    curve = _assemble_curve(
        projects, budgets, base_net + best_net, gain, cost, fractions, options, "frontier", exact, top
    )
    return replace(curve, frontier_size=int(frontier.cost.size))


def _curve_by_milp(projects: Sequence[Project], budgets: np.ndarray, top: float) -> BudgetCurve:
    """Fallback for huge frontiers: one exact MILP per grid budget."""
    floor = _locked_minimum(projects)
    budgets = budgets[budgets >= floor - _EPS]
    fractions = {p.name: np.zeros(budgets.size) for p in projects}
    options = {p.name: np.full(budgets.size, -1) for p in projects}
    net = np.zeros(budgets.size)
    gain = np.zeros(budgets.size)
    cost = np.zeros(budgets.size)
    for i, b in enumerate(budgets):
        port = _optimal(projects, float(max(b, floor)))
        net[i], gain[i], cost[i] = port.total_net, port.total_gain, port.total_cost
        for line in port.lines:
            p = next(q for q in projects if q.name == line.project)
            fractions[p.name][i] = line.fraction
            options[p.name][i] = [o.label for o in p.options].index(line.option)
    return _assemble_curve(projects, budgets, net, gain, cost, fractions, options, "milp-grid", False, top)


def _assemble_curve(
    projects: Sequence[Project],
    budgets: np.ndarray,
    net: np.ndarray,
    gain: np.ndarray,
    cost: np.ndarray,
    fractions: dict[str, np.ndarray],
    options: dict[str, np.ndarray],
    method: str,
    exact: bool,
    top: float,
) -> BudgetCurve:
    funded = [
        tuple(
            (p.name, p.options[int(options[p.name][i])].label)
            for p in projects
            if fractions[p.name][i] > _EPS
        )
        for i in range(budgets.size)
    ]
    points = pd.DataFrame({"budget": budgets, "net": net, "gain": gain, "cost": cost, "funded": funded})
    # Kept apart from ``points`` so a project called "budget" cannot clash with a column.
    shares = pd.DataFrame({p.name: fractions[p.name] for p in projects}, index=points.index)
    events = []
    for p in projects:
        opt = options[p.name]
        for i in range(1, budgets.size):
            before, after = int(opt[i - 1]), int(opt[i])
            if before == after:
                continue
            change = "enters" if before < 0 else ("leaves" if after < 0 else "tier")
            label = p.options[after if after >= 0 else before].label
            events.append((float(budgets[i]), p.name, change, label))
    events_df = pd.DataFrame(events, columns=["budget", "project", "change", "option"])
    events_df = events_df.sort_values(["budget", "project"], kind="stable").reset_index(drop=True)
    return BudgetCurve(points, shares, events_df, method, exact, top)
