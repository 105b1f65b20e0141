"""The shared data path every page stands on: the reader, the caching decorators, customer
values, the fitted model, predictions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from clv_engine import (
    bridge,
    clv,
    overview,
    predictive,
    status,
)
from clv_engine.db import Database, read_settings
from clv_engine.derived import store as derived
from clv_engine.models import FitError
from clv_engine.predictive import (
    customer_predictions,
    fit_predictive_model,
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


def wanted_stores(db: Database | ScopedDatabase, store_ids: tuple[str, ...] | None) -> list[str] | None:
    """The stores to read on the GROUP's database for ``db`` and the stores asked: those asked
    (() is none: the store "", which no store is called: no row, never "every store"), else
    the scope's, else None (every store). The rows read are then cut to ``db``'s own customers
    (``in_scope``)."""
    if store_ids == ():
        return [""]
    wanted = scope_of(db) if store_ids is None else store_ids
    return None if wanted is None else list(wanted)


@shared
def _customer_values(
    db: Database | ScopedDatabase, as_of: date, store_ids: tuple[str, ...] | None, params: clv.CLVParams
) -> pd.DataFrame:
    """Per-customer values of the customers ``db`` holds, cut to ``store_ids`` (() is none).

    Retention and return rates are GROUP figures, measured on every customer (a customer's CLV
    does not depend on who looks), so a scoped database computes on the group's and keeps the
    rows of its own customers only (``in_scope`` asks the scoped database which they are).
    """
    values = clv.customer_values(group_database(db), as_of, wanted_stores(db, store_ids), params)
    return in_scope(db, values)


def historical_values(
    db: Database | ScopedDatabase, as_of: date, store_ids: tuple[str, ...] | None, params: clv.CLVParams
) -> pd.DataFrame:
    """``clv.customer_values`` (historical CLV) in a scope, from the shared frame: a cheap
    copy-on-write copy for a query of ui/queries/ that needs the per-customer values
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
    # The scope's customers of the summary, cut when a page first needs them (not to tell the
    # sidebar whether there is a fit).
    return model.with_summary(lambda summary: in_scope(db, summary).reset_index(drop=True))


def fitted_model(db: Database | ScopedDatabase, as_of: date):
    """The BG/NBD + Gamma-Gamma fit on every customer to ``as_of`` (one per database and
    date), or a failure dict. A GROUP model (the model page says so in a store scope): a scoped
    database gets the group's parameters with the customer summary cut to its own customers."""
    model = fit_in_scope(db, as_of)
    if isinstance(model, dict):
        return dict(model)
    return model.with_summary(lambda summary: summary.copy(deep=False))


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
    kept = _kept_with_predictions(db, as_of, store_ids, params, model, None)
    if kept is not None:
        return kept
    values = _customer_values(db, as_of, store_ids, params)
    return _with_model(db, values, as_of, store_ids, params, model)


# What the overview's headline and the CLV bridge read of the earlier date's frame.
COMPARISON_COLUMNS = (
    "customer_id",
    "home_store_id",
    "recency_days",
    "gross_profit",
    "gp_12m",
    "tenure_years",
)


