"""The cohort cube's facts, kept per data version (issue 14: the channels page at a million
customers).

Every channel and cohort table is summed from ``clv_engine.cohort_facts.cube_facts``: counts and
sums per key combination (purchase year, vehicle model, region, channel) and year, no customer
row, a few thousand rows. They cost a pass over every order joined with its customer (seconds
at a million customers) and depend on no horizon or discount rate, only on the data, the as-of
date, the yearly retention and the absence weights. ``derived_cohorts`` holds them for the whole
group at the data's last day and the default return window; ``derived_cohorts_meta`` (key,
value) the date, the retention and weights they were computed with, the window, and the
fingerprint of the derived tables they go with (``derived_meta``'s: orders, customers, stores).

:func:`stored_facts` answers with them only for a database cut to no store (a store manager's
scoped reader, or a page's store filter, computes as before), only while the derived tables
are usable for the data at that date, and only for the same retention, weights and window.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from clv_engine.derived import store
from clv_engine.scope import scope_of

DEFAULT_RETURN_WINDOW_DAYS = 540  # clv_engine.cohorts' (the cube reads this module: not imported)

TABLE = "derived_cohorts"
META = "derived_cohorts_meta"
FORMAT_VERSION = 1


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS main.{TABLE}")
    con.execute(f"DROP TABLE IF EXISTS main.{META}")


def build(con: duckdb.DuckDBPyConnection, reader: Any) -> date | None:
    """(Re)build the facts at the data's last day for the whole group, with their meta; call
    after the derived tables' meta is written (its fingerprint is copied). ``reader``: the
    build's reader on ``con``. Returns the date (None without orders or derived meta)."""
    from clv_engine import cohort_facts, cohorts  # the engine's cube SQL (it reads this module)

    drop(con)
    if store.META_TABLE not in reader.tables():
        return None
    end = reader.query_value("SELECT max(order_date) FROM orders")
    if end is None:
        return None
    end = end if type(end) is date else end.date()
    retention = cohorts.resolved_retention(reader, end, cohorts.LtvParams())
    window = cohorts.DEFAULT_RETURN_WINDOW_DAYS
    sql, values = cohort_facts.facts_query(reader, end, retention, None, window)
    con.execute(f"CREATE TABLE main.{TABLE} AS {sql}", values)
    meta = store.read_meta(reader)
    rows = {
        "format": str(FORMAT_VERSION),
        "as_of": end.isoformat(),
        "retention": json.dumps(retention),
        "weights": json.dumps(values["absence_weights"]),
        "window": str(window),
        "fingerprint": meta.get("fingerprint", ""),
    }
    store.write_table_meta(con, META, rows)
    return end


def _meta(group: Any) -> dict | None:
    """The meta of facts matching ``group``'s derived tables, or None (compute)."""
    meta = store.matching_table_meta(group, TABLE, META, FORMAT_VERSION)
    if meta is None:
        return None
    try:
        return {
            "as_of": date.fromisoformat(meta["as_of"]),
            "retention": float(json.loads(meta["retention"])),
            "weights": json.loads(meta["weights"]),
            "window": int(meta["window"]),
        }
    except (KeyError, ValueError, TypeError):
        return None


_checked = store.PerVersion(_meta)


def stored_facts(
    db: Any,
    as_of: object,
    retention: float,
    weights: list[float | None] | None = None,
    window: int = DEFAULT_RETURN_WINDOW_DAYS,
) -> pd.DataFrame | None:
    """The kept facts when they stand for exactly this database, date, retention, absence
    weights and return window; else None."""
    if weights is None or scope_of(db) is not None or store.usable(db, as_of) is None:
        return None
    meta = _checked(getattr(db, "group", db))
    if meta is None or meta["as_of"] != (as_of.date() if hasattr(as_of, "date") else as_of):
        return None
    if meta["retention"] != retention or meta["window"] != window or meta["weights"] != list(weights):
        return None
    return db.query_df(f"SELECT * FROM {TABLE}")


def forget() -> None:
    """Drop the remembered checks (tests)."""
    _checked.forget()
