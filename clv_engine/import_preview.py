"""What replacing the data would change: customers, orders and the order date range before and
after, so a director confirms a replacement knowing what it does.

The "after" figures come from running the very same import into a scratch file (then thrown
away), not from an estimate: they are exactly what the import would write.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb

from clv_engine import importer
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


def preview_replacement(sources: Sequence[importer.Source], db: Database,
                        options: importer.ImportOptions) -> tuple[DataSummary, DataSummary]:
    """(now, after) for replacing the data of ``db`` with the clean rows of ``sources``.

    Raises what ``importer.run_import`` raises (ImportRejected when a file cannot be used).
    """
    scratch = Path(tempfile.mkdtemp(prefix="clv_replace_preview_"))
    try:
        path = scratch / "after.duckdb"
        importer.run_import(sources, path, replace(options, mode="replace"), accept_clean_rows=True)
        con = duckdb.connect(str(path), read_only=True)
        try:
            customers, orders, first, last = con.execute(SUMMARY_SQL).fetchone()
        finally:
            con.close()
        after = DataSummary(int(customers), int(orders), first, last)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return summary(db), after