@shared(max_entries=4)
def comparison_values(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> pd.DataFrame:
    """:func:`model_values` with the columns of ``COMPARISON_COLUMNS`` only (and status and
    CLV): the earlier date of a comparison, a narrower read than the whole frame."""
    kept = _kept_with_predictions(db, as_of, store_ids, params, model, COMPARISON_COLUMNS)
    if kept is not None:
        return kept
    values = clv.customer_values(
        group_database(db), as_of, wanted_stores(db, store_ids), params, columns=COMPARISON_COLUMNS
    )
    return _with_model(db, in_scope(db, values), as_of, store_ids, params, model)


def _kept_with_predictions(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
    columns: tuple[str, ...] | None,
) -> pd.DataFrame | None:
    """:func:`_with_model` of the customer values when ``derived_values`` keeps this date's
    predictions at these parameters: the values and the predictive columns read in ONE pass
    over the table (the same rows: one query), not a second read of ten million ids and a
    check that they line up. The same frame, columns and order; None when not kept."""
    if model != "predictive":
        return None
    group = group_database(db)
    if not derived.predictions_kept(group, as_of, params.horizon_years, params.discount_rate):
        return None
    picked = list(columns) if columns is not None else derived.value_columns(group)
    both = clv.customer_values(
        group, as_of, wanted_stores(db, store_ids), params, columns=[*picked, *derived.PREDICTED]
    )
    both = in_scope(db, both)
    if columns is None:  # the table's order, as the whole frame is read without columns
        both = both[[*picked, *(c for c in both.columns if c not in picked)]]
    predicted = pd.DataFrame({"customer_id": both["customer_id"].array})
    for column in derived.PREDICTED:
        predicted[column] = both[column].to_numpy()
    values = both.drop(columns=list(derived.PREDICTED))
    values.attrs = dict(both.attrs)
    return predictive.values_for_model(values, model, predicted)


def _with_model(
    db: Database | ScopedDatabase,
    values: pd.DataFrame,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> pd.DataFrame:
    predicted = None
    if model == "predictive":
        # Kept in the file for this date at the sidebar's default horizon and discount rate
        # (clv_engine.derived): read in the values' own rows and order, no fit, no merge.
        predicted = _stored_predictions(db, as_of, store_ids, params)
        if predicted is None:
            fitted = _predictions(db, as_of, params.horizon_years, params.discount_rate)
            predicted = fitted if isinstance(fitted, pd.DataFrame) else None
    return predictive.values_for_model(values, model, predicted)


def _stored_predictions(
    db: Database | ScopedDatabase, as_of: date, store_ids: tuple[str, ...] | None, params: clv.CLVParams
) -> pd.DataFrame | None:
    """The predictions kept in the file, cut like ``_customer_values`` (group rows, then the
    scope's customers), or None."""
    found = predictive.stored_predictions(
        group_database(db), as_of, wanted_stores(db, store_ids), params.horizon_years, params.discount_rate
    )
    return None if found is None else in_scope(db, found)


@cached
def headline(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
    narrow: bool = False,
) -> overview.Headline | None:
    """The overview's headline of :func:`model_values` (``narrow``: of
    :func:`comparison_values`, None when it has no customer): once per data and inputs, not on
    every rerun (the statuses of a million customers)."""
    frame = (comparison_values if narrow else model_values)(db, as_of, store_ids, params, model)
    return None if narrow and frame.empty else overview.headline(frame)


@cached
def clv_bridge(
    db: Database | ScopedDatabase,
    since: date,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> bridge.Bridge:
    """The CLV bridge from ``since`` to ``as_of`` (a join of two million-row frames in DuckDB),
    once per data and inputs."""
    before = comparison_values(db, since, store_ids, params, model)
    return bridge.bridge(before, comparison_values(db, as_of, store_ids, params, model), since, as_of)


@cached
def fitted_active_share(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> float | None:
    """The share of the fitted customers (of ``store_ids``) whose status is active (the model
    page, beside P(alive)): a semi-join of a million ids, once per data and inputs."""
    found = _predictions(db, as_of, params.horizon_years, params.discount_rate)
    if isinstance(found, dict):
        return None
    if store_ids:
        found = found[found["home_store_id"].isin(store_ids)]
    return status.active_share(found["customer_id"], comparison_values(db, as_of, store_ids, params, model))


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


def narrow_values(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """``clv.customer_values`` (historical CLV) in a scope, ``columns`` only (and the CLV
    inputs), cut like :func:`_customer_values`: a narrow read, not kept (a query of ui/queries/
    keeps what it derives from it)."""
    values = clv.customer_values(
        group_database(db), as_of, wanted_stores(db, store_ids), params, columns=columns
    )
    return in_scope(db, values)


# -- the overview: numbers per customer where the file keeps them --
@shared(max_entries=4)
def overview_values(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> pd.DataFrame:
    """:func:`comparison_values`' figures for the overview: read as numbers only
    (``overview.kept_values``: ids are the integer ``cust_key``) where ``derived_values`` keeps
    the date, else :func:`comparison_values` itself."""
    kept = overview.kept_values(db, as_of, store_ids, params, model)
    return kept if kept is not None else comparison_values(db, as_of, store_ids, params, model)


@cached
def overview_headline(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> overview.Headline | None:
    """``headline(..., narrow=True)`` of :func:`overview_values`: None without customers."""
    frame = overview_values(db, as_of, store_ids, params, model)
    return None if frame.empty else overview.headline(frame)


@cached
def overview_bridge(
    db: Database | ScopedDatabase,
    since: date,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> bridge.Bridge:
    """:func:`clv_bridge` of :func:`overview_values`' frames (joined on the integer key when
    both dates are kept; one kept and one not: the text ids of :func:`clv_bridge`)."""
    before = overview_values(db, since, store_ids, params, model)
    after = overview_values(db, as_of, store_ids, params, model)
    if pd.api.types.is_integer_dtype(before["customer_id"]) != pd.api.types.is_integer_dtype(
        after["customer_id"]
    ):
        return clv_bridge(db, since, as_of, store_ids, params, model)
    if pd.api.types.is_integer_dtype(after["customer_id"]):
        return overview.kept_bridge(before, after, since, as_of)
    return bridge.bridge(before, after, since, as_of)
