"""Earlier versions of the database file: kept on every replace import, restored on request.

    python -m cli.versions --db PATH list
    python -m cli.versions --db PATH restore NAME --actor LOGIN

Before a replace import (or a restore) swaps a new file in, the file it replaces is kept as a
version in ``<db>.versions/<timestamp>_<n>.duckdb`` with one line in ``manifest.json``: when it
was put aside, by whom and why, and what it holds (customers, orders, order date range). Only
the newest ``keep`` versions stay (default 5; ``CLV_KEEP_VERSIONS`` changes it); older ones are
deleted.

The version is a hard link to the old file: the rename that puts the new file in place leaves
the old contents to the version alone, so keeping one costs no copy and no time.

:func:`restore` builds a complete new file from a version and swaps it in with the importer's
atomic swap under the importer's lock (clv_engine/imports/swap.py): the current file is first kept as a version itself.
What replace mode keeps (users, the audit log, saved scenarios, call lists ...) comes from the
current file, not from the version: a restore brings back the data, never an old list of users
or a shortened audit trail. The ``restore`` audit entry is written into the new file before
the swap, so the restore and its record happen together or not at all.

No streamlit here.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from clv_engine import errors
from clv_engine.access import append_audit
from clv_engine.db import apply_schema
from clv_engine.errors import InputError
from clv_engine.imports import swap
from clv_engine.imports.model import KEPT_ON_REPLACE, no_progress
from clv_engine.imports.summary import EMPTY, DataSummary, summarize

DEFAULT_KEEP = 5
KEEP_ENV = "CLV_KEEP_VERSIONS"
MANIFEST = "manifest.json"
REASONS = ("import", "restore")


CODES = errors.declare("versions", "unknown", "missing", "corrupt", "no_orders", "write")


class VersionError(InputError):
    """A version that cannot be restored; nothing was changed.

    ``name`` is why (a key of CODES), ``version`` the file, ``reason`` a detail.
    """

    def __init__(self, name: str, version: str, reason: str = "") -> None:
        super().__init__(CODES[name], version=version, reason=reason)
        self.name = name
        self.version = version
        self.reason = reason


@dataclass(frozen=True)
class Version:
    """One kept version (a line of the manifest)."""

    name: str  # file name inside the versions folder, e.g. 20261205T164700_3.duckdb
    number: int  # 1, 2, 3 ... in the order they were kept
    saved_at: str  # ISO time the file was put aside
    saved_by: str  # who replaced it (import or restore)
    reason: str  # "import" or "restore": what replaced it
    customers: int
    orders: int
    first_order: str | None  # ISO dates of the order date range
    last_order: str | None
    imported_at: str | None = None  # when the data in it was imported (its meta), if known

    @property
    def summary(self) -> DataSummary:
        day = lambda text: date.fromisoformat(text) if text else None  # noqa: E731
        return DataSummary(self.customers, self.orders, day(self.first_order), day(self.last_order))


def keep_count(keep: int | None = None) -> int:
    """How many versions to keep: ``keep``, else ``CLV_KEEP_VERSIONS``, else 5 (at least 1)."""
    if keep is None:
        try:
            keep = int(os.environ.get(KEEP_ENV, DEFAULT_KEEP))
        except ValueError:
            keep = DEFAULT_KEEP
    return max(1, int(keep))


def folder(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".versions")


def _read_manifest(db_path: Path) -> list[dict]:
    path = folder(db_path) / MANIFEST
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text("utf-8"))
    except ValueError:
        return []  # an unreadable manifest lists nothing; the files stay for a person to see
    return [e for e in entries if isinstance(e, dict) and "name" in e] if isinstance(entries, list) else []


def _write_manifest(db_path: Path, entries: list[dict]) -> None:
    # Written next to itself and renamed over: a reader never sees half a manifest.
    path = folder(db_path) / MANIFEST
    tmp = path.with_name(MANIFEST + ".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), "utf-8")
    if db_path.exists():  # it names who imported: no more readable than the database itself
        os.chmod(tmp, stat.S_IMODE(db_path.stat().st_mode))
    os.replace(tmp, path)


def list_versions(db_path: str | Path) -> list[Version]:
    """The kept versions, newest first."""
    fields = set(Version.__dataclass_fields__)
    out = []
    for entry in _read_manifest(Path(db_path)):
        try:
            out.append(Version(**{k: v for k, v in entry.items() if k in fields}))
        except TypeError:
            continue  # a line missing fields is not offered for restore
    return sorted(out, key=lambda v: v.number, reverse=True)


def keep_version(db_path: str | Path, *, reason: str, actor: str, keep: int | None = None) -> Version | None:
    """Keep the current file of ``db_path`` as a version (a hard link), then prune to ``keep``.

    Called just before a new file is renamed over ``db_path``. Returns the version, or None
    when there is no file yet.
    """
    db_path = Path(db_path)
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {', '.join(REASONS)}, got {reason!r}")
    if not db_path.exists():
        return None
    where = folder(db_path)
    where.mkdir(exist_ok=True)
    entries = _read_manifest(db_path)
    numbers = [int(e.get("number", 0)) for e in entries] + [
        int(p.stem.rsplit("_", 1)[-1])
        for p in where.glob("*_*.duckdb")
        if p.stem.rsplit("_", 1)[-1].isdigit()
    ]
    number = max(numbers, default=0) + 1
    now = datetime.now().replace(microsecond=0)
    name = f"{now:%Y%m%dT%H%M%S}_{number}.duckdb"
    path = where / name
    try:
        os.link(db_path, path)
    except OSError:  # a file system without hard links: a copy
        shutil.copy2(db_path, path)
    wal = Path(str(db_path) + ".wal")
    if wal.exists():  # changes not yet checkpointed belong with the file
        shutil.copy2(wal, Path(str(path) + ".wal"))
    try:
        data, imported = summarize(path)
    except duckdb.Error:
        data, imported = EMPTY, None
    version = Version(
        name=name,
        number=number,
        saved_at=now.isoformat(),
        saved_by=str(actor),
        reason=reason,
        customers=data.customers,
        orders=data.orders,
        first_order=data.first_order.isoformat() if data.first_order else None,
        last_order=data.last_order.isoformat() if data.last_order else None,
        imported_at=str(imported) if imported else None,
    )
    entries.append(asdict(version))
    _write_manifest(db_path, _prune(db_path, entries, keep_count(keep)))
    return version


def _prune(db_path: Path, entries: list[dict], keep: int) -> list[dict]:
    """The newest ``keep`` entries; the files of the others are deleted."""
    entries = sorted(entries, key=lambda e: int(e.get("number", 0)))
    old, kept = entries[:-keep], entries[-keep:]
    for entry in old:
        for leftover in (folder(db_path) / entry["name"], folder(db_path) / (entry["name"] + ".wal")):
            leftover.unlink(missing_ok=True)
    return kept


def _check(db_path: Path, name: str) -> Path:
    """The path of a restorable version, or VersionError saying why it is not."""
    if name not in {v.name for v in list_versions(db_path)}:
        raise VersionError("unknown", name)
    path = folder(db_path) / name
    if not path.is_file():
        raise VersionError("missing", name)
    try:
        data, _ = summarize(path)
    except duckdb.Error as error:
        # DuckDB's message names the full path: the file name is enough (and no server path shown).
        reason = str(error).splitlines()[0].replace(str(path), name) if str(error) else ""
        raise VersionError("corrupt", name, reason) from error
    if data.orders == 0:
        raise VersionError("no_orders", name)
    return path


def restore(db_path: str | Path, name: str, *, actor: str, keep: int | None = None) -> Version | None:
    """Make version ``name`` the current data of ``db_path``; returns the version kept of the
    file it replaced.

    Raises VersionError (nothing changed) for a version that is not listed, missing or not a
    readable database, or a new file that cannot be written; ImportBusy while an
    import runs.
    """
    db_path = Path(db_path)
    with swap.import_lock(db_path):
        source = _check(db_path, name)
        wanted = next(v for v in list_versions(db_path) if v.name == name)
        new = db_path.with_name(db_path.name + ".importing")  # cleaned by the importer if killed
        swap.remove_leftovers(db_path)
        work = Path(tempfile.mkdtemp(prefix=f"{db_path.name}.work-", dir=db_path.parent))
        try:
            shutil.copyfile(source, new)
            wal = Path(str(source) + ".wal")
            if wal.exists():
                shutil.copyfile(wal, Path(str(new) + ".wal"))
            con = duckdb.connect(str(new), config={"temp_directory": str(work)})
            try:
                apply_schema(con)
                if db_path.exists():
                    _carry_kept_tables(con, db_path)
                con.execute("BEGIN TRANSACTION")
                append_audit(
                    con,
                    actor,
                    "restore",
                    {
                        "version": name,
                        "number": wanted.number,
                        "saved_at": wanted.saved_at,
                        "customers": wanted.customers,
                        "orders": wanted.orders,
                        "first_order": wanted.first_order,
                        "last_order": wanted.last_order,
                    },
                )
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            swap.fsync(new)
            kept = keep_version(db_path, reason="restore", actor=actor, keep=keep)
            swap.swap_in(new, db_path, no_progress)
        except (OSError, duckdb.IOException) as error:  # disk full, read-only folder ...
            swap.remove_file(new)
            raise VersionError("write", name, str(error).splitlines()[0] if str(error) else "") from error
        except BaseException:
            swap.remove_file(new)
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return kept


def _carry_kept_tables(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Users, audit log, scenarios ... from the current file into the restored one."""
    con.execute("ATTACH ? AS cur (READ_ONLY)", [str(db_path)])
    try:
        current = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'cur'"
            ).fetchall()
        }
        for table in KEPT_ON_REPLACE:
            if table not in current:
                continue
            mine = _columns(con, con.execute("SELECT current_database()").fetchone()[0], table)
            theirs = _columns(con, "cur", table)
            common = ", ".join(f'"{c}"' for c in mine if c in theirs)
            # Names come from the schema and duckdb's own catalogue, never from a user.
            con.execute(f'DELETE FROM main."{table}"')
            if common:
                con.execute(f'INSERT INTO main."{table}" ({common}) SELECT {common} FROM cur."{table}"')
    finally:
        con.execute("DETACH cur")


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
            "AND table_name = ? ORDER BY column_index",
            [database, table],
        ).fetchall()
    ]
