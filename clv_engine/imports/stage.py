"""Staging an import: every file read as text, its headers mapped to our fields, every row
parsed and checked, into DuckDB tables; the report of what was found. Nothing is written to
the database here (clv_engine/imports/write.py does that from the staged tables).

Also the two small readers the page needs before a check: the first rows of a file and the
mappings saved with the previous imports.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from clv_engine.errors import InputError
from clv_engine.imports import across, check
from clv_engine.imports.check import DECIMAL_COMMA, NUMBER_TYPES
from clv_engine.imports.fields import KINDS, SourceKind, guess_mapping
from clv_engine.imports.model import (
    CODES,
    KEPT_ON_REPLACE,
    OLD,
    PROBLEM_LIMIT,
    ImportOptions,
    ImportReport,
    Message,
    Progress,
    Source,
    SourceReport,
)
from clv_engine.imports.read import ImportFileError, RawTable, load_raw, quote_ident

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}  # codes: imp.delimiter.<name>


# -- reading samples and saved mappings --------------------------------------------------


def read_sample(path: str | Path, rows: int = 10, sheet: str | None = None) -> pd.DataFrame:
    """The first rows of a file as text, headers as DuckDB will read them (for a preview)."""
    work = Path(tempfile.mkdtemp(prefix="clv_preview_"))
    con = duckdb.connect(config={"temp_directory": str(work)})
    try:
        raw = load_raw(con, Path(path), "preview", work, sheet, limit_bytes=256 << 10)
        frame = con.execute(f"SELECT * EXCLUDE (_row) FROM {raw.view} LIMIT ?", [rows]).df()
        frame.columns = raw.headers
        return frame
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


def saved_mappings(db_path: str | Path | None) -> dict[str, dict[str, str]]:
    """{kind: {field: header}} saved with the previous imports into ``db_path``."""
    if db_path is None or not Path(db_path).exists():
        return {}
    # Attached from an in-memory connection: works while the app holds the file read-only.
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH ? AS {OLD} (READ_ONLY)", [str(db_path)])
        return _saved_mappings(con)
    finally:
        con.close()


def _saved_mappings(
    con: duckdb.DuckDBPyConnection, old_tables: set[str] | None = None
) -> dict[str, dict[str, str]]:
    if "import_mappings" not in (old_tables if old_tables is not None else _old_tables(con)):
        return {}
    rows = con.execute(f"SELECT source_kind, mapping FROM {OLD}.import_mappings").fetchall()
    out = {}
    for kind, text in rows:
        try:
            out[kind] = {str(k): str(v) for k, v in json.loads(text).items()}
        except (ValueError, AttributeError):
            continue  # an unreadable saved mapping is simply guessed again
    return out


def _old_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [OLD]).fetchall()
    return {r[0] for r in rows}


# -- staging and checking ----------------------------------------------------------------


@dataclass
class Stage:
    report: ImportReport
    views: dict[str, str]  # kind -> view over its typed files
    scaled: dict[str, dict[str, list[int]]]  # kind -> rate field -> sources in percent
    mappings: dict[str, dict[str, str]]  # kind -> mapping to save
    has_old: bool
    old_tables: set[str]


def stage(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[Source],
    db_path: Path | None,
    options: ImportOptions,
    work: Path,
    progress: Progress,
) -> Stage:
    options.validate()
    today = options.today or date.today()
    check.prepare(con)
    has_old = db_path is not None and db_path.exists()
    if has_old:
        con.execute(f"ATTACH ? AS {OLD} (READ_ONLY)", [str(db_path)])
    old_tables = _old_tables(con) if has_old else set()
    saved = _saved_mappings(con, old_tables) if has_old else {}

    blocking: list[Message] = []
    notes: list[Message] = []
    reports: list[SourceReport] = []
    tables: dict[str, dict[int, str]] = {}
    if options.mode == "replace" and not any(s.kind == "orders" for s in sources):
        blocking.append(Message("no_orders"))
    for src, source in enumerate(sources):
        progress(0.3 * src / max(len(sources), 1), "reading")
        if source.kind not in KINDS:
            raise InputError(
                CODES["unknown_kind"], file=source.label, kind=source.kind, kinds=", ".join(KINDS)
            )
        spec = KINDS[source.kind]
        try:
            raw = load_raw(con, Path(source.path), str(src), work, source.sheet)
        except ImportFileError as error:
            blocking.append(Message(error.name, {**error.details, "file": source.label}))
            reports.append(SourceReport(source.kind, source.label, [], {}))
            continue
        mapping, problems = _resolve_mapping(spec, source, raw, saved.get(spec.kind))
        report = SourceReport(source.kind, source.label, raw.headers, mapping, encoding=raw.encoding)
        reports.append(report)
        if len(raw.headers) == 1 and len(spec.required) > 1:
            # Every line is one column: spaces between the values, or another delimiter than
            # the one the header suggested. Say so, rather than list "missing" columns.
            problems = [_one_column(source.label, raw)]
        blocking += problems
        if problems:
            continue
        comma = raw.delimiter == ";" and decimal_comma(con, spec, raw.view, mapping)
        table, report.blank, generated = check.type_source(
            con, src, spec, raw.view, raw.headers, mapping, today, comma
        )
        check.check_fields(con, spec, table, mapping, today)
        _record_malformed(con, src, raw)
        _drop_raw(con, src)  # the typed table holds what the rest needs; free the memory
        totals = con.execute(
            "SELECT count(*) FROM imp_problems WHERE src = ? AND code IN ('total_row', 'sum_row')", [src]
        ).fetchall()[0][0]
        report.rows = (
            con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] + len(raw.malformed) + totals
        )
        if report.rows == 0:
            blocking.append(Message("empty", {"file": source.label}))
        tables.setdefault(spec.kind, {})[src] = table
        _file_notes(notes, spec, source, report, raw, generated)
        if comma:
            notes.append(Message("decimal_comma", {"file": source.label}))

    progress(0.35, "checking")
    views = {kind: across.union_view(con, kind, list(t.values())) for kind, t in tables.items()}
    for kind, view in views.items():
        spec = KINDS[kind]
        # Kept tables (contacts) are compared with what is stored in either mode.
        kept = options.mode == "append" or spec.table in KEPT_ON_REPLACE
        old_table = f"{OLD}.{spec.table}" if kept and spec.table in old_tables else None
        across.check_keys(con, spec, view, old_table)
    _check_customers(con, views, options.mode == "append" and "customers" in old_tables)
    scaled = {kind: across.percent_sources(con, KINDS[kind], tables[kind]) for kind in views}
    for kind, fields in scaled.items():
        for name, srcs in fields.items():
            for src in srcs:
                notes.append(
                    Message(
                        "percent",
                        {
                            "file": sources[src].label,
                            "field": name,
                            "limit": KINDS[kind].field(name).percent_above,
                        },
                    )
                )
    _count_rows(con, reports)
    if "orders" in views and not blocking:
        _orders_notes(
            con,
            notes,
            views,
            scaled,
            options,
            old_tables if options.mode == "append" else set(),
            [r.mapping for r in reports if r.kind == "orders"],
        )

    summary, problems, total = _problem_frames(con, sources, reports)
    report = ImportReport(options.mode, reports, blocking, notes, summary, problems, total)
    mappings = {s.kind: r.mapping for s, r in zip(sources, reports) if r.mapping}
    return Stage(report, views, scaled, mappings, has_old, old_tables)


def _resolve_mapping(
    spec: SourceKind, source: Source, raw: RawTable, saved: Mapping[str, str] | None
) -> tuple[dict[str, str], list[Message]]:
    problems: list[Message] = []
    if source.mapping is not None:
        known = {f.name for f in spec.fields}
        mapping = {}
        for name, header in source.mapping.items():
            if not header:
                continue
            if name not in known:
                raise InputError(
                    CODES["unknown_field"],
                    file=source.label,
                    kind=spec.kind,
                    field=name,
                    fields=", ".join(sorted(known)),
                )
            if header not in raw.headers:
                problems.append(
                    Message("unknown_header", {"file": source.label, "header": header, "field": name})
                )
                continue
            mapping[name] = header
    else:
        mapping = guess_mapping(spec.kind, raw.headers, saved)
    for name in spec.required:
        if name not in mapping:
            problems.append(
                Message(
                    "missing_column", {"file": source.label, "field": name, "headers": ", ".join(raw.headers)}
                )
            )
    return mapping, problems


def _one_column(label: str, raw: RawTable) -> Message:
    header = raw.headers[0] if raw.headers else ""
    header = header if len(header) <= 60 else header[:57] + "…"
    if raw.delimiter is None:  # Excel or Parquet: one column in the sheet itself
        return Message("one_column_sheet", {"file": label, "header": header})
    return Message(
        "one_column",
        {"file": label, "header": header, "delimiter": DELIMITER_NAMES.get(raw.delimiter, raw.delimiter)},
    )


def _drop_raw(con: duckdb.DuckDBPyConnection, src: int) -> None:
    con.execute(f"DROP VIEW IF EXISTS raw_{src}")
    for table in (f"raw0_{src}", f"rej_{src}", f"rejscan_{src}", f"rejpos_{src}"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _record_malformed(con: duckdb.DuckDBPyConnection, src: int, raw: RawTable) -> None:
    if raw.malformed:
        con.executemany(
            "INSERT INTO imp_problems VALUES (?, ?, NULL, ?, 'malformed_line', 'error', NULL, NULL)",
            [[src, row, (text or "")[: check.VALUE_CHARS]] for row, text in raw.malformed],
        )


def _file_notes(
    notes: list[Message],
    spec: SourceKind,
    source: Source,
    report: SourceReport,
    raw: RawTable,
    generated: int,
) -> None:
    if raw.encoding not in (None, "utf-8"):
        notes.append(Message("encoding", {"file": source.label, "encoding": raw.encoding}))
    if report.blank:
        notes.append(Message("blank_rows", {"file": source.label, "n": report.blank}))
    if generated:
        notes.append(
            Message("ids_generated", {"file": source.label, "n": generated, "field": spec.generated_id})
        )
    if report.unused_headers:
        notes.append(Message("unused", {"file": source.label, "columns": ", ".join(report.unused_headers)}))


def _check_customers(con: duckdb.DuckDBPyConnection, views: Mapping[str, str], with_old: bool) -> None:
    parts = [f"SELECT customer_id FROM {views[k]}" for k in ("orders", "customers") if k in views]
    if with_old:
        parts.append(f"SELECT customer_id FROM {OLD}.customers")
    side = [k for k in views if KINDS[k].customer_fields]
    if not side:
        return
    union = " UNION ".join(parts) if parts else "SELECT CAST(NULL AS VARCHAR) AS customer_id WHERE false"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE imp_known AS SELECT DISTINCT customer_id FROM ({union}) WHERE customer_id IS NOT NULL"
    )
    for kind in side:
        across.check_customers_known(con, KINDS[kind], views[kind], "imp_known")


def _count_rows(con: duckdb.DuckDBPyConnection, reports: list[SourceReport]) -> None:
    counts = con.execute(
        "SELECT src, count(DISTINCT row) FILTER (WHERE severity = 'error'), "
        "count(DISTINCT row) FILTER (WHERE severity = 'skipped' AND row NOT IN "
        "(SELECT row FROM imp_problems q WHERE q.src = p.src AND q.severity = 'error')) "
        "FROM imp_problems p GROUP BY src"
    ).fetchall()
    for src, rejected, skipped in counts:
        reports[src].rejected = int(rejected)
        reports[src].skipped = int(skipped)


def _clean_sql(stage_views: Mapping[str, str], scaled, kind: str, margin: float) -> tuple[str, list]:
    return across.clean_select(KINDS[kind], stage_views[kind], scaled.get(kind, {}), margin)


def _orders_notes(
    con,
    notes: list[Message],
    views,
    scaled,
    options: ImportOptions,
    old_tables: set[str],
    order_mappings: Sequence[Mapping[str, str]],
) -> None:
    orders_spec = KINDS["orders"]
    if not any({"gross_profit", "margin"} & set(m) for m in order_mappings):
        notes.append(Message("default_margin", {"margin": options.default_margin}))
    sql, params = across.clean_select(
        orders_spec, views["orders"], scaled.get("orders", {}), options.default_margin
    )
    known = []
    if "customers" in views:
        csql, cparams = _clean_sql(views, scaled, "customers", options.default_margin)
        known.append((f"SELECT customer_id FROM ({csql})", cparams))
    if "customers" in old_tables:
        known.append((f"SELECT customer_id FROM {OLD}.customers", []))
    where, wparams = "", []
    if known:
        where = " WHERE customer_id NOT IN (" + " UNION ".join(k for k, _ in known) + ")"
        wparams = [p for _, ps in known for p in ps]
    created = con.execute(
        f"SELECT count(DISTINCT customer_id) FROM ({sql}){where}", params + wparams
    ).fetchone()[0]
    if created:
        notes.append(Message("customers_created", {"n": int(created)}))


def _problem_frames(
    con: duckdb.DuckDBPyConnection, sources: Sequence[Source], reports: Sequence[SourceReport]
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    order = "CASE severity WHEN 'error' THEN 0 WHEN 'skipped' THEN 1 ELSE 2 END"
    summary = con.execute(
        f"SELECT src, code, severity, field, count(*) AS count, "
        f"list(row ORDER BY row)[1:5] AS rows FROM imp_problems "
        f"GROUP BY src, code, severity, field ORDER BY min({order}), src, field, code"
    ).df()
    listed = con.execute(
        f"SELECT src, row, field, value, code, severity, extra, ref_src FROM imp_problems "
        f"ORDER BY {order}, src, row, field LIMIT ?",
        [PROBLEM_LIMIT],
    ).df()
    total = int(con.execute("SELECT count(*) FROM imp_problems").fetchone()[0])
    labels = [s.label for s in sources]

    def column(src: int, name: object) -> str | None:
        return reports[src].mapping.get(name, "") if isinstance(name, str) else ""

    for frame in (summary, listed):
        frame.insert(0, "file", [labels[int(s)] for s in frame["src"]])
        frame.insert(1, "kind", [sources[int(s)].kind for s in frame["src"]])
        frame["column"] = [column(int(s), f) for s, f in zip(frame["src"], frame["field"])]
    summary["rows"] = [", ".join(str(r) for r in rows) for rows in summary["rows"]]
    listed["ref_file"] = [
        labels[int(r)] if pd.notna(r) and int(r) != int(s) else None
        for r, s in zip(listed["ref_src"], listed["src"])
    ]
    listed["row"] = listed["row"].astype("Int64")
    listed["value"] = listed["value"].fillna("")
    return summary, listed, total


def decimal_comma(
    con: duckdb.DuckDBPyConnection, spec: SourceKind, raw_view: str, mapping: Mapping[str, str]
) -> bool:
    """Whether a semicolon-separated file writes decimals with a comma (1234,50 or 1.234,50).

    Semicolons separate the columns exactly where the comma is the decimal mark, so a number
    whose last separator is a comma is read as a decimal comma. Without this, "1234,50" lost
    its comma as a thousands separator and was stored 100 times too large. A file that also
    writes a thousands comma before a decimal point (1,234.50) keeps the usual reading.
    """
    headers = [mapping[f.name] for f in spec.fields if f.type in NUMBER_TYPES and f.name in mapping]
    if not headers:
        return False
    cells = " UNION ALL ".join(f"SELECT {quote_ident(h)} AS x FROM {raw_view}" for h in headers)
    comma_decimal, comma_thousands = con.execute(
        f"SELECT coalesce(bool_or(regexp_full_match(x, '{DECIMAL_COMMA}')), false), "
        f"coalesce(bool_or(regexp_matches(x, ',[0-9]{{3}}[.]')), false) FROM ({cells})"
    ).fetchall()[0]
    return bool(comma_decimal and not comma_thousands)
