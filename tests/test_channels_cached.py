"""Issue 14 (the channels page's reruns): the cached cohort tables, budget shift and the seed's
reconciliation are the engine's own results for the same inputs, computed here directly."""

from __future__ import annotations

import pandas as pd
import pytest

from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database
from ui import queries


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


def test_cohort_views_are_the_cubes_sums(db):
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    store = db.query_value("SELECT min(store_id) FROM stores")
    for params in (LtvParams(), LtvParams(horizon_years=3, discount_rate=0.05)):
        for stores in (None, (store,)):
            cube = cohorts.cohort_cube(db, as_of, params, stores)
            for dim in cohorts.DIMENSIONS:
                summary, years, mix = queries.cohort_views(db, as_of, params, stores, dim)
                pd.testing.assert_frame_equal(summary, cohorts.summary_from_cube(cube, dim))
                pd.testing.assert_frame_equal(years, cohorts.years_from_cube(cube, dim))
                pd.testing.assert_frame_equal(mix, cohorts.mix_from_cube(cube, dim))


def test_budget_shift_and_reconciliation_are_the_engines():
    for mix in ("customers", "spend"):
        base = ch.spec_simulator_base(mix)
        for split in ch.SPLITS:
            for beta in (1.0, 0.8):
                shift = ch.BudgetShift(tuple(ch.SPEC_SHIFT_FROM), tuple(ch.SPEC_SHIFT_TO), 0.3, split, beta)
                got, want = queries.budget_shift(base, shift), ch.shift_budget(base, shift)
                pd.testing.assert_frame_equal(got.table, want.table)
                assert (
                    got.spend,
                    got.customers_before,
                    got.customers_after,
                    got.ltv_before,
                    got.ltv_after,
                ) == (
                    want.spend,
                    want.customers_before,
                    want.customers_after,
                    want.ltv_before,
                    want.ltv_after,
                )
    for split in ("equal", "spend"):
        assert queries.spec_reconciliation(split) == ch.spec_reconciliation(split)
