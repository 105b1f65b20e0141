"""Every cached Streamlit query of the app, in one place (st.cache_data / st.cache_resource).
First the shared data path every page stands on (reader, caching decorators, customer values,
fitted model, predictions); then a section per area."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import wraps

import pandas as pd
import streamlit as st

from clv_engine import allocation as al
from clv_engine import channels as ch
from clv_engine import (
    churn,
    clv,
    cohorts,
    contacts,
    kpi,
    lookup,
    predictive,
    results,
    scenarios,
    service_due,
    tier_rules,
)
from clv_engine import complaints as cq
from clv_engine import evaluation as ev
from clv_engine import segmentation as seg
from clv_engine.clv import CLVParams
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database, read_settings
from clv_engine.imports import ImportFileError
from clv_engine.imports.stage import read_sample
from clv_engine.models import FitError
from clv_engine.predictive import (
    HoldoutCheck,
    customer_predictions,
    fit_predictive_model,
    holdout_check,
    p_alive_drops,
)
from clv_engine.scope import ScopedDatabase, group_database, in_scope, scope_of


# -- the shared data path --
@st.cache_resource(show_spinner=False)
def shared_reader(path: str) -> Database:
    return Database(path)


def _hash_db(db: Database | ScopedDatabase) -> tuple:
    return db.version()  # a scoped database's version includes its stores


_HASH_FUNCS = {Database: _hash_db, ScopedDatabase: _hash_db}


# Keyed by the database's version: an import or any write invalidates the old data's results.
def cached(func=None, *, max_entries: int = 32):
    """Small results (a table per store, a chart's data): st.cache_data, a copy per call."""

    def wrap(f):
        return st.cache_data(show_spinner=False, max_entries=max_entries, hash_funcs=_HASH_FUNCS)(f)

    return wrap(func) if func is not None else wrap


SHARED_TTL = "1h"


def shared(func=None, *, max_entries: int = 3):
    """Big results (a row per customer, a fitted model), keyed like :func:`cached` but kept
    ONCE per process (st.cache_resource: no pickling, one copy for every session). Never change
    what it returns: the accessors hand out ``frame.copy(deep=False)``, which pandas'
    copy-on-write makes safe to change (a new or overwritten column stays in the copy)."""

    def wrap(f):
        # An hour unused, and the memory goes back (a million rows is hundreds of MB).
        return st.cache_resource(
            show_spinner=False, max_entries=max_entries, ttl=SHARED_TTL, hash_funcs=_HASH_FUNCS
        )(f)

    return wrap(func) if func is not None else wrap


@shared
def _customer_values(
    db: Database | ScopedDatabase, as_of: date, store_ids: tuple[str, ...] | None, params: clv.CLVParams
) -> pd.DataFrame:
    """Per-customer values of the customers ``db`` holds, cut to ``store_ids`` (() is none).

    Retention and return rates are GROUP figures, measured on every customer (a customer's CLV
    does not depend on who looks), so a scoped database computes on the group's and keeps the
    rows of its own customers only (``in_scope`` asks the scoped database which they are).
    """
    if store_ids == ():
        store_ids = ("",)  # no store is called "": no row, never "every store"
    group = group_database(db)
    wanted = scope_of(db) if store_ids is None else store_ids
    values = clv.customer_values(group, as_of, None if wanted is None else list(wanted), params)
    return in_scope(db, values)


def historical_values(
    db: Database | ScopedDatabase, as_of: date, store_ids: tuple[str, ...] | None, params: clv.CLVParams
) -> pd.DataFrame:
    """``clv.customer_values`` (historical CLV) in a scope, from the shared frame: a cheap
    copy-on-write copy for a query of ui/queries.py that needs the per-customer values
    without the sidebar's model choice (rather than a second 1M-row st.cache_data copy)."""
    return _customer_values(db, as_of, store_ids, params).copy(deep=False)


def fit_failure(error: FitError) -> dict:
    """A failed fit as its parts (code and details): pages tell a failure from a model by type,
    and wording.predictive.fit_error_text words it."""
    return {"reason": error.reason, "details": error.details}


@shared(max_entries=2)
def _group_fit(db: Database, as_of: date):
    try:
        return fit_predictive_model(db, as_of)
    except FitError as error:
        return fit_failure(error)


@shared(max_entries=4)
def fit_in_scope(db: Database | ScopedDatabase, as_of: date):
    model = _group_fit(group_database(db), as_of)
    if isinstance(model, dict) or scope_of(db) is None:
        return model
    return replace(model, summary=in_scope(db, model.summary).reset_index(drop=True))


def fitted_model(db: Database | ScopedDatabase, as_of: date):
    """The BG/NBD + Gamma-Gamma fit on every customer to ``as_of`` (one per database and
    date), or a failure dict. A GROUP model (the model page says so in a store scope): a scoped
    database gets the group's parameters with the customer summary cut to its own customers."""
    model = fit_in_scope(db, as_of)
    if isinstance(model, dict):
        return dict(model)
    return replace(model, summary=model.summary.copy(deep=False))


@shared
def _predictions(db: Database, as_of: date, horizon_years: int, discount_rate: float) -> pd.DataFrame | dict:
    model = fit_in_scope(db, as_of)
    if isinstance(model, dict):
        return model
    return customer_predictions(model, horizon_years, discount_rate)


def predictions(db: Database, as_of: date, horizon_years: int, discount_rate: float) -> pd.DataFrame | dict:
    """Predictive CLV per customer, or the failure dict of the fit."""
    result = _predictions(db, as_of, horizon_years, discount_rate)
    return dict(result) if isinstance(result, dict) else result.copy(deep=False)


@shared
def model_values(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> pd.DataFrame:
    """The customer values with the chosen model's CLV attached: merged ONCE per (data
    version, scope, as-of date, parameters, model), not on every rerun of every page."""
    values = _customer_values(db, as_of, store_ids, params)
    predicted = None
    if model == "predictive":
        fitted = _predictions(db, as_of, params.horizon_years, params.discount_rate)
        predicted = fitted if isinstance(fitted, pd.DataFrame) else None
    return predictive.values_for_model(values, model, predicted)


@cached
def dropout(db: Database, as_of: date):
    """Whether the shared fit can tell customers who left apart (clv_engine.status.DropoutCheck),
    or None without a fit."""
    model = fit_in_scope(db, as_of)
    return None if isinstance(model, dict) else model.dropout()


@cached
def data_end(db: Database) -> date | None:
    return db.query_value("SELECT max(order_date) FROM orders")


@cached
def settings_of(db: Database) -> dict[str, str]:
    return read_settings(db)


@cached
def store_list(db: Database) -> pd.DataFrame:
    return db.query_df("SELECT store_id, name, region, city FROM stores ORDER BY store_id")


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


# -- models --
@cached(max_entries=8)
def cohort_cube(db: Database, as_of: date, params: LtvParams, stores: tuple | None) -> cohorts.CohortCube:
    """One pass over the orders; every channel and cohort table is summed from it."""
    return cohorts.cohort_cube(db, as_of, params, stores)


@cached
def channel_cac(db: Database, as_of: date, months: int | None) -> pd.DataFrame | None:
    """Spend, new customers and CAC per channel over ``months`` (None: all); None without spend."""
    return ch.channel_cac(db, as_of, months) if db.table_rows("channel_spend") else None


@cached
def cac_by_year(db: Database, as_of: date) -> pd.DataFrame:
    return ch.cac_by_period(db, as_of, "year")


@cached
def customers_with_orders(db: Database, as_of: date) -> int:
    sql = "SELECT count(DISTINCT customer_id) FROM orders WHERE order_date <= ?"
    return int(db.query_value(sql, [as_of]))


@cached
def holdout(db: Database, calibration_end: date, as_of: date) -> HoldoutCheck | dict:
    """The holdout check, or the failure dict of its fit."""
    try:
        return holdout_check(db, calibration_end, as_of)
    except FitError as error:
        return fit_failure(error)


def _copied(func):
    """A @shared query whose callers each get a copy-on-write copy of the one shared frame."""
    return wraps(func)(lambda *args, **kwargs: func(*args, **kwargs).copy(deep=False))


@_copied
@shared
def alive_drops(db: Database, as_of: date, lookback_days: int) -> pd.DataFrame:
    """Every customer's P(alive) now and ``lookback_days`` ago, by the shared fit."""
    return p_alive_drops(db, fitted_model(db, as_of), lookback_days, top=None)


# -- churnseg --
@_copied
@shared
def churn_signals(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """The churn signals of every customer in the scope (clv_engine.churn.churn_signals)."""
    return churn.churn_signals(db, as_of, stores)


@_copied
@shared
def call_details(db: Database, as_of: date) -> pd.DataFrame:
    return churn.call_details(db, as_of)


@_copied
@shared
def churn_base(db: Database, as_of: date, stores, params: clv.CLVParams, model: str) -> pd.DataFrame:
    """The signals with the values, tier and call details the list shows, joined once (churn.list_base)."""
    values = model_values(db, as_of, stores, params, model)
    details = call_details(db, as_of)
    return churn.list_base(churn_signals(db, as_of, stores), values, rfml_tiers(db, as_of, stores), details)


@cached
def success_evidence(db: Database, typed: tuple[tuple[str, float], ...]) -> list:
    return results.success_evidence(db, dict(typed))


@cached
def interventions_in_use(db: Database) -> list[churn.Intervention]:
    """churn.interventions_in_use, cached: what lookup and a newly issued list rank with."""
    return churn.interventions_in_use(db)


# Scoring SQL once per (data, scope, date), other rules are arithmetic on it (seg.rescore).
@shared
def _seg_scores(db: Database, as_of: date, store_ids) -> pd.DataFrame:
    return seg.score_customers(db, as_of, list(store_ids) if store_ids else None)


@shared
def _seg_base(db: Database, as_of: date, store_ids, params: clv.CLVParams) -> pd.DataFrame:
    return seg.with_values(_seg_scores(db, as_of, store_ids), _customer_values(db, as_of, store_ids, params))


@shared(max_entries=4)
def _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params) -> pd.DataFrame:
    frame = seg.rescore(_seg_base(db, as_of, store_ids, params), rules)
    return seg.six_groups(frame, six_rules) if scheme == "six" else frame


def rfml_tiers(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """customer_id and RFM+L tier id (default rules), from the shared scores."""
    return _seg_scores(db, as_of, stores)[["customer_id", "tier"]]


@cached
def _seg_breakdowns(db, as_of, store_ids, scheme, rules, six_rules, params):
    frame = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params)
    return (
        seg.tier_breakdown(frame, scheme),
        seg.tier_breakdown(frame, scheme, by=["home_store_id"]),
        seg.tier_breakdown(frame, scheme, by=["region"]),
    )


def seg_analysis(db, as_of, store_ids, scheme, rules, six_rules, params):
    """(customers with scores, CLV and tier or group; breakdown; by store; by region)."""
    frame = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params).copy(deep=False)
    return (frame, *_seg_breakdowns(db, as_of, store_ids, scheme, rules, six_rules, params))


@shared(max_entries=2)
def seg_migration(db, date_a, as_of, store_ids, scheme, rules, six_rules, params) -> seg.Migration:
    """Who moved between tiers (shared: never changed by callers), both dates as the page scores."""
    now = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params)
    then = _seg_frame(db, date_a, store_ids, scheme, rules, six_rules, params)
    return seg.migration_between(then, now, scheme, date_a, as_of)


