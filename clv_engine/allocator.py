"""Budget allocation across projects: the best portfolio for a budget, and why (SPEC §4).

A project costs an investment and returns a gain = CLV uplift per customer × customers
reached; its net value is gain − investment. Given a budget, :func:`allocate_budget` finds the
portfolio with the highest total net value Σ(gain − cost), exactly, as a small mixed-integer
programme (``scipy.optimize.milp``, HiGHS). Budget left unspent stays in the company, so a
project whose gain is below its cost is never funded unless the user locks it:

* one variable per project option; binary for an all-or-nothing project, continuous 0..1 for
  a divisible one (funded pro rata);
* a project offering tiers (full, pilot, ...) has one binary per tier and Σ tiers ≤ 1;
* Σ cost × x ≤ budget; a locked project has Σ its options = 1, an excluded one all 0;
* maximise Σ (gain − cost) × x.

Beside the optimum it fills the same budget the way a spreadsheet would (sort by net ROI,
take what fits, never a project that returns less than it costs) so the room can see when
sorting is wrong: for all-or-nothing projects it often is (a knapsack, not a ranking).

Net ROI = (gain − cost) / cost throughout (the seeds' "multiple" is gain / cost).

:func:`budget_value_curve` gives the optimal net value for every budget from zero to the
cost of all projects, exactly, from the Pareto frontier of (cost, net) over portfolios;
:func:`project_verdicts` says for each project why it is in or out and what it would need
(from the frontier of all the other projects; the MILP answers the same questions when a
frontier would be too large, and the tests hold the two routes against each other);
:func:`uplift_from_retention` / :func:`uplift_from_frequency` turn "raise retention of
segment X by p points" into a project's uplift per customer and reach.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from clv_engine.cells import is_blank
from clv_engine.clv import absence_weight, annuity_factor
from wording import t
from wording.fmt import money, pct

FULL = "full"
"""Label of a project's own (full) option; extra tiers carry their own labels."""

PILOT = "pilot"
"""Label of the one extra tier the page's table offers."""

NEXT_STEP = 100_000.0
"""'The value of the next ¥100,000': the step the page quotes."""

# Money is compared in yuan; anything below a fen is float noise, not a difference.
_EPS = 1e-6


# -- inputs -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Tier:
    """One way of running a project (e.g. a pilot); a tiered project runs at most one."""

    label: str
    investment: float
    uplift_per_customer: float
    reach: float

    @property
    def gain(self) -> float:
        return self.uplift_per_customer * self.reach

    @property
    def net(self) -> float:
        """Net value: gain − investment."""
        return self.gain - self.investment


@dataclass(frozen=True)
class Project:
    """A candidate project: investment, CLV uplift per customer, customers reached.

    ``tiers`` are alternatives to the full project (a pilot, a region-only roll-out); at most
    one of the full project and its tiers is funded. ``divisible`` projects can be funded in
    part, pro rata (cost and gain both scale). ``locked`` must be funded; ``excluded`` never is.
    """

    name: str
    investment: float
    uplift_per_customer: float
    reach: float
    divisible: bool = False
    tiers: tuple[Tier, ...] = ()
    locked: bool = False
    excluded: bool = False

    @property
    def gain(self) -> float:
        return self.uplift_per_customer * self.reach

    @property
    def net(self) -> float:
        """Net value of the full project: gain − investment."""
        return self.gain - self.investment

    @property
    def net_roi(self) -> float:
        return net_roi(self.gain, self.investment)

    @property
    def below_cost(self) -> bool:
        """No option returns more than it costs: unspent budget is worth more."""
        return all(o.net <= _EPS for o in self.options)

    @cached_property
    def options(self) -> tuple[Tier, ...]:
        """The full project first, then its tiers (kept: the solvers ask for them often)."""
        full = Tier(FULL, self.investment, self.uplift_per_customer, self.reach)
        return (full, *self.tiers)

    @property
    def cheapest_cost(self) -> float:
        return min(o.investment for o in self.options)

    @property
    def largest_cost(self) -> float:
        return max(o.investment for o in self.options)


class AllocationError(ValueError):
    """Inputs that cannot be allocated; the message names the project and field."""


class LockedOverBudget(AllocationError):
    """The locked projects alone cost more than the budget."""

    def __init__(self, locked: Sequence[str], locked_cost: float, budget: float) -> None:
        self.locked = tuple(locked)
        self.locked_cost = locked_cost
        self.budget = budget
        super().__init__(
            f"budget: the locked projects ({', '.join(self.locked)}) need at least "
            f"{locked_cost:,.0f}, more than the budget of {budget:,.0f}"
        )


