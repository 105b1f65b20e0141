"""The service list's first rows and totals read by the customers' row numbers
(``service_due._KEPT_BY_ROW_TOP``: numbers first, the text of the rows shown only) against the
former query (``service_due.SERVICE_TOP_SQL`` on the kept days, run here directly), on random
databases with many cars due the same day (ties broken by the customer id), every limit."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import service_due as sd
from clv_engine.db import Database
from clv_engine.derived import service as derived_service
from clv_engine.derived import store
from tests.helpers import Table, make_db
from tests.test_service_derived import END, RULES


def _tied_db(path, seed: int) -> Database:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(150, 300))
    ids = [f"C{i:04d}" for i in rng.permutation(n)]
    days = [END - timedelta(days=int(d)) for d in rng.integers(60, 900, 6)]  # six purchase days: ties
    people = [(c, f"n{i}", str(rng.choice(["S1", "S2"])), "Model Y", days[i % 6]) for i, c in enumerate(ids)]
    rows = []
    for i, c in enumerate(ids):
        for k in range(int(rng.integers(0, 3))):
            day = END - timedelta(days=int(rng.choice([200, 320, 350, 500])))  # services on few days too
            rows.append((f"o{i}_{k}", c, day, "S1", "maintenance", 300.0, 120.0, float(1_000 * (k + 1))))
    rows.append(("last", ids[0], END, "S1", "maintenance", 100.0, 40.0, 9_000.0))
    make_db(
        path,
        stores=[("S1", "One", "East", "A"), ("S2", "Two", "East", "B")],
        customers=Table(("customer_id", "name", "home_store_id", "vehicle_model", "purchase_date"), people),
        orders=Table(
            (
                "order_id",
                "customer_id",
                "order_date",
                "store_id",
                "kind",
                "revenue",
                "gross_profit",
                "mileage",
            ),
            rows,
        ),
    )
    assert cli.main([str(path)]) == 0
    store.forget()
    derived_service.forget()
    return Database(path)


def _former(db, as_of, stores, rules, limit) -> pd.DataFrame:
    """The former first rows and totals: SERVICE_TOP_SQL over the kept days."""
    found = derived_service.kept_table(db, as_of, True)
    assert found is not None and found[1]
    sql = sd._top(sd._list_sql(db, as_of, True))
    scope, extra = sd._scope(stores)
    return db.query_df(
        sql.format(mileage="mileage", scope=scope), [*sd._service_params(as_of, rules, extra), limit]
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_first_rows_and_totals_equal_the_former_query(tmp_path, seed):
    db = _tied_db(tmp_path / f"t{seed}.duckdb", seed)
    try:
        for rules in [
            *RULES,
            sd.ServiceRules(horizon_days=365, max_overdue_days=900),
            sd.ServiceRules(first_service_months=1, horizon_days=0, max_overdue_days=0),
            sd.ServiceRules(interval_months=1, first_service_months=24, max_overdue_days=400),
        ]:
            for stores in (None, ("S2",), ("S9",)):
                old_all = _former(db, END, stores, rules, 100_000)
                for limit in (0, 1, 3, 10, 37, 100_000):
                    old = _former(db, END, stores, rules, limit)
                    new_sql, bounds = sd._top_sql(db, END, True, rules)
                    assert len(bounds) == 3 and "crow = c.rowid" in new_sql
                    scope, extra = sd._scope(stores)
                    new = db.query_df(
                        new_sql.format(mileage="mileage", scope=scope),
                        [*sd._service_params(END, rules, extra), *bounds, limit, limit],
                    )
                    pd.testing.assert_frame_equal(new, old, check_dtype=False)
                    # ties were there to break
                    assert len(old_all) < 2 or old_all["due_date"].duplicated().any() or rules is not RULES[0]
    finally:
        db.close()


@pytest.mark.parametrize("seed", [4, 5])
def test_the_first_warranty_offers_equal_the_whole_list(tmp_path, seed):
    import duckdb

    from clv_engine.scope import ScopedDatabase

    db = _tied_db(tmp_path / f"w{seed}.duckdb", seed)
    db.close()
    con = duckdb.connect(str(tmp_path / f"w{seed}.duckdb"))
    con.execute(
        "INSERT INTO warranties (contract_id, customer_id, sold_date, price, term_years, claims_cost) "
        "SELECT 'W' || customer_id, customer_id, CAST(? AS DATE), 5000.0, 2, 0.0 "
        "FROM customers WHERE hash(customer_id) % 3 = 0",
        [END - timedelta(days=30)],
    )
    con.close()
    db = Database(tmp_path / f"w{seed}.duckdb")
    longest = 0
    try:
        for where in (db, ScopedDatabase(db, ["S1"])):
            for stores in (None, ("S2",), ("S9",)):
                for rules in (
                    sd.ServiceRules(),
                    sd.ServiceRules(warranty_years=2, offer_months=12),
                    sd.ServiceRules(warranty_years=1, offer_months=1),
                    sd.ServiceRules(warranty_years=2, offer_months=24),
                ):
                    for day in (END, END - timedelta(days=40)):  # before the contracts were sold, too
                        whole = sd.warranty_offers(where, day, stores, rules)
                        longest = max(longest, len(whole))
                        for limit in (0, 1, 5, 100_000):
                            first, rows = sd.warranty_offers_first(where, day, stores, rules, limit)
                            assert rows == len(whole)
                            pd.testing.assert_frame_equal(
                                first, whole.head(limit).reset_index(drop=True), check_dtype=False
                            )
    finally:
        db.close()
    assert longest > 5  # some lists longer than the shortest limits
