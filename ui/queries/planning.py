"""Cached queries of the planning pages: allocation, imports, investment evaluation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from clv_engine import allocation as al
from clv_engine import evaluation as ev
from clv_engine import (
    scenarios,
)
from clv_engine.clv import CLVParams
from clv_engine.db import Database
from clv_engine.evaluation import retention_kept
from clv_engine.imports import ImportFileError
from clv_engine.imports.stage import read_sample
from ui.queries.values import cached, narrow_values, shared


# -- alloc --
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


# -- evalr --
@cached
def warranty_comparison(
    db: Database, as_of: date, store_ids: tuple[str, ...] | None, params: CLVParams
) -> ev.WarrantyComparison | ev.ProgrammeError:
    """Warranty buyers against non-buyers, or the error that says why there is no comparison
    (no contracts, or no one to compare with): the page says so rather than failing."""
    try:
        return ev.warranty_clv_comparison(db, as_of, list(store_ids) if store_ids else None, params)
    except ev.ProgrammeError as err:
        return err


# The segments of the evaluator's retention panel (values read as text).
RETENTION_SEGMENTS = ("region", "channel", "vehicle_model", "home_store_id")


@shared
def retention_base(
    db: Database, as_of: date, store_ids: tuple[str, ...] | None, params: CLVParams
) -> ev.RetentionBase:
    """The numeric arrays a segment's CLV at another retention reads (one per customer in the
    scope), once per process: not the whole customer frame (names, vehicles), and a slider
    move is arithmetic on them."""
    kept = ev.kept_retention_base(db, as_of, store_ids, params, RETENTION_SEGMENTS)
    if kept is not None:
        return kept
    columns = ("customer_id", *RETENTION_SEGMENTS, "gross_profit", "tenure_years", "recency_days")
    return ev.retention_base(narrow_values(db, as_of, store_ids, params, columns), RETENTION_SEGMENTS)


@cached
def retention_uplift(
    db: Database,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: CLVParams,
    column: str | None,
    value: str | None,
    retention_to: float,
    retention_from: float,
) -> ev.RetentionUplift:
    """``ev.retention_uplift_of`` of :func:`retention_base`, once per input: a rerun of the page
    (another programme input) redoes no arithmetic over every customer."""
    kept = retention_kept.kept_retention_sums(db, as_of, store_ids, params, column, value)
    if kept is not None:  # a few sums per day of absence, added up in DuckDB
        return retention_kept.retention_uplift_of_sums(kept, retention_to, retention_from)
    base = retention_base(db, as_of, store_ids, params)
    return ev.retention_uplift_of(base, column, value, retention_to, retention_from)


@cached
def retention_facts(
    db: Database, as_of: date, store_ids: tuple[str, ...] | None, params: CLVParams
) -> tuple[int, float | None]:
    """The retention panel's customers in scope and the retention their CLV uses: counted in
    DuckDB where the file keeps the date, else of :func:`retention_base`."""
    kept = retention_kept.kept_retention_sums(db, as_of, store_ids, params)
    if kept is not None:
        return kept.customers, kept.retention
    base = retention_base(db, as_of, store_ids, params)
    return base.customers, base.retention


@cached
def retention_labels(
    db: Database, as_of: date, store_ids: tuple[str, ...] | None, params: CLVParams, column: str
) -> tuple[str, ...]:
    """The values a segment column takes in scope (``RetentionBase.labels``)."""
    kept = retention_kept.kept_labels(db, as_of, store_ids, params, column)
    return kept if kept is not None else retention_base(db, as_of, store_ids, params).labels[column]


@cached
def saved_scenarios(db: Database, kind: str) -> pd.DataFrame:
    """The saved scenarios of one page (``scenario_id``, ``name``, ``saved_at``)."""
    return scenarios.list_scenarios(db, kind)


@cached
def saved_evaluation(db: Database, scenario_id: str) -> ev.Evaluation | None:
    """The engine's evaluation of a saved case's programme, as saved; None when the saved
    inputs no longer make a programme."""
    try:
        payload = scenarios.load_scenario(db, scenario_id)
        return ev.evaluate_programme(ev.Programme.from_dict(payload["programme"]))
    except (ValueError, KeyError, TypeError):
        return None