def net_roi(gain: float, cost: float) -> float:
    """(gain − cost) / cost; NaN when nothing is spent."""
    return (gain - cost) / cost if cost > _EPS else math.nan


def _check_positive(value: object, where: str, field_name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AllocationError(f"{where}: {field_name} must be a number (got {value!r})") from None
    if not math.isfinite(number) or number <= 0:
        raise AllocationError(f"{where}: {field_name} must be greater than zero (got {value!r})")
    return number


def validate_projects(projects: Sequence[Project]) -> tuple[Project, ...]:
    """The projects, checked: names unique and non-empty, every figure > 0, flags coherent."""
    if not projects:
        raise AllocationError("projects: need at least one project")
    seen: set[str] = set()
    checked = []
    for row, p in enumerate(projects, start=1):
        name = str(p.name).strip() if p.name is not None else ""
        if not name:
            raise AllocationError(f"project {row}: name must not be empty")
        where = f"project {row} ({name})"
        if name in seen:
            raise AllocationError(f"{where}: name appears twice")
        seen.add(name)
        for tier in p.options:
            tw = where if tier.label == FULL else f"{where}, tier {tier.label!r}"
            _check_positive(tier.investment, tw, "investment")
            _check_positive(tier.uplift_per_customer, tw, "uplift_per_customer")
            _check_positive(tier.reach, tw, "reach")
        labels = [o.label for o in p.options]
        if len(set(labels)) != len(labels) or any(not str(x).strip() for x in labels):
            raise AllocationError(f"{where}: tier labels must be distinct and non-empty")
        if p.locked and p.excluded:
            raise AllocationError(f"{where}: cannot be both locked and excluded")
        if p.divisible and p.tiers:
            raise AllocationError(f"{where}: a divisible project cannot also offer tiers")
        checked.append(p if name == p.name else replace(p, name=name))
    return tuple(checked)


def _check_budget(budget: object, allow_zero: bool = False) -> float:
    try:
        value = float(budget)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AllocationError(f"budget: must be a number (got {budget!r})") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise AllocationError(f"budget: must be greater than zero (got {budget!r})")
    return value


# -- results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FundedLine:
    """One funded project in a portfolio: which option, what share, what it costs and returns."""

    project: str
    option: str
    fraction: float
    cost: float
    gain: float

    @property
    def net(self) -> float:
        return self.gain - self.cost

    @property
    def net_roi(self) -> float:
        return net_roi(self.gain, self.cost)


@dataclass(frozen=True)
class Portfolio:
    """A set of funded projects under one budget (lines sorted by net ROI, best first)."""

    budget: float
    lines: tuple[FundedLine, ...]

    @property
    def total_cost(self) -> float:
        return float(sum(line.cost for line in self.lines))

    @property
    def total_gain(self) -> float:
        return float(sum(line.gain for line in self.lines))

    @property
    def total_net(self) -> float:
        """Net value Σ(gain − cost) of the funded projects: what the allocator maximises."""
        return self.total_gain - self.total_cost

    @property
    def unspent(self) -> float:
        """Budget not spent: it stays in the company (no project earns more than it costs)."""
        return max(0.0, self.budget - self.total_cost)

    @property
    def combined_roi(self) -> float:
        """(Σ gain − Σ cost) / Σ cost over the funded projects."""
        return net_roi(self.total_gain, self.total_cost)

    @property
    def funded_count(self) -> int:
        return len(self.lines)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(line.project for line in self.lines)

    def line(self, project: str) -> FundedLine | None:
        return next((x for x in self.lines if x.project == project), None)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "project": [x.project for x in self.lines],
                "option": [x.option for x in self.lines],
                "fraction": [x.fraction for x in self.lines],
                "cost": [x.cost for x in self.lines],
                "gain": [x.gain for x in self.lines],
                "net": [x.net for x in self.lines],
                "net_roi": [x.net_roi for x in self.lines],
            }
        )