@cached
def first_order_date(db) -> date | None:
    return db.query_value("SELECT min(order_date) FROM orders")


@cached
def missing_flag_tables(db) -> list[str]:
    return seg.missing_flag_tables(db)


@cached
def service_lists(db, as_of: date, store_ids, rules: service_due.ServiceRules):
    """(services due, warranty offers) in the scope."""
    return service_due.service_due(db, as_of, store_ids, rules), service_due.warranty_offers(
        db, as_of, store_ids, rules
    )


@cached
def tier_changes(db, as_of: date, store_ids, rules: tier_rules.TierRules) -> pd.DataFrame:
    return tier_rules.with_contact(tier_rules.tier_changes_due(db, as_of, store_ids, rules), db)


@cached
def complaint_lists(db, as_of: date, store_ids, rules: cq.ClockRules) -> tuple[pd.DataFrame, ...]:
    clock = cq.complaint_clock(db, as_of, store_ids, rules)  # with its lists: once per rules
    late = cq.breaches(clock, as_of, rules)
    return clock, cq.open_complaints(clock), late, cq.breach_rate_by_store(clock, as_of, rules)


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


# -- uikit --


@cached
def call_lists(db: Database) -> pd.DataFrame:
    """The issued call lists, newest first."""
    return contacts.list_call_lists(db)


