"""The allocation model: projects and their options, the checks, and the results (SPEC §4).

A project costs an investment and returns a gain = CLV uplift per customer × customers
reached; its net value is gain − investment. Three kinds: all-or-nothing (the default),
divisible (funded pro rata) and tiered (a full option plus tiers such as a pilot, at most
one of them funded). A project may be locked (must be funded) or excluded (never is).

Within one computation a project is known by its ``name``: the caller (a page) keeps its own
stable ids and passes the label it wants to see in the results. Net ROI = (gain − cost) / cost
throughout (the seeds' "multiple" is gain / cost).

Errors are ``AllocationError`` (an ``InputError``) with a declared code and the details
(row, project name, tier, field, value); ``wording.errors.explain`` words them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from clv_engine import errors
from clv_engine.errors import InputError

FULL = "full"
"""Label of a project's own (full) option; extra tiers carry their own labels."""

PILOT = "pilot"
"""Label of the one extra tier the page's table offers."""

NEXT_STEP = 100_000.0
"""'The value of the next ¥100,000': the step the page quotes."""

# Money is compared in yuan; anything below a fen is float noise, not a difference.
_EPS = 1e-6


# -- inputs -----------------------------------------------------------------------------
class _Value:
    """Gain and net value of a project or tier (its ``investment``, ``uplift_per_customer``
    and ``reach``); for a project, of the full project."""

    @property
    def gain(self) -> float:
        return self.uplift_per_customer * self.reach

    @property
    def net(self) -> float:
        """Net value: gain − investment."""
        return self.gain - self.investment


@dataclass(frozen=True)
class Tier(_Value):
    """One way of running a project (e.g. a pilot); a tiered project runs at most one."""

    label: str
    investment: float
    uplift_per_customer: float
    reach: float


@dataclass(frozen=True)
class Project(_Value):
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


CODES = errors.declare(
    "allocation",
    "not_a_number",
    "not_positive",
    "figure_not_a_number",
    "figure_not_positive",
    "tier_not_a_number",
    "tier_not_positive",
    "no_projects",
    "name_empty",
    "name_twice",
    "tier_labels",
    "locked_and_excluded",
    "divisible_tiers",
    "budget_not_a_number",
    "budget_not_positive",
    "locked_over_budget",
    "solver_failed",
    "bad_method",
    "n_grid",
    "missing_columns",
    "clv_params_missing",
    "retention_range",
    "discount_range",
    "horizon_range",
    "retention_above_100",
    "customer_columns",
    "segment_empty",
    "segment_no_visits",
    "segment_no_profit",
    "measured_no_uplift",
    "measured_no_cost",
)


class AllocationError(InputError):
    """Inputs that cannot be allocated: ``code`` names the problem, ``details`` the project
    (``row``, 1-based as the reader sees it, and ``name``), tier, field and value."""

    def __init__(self, problem: str, /, **details: object) -> None:
        super().__init__(CODES[problem], **details)

    def __reduce__(self):  # pickled whole (a cached result may be an error)
        return _restore, (type(self), self.args), self.__dict__


def _restore(cls: type, args: tuple) -> AllocationError:
    error = cls.__new__(cls)
    error.args = args
    return error


class LockedOverBudget(AllocationError):
    """The locked projects alone cost more than the budget."""

    def __init__(self, locked: Sequence[str], locked_cost: float, budget: float) -> None:
        self.locked = tuple(locked)
        self.locked_cost = locked_cost
        self.budget = budget
        super().__init__(
            "locked_over_budget", projects=", ".join(self.locked), cost=locked_cost, budget=budget
        )


def net_roi(gain: float, cost: float) -> float:
    """(gain − cost) / cost; NaN when nothing is spent."""
    return (gain - cost) / cost if cost > _EPS else math.nan


def _check_positive(value: object, field_name: str, **where: object) -> float:
    """``value`` as a number > 0. ``where``: the project's row and name (a figure of the
    table), and its tier's label (a tier's figure), or nothing (a single input)."""
    kind = "tier_" if "tier" in where else "figure_" if "row" in where else ""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AllocationError(f"{kind}not_a_number", field=field_name, value=value, **where) from None
    if not math.isfinite(number) or number <= 0:
        raise AllocationError(f"{kind}not_positive", field=field_name, value=value, **where)
    return number


def validate_projects(projects: Sequence[Project]) -> tuple[Project, ...]:
    """The projects, checked: names unique and non-empty, every figure > 0, flags coherent."""
    if not projects:
        raise AllocationError("no_projects")
    seen: set[str] = set()
    checked = []
    for row, p in enumerate(projects, start=1):
        name = str(p.name).strip() if p.name is not None else ""
        if not name:
            raise AllocationError("name_empty", row=row)
        if name in seen:
            raise AllocationError("name_twice", row=row, name=name)
        seen.add(name)
        for tier in p.options:
            where = {"row": row, "name": name} | ({} if tier.label == FULL else {"tier": tier.label})
            _check_positive(tier.investment, "investment", **where)
            _check_positive(tier.uplift_per_customer, "uplift_per_customer", **where)
            _check_positive(tier.reach, "reach", **where)
        labels = [o.label for o in p.options]
        if len(set(labels)) != len(labels) or any(not str(x).strip() for x in labels):
            raise AllocationError("tier_labels", row=row, name=name)
        if p.locked and p.excluded:
            raise AllocationError("locked_and_excluded", row=row, name=name)
        if p.divisible and p.tiers:
            raise AllocationError("divisible_tiers", row=row, name=name)
        checked.append(p if name == p.name else replace(p, name=name))
    return tuple(checked)


def _check_budget(budget: object, allow_zero: bool = False) -> float:
    try:
        value = float(budget)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AllocationError("budget_not_a_number", value=budget) from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise AllocationError("budget_not_positive", value=budget)
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


def _portfolio(projects: Sequence[Project], budget: float, choice: dict[str, tuple[int, float]]) -> Portfolio:
    """Build a portfolio from {project: (option index, fraction)}."""
    lines = []
    for p in projects:
        if p.name not in choice:
            continue
        index, fraction = choice[p.name]
        if fraction <= _EPS:
            continue
        option = p.options[index]
        lines.append(
            FundedLine(p.name, option.label, fraction, option.investment * fraction, option.gain * fraction)
        )
    # Best ROI first; ties by name so the order never depends on the solver.
    lines.sort(key=lambda x: (-x.net_roi, x.project))
    return Portfolio(budget, tuple(lines))
