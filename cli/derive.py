"""Build (or refresh) the per-customer tables of a database file (clv_engine.derived): for a
file imported or generated before they existed, or after its data was changed in place.

    python -m cli.derive [PATH]      (PATH: $CLV_DB, else the bundled sample)

Every step is printed with the seconds it took. The tables are committed step by step (a date's
tables at a time: a single transaction of ten million customers' rows passed DuckDB's memory
limit); a failure leaves the file's data as it was and no usable derived table (no
``derived_meta``: the pages compute, as before the tables). ``--memory-limit`` bounds DuckDB's
memory (it spills to ``PATH.tmp`` beyond it); the per-customer steps run as many customers at a
time as it holds (``clv_engine.derived.chunks``: 2 million in 4GB, a line per range). The data
check of the new tables is left beside the file (``<PATH>.derived-check.json``): the app's
first process after the build reads it instead of passing over every order; the figures the
pages' first renders would work out are worked out then too ("prime" lines). It writes through the app's own write path
(``Database.write_transaction``), so it may run while the app is serving: pages wait for it as
for any write (an import builds the tables itself).

Exit status: 0 built (or nothing to build: no order), 1 the file could not be written.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from clv_engine.db import Database, default_db_path
from clv_engine.derived import store
from clv_engine.derived.build import build, kept_checks
from clv_engine.derived.prime import prime
from clv_engine.errors import InputError
from clv_engine.imports import swap
from wording.errors import explain

# DuckDB's memory for the build: beyond it, it spills to ``<file>.tmp`` (10M customers in 4 GB).
MEMORY_LIMIT = "4GB"


def derive(path: Path, out=print, memory_limit: str = MEMORY_LIMIT) -> object:
    """Build the tables in ``path``; returns the date they were built for (None: no order)."""
    started = time.perf_counter()

    def step(fraction: float, name: str) -> None:
        out(f"[{fraction:4.0%}] {name:<7} {time.perf_counter() - started:7.1f} s")

    db = Database(path)
    try:
        with swap.import_lock(path), db.write_transaction() as con:
            con.execute("SET enable_progress_bar = false")
            con.execute(f"SET memory_limit = '{_checked_size(memory_limit)}'")
            # The file's own temporary directory (DuckDB's default, ``<file>.tmp``) takes the spill.
            as_of = build(con, step)
            checks = kept_checks(con)
    finally:
        db.close()
    # The data check of the tables just built, beside the closed file: the app's first process
    # reads it instead of passing over every order (store.remembered).
    store.remember(path, checks)
    if as_of is not None:
        _prime(path, step)
    return as_of


def _prime(path: Path, step) -> None:
    """The figures the pages' first renders would work out, worked out now (clv_engine.derived
    .prime). A failure there loses nothing: the pages work them out as before."""
    try:
        prime(path, lambda name: step(1.0, f"prime {name}"))
    except Exception as error:  # noqa: BLE001 (the tables are built; the pages compute instead)
        print(f"note: the pages' figures were not primed ({type(error).__name__}: {error})", file=sys.stderr)


def _checked_size(text: str) -> str:
    """A DuckDB size such as "4GB" or "512MB" (spliced into SET, which takes no parameter)."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip(), re.IGNORECASE):
        raise ValueError(f"memory limit: expected a size such as 4GB, got {text!r}")
    return text.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cli.derive", description="Build the per-customer tables of a database file."
    )
    parser.add_argument("path", nargs="?", help="the DuckDB file (default: $CLV_DB, else the sample)")
    parser.add_argument(
        "--memory-limit",
        default=MEMORY_LIMIT,
        help=f"DuckDB's memory for the build, spilling to PATH.tmp beyond it (default {MEMORY_LIMIT})",
    )
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else default_db_path()
    if not path.is_file():
        print(f"error: no database file at {path}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    try:
        as_of = derive(path, memory_limit=_checked_size(args.memory_limit))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except InputError as error:  # the import lock or the write lock is busy
        print(f"error: {explain(error, 'en')}", file=sys.stderr)
        return 1
    except (duckdb.Error, OSError) as error:
        print(f"error: {path}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    if as_of is None:
        print(f"{path}: no order, nothing to build ({took:.1f} s)")
    else:
        print(f"{path}: per-customer tables built for {as_of} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
