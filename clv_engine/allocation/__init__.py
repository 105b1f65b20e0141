"""Budget allocation across projects: the best portfolio for a budget, and why (SPEC §4).

The package, along its seams:

* ``model``   projects (all-or-nothing, divisible, tiered; locks, exclusions), checks, results;
* ``solve``   the net-value optimum (exact MILP) and the ROI ranking beside it;
* ``frontier`` the Pareto frontier of (cost, net) behind the curve and the verdicts;
* ``curve``   the budget–value curve;
* ``explain`` why each project is in or out: status codes and figures, never sentences;
* ``derive``  a project's uplift derived from the data;
* ``table``   the page's project table as a frame, and the SPEC §4 preset (ids, figures).

Sentences (reasons, verdicts, labels) are in ``wording.allocation``.
"""

from clv_engine.allocation.curve import BudgetCurve, budget_value_curve
from clv_engine.allocation.derive import (
    SEGMENT_COLUMNS,
    uplift_from_frequency,
    uplift_from_retention,
)
from clv_engine.allocation.explain import Verdict, project_verdicts
from clv_engine.allocation.model import (
    CODES,
    FULL,
    NEXT_STEP,
    PILOT,
    Allocation,
    AllocationError,
    FundedLine,
    LockedOverBudget,
    Portfolio,
    Project,
    Tier,
    net_roi,
    validate_projects,
)
from clv_engine.allocation.solve import (
    allocate_budget,
    optimal_portfolio,
    roi_ranking,
    value_of_next,
)
from clv_engine.allocation.table import (
    PROJECT_COLUMNS,
    SPEC_CASE,
    SPEC_CASE_BUDGET,
    projects_from_frame,
    projects_to_frame,
    spec_case_projects,
)

__all__ = [
    "CODES",
    "FULL",
    "NEXT_STEP",
    "PILOT",
    "PROJECT_COLUMNS",
    "SEGMENT_COLUMNS",
    "SPEC_CASE",
    "SPEC_CASE_BUDGET",
    "Allocation",
    "AllocationError",
    "BudgetCurve",
    "FundedLine",
    "LockedOverBudget",
    "Portfolio",
    "Project",
    "Tier",
    "Verdict",
    "allocate_budget",
    "budget_value_curve",
    "net_roi",
    "optimal_portfolio",
    "project_verdicts",
    "projects_from_frame",
    "projects_to_frame",
    "roi_ranking",
    "spec_case_projects",
    "uplift_from_frequency",
    "uplift_from_retention",
    "validate_projects",
    "value_of_next",
]
