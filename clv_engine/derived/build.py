"""Building the derived tables (see ``clv_engine.derived``) in the file a connection writes.

:func:`build` runs on a read-write DuckDB connection whose current database is the file: the
import's new file before the swap, the sample being generated, or ``python -m cli.derive``.
It replaces whatever derived tables the file had. The SQL is the very SQL the readers would
run (``clv.CUSTOMER_VALUES_SQL``, ``predictive.RFM_SQL``), and the fit the same function
(``predictive.fit_on_summary``), so a stored figure equals the computed one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import duckdb

from clv_engine import clv, predictive
from clv_engine.db import Reader
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import store
from clv_engine.models import FitError
from clv_engine.models.store import failure_to_json, fit_to_json

# Called with a fraction of the build done (0..1) and the step's name.
Step = Callable[[float, str], None]
STEPS = ("values", "rfm", "model", "meta")


def _no_step(fraction: float, name: str) -> None:
    pass


class ConnectionReader(Reader):
    """The reading interface of ``Database`` on one open connection (no cursor: the
    connection's own transaction and temporary tables stay visible)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con

    def tables(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT temporary"
        ).fetchall()
        return {r[0] for r in rows}


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Remove the derived tables from the connection's file (the readers then compute)."""
    for table in store.TABLES:
        con.execute(f"DROP TABLE IF EXISTS main.{table}")
    con.execute("DROP TABLE IF EXISTS temp.derived_keys")


def build(con: duckdb.DuckDBPyConnection, step: Step = _no_step) -> date | None:
    """(Re)build every derived table for the data's end date; returns that date, or None
    (no order: nothing to derive, no table)."""
    drop(con)
    reader = ConnectionReader(con)
    as_of = reader.query_value("SELECT max(order_date) FROM orders")
    if as_of is None:
        return None
    as_of = as_of if type(as_of) is date else as_of.date()
    step(0.0, "values")
    con.execute(
        """
        CREATE TEMP TABLE derived_keys AS
        SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS cust_key
        FROM (SELECT customer_id FROM customers UNION SELECT customer_id FROM orders)
        WHERE customer_id IS NOT NULL
        """
    )
    con.execute(
        f"CREATE TABLE main.{store.VALUES_TABLE} AS SELECT k.cust_key, v.* "
        f"FROM ({clv.CUSTOMER_VALUES_SQL}) v JOIN derived_keys k USING (customer_id) ORDER BY k.cust_key",
        [as_of] * 7,
    )
    derived_churn.build(con, reader, as_of)  # the churn signals and backtest (clv_engine.derived.churn)
    step(0.4, "rfm")
    con.execute(
        f"CREATE TABLE main.{store.RFM_TABLE} AS SELECT k.cust_key, r.* "
        f"FROM ({predictive.RFM_SQL}) r JOIN derived_keys k USING (customer_id) ORDER BY k.cust_key",
        {"end": as_of, "cal": as_of, "unit": store.TIME_UNIT_DAYS},
    )
    con.execute("DROP TABLE temp.derived_keys")
    step(0.6, "model")
    summary = predictive.typed_rfm(
        reader.query_df(f"SELECT * EXCLUDE (cust_key) FROM main.{store.RFM_TABLE} ORDER BY cust_key")
    )
    try:
        kind, payload = "fit", fit_to_json(*predictive.fit_on_summary(summary, as_of))
    except FitError as error:
        kind, payload = "failure", failure_to_json(error)
    con.execute(f"CREATE TABLE main.{store.MODEL_TABLE} (kind VARCHAR, payload VARCHAR)")
    con.execute(f"INSERT INTO main.{store.MODEL_TABLE} VALUES (?, ?)", [kind, payload])
    step(0.9, "meta")
    measurable = clv.retention_is_measurable(reader, as_of)
    retention = clv.estimate_retention(reader, as_of) if measurable else None
    reference = as_of - timedelta(days=365)
    counts = reader.query_df(clv.RETURN_RATES_SQL, [reference, as_of, clv.RETURN_MAX_YEARS])
    meta = {
        "format": str(store.FORMAT_VERSION),
        "as_of": as_of.isoformat(),
        "built_at": datetime.now().replace(microsecond=0).isoformat(),
        "fingerprint": json.dumps(store.fingerprint(reader)),
        "retention": json.dumps({"value": retention, "measurable": measurable}),
        "return_counts": json.dumps(
            {"max_years": clv.RETURN_MAX_YEARS, "rows": [[int(x) for x in row] for row in counts.to_numpy()]}
        ),
    }
    con.execute(f"CREATE TABLE main.{store.META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO main.{store.META_TABLE} VALUES (?, ?)", [[k, v] for k, v in meta.items()])
    step(1.0, "done")
    return as_of


def build_or_drop(con: duckdb.DuckDBPyConnection, step: Step = _no_step) -> date | None:
    """:func:`build`, and on any failure no derived table at all (the readers compute as
    before): a failed build never stops the data it derives from."""
    try:
        return build(con, step)
    except Exception:
        drop(con)
        return None