@cached
def list_members(db: Database, list_id: str) -> pd.DataFrame:
    return contacts.list_members(db, list_id)


@cached
def list_results(db: Database, list_ids: tuple[str, ...]) -> pd.DataFrame:
    """Treated against control per risk level, for one list or several pooled."""
    return results.results(db, list(list_ids))


# -- scope --
# GROUP aggregates: figures over every store's customers that a store manager may see, named
# "group" where a page shows them. Each returns an aggregate, never a customer row; nothing
# else reads the unscoped database behind a scoped one (clv_engine/scope.py: group_database).
@cached
def group_churn_calibration(
    db: Database | ScopedDatabase,
    as_of: date,
    weights: churn.RiskWeights = churn.RiskWeights(),
    levels: churn.RiskLevels = churn.RiskLevels(),
) -> churn.Calibration | None:
    """P(churn) by score band, calibrated on the backtest of every customer of the group (so a
    customer's P(churn) is the same whoever looks; see churn.calibrate)."""
    return churn.calibrate(_group_churn_backtest(group_database(db), as_of), weights, levels)


@shared
def _group_churn_backtest(db: Database, as_of: date) -> pd.DataFrame:
    """The signals a year before ``as_of`` of every customer of the group, with what happened
    since, kept apart so new weights only recalibrate. Read by group_churn_calibration only."""
    return churn.backtest_signals(db, as_of, None)