@dataclass(frozen=True)
class Allocation:
    """The optimum beside the plain ROI ranking for the same projects and budget.

    ``net_without_locks``: the optimal net value were every lock released (equal to the
    optimum's when nothing is locked); the difference is what the locks cost.
    """

    budget: float
    optimum: Portfolio
    roi_ranking: Portfolio
    net_without_locks: float = math.nan

    @property
    def net_missed_by_ranking(self) -> float:
        """Net value sorting by ROI leaves on the table (0 when it happens to be optimal)."""
        return max(0.0, self.optimum.total_net - self.roi_ranking.total_net)

    @property
    def ranking_is_optimal(self) -> bool:
        return self.net_missed_by_ranking <= _EPS * max(1.0, abs(self.optimum.total_net))

    @property
    def lock_cost(self) -> float:
        """Net value the locks give up: optimum without the locks minus the optimum with them."""
        if math.isnan(self.net_without_locks):
            return 0.0
        return max(0.0, self.net_without_locks - self.optimum.total_net)

    @property
    def only_in_optimum(self) -> tuple[str, ...]:
        return tuple(n for n in self.optimum.names if n not in self.roi_ranking.names)

    @property
    def only_in_ranking(self) -> tuple[str, ...]:
        return tuple(n for n in self.roi_ranking.names if n not in self.optimum.names)


def _portfolio(projects: Sequence[Project], budget: float,
               choice: dict[str, tuple[int, float]]) -> Portfolio:
    """Build a portfolio from {project: (option index, fraction)}."""
    lines = []
    for p in projects:
        if p.name not in choice:
            continue
        index, fraction = choice[p.name]
        if fraction <= _EPS:
            continue
        option = p.options[index]
        lines.append(FundedLine(p.name, option.label, fraction,
                                option.investment * fraction, option.gain * fraction))
    # Best ROI first; ties by name so the order never depends on the solver.
    lines.sort(key=lambda x: (-x.net_roi, x.project))
    return Portfolio(budget, tuple(lines))


# -- the exact optimum ------------------------------------------------------------------
@dataclass(frozen=True)
class _Programme:
    """The MILP's arrays: one column per (project, option)."""

    owner: np.ndarray      # project index of each column
    option: np.ndarray     # option index within its project
    cost: np.ndarray
    net: np.ndarray        # gain − cost
    integer: np.ndarray    # 1 binary, 0 continuous


def _programme(projects: Sequence[Project]) -> _Programme:
    owner, option, cost, net, integer = [], [], [], [], []
    for i, p in enumerate(projects):
        for j, o in enumerate(p.options):
            owner.append(i)
            option.append(j)
            cost.append(float(o.investment))
            net.append(float(o.gain) - float(o.investment))
            integer.append(0 if p.divisible else 1)
    return _Programme(np.array(owner), np.array(option), np.array(cost), np.array(net),
                      np.array(integer))


def _locked_minimum(projects: Sequence[Project]) -> float:
    # (Excluded and locked only happens inside the verdicts, which set a project aside.)
    return float(sum(p.cheapest_cost for p in projects if p.locked and not p.excluded))


