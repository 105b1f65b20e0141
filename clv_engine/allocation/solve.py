"""The exact optimum: the portfolio with the most net value for a budget (SPEC §4).

Given a budget, :func:`allocate_budget` finds the portfolio with the highest total net value
Σ(gain − cost), exactly, as a small mixed-integer programme (``scipy.optimize.milp``, HiGHS).
Budget left unspent stays in the company, so a project whose gain is below its cost is never
funded unless the user locks it:

* one variable per project option; binary for an all-or-nothing project, continuous 0..1 for
  a divisible one (funded pro rata);
* a project offering tiers (full, pilot, ...) has one binary per tier and Σ tiers ≤ 1;
* Σ cost × x ≤ budget; a locked project has Σ its options = 1, an excluded one all 0;
* maximise Σ (gain − cost) × x.

Beside the optimum it fills the same budget the way a spreadsheet would (sort by net ROI,
take what fits, never a project that returns less than it costs) so the room can see when
sorting is wrong: for all-or-nothing projects it often is (a knapsack, not a ranking).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from clv_engine.allocation.model import (
    _EPS,
    NEXT_STEP,
    Allocation,
    AllocationError,
    LockedOverBudget,
    Portfolio,
    Project,
    _check_budget,
    _check_positive,
    _portfolio,
    net_roi,
    validate_projects,
)


# -- the exact optimum ------------------------------------------------------------------
@dataclass(frozen=True)
class _Programme:
    """The MILP's arrays: one column per (project, option)."""

    owner: np.ndarray  # project index of each column
    option: np.ndarray  # option index within its project
    cost: np.ndarray
    net: np.ndarray  # gain − cost
    integer: np.ndarray  # 1 binary, 0 continuous


def _programme(projects: Sequence[Project]) -> _Programme:
    owner, option, cost, net, integer = [], [], [], [], []
    for i, p in enumerate(projects):
        for j, o in enumerate(p.options):
            owner.append(i)
            option.append(j)
            cost.append(float(o.investment))
            net.append(float(o.gain) - float(o.investment))
            integer.append(0 if p.divisible else 1)
    return _Programme(np.array(owner), np.array(option), np.array(cost), np.array(net), np.array(integer))


def _locked_minimum(projects: Sequence[Project]) -> float:
    # (Excluded and locked only happens inside the verdicts, which set a project aside.)
    return float(sum(p.cheapest_cost for p in projects if p.locked and not p.excluded))


def _choice_rows(
    projects: Sequence[Project], prog: _Programme, n_cols: int
) -> tuple[list[np.ndarray], list[float], list[float], np.ndarray]:
    """At most one option per project, exactly one when locked; excluded ones fixed at 0."""
    upper = np.ones(n_cols)
    rows, row_lo, row_hi = [], [], []
    for i, p in enumerate(projects):
        cols = np.flatnonzero(prog.owner == i)
        if p.excluded:
            upper[cols] = 0.0
            continue
        if len(cols) > 1 or p.locked:
            # At most one tier; exactly one when locked (a locked divisible project is funded
            # in full: "must fund" means the whole thing).
            row = np.zeros(n_cols)
            row[cols] = 1.0
            rows.append(row)
            row_lo.append(1.0 if p.locked else 0.0)
            row_hi.append(1.0)
    return rows, row_lo, row_hi, upper


