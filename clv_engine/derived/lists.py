"""The results page's returns of the issued call lists, kept per data version (issue 14: ten
million customers, fifty million orders).

Whether a list member came back (an order in the list's window: ``clv_engine.results``) is a
pass over every order: fifteen seconds at fifty million on a busy machine, on every first
render of the results page. It depends on the list (its members, issue date, window) and the
orders alone, not on the contacts recorded since. Kept at build, per list, risk level and
group (no customer row: nothing for a store scope to cut, which computes), with a hash of the
members counted:

- ``derived_list_returns``: list_id, level, control, members (count), members_hash (sum of
  the members' ``hash(customer_id)``), returned (count);
- ``derived_list_meta``: the format, a hash of the SQL, and the derived tables' fingerprint
  (``derived_meta``'s: the orders' customer, day, revenue and profit) they go with.

Read for an unscoped database while the derived tables are usable (``store.stored``: the
orders unchanged) and their fingerprint is the one kept here; a list is used only when its
members, level by level, hash the same (a list issued after the build, or another file's:
computed). Built by :func:`build` in ``clv_engine.derived.build``, dropped with the others.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import duckdb
import pandas as pd

from clv_engine.derived import store
from clv_engine.scope import scope_of

TABLE = "derived_list_returns"
META_TABLE = "derived_list_meta"
TABLES = (TABLE, META_TABLE)
FORMAT_VERSION = 1

# Per list, level and group: the members and those who came back (``results._MEMBERS_SQL``'s
# ``returned``, the same EXISTS).
RETURNS_SQL = """
SELECT m.list_id, m.level, m.control, count(*) AS members,
       CAST(coalesce(sum(hash(m.customer_id)), 0) AS VARCHAR) AS members_hash,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM orders o WHERE o.customer_id = m.customer_id
           AND o.order_date > l.issued_on AND o.order_date <= l.issued_on + l.window_days)) AS returned
FROM call_list_members m
JOIN call_lists l USING (list_id)
GROUP BY m.list_id, m.level, m.control
"""

# The same members' counts and hashes read back from the members (no order): what a kept list
# is checked against.
MEMBERS_SQL = """
SELECT list_id, level, control, count(*) AS members,
       CAST(coalesce(sum(hash(customer_id)), 0) AS VARCHAR) AS members_hash
FROM call_list_members
WHERE list_id IN ({marks})
GROUP BY list_id, level, control
"""


def code_key() -> str:
    return hashlib.sha256(json.dumps([RETURNS_SQL, FORMAT_VERSION]).encode()).hexdigest()


def drop(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        con.execute(f"DROP TABLE IF EXISTS main.{table}")


def build(con: duckdb.DuckDBPyConnection, reader: Any) -> int:
    """(Re)build the tables in ``con``'s file (``reader``: the same connection), after
    ``derived_meta``; returns the number of lists kept (none without lists or orders)."""
    drop(con)
    present = reader.tables()
    if not {"call_lists", "call_list_members", "orders", store.META_TABLE} <= present:
        return 0
    con.execute(f"CREATE TABLE main.{TABLE} AS {RETURNS_SQL}")
    meta = {
        "format": str(FORMAT_VERSION),
        "code": code_key(),
        "fingerprint": store.read_meta(reader).get("fingerprint", ""),
    }
    con.execute(f"CREATE TABLE main.{META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO main.{META_TABLE} VALUES (?, ?)", [[k, v] for k, v in meta.items()])
    return int(reader.query_value(f"SELECT count(DISTINCT list_id) FROM main.{TABLE}"))


def _check(group: Any) -> bool:
    if not set(TABLES) <= group.tables():
        return False
    frame = group.query_df(f"SELECT key, value FROM {META_TABLE}")
    meta = dict(zip(frame["key"], frame["value"]))
    try:
        if int(meta.get("format", "0")) != FORMAT_VERSION or meta.get("code") != code_key():
            return False
        if store.stored(group) is None:  # the orders changed since the build
            return False
        return json.loads(meta["fingerprint"]) == json.loads(store.read_meta(group)["fingerprint"])
    except (KeyError, ValueError, TypeError):
        return False


_checked = store.PerVersion(_check)


def forget() -> None:
    """Drop the remembered checks (tests)."""
    _checked.forget()


def returned(db: Any, list_ids: list[str]) -> pd.DataFrame | None:
    """The kept returns of these lists: list_id, level, control, returned (one row per list,
    level and group with members), or None when any of them cannot be read from the kept
    tables (a scoped database, data changed, a list issued since the build): compute."""
    if not list_ids or scope_of(db) is not None or getattr(db, "version", None) is None:
        return None
    if not _checked(db):
        return None
    marks = ", ".join("?" for _ in list_ids)
    kept = db.query_df(f"SELECT * FROM {TABLE} WHERE list_id IN ({marks})", list(list_ids))
    now = db.query_df(MEMBERS_SQL.format(marks=marks), list(list_ids))
    keys = ["list_id", "level", "control"]
    if len(kept) != len(now):
        return None
    both = now.merge(kept, on=keys, how="left", suffixes=("", "_kept"))
    same = (both["members"] == both["members_kept"]) & (both["members_hash"] == both["members_hash_kept"])
    if not bool(same.all()):
        return None
    return both[[*keys, "returned"]]
