"""Writing the new database file from the staged tables: the schema, what is kept from the
old file, the clean rows of every file in order, customers and stores named only by other
rows, the saved mappings and the meta (mode, currency, the margin assumed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import duckdb

from clv_engine.db import apply_schema
from clv_engine.imports import across
from clv_engine.imports.fields import KINDS
from clv_engine.imports.model import DEFAULT_CURRENCY, KEPT_ON_REPLACE, KIND_ORDER, OLD, ImportOptions
from clv_engine.imports.read import quote_ident
from clv_engine.imports.stage import Stage


def write_database(con: duckdb.DuckDBPyConnection, stage: Stage, options: ImportOptions) -> None:
    apply_schema(con)
    schema_tables = _main_tables(con)
    keep = [t for t in schema_tables if t in stage.old_tables]
    if options.mode == "replace":
        keep = [t for t in keep if t in KEPT_ON_REPLACE]
    # A table the schema does not know (a feature's own state) is not ours to drop: copied as is.
    for table in sorted(stage.old_tables - set(schema_tables)):
        con.execute(f"CREATE TABLE main.{quote_ident(table)} AS SELECT * FROM {OLD}.{quote_ident(table)}")
    filled = {KINDS[k].table for k in stage.views} | {"customers", "stores"}
    with _bulk_load(con, sorted(filled | {t for t in keep if t not in KEPT_ON_REPLACE})):
        for table in keep:
            con.execute(f"INSERT INTO main.{table} BY NAME SELECT * FROM {OLD}.{table}")
        for kind in KIND_ORDER:
            if kind not in stage.views:
                continue
            spec = KINDS[kind]
            sql, params = across.clean_select(
                spec, stage.views[kind], stage.scaled.get(kind, {}), options.default_margin
            )
            con.execute(f"INSERT INTO main.{spec.table} ({', '.join(spec.columns)}) {sql}", params)
        if "orders" in stage.views:
            _customers_from_orders(con, stage)
        if "contacts" in stage.views:
            _contacts_to_lists(con, stage, options)
        _stores_from_references(con)
    now = datetime.now().replace(microsecond=0)
    for kind, mapping in stage.mappings.items():
        con.execute(
            "INSERT OR REPLACE INTO main.import_mappings VALUES (?, ?, ?)",
            [kind, json.dumps(mapping, ensure_ascii=False), now],
        )
    currency = options.currency or _old_currency(con, stage) or DEFAULT_CURRENCY
    if options.mode == "replace":
        con.execute("DELETE FROM main.meta")
    end = con.execute("SELECT max(order_date) FROM main.orders").fetchall()[0][0]
    meta = {
        "source": "import",
        "imported_at": now.isoformat(),
        "import_mode": options.mode,
        "data_end_date": end.isoformat() if end else "",
        "currency": currency,
    }
    if _margin_assumed(con, stage):
        # Every page that shows profit or CLV discloses it (docs/data_model.md, meta).
        meta["assumed_margin"] = repr(float(options.default_margin))
    con.executemany("INSERT OR REPLACE INTO main.meta VALUES (?, ?)", [[k, v] for k, v in meta.items()])


def _old_currency(con: duckdb.DuckDBPyConnection, stage: Stage) -> str | None:
    if "meta" not in stage.old_tables:
        return None
    row = con.execute(f"SELECT value FROM {OLD}.meta WHERE key = 'currency'").fetchall()
    return row[0][0] if row and row[0][0] else None


def _margin_assumed(con: duckdb.DuckDBPyConnection, stage: Stage) -> bool:
    """Whether any imported order got its gross profit from the default margin (no profit and
    no margin of its own)."""
    if "orders" not in stage.views:
        return False
    return bool(
        con.execute(
            f"SELECT count(*) FROM {stage.views['orders']} a WHERE a.gross_profit IS NULL AND a.margin IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM imp_problems p WHERE p.src = a._src AND p.row = a._row "
            f"AND p.severity IN ('error', 'skipped'))"
        ).fetchall()[0][0]
    )


@contextmanager
def _bulk_load(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> Iterator[None]:
    """Load ``tables`` without their constraints, then put the schema's constraints back.

    DuckDB checks a primary key row by row while inserting (10M orders: minutes) but builds
    it in one pass afterwards (seconds). Adding the key back also proves the rows unique.
    """
    keys = dict(
        con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    )
    required: dict[str, list[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT is_nullable ORDER BY table_name, column_index"
    ).fetchall():
        required.setdefault(table, []).append(column)
    constraints = {}
    for table in tables:
        constraints[table] = (list(keys.get(table, [])), required.get(table, []))
        con.execute(f"CREATE TABLE main.imp_bulk_{table} AS SELECT * FROM main.{table} LIMIT 0")
        con.execute(f"DROP TABLE main.{table}")
        con.execute(f"ALTER TABLE main.imp_bulk_{table} RENAME TO {table}")
    yield
    for table, (pk, not_null) in constraints.items():
        if pk:
            con.execute(f"ALTER TABLE main.{table} ADD PRIMARY KEY ({', '.join(pk)})")
        for column in not_null:
            if column not in pk:
                con.execute(f"ALTER TABLE main.{table} ALTER COLUMN {column} SET NOT NULL")


def _main_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary"
    ).fetchall()
    return [r[0] for r in rows]


def _customers_from_orders(con: duckdb.DuckDBPyConnection, stage: Stage) -> None:
    """Customers that only appear in the orders get a row, so every page can count them.

    The home store is the store they visit most, the vehicle the latest one on their orders,
    and the relationship starts at the first order. Customers from a customers file that lack
    a home store or vehicle get them from their orders the same way.
    """
    # Name and vehicle: the latest one written on the customer's orders, when the file has them.
    extras = [c for c in ("name", "vin", "vehicle_model") if c in stage.mappings.get("orders", {})]
    if extras:
        latest = ", ".join(f"arg_max({c}, order_date) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in extras)
        nulls = ", ".join(
            f"CAST(NULL AS VARCHAR) AS {c}" for c in ("name", "vin", "vehicle_model") if c not in extras
        )
        vehicles = (
            f"SELECT customer_id, {latest}{', ' + nulls if nulls else ''} FROM {stage.views['orders']} "
            f"WHERE {' OR '.join(c + ' IS NOT NULL' for c in extras)} GROUP BY customer_id"
        )
    else:
        vehicles = (
            "SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS name, "
            "CAST(NULL AS VARCHAR) AS vin, CAST(NULL AS VARCHAR) AS vehicle_model WHERE false"
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE imp_order_customers AS
        WITH visits AS (  -- one pass over the orders: visits and first order per customer and store
            SELECT customer_id, store_id, count(*) AS n, min(order_date) AS first_order
            FROM main.orders GROUP BY customer_id, store_id
        ), f AS (
            SELECT customer_id, min(first_order) AS first_order,
                   arg_max(store_id, n) FILTER (WHERE store_id IS NOT NULL) AS home_store_id
            FROM visits GROUP BY customer_id
        )
        SELECT f.customer_id, f.first_order, f.home_store_id, v.name, v.vin, v.vehicle_model
        FROM f
        LEFT JOIN ({vehicles}) v USING (customer_id)
        """
    )
    con.execute(
        "INSERT INTO main.customers (customer_id, name, home_store_id, vin, vehicle_model, purchase_date) "
        "SELECT customer_id, name, home_store_id, vin, vehicle_model, first_order FROM imp_order_customers "
        "WHERE customer_id NOT IN (SELECT customer_id FROM main.customers)"
    )
    con.execute(
        """
        UPDATE main.customers c SET name = coalesce(c.name, o.name),
                                    home_store_id = coalesce(c.home_store_id, o.home_store_id),
                                    vin = coalesce(c.vin, o.vin),
                                    vehicle_model = coalesce(c.vehicle_model, o.vehicle_model)
        FROM imp_order_customers o
        WHERE c.customer_id = o.customer_id
          AND ((c.name IS NULL AND o.name IS NOT NULL)
               OR (c.home_store_id IS NULL AND o.home_store_id IS NOT NULL)
               OR (c.vin IS NULL AND o.vin IS NOT NULL)
               OR (c.vehicle_model IS NULL AND o.vehicle_model IS NOT NULL))
        """
    )


