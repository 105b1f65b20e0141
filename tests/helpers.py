"""Helpers shared by the test modules: run the app on a database (AppTest), and build a small
database from rows written in the test (the one factory for hand-made databases)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from clv_engine.db import create_database

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")

# The running test's monkeypatch (tests/conftest.py sets it around each test), so the app's
# database is chosen with monkeypatch.setenv and put back after the test. Outside a test (a
# module fixture), one MonkeyPatch for the session, undone when the session ends.
_test_monkeypatch: pytest.MonkeyPatch | None = None
session_monkeypatch = pytest.MonkeyPatch()


def use_monkeypatch(monkeypatch: pytest.MonkeyPatch | None) -> None:
    global _test_monkeypatch
    _test_monkeypatch = monkeypatch


def use_db(db_path: Path | str) -> None:
    """Point the app (``CLV_DB``) at ``db_path`` for the running test."""
    (_test_monkeypatch or session_monkeypatch).setenv("CLV_DB", str(db_path))


@contextmanager
def file_busy(db_path: Path | str) -> Iterator[None]:
    """Holds the file's cross-process lock shared, as another app process in the middle of a
    long query does (clv_engine/db.py): reads go on, a write waits and then gives up."""
    fd = os.open(str(db_path) + ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def app_on(db_path: Path | str, timeout: float = 90) -> AppTest:
    """An AppTest of app.py on ``db_path``, not run yet (set session state, query params first)."""
    use_db(db_path)
    return AppTest.from_file(APP, default_timeout=timeout)


def run_app(db_path: Path, page: str | None = None, lang: str = "en", timeout: float = 90) -> AppTest:
    """Run app.py on ``db_path`` in ``lang`` and switch to ``page`` (e.g. "app_pages/churn.py")."""
    at = app_on(db_path, timeout)
    at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """{label: value} of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}


# -- small databases written by hand ----------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """Rows for some of a table's columns: ``Table(("customer_id", "home_store_id"), [("A", "S1")])``."""

    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


def _columns_and_values(rows: Table | Iterable[Any]) -> tuple[Sequence[str] | None, list[tuple]]:
    if isinstance(rows, Table):
        return list(rows.columns), [tuple(r) for r in rows.rows]
    rows = list(rows)
    if rows and isinstance(rows[0], Mapping):
        columns = list(rows[0])
        return columns, [tuple(r[c] for c in columns) for r in rows]
    return None, [tuple(r) for r in rows]  # every column, in the schema's order


def make_db(path: Path | str, **tables: Table | pd.DataFrame | Iterable[Any]) -> Path:
    """A database with the app's schema and only the rows given, table by table, in order:

        make_db(path,
                stores=[("S1", "One", "East", "Shanghai")],                    # every column
                customers=Table(("customer_id", "home_store_id"), [("A", "S1")]),  # some columns
                orders=[{"order_id": "o1", "customer_id": "A", ...}])         # as dicts

    A pandas DataFrame (columns named as the table's) is inserted in bulk, for many rows.

    Columns left out take the schema's default. Values are bound as parameters.
    """
    create_database(path)
    con = duckdb.connect(str(path))
    try:
        for table, rows in tables.items():
            if isinstance(rows, pd.DataFrame):  # in bulk: executemany goes row by row
                con.register("make_db_rows", rows)
                names = ", ".join(rows.columns)
                con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM make_db_rows")
                con.unregister("make_db_rows")
                continue
            columns, values = _columns_and_values(rows)
            if not values:
                continue
            names = f" ({', '.join(columns)})" if columns else ""
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {table}{names} VALUES ({marks})", values)
    finally:
        con.close()
    return Path(path)


# The orders of a service-due test: every column the service list reads, the odometer last.
SERVICE_ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "order_date",
    "store_id",
    "kind",
    "revenue",
    "gross_profit",
    "mileage",
)


def service_db(
    path: Path | str,
    stores: Iterable[Any],
    customers: Table,
    orders: Iterable[tuple],
    mileage: bool = True,
    **tables: Table | pd.DataFrame | Iterable[Any],
):
    """:func:`make_db` with ``orders`` as rows of ``SERVICE_ORDER_COLUMNS``, opened as the app's
    ``Database``; ``mileage`` false: a file written before the odometer column (dropped)."""
    from clv_engine.db import Database

    make_db(
        path, stores=stores, customers=customers, orders=Table(SERVICE_ORDER_COLUMNS, list(orders)), **tables
    )
    if not mileage:
        con = duckdb.connect(str(path))
        try:
            con.execute("ALTER TABLE orders DROP COLUMN mileage")
        finally:
            con.close()
    return Database(path)