def _choice_rows(projects: Sequence[Project], prog: _Programme, n_cols: int
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
        raise AllocationError(f"solver: no portfolio found ({result.message})")
    x = np.where(prog.integer == 1, np.round(result.x), np.clip(result.x, 0.0, 1.0))
    _refill_divisible(projects, prog, x, budget)
    choice: dict[str, tuple[int, float]] = {}
    for col in np.flatnonzero(x > _EPS):
        choice[projects[prog.owner[col]].name] = (int(prog.option[col]), float(x[col]))
    return choice


def _refill_divisible(projects: Sequence[Project], prog: _Programme, x: np.ndarray,
                      budget: float) -> None:
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
        if p.excluded:   # (the verdicts exclude a locked project to ask "what without it")
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
        for p in projects if not p.excluded
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

    Raises AllocationError (a ValueError) naming the field for bad input, and
    LockedOverBudget when the locked projects alone exceed the budget.
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
    step = _check_positive(step, "step", "step")
    return _optimal(projects, budget + step).total_net - _optimal(projects, budget).total_net


# -- the budget–value curve -------------------------------------------------------------
@dataclass(frozen=True)
class BudgetCurve:
    """The optimum over budgets: ``points`` (budget, net, gain, cost, funded) and ``events``.

    ``points`` has one row per budget evaluated, ascending, columns budget, net (the optimal
    net value, what the curve plots), gain and cost of that portfolio, funded (tuple of
    "project" or "project (tier)" labels); ``shares`` has the same rows and one column per
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
    frontier_size: int = 0   # portfolios on the Pareto frontier (0 for the MILP grid)

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


class _FrontierTooLarge(Exception):
    pass


@dataclass(frozen=True)
class _Frontier:
    cost: np.ndarray
    net: np.ndarray
    choices: np.ndarray   # (points, integer projects): option index, -1 = not funded


def _frontier_step(cost: np.ndarray, net: np.ndarray, options: Sequence[tuple[float, float]],
                   optional: bool, cap: float
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
    option = chosen // n - (1 if optional else 0)   # −1: left out
    return c_all[keep], v_all[keep], chosen % n, option


def _pareto_frontier(groups: Sequence[tuple[Sequence[tuple[float, float]], bool]],
                     cap: float, max_points: int) -> _Frontier:
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
    order = sorted(used, key=lambda k: (-divisible[k].gain / divisible[k].investment,
                                        divisible[k].name))
    costs = [divisible[k].investment for k in order]
    nets = [divisible[k].net for k in order]
    return (np.concatenate(([0.0], np.cumsum(costs))), np.concatenate(([0.0], np.cumsum(nets))),
            order)


def budget_value_curve(projects: Sequence[Project], n_grid: int = 101,
                       max_budget: float | None = None, max_steps: int = 2000,
                       max_frontier: int = 200_000) -> BudgetCurve:
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
        raise AllocationError(f"n_grid: need at least 2 budgets (got {n_grid})")
    locked_floor = _locked_minimum(projects)
    integer = [p for p in active if not p.divisible]
    divisible = [p for p in active if p.divisible]
    option_costs = [o.investment for p in active for o in p.options]
    grid = np.linspace(0.0, top, n_grid)
    try:
        frontier = _pareto_frontier(
            _groups(integer),
            cap=top, max_points=max_frontier,
        )
    except _FrontierTooLarge:
        if locked_floor > top + _EPS:
            raise LockedOverBudget([p.name for p in projects if p.locked], locked_floor,
                                   top) from None
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


def _curve_from_frontier(projects: Sequence[Project], integer: Sequence[Project],
                         divisible: Sequence[Project], frontier: _Frontier,
                         budgets: np.ndarray, top: float, exact: bool) -> BudgetCurve:
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
        b = budgets[start:start + chunk] - base_cost
        left = b[None, :] - frontier.cost[:, None]
        value = np.where(left >= -_EPS,
                         frontier.net[:, None] + np.interp(np.maximum(left, 0), cum_c, cum_n),
                         -np.inf)
        k = np.argmax(value, axis=0)
        best_k[start:start + chunk] = k
        best_net[start:start + chunk] = value[k, np.arange(b.size)]
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
    curve = _assemble_curve(projects, budgets, base_net + best_net, gain, cost, fractions,
                            options, "frontier", exact, top)
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
    return _assemble_curve(projects, budgets, net, gain, cost, fractions, options, "milp-grid",
                           False, top)


def _label(p: Project, option: int) -> str:
    return p.name if option <= 0 else f"{p.name} ({p.options[option].label})"


def _assemble_curve(projects: Sequence[Project], budgets: np.ndarray, net: np.ndarray,
                    gain: np.ndarray, cost: np.ndarray, fractions: dict[str, np.ndarray],
                    options: dict[str, np.ndarray], method: str, exact: bool,
                    top: float) -> BudgetCurve:
    funded = [
        tuple(_label(p, int(options[p.name][i])) for p in projects
              if fractions[p.name][i] > _EPS)
        for i in range(budgets.size)
    ]
    points = pd.DataFrame({"budget": budgets, "net": net, "gain": gain, "cost": cost,
                           "funded": funded})
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


# -- why each project is in or out ------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """Why one project is in or out of the optimum, in numbers (text: :func:`reason_text`).

    status: 'funded', 'partly_funded', 'locked', 'left_out', 'below_cost' (no option returns
    more than it costs: unspent budget is worth more), 'excluded', 'too_expensive' (costs more
    than the budget on its own), 'no_room' (does not fit beside locked projects).
    All figures are net value, Σ(gain − cost), the allocator's objective:
    contribution: for a funded project, how much less net the best portfolio would earn
    without it.
    gain_needed: for a left-out project, the extra gain at which it would enter (≥).
    max_cost: for a left-out project, the cost at or below which it would enter (its tier).
    lock_cost: for a locked project, the net value the lock gives up (the best portfolio with
    it free minus the best with it locked; 0 if the optimum funds it anyway).
    """

    project: str
    status: str
    option: str | None
    fraction: float
    cost: float
    gain: float
    net_roi: float
    roi_rank: int
    in_ranking: bool
    divisible: bool = False
    contribution: float = math.nan
    gain_needed: float = math.nan
    uplift_needed: float = math.nan
    max_cost: float = math.nan
    lock_cost: float = math.nan
    extra: dict = field(default_factory=dict)

    @property
    def net(self) -> float:
        return self.gain - self.cost


def project_verdicts(projects: Sequence[Project], allocation: Allocation,
                     max_frontier: int = 50_000, method: str = "auto") -> list[Verdict]:
    """For every project, in input order, why it is in or out and what would change that.

    Every figure compares today's optimum (net value) with the best portfolio of *the other
    projects* (the project dropped, forced in at each of its options, or unlocked). Those are
    exact: from the Pareto frontier of the other projects capped at the budget (one per
    project, fast), or, for very long lists whose frontier passes ``max_frontier`` portfolios,
    from one MILP per question. ``method``: 'auto' (the frontiers of all the others for every
    project at once, by divide and conquer), 'per_project' (each built from scratch) or
    'milp' — the same answers by three routes, which the tests hold against each other.
    """
    if method not in ("auto", "per_project", "milp"):
        raise AllocationError(f"method: 'auto', 'per_project' or 'milp' (got {method!r})")
    if method == "milp":
        max_frontier = -1
    projects = validate_projects(projects)
    budget = allocation.budget
    best = allocation.optimum
    by_roi = sorted(projects, key=lambda p: (-p.net_roi, p.name))
    rank = {p.name: r for r, p in enumerate(by_roi, start=1)}
    models: list[_FrontierModel | None] = [None] * len(projects)
    if method == "auto":
        try:
            models = _rest_models(projects, budget, max_frontier)
        except _FrontierTooLarge:
            method = "milp"
    verdicts = []
    for i, p in enumerate(projects):
        line = best.line(p.name)
        base = {"project": p.name, "roi_rank": rank[p.name], "divisible": p.divisible,
                "in_ranking": p.name in allocation.roi_ranking.names}
        if line is not None:
            base.update(option=line.option, fraction=line.fraction, cost=line.cost,
                        gain=line.gain, net_roi=line.net_roi)
        else:
            base.update(option=None, fraction=0.0, cost=p.investment, gain=p.gain,
                        net_roi=p.net_roi)
        if p.excluded:
            verdicts.append(Verdict(status="excluded", **base))
            continue
        rest = _Rest(projects, i, budget, max_frontier, models[i],
                     build=method == "per_project")
        if p.locked:
            free = max(rest.value(budget), rest.best_with(p, budget)[0])
            verdicts.append(Verdict(status="locked",
                                    lock_cost=max(0.0, free - best.total_net), **base))
        elif line is not None:
            status = "partly_funded" if line.fraction < 1 - 1e-9 else "funded"
            verdicts.append(Verdict(status=status,
                                    contribution=best.total_net - rest.value(budget), **base))
        else:
            verdicts.append(_left_out(p, rest, budget, best, base))
    return verdicts


class _Rest:
    """The best portfolios of every project but one (``skip``), for the verdicts."""

    def __init__(self, projects: Sequence[Project], skip: int, budget: float,
                 max_frontier: int, model: _FrontierModel | None = None,
                 build: bool = False) -> None:
        self.projects = [replace(p, excluded=True) if k == skip else p
                         for k, p in enumerate(projects)]
        self.floor = _locked_minimum(self.projects)
        self.model = model   # None: answer by MILP
        if model is None and build:
            try:
                self.model = _FrontierModel.build(self.projects, budget, max_frontier)
            except _FrontierTooLarge:
                self.model = None

    def value(self, budget: float) -> float:
        """Best net value of the others within ``budget``; −inf if their locks do not fit."""
        if budget < self.floor - _EPS:
            return -math.inf
        if self.model is not None:
            return self.model.value(budget)
        return _optimal(self.projects, budget).total_net

    def max_entry_cost(self, budget: float, gain: float, target: float) -> float:
        """The highest cost y at which an option returning ``gain`` plus the best of the
        others within budget − y still makes ``target`` net: gain − y + value(budget − y) ≥
        target. −inf if even a free option would not."""
        if self.model is not None:
            return self.model.max_entry_cost(budget, gain, target)
        return _max_entry_cost_milp(self.projects, budget, target - gain)

    def best_with(self, p: Project, budget: float) -> tuple[float, int]:
        """Best total net with ``p`` forced in (in full, at its best option) and that option."""
        found = (-math.inf, 0)
        for j, option in enumerate(p.options):
            total = option.net + self.value(budget - option.investment)
            if total > found[0] + _EPS:
                found = (total, j)
        return found


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
        frontier = _pareto_frontier(_groups([p for p in active if not p.divisible]), cap=cap,
                                    max_points=max_points)
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
        s = np.where(need <= 0, 0.0,
                     np.where(need <= g_pts[-1], np.interp(need, g_pts, self.cum_c),
                              self.cum_c[-1] + need - g_pts[-1]))
        y = room - s
        ok = (room >= -_EPS) & (y >= -_EPS)
        return float(np.max(y[ok])) if ok.any() else -math.inf


def _groups(projects: Sequence[Project]) -> list[tuple[list[tuple[float, float]], bool]]:
    """Frontier input: each project's options (cost, net) and whether it may be left out."""
    return [([(o.investment, o.net) for o in p.options], not p.locked) for p in projects]


def _leave_one_out(groups: Sequence[tuple[Sequence[tuple[float, float]], bool]], cap: float,
                   max_points: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
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


def _rest_models(projects: Sequence[Project], cap: float,
                 max_points: int) -> list[_FrontierModel | None]:
    """For each project, the model of all the other projects (None for an excluded one)."""
    models: list[_FrontierModel | None] = [None] * len(projects)
    active = [k for k, p in enumerate(projects) if not p.excluded]
    whole = [k for k in active if not projects[k].divisible]
    split = [projects[k] for k in active if projects[k].divisible]
    fronts = _leave_one_out(_groups([projects[k] for k in whole]), cap, max_points)
    for k, (cost, net) in zip(whole, fronts):
        models[k] = _FrontierModel(cost, net, split)
    if len(whole) < len(active):
        every = _pareto_frontier(_groups([projects[k] for k in whole]), cap, max_points)
        for k in active:
            if projects[k].divisible:
                others = [p for p in split if p.name != projects[k].name]
                models[k] = _FrontierModel(every.cost, every.net, others)
    return models


def _left_out(p: Project, rest: _Rest, budget: float, best: Portfolio, base: dict) -> Verdict:
    if p.below_cost:
        status = "below_cost"
    elif p.cheapest_cost > budget + _EPS and not p.divisible:
        status = "too_expensive"
    else:
        status = "left_out"
    room = budget - rest.floor
    if p.cheapest_cost > room + _EPS:
        # Even its cheapest option does not fit beside the locked projects: no extra gain
        # brings it in, only a cost cut (or a bigger budget). A divisible one could still take
        # a share, so it is merely left out.
        gain_needed, tier = math.nan, 0
        if status == "left_out" and not p.divisible:
            status = "no_room"
    else:
        forced, tier = rest.best_with(p, budget)
        gain_needed = max(0.0, best.total_net - forced)
    option = p.options[tier]
    # It enters at cost y if its gain − y plus the best of the rest within budget − y
    # reaches today's optimum.
    max_cost = max(0.0, rest.max_entry_cost(budget, option.gain, best.total_net))
    return Verdict(status=status, gain_needed=gain_needed,
                   uplift_needed=gain_needed / option.reach if option.reach else math.nan,
                   max_cost=max_cost, extra={"tier": option.label, "tier_cost": option.investment},
                   **base)


def reason_text(verdict: Verdict, lang: str = "en") -> str:
    """The verdict as one line of plain words, money formatted for ``lang``."""
    v = verdict
    roi = pct(v.net_roi)
    figures = {"cost": money(v.cost, lang), "gain": money(v.gain, lang),
               "net": money(v.net, lang), "roi": roi}
    if v.status == "excluded":
        return t("allocator.reason.excluded", lang)
    if v.status == "locked":
        text = t("allocator.reason.locked", lang, **figures)
        if v.lock_cost > _EPS:
            text += t("allocator.reason.lock_cost", lang, loss=money(v.lock_cost, lang))
        else:
            text += t("allocator.reason.lock_free", lang)
        return text
    if v.status in ("funded", "partly_funded"):
        key = "allocator.reason.funded" if v.status == "funded" else "allocator.reason.partly"
        text = t(key, lang, share=pct(v.fraction), loss=money(v.contribution, lang), **figures)
        if v.option not in (None, FULL):
            tier = t("allocator.tier.pilot", lang) if v.option == PILOT else v.option
            text += t("allocator.reason.tier", lang, tier=tier)
        if not v.in_ranking:
            text += t("allocator.reason.ranking_misses", lang)
        return text
    cost_cut = v.extra.get("tier_cost", v.cost) - v.max_cost
    if v.status == "below_cost":
        text = t("allocator.reason.below_cost", lang, **figures)
    elif v.status == "too_expensive":
        text = t("allocator.reason.too_expensive", lang, cost=money(v.cost, lang))
    elif v.status == "no_room":
        text = t("allocator.reason.no_room", lang, cost=money(v.cost, lang))
    else:
        text = t("allocator.reason.left_out", lang, **figures)
    if v.status != "too_expensive" and not math.isnan(v.gain_needed):
        # A divisible project's thresholds are for funding it in full (a share of it
        # may come in sooner), and the sentence says so.
        key = "allocator.reason.gain_needed" + ("_full" if v.divisible else "")
        text += t(key, lang, gain=money(v.gain_needed, lang),
                  uplift=money(v.uplift_needed, lang))
    if cost_cut > _EPS and v.max_cost > _EPS:
        key = "allocator.reason.cost_needed" + ("_full" if v.divisible else "")
        text += t(key, lang, cost=money(v.max_cost, lang))
    if v.in_ranking:
        text += t("allocator.reason.ranking_takes", lang)
    return text


# -- presets and conversions ------------------------------------------------------------
SPEC_CASE_BUDGET = 1_000_000.0

_SPEC_CASE = (
    ("allocator.preset.churn", 300_000, 2_000, 2_000),
    ("allocator.preset.membership", 250_000, 1_500, 3_000),
    ("allocator.preset.service", 200_000, 800, 8_000),
    ("allocator.preset.mobile", 250_000, 1_000, 1_500),
)


def spec_case_projects(lang: str = "en") -> list[Project]:
    """The SPEC §4 (seed 000) case: four projects, budget ¥1,000,000."""
    return [Project(t(key, lang), float(c), float(u), float(r)) for key, c, u, r in _SPEC_CASE]


def projects_to_frame(projects: Iterable[Project]) -> pd.DataFrame:
    """The editable table of the page: one row per project, a pilot tier in its own columns.

    Only a single extra tier (the pilot) fits this table; richer tiers stay in the engine.
    """
    rows = []
    for p in projects:
        pilot = p.tiers[0] if p.tiers else None
        rows.append({
            "name": p.name,
            "investment": p.investment,
            "uplift_per_customer": p.uplift_per_customer,
            "reach": p.reach,
            "divisible": p.divisible,
            "locked": p.locked,
            "excluded": p.excluded,
            "pilot_investment": pilot.investment if pilot else None,
            "pilot_uplift": pilot.uplift_per_customer if pilot else None,
            "pilot_reach": pilot.reach if pilot else None,
        })
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


PROJECT_COLUMNS = ["name", "investment", "uplift_per_customer", "reach", "divisible", "locked",
                   "excluded", "pilot_investment", "pilot_uplift", "pilot_reach"]



def projects_from_frame(frame: pd.DataFrame) -> list[Project]:
    """Projects from the editable table; rows with no name and no figures are skipped.

    A row whose pilot columns are all filled offers a pilot tier beside the full project.
    Errors name the row (1-based, as the user sees it) and the column.
    """
    missing = [c for c in PROJECT_COLUMNS[:4] if c not in frame.columns]
    if missing:
        raise AllocationError(f"projects table: missing column(s) {', '.join(missing)}")
    projects = []
    for row, rec in enumerate(frame.to_dict("records"), start=1):
        figures = [rec.get(c) for c in PROJECT_COLUMNS[:4]]
        if all(is_blank(v) for v in figures):
            continue
        name = "" if is_blank(rec.get("name")) else str(rec["name"]).strip()
        where = f"project {row} ({name})" if name else f"project {row}"
        if not name:
            raise AllocationError(f"{where}: name must not be empty")
        values = {c: _check_positive(rec.get(c), where, c) for c in PROJECT_COLUMNS[1:4]}
        pilot_cols = ["pilot_investment", "pilot_uplift", "pilot_reach"]
        pilot_vals = [rec.get(c) for c in pilot_cols]
        tiers: tuple[Tier, ...] = ()
        if not all(is_blank(v) for v in pilot_vals):
            pv = [_check_positive(v, where, c) for v, c in zip(pilot_vals, pilot_cols)]
            tiers = (Tier(PILOT, *pv),)
        projects.append(Project(
            name, values["investment"], values["uplift_per_customer"], values["reach"],
            divisible=_flag(rec.get("divisible")), tiers=tiers,
            locked=_flag(rec.get("locked")), excluded=_flag(rec.get("excluded")),
        ))
    return list(validate_projects(projects))


def _flag(value: object) -> bool:
    return False if is_blank(value) else bool(value)


# -- a project's uplift derived from the data -------------------------------------------
SEGMENT_COLUMNS = ("region", "channel", "vehicle_model", "home_store_id")
"""Columns of ``clv.customer_values`` that name a segment a project can target."""


def _clv_inputs(customers: pd.DataFrame, retention: float | None, discount_rate: float | None,
                horizon_years: int | None) -> tuple[float, float, int]:
    params = customers.attrs.get("params")
    r = retention if retention is not None else customers.attrs.get("retention")
    d = discount_rate if discount_rate is not None else getattr(params, "discount_rate", None)
    h = horizon_years if horizon_years is not None else getattr(params, "horizon_years", None)
    if r is None or d is None or h is None:
        raise AllocationError("customers: need retention, discount_rate and horizon_years "
                              "(pass them, or use the frame from clv.customer_values)")
    if not 0 < r <= 1:
        raise AllocationError(f"retention: must be above 0% and at most 100% (got {r!r})")
    if not 0 <= d < 1:
        raise AllocationError(f"discount_rate: must be between 0% and 100% (got {d!r})")
    if int(h) != h or h < 1:
        raise AllocationError(f"horizon_years: must be a whole number of years ≥ 1 (got {h!r})")
    return float(r), float(d), int(h)


def _segment_base(customers: pd.DataFrame, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Annual gross profit and the absence weight baked into each customer's CLV: the same
    :func:`clv.absence_weight` the per-customer CLV uses (the measured come-back rate of a
    customer away k years, else r^gap), so an uplift never values a lapsed customer more
    than their CLV does."""
    needed = {"annual_gp", "recency_days"}
    missing = needed - set(customers.columns)
    if missing:
        raise AllocationError(f"customers: missing column(s) {', '.join(sorted(missing))}")
    if customers.empty:
        raise AllocationError("segment: no customers in the chosen segment")
    annual_gp = customers["annual_gp"].to_numpy(dtype=float)
    weight = absence_weight(customers["recency_days"].to_numpy(dtype=float), r,
                            customers.attrs.get("return_rates"))
    return annual_gp, weight


def uplift_from_retention(customers: pd.DataFrame, points: float, *,
                          retention: float | None = None, discount_rate: float | None = None,
                          horizon_years: int | None = None) -> tuple[float, int]:
    """(CLV uplift per customer, reach) of raising a segment's yearly retention by ``points``.

    ``customers`` is the segment's rows of ``clv.customer_values`` (its ``attrs`` carry the
    retention r and the CLV parameters; pass them explicitly otherwise). That CLV is
    annual_gp × w × A(r), A(r) = Σ_{t=1..H} r^t / (1+d)^t, the DCF annuity of a survivor.
    A programme changes retention from now on, not whether a customer who has been away is
    still around, so the absence weight w stays and only the annuity moves to A(r + points/100):

        uplift_i = annual_gp_i × w_i × (A(r') − A(r));   reach = customers in the segment.

    The uplift per customer is the segment mean (customers with little profit weigh in too).
    """
    r, d, h = _clv_inputs(customers, retention, discount_rate, horizon_years)
    step = _check_positive(points, "retention change", "points")
    new = r + step / 100.0
    if new > 1.0 + 1e-12:
        raise AllocationError(f"retention change: {r:.0%} + {step:g} points is above 100%")
    annual_gp, weight = _segment_base(customers, r)
    uplift = annual_gp * weight * (annuity_factor(new, d, h) - annuity_factor(r, d, h))
    return _segment_result(uplift)


def uplift_from_frequency(customers: pd.DataFrame, extra_visits: float, *,
                          retention: float | None = None, discount_rate: float | None = None,
                          horizon_years: int | None = None) -> tuple[float, int]:
    """(CLV uplift per customer, reach) of ``extra_visits`` more visits a year per customer.

    Each extra visit earns the customer's own gross profit per visit (gross_profit / orders;
    the segment's average for a customer without orders), every year the customer stays, so

        uplift_i = extra_visits × gp_per_visit_i × w_i × A(r).
    """
    r, d, h = _clv_inputs(customers, retention, discount_rate, horizon_years)
    visits = _check_positive(extra_visits, "visit frequency change", "extra_visits")
    missing = {"gross_profit", "orders"} - set(customers.columns)
    if missing:
        raise AllocationError(f"customers: missing column(s) {', '.join(sorted(missing))}")
    _, weight = _segment_base(customers, r)
    orders = customers["orders"].to_numpy(dtype=float)
    profit = customers["gross_profit"].to_numpy(dtype=float)
    if orders.sum() <= 0:
        raise AllocationError("segment: its customers have no visits to learn a profit per visit")
    average = profit.sum() / orders.sum()
    per_visit = np.where(orders > 0, profit / np.where(orders > 0, orders, 1.0), average)
    uplift = visits * per_visit * weight * annuity_factor(r, d, h)
    return _segment_result(uplift)


def _segment_result(uplift: np.ndarray) -> tuple[float, int]:
    per_customer = float(uplift.mean())
    if not per_customer > 0:
        raise AllocationError("segment: its customers bring no gross profit, so the uplift "
                              "would not be positive")
    return per_customer, int(uplift.size)
