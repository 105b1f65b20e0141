"""Every cached query of the pages in one place: st.cache_data wrappers around engine calls.

A wrapper takes the database and plain, hashable arguments (dates, tuples of ids) and returns
what the engine returns; pages call these instead of declaring their own. Each helper's
wrappers sit under its own section comment.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from clv_engine import churn, clv, contacts, kpi, results
from clv_engine.db import Database
from ui.context import cached

# -- uikit --


@cached
def churn_signals(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """The churn signals of every customer (of ``stores``) on ``as_of``."""
    return churn.churn_signals(db, as_of, stores)


@cached
def backtest_signals(db: Database, as_of: date, stores: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The signals a year before ``as_of`` with what happened since (for the calibration)."""
    return churn.backtest_signals(db, as_of, stores)


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


@cached
def kpi_raw(db: Database, as_of: date, months: int, params: clv.CLVParams) -> pd.DataFrame:
    """The raw KPIs of every store at the last ``months`` month ends up to ``as_of``."""
    return kpi.raw_kpis(db, kpi.month_ends(as_of, months), params)
