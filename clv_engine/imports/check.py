"""Parsing and checking imported rows, in DuckDB SQL (vectorised: 10M rows in seconds).

Each file, loaded as text (``raw_<n>``), becomes ``typed_<n>``: every field of its kind parsed
(NULL where the file has no such column), plus the raw text and flags the checks need. Every
problem found is one row of ``imp_problems`` (source, row, field, value, code, severity):

- ``error``: the row is not imported (bad date, future date, duplicate id, unknown customer ...);
- ``skipped``: the row is not imported, as intended (a customer already in the database, append);
- ``warning``: the row is imported as read (a refund, an Excel date number, "１,２３４").

Clean rows are those with no error and no skip. Identifiers (table and header names) cannot be
bound as parameters; they are quoted, and every value from a file stays inside the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import duckdb

from clv_engine.imports.fields import (
    CHANNEL_VALUES,
    KIND_VALUES,
    OUTCOME_VALUES,
    STATUS_VALUES,
    Field,
    SourceKind,
)
from clv_engine.imports.read import quote_ident

# Type maps and word lists: tables, kept compact as written.
# fmt: off
PARSED_TYPES = {"date", "month", "money", "number", "integer", "rate", "status", "timestamp", "outcome", "channel"}
NUMBER_TYPES = {"money", "number", "integer", "rate"}
SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "kind": "VARCHAR", "status": "VARCHAR",
             "outcome": "VARCHAR", "channel": "VARCHAR",
             "date": "DATE", "month": "DATE", "money": "DOUBLE", "number": "DOUBLE",
             "rate": "DOUBLE", "integer": "BIGINT", "timestamp": "TIMESTAMP"}
# Fields that cannot be below zero (a refund is an order with a negative amount, not a price).
NON_NEGATIVE = {"spend", "new_customers", "price", "term_years", "claims_cost", "purchase_price", "mileage", "cost"}
# Columns added to a table after the first release (schema.sql's ALTER ... ADD COLUMN): a file
# written before them lacks them, so an appended row is not compared on them.
LATER_COLUMNS = {"orders": {"mileage"}, "complaints": {"opened_at", "responded_at", "resolved_at", "status"}}
EARLIEST = date(1950, 1, 1)  # older "dates" are typos or Excel numbers of something else
EXCEL_SERIAL_MIN = (EARLIEST - date(1899, 12, 30)).days  # 18,264
VALUE_CHARS = 200  # a problem quotes at most this much of the value

# Full-width forms and the Unicode minus, as typed on a Chinese keyboard -> ASCII.
FULL_WIDTH = "０１２３４５６７８９．，－＋（）％／：　−"
ASCII_FORM = "0123456789.,-+()%/: -"
assert len(FULL_WIDTH) == len(ASCII_FORM)
# Ids: every full-width ASCII form (Ｃ００１) and the ideographic space to ASCII, as Unicode's
# NFKC normalisation does, so a customer typed on a Chinese keyboard is the same customer.
WIDE_ASCII = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
NARROW_ASCII = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
assert len(WIDE_ASCII) == len(NARROW_ASCII)
# A spreadsheet's total line (合计 / Total) is not an order or a customer.
TOTAL_WORDS = ("合计", "总计", "小计", "合計", "總計", "小計", "共计", "总合计", "total", "grand total",
               "subtotal", "sub total", "sum", "totals")
TOTAL_CELLS = sorted({w2 for w in TOTAL_WORDS for w1 in (w, w.upper(), w.title())
                      for w2 in (w1, w1 + ":", w1 + "：")})

# 1234,50 / 1.234,50 / -12,5% / € 1.234,50: a number whose decimal mark is a comma.
# fmt: on


DECIMAL_COMMA = " *[-+(]?[¥￥$€]? *[0-9][0-9 .]*,[0-9]+[)]? *[%€]? *"
# A comma that cannot separate thousands (not followed by exactly three digits): "1234,50" is a
# decimal comma, and dropping it stored the amount 100 times too large. Such a value is not an
# amount unless the file is read with decimal commas (imp_dc, a semicolon-separated file).
BAD_COMMA = "[,，]([0-9０-９]{0,2}|[0-9０-９]{4,})([^0-9０-９]|$)"

# Parsing as DuckDB macros: one definition, used for every column of that type. Each parse
# tries the cheap form first (a plain cast) and the costly clean-up (full-width digits,
# separators, Chinese dates) only for what is left: DuckDB's COALESCE evaluates a later
# argument only for rows the earlier ones left NULL. A slow branch must not repeat a
# sub-expression: DuckDB would hoist the repeated part and compute it for every row.
MACROS = f"""
CREATE OR REPLACE TEMP MACRO imp_text(x) AS nullif(CASE WHEN x LIKE ' %' OR x LIKE '% ' THEN trim(x) ELSE x END, '');
CREATE OR REPLACE TEMP MACRO imp_id(x) AS imp_text(CASE WHEN strlen(x) <> length(x)
    THEN translate(x, '{WIDE_ASCII}', '{NARROW_ASCII.replace("'", "''")}') ELSE x END);
CREATE OR REPLACE TEMP MACRO imp_scientific(x) AS coalesce((contains(x, 'E') OR contains(x, 'e'))
    AND regexp_full_match(imp_text(x), '[0-9]([.][0-9]+)?[eE][+]?[0-9]+'), false);
CREATE OR REPLACE TEMP MACRO imp_dc(x) AS CASE
    WHEN regexp_full_match(x, '{DECIMAL_COMMA}') THEN replace(replace(replace(x, ' ', ''), '.', ''), ',', '.')
    ELSE x END;
CREATE OR REPLACE TEMP MACRO imp_num0(x) AS coalesce(
    TRY_CAST(x AS DOUBLE),
    CASE WHEN NOT regexp_matches(x, '{BAD_COMMA}') THEN coalesce(
    TRY_CAST(rtrim(replace(replace(replace(x, ',', ''), '¥', ''), '￥', ''), '%') AS DOUBLE),
    TRY_CAST(regexp_replace(rtrim(replace(replace(translate(translate(x, '{FULL_WIDTH}', '{ASCII_FORM}'),
        ',¥￥$€元 ', ''), 'RMB', ''), 'CNY', ''), '%'), '^[(](.*)[)]$', '-\\1') AS DOUBLE)) END);
CREATE OR REPLACE TEMP MACRO imp_num(x) AS CASE WHEN isfinite(imp_num0(x)) THEN imp_num0(x) END;
CREATE OR REPLACE TEMP MACRO imp_pct(x) AS coalesce(contains(x, '%') OR contains(x, '％'), false);
CREATE OR REPLACE TEMP MACRO imp_num_normalised(x) AS
    coalesce(TRY_CAST(x AS DOUBLE) IS NULL AND imp_num(x) IS NOT NULL AND NOT imp_pct(x), false);
CREATE OR REPLACE TEMP MACRO imp_serial(x) AS CASE
    WHEN TRY_CAST(x AS DOUBLE) >= {EXCEL_SERIAL_MIN} AND TRY_CAST(x AS DOUBLE) < 100000
    THEN DATE '1899-12-30' + CAST(floor(TRY_CAST(x AS DOUBLE)) AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO imp_date0(x) AS coalesce(
    TRY_CAST(x AS DATE),
    imp_serial(x),
    CAST(try_strptime(x, '%Y%m%d') AS DATE),
    TRY_CAST(replace(replace(replace(replace(translate(x, '{FULL_WIDTH}', '{ASCII_FORM}'),
        '年', '-'), '月', '-'), '日', ''), '.', '-') AS DATE));
CREATE OR REPLACE TEMP MACRO imp_date(x) AS
    CASE WHEN imp_date0(x) >= DATE '{EARLIEST.isoformat()}' THEN imp_date0(x) END;
CREATE OR REPLACE TEMP MACRO imp_ts(x) AS coalesce(TRY_CAST(x AS TIMESTAMP),
    TRY_CAST(replace(replace(replace(translate(x, '{FULL_WIDTH}', '{ASCII_FORM}'), '年', '-'), '月', '-'), '日', ' ')
        AS TIMESTAMP));
CREATE OR REPLACE TEMP MACRO imp_is_serial(x) AS coalesce(TRY_CAST(x AS DATE) IS NULL AND imp_serial(x) IS NOT NULL, false);
CREATE OR REPLACE TEMP MACRO imp_month(x) AS CAST(date_trunc('month', coalesce(
    imp_date(x),
    TRY_CAST(replace(replace(replace(replace(translate(x, '{FULL_WIDTH}', '{ASCII_FORM}'),
        '年', '-'), '月', ''), '/', '-'), '.', '-') || '-01' AS DATE),
    CAST(try_strptime(x, '%Y%m') AS DATE))) AS DATE);
"""

PROBLEMS_TABLE = """
CREATE OR REPLACE TEMP TABLE imp_problems (
    src INTEGER, row BIGINT, field VARCHAR, value VARCHAR, code VARCHAR, severity VARCHAR,
    extra VARCHAR, ref_src INTEGER
)
"""


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Macros, value lists and the problem table in a fresh staging connection."""
    for statement in MACROS.split(";\n"):
        if statement.strip():
            con.execute(statement)
    con.execute(PROBLEMS_TABLE)
    for table, values in (
        ("imp_kind_values", KIND_VALUES),
        ("imp_status_values", STATUS_VALUES),
        ("imp_outcome_values", OUTCOME_VALUES),
        ("imp_channel_values", CHANNEL_VALUES),
    ):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (value VARCHAR PRIMARY KEY, code VARCHAR)")
        con.executemany(f"INSERT INTO {table} VALUES (?, ?)", [[k, v] for k, v in values.items()])


def _field_items(
    f: Field, header: str | None, params: list, today: date, decimal_comma: bool = False
) -> list[str]:
    """SELECT items for one field: its value, and for parsed fields the raw text and flags.

    Copying strings is the costly part of typing 10M rows, so the raw text is kept only where
    a message may quote it (a value that failed, was cleaned up, is negative or in the
    future); a text field's value is its own raw text.
    """
    name = f.name
    if header is None:
        if f.default is not None:
            params.append(f.default)
            value = f"CAST(? AS {SQL_TYPES[f.type]})"
        else:
            value = f"CAST(NULL AS {SQL_TYPES[f.type]})"
        items = [f"{value} AS {name}"]
        if f.type in PARSED_TYPES:
            items.append(f"CAST(NULL AS VARCHAR) AS {name}__raw")
        if f.type in ("date", "month"):
            items.append(f"false AS {name}__serial")
        if f.type in NUMBER_TYPES:
            items += [f"false AS {name}__norm", f"false AS {name}__pct"]
        if f.type == "id":
            items += [f"CAST(NULL AS VARCHAR) AS {name}__wide", f"false AS {name}__sci"]
        if f.name == "phone":
            items.append(f"false AS {name}__sci")
        return items
    x = "r." + quote_ident(header)
    text = x
    if decimal_comma and f.type in NUMBER_TYPES:
        # 1.234,50 -> 1234.50: a semicolon file from a decimal-comma locale (see decimal_comma)
        x = f"imp_dc({x})"
    value = {
        "id": f"imp_id({x})",
        "text": f"imp_text({x})",
        "kind": f"map_{name}.code",
        "status": f"map_{name}.code",
        "outcome": f"map_{name}.code",
        "channel": f"map_{name}.code",
        "date": f"imp_date({x})",
        "timestamp": f"imp_ts({x})",
        "month": f"imp_month({x})",
        "money": f"imp_num({x})",
        "number": f"imp_num({x})",
        "rate": f"imp_num({x})",
        "integer": f"CASE WHEN imp_num({x}) = floor(imp_num({x})) AND abs(imp_num({x})) < 1e15 "
        f"THEN CAST(imp_num({x}) AS BIGINT) END",
    }[f.type]
    items = [f"{value} AS {name}"]
    if f.type in PARSED_TYPES:
        keep = f"{value} IS NULL"
        if f.type in ("date", "month"):
            keep += f" OR imp_is_serial({x})"
            if not f.future_ok:
                keep += f" OR {value} > CAST(? AS DATE)"
                params.append(today)
        elif f.type in NUMBER_TYPES:
            keep += f" OR {value} < 0 OR imp_num_normalised({x})"
            if decimal_comma:
                keep += f" OR {x} <> {text}"
        items.append(f"CASE WHEN {keep} THEN {text} END AS {name}__raw")
    if f.type in ("date", "month"):
        items.append(f"imp_is_serial({x}) AS {name}__serial")
    if f.type in NUMBER_TYPES:
        norm = f"imp_num_normalised({x})" + (f" OR coalesce({x} <> {text}, false)" if decimal_comma else "")
        items += [f"({norm}) AS {name}__norm", f"imp_pct({x}) AS {name}__pct"]
    if f.type == "id":
        # The id as written when it had full-width characters (reported with what it became).
        items += [
            f"CASE WHEN strlen({x}) <> length({x}) AND {value} IS DISTINCT FROM imp_text({x}) THEN {x} END AS {name}__wide",
            f"imp_scientific({x}) AS {name}__sci",
        ]
    if f.name == "phone":
        items.append(f"imp_scientific({x}) AS {name}__sci")
    return items


def _value_maps(
    con: duckdb.DuckDBPyConnection, spec: SourceKind, src: int, raw_view: str, mapping: Mapping[str, str]
) -> str:
    """Service kinds and statuses: map each distinct value once (a file has a handful), then
    join on the raw text, instead of lower-casing and trimming 10M values."""
    joins = []
    for f in spec.fields:
        header = mapping.get(f.name)
        if header is None or f.type not in ("kind", "status", "outcome", "channel"):
            continue
        x = quote_ident(header)
        table = f"imp_map_{src}_{f.name}"
        values = f"imp_{f.type}_values"
        fallback = "imp_text(raw)" if f.type == "kind" else "NULL"  # an unknown kind is kept as written
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT raw, coalesce(v.code, {fallback}) AS code "
            f"FROM (SELECT DISTINCT {x} AS raw FROM {raw_view}) LEFT JOIN {values} v "
            f"ON v.value = lower(imp_text(raw))"
        )
        joins.append(f"LEFT JOIN {table} map_{f.name} ON map_{f.name}.raw = r.{x}")
    return " ".join(joins)


def type_source(
    con: duckdb.DuckDBPyConnection,
    src: int,
    spec: SourceKind,
    raw_view: str,
    headers: Sequence[str],
    mapping: Mapping[str, str],
    today: date,
    decimal_comma: bool = False,
) -> tuple[str, int, int]:
    """Build ``typed_<src>`` from the raw view: its name, blank rows dropped, ids generated.

    Total lines (合计, Total) are reported as skipped and left out before anything else looks
    at them: they are neither an order nor a customer, and kept they doubled the revenue.
    """
    params: list = []
    items = [f"CAST({int(src)} AS INTEGER) AS _src", "r._row"]
    for f in spec.fields:
        items += _field_items(f, mapping.get(f.name), params, today, decimal_comma)
    # Where a total line puts its word: the first column, an id or a name (not every column:
    # this runs on every row of a 10M-row export).
    where = [headers[0]] if headers else []
    where += [mapping[f.name] for f in spec.fields if f.type in ("id", "text") and f.name in mapping]
    cells = [f"imp_text(r.{quote_ident(h)})" for h in dict.fromkeys(where)]
    total_cell = (
        f"coalesce({', '.join(f'CASE WHEN {c} IN ({_total_list()}) THEN {c} END' for c in cells)})"
        if cells
        else "CAST(NULL AS VARCHAR)"
    )
    items.append(f"{total_cell} AS _total")
    joins = _value_maps(con, spec, src, raw_view, mapping)
    # A row with nothing in any column (Excel's trailing formatted rows, ",,,,") is not data.
    blank = f"coalesce({', '.join('r.' + quote_ident(h) for h in headers)}) IS NULL" if headers else "false"
    table = f"typed_{src}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {', '.join(items)} "
        f"FROM {raw_view} r {joins} WHERE NOT ({blank})",
        params,
    )
    total = con.execute(f"SELECT count(*) FROM {raw_view}").fetchone()[0]
    kept = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.execute(
        f"INSERT INTO imp_problems SELECT _src, _row, NULL, left(_total, {VALUE_CHARS}), 'total_row', 'skipped', "
        f"NULL, NULL FROM {table} WHERE _total IS NOT NULL"
    )
    con.execute(f"DELETE FROM {table} WHERE _total IS NOT NULL")
    if spec.kind == "orders" and "revenue" in mapping:
        _sum_lines(con, table, src)
    generated = _generate_ids(con, spec, table, mapping)
    return table, int(total - kept), generated


def _sum_lines(con: duckdb.DuckDBPyConnection, table: str, src: int) -> None:
    """A total line without a total word: no customer (or a date where the customer should be)
    and an amount equal to the sum of every other row's. Kept, it doubled the revenue."""
    not_a_customer = "(customer_id IS NULL OR (regexp_matches(customer_id, '[-/年.]') AND imp_date(customer_id) IS NOT NULL))"
    con.execute(
        f"""
        INSERT INTO imp_problems
        SELECT _src, _row, 'revenue', CAST(revenue AS VARCHAR), 'sum_row', 'skipped', NULL, NULL
        FROM {table}, (SELECT sum(revenue) AS total, count(*) AS n FROM {table}) s
        WHERE {not_a_customer} AND revenue IS NOT NULL AND revenue <> 0 AND s.n > 2
          AND abs(2 * revenue - s.total) < 0.005
        """
    )
    con.execute(
        f"DELETE FROM {table} WHERE _row IN (SELECT row FROM imp_problems WHERE src = ? AND code = 'sum_row')",
        [src],
    )


def _total_list() -> str:
    # Fixed words of ours, not file text: safe to write into the SQL as literals.
    return ", ".join("'" + w.replace("'", "''") + "'" for w in TOTAL_CELLS)


def _generate_ids(
    con: duckdb.DuckDBPyConnection, spec: SourceKind, table: str, mapping: Mapping[str, str]
) -> int:
    """An id made from the row's content where the file has none.

    The same order exported again gets the same id, so appending last month's file twice is
    caught as duplicates; identical rows within a file are told apart by their occurrence.
    """
    name = spec.generated_id
    if name is None:
        return 0
    empty = con.execute(f"SELECT count(*) FROM {table} WHERE {name} IS NULL").fetchone()[0]
    if not empty:
        return 0
    raws = [
        f"coalesce(CAST({f.name} AS VARCHAR), {f.name}__raw, '')"
        if f.type in PARSED_TYPES
        else f"coalesce({f.name}, '')"
        for f in spec.fields
        if f.name in mapping and f.name != name
    ]
    content = f"concat_ws('|', {', '.join(raws)})" if raws else "''"
    con.execute(
        f"""
        UPDATE {table} SET {name} = g.id FROM (
            SELECT _row, 'G' || upper(substr(md5(h || '|' || CAST(row_number() OVER (PARTITION BY h ORDER BY _row) AS VARCHAR)), 1, 15)) AS id
            FROM (SELECT _row, md5({content}) AS h FROM {table} WHERE {name} IS NULL)
        ) g WHERE {table}._row = g._row
        """
    )
    return int(empty)


def _insert_problems(
    con,
    table: str,
    field: str,
    code: str,
    severity: str,
    where: str,
    extra: str = "NULL",
    params: Sequence = (),
    raw: bool = True,
    value: str | None = None,
) -> None:
    if value is None:
        value = f"{field}__raw" if raw else f"CAST({field} AS VARCHAR)"
    con.execute(
        f"INSERT INTO imp_problems SELECT _src, _row, ?, left({value}, {VALUE_CHARS}), ?, ?, "
        f"{extra}, NULL FROM {table} WHERE {where}",
        [field, code, severity, *params],
    )


def check_fields(
    con: duckdb.DuckDBPyConnection, spec: SourceKind, table: str, mapping: Mapping[str, str], today: date
) -> None:
    """Row-by-row checks of one typed file (each a vectorised INSERT ... SELECT)."""
    for f in spec.fields:
        if f.name not in mapping:
            continue
        n = f.name
        empty = f"{n} IS NULL AND imp_text({n}__raw) IS NULL" if f.type in PARSED_TYPES else f"{n} IS NULL"
        if f.required and n != spec.generated_id:
            _insert_problems(con, table, n, "missing_value", "error", empty, raw=f.type in PARSED_TYPES)
        if f.type in PARSED_TYPES:
            bad = f"{n} IS NULL AND NOT ({empty})"
            if f.type in NUMBER_TYPES:
                # "1234,50" in a comma-separated file: ambiguous, so refused with the reason.
                comma = f"regexp_full_match({n}__raw, '{DECIMAL_COMMA}')"
                _insert_problems(con, table, n, "comma_decimal", "error", f"{bad} AND {comma}")
                bad += f" AND NOT {comma}"
            _insert_problems(con, table, n, f"bad_{f.type}", "error", bad)
        if f.type in ("date", "month"):
            if not f.future_ok:
                _insert_problems(
                    con,
                    table,
                    n,
                    "future_date",
                    "error",
                    f"{n} > CAST(? AS DATE)",
                    "CAST(? AS VARCHAR)",
                    [today, today],
                )
            _insert_problems(
                con,
                table,
                n,
                "excel_date",
                "warning",
                f"{n}__serial AND {n} IS NOT NULL" + ("" if f.future_ok else f" AND {n} <= CAST(? AS DATE)"),
                f"CAST({n} AS VARCHAR)",
                [] if f.future_ok else [today],
            )
        if f.type in NUMBER_TYPES:
            _insert_problems(
                con,
                table,
                n,
                "number_normalised",
                "warning",
                f"{n}__norm AND {n} IS NOT NULL",
                f"CAST({n} AS VARCHAR)",
            )
            if n in NON_NEGATIVE:
                _insert_problems(con, table, n, "negative_value", "error", f"{n} < 0")
        if f.type == "id":
            # 1.38E+11: a spreadsheet turned the id into a rounded number; the digits are gone.
            _insert_problems(con, table, n, "scientific_id", "error", f"{n}__sci", raw=False)
            _insert_problems(
                con,
                table,
                n,
                "id_normalised",
                "warning",
                f"{n}__wide IS NOT NULL AND NOT {n}__sci",
                n,
                value=f"{n}__wide",
            )
            if n in ("customer_id", "referrer_id", "referred_id"):
                # A date in the customer column: a summary line, not a customer.
                _insert_problems(
                    con,
                    table,
                    n,
                    "id_is_date",
                    "error",
                    f"NOT {n}__sci AND regexp_matches({n}, '[-/年.]') AND imp_date({n}) IS NOT NULL",
                    raw=False,
                )
        if n == "phone":
            _insert_problems(con, table, n, "scientific_phone", "warning", f"{n}__sci", raw=False)
    if spec.kind == "orders":
        _insert_problems(con, table, "revenue", "refund", "warning", "revenue < 0")
        _insert_problems(con, table, "revenue", "zero_amount", "warning", "revenue = 0", raw=False)
        if "order_id" not in mapping:
            _exact_copies(con, spec, table, mapping)
        if "gross_profit" in mapping:
            _insert_problems(
                con,
                table,
                "gross_profit",
                "gp_assumed",
                "warning",
                "gross_profit IS NULL AND imp_text(gross_profit__raw) IS NULL AND revenue IS NOT NULL",
            )


def _exact_copies(
    con: duckdb.DuckDBPyConnection, spec: SourceKind, table: str, mapping: Mapping[str, str]
) -> None:
    """Rows identical to an earlier row of the file (no order id to tell them apart).

    They are kept, as two visits on one day with the same amount happen; the report says so,
    because an export that repeats lines looks exactly the same.
    """
    raws = [
        f"coalesce(CAST({f.name} AS VARCHAR), {f.name}__raw, '')"
        if f.type in PARSED_TYPES
        else f"coalesce({f.name}, '')"
        for f in spec.fields
        if f.name in mapping
    ]
    if not raws:
        return
    con.execute(
        f"""
        INSERT INTO imp_problems
        SELECT _src, _row, 'customer_id', left(customer_id, {VALUE_CHARS}), 'exact_copy', 'warning',
               CAST(first_row AS VARCHAR), NULL
        FROM (
            SELECT _src, _row, customer_id, row_number() OVER w AS n, first_value(_row) OVER w AS first_row
            FROM {table} WINDOW w AS (PARTITION BY {", ".join(raws)} ORDER BY _row)
        ) WHERE n > 1
        """
    )
