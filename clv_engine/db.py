"""Access to the product's DuckDB file.

One read-only connection is shared by every browser session; each query takes its own
cursor, because a DuckDB connection is not thread-safe and Streamlit serves each session on
its own thread ("connection is busy", or silently no rows, otherwise). The connection is
opened with external access disabled, so no query can read the server's files.

DuckDB refuses a read-write connection to a file that this process already holds read-only,
so a write (saving a scenario) takes an exclusive lock, closes the reader, writes in an
explicit transaction, and reopens the reader. Queries hold the shared side of the same lock.

An import replaces the whole file by renaming a finished new file over it; the reader notices
the new file (inode change) on its next query and reopens, so readers never see half a file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SCHEMA_PATH = Path(__file__).with_name("schema.sql")

READER_CONFIG = {"enable_external_access": False}


class SharedLock:
    """Many readers or one writer (writers wait for readers to finish)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def create_database(path: str | Path) -> None:
    """An empty database file with the product's schema (tables that exist are kept)."""
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
    finally:
        con.close()


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB runs several statements in one string, but not as one transaction: run each.
    # Comments go first (they may contain ';'); the schema has no string literals.
    text = "\n".join(line.split("--", 1)[0] for line in SCHEMA_PATH.read_text("utf-8").splitlines())
    for statement in text.split(";"):
        if statement.strip():
            con.execute(statement)


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class Reader:
    """Queries on top of ``cursor()`` and ``tables()``, shared by :class:`Database` and the
    store-scoped ``clv_engine.scope.ScopedDatabase``."""

    def query_df(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, params).df()

    def query_value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        with self.cursor() as cur:
            row = cur.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def table_rows(self, table: str) -> int:
        """Row count of ``table`` (in the scope, for a scoped reader); 0 when it is missing or empty."""
        if table not in self.tables():
            return 0
        # The name is checked against the catalogue above, so it is safe to quote in.
        return int(self.query_value('SELECT count(*) FROM "' + table.replace('"', '""') + '"'))


class Database(Reader):
    """The shared read-only reader of one DuckDB file, plus a short write path."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"Database file not found: {self.path}")
        self._lock = SharedLock()
        self._open_lock = threading.Lock()
        self._reader: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._tables: set[str] | None = None

    # -- reading -------------------------------------------------------------------------
    def _replaced(self) -> bool:
        return self._reader is not None and _file_identity(self.path) != self._identity

    def _close_reader(self) -> None:
        # Only under the exclusive lock: no cursor of this reader is in use.
        with self._open_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def _open_reader(self) -> duckdb.DuckDBPyConnection:
        with self._open_lock:
            if self._reader is None:
                self._identity = _file_identity(self.path)
                self._reader = duckdb.connect(str(self.path), read_only=True, config=READER_CONFIG)
                self._tables = None
            return self._reader

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._replaced():
            # The file was replaced (an import) or written: reopen so this query sees it.
            # DuckDB caches open databases by path, so the old reader must be closed first.
            with self._lock.exclusive():
                if self._replaced():
                    self._close_reader()
        with self._lock.shared():
            cur = self._open_reader().cursor()
            try:
                yield cur
            finally:
                cur.close()

    def tables(self) -> set[str]:
        with self.cursor() as cur:
            if self._tables is None:
                rows = cur.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                ).fetchall()
                self._tables = {r[0] for r in rows}
            return set(self._tables)

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def write_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside BEGIN..COMMIT; rolled back on any exception."""
        with self._lock.exclusive():
            self._close_reader()
            writer = duckdb.connect(str(self.path), config=READER_CONFIG)
            try:
                writer.execute("BEGIN TRANSACTION")
                try:
                    yield writer
                except BaseException:
                    writer.execute("ROLLBACK")
                    raise
                writer.execute("COMMIT")
            finally:
                writer.close()

    def version(self) -> tuple[str, tuple[int, int] | None]:
        """Changes whenever the file is written or replaced: a key for cached results."""
        return (str(self.path), _file_identity(self.path))

    def close(self) -> None:
        with self._lock.exclusive():
            self._close_reader()


def sample_db_path() -> Path:
    """The bundled demo database (built on first start when CLV_DB is not set)."""
    return Path(__file__).resolve().parent.parent / "sample_data" / "clv_sample.duckdb"


def db_path_from_environment() -> bool:
    """Whether CLV_DB names the database: then a missing file is an error, never the demo."""
    return bool(os.environ.get("CLV_DB"))


def default_db_path() -> Path:
    """The database the app opens: $CLV_DB, else the bundled sample."""
    env = os.environ.get("CLV_DB")
    if env:
        return Path(env)
    return sample_db_path()


DEFAULT_CURRENCY = "CNY"


def read_settings(db: Database) -> dict[str, str]:
    """The ``meta`` rows (currency, assumed_margin ...: docs/data_model.md); {} without the table."""
    if "meta" not in db.tables():
        return {}
    return {
        str(k): str(v)
        for k, v in db.query_df("SELECT key, value FROM meta").itertuples(index=False)
        if v is not None
    }


def assumed_margin_of(settings: dict[str, str]) -> float | None:
    """The gross margin assumed for orders imported without profit, or None (all carried it)."""
    try:
        return float(settings["assumed_margin"])
    except (KeyError, ValueError):
        return None


def currency_of(settings: dict[str, str]) -> str:
    return settings.get("currency") or DEFAULT_CURRENCY
