"""The two entry points of an import, the same from the command line and from the app.

1. :func:`check_import` reads every file as text, maps its headers to our fields (guessed from
   common English and Chinese names, or the mapping saved with the last import), parses and
   checks every row, and returns an :class:`ImportReport` listing each problem with file, row,
   column and value. Nothing is written.
2. :func:`run_import` does the same checks and, when there are no errors or the caller accepts
   the clean rows, writes a complete new database file next to the target, keeps the file it
   replaces as a version (clv_engine/imports/versions.py) and as ``<name>.bak``, and renames
   the new one over it (clv_engine/imports/swap.py).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from clv_engine.derived import store
from clv_engine.derived.build import build_or_drop, kept_checks
from clv_engine.derived.prime import prime_or_log
from clv_engine.imports import swap, versions
from clv_engine.imports.model import (
    OLD,
    ImportOptions,
    ImportRejected,
    ImportReport,
    ImportWriteError,
    Progress,
    Source,
    no_progress,
)
from clv_engine.imports.stage import stage
from clv_engine.imports.write import table_counts, write_database


def check_import(
    sources: Sequence[Source],
    db_path: str | Path | None = None,
    options: ImportOptions = ImportOptions(),
    progress: Progress = no_progress,
) -> ImportReport:
    """Read and check ``sources`` against the database at ``db_path``; nothing is written."""
    if db_path is not None and Path(db_path).is_dir():
        raise ImportWriteError("is_directory", Path(db_path).name, str(db_path))
    work = Path(tempfile.mkdtemp(prefix="clv_import_check_"))
    con = _connect(":memory:", work, options)
    try:
        return stage(con, sources, Path(db_path) if db_path else None, options, work, progress).report
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


def run_import(
    sources: Sequence[Source],
    db_path: str | Path,
    options: ImportOptions = ImportOptions(),
    accept_clean_rows: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Check and import ``sources`` into ``db_path`` atomically; returns the report.

    Raises :class:`ImportRejected` (nothing written) when a file cannot be used, or when rows
    have errors and ``accept_clean_rows`` is false. Raises :class:`ImportBusy` when another
    import of the same database runs.
    """
    target = Path(db_path)
    if target.is_dir():
        raise ImportWriteError("is_directory", target.name, str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with swap.import_lock(target):
            return _import_locked(sources, target, options, accept_clean_rows, progress)
    except (OSError, duckdb.IOException) as error:
        # Disk full, a read-only folder ...: a clear message; the old file is untouched.
        raise swap.write_error(error, target) from error


def _import_locked(
    sources: Sequence[Source],
    target: Path,
    options: ImportOptions,
    accept_clean_rows: bool,
    progress: Progress,
) -> ImportReport:
    new = target.with_name(target.name + ".importing")
    swap.remove_leftovers(target)
    work = Path(tempfile.mkdtemp(prefix=f"{target.name}.work-", dir=target.parent))
    try:
        con = _connect(str(new), work, options)
        try:
            staged = stage(con, sources, target, options, work, progress)
            report = staged.report
            if not report.can_import or (report.rejected_rows and not accept_clean_rows):
                raise ImportRejected(report)
            progress(0.5, "writing")
            write_database(con, staged, options)
            # The per-customer tables of the new data, in the new file (clv_engine.derived);
            # should it fail, the import still lands and the pages compute them as before.
            progress(0.6, "deriving")
            build_or_drop(con, lambda done, _step: progress(0.6 + 0.2 * done, "deriving"))
            checks = kept_checks(con)  # their data check, remembered beside the file once swapped in
            progress(0.8, "loaded")
            con.execute("CHECKPOINT")
            report.written = table_counts(con)
            if staged.has_old:
                con.execute(f"DETACH {OLD}")
        finally:
            con.close()
        swap.fsync(new)
        progress(0.9, "saved")
        if options.mode == "replace":
            # The file being replaced stays restorable (clv_engine/imports/versions.py), not only as .bak.
            versions.keep_version(target, reason="import", actor=options.actor, keep=options.keep_versions)
        report.backup = swap.swap_in(new, target, progress)
        store.remember(target, checks)  # the first process after the import: no pass over the orders
        report.database = str(target)
        progress(0.95, "priming")
        prime_or_log(target)  # the figures the pages' first renders would work out
    except BaseException:
        swap.remove_file(new)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(1.0, "done")
    return report


def _connect(path: str, work: Path, options: ImportOptions) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, config=_config(work, options))
    # No DuckDB progress bar on the terminal: the caller's progress callback reports the steps.
    con.execute("SET enable_progress_bar = false")
    # No automatic checkpoint halfway: it would compress the staging tables (10M rows: seconds
    # each time) and write a file that is checkpointed once, at the end, anyway.
    con.execute("SET checkpoint_threshold = '1TB'")
    return con


def _config(work: Path, options: ImportOptions) -> dict[str, str]:
    config = {"temp_directory": str(work)}
    if options.memory_limit:
        config["memory_limit"] = options.memory_limit
    return config
