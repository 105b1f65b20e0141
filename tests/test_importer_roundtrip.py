"""Round trip: the sample database exported to CSV and imported again gives the same figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from clv_engine import clv, segmentation
from clv_engine.db import Database
from clv_engine.imports import ImportOptions, Source, run_import

# table -> kind of file
FILES = {
    "orders": "orders",
    "customers": "customers",
    "stores": "stores",
    "warranties": "warranties",
    "referrals": "referrals",
    "complaints": "complaints",
    "event_attendance": "events",
    "competitor_sightings": "competitors",
    "appointments": "appointments",
    "channel_spend": "channel_spend",
    "store_kpis": "kpis",
}
# The sample sells a few warranties in the days after its last order date; "today" must be later.
OPTIONS = ImportOptions(today=date(2030, 1, 1))


def attached(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A connection that may write files, reading ``db_path`` (which this process may also hold
    open read-only with file access disabled, as the app's reader does)."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(db_path)])
    con.execute("USE src")
    return con


def export_csv(db_path: Path, out: Path, tables) -> None:
    con = attached(db_path)
    try:
        for table in tables:
            con.execute(f"COPY (SELECT * FROM {table}) TO '{out / table}.csv' (HEADER)")
    finally:
        con.close()


@pytest.fixture(scope="module")
def round_trip(sample_db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    export_csv(sample_db_path, out, FILES)
    target = out / "imported.duckdb"
    report = run_import(
        [Source(kind, out / f"{table}.csv") for table, kind in FILES.items()], target, OPTIONS
    )
    return sample_db_path, target, report


def test_every_table_comes_back_identical(round_trip):
    original, imported, report = round_trip
    assert report.rejected_rows == 0
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(original)])
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(imported)])
    for table in FILES:
        count = con.execute(f"SELECT count(*) FROM a.{table}").fetchone()[0]
        assert count > 0, table
        for left, right in (("a", "b"), ("b", "a")):
            extra = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {left}.{table} EXCEPT ALL SELECT * FROM {right}.{table})"
            ).fetchone()[0]
            assert extra == 0, f"{table}: {extra} rows in {left} only"
    con.close()


def test_clv_and_segmentation_figures_are_equal(round_trip):
    original, imported, _ = round_trip
    as_of = date(2026, 11, 30)
    a_db, b_db = Database(original), Database(imported)
    a = clv.customer_values(a_db, as_of).sort_values("customer_id").reset_index(drop=True)
    b = clv.customer_values(b_db, as_of).sort_values("customer_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["retention"] == b.attrs["retention"]
    sa = segmentation.score_customers(a_db, as_of).sort_values("customer_id").reset_index(drop=True)
    sb = segmentation.score_customers(b_db, as_of).sort_values("customer_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(sa, sb)
    assert sa["tier"].value_counts().to_dict() == sb["tier"].value_counts().to_dict()
    ga = segmentation.six_groups(segmentation.with_values(sa, a))
    gb = segmentation.six_groups(segmentation.with_values(sb, b))
    assert (
        ga.set_index("customer_id")["group"]
        .sort_index()
        .equals(gb.set_index("customer_id")["group"].sort_index())
    )
    a_db.close()
    b_db.close()


def test_orders_only_export_keeps_every_customers_history(sample_db_path, tmp_path):
    """The minimum file (customer, date, amount, profit): per-customer history is unchanged."""
    path = tmp_path / "orders.csv"
    con = attached(sample_db_path)
    con.execute(
        f"COPY (SELECT customer_id AS 客户编号, order_date AS 工单日期, revenue AS 金额, "
        f"gross_profit AS 毛利 FROM orders) TO '{path}' (HEADER)"
    )
    expected = con.execute(
        "SELECT customer_id, count(*), round(sum(revenue), 2), round(sum(gross_profit), 2), min(order_date), "
        "max(order_date) FROM orders GROUP BY 1 ORDER BY 1"
    ).fetchall()
    con.close()
    target = tmp_path / "minimal.duckdb"
    run_import([Source("orders", path)], target, OPTIONS)
    con = attached(target)
    got = con.execute(
        "SELECT customer_id, count(*), round(sum(revenue), 2), round(sum(gross_profit), 2), min(order_date), "
        "max(order_date) FROM orders GROUP BY 1 ORDER BY 1"
    ).fetchall()
    starts = con.execute(
        "SELECT count(*) FROM customers c JOIN (SELECT customer_id, min(order_date) AS f "
        "FROM orders GROUP BY 1) o USING (customer_id) WHERE c.purchase_date = o.f"
    ).fetchone()[0]
    con.close()
    assert got == expected
    assert starts == len(expected)  # every customer starts at their first order