def _contacts_to_lists(con: duckdb.DuckDBPyConnection, stage: Stage, options: ImportOptions) -> None:
    """Each imported contact belongs to the latest call list issued on or before its date that
    had the customer on it (its level's intervention with it); none: a contact outside any list."""
    sql, params = across.clean_select(
        KINDS["contacts"], stage.views["contacts"], stage.scaled.get("contacts", {}), options.default_margin
    )
    con.execute(
        f"""
        UPDATE main.contacts c SET list_id = pick.list_id, intervention = pick.level,
                                   store_id = coalesce(c.store_id, pick.store_id) FROM (
            SELECT c2.contact_id, arg_max(m.list_id, l.issued_at) AS list_id, arg_max(m.level, l.issued_at) AS level,
                   arg_max(m.store_id, l.issued_at) AS store_id
            FROM main.contacts c2
            JOIN main.call_list_members m ON m.customer_id = c2.customer_id
            JOIN main.call_lists l ON l.list_id = m.list_id AND l.issued_on <= c2.contact_date
            WHERE c2.list_id IS NULL AND c2.contact_id IN (SELECT contact_id FROM ({sql}))
            GROUP BY c2.contact_id
        ) pick WHERE c.contact_id = pick.contact_id
        """,
        params,
    )


def _stores_from_references(con: duckdb.DuckDBPyConnection) -> None:
    """Stores named by any row but missing from a stores file: the code stands in as name."""
    con.execute(
        """
        INSERT INTO main.stores
        SELECT store_id, store_id, '', '' FROM (
            SELECT store_id FROM main.orders UNION SELECT home_store_id FROM main.customers
            UNION SELECT store_id FROM main.complaints UNION SELECT store_id FROM main.appointments
            UNION SELECT store_id FROM main.store_kpis
        ) WHERE store_id IS NOT NULL AND store_id NOT IN (SELECT store_id FROM main.stores)
        """
    )


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        table: int(con.execute(f"SELECT count(*) FROM main.{quote_ident(table)}").fetchone()[0])
        for table in sorted(_main_tables(con))
    }
