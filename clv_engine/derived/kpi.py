"""The KPI scorecard's store figures, kept per data version (issue 14: the KPI page at a million
customers).

``kpi.raw_kpis`` measures, per store and date, the orders of the year (``kpi.RAW_SQL``) and the
home stores' historical CLV and retention (``kpi_sql.DATED_SQL``: a customer's state at each
month end, the heavy part). The page asks for the month ends of up to two years to the data's
last day and the dates the headlines compare with; this module keeps, for those dates, the
very rows those two queries return, aggregates by store only (no customer row: nothing for a
store scope to cut, and the scorecard is a group figure):

- ``derived_kpi_raw``: ``kpi.RAW_SQL``'s rows on the kept dates;
- ``derived_kpi_clv``: ``kpi_sql.DATED_SQL``'s rows on the kept dates and the same days a year
  before, with the retention measured (``CLVParams.retention`` None). Before the annuity factor,
  so they serve any discount rate and horizon;
- ``derived_kpi_meta``: the format, a hash of the two queries and their constants, both lists
  of dates, the derived tables' fingerprint (``derived_meta``'s) and one of what else the
  queries read (orders' store, store_kpis).

A row holds figures of its date alone (every window is measured back from it), so a kept date
serves any request that includes it, whatever the other dates or the as-of date. They are read
for an unscoped database only, while the derived tables are usable (``store.stored``) and both
fingerprints match (checked once per file version).
Built by :func:`build` in ``clv_engine.derived.build`` (one step), dropped with the others.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from clv_engine.derived import store
from clv_engine.scope import scope_of

RAW_TABLE = "derived_kpi_raw"
CLV_TABLE = "derived_kpi_clv"
META_TABLE = "derived_kpi_meta"
TABLES = (RAW_TABLE, CLV_TABLE, META_TABLE)
FORMAT_VERSION = 1
MONTHS = 24  # the KPI page's longest history (its slider's maximum)

# What the KPI queries read beyond the derived tables' own fingerprint (``store.FINGERPRINT_SQL``:
# orders' customer, day, revenue and gross profit, every customer column, the stores): the store
# of each order (with its row id, so that two orders trading stores change it too; a row id
# moved by a rewrite only makes the tables stale) and the monthly store KPIs. A narrow pass: a
# tenth of hashing the orders' text ids again.
EXTRA_SQL = """
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(store_id, rowid)), 0) FROM orders) AS orders,
       (SELECT count(*) || ':' || coalesce(sum(hash(store_id, month, nps, first_time_fix_rate,
                                                    technician_efficiency)), 0) FROM store_kpis) AS store_kpis
"""


def fingerprint(reader: Any) -> dict[str, str]:
    """What the KPI queries read of ``reader``'s data that the derived tables' fingerprint does
    not (anything with ``query_df``)."""
    row = reader.query_df(EXTRA_SQL).iloc[0]
    return {k: str(v) for k, v in row.items()}


def code_key() -> str:
    """A hash of the two queries' text and the constants they are given: rows kept by other code
    (a changed rule) are never read."""
    from clv_engine import clv, kpi, kpi_sql

    rules = [clv.RETURN_MAX_YEARS, clv.MIN_RETURN_CUSTOMERS, clv.DEFAULT_RETENTION]
    text = json.dumps([kpi.RAW_SQL, kpi_sql.DATED_SQL, rules])
    return hashlib.sha256(text.encode()).hexdigest()


def dates_for(end: date) -> tuple[list[date], list[date]]:
    """The dates whose raw rows are kept (the month ends of :data:`MONTHS` to ``end`` and the
    headlines' comparison dates), and those whose CLV rows are (the same and a year before)."""
    from clv_engine import bridge, kpi

    raw = set(kpi.month_ends(end, MONTHS)) | {bridge.comparison_date(end, p) for p in bridge.PERIODS}
    return sorted(raw), sorted(raw | {kpi.year_before(d) for d in raw})


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary"
    ).fetchall()
    return {r[0] for r in rows}


