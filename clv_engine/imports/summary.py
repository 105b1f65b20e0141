"""What a database holds, in four figures: customers, orders and the order date range.

Shown before a replacement or a restore (now / after) and kept with every version. A lower
module: the importer, the versions and the preview all read it, none of them is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from clv_engine.db import Database

SUMMARY_SQL = (
    "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders), "
    "(SELECT min(order_date) FROM orders), (SELECT max(order_date) FROM orders)"
)


@dataclass(frozen=True)
class DataSummary:
    customers: int
    orders: int
    first_order: date | None
    last_order: date | None


EMPTY = DataSummary(0, 0, None, None)


def summary(db: Database) -> DataSummary:
    """Customers, orders and the order date range of the database."""
    if not {"customers", "orders"} <= db.tables():
        return EMPTY
    with db.cursor() as cur:
        customers, orders, first, last = cur.execute(SUMMARY_SQL).fetchone()
    return DataSummary(int(customers), int(orders), first, last)


def summarize(path: str | Path) -> tuple[DataSummary, str | None]:
    """Customers, orders, order date range and import time of a database file.

    Attached read-only from a fresh in-memory connection: the app in this process may hold the
    same file open, and DuckDB refuses a second open of it with another configuration.
    Raises duckdb.Error when the file is not a readable database.
    """
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS v (READ_ONLY)", [str(path)])
        con.execute("USE v")
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'v'"
            ).fetchall()
        }
        if not {"customers", "orders"} <= tables:
            return EMPTY, None
        customers, orders, first, last = con.execute(SUMMARY_SQL).fetchone()
        imported = None
        if "meta" in tables:
            row = con.execute("SELECT value FROM meta WHERE key = 'imported_at'").fetchone()
            imported = row[0] if row else None
        return DataSummary(int(customers), int(orders), first, last), imported
    finally:
        con.close()
