"""Cached queries of the customer pages: models, churn and segmentation, call lists and
results, group aggregates a store may see, the customer lookup."""

from __future__ import annotations

from datetime import date
from functools import wraps

import pandas as pd
import streamlit as st

from clv_engine import (
    bridge,
    churn,
    clv,
    cohorts,
    contacts,
    kpi,
    lookup,
    results,
    service_due,
    tier_rules,
)
from clv_engine import channels as ch
from clv_engine import complaints as cq
from clv_engine import segmentation as seg
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase, group_database
from ui.charts import FAST_HASH_FUNCS
from ui.queries.values import (
    cached,
    dropout,
    fit_in_scope,
    model_values,
    shared,
)
from wording.channels import cohort_label


# -- models --
@cached(max_entries=8)
def cohort_cube(db: Database, as_of: date, params: LtvParams, stores: tuple | None) -> cohorts.CohortCube:
    """One pass over the orders; every channel and cohort table is summed from it."""
    return cohorts.cohort_cube(db, as_of, params, stores)


@cached(max_entries=16)
def cohort_views(
    db: Database, as_of: date, params: LtvParams, stores: tuple | None, dimension: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The cohort summary, years and mix of one dimension, summed from :func:`cohort_cube`
    (the same arguments): once per input, not on every rerun of the cohort section."""
    cube = cohort_cube(db, as_of, params, stores)
    return (
        cohorts.summary_from_cube(cube, dimension),
        cohorts.years_from_cube(cube, dimension),
        cohorts.mix_from_cube(cube, dimension),
    )


@cached(max_entries=16)
def cohort_section_tables(
    db: Database, as_of: date, params: LtvParams, stores: tuple | None, dimension: str, lang: str
) -> tuple:
    """The channels page's cohort tables of one dimension (:func:`cohort_views`) in ``lang``,
    once per input, not on every run: summary, years and mix with each cohort as its display
    name (``wording.channels.cohort_label``), the cohorts' raw values in the summary's order
    (the heat map's click-through), each cohort's CAC (empty without channel spend), its
    payback year, the retention matrix in the summary's order, and whether there is a CAC."""
    summary, years, mix = cohort_views(db, as_of, params, stores, dimension)
    raw_cohorts = ["" if v is None or pd.isna(v) else str(v) for v in summary["cohort"]]
    if dimension == "channel":
        summary = ch.in_display_order(summary, "cohort")
    # From here on a cohort is its display name: a missing value (NaN) cannot be looked up in a
    # dict or a Series index, its label can.
    for frame in (summary, years, mix):
        frame["cohort"] = [cohort_label(v, dimension, lang) for v in frame["cohort"]]
    cohort_cac = pd.Series(dtype=float)
    overall_cac = channel_cac(db, as_of, None)
    if overall_cac is not None:
        cohort_cac = ch.cohort_cac(mix, cac_by_year(db, as_of), overall_cac)
    payback = cohorts.cohort_payback_year(years, cohort_cac)
    matrix = cohorts.retention_matrix(years)
    matrix = matrix.reindex([c for c in summary["cohort"] if c in matrix.index])
    return summary, years, mix, raw_cohorts, cohort_cac, payback, matrix, overall_cac is not None


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=FAST_HASH_FUNCS)
def budget_shift(base: pd.DataFrame, shift: ch.BudgetShift) -> ch.ShiftResult:
    """ch.shift_budget of a small table, once per base and inputs (an input error is raised,
    not cached)."""
    return ch.shift_budget(base, shift)


@cached
def spec_reconciliation(split: str) -> ch.SpecReconciliation:
    """What the seed's own table gives for its "3.2 → 4.8" (constant: computed once)."""
    return ch.spec_reconciliation(split)


@cached
def channel_cac(db: Database, as_of: date, months: int | None) -> pd.DataFrame | None:
    """Spend, new customers and CAC per channel over ``months`` (None: all); None without spend."""
    return ch.channel_cac(db, as_of, months) if db.table_rows("channel_spend") else None


@cached
def cac_by_year(db: Database, as_of: date) -> pd.DataFrame:
    return ch.cac_by_period(db, as_of, "year")


@cached(max_entries=16)
def channel_ltv(db: Database, as_of: date, params: LtvParams, stores: tuple | None) -> pd.DataFrame:
    """``ch.channel_ltv_from_cube`` of :func:`cohort_cube` (the same arguments): once per input,
    not on every run of the channels page."""
    return ch.channel_ltv_from_cube(cohort_cube(db, as_of, params, stores))


@cached(max_entries=16)
def channel_table(
    db: Database, as_of: date, params: LtvParams, stores: tuple | None, months: int | None
) -> pd.DataFrame:
    """:func:`channel_ltv` beside :func:`channel_cac` over ``months`` (``ch.combine_channel_table``)."""
    return ch.combine_channel_table(channel_ltv(db, as_of, params, stores), channel_cac(db, as_of, months))


def _copied(func):
    """A @shared query whose callers each get a copy-on-write copy of the one shared frame."""
    return wraps(func)(lambda *args, **kwargs: func(*args, **kwargs).copy(deep=False))


# -- churnseg --
@_copied
@shared
def churn_signals(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """The churn signals of every customer in the scope (clv_engine.churn.churn_signals)."""
    return churn.churn_signals(db, as_of, stores)


# Above this many rows (a download's, read once on its click) the details are not cached.
DETAIL_CACHE_ROWS = 1_000


@cached
def _call_details_of(
    db: Database, as_of: date, customer_ids: tuple[str, ...], last_visit: bool = True
) -> pd.DataFrame:
    return churn.call_details(db, as_of, customer_ids, last_visit)


def call_details(db: Database, as_of: date, customer_ids, last_visit: bool = True) -> pd.DataFrame:
    """Name, phone, last visit, vehicle, store and owner of these customers only (the rows a
    page draws, a download's rows), read in SQL (churn.call_details; none outside a scope's
    stores). ``last_visit=False``: without it (the churn page has it in the signals)."""
    ids = tuple(str(c) for c in customer_ids)
    if len(ids) > DETAIL_CACHE_ROWS:
        return churn.call_details(db, as_of, ids, last_visit)
    return _call_details_of(db, as_of, ids, last_visit)


@_copied
@shared
def churn_base(db: Database, as_of: date, stores, params: clv.CLVParams, model: str) -> pd.DataFrame:
    """The signals with the CLV, P(alive) and tier the list ranks on, joined once (churn.list_base),
    narrow (the call details are read for the rows drawn); ONE table when the file keeps it
    (churn.kept_base). ``attrs["values_empty"]``: no customer values (the page says so)."""
    kept = churn.kept_base(db, as_of, stores, params, model)
    if kept is not None:
        kept.attrs["values_empty"] = False  # kept only when there are values
        return kept
    values = model_values(db, as_of, stores, params, model)
    frame = churn.list_base(
        churn_signals(db, as_of, stores),
        values,
        rfml_tiers(db, as_of, stores),
        value_columns=churn.NARROW_VALUE_COLUMNS,
    )
    frame.attrs["values_empty"] = values.empty
    return frame


@_copied
@shared(max_entries=2)
def churn_scored(
    db: Database, as_of: date, stores, params: clv.CLVParams, model: str, weights, levels
) -> pd.DataFrame:
    """churn.score_risk of :func:`churn_base`, kept per process for the last two settings (a
    filter, the capacity, a toggle does not score again); an input error is raised, not kept.
    Without the contributions (churn.with_signals makes them for the rows drawn)."""
    return churn.score_risk(
        churn_base(db, as_of, stores, params, model), weights, levels, contributions=False
    )


@_copied
@shared(max_entries=2)
def churn_ranking(
    db: Database,
    as_of: date,
    stores,
    params: clv.CLVParams,
    model: str,
    weights,
    levels,
    method: str,
    actions: tuple,
) -> pd.DataFrame:
    """The churn page's whole list: :func:`churn_scored` ranked narrow by the expected value of
    ``actions`` (churn.call_list, P(churn) by ``method``, calibrated on the group), who calls and
    when; its ``row`` points into :func:`churn_scored`'s rows. Kept like it."""
    scored = churn_scored(db, as_of, stores, params, model, weights, levels)
    calibration = group_churn_calibration(db, as_of, weights, levels)  # a group figure
    ranked = churn.call_list(scored, None, method, calibration, list(actions), narrow=True)
    return churn.add_call_details(ranked, None, as_of)


@cached(max_entries=16)
def drawn_call_list(
    db: Database,
    as_of: date,
    stores,
    params: clv.CLVParams,
    model: str,
    weights: tuple,
    levels: churn.RiskLevels,
    head: pd.DataFrame,
    lang: str,
    _build,
) -> pd.DataFrame:
    """The table of the call list's first rows as the churn page draws it: ``_build()`` (the
    rows' facts, reasons and call details, in words; not hashed) once per data version and
    scope, CLV inputs, effective ``weights`` and ``levels`` (what the rows' facts and
    contributions come from), the rows drawn (``head``, hashed: their ranks and figures) and
    language; a rerun or another session drawing the same rows reads it back."""
    return _build()


@_copied
@shared(max_entries=2)
def issue_ranking(db: Database, as_of: date, stores, params: clv.CLVParams, model: str) -> pd.DataFrame:
    """The churn ranking a new list is issued from (results page): default weights and levels,
    the interventions in use, P(churn) calibrated when it can be, the scope's customers where
    acting pays; narrow (churn.call_list); ``attrs["method"]``. Once per data version: the
    page's reruns only take its head."""
    scored = churn.score_risk(churn_base(db, as_of, stores, params, model))
    calibration = group_churn_calibration(db, as_of)  # a group figure
    method = "calibrated" if calibration is not None else "score"
    ranked = churn.call_list(scored, None, method, calibration, interventions_in_use(db), narrow=True)
    return churn.with_ids(churn.filter_list(ranked, stores, paying_only=True), scored)  # ids: issued


@cached
def success_evidence(db: Database, typed: tuple[tuple[str, float], ...]) -> list:
    return results.success_evidence(db, dict(typed))


@cached
def churn_dropout(db: Database, as_of: date):
    """:func:`dropout` (whether the fit tells customers who left apart, None without a fit)
    from the P(alive) kept with the derived tables: the churn page's first render does not
    read the model's million-row summary for one share (churn.kept_dropout)."""
    model = fit_in_scope(db, as_of)
    if isinstance(model, dict):
        return None
    params = model.visits.params
    found = churn.kept_dropout(db, as_of, params.a, params.b)
    return found if found is not None else dropout(db, as_of)


@cached
def interventions_in_use(db: Database) -> list[churn.Intervention]:
    """churn.interventions_in_use, cached: what lookup and a newly issued list rank with."""
    return churn.interventions_in_use(db)


def rfml_tiers(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """customer_id and RFM+L tier id (default rules), segmentation's scoring with only these
    two columns read (churn.rfml_tiers); called by the shared churn base, once per data version."""
    return churn.rfml_tiers(db, as_of, stores)


@cached
def service_lists(db, as_of: date, store_ids, rules: service_due.ServiceRules, shown: int):
    """(the services due: their first ``shown`` rows and totals, the warranty offers: their
    first ``shown`` rows and how many) in the scope."""
    return service_due.service_due_first(
        db, as_of, store_ids, rules, shown
    ), service_due.warranty_offers_first(db, as_of, store_ids, rules, shown)


def warranty_offers_all(db, as_of: date, store_ids, rules: service_due.ServiceRules):
    """Every warranty offer (a download, built when clicked: not kept)."""
    return service_due.warranty_offers(db, as_of, store_ids, rules)


def service_due_all(db, as_of: date, store_ids, rules: service_due.ServiceRules):
    """Every service due (a download, built when clicked: not kept)."""
    return service_due.service_due(db, as_of, store_ids, rules)


@cached
def tier_changes(db, as_of: date, store_ids, rules: tier_rules.TierRules) -> pd.DataFrame:
    return tier_rules.with_contact(tier_rules.tier_changes_due(db, as_of, store_ids, rules), db)


@cached
def complaint_lists(db, as_of: date, store_ids, rules: cq.ClockRules, shown: int):
    """(counts, the first ``shown`` open complaints, the first ``shown`` breaches, the breach
    rate by store). Counts: ``complaints`` and ``all_timed`` of every complaint, ``open``,
    ``overdue`` (open past the deadline) and ``breaches``. The whole lists: complaint_lists_all."""
    # with its lists: once per rules; the complaints the lists read (open, or in the window)
    clock = cq.complaint_clock(db, as_of, store_ids, rules, relevant_only=True)
    open_, late = cq.open_complaints(clock), cq.breaches(clock, as_of, rules)
    counts = {
        "complaints": int(clock.attrs["complaints"]),
        "all_timed": bool(clock.attrs["all_timed"]),
        "open": len(open_),
        "overdue": int((open_["hours_left"] < 0).sum()),
        "breaches": len(late),
    }
    return counts, open_.head(shown), late.head(shown), cq.breach_rate_by_store(clock, as_of, rules)


def complaint_lists_all(
    db, as_of: date, store_ids, rules: cq.ClockRules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every open complaint and every breach (a download, built when clicked: not kept)."""
    clock = cq.complaint_clock(db, as_of, store_ids, rules, relevant_only=True)
    return cq.open_complaints(clock), cq.breaches(clock, as_of, rules)


# -- uikit --


@cached
def call_lists(db: Database) -> pd.DataFrame:
    """The issued call lists, newest first."""
    return contacts.list_call_lists(db)


@_copied
@shared(max_entries=2)
def list_members(db: Database, list_id: str) -> pd.DataFrame:
    """Every member of a list with their latest contact (a hundred thousand rows at a million
    customers): kept once per process, not unpickled on each rerun of a tab that reads it."""
    return contacts.list_members(db, list_id)


@cached
def treated_head(db: Database, list_id: str, limit: int) -> pd.DataFrame:
    """The first ``limit`` treated members of a list with their latest contact (the rows the
    results page's table edits), without reading every member."""
    return results.treated_head(db, list_id, limit)


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
    return churn.calibrate_groups(_group_churn_backtest(group_database(db), as_of), weights, levels)


@shared
def _group_churn_backtest(db: Database, as_of: date) -> pd.DataFrame:
    """The signals a year before ``as_of`` of every customer of the group, with what happened
    since, kept apart so new weights only recalibrate. Read by group_churn_calibration only,
    counted per distinct set of signals (churn.backtest_groups: a calibration reads the
    signals and the outcome, and the stored one is counted in DuckDB)."""
    return churn.backtest_groups(db, as_of)


# The KPI page's months (3 to 24) are cut from one of these spans, computed in one pass each:
# moving the slider within 12 months, or within 13 to 24 once that span is there, computes nothing.
KPI_SPANS = (12, 24)


@cached(max_entries=8)
def _store_kpis_span(
    db: Database | ScopedDatabase, as_of: date, span: int, params: clv.CLVParams
) -> pd.DataFrame:
    """Raw KPIs of every store of the group on the ``span`` month ends to ``as_of`` and on the
    dates the headlines compare with (a year and a quarter before), in one pass."""
    dates = set(kpi.month_ends(as_of, span)) | {bridge.comparison_date(as_of, p) for p in bridge.PERIODS}
    shorter = [s for s in KPI_SPANS if s < span]
    # A longer span values only the dates the shorter one (already there, or wanted anyway) lacks.
    known = _store_kpis_span(db, as_of, shorter[-1], params) if shorter else None
    return kpi.raw_kpis(group_database(db), sorted(dates), params, known=known)


def group_store_kpis(
    db: Database | ScopedDatabase, as_of: date, months: int, params: clv.CLVParams, on: date | None = None
) -> pd.DataFrame:
    """Raw KPIs of every store of the group, one row per store and month end (no customer);
    with ``on`` (a date the headlines compare with), the rows of that date only."""
    span = next((s for s in KPI_SPANS if months <= s), months)
    raw = _store_kpis_span(db, as_of, span, params)
    if on is not None and on in set(raw["as_of"]):
        return raw[raw["as_of"] == on].reset_index(drop=True)
    if on is not None:  # not one of the comparison dates: on its own
        return kpi.raw_kpis(group_database(db), [on], params)
    keep = set(kpi.month_ends(as_of, months))
    return raw[raw["as_of"].isin(keep)].reset_index(drop=True)


@cached(max_entries=16)
def kpi_scorecard(
    db: Database | ScopedDatabase,
    as_of: date,
    months: int,
    params: clv.CLVParams,
    weights: kpi.KpiWeights,
    on: date | None = None,
) -> tuple[pd.DataFrame, kpi.Scorecard]:
    """:func:`group_store_kpis` (the same arguments) and its ``kpi.score`` with ``weights``:
    once per input, not on every run of the KPI page (the scoring was most of a warm run)."""
    raw = group_store_kpis(db, as_of, months, params, on=on)
    return raw, kpi.score(raw, weights)


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
def lookup_values(
    db: Database | ScopedDatabase,
    customer_id: str,
    as_of: date,
    params: clv.CLVParams,
    model: str,
    depth: int,
) -> tuple[pd.DataFrame, lookup.Network, str]:
    """(the customer's row of the values, their referral network, the values' model) over
    every store the reader may see (a referred friend may belong to another of them): picked
    from the shared frame once per customer, not on every rerun of the page."""
    kept = lookup.kept_customer(db, customer_id, as_of, params, model, depth)
    if kept is not None:  # the kept tables: this customer's and their network's rows only
        return kept
    values = model_values(db, as_of, None, params, model)
    mine = values[values["customer_id"] == customer_id]
    network = lookup.referral_network(db, customer_id, as_of, values, depth)
    return mine, network, values.attrs.get("model", "historical")


@cached
def lookup_customer(db: Database | ScopedDatabase, customer_id: str, as_of: date):
    """Record, service by year, every order and the complaints of one customer."""
    return (
        lookup.customer_record(db, customer_id),
        lookup.service_by_year(db, customer_id, as_of),
        lookup.service_history(db, customer_id, as_of),
        lookup.customer_complaints(db, customer_id, as_of),
    )
