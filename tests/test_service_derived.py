"""The service list with the last two service days read from ``derived_service`` against the
list computed from the orders by the former SQL (``service_due.SERVICE_SQL``, kept as the module
constant and run here directly), on random databases: same-day lines, missing odometers,
orders before the purchase, a store filter, a scope, dates and data the table does not hold, a
file without the mileage column."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import service_due as sd
from clv_engine.db import Database
from clv_engine.derived import service as derived_service
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase
from tests.helpers import Table, service_db
from tests.test_derived import SqlLog

END = date(2026, 5, 31)
RULES = [sd.ServiceRules(), sd.ServiceRules(interval_months=6, interval_km=3_000.0, horizon_days=90)]


def _random_db(path, seed: int, mileage: bool = True) -> Database:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(80, 160))
    ids = [f"C{i:04d}" for i in rng.permutation(n)]
    people = [
        (
            c,
            f"n{i}",
            str(rng.choice(["S1", "S2", "S3"])),
            "Model Y",
            END - timedelta(days=int(rng.integers(10, 1500))),
        )
        for i, c in enumerate(ids)
    ]
    rows = []
    for i, c in enumerate(ids):
        km = float(rng.integers(0, 20_000))
        for k in range(int(rng.poisson(4))):
            day = END - timedelta(days=int(rng.integers(0, 1300)))
            km += float(rng.integers(-500, 9_000))
            kind = "maintenance" if rng.random() < 0.8 else "parts"
            reading = km if rng.random() > 0.2 else None
            rows.append((f"o{i}_{k}", c, day, "S1", kind, 300.0, 120.0, reading))
            if rng.random() < 0.15:  # a second line of the same visit
                rows.append(
                    (f"o{i}_{k}b", c, day, "S1", kind, 50.0, 20.0, reading if rng.random() < 0.5 else km + 7)
                )
    rows.append(("last", ids[0], END, "S1", "maintenance", 100.0, 40.0, 1_000.0))
    return service_db(
        path,
        stores=[("S1", "One", "East", "A"), ("S2", "Two", "East", "B"), ("S3", "Three", "West", "C")],
        customers=Table(("customer_id", "name", "home_store_id", "vehicle_model", "purchase_date"), people),
        orders=rows,
        mileage=mileage,
    )


def _kept(path, seed: int, mileage: bool = True) -> Database:
    _random_db(path, seed, mileage).close()
    assert cli.main([str(path)]) == 0
    store.forget()
    derived_service.forget()
    return Database(path)


def old_list(db, as_of, store_ids, rules) -> pd.DataFrame:
    """The list as computed before the kept table: the former SQL, on the orders."""
    has_mileage = "mileage" in sd.table_columns(db, "orders")
    scope, extra = sd._scope(store_ids)
    sql = sd.SERVICE_SQL.format(mileage="mileage" if has_mileage else "CAST(NULL AS DOUBLE)", scope=scope)
    return sd._service_dates(db.query_df(sql, sd._service_params(as_of, rules, extra)))


def _same(db, as_of, stores, rules) -> None:
    old = old_list(db, as_of, stores, rules)
    whole = sd.service_due(db, as_of, stores, rules)
    pd.testing.assert_frame_equal(whole, old, check_dtype=len(old) > 0)
    first = sd.service_due_first(db, as_of, stores, rules, 7)
    pd.testing.assert_frame_equal(first.first, old.head(7), check_dtype=len(old) > 0)
    assert first.rows == len(old) and first.with_km == int(old["last_km"].notna().sum())


def _read_kept(log: SqlLog) -> bool:
    return log.ran(f"FROM {derived_service.TABLE})")


@pytest.fixture(scope="module", params=[3, 8])
def kept_db(tmp_path_factory, request):
    db = _kept(tmp_path_factory.mktemp("svc") / "s.duckdb", request.param)
    yield db
    db.close()


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("stores", [None, ("S2",), ("S1", "S3")])
def test_the_kept_days_give_the_former_list(kept_db, monkeypatch, rules, stores):
    log = SqlLog(monkeypatch)
    _same(kept_db, END, stores, rules)
    assert _read_kept(log)


def test_a_scope_and_other_dates(kept_db, monkeypatch):
    log = SqlLog(monkeypatch)
    _same(ScopedDatabase(kept_db, ["S1", "S2"]), END, None, RULES[0])
    assert _read_kept(log)
    log.sql.clear()
    _same(kept_db, END - timedelta(days=40), None, RULES[1])
    assert not _read_kept(log)


def test_changed_odometers_and_kinds_compute_again(tmp_path, monkeypatch):
    db = _kept(tmp_path / "c.duckdb", 5)
    try:
        log = SqlLog(monkeypatch)
        for change in (
            "UPDATE orders SET mileage = mileage + 1 WHERE kind = 'maintenance' AND mileage IS NOT NULL",
            "UPDATE orders SET kind = 'maintenance' WHERE kind = 'parts'",
            # the same customers, in other rows: the table's row numbers no longer theirs
            "CREATE TEMP TABLE c2 AS SELECT * FROM customers ORDER BY customer_id DESC; DELETE FROM customers; "
            "INSERT INTO customers SELECT * FROM c2",
        ):
            with db.write_transaction() as con:
                con.execute(change)
            log.sql.clear()
            _same(db, END, None, RULES[0])
            assert not _read_kept(log)
    finally:
        db.close()


def test_a_file_without_mileage(tmp_path, monkeypatch):
    db = _kept(tmp_path / "m.duckdb", 9, mileage=False)
    try:
        log = SqlLog(monkeypatch)
        _same(db, END, None, RULES[1])
        assert _read_kept(log)
    finally:
        db.close()
