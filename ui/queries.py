"""Cached Streamlit queries (``st.cache_data`` wrappers of engine calls), one module.

Each helper's functions sit under its own section comment.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from clv_engine import churn, clv, kpi
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
