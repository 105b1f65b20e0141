"""The last two service days of every customer, kept per data version (issue 14: the actions
page at a million customers).

The service list (clv_engine.service_due) starts from each customer's two latest service days
and their odometer readings: an aggregate over every maintenance order, most of the list's
time at a million customers. ``derived_service`` holds that aggregate (``last2``: customer_id,
last_service, last_km, prev_service, prev_km) at the data's last day, computed by the very SQL
the list runs (``service_due._LAST2``); ``derived_service_meta`` (key, value) the date, whether
the orders carried the odometer, the fingerprint of the derived tables it goes with
(``derived_meta``'s) and one of what the aggregate reads that theirs does not (the maintenance
orders' customer, day and odometer).

:func:`kept_table` answers with the table only for the last day, while the derived tables are
usable and both fingerprints match (checked once per file version). A store scope reads it
through its TEMP VIEW (clv_engine.scope) and joins it to its own customers, as the computed one.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import date
from typing import Any

import duckdb

from clv_engine.derived import chunks, store
from clv_engine.scope import scope_of

TABLE = "derived_service"
META = "derived_service_meta"
FORMAT_VERSION = 1


def _has_mileage(reader: Any) -> bool:
    frame = reader.query_df(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = 'orders' AND column_name = 'mileage'"
    )
    return not frame.empty


def service_fingerprint(reader: Any, has_mileage: bool) -> str:
    """Count and hash of the maintenance orders' customer, day (and odometer)."""
    columns = "customer_id, order_date, mileage" if has_mileage else "customer_id, order_date"
    return str(
        reader.query_value(
            f"SELECT count(*) || ':' || coalesce(sum(hash({columns})), 0) FROM orders WHERE kind = 'maintenance'"
        )
    )


def rows_fingerprint(reader: Any) -> str:
    """Count and hash of each customer's row number and id in ``customers``."""
    return str(
        reader.query_value(
            "SELECT count(*) || ':' || coalesce(sum(hash(rowid, customer_id)), 0) FROM customers"
        )
    )


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS main.{TABLE}")
    con.execute(f"DROP TABLE IF EXISTS main.{META}")


def build(
    con: duckdb.DuckDBPyConnection, reader: Any, ranges: list[tuple[int, int]] | None = None
) -> date | None:
    """(Re)build the last two service days at the data's last day, with the meta; call after
    the derived tables' meta is written (its fingerprint is copied). Returns the date (None
    without orders or derived meta). ``ranges``: the build's ``cust_key`` ranges
    (clv_engine.derived.chunks), one statement each, in bounded memory; None: one statement."""
    from clv_engine import service_due  # the list's own SQL (it reads this module)

    drop(con)
    if store.META_TABLE not in reader.tables():
        return None
    end = reader.query_value("SELECT max(order_date) FROM orders")
    if end is None:
        return None
    end = end if type(end) is date else end.date()
    has_mileage = _has_mileage(reader)
    last2 = service_due._LAST2.format(mileage="mileage" if has_mileage else "CAST(NULL AS DOUBLE)")
    sql = (
        "WITH p AS (SELECT CAST(? AS DATE) AS as_of),\n"
        + last2.rstrip().rstrip(",")
        + "\nSELECT customer_id, last_service, last_km, prev_service, prev_km FROM last2"
    )
    # with each customer's row number in ``customers`` (``crow``): the list joins on it, not on
    # a million text ids, while the customers' rows are where they were (``rows`` below)
    catalogue = con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
    for n, (first, last) in enumerate(ranges or [(0, 0)]):
        head = f"CREATE TABLE main.{TABLE} AS" if n == 0 else f"INSERT INTO main.{TABLE}"
        with chunks.customers_of(con, first, last) if ranges else nullcontext():
            con.execute(  # the file's customers (their rowid), whatever the range's view shows
                f"{head} "
                f'WITH k AS ({sql}) SELECT c.rowid AS crow, k.* FROM k JOIN "{catalogue}".main.customers c '
                "USING (customer_id)",
                [end],
            )
    rows = {
        "format": str(FORMAT_VERSION),
        "as_of": end.isoformat(),
        "has_mileage": json.dumps(has_mileage),
        "fingerprint": store.read_meta(reader).get("fingerprint", ""),
        "service": service_fingerprint(reader, has_mileage),
        "rows": rows_fingerprint(reader),
    }
    store.write_table_meta(con, META, rows)
    return end


def _check(group: Any) -> tuple[date, bool] | None:
    """(date, has_mileage) of a table matching ``group``'s data, or None (compute)."""
    meta = store.matching_table_meta(group, TABLE, META, FORMAT_VERSION)
    if meta is None:
        return None
    try:
        has_mileage = bool(json.loads(meta["has_mileage"]))
        if has_mileage != _has_mileage(group):
            return None
        # a pass over every maintenance order: once per file version for every process
        service, rows = store.remembered(
            group,
            f"service_{int(has_mileage)}",
            lambda g: [service_fingerprint(g, has_mileage), rows_fingerprint(g)],
        )
        if meta["service"] != service or meta["rows"] != rows:
            return None
        return date.fromisoformat(meta["as_of"]), has_mileage
    except (KeyError, ValueError, TypeError):
        return None


_checked = store.PerVersion(_check)


def kept_table(db: Any, as_of: object, has_mileage: bool = True) -> tuple[str, bool] | None:
    """The table holding the last two service days at ``as_of`` for ``db`` and whether to
    join it on the customers' row numbers (unscoped: ``customers`` is the table itself; a
    scope's ``customers`` is a view, joined on the id), or None."""
    if store.usable(db, as_of) is None:
        return None
    found = _checked(getattr(db, "group", db))
    return (TABLE, scope_of(db) is None) if found == (as_of, has_mileage) else None


def forget() -> None:
    """Drop the remembered checks (tests)."""
    _checked.forget()