@cached
def group_store_kpis(
    db: Database | ScopedDatabase, as_of: date, months: int, params: clv.CLVParams
) -> pd.DataFrame:
    """Raw KPIs of every store of the group, one row per store and month end (no customer)."""
    return kpi.raw_kpis(group_database(db), kpi.month_ends(as_of, months), params)


# The customer lookup's reads (app_pages/lookup.py), on the reader's (scoped) database.
@cached
def lookup_find(db, query: str, stores: tuple[str, ...] | None, limit: int) -> pd.DataFrame:
    return lookup.find_customers(db, query, stores, limit)


@cached
def lookup_scores(db: Database | ScopedDatabase, customer_id: str, as_of: date):
    """(RFM+L scores, churn risk, group calibration) of ONE customer, default rules: the rows the
    segmentation and churn pages compute for everyone (empty when not in the scope)."""
    scored = churn.score_risk(churn.churn_signals(db, as_of, customer_id=customer_id))
    return seg.score_customers(db, as_of, customer_id=customer_id), scored, group_churn_calibration(db, as_of)


@cached
def lookup_customer(db: Database | ScopedDatabase, customer_id: str, as_of: date):
    """Record, service by year, every order and the complaints of one customer."""
    return (
        lookup.customer_record(db, customer_id),
        lookup.service_by_year(db, customer_id, as_of),
        lookup.service_history(db, customer_id, as_of),
        lookup.customer_complaints(db, customer_id, as_of),
    )
