"""The cohort cube from its facts (kept per data version in ``derived_cohorts``, or one pass
over the orders) against the cube as it was computed before: one SQL pass with the LTV parts
per customer at the horizon and discount rate, kept here as the second implementation, on
random databases (NULL channels, models and purchase dates, orders before the purchase)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine.cohorts import DIMENSIONS, LtvParams
from clv_engine.db import Database
from clv_engine.derived import cohorts as derived_cohorts
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase
from tests.helpers import Table, make_db
from tests.test_derived import SqlLog

END = date(2026, 3, 31)
_KEYS = ", ".join(DIMENSIONS)

# The cube's SQL before the facts (clv_engine.cohorts at the start of round 4), unchanged.
OLD_CUBE_SQL = f"""
SELECT 'customers' AS part, {_KEYS},
       count(*) AS customers,
       count(*) FILTER (WHERE completed_years >= 1) AS first_year_customers,
       coalesce(sum(revenue_y1) FILTER (WHERE completed_years >= 1), 0) AS first_year_revenue,
       count(*) FILTER (WHERE first_order <= CAST($as_of AS DATE) - $window) AS return_eligible,
       count(*) FILTER (WHERE first_order <= CAST($as_of AS DATE) - $window
                          AND second_order <= first_order + $window) AS returned,
       count(*) FILTER (WHERE orders >= 2) AS repeaters,
       sum(annual_gp) AS annual_gp,
       sum(realised_pv) AS realised_pv,
       sum(expected_pv) AS expected_pv
FROM cust GROUP BY ALL
UNION ALL BY NAME
SELECT 'reach' AS part, {_KEYS}, completed_years AS year, count(*) AS customers
FROM cust GROUP BY ALL
UNION ALL BY NAME
SELECT 'active' AS part, {_KEYS}, k AS year, count(DISTINCT customer_id) AS active,
       sum(gross_profit) AS gross_profit
