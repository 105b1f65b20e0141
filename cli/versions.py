"""The kept versions of the database from the command line: a director without the app.

python -m cli.versions --db PATH list
python -m cli.versions --db PATH restore NAME --actor LOGIN
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from clv_engine.imports.model import ImportBusy
from clv_engine.imports.versions import VersionError, list_versions, restore
from wording.errors import explain


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cli.versions", description="List the kept versions of the database, or restore one."
    )
    parser.add_argument("--db", required=True, help="the DuckDB file")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the kept versions, newest first")
    back = sub.add_parser("restore", help="make a kept version the current data")
    back.add_argument("name", help="the version's file name, as listed")
    back.add_argument("--actor", default="command line", help="who restores (for the audit log)")
    args = parser.parse_args(argv)
    if args.command == "list":
        for v in list_versions(args.db):
            print(
                f"{v.name}  put aside {v.saved_at} by {v.saved_by} ({v.reason}); "
                f"{v.customers} customers, {v.orders} orders, {v.first_order or '-'} .. {v.last_order or '-'}"
            )
        return 0
    try:
        kept = restore(args.db, args.name, actor=args.actor)
    except VersionError as error:
        print(f"error: {explain(error, 'en')}", file=sys.stderr)
        return 2
    except ImportBusy as error:
        print(f"error: {explain(error, 'en')}", file=sys.stderr)
        return 1
    print(f"restored {args.name}" + (f"; the replaced data is kept as {kept.name}" if kept else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
