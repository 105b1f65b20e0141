"""Who may do what: users, roles, store scope and the audit log (no streamlit here).

A run of the app works for one :class:`Viewer`: the logged-in user found in the ``users``
table, or, without a login configured, the single local user with every right. The viewer is
made once per run and travels in the page Context; a page asks it ``viewer.can_import`` and
passes every requested store scope through :func:`effective_stores`, which never widens what
the viewer may see.

Rights per role (one table, ``ROLE_RIGHTS``):

=================  ========  ============  ==============  ========  =========
role               stores    import data   manage users    export    scenarios
                                           (+ audit log)   customer  save/delete
                                                           lists
=================  ========  ============  ==============  ========  =========
director           all       yes           yes             yes       yes
store_manager      own       no            no              own only  no
analyst            all       no            no              no        no
=================  ========  ============  ==============  ========  =========

Users and audit entries are written through ``Database.write_transaction()`` (all or nothing,
on disk when the call returns), like saved scenarios.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from clv_engine import errors
from clv_engine.db import Database, apply_schema
from clv_engine.errors import InputError

DIRECTOR = "director"
STORE_MANAGER = "store_manager"
ANALYST = "analyst"
ROLES = (DIRECTOR, STORE_MANAGER, ANALYST)

# What each role may do. "all_stores": sees every store; otherwise only the user's own stores.
ROLE_RIGHTS: dict[str, dict[str, bool]] = {
    DIRECTOR: {
        "all_stores": True,
        "import": True,
        "admin_users": True,
        "export_customers": True,
        "save_scenarios": True,
    },
    STORE_MANAGER: {
        "all_stores": False,
        "import": False,
        "admin_users": False,
        "export_customers": True,
        "save_scenarios": False,
    },
    ANALYST: {
        "all_stores": True,
        "import": False,
        "admin_users": False,
        "export_customers": False,
        "save_scenarios": False,
    },
}

# Audit actions (the ``action`` column of audit_log).
ACTIONS = ("import", "restore", "scenario_save", "scenario_delete", "user_change", "export_customers")

LOCAL_LOGIN = "local"
MAX_TEXT = 200
USER_COLUMNS = ["login", "display_name", "role", "stores", "created_at", "updated_at"]
AUDIT_COLUMNS = ["logged_at", "actor", "action", "details"]


CODES = errors.declare(
    "access",
    "login_empty",
    "too_long",
    "login_space",
    "login_reserved",
    "role",
    "no_stores",
    "unknown_stores",
    "last_director",
    "action",
    "refused",
)


class AccessError(InputError):
    """A user that cannot be saved, or a right the viewer lacks: ``AccessError(name, field=...,
    **details)`` with ``name`` one of CODES; ``details["field"]`` names the field at fault.
    A page words it with ``wording.errors.explain`` (``error.access.<name>`` in the catalogue).
    """

    def __init__(self, name: str, **details: object) -> None:
        super().__init__(CODES[name], **details)
        self.name = name


@dataclass(frozen=True)
class Viewer:
    """The person this run works for.

    ``stores`` is None for "every store"; a store manager has a tuple of their store ids.
    ``local`` marks the one user of a copy without login (all rights, bound to localhost).
    """

    login: str
    display_name: str
    role: str
    stores: tuple[str, ...] | None
    local: bool = False

    def _right(self, name: str) -> bool:
        return ROLE_RIGHTS[self.role][name]

    @property
    def can_import(self) -> bool:
        return self._right("import")

    @property
    def can_admin_users(self) -> bool:
        return self._right("admin_users")

    @property
    def can_read_audit(self) -> bool:
        return self._right("admin_users")

    @property
    def can_export_customers(self) -> bool:
        return self._right("export_customers")

    @property
    def can_save_scenarios(self) -> bool:
        return self._right("save_scenarios")

    @property
    def sees_all_stores(self) -> bool:
        return self.stores is None

    def scope(self, requested: Sequence[str] | None) -> tuple[str, ...] | None:
        """The stores a query may read: see :func:`effective_stores`."""
        return effective_stores(requested, self.stores)


def local_viewer() -> Viewer:
    """The single user of a copy that runs without login: a director of every store."""
    return Viewer(login=LOCAL_LOGIN, display_name=LOCAL_LOGIN, role=DIRECTOR, stores=None, local=True)


def effective_stores(
    requested: Sequence[str] | None, allowed: Sequence[str] | None
) -> tuple[str, ...] | None:
    """The requested store scope cut down to what the viewer may see.

    ``None`` means "every store" on both sides. The result is None only when the viewer may see
    every store and asked for every store. An empty tuple means NO store (a store manager who
    asked only for other stores): callers must not read it as "all".
    """
    if allowed is None:
        return None if requested is None else tuple(dict.fromkeys(requested))
    allowed_set = set(allowed)
    if requested is None:
        return tuple(sorted(allowed_set))
    return tuple(s for s in dict.fromkeys(requested) if s in allowed_set)


# -- users -------------------------------------------------------------------------------
def normalize_login(login: object) -> str:
    """An email or OIDC subject as stored: trimmed, lower-case (emails are case-blind)."""
    text = "" if login is None else str(login).strip().lower()
    if not text:
        raise AccessError("login_empty", field="login")
    if len(text) > MAX_TEXT:
        raise AccessError("too_long", field="login", n=MAX_TEXT, got=len(text))
    if any(c.isspace() for c in text):
        raise AccessError("login_space", field="login")
    if text == LOCAL_LOGIN:
        raise AccessError("login_reserved", field="login", login=LOCAL_LOGIN)
    return text


def _clean_user(
    login: object, display_name: object, role: object, stores: Iterable[str] | None
) -> tuple[str, str, str, list[str] | None]:
    login = normalize_login(login)
    name = ("" if display_name is None else str(display_name)).strip() or login
    if len(name) > MAX_TEXT:
        raise AccessError("too_long", field="display_name", n=MAX_TEXT, got=len(name))
    if role not in ROLES:
        raise AccessError("role", field="role", role=str(role))
    store_list = sorted({str(s).strip() for s in (stores or []) if str(s).strip()})
    if ROLE_RIGHTS[role]["all_stores"]:
        # A director or analyst sees every store; a list here would only mislead.
        return login, name, role, None
    if not store_list:
        raise AccessError("no_stores", field="stores")
    return login, name, role, store_list


def _ensure_tables(con) -> None:
    # A file written before logins existed gets the tables here (IF NOT EXISTS).
    apply_schema(con)


def save_user(
    db: Database,
    login: str,
    display_name: str,
    role: str,
    stores: Iterable[str] | None = None,
    *,
    actor: str = LOCAL_LOGIN,
) -> str:
    """Add or change one user (same login again: changed); audited as ``user_change``.

    Store ids must exist in ``stores``. Returns the stored login.
    """
    login, name, role, store_list = _clean_user(login, display_name, role, stores)
    now = datetime.now().replace(microsecond=0)
    with db.write_transaction() as con:
        _ensure_tables(con)
        if store_list:
            known = {
                r[0]
                for r in con.execute(
                    "SELECT store_id FROM stores WHERE store_id IN (SELECT unnest(?))", [store_list]
                ).fetchall()
            }
            unknown = [s for s in store_list if s not in known]
            if unknown:
                raise AccessError("unknown_stores", field="stores", stores=", ".join(unknown))
        before = con.execute("SELECT role, stores FROM users WHERE login = ?", [login]).fetchone()
        if before is None:
            con.execute(
                "INSERT INTO users (login, display_name, role, stores, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [login, name, role, store_list, now, now],
            )
        else:
            con.execute(
                "UPDATE users SET display_name = ?, role = ?, stores = ?, updated_at = ? WHERE login = ?",
                [name, role, store_list, now, login],
            )
        append_audit(
            con,
            actor,
            "user_change",
            {
                "login": login,
                "change": "added" if before is None else "changed",
                "role": role,
                "stores": store_list,
                **({} if before is None else {"role_before": before[0], "stores_before": before[1]}),
            },
        )
    return login


def delete_user(db: Database, login: str, *, actor: str = LOCAL_LOGIN) -> bool:
    """Remove one user; True if they existed. The last director cannot be removed."""
    login = normalize_login(login)
    if "users" not in db.tables():
        return False
    with db.write_transaction() as con:
        row = con.execute("SELECT role FROM users WHERE login = ?", [login]).fetchone()
        if row is None:
            return False
        if row[0] == DIRECTOR:
            directors = con.execute("SELECT count(*) FROM users WHERE role = ?", [DIRECTOR]).fetchone()[0]
            if directors <= 1:
                raise AccessError("last_director", field="login")
        con.execute("DELETE FROM users WHERE login = ?", [login])
        append_audit(con, actor, "user_change", {"login": login, "change": "removed", "role": row[0]})
    return True


def list_users(db: Database) -> pd.DataFrame:
    """Every user, by login."""
    if "users" not in db.tables():
        return pd.DataFrame(columns=USER_COLUMNS)
    return db.query_df(f"SELECT {', '.join(USER_COLUMNS)} FROM users ORDER BY login")


def find_viewer(db: Database, login: object) -> Viewer | None:
    """The viewer for a logged-in email or subject, or None when they are not a user."""
    try:
        login = normalize_login(login)
    except AccessError:
        return None
    if "users" not in db.tables():
        return None
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT login, display_name, role, stores FROM users WHERE login = ?", [login]
        ).fetchone()
    if row is None or row[2] not in ROLES:
        return None
    stores = None if ROLE_RIGHTS[row[2]]["all_stores"] else tuple(row[3] or ())
    return Viewer(login=row[0], display_name=row[1], role=row[2], stores=stores)


# -- audit -------------------------------------------------------------------------------
def append_audit(con, actor: str, action: str, details: dict[str, Any]) -> None:
    """Append one audit entry inside the caller's write transaction (all or nothing with it)."""
    if action not in ACTIONS:
        raise AccessError("action", field="action", action=str(action))
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    con.execute(
        "INSERT INTO audit_log (audit_id, logged_at, actor, action, details) VALUES (?, ?, ?, ?, ?)",
        # Full clock precision: entries of the same second keep their order.
        [str(uuid.uuid4()), datetime.now(), str(actor), action, text],
    )


