"""The derived build a slice of customers at a time, so its memory does not grow with them.

Ten million customers' values at one date, built in one statement (an aggregate of fifty
million orders, a join with ten million customers and their predictions, a sort of ten
million wide rows), passed DuckDB's 4 GB memory limit. Built by ``cust_key`` ranges in key
order, each range's rows appended to the table, the table holds the same rows in the same
order, and each statement holds one range's customers at most.

:func:`customers_of` shows a statement the file's ``customers`` and ``orders`` cut to one range
through TEMP VIEWs named like them (DuckDB resolves an unqualified name to the temporary
catalogue first, as ``clv_engine.scope`` does for a store), so the very SQL the readers run
(``clv.CUSTOMER_VALUES_SQL``, ``predictive.RFM_SQL``) runs on a range unchanged. A range of
keys is a range of ids: ``cust_key`` numbers the ids in ``customer_id`` order (the derived
keys, ``temp.derived_keys``). The bounds are rows of a temporary table, not SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

# DuckDB's memory a customer of a range takes, about (1M customers passed 400 MB at once,
# 10M passed 4 GB): a range is the memory limit over this, so 4 GB builds 2M at a time.
BYTES_PER_CUSTOMER = 2_000
MIN_CHUNK = 10_000
_UNITS = {"": 1, "BYTES": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}
_UNITS |= {"KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}
_BOUNDS = "temp.derived_chunk"
CUT = ("customers", "orders")  # what the per-customer SQL reads of the customers' rows


def memory_limit_bytes(con: duckdb.DuckDBPyConnection) -> int | None:
    """DuckDB's memory limit on ``con`` in bytes (None: none or unreadable)."""
    text = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    found = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", str(text))
    if found is None or found.group(2).upper() not in _UNITS:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2).upper()])


def chunk_size(con: duckdb.DuckDBPyConnection) -> int:
    """Customers per range for ``con``'s memory limit."""
    limit = memory_limit_bytes(con)
    return MIN_CHUNK if limit is None else max(MIN_CHUNK, limit // BYTES_PER_CUSTOMER)


def key_ranges(
    con: duckdb.DuckDBPyConnection, size: int, keys: str = "temp.derived_keys"
) -> list[tuple[int, int]]:
    """The ``cust_key`` ranges (first, last) of at most ``size`` keys covering ``keys``
    (numbered 1..n); one empty range (1, 0) when there is no key, so a table is still made."""
    if size < 1:
        raise ValueError("a chunk holds at least one customer")
    count = con.execute(f"SELECT count(*) FROM {keys}").fetchone()[0]
    if count == 0:
        return [(1, 0)]
    return [(first, min(first + size - 1, count)) for first in range(1, count + 1, size)]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def customers_of(
    con: duckdb.DuckDBPyConnection, first: int, last: int, keys: str = "temp.derived_keys"
) -> Iterator[None]:
    """Inside: ``customers`` and ``orders`` on ``con`` are the file's rows of the customers
    whose ``cust_key`` is in first..last (NULL ids: none, as the derived keys hold none)."""
    catalogue = _quoted(con.execute("SELECT current_database()").fetchone()[0])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_BOUNDS.split('.')[1]} AS "
        f"SELECT min(customer_id) AS first_id, max(customer_id) AS last_id FROM {keys} "
        "WHERE cust_key BETWEEN ? AND ?",
        [first, last],
    )
    made = []
    try:
        for table in CUT:
            con.execute(
                f"CREATE TEMP VIEW {table} AS SELECT * FROM {catalogue}.main.{table} "
                f"WHERE customer_id BETWEEN (SELECT first_id FROM {_BOUNDS}) AND (SELECT last_id FROM {_BOUNDS})"
            )
            made.append(table)
        yield
    finally:
        for table in made:
            con.execute(f"DROP VIEW IF EXISTS temp.{table}")
        con.execute(f"DROP TABLE IF EXISTS {_BOUNDS}")
