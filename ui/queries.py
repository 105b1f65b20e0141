"""Every cached Streamlit query of the pages, in one place (keyed by the database version)."""

from __future__ import annotations

import pandas as pd

from clv_engine import allocation as al
from clv_engine import scenarios
from ui.context import cached


# -- alloc --
@cached
def allocator_scenarios(db) -> pd.DataFrame:
    """The saved allocator scenarios (id, name ...)."""
    return scenarios.list_scenarios(db, "allocator")


@cached
def budget_curve(projects: tuple[al.Project, ...]) -> al.BudgetCurve:
    """The budget–value curve; it does not depend on the budget, so a slider move reuses it."""
    return al.budget_value_curve(list(projects))


@cached
def allocation(projects: tuple[al.Project, ...], budget: float) -> al.Allocation | al.AllocationError:
    """The optimum and the ROI ranking, or the input error (shown by the page)."""
    try:
        return al.allocate_budget(list(projects), budget)
    except al.AllocationError as err:
        return err


@cached
def allocation_explained(
    projects: tuple[al.Project, ...], alloc: al.Allocation
) -> tuple[list[al.Verdict], float]:
    """The verdicts and the net value of the next ¥100,000 (reruns that keep the inputs reuse them)."""
    return (al.project_verdicts(list(projects), alloc), al.value_of_next(list(projects), alloc.budget))
