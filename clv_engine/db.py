"""Access to the product's DuckDB file, shared by threads and by several processes.

One read-only connection per process serves every browser session; each query takes its own
cursor, because a DuckDB connection is not thread-safe and Streamlit serves each session on
its own thread ("connection is busy", or silently no rows, otherwise). The connection is
opened with external access disabled, so no query can read the server's files.

Writes (saving a scenario, a user, an audit entry ...) need the file read-write, which DuckDB
refuses while ANY connection to it is open, in this process or another (deploy/run.sh runs
several processes on one file). So a process lets go of the file whenever it can:

- ``<db>.lock`` (created next to the file): a process holds it SHARED (``flock``) while its
  reader is open; a writer takes it EXCLUSIVE for the time of its transaction.
- ``<db>.writer``, the turnstile: a writer holds it EXCLUSIVE from the moment it wants to
  write until it is done. A process about to OPEN its reader passes through it (shared, then
  released at once), so no new reader gets in while a writer waits: readers cannot starve it.
- A process closes its reader (and so releases its shared lock) as soon as no query of it is
  running and a writer waits (a non-blocking look at the turnstile, every ``POLL_SECONDS``
  by a small daemon thread while the reader is open); a query that starts while a writer
  waits lets the running ones finish, closes the reader and waits its turn.
- It also closes it after ``IDLE_SECONDS`` without a query, to return DuckDB's memory and to
  let in a writer outside this protocol (DuckDB shell, no lock files: the writer retries).
  Not sooner: reopening costs ~20 ms on a 1M-customer file, and DuckDB's buffers start cold
  (a 5M-order aggregate measured +~0.2 s), which a person changing widgets should not pay.

A writer therefore waits for the longest running query plus about ``POLL_SECONDS``; after
``WRITE_TIMEOUT`` seconds it gives up with ``InputError("database.busy")`` and nothing written.
If the lock files cannot be created (a read-only directory) or there is no ``flock``
(Windows), processes do not coordinate: reading works, and a write waits (within the same
``WRITE_TIMEOUT``) until every other process has been idle for ``IDLE_SECONDS``.

Within a process the same rules hold between threads (a condition variable): a write waits
for the running queries, new queries wait for the write. A thread that already holds a cursor
may open another one (the reader is open and stays open until both close), never a write.
A child forked while the reader is open (multiprocessing) drops its copy of it and of the lock.

An import replaces the whole file by renaming a finished new file over it; the reader notices
the new file (inode change) on its next query and reopens, so readers never see half a file.
DuckDB hands out one instance per path in a process, so a reader opening after a swap first
closes any other reader here still on the replaced file (:func:`_let_go_of_replaced`).
The lock files are found by name, so they keep working across such a swap.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from clv_engine import db_locks, errors
from clv_engine.db_locks import _close_fd, _flock_until, _is_lock_conflict, _open_lock_file, _try_flock

try:  # POSIX: a lock dies with its process (or its file descriptor), never left behind
    import fcntl
except ImportError:  # pragma: no cover - Windows: no coordination between processes
    fcntl = None

SCHEMA_PATH = Path(__file__).with_name("schema.sql")

# DuckDB keeps freed buffers for reuse unless told to hand them back: with the flush threshold
# and background threads, memory freed after a million-row result goes back to the system
# (606 -> 485 MB left after the 1M values frame; issue 14, memory returned).
READER_CONFIG = {
    "enable_external_access": False,
    "allocator_flush_threshold": "8MB",
    "allocator_background_threads": True,
}

CODES = errors.declare("database", "busy")

IDLE_SECONDS = 10.0  # an idle process lets go of the file after this long (a writer never waits for it)
POLL_SECONDS = db_locks.POLL_SECONDS  # how often a waiting thread, the watcher or a writer looks again
WRITE_TIMEOUT = 30.0  # a writer gives up after this long (InputError "database.busy")


# Readers open now. They are closed at exit, before Python stops its daemon threads: a watcher
# stopped inside DuckDB's close() would abort the interpreter ("exception not rethrown").
_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for db in list(_OPEN):
        with db._cond:
            db._generation += 1  # stops its watcher
            if not db._active and not db._writing:
                db._close_reader()


def _forget_in_forked_child() -> None:
    """A child forked while a reader was open (multiprocessing) drops the parent's reader: its
    copy of the lock descriptor would otherwise hold the parent's shared lock as long as the
    child lives, and its lock may be held by a parent thread that does not exist here."""
    for db in list(_OPEN):
        if db._lock_fd is not None or db._turnstile_fd is not None or db._reader is not None:
            _FORKED_AWAY.append(db._reader)  # never closed here: it belongs to the parent
        for fd in (db._lock_fd, db._turnstile_fd):
            if fd is not None:
                os.close(fd)  # the parent's lock stays: the parent still has the description
        db._reset_state()


def _let_go_of_replaced(path: Path, identity: tuple[int, int] | None) -> None:
    """DuckDB keeps one instance per path in a process: while another reader here still holds
    a file an import replaced, a new connection would be handed that old file. Close such
    readers (once their queries end; not one this thread is inside) before connecting."""
    deadline = time.monotonic() + WRITE_TIMEOUT
    for db in [d for d in list(_OPEN) if d.path.resolve() == path.resolve()]:
        with db._cond:
            while db._reader is not None and db._identity != identity and time.monotonic() < deadline:
                if not db._active:
                    db._close_reader()
                elif getattr(db._local, "depth", 0):
                    break  # this thread is inside one of its queries: it cannot wait for itself
                else:
                    db._cond.wait(POLL_SECONDS)


_FORKED_AWAY: list[Any] = []
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_forked_child)


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
    """The process's read-only reader of one DuckDB file, plus a short write path (see the
    module note for how threads and processes share the file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"Database file not found: {self.path}")
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._turnstile_path = self.path.with_name(self.path.name + ".writer")
        self._generation = 0  # one watcher per opening of the reader
        self._reset_state()

    def _reset_state(self) -> None:
        # Everything below is guarded by _cond.
        self._cond = threading.Condition()
        self._local = threading.local()  # .depth: cursors the current thread holds
        self._reader: duckdb.DuckDBPyConnection | None = None
        self._lock_fd: int | None = None  # <db>.lock, held shared while the reader is open
        self._turnstile_fd: int | None = None  # <db>.writer, to see whether a writer waits
        self._identity: tuple[int, int] | None = None
        self._tables: set[str] | None = None
        self._active = 0  # queries running (outermost cursors)
        self._opening = False  # a thread is opening the reader (outside _cond: it may wait)
        self._writing = False  # this process is writing
        self._writers = 0  # this process's writes waiting for the running queries
        self._last_used = 0.0
        self._generation += 1  # stops a watcher of the previous state

    # -- reading -------------------------------------------------------------------------
    def _replaced(self) -> bool:
        return _file_identity(self.path) != self._identity

    def _writer_waits(self) -> bool:
        """Another process (or Database) wants to write: it holds the turnstile."""
        if not _try_flock(self._turnstile_fd, fcntl.LOCK_SH if fcntl else 0):
            return True
        if self._turnstile_fd is not None:
            fcntl.flock(self._turnstile_fd, fcntl.LOCK_UN)
        return False

    def _must_let_go(self) -> bool:
        return self._reader is not None and (self._replaced() or self._writer_waits())

    def _close_reader(self) -> None:
        # Under _cond, with no query running.
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        _close_fd(self._lock_fd)
        _close_fd(self._turnstile_fd)
        self._lock_fd = self._turnstile_fd = None
        self._cond.notify_all()

    def _open_reader(self) -> None:
        """Opens the reader; called with _opening set and _cond NOT held (the turnstile and
        the lock may make it wait for a writer of another process)."""
        lock_fd = _open_lock_file(self._lock_path)
        turnstile_fd = _open_lock_file(self._turnstile_path)
        try:
            if turnstile_fd is not None:  # pass through: wait while a writer waits or writes
                fcntl.flock(turnstile_fd, fcntl.LOCK_SH)
                fcntl.flock(turnstile_fd, fcntl.LOCK_UN)
            if lock_fd is not None:
                fcntl.flock(lock_fd, fcntl.LOCK_SH)
            identity = _file_identity(self.path)
            _let_go_of_replaced(self.path, identity)
            reader = duckdb.connect(str(self.path), read_only=True, config=READER_CONFIG)
        except BaseException:
            _close_fd(lock_fd)
            _close_fd(turnstile_fd)
            raise
        with self._cond:
            if identity != self._identity:
                self._tables = None  # another file, or written since: read the catalogue again
            self._reader, self._identity = reader, identity
            self._lock_fd, self._turnstile_fd = lock_fd, turnstile_fd
            self._last_used = time.monotonic()
            self._generation += 1
            _OPEN.add(self)
            watcher = threading.Thread(
                target=self._watch, args=(self._generation,), name="clv-db-idle", daemon=True
            )
        watcher.start()

    def _watch(self, generation: int) -> None:
        """Closes the reader once no query runs and it is idle or a writer waits."""
        while True:
            time.sleep(POLL_SECONDS)
            with self._cond:
                if self._reader is None or self._generation != generation:
                    return
                if self._active or self._opening:
                    continue
                if time.monotonic() - self._last_used >= IDLE_SECONDS or self._must_let_go():
                    self._close_reader()
                    return

    def _enter(self) -> duckdb.DuckDBPyConnection:
        """Waits until this thread may run a query on an open reader; counts it as running."""
        with self._cond:
            while True:
                if self._writing or self._writers or self._opening:
                    self._cond.wait(POLL_SECONDS)
                elif self._must_let_go():
                    # A writer waits or the file changed: no new query on this reader. The
                    # running ones finish, the reader closes, this query reopens after.
                    if self._active == 0:
                        self._close_reader()
                    else:
                        self._cond.wait(POLL_SECONDS)
                elif self._reader is None:
                    self._opening = True
                    break
                else:
                    self._active += 1
                    return self._reader
        try:
            self._open_reader()
        finally:
            with self._cond:
                self._opening = False
                self._cond.notify_all()
        return self._enter()  # the reader is open now (or closed again for a writer: wait)

    def _leave(self) -> None:
        with self._cond:
            self._active -= 1
            self._last_used = time.monotonic()
            self._cond.notify_all()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        depth = getattr(self._local, "depth", 0)
        # A thread that already holds a cursor keeps the reader open: a nested cursor uses it
        # as it is (waiting here for a writer, which waits for this thread, would deadlock).
        reader = self._reader if depth else self._enter()
        self._local.depth = depth + 1
        try:
            cur = reader.cursor()
            try:
                yield cur
            finally:
                cur.close()
        finally:
            self._local.depth = depth
            if not depth:
                self._leave()

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
        """A read-write connection inside BEGIN..COMMIT; rolled back on any exception.

        Waits for this process's running queries and for every other process to let go of
        the file; raises ``InputError("database.busy")`` after ``WRITE_TIMEOUT`` seconds."""
        if getattr(self._local, "depth", 0):
            raise RuntimeError("a write inside a query of the same thread would wait for itself")
        deadline = time.monotonic() + WRITE_TIMEOUT
        with self._cond:
            self._writers += 1
            try:
                while self._writing or self._active or self._opening:
                    if time.monotonic() >= deadline:
                        raise self._busy()
                    self._cond.wait(POLL_SECONDS)
            finally:
                self._writers -= 1
            self._writing = True
            self._close_reader()
        try:
            with self._exclusive(deadline):
                writer = self._connect_writer(deadline)
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
        finally:
            with self._cond:
                self._writing = False
                self._tables = None  # the write may have created a table
                self._cond.notify_all()

    @contextmanager
    def _exclusive(self, deadline: float) -> Iterator[None]:
        """The turnstile, then the lock, both exclusive: no process has the file open after."""
        turnstile_fd = _open_lock_file(self._turnstile_path)
        lock_fd = _open_lock_file(self._lock_path)
        try:
            if not (
                _flock_until(turnstile_fd, fcntl.LOCK_EX if fcntl else 0, deadline)
                and _flock_until(lock_fd, fcntl.LOCK_EX if fcntl else 0, deadline)
            ):
                raise self._busy()
            yield
        finally:
            _close_fd(lock_fd)  # the lock first: readers passing the turnstile find it free
            _close_fd(turnstile_fd)

    def _connect_writer(self, deadline: float) -> duckdb.DuckDBPyConnection:
        # A process outside this protocol (the DuckDB CLI, no lock files) may still hold the
        # file: DuckDB then refuses with a lock error, so try again until the deadline.
        while True:
            try:
                return duckdb.connect(str(self.path), config=READER_CONFIG)
            except duckdb.IOException as error:
                if not _is_lock_conflict(error) or time.monotonic() >= deadline:
                    if _is_lock_conflict(error):
                        raise self._busy() from error
                    raise
                time.sleep(POLL_SECONDS)

    def _busy(self) -> errors.InputError:
        return errors.InputError(CODES["busy"], file=self.path.name, seconds=round(WRITE_TIMEOUT))

    def version(self) -> tuple[str, tuple[int, int] | None]:
        """Changes whenever the file is written or replaced: a key for cached results."""
        return (str(self.path), _file_identity(self.path))

    def close(self) -> None:
        """Lets go of the file now (the next query reopens it)."""
        with self._cond:
            while self._active or self._opening or self._writing:
                self._cond.wait(POLL_SECONDS)
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
