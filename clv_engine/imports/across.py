"""Checks across rows, files and the stored data, once every file is typed (check.py): one view
per kind over all its files, duplicate ids and ids already stored, customers unknown to the
orders and customers, rate columns written in percent; and the SELECT of the clean rows that
the new database is written from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from clv_engine.imports.check import LATER_COLUMNS, VALUE_CHARS
from clv_engine.imports.fields import SourceKind


def union_view(con: duckdb.DuckDBPyConnection, kind: str, tables: Sequence[str]) -> str:
    """One view over every file of a kind (two stores' order exports are checked together)."""
    view = f"all_{kind}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS "
        + " UNION ALL BY NAME ".join(f"SELECT * FROM {t}" for t in tables)
    )
    return view


def _key_text(spec: SourceKind, alias: str = "") -> str:
    parts = [f"CAST({alias}{k} AS VARCHAR)" for k in spec.key]
    return parts[0] if len(parts) == 1 else f"concat_ws(' / ', {', '.join(parts)})"


def check_keys(con: duckdb.DuckDBPyConnection, spec: SourceKind, view: str, old_table: str | None) -> None:
    """Duplicate ids within the files (the first row is kept) and, appending, ids already stored."""
    if not spec.key:
        return
    keys = ", ".join(spec.key)
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in spec.key)
    con.execute(
        f"""
        INSERT INTO imp_problems
        SELECT _src, _row, ?, left(key_text, {VALUE_CHARS}), 'duplicate_key', 'error',
               CAST(first_row AS VARCHAR), first_src
        FROM (
            SELECT a._src, a._row, {_key_text(spec, "a.")} AS key_text,
                   row_number() OVER w AS n, first_value(a._row) OVER w AS first_row,
                   first_value(a._src) OVER w AS first_src
            FROM {view} a
            JOIN (SELECT {keys} FROM {view} WHERE {not_null} GROUP BY {keys} HAVING count(*) > 1) d USING ({keys})
            WINDOW w AS (PARTITION BY {", ".join("a." + k for k in spec.key)} ORDER BY a._src, a._row)
        ) WHERE n > 1
        """,
        [spec.key[0]],
    )
    if old_table is None:
        return
    on = " AND ".join(f"a.{k} = o.{k}" for k in spec.key)
    if spec.entity:
        code = "'existing_entity'"
        severity = "'skipped'"
    else:
        # An overlapping export (January to April appended after January to March) repeats
        # rows already stored: skipped as such, not errors. The same id with other values is
        # an error: which one is right is the user's call.
        fields = {f.name for f in spec.fields}  # contacts' list_id is set after the insert
        values = [
            c
            for c in spec.columns
            if c not in spec.key
            and c != "gross_profit"
            and c not in LATER_COLUMNS.get(spec.table, set())
            and c in fields
        ]
        same = " AND ".join(f"(a.{c} IS NULL OR a.{c} = o.{c})" for c in values) or "true"
        code = f"CASE WHEN {same} THEN 'already_stored' ELSE 'existing_key' END"
        severity = f"CASE WHEN {same} THEN 'skipped' ELSE 'error' END"
    con.execute(
        f"INSERT INTO imp_problems SELECT a._src, a._row, ?, left({_key_text(spec, 'a.')}, {VALUE_CHARS}), "
        f"{code}, {severity}, NULL, NULL FROM {view} a JOIN {old_table} o ON {on}",
        [spec.key[0]],
    )


def check_customers_known(con: duckdb.DuckDBPyConnection, spec: SourceKind, view: str, known: str) -> None:
    """Side files (complaints, warranties ...) must name customers of the orders or customers."""
    for name in spec.customer_fields:
        con.execute(
            f"INSERT INTO imp_problems SELECT a._src, a._row, ?, left(a.{name}, {VALUE_CHARS}), "
            f"'unknown_customer', 'error', NULL, NULL FROM {view} a "
            f"WHERE a.{name} IS NOT NULL AND a.{name} NOT IN (SELECT customer_id FROM {known})",
            [name],
        )


def percent_sources(
    con: duckdb.DuckDBPyConnection, spec: SourceKind, tables: Mapping[int, str]
) -> dict[str, list[int]]:
    """Per rate field, the files whose column is in percent (35 means 35%): any value above the
    field's threshold. Values written with a % sign are read as percent in any file."""
    scaled: dict[str, list[int]] = {}
    for f in spec.fields:
        if f.type != "rate":
            continue
        scaled[f.name] = []
        for src, table in tables.items():
            top = con.execute(
                f"SELECT max(abs({f.name})) FILTER (WHERE NOT {f.name}__pct) FROM {table}"
            ).fetchone()[0]
            if top is not None and top > f.percent_above:
                scaled[f.name].append(src)
    return scaled


def clean_select(
    spec: SourceKind, view: str, scaled: Mapping[str, list[int]], default_margin: float
) -> tuple[str, list]:
    """SELECT of the target table's columns from the clean rows of ``view``, with its params."""
    params: list = []

    def rate(name: str) -> str:
        params.append(list(scaled.get(name, [])))
        return f"CASE WHEN a.{name}__pct OR list_contains(CAST(? AS INTEGER[]), a._src) THEN a.{name} / 100 ELSE a.{name} END"

    exprs = []
    for column in spec.columns:
        if spec.kind == "orders" and column == "gross_profit":
            margin = rate("margin")
            params.append(default_margin)
            exprs.append(f"coalesce(a.gross_profit, a.revenue * ({margin}), a.revenue * ?) AS gross_profit")
        elif spec.kind == "stores" and column == "name":
            exprs.append("coalesce(a.name, a.store_id) AS name")
        elif spec.kind == "customers" and column == "phone":
            exprs.append("CASE WHEN a.phone__sci THEN NULL ELSE a.phone END AS phone")  # its digits are lost
        elif spec.kind == "stores" and column in ("region", "city"):
            exprs.append(f"coalesce(a.{column}, '') AS {column}")
        elif spec.kind == "contacts" and column in ("list_id", "intervention"):
            exprs.append(f"CAST(NULL AS VARCHAR) AS {column}")  # from the call list, after the insert
        elif spec.kind == "contacts" and column == "channel":
            exprs.append("coalesce(a.channel, 'call') AS channel")  # a CRM export of calls names none
        elif spec.field(column).type == "rate":
            exprs.append(f"{rate(column)} AS {column}")
        else:
            exprs.append(f"a.{column}")
    sql = (
        f"SELECT {', '.join(exprs)} FROM {view} a WHERE NOT EXISTS (SELECT 1 FROM imp_problems p "
        f"WHERE p.src = a._src AND p.row = a._row AND p.severity IN ('error', 'skipped'))"
    )
    return sql, params