FROM y WHERE k <= completed_years GROUP BY ALL
"""


def old_cube(db, as_of, params, store_ids=None, window=cohorts.DEFAULT_RETURN_WINDOW_DAYS):
    frame = cohorts._query(db, OLD_CUBE_SQL, as_of, params, store_ids, {"window": window})
    parts = {name: group.drop(columns="part").reset_index(drop=True) for name, group in frame.groupby("part")}
    empty = frame.iloc[0:0].drop(columns="part")
    customers = parts.get("customers", empty).drop(columns=["year", "active", "gross_profit"])
    reach = parts.get("reach", empty)[[*DIMENSIONS, "year", "customers"]]
    active = parts.get("active", empty)[[*DIMENSIONS, "year", "active", "gross_profit"]]
    for part, columns in (
        (customers, ["customers", "first_year_customers", "return_eligible", "returned", "repeaters"]),
        (reach, ["year", "customers"]),
        (active, ["year", "active"]),
    ):
        for column in columns:
            part[column] = part[column].astype("int64")
    return cohorts.CohortCube(customers, reach, active, frame.attrs["retention"], params, window)


def _random_db(path, seed: int) -> Database:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 160))
    ids = [f"C{i:04d}" for i in rng.permutation(n)]
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "home_store_id": rng.choice(["S1", "S2", "S3", "S9"], n, p=[0.4, 0.3, 0.25, 0.05]),
            "channel": rng.choice(["referral", "online", "walk_in", None], n),
            "vehicle_model": rng.choice(["Model Y", "Camry", None], n),
            "purchase_date": [
                END - timedelta(days=int(d)) if rng.random() > 0.15 else None
                for d in rng.integers(-30, 3000, n)
            ],
        }
    )
    rows = []
    for i, c in enumerate(ids):
        for k in range(int(rng.poisson(4))):
            gp = float(rng.gamma(2, 150)) if rng.random() > 0.05 else 0.0
            rows.append((f"o{i}_{k}", c, END - timedelta(days=int(rng.integers(0, 2900))), "S1",
                         float(rng.gamma(2, 400)), gp))  # fmt: skip
    orders = pd.DataFrame(
        rows, columns=["order_id", "customer_id", "order_date", "store_id", "revenue", "gross_profit"]
    )
    orders.loc[len(orders)] = ["last", ids[0], END, "S1", 100.0, 40.0]  # the data's end
    make_db(
        path,
        stores=[
            ("S1", "One", "East", "Shanghai"),
            ("S2", "Two", "East", "Hangzhou"),
            ("S3", "Three", "South", "X"),
        ],
        customers=Table(tuple(customers.columns), list(customers.itertuples(index=False, name=None))),
        orders=orders,
    )
    return Database(path)


def _kept(path, seed: int) -> Database:
    _random_db(path, seed).close()
    assert cli.main([str(path)]) == 0
    store.forget()
    derived_cohorts.forget()
    return Database(path)


@pytest.fixture(scope="module", params=[5, 17, 29])
def kept_db(tmp_path_factory, request):
    db = _kept(tmp_path_factory.mktemp("cube") / "cube.duckdb", request.param)
    yield db
    db.close()


def read_kept(log: SqlLog) -> bool:
    return f"SELECT * FROM {derived_cohorts.TABLE}" in log.sql


def _by_keys(frame: pd.DataFrame, extra: tuple = ()) -> pd.DataFrame:
    keys = [*DIMENSIONS, *extra]
    return frame.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)


def assert_same_cube(new: cohorts.CohortCube, old: cohorts.CohortCube) -> None:
    def same(a, b):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-10, atol=1e-7, check_dtype=False)
        for column in a.columns:  # the counts stay whole numbers
            if column in ("customers", "active", "year", "returned", "repeaters"):
                assert a[column].dtype == "int64"

    same(_by_keys(new.customers), _by_keys(old.customers))
    same(_by_keys(new.reach, ("year",)), _by_keys(old.reach, ("year",)))
    same(_by_keys(new.active, ("year",)), _by_keys(old.active, ("year",)))
    assert new.retention == old.retention and new.params == old.params
    assert new.return_window_days == old.return_window_days
    for dimension in DIMENSIONS:
        for make in (cohorts.summary_from_cube, cohorts.years_from_cube, cohorts.mix_from_cube):
            pd.testing.assert_frame_equal(
                make(new, dimension), make(old, dimension), check_exact=False, rtol=1e-10, atol=1e-7
            )
    pd.testing.assert_frame_equal(
        ch.channel_ltv_from_cube(new), ch.channel_ltv_from_cube(old), check_exact=False, rtol=1e-10, atol=1e-7
    )


@pytest.mark.parametrize(
    "params",
    [LtvParams(), LtvParams(1, 0.12), LtvParams(3, 0.05), LtvParams(15, 0.2), LtvParams(7, 0.0)],
)
def test_kept_facts_give_the_old_cube_at_any_horizon(kept_db, monkeypatch, params):
    log = SqlLog(monkeypatch)
    new = cohorts.cohort_cube(kept_db, END, params)
    assert read_kept(log) and not log.ran("count(DISTINCT customer_id)")
    assert_same_cube(new, old_cube(kept_db, END, params))


@pytest.mark.parametrize("stores", [("S1",), ("S2", "S3")])
def test_a_store_filter_and_a_scope_compute_the_old_cube(kept_db, monkeypatch, stores):
    log = SqlLog(monkeypatch)
    params = LtvParams(5, 0.1)
    new = cohorts.cohort_cube(kept_db, END, params, stores)
    assert not read_kept(log)
    assert_same_cube(new, old_cube(kept_db, END, params, stores))
    scoped = ScopedDatabase(kept_db, list(stores))
    new = cohorts.cohort_cube(scoped, END, params)
    assert not read_kept(log)
    assert_same_cube(new, old_cube(scoped, END, params))


def test_other_dates_windows_and_retentions_compute(kept_db, monkeypatch):
    log = SqlLog(monkeypatch)
    earlier = END - timedelta(days=200)
    assert_same_cube(cohorts.cohort_cube(kept_db, earlier), old_cube(kept_db, earlier, LtvParams()))
    assert_same_cube(
        cohorts.cohort_cube(kept_db, END, return_window_days=90),
        old_cube(kept_db, END, LtvParams(), window=90),
    )
    given = LtvParams(retention=0.5)
    assert_same_cube(cohorts.cohort_cube(kept_db, END, given), old_cube(kept_db, END, given))
    assert not read_kept(log)


def test_changed_data_computes_again(tmp_path, monkeypatch):
    db = _kept(tmp_path / "changed.duckdb", 7)
    try:
        log = SqlLog(monkeypatch)
        cohorts.cohort_cube(db, END)
        assert read_kept(log)
        with db.write_transaction() as con:
            con.execute("UPDATE orders SET gross_profit = gross_profit + 1 WHERE order_id = 'last'")
        log.sql.clear()
        new = cohorts.cohort_cube(db, END)
        assert not read_kept(log)
        assert_same_cube(new, old_cube(db, END, LtvParams()))
    finally:
        db.close()


def test_without_kept_facts_the_computation_gives_the_old_cube(tmp_path):
    db = _random_db(tmp_path / "plain.duckdb", 3)
    try:
        for params in (LtvParams(), LtvParams(2, 0.3)):
            assert_same_cube(cohorts.cohort_cube(db, END, params), old_cube(db, END, params))
        empty = END - timedelta(days=4000)  # no customer yet
        assert_same_cube(cohorts.cohort_cube(db, empty), old_cube(db, empty, LtvParams()))
    finally:
        db.close()
