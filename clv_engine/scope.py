"""A store scope applied to every query: the database as a store manager may read it.

:class:`ScopedDatabase` has the reading interface of :class:`clv_engine.db.Database`
(``cursor``, ``query_df``, ``query_value``, ``tables``, ``table_rows``, ``version``, ``path``,
``write_transaction``), so every engine function reads it without being rewritten. Each of its
cursors first creates TEMP VIEWs named like the tables that hold customer rows (``customers``,
``orders``, ``referrals`` ...). DuckDB resolves an unqualified name to the temporary catalogue
before the file's, so ``SELECT ... FROM orders`` in any engine query reads only the scope's
rows; the views read the file's tables through their catalogue-qualified names. Temporary
objects belong to one cursor: an unscoped cursor of the same reader never sees them.

What is in scope:

- ``customers`` whose home store is one of the scope's stores (an EMPTY scope: no customer);
- every table keyed by customer (orders, warranties, complaints, event attendance,
  competitor sightings, appointments, call-list members, contacts): the rows of those
  customers, wherever the visit took place;
- ``referrals`` with at least one side in scope; the other side reads as a marker
  (``OUTSIDE_REFERRER``/``OUTSIDE_REFERRED``), so a referral to or from another store's
  customer is known to exist, never who it is.

Tables without customers (stores, store KPIs, channel spend, call lists' headers, scenarios,
settings, users, audit log) read as they are. The store ids are bound parameters, inserted
into a temporary table the views read.

Writes (audit log, scenarios, contacts) go through the underlying database unchanged. A group
figure a store manager may see (named "group" on the page) reads :attr:`ScopedDatabase.group`,
the unscoped database, through the named functions of ``ui/queries/`` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from clv_engine.db import Database, Reader

IN_SCOPE = "customer_id IN (SELECT customer_id FROM customers)"
# What a referral's party outside the scope reads as (no customer id looks like these).
OUTSIDE_REFERRER = "\u2298outside-scope:referrer"
OUTSIDE_REFERRED = "\u2298outside-scope:referred"
OUTSIDE = (OUTSIDE_REFERRER, OUTSIDE_REFERRED)

# Table -> the rows of it a scope may read ({base} is the file's own table). Tables holding
# customer rows only: a table missing from this list is read whole.
SCOPED_TABLES: dict[str, str] = {
    "customers": "SELECT * FROM {base} WHERE home_store_id IN (SELECT store_id FROM _scope_stores)",
    "orders": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "warranties": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "complaints": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "event_attendance": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "competitor_sightings": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "appointments": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "call_list_members": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "contacts": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    # Per-customer tables built once per data version (clv_engine.derived).
    "derived_values": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "derived_rfm": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "derived_churn_signals": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "derived_churn_backtest": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "derived_churn_base": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "derived_segments": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    "derived_service": f"SELECT * FROM {{base}} WHERE {IN_SCOPE}",
    # A side outside the scope reads as a marker: the referral exists, its other party is
    # nobody. Two markers, so a chain never continues through one (referrer <> referred), and
    # not NULL, which would turn "id IN (SELECT referrer_id ...)" into NULL for every non-match.
    "referrals": """
        SELECT CASE WHEN referrer_id IN (SELECT customer_id FROM customers) THEN referrer_id
                    ELSE '{outside_referrer}' END AS referrer_id,
               CASE WHEN referred_id IN (SELECT customer_id FROM customers) THEN referred_id
                    ELSE '{outside_referred}' END AS referred_id,
               referral_date
        FROM {base}
        WHERE referrer_id IN (SELECT customer_id FROM customers)
           OR referred_id IN (SELECT customer_id FROM customers)
    """,
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ScopedDatabase(Reader):
    """``base`` as seen by a reader of ``store_ids`` only (see the module note)."""

    def __init__(self, base: Database, store_ids: Sequence[str]) -> None:
        if isinstance(base, ScopedDatabase):  # a scope of a scope: the narrower of the two
            store_ids = [s for s in store_ids if s in base.store_ids]
            base = base.group
        self._base = base
        self.store_ids: tuple[str, ...] = tuple(sorted(set(store_ids)))

    @property
    def path(self) -> Path:
        return self._base.path

    @property
    def group(self) -> Database:
        """The unscoped database: only for the group aggregates a page names as such."""
        return self._base

    def scoped(self, store_ids: Sequence[str]) -> ScopedDatabase:
        return ScopedDatabase(self, store_ids)

    # -- reading -------------------------------------------------------------------------
    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        tables = self._base.tables()
        with self._base.cursor() as cur:
            self._install(cur, tables)
            yield cur

    def _install(self, cur: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
        catalogue = _quoted(cur.execute("SELECT current_database()").fetchone()[0])
        cur.execute(
            "CREATE TEMP TABLE _scope_stores AS SELECT unnest(CAST(? AS VARCHAR[])) AS store_id",
            [list(self.store_ids)],
        )
        # customers first: the other views read it.
        for table, sql in SCOPED_TABLES.items():
            if table in tables:
                base = f"{catalogue}.main.{_quoted(table)}"
                body = sql.format(
                    base=base, outside_referrer=OUTSIDE_REFERRER, outside_referred=OUTSIDE_REFERRED
                )
                cur.execute(f"CREATE TEMP VIEW {_quoted(table)} AS {body}")

    def tables(self) -> set[str]:
        return self._base.tables()

    def version(self) -> tuple:
        """The file's version and the scope: a cache key never shared with another scope."""
        return (*self._base.version(), ("scope", self.store_ids))

    # -- writing: unchanged ----------------------------------------------------------------
    def write_transaction(self):
        return self._base.write_transaction()

    def close(self) -> None:
        """The underlying reader is shared: closing a scope leaves it open."""


def scoped(db: Database | ScopedDatabase, store_ids: Sequence[str] | None) -> Database | ScopedDatabase:
    """``db`` cut to ``store_ids``; None means every store (``db`` itself), () means none."""
    return db if store_ids is None else ScopedDatabase(db, store_ids)


def group_database(db: Database | ScopedDatabase) -> Database:
    """The unscoped database behind ``db``: for group aggregates named as such, nothing else."""
    return db.group if isinstance(db, ScopedDatabase) else db


def scope_of(db: Database | ScopedDatabase) -> tuple[str, ...] | None:
    """The stores ``db`` is cut to, or None for every store."""
    return db.store_ids if isinstance(db, ScopedDatabase) else None


def in_scope(db: Database | ScopedDatabase, frame: pd.DataFrame, column: str = "customer_id") -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is a customer ``db`` holds (all rows unscoped).

    For a figure computed on the group (rates, a model's parameters) and handed out per
    customer: the scoped database itself says which customers those may be."""
    if scope_of(db) is None:
        return frame
    mine = set(db.query_df("SELECT customer_id FROM customers")["customer_id"])
    out = frame[frame[column].isin(mine)]
    out.attrs = dict(frame.attrs)
    return out
