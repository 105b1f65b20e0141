"""Import a dealer's own export (orders, and optionally customers, stores, ...) from the command
line: the same check and import as the app's Import page (clv_engine/imports), the report
printed in the reader's language.

    python -m cli.imports orders.csv [--customers c.csv ...] --db PATH [--append]
                                     [--accept-clean-rows] [--check] [--lang zh]

Exit status: 0 imported (or, with --check, every row fine), 2 not imported (problems), 1 the
import could not run (busy, a folder that cannot be written, a bad option).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from clv_engine.errors import InputError
from clv_engine.export import to_csv_bytes
from clv_engine.imports.fields import KINDS, guess_mapping
from clv_engine.imports.model import DEFAULT_MARGIN, ImportOptions, ImportRejected, Source
from clv_engine.imports.run import check_import, run_import
from clv_engine.imports.stage import read_sample, saved_mappings
from wording import t
from wording.errors import explain
from wording.imports import problem_table, report_text

OPTIONAL_FILES = {
    "customers": "--customers",
    "stores": "--stores",
    "channel_spend": "--channel-spend",
    "complaints": "--complaints",
    "referrals": "--referrals",
    "warranties": "--warranties",
    "events": "--events",
    "competitors": "--competitors",
    "appointments": "--appointments",
    "kpis": "--kpis",
    "contacts": "--contacts",
}


def _parse_mapping(items: Sequence[str]) -> dict[str, dict[str, str]]:
    """--map orders.customer_id=客户编号 -> {"orders": {"customer_id": "客户编号"}}."""
    out: dict[str, dict[str, str]] = {}
    for item in items:
        left, sep, header = item.partition("=")
        kind, dot, name = left.partition(".")
        if not sep or not dot or kind not in KINDS:
            raise ValueError(f"--map {item!r}: expected KIND.FIELD=HEADER, e.g. orders.customer_id=客户编号")
        out.setdefault(kind, {})[name] = header
    return out


def _sources_from_args(args: argparse.Namespace) -> list[Source]:
    overrides = _parse_mapping(args.map or [])
    files = [("orders", args.orders)] if args.orders else []
    files += [(kind, getattr(args, kind)) for kind in OPTIONAL_FILES if getattr(args, kind)]
    sources = []
    for kind, path in files:
        mapping = None
        if kind in overrides:
            # Fields given on the command line win; the others are guessed as usual.
            mapping = {**_guess_for(Path(path), kind, args.sheet, args.db), **overrides[kind]}
        sources.append(Source(kind, Path(path), mapping, args.sheet))
    return sources


def _guess_for(path: Path, kind: str, sheet: str | None, db: str) -> dict[str, str]:
    headers = list(read_sample(path, 1, sheet).columns)
    return guess_mapping(kind, headers, saved_mappings(db).get(kind))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cli.imports",
        description="Import a dealer's export (CSV, Excel .xlsx, Parquet) into the CLV database.",
    )
    parser.add_argument("orders", nargs="?", help="order file: customer id, order date, amount, ...")
    for kind, flag in OPTIONAL_FILES.items():
        parser.add_argument(flag, dest=kind, metavar="FILE", help=f"optional {kind} file")
    parser.add_argument("--db", required=True, help="database file to replace (or append to)")
    parser.add_argument("--append", action="store_true", help="add to the data instead of replacing it")
    parser.add_argument(
        "--accept-clean-rows",
        action="store_true",
        help="import the rows without problems even when other rows have problems",
    )
    parser.add_argument("--check", action="store_true", help="only check the files; write nothing")
    parser.add_argument(
        "--map",
        action="append",
        metavar="KIND.FIELD=HEADER",
        help="map a column by hand, e.g. orders.customer_id=客户编号 (repeatable)",
    )
    parser.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    parser.add_argument(
        "--default-margin",
        type=float,
        default=DEFAULT_MARGIN,
        help="gross margin assumed when the orders carry no gross profit (default 0.35)",
    )
    parser.add_argument(
        "--currency",
        help="currency of the amounts, an ISO code such as CNY, USD, EUR "
        "(default: the database's, CNY for a new one)",
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="dates after this are errors (default: today)"
    )
    parser.add_argument("--problems-csv", metavar="FILE", help="write the problem list to this CSV file")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 4GB")
    args = parser.parse_args(argv)

    options = ImportOptions(
        mode="append" if args.append else "replace",
        default_margin=args.default_margin,
        today=args.today,
        memory_limit=args.memory_limit,
        currency=args.currency.upper() if args.currency else None,
    )
    started = time.perf_counter()
    try:
        sources = _sources_from_args(args)
        if args.check:
            report = check_import(sources, args.db, options)
        else:
            report = run_import(sources, args.db, options, args.accept_clean_rows)
    except ImportRejected as rejected:
        report = rejected.report
    except InputError as error:  # busy, the database cannot be written ...: nothing changed
        print(f"error: {explain(error, args.lang)}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as error:  # a bad option on the command line
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report_text(report, args.lang))
    if args.problems_csv and not report.problems.empty:
        # Neutralised like every download: a value such as "=HYPERLINK(...)" stays text in Excel.
        Path(args.problems_csv).write_bytes(to_csv_bytes(problem_table(report, args.lang)))
    if report.imported:
        print(t("imp.text.elapsed", args.lang, s=f"{time.perf_counter() - started:.1f}"))
        return 0
    if args.check and report.can_import and not report.rejected_rows:
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
