"""The test infrastructure itself: the small-database factory and the app's database chosen
per test (monkeypatch, undone after the test)."""

from __future__ import annotations

import os
from datetime import date

import duckdb
import pytest

from tests import helpers
from tests.helpers import Table, make_db


def test_make_db_writes_only_the_rows_given(tmp_path):
    path = make_db(
        tmp_path / "t.duckdb",
        stores=[("S1", "One", "East", "Shanghai")],
        customers=Table(("customer_id", "home_store_id", "purchase_date"), [("A", "S1", date(2024, 1, 2))]),
        orders=[
            {
                "order_id": "o1",
                "customer_id": "A",
                "order_date": date(2024, 3, 1),
                "revenue": 100.0,
                "gross_profit": 40.0,
            },
            {
                "order_id": "o2",
                "customer_id": "A",
                "order_date": "2024-04-01",
                "revenue": 50.0,
                "gross_profit": 20.0,
            },
        ],
        complaints=[],
    )
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT store_id, name, region, city FROM stores").fetchall() == [
            ("S1", "One", "East", "Shanghai")
        ]
        assert con.execute("SELECT customer_id, purchase_date, name FROM customers").fetchall() == [
            ("A", date(2024, 1, 2), None)  # a column left out keeps its default
        ]
        assert con.execute("SELECT order_id, order_date, revenue FROM orders ORDER BY 1").fetchall() == [
            ("o1", date(2024, 3, 1), 100.0),
            ("o2", date(2024, 4, 1), 50.0),
        ]
        assert con.execute("SELECT count(*) FROM complaints").fetchone() == (0,)
    finally:
        con.close()


def test_make_db_takes_a_dataframe_in_bulk(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(500)], "name": "n"})
    path = make_db(tmp_path / "b.duckdb", customers=frame)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute(
        "SELECT count(*), count(DISTINCT customer_id), min(name) FROM customers"
    ).fetchone() == (
        500,
        500,
        "n",
    )
    con.close()


def test_make_db_binds_values_as_parameters(tmp_path):
    evil = "x'); DROP TABLE stores; --"
    path = make_db(tmp_path / "e.duckdb", stores=[(evil, "n", "r", "c")])
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT store_id FROM stores").fetchall() == [(evil,)]
    con.close()


@pytest.fixture(scope="module")
def _before():
    return os.environ.get("CLV_DB")


def test_app_on_sets_the_database_for_this_test_only(tmp_path, _before):
    at = helpers.app_on(tmp_path / "a.duckdb")
    assert os.environ["CLV_DB"] == str(tmp_path / "a.duckdb")
    assert at is not None


def test_the_previous_tests_database_is_gone(_before):
    assert os.environ.get("CLV_DB") == _before