def drop(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        con.execute(f"DROP TABLE IF EXISTS main.{table}")


def build(con: duckdb.DuckDBPyConnection, reader: Any) -> list[date]:
    """(Re)build the KPI tables in ``con``'s file (``reader``: the same connection); returns the
    raw dates (none without orders or a store_kpis table)."""
    from clv_engine import clv, kpi, kpi_sql

    drop(con)
    end = reader.query_value("SELECT max(order_date) FROM orders")
    present = _tables(con)
    if end is None or not {"stores", "store_kpis", "customers", store.META_TABLE} <= present:
        return []
    end = end if type(end) is date else end.date()
    raw_dates, clv_dates = dates_for(end)
    con.execute(f"CREATE TABLE main.{RAW_TABLE} AS {kpi.RAW_SQL}", [raw_dates])
    params = clv.CLVParams()  # retention measured; the discount rate and horizon come later
    con.execute(
        f"CREATE TABLE main.{CLV_TABLE} AS {kpi_sql.DATED_SQL}", kpi_sql.dated_args(clv_dates, params)
    )
    meta = {
        "format": str(FORMAT_VERSION),
        "code": code_key(),
        "raw_dates": json.dumps([d.isoformat() for d in raw_dates]),
        "clv_dates": json.dumps([d.isoformat() for d in clv_dates]),
        # the derived tables' fingerprint (``derived_meta``, written before this step), and ours
        "fingerprint": store.read_meta(reader).get("fingerprint", ""),
        "extra": json.dumps(fingerprint(reader)),
    }
    con.execute(f"CREATE TABLE main.{META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO main.{META_TABLE} VALUES (?, ?)", [[k, v] for k, v in meta.items()])
    return raw_dates


@dataclass(frozen=True)
class Kept:
    """The dates the KPI tables hold rows of, for a file whose data they still match."""

    raw_dates: frozenset[date]
    clv_dates: frozenset[date]


def _check(group: Any) -> Kept | None:
    if not set(TABLES) <= group.tables():
        return None
    frame = group.query_df(f"SELECT key, value FROM {META_TABLE}")
    meta = dict(zip(frame["key"], frame["value"]))
    try:
        if int(meta.get("format", "0")) != FORMAT_VERSION or meta.get("code") != code_key():
            return None
        # usable derived tables: their fingerprint is the data's (checked once per version)
        if store.stored(group) is None:
            return None
        if json.loads(meta["fingerprint"]) != json.loads(store.read_meta(group)["fingerprint"]):
            return None
        if json.loads(meta["extra"]) != store.remembered(group, "kpi", lambda g: fingerprint(g)):
            return None
        return Kept(
            raw_dates=frozenset(date.fromisoformat(d) for d in json.loads(meta["raw_dates"])),
            clv_dates=frozenset(date.fromisoformat(d) for d in json.loads(meta["clv_dates"])),
        )
    except (KeyError, ValueError, TypeError):
        return None


_checked = store.PerVersion(_check)


def forget() -> None:
    """Drop the remembered checks (tests)."""
    _checked.forget()


def kept(db: Any, retention: float | None = None) -> Kept | None:
    """The KPI tables' dates when they may stand in for ``db``: an unscoped database of a file
    (a version to check once), data unchanged, and the retention measured (``retention`` None:
    ``CLVParams.retention``); else None (compute)."""
    if retention is not None or scope_of(db) is not None or getattr(db, "version", None) is None:
        return None
    return _checked(db)


def _rows(db: Any, table: str, dates: Iterable[date]) -> pd.DataFrame:
    days = sorted(set(dates))
    return db.query_df(f"SELECT * FROM {table} WHERE list_contains(CAST(? AS DATE[]), as_of)", [days])


def raw_rows(db: Any, dates: Iterable[date]) -> pd.DataFrame:
    """``kpi.RAW_SQL``'s rows on ``dates`` (kept dates only: :func:`kept`)."""
    return _rows(db, RAW_TABLE, dates)


def clv_rows(db: Any, dates: Iterable[date]) -> pd.DataFrame:
    """``kpi_sql.DATED_SQL``'s rows on ``dates`` (kept CLV dates only: :func:`kept`)."""
    return _rows(db, CLV_TABLE, dates)
