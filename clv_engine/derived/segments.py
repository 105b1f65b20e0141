"""The RFM+L facts of every customer, kept per data version (issue 14: segmentation and actions
at a million customers).

The scoring (clv_engine.segmentation.scoring) reads, per customer and as-of date, the facts
``recency_days``, ``freq_12m``, ``spend_12m`` and five loyalty flags, then applies the rules.
The facts cost a pass over the orders and five joins on text ids (about a second at a million
customers); the rules are arithmetic. ``derived_segments`` holds the facts, computed by the very
SQL the scoring runs (``scoring.FACTS_SQL``), for the dates the pages ask first:

- the data's end date (the sidebar's default as-of date, as the other derived tables);
- 365 days earlier (the migration's default "from" date);
- two years earlier (the date the tier-change rule reads a platinum tier at, by default).

``derived_segments_meta`` (key, value) says which dates, the fingerprint of the derived tables
it goes with (``derived_meta``'s: orders, customers, stores) and a fingerprint of the five
tables the flags read. :func:`facts_table` answers whether the stored facts may stand in for a
database and a date: only for a database cut to no store (a store manager's scoped reader
computes, as before), only when the derived tables are usable for the data, and only when
both fingerprints still match. The check costs one pass over the flag tables, once per file
version.

The build (:func:`build`) runs on the connection that builds the other derived tables; the
hook in ``clv_engine.derived.build.build`` is one line after the meta table (and ``drop``
drops these tables too).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import duckdb
from dateutil.relativedelta import relativedelta

from clv_engine.derived import store
from clv_engine.scope import scope_of

TABLE = "derived_segments"
META = "derived_segments_meta"
FORMAT_VERSION = 1
# derived_values' keys (clv_engine.derived.build: every customer id of customers and orders,
# numbered in id order); kept in derived_segments since issue 14's keyed segmentation (a file
# built before has no cust_key column: its readers take the text ids, as before).
KEYS_SQL = """
SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS cust_key
FROM (SELECT customer_id FROM customers UNION SELECT customer_id FROM orders)
WHERE customer_id IS NOT NULL
"""

# The flag tables and the columns the flags read (clv_engine.segmentation.vocabulary).
_FLAG_COLUMNS = {
    "warranties": "customer_id, sold_date",
    "referrals": "referrer_id, referral_date",
    "event_attendance": "customer_id, event_date",
    "complaints": "customer_id, opened",
    "competitor_sightings": "customer_id, seen_date",
}


def dates_for(end: date) -> list[date]:
    """The as-of dates whose facts are kept, for data ending on ``end``."""
    return sorted({end, end - timedelta(days=365), end - relativedelta(years=2)})


def _tables(con: Any) -> set[str]:
    if hasattr(con, "tables"):
        return set(con.tables())
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary"
    ).fetchall()
    return {r[0] for r in rows}


def _value(con: Any, sql: str) -> Any:
    if hasattr(con, "query_value"):
        return con.query_value(sql)
    row = con.execute(sql).fetchone()
    return None if row is None else row[0]


def flags_fingerprint(con: Any) -> dict:
    """Count and hash of what the flags read, per flag table (absent: None)."""
    present = _tables(con)
    out: dict[str, Any] = {}
    for table, columns in _FLAG_COLUMNS.items():
        if table not in present:
            out[table] = None
            continue
        out[table] = str(
            _value(con, f"SELECT count(*) || ':' || coalesce(sum(hash({columns})), 0) FROM main.{table}")
        )
    return out


class _Connection:
    """The scoring's view of a bare connection: the tables it holds (no cursor, no version)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def tables(self) -> set[str]:
        return _tables(self._con)


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS main.{TABLE}")
    con.execute(f"DROP TABLE IF EXISTS main.{META}")


def build(con: duckdb.DuckDBPyConnection) -> list[date]:
    """(Re)build the facts of every customer at :func:`dates_for` the data's end date, with the
    meta rows; call after the derived tables' meta is written (its fingerprint is copied).
    Returns the dates (none without orders or derived meta)."""
    from clv_engine.segmentation import scoring  # the engine's scoring SQL, not at import

    drop(con)
    present = _tables(con)
    end = _value(con, "SELECT max(order_date) FROM orders")
    if end is None or store.META_TABLE not in present:
        return []
    end = end if type(end) is date else end.date()
    meta = dict(con.execute(f"SELECT key, value FROM main.{store.META_TABLE}").fetchall())
    days = dates_for(end)
    # The customers' integer keys, as the derived build numbers them (derived_values' cust_key):
    # the rows of a date in key order, so a reader lines them up with the values without a join.
    con.execute(f"CREATE OR REPLACE TEMP TABLE segments_keys AS {KEYS_SQL}")
    for i, day in enumerate(days):
        sql, params = scoring.score_query(_Connection(con), day, facts_only=True)
        head = f"CREATE TABLE main.{TABLE} AS " if i == 0 else f"INSERT INTO main.{TABLE} "
        con.execute(
            f"{head}SELECT CAST(? AS DATE) AS as_of, k.cust_key, f.* FROM ({sql}) f "
            "JOIN temp.segments_keys k USING (customer_id) ORDER BY k.cust_key",
            [day, *params],
        )
    con.execute("DROP TABLE temp.segments_keys")
    rows = {
        "format": str(FORMAT_VERSION),
        "dates": json.dumps([d.isoformat() for d in days]),
        "fingerprint": meta.get("fingerprint", ""),
        "flags": json.dumps(flags_fingerprint(con)),
    }
    store.write_table_meta(con, META, rows)
    return days


def _stored_dates(group: Any) -> frozenset[date]:
    """The dates whose stored facts match ``group``'s data (none: compute)."""
    # usable derived tables' fingerprint is the data's: the same one, the same data
    meta = store.matching_table_meta(group, TABLE, META, FORMAT_VERSION)
    if meta is None:
        return frozenset()
    try:
        if json.loads(meta["flags"]) != store.remembered(group, "segment_flags", flags_fingerprint):
            return frozenset()
        return frozenset(date.fromisoformat(d) for d in json.loads(meta["dates"]))
    except (KeyError, ValueError, TypeError):
        return frozenset()


_checked = store.PerVersion(_stored_dates)


def facts_table(db: Any, as_of: object) -> str | None:
    """The table holding the facts of ``db``'s customers on ``as_of``, or None (compute)."""
    if scope_of(db) is not None or not isinstance(as_of, date) or store.stored(db) is None:
        return None
    found = _checked(db)
    day = as_of.date() if hasattr(as_of, "date") and callable(as_of.date) else as_of
    return TABLE if day in found else None


def _has_keys(group: Any) -> bool:
    frame = group.query_df(
        "SELECT count(*) AS n FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? AND column_name = 'cust_key'",
        [TABLE],
    )
    return bool(frame["n"].iloc[0])


_keyed = store.PerVersion(_has_keys)


def keyed_facts_table(db: Any, as_of: object) -> str | None:
    """:func:`facts_table` when its rows also carry ``cust_key`` (derived_values' keys, in that
    order), else None."""
    table = facts_table(db, as_of)
    return table if table is not None and _keyed(db) else None


def forget() -> None:
    """Drop the remembered checks (tests)."""
    _checked.forget()
    _keyed.forget()
