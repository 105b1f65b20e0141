"""Every cached engine query the pages share (``st.cache_data`` through ``ui.context.cached``,
keyed by the database's version). Each helper's area has its own section."""

from __future__ import annotations

from datetime import date

import pandas as pd

from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database
from clv_engine.models import FitError
from clv_engine.predictive import HoldoutCheck, holdout_check, p_alive_drops
from ui.context import cached, fit_failure, fitted_model


# -- models --
@cached(max_entries=8)
def cohort_cube(
    db: Database, as_of: date, params: LtvParams, stores: tuple[str, ...] | None
) -> cohorts.CohortCube:
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
    return int(
        db.query_value("SELECT count(DISTINCT customer_id) FROM orders WHERE order_date <= ?", [as_of])
    )


@cached
def holdout(db: Database, calibration_end: date, as_of: date) -> HoldoutCheck | dict:
    """The holdout check, or the failure dict of its fit."""
    try:
        return holdout_check(db, calibration_end, as_of)
    except FitError as error:
        return fit_failure(error)


@cached
def alive_drops(db: Database, as_of: date, lookback_days: int) -> pd.DataFrame:
    """Every customer's P(alive) now and ``lookback_days`` ago, by the shared fit."""
    return p_alive_drops(db, fitted_model(db, as_of), lookback_days, top=None)