def audit(db: Database, actor: str, action: str, details: dict[str, Any] | None = None) -> None:
    """Append one entry to the audit log (its own transaction)."""
    with db.write_transaction() as con:
        _ensure_tables(con)
        append_audit(con, actor, action, details or {})


def audit_log(db: Database, limit: int = 500, action: str | None = None) -> pd.DataFrame:
    """The newest ``limit`` audit entries (logged_at, actor, action, details), newest first."""
    if "audit_log" not in db.tables():
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    return db.query_df(
        f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log {where} ORDER BY logged_at DESC, audit_id LIMIT ?",
        [*params, int(limit)],
    )


def import_details(report: Any) -> dict[str, Any]:
    """What an audit entry says about a finished import (an importer.ImportReport): the mode,
    each file's kind, name and rows taken, the table sizes after, and the backup kept."""
    return {
        "mode": report.mode,
        "files": [{"kind": s.kind, "name": s.name, "rows": s.clean} for s in report.sources],
        "rows_after": dict(report.written),
        "backup": Path(report.backup).name if report.backup else None,
    }


def export_details(what: str, rows: int, stores: Sequence[str] | None) -> dict[str, Any]:
    """What an audit entry says about an exported customer list."""
    return {"list": what, "rows": int(rows), "stores": "all" if stores is None else list(stores)}


def require(viewer: Viewer, right: str) -> None:
    """Raise AccessError unless ``viewer`` has ``right`` (a ROLE_RIGHTS key)."""
    if not ROLE_RIGHTS[viewer.role][right]:
        raise AccessError("refused", right=right, role=viewer.role, login=viewer.login)
