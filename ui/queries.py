"""Every cached Streamlit query of the app, in one place (st.cache_data / st.cache_resource).

Each area has its own section below.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import allocation as al
from clv_engine import scenarios
from clv_engine.imports import ImportFileError
from clv_engine.imports.stage import read_sample
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


# -- imports --

IMPORT_PREVIEW_ROWS = 8


@st.cache_data(show_spinner=False, max_entries=64)
def import_sample(path: str) -> pd.DataFrame | tuple[str, dict]:
    """First rows of a saved upload (the path is its content hash), or why it cannot be read:
    the error's code and details (ImportFileError is not kept by the cache, its parts are)."""
    try:
        return read_sample(path, IMPORT_PREVIEW_ROWS)
    except ImportFileError as error:
        return (error.code, dict(error.details))