def _solve(projects: Sequence[Project], budget: float) -> dict[str, tuple[int, float]]:
    """Solve the MILP; {project name: (option index, fraction)} of the funded projects.

    The most net value Σ(gain − cost) within ``budget``; ties go to the cheaper portfolio,
    so a project that only breaks even is not funded either.
    Raises AllocationError if HiGHS finds no portfolio (callers check the locks first).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: 0.7 s of a cold start

    prog = _programme(projects)
    n_cols = prog.cost.size
    rows, row_lo, row_hi, upper = _choice_rows(projects, prog, n_cols)
    rows.append(prog.cost)
    row_lo.append(-np.inf)
    row_hi.append(budget)
    total_cost = float(prog.cost.sum())
    # Money is kept in yuan (not rescaled) so HiGHS's absolute gap of 1e-6 means exact to a
    # millionth of a yuan; the cost term breaks ties between equal-net portfolios in favour
    # of the cheaper one and is worth under 0.001 yuan in total.
    c = -prog.net + prog.cost * (1e-3 / max(total_cost, 1.0))
    result = milp(
        c,
        constraints=LinearConstraint(np.vstack(rows), row_lo, row_hi),
        integrality=prog.integer,
        bounds=Bounds(np.zeros(n_cols), upper),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.status != 0 or result.x is None:
        raise AllocationError("solver_failed", message=str(result.message))
    x = np.where(prog.integer == 1, np.round(result.x), np.clip(result.x, 0.0, 1.0))
    _refill_divisible(projects, prog, x, budget)
    choice: dict[str, tuple[int, float]] = {}
    for col in np.flatnonzero(x > _EPS):
        choice[projects[prog.owner[col]].name] = (int(prog.option[col]), float(x[col]))
    return choice


def _refill_divisible(projects: Sequence[Project], prog: _Programme, x: np.ndarray, budget: float) -> None:
    """Recompute the divisible projects' shares in ``x`` exactly, for the chosen rest.

    HiGHS meets the budget row only to a tolerance (a share can overshoot by a few
    millionths of a yuan). Given the all-or-nothing choices, the best shares are those of
    the fractional knapsack: locked ones in full, then the others in ROI order while they
    earn more than they cost (Dantzig), which spends at most the budget, to the float.
    """
    split = np.flatnonzero(prog.integer == 0)
    if split.size == 0:
        return
    whole = prog.integer == 1
    left = budget - float(prog.cost[whole] @ x[whole])
    x[split] = 0.0
    free = []
    for col in split:
        p = projects[prog.owner[col]]
        if p.excluded:  # (the verdicts exclude a locked project to ask "what without it")
            continue
        if p.locked:
            x[col] = 1.0
            left -= prog.cost[col]
        elif prog.net[col] > _EPS:
            free.append(col)
    free.sort(key=lambda c: (-prog.net[c] / prog.cost[c], projects[prog.owner[c]].name))
    for col in free:
        share = min(1.0, max(left, 0.0) / prog.cost[col])
        x[col] = share
        left -= share * prog.cost[col]


def _max_entry_cost_milp(projects: Sequence[Project], budget: float, need: float) -> float:
    """Largest y ≥ 0 with a portfolio P of ``projects`` such that cost(P) + y ≤ budget and
    net(P) − y ≥ ``need``; −inf when there is none.

    y is the cost at which a left-out project (gain g) enters: it then costs y, returns
    g − y net, and the rest have budget − y; ``need`` = today's optimum − g.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: 0.7 s of a cold start

    prog = _programme(projects)
    n_cols = prog.cost.size
    rows, row_lo, row_hi, upper = _choice_rows(projects, prog, n_cols)
    rows = [np.append(r, 0.0) for r in rows]
    rows.append(np.append(prog.cost, 1.0))
    row_lo.append(-np.inf)
    row_hi.append(budget)
    rows.append(np.append(prog.net, -1.0))
    row_lo.append(need)
    row_hi.append(np.inf)
    c = np.zeros(n_cols + 1)
    c[-1] = -1.0
    result = milp(
        c,
        constraints=LinearConstraint(np.vstack(rows), row_lo, row_hi),
        integrality=np.append(prog.integer, 0),
        bounds=Bounds(np.zeros(n_cols + 1), np.append(upper, max(budget, 0.0))),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.status != 0 or result.x is None:
        return -math.inf
    return float(result.x[-1])


def optimal_portfolio(projects: Sequence[Project], budget: float) -> Portfolio:
    """The portfolio with the most net value within ``budget`` (exact MILP)."""
    projects = validate_projects(projects)
    budget = _check_budget(budget, allow_zero=True)
    return _optimal(projects, budget)


def _optimal(projects: Sequence[Project], budget: float) -> Portfolio:
    locked_cost = _locked_minimum(projects)
    if locked_cost > budget + _EPS:
        raise LockedOverBudget([p.name for p in projects if p.locked], locked_cost, budget)
    return _portfolio(projects, budget, _solve(projects, budget))


# -- the spreadsheet way: sort by ROI, fill greedily ------------------------------------
def roi_ranking(projects: Sequence[Project], budget: float) -> Portfolio:
    """Sort every option by net ROI and take each one that still fits (what people do by hand).

    Only options that return more than they cost are candidates: nobody sorting by ROI funds
    a negative one, so the comparison with the optimum is about the knapsack, not about that.
    Locked projects are honoured: budget is held back for the cheapest option of each locked
    project not yet funded, and any still unfunded at the end get that cheapest option.
    A divisible project takes whatever share of it still fits.
    """
    projects = validate_projects(projects)
    budget = _check_budget(budget, allow_zero=True)
    locked_cost = _locked_minimum(projects)
    if locked_cost > budget + _EPS:
        raise LockedOverBudget([p.name for p in projects if p.locked], locked_cost, budget)
    return _roi_ranking(projects, budget)


def _roi_ranking(projects: Sequence[Project], budget: float) -> Portfolio:
    candidates = [
        (net_roi(o.gain, o.investment), p.name, j, p)
        for p in projects
        if not p.excluded
        for j, o in enumerate(p.options)
        if o.net > _EPS
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    reserve = {p.name: p.cheapest_cost for p in projects if p.locked}
    remaining = budget
    choice: dict[str, tuple[int, float]] = {}
    for _, name, j, p in candidates:
        if name in choice:
            continue
        held = sum(v for k, v in reserve.items() if k != name)
        available = remaining - held
        cost = p.options[j].investment
        if cost <= available + _EPS:
            fraction = 1.0
        elif p.divisible and not p.locked and available > _EPS:
            fraction = available / cost
        else:
            continue
        choice[name] = (j, fraction)
        remaining -= cost * fraction
        reserve.pop(name, None)
    for name in list(reserve):
        p = next(q for q in projects if q.name == name)
        j = min(range(len(p.options)), key=lambda k: p.options[k].investment)
        choice[name] = (j, 1.0)
        remaining -= p.options[j].investment
    return _portfolio(projects, budget, choice)


def allocate_budget(projects: Sequence[Project], budget: float) -> Allocation:
    """The best portfolio for ``budget`` and, beside it, what sorting by ROI would fund.

    Raises AllocationError (an InputError) with the field in its details for bad input,
    and LockedOverBudget when the locked projects alone exceed the budget.
    """
    projects = validate_projects(projects)
    budget = _check_budget(budget)
    optimum = _optimal(projects, budget)
    free = optimum.total_net
    if any(p.locked for p in projects):
        free = _optimal([replace(p, locked=False) for p in projects], budget).total_net
    return Allocation(budget, optimum, _roi_ranking(projects, budget), free)


def value_of_next(projects: Sequence[Project], budget: float, step: float = NEXT_STEP) -> float:
    """Extra net value the optimum makes if the budget grows by ``step`` (the next ¥100,000)."""
    projects = validate_projects(projects)
    budget = _check_budget(budget)
    step = _check_positive(step, "step")
    return _optimal(projects, budget + step).total_net - _optimal(projects, budget).total_net
