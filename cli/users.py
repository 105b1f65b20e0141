"""The app's users from the command line: the first director of a new deployment.

python -m cli.users --db PATH add boss@example.cn --role director
python -m cli.users --db PATH remove LOGIN
python -m cli.users --db PATH list
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from clv_engine.access import ROLES, AccessError, delete_user, list_users, save_user
from clv_engine.db import Database
from wording.errors import explain


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cli.users",
        description="Add, change, remove or list the app's users (for the first director).",
    )
    parser.add_argument("--db", required=True, help="the DuckDB file")
    parser.add_argument("--lang", default="en", choices=("en", "zh"), help="language of the messages")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add or change a user")
    add.add_argument("login", help="the email (or OIDC subject) the identity provider reports")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--stores", default="", help="store ids, comma-separated (store managers)")
    remove = sub.add_parser("remove", help="remove a user")
    remove.add_argument("login")
    sub.add_parser("list", help="list users")
    args = parser.parse_args(argv)
    db = Database(args.db)
    try:
        if args.command == "add":
            stores = [s for s in args.stores.split(",") if s.strip()]
            print(save_user(db, args.login, args.name, args.role, stores, actor="command line"))
        elif args.command == "remove":
            print("removed" if delete_user(db, args.login, actor="command line") else "not found")
        else:
            print(list_users(db).to_string(index=False))
    except AccessError as error:
        field = error.details.get("field")
        print(f"error: {field + ': ' if field else ''}{explain(error, args.lang)}", file=sys.stderr)
        return 2
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
