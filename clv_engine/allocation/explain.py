"""Why each project is in or out of the optimum, and what would change that (SPEC §4).

:func:`project_verdicts` gives, per project, a status code and the figures behind it (its
contribution, the gain or cost at which it would enter, what a lock gives up), from the
frontier of all the other projects; the MILP answers the same questions when a frontier
would be too large, and the tests hold the routes against each other. The comparison with
the ROI ranking is on :class:`~clv_engine.allocation.model.Allocation`. No sentence here:
``wording.allocation.reason_text`` words a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from clv_engine.allocation.frontier import (
    _FrontierModel,
    _FrontierTooLarge,
    _groups,
    _leave_one_out,
    _pareto_frontier,
)
from clv_engine.allocation.model import (
    _EPS,
    Allocation,
    AllocationError,
    Portfolio,
    Project,
    validate_projects,
)
from clv_engine.allocation.solve import _locked_minimum, _max_entry_cost_milp, _optimal


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


def project_verdicts(
    projects: Sequence[Project], allocation: Allocation, max_frontier: int = 50_000, method: str = "auto"
) -> list[Verdict]:
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
        raise AllocationError("bad_method", value=method)
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
        base = {
            "project": p.name,
            "roi_rank": rank[p.name],
            "divisible": p.divisible,
            "in_ranking": p.name in allocation.roi_ranking.names,
        }
        if line is not None:
            base.update(
                option=line.option,
                fraction=line.fraction,
                cost=line.cost,
                gain=line.gain,
                net_roi=line.net_roi,
            )
        else:
            base.update(option=None, fraction=0.0, cost=p.investment, gain=p.gain, net_roi=p.net_roi)
        if p.excluded:
            verdicts.append(Verdict(status="excluded", **base))
            continue
        rest = _Rest(projects, i, budget, max_frontier, models[i], build=method == "per_project")
        if p.locked:
            free = max(rest.value(budget), rest.best_with(p, budget)[0])
            verdicts.append(Verdict(status="locked", lock_cost=max(0.0, free - best.total_net), **base))
        elif line is not None:
            status = "partly_funded" if line.fraction < 1 - 1e-9 else "funded"
            verdicts.append(Verdict(status=status, contribution=best.total_net - rest.value(budget), **base))
        else:
            verdicts.append(_left_out(p, rest, budget, best, base))
    return verdicts


class _Rest:
    """The best portfolios of every project but one (``skip``), for the verdicts."""

    def __init__(
        self,
        projects: Sequence[Project],
        skip: int,
        budget: float,
        max_frontier: int,
        model: _FrontierModel | None = None,
        build: bool = False,
    ) -> None:
        self.projects = [replace(p, excluded=True) if k == skip else p for k, p in enumerate(projects)]
        self.floor = _locked_minimum(self.projects)
        self.model = model  # None: answer by MILP
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


def _rest_models(projects: Sequence[Project], cap: float, max_points: int) -> list[_FrontierModel | None]:
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
    return Verdict(
        status=status,
        gain_needed=gain_needed,
        uplift_needed=gain_needed / option.reach if option.reach else math.nan,
        max_cost=max_cost,
        extra={"tier": option.label, "tier_cost": option.investment},
        **base,
    )
