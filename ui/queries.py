"""Cached Streamlit queries (``st.cache_data`` wrappers of engine calls), one module.

Each helper's functions sit under its own section comment.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from clv_engine import churn, clv, kpi, lookup
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase, group_database
from ui.context import cached


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
    return churn.calibrate(churn.backtest_signals(group_database(db), as_of, None), weights, levels)


@cached
def group_store_kpis(
    db: Database | ScopedDatabase, as_of: date, months: int, params: clv.CLVParams
) -> pd.DataFrame:
    """Raw KPIs of every store of the group, one row per store and month end (no customer)."""
    return kpi.raw_kpis(group_database(db), kpi.month_ends(as_of, months), params)


# The customer lookup's reads (app_pages/lookup.py), on the reader's (scoped) database.
@cached
def lookup_find(
    db: Database | ScopedDatabase, query: str, stores: tuple[str, ...] | None, limit: int
) -> pd.DataFrame:
    return lookup.find_customers(db, query, stores, limit)


@cached
def lookup_scores(db: Database | ScopedDatabase, as_of: date) -> pd.DataFrame:
    return seg.score_customers(db, as_of)


@cached
def lookup_risk(db: Database | ScopedDatabase, as_of: date) -> tuple[pd.DataFrame, churn.Calibration | None]:
    """Risk of the customers the database holds; calibrated on the group (as on the churn
    page), so a customer's P(churn) is the same whatever the scope."""
    scored = churn.score_risk(churn.churn_signals(db, as_of))
    return scored, group_churn_calibration(db, as_of)


@cached
def lookup_customer(db: Database | ScopedDatabase, customer_id: str, as_of: date):
    """Record, service by year, every order and the complaints of one customer."""
    return (
        lookup.customer_record(db, customer_id),
        lookup.service_by_year(db, customer_id, as_of),
        lookup.service_history(db, customer_id, as_of),
        lookup.customer_complaints(db, customer_id, as_of),
    )
