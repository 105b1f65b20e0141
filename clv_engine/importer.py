"""Import a dealer's own export (orders, and optionally customers, stores, ...) into the database.

    python -m clv_engine.importer orders.csv [--customers c.csv ...] --db PATH [--append]
                                   [--accept-clean-rows]

Two steps, the same from the command line and from the app:

1. :func:`check_import` reads every file as text, maps its headers to our fields (guessed from
   common English and Chinese names, or the mapping saved with the last import), parses and
   checks every row, and returns an :class:`ImportReport` listing each problem with file, row,
   column and value. Nothing is written.
2. :func:`run_import` does the same checks and, when there are no errors or the caller accepts
   the clean rows, writes a complete new database file next to the target, then keeps the old
   file as ``<name>.bak`` and renames the new one over it. A rename is atomic: a failure, a bad
   file or a killed process leaves the previous database as it was, and a running app keeps
   reading the old file until the new one is in place (clv_engine.db reopens on the new inode).
   A lock file refuses a second import of the same database while one runs.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from clv_engine import import_check as check
from clv_engine.db import apply_schema
from clv_engine.export import to_csv_bytes
from clv_engine.import_fields import KINDS, SourceKind, guess_mapping
from clv_engine.import_read import ImportFileError, RawTable, load_raw, quote_ident
from wording import t
from wording.fmt import number, pct

try:  # POSIX: the lock dies with the process, so a killed import never blocks the next one
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

# Files are written in this order: stores and customers before what refers to them.
KIND_ORDER = ("stores", "customers", "orders", "channel_spend", "complaints", "referrals", "warranties",
              "events", "competitors", "appointments", "kpis", "contacts")
# Tables that replace mode keeps: the user's saved inputs and mappings are not "the data".
KEPT_ON_REPLACE = ("scenarios", "import_mappings", "call_lists", "call_list_members", "contacts", "users",
                   "audit_log")
PROBLEM_LIMIT = 10_000  # problems listed (all are counted)
DEFAULT_MARGIN = 0.35  # SPEC §1's after-sales gross margin, used when orders carry no profit
DEFAULT_CURRENCY = "CNY"
ENCODING_NAMES = {"gb18030": "GB18030", "cp950": "Big5", "utf-16": "UTF-16"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
OLD = "imp_old"

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, step: str) -> None:
    pass


class ImportRejected(ValueError):
    """The import was not written: rows have problems (not accepted) or a file cannot be used."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(report.verdict("en"))


class ImportBusy(RuntimeError):
    """Another import of the same database is running."""


class ImportWriteError(RuntimeError):
    """The new database could not be written (disk full, read-only folder ...); nothing changed.

    ``code`` names the catalogue message (imp.write.<code>), ``file`` the database file.
    """

    def __init__(self, code: str, file: str, reason: str = "") -> None:
        self.code = code
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {code}" + (f" ({reason})" if reason else ""))

    def text(self, lang: str = "en") -> str:
        return t(f"imp.write.{self.code}", lang, file=self.file, reason=self.reason)


def _write_error(error: BaseException, target: Path) -> ImportWriteError:
    """The clear message for an OSError or a DuckDB I/O error met while writing ``target``."""
    number = getattr(error, "errno", None)
    text = str(error)
    if number in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text or "disk quota" in text.lower():
        return ImportWriteError("disk_full", target.name)
    if number in (errno.EACCES, errno.EPERM, errno.EROFS) or "Permission denied" in text or "Read-only" in text:
        return ImportWriteError("read_only", target.name, str(target.parent))
    return ImportWriteError("failed", target.name, text.splitlines()[0] if text else type(error).__name__)


@dataclass(frozen=True)
class Source:
    """One file to import. ``mapping`` is {our field: their header}; None = saved, then guessed."""

    kind: str
    path: Path
    mapping: Mapping[str, str] | None = None
    sheet: str | None = None
    name: str | None = None  # shown in messages (an upload's own file name)

    @property
    def label(self) -> str:
        return self.name or Path(self.path).name


@dataclass(frozen=True)
class ImportOptions:
    mode: str = "replace"  # replace | append
    default_margin: float = DEFAULT_MARGIN
    today: date | None = None  # dates after it are errors; None = the machine's date
    memory_limit: str | None = None  # DuckDB memory limit for the import, e.g. "4GB"
    # ISO code of the amounts in the files, kept in the database; None keeps the database's own
    # (CNY for a new one), so a monthly import does not turn a dollar database into yuan.
    currency: str | None = None
    # Who runs the import (kept with the version of the replaced file), and how many versions
    # to keep (None: clv_engine.versions.keep_count()).
    actor: str = "local"
    keep_versions: int | None = None

    def validate(self) -> None:
        if self.mode not in ("replace", "append"):
            raise ValueError(f"mode must be 'replace' or 'append', got {self.mode!r}")
        if not 0 <= self.default_margin <= 1:
            raise ValueError(f"default margin must be between 0 and 1, got {self.default_margin}")
        if self.currency is not None and not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency must be a three-letter code such as CNY or USD, got {self.currency!r}")


@dataclass(frozen=True)
class Message:
    """A file-level finding (blocking problem or note): catalogue code and its values."""

    code: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str, prefix: str) -> str:
        values = {k: (_field_label(v, lang) if k == "field" else t(f"imp.delimiter.{v}", lang) if k == "delimiter"
                      else v) for k, v in self.values.items()}
        return t(f"{prefix}.{self.code}", lang, **values)


@dataclass
class SourceReport:
    kind: str
    name: str
    headers: list[str]
    mapping: dict[str, str]
    rows: int = 0  # data rows read (blank rows not counted, malformed lines counted)
    rejected: int = 0  # rows with an error
    skipped: int = 0  # rows left out as intended: already in the database (append), total lines
    blank: int = 0
    encoding: str | None = None

    @property
    def clean(self) -> int:
        return self.rows - self.rejected - self.skipped

    @property
    def unused_headers(self) -> list[str]:
        used = set(self.mapping.values())
        return [h for h in self.headers if h not in used]


@dataclass
class ImportReport:
    mode: str
    sources: list[SourceReport]
    blocking: list[Message]
    notes: list[Message]
    summary: pd.DataFrame  # file, kind, code, severity, field, column, count, example rows
    problems: pd.DataFrame  # first PROBLEM_LIMIT problems: file, row, column, value, code, ...
    problem_count: int
    written: dict[str, int] = field(default_factory=dict)  # table -> rows after the import
    database: str | None = None
    backup: str | None = None

    @property
    def rejected_rows(self) -> int:
        return sum(s.rejected for s in self.sources)

    @property
    def clean_rows(self) -> int:
        return sum(s.clean for s in self.sources)

    @property
    def skipped_rows(self) -> int:
        return sum(s.skipped for s in self.sources)

    def _count(self, severity: str) -> int:
        if self.summary.empty:
            return 0
        return int(self.summary.loc[self.summary["severity"] == severity, "count"].sum())

    @property
    def warning_count(self) -> int:
        """Values imported with a note (a refund, an Excel date ...): row notes, not errors."""
        return self._count("warning")

    @property
    def note_count(self) -> int:
        """Every note the report gives: values imported as interpreted and the file-level notes
        (an assumed margin, an encoding, customers created ...). Both are shown as notes."""
        return self.warning_count + len(self.notes)

    @property
    def error_count(self) -> int:
        return self._count("error")

    @property
    def skipped_count(self) -> int:
        return self._count("skipped")

    @property
    def can_import(self) -> bool:
        return not self.blocking and self.clean_rows > 0

    @property
    def imported(self) -> bool:
        return bool(self.written)

    def problem_table(self, lang: str = "en") -> pd.DataFrame:
        """The listed problems with a message in ``lang`` (for the page and the download)."""
        frame = self.problems
        messages = [
            problem_message(r.code, r.field, r.value, r.extra, r.ref_file, lang, self.mode)
            for r in frame.itertuples()
        ]
        return pd.DataFrame(
            {
                t("imp.col.file", lang): frame["file"],
                t("imp.col.row", lang): frame["row"],
                t("imp.col.column", lang): frame["column"],
                t("imp.col.value", lang): frame["value"],
                t("imp.col.problem", lang): messages,
                t("imp.col.severity", lang): [t(f"imp.severity.{s}", lang) for s in frame["severity"]],
            }
        )

    def summary_table(self, lang: str = "en") -> pd.DataFrame:
        frame = self.summary
        return pd.DataFrame(
            {
                t("imp.col.file", lang): frame["file"],
                t("imp.col.column", lang): frame["column"],
                t("imp.col.problem", lang): [t(f"imp.code.{c}", lang) for c in frame["code"]],
                t("imp.col.severity", lang): [t(f"imp.severity.{s}", lang) for s in frame["severity"]],
                t("imp.col.count", lang): frame["count"],
                t("imp.col.rows", lang): frame["rows"],
            }
        )

    def blocking_texts(self, lang: str = "en") -> list[str]:
        return [m.text(lang, "imp.blocking") for m in self.blocking]

    def note_texts(self, lang: str = "en") -> list[str]:
        return [m.text(lang, "imp.note") for m in self.notes]

    def verdict(self, lang: str = "en") -> str:
        """One sentence: what happened or what the user must decide."""
        if self.imported:
            return t("imp.verdict.imported", lang, orders=number(self.written.get("orders", 0)),
                     customers=number(self.written.get("customers", 0)))
        if self.blocking:
            return t("imp.verdict.blocked", lang, n=len(self.blocking))
        if not self.clean_rows:
            if self.skipped_rows and not self.rejected_rows:
                return t("imp.verdict.nothing_new", lang, n=number(self.skipped_rows))
            return t("imp.verdict.nothing_clean", lang, n=number(self.rejected_rows + self.skipped_rows))
        if self.rejected_rows:
            return t("imp.verdict.problems", lang, n=number(self.rejected_rows), clean=number(self.clean_rows))
        return t("imp.verdict.ready", lang, clean=number(self.clean_rows))

    def text(self, lang: str = "en", examples: int = 5) -> str:
        """The report as plain text (the command line prints it)."""
        lines = []
        for s in self.sources:
            line = t("imp.text.file", lang, file=s.name, kind=t(f"imp.kind.{s.kind}", lang),
                     rows=number(s.rows), clean=number(s.clean), rejected=number(s.rejected))
            if s.skipped:
                line += t("imp.text.skipped", lang, n=number(s.skipped))
            lines.append(line)
            mapped = ", ".join(f"{_field_label(f, lang)} ← {h}" for f, h in s.mapping.items())
            lines.append("  " + t("imp.text.mapping", lang, mapping=mapped or "-"))
        for text in self.blocking_texts(lang):
            lines.append("✗ " + text)
        if not self.summary.empty or self.notes:
            # Errors, skipped rows and notes are counted apart: notes are imported, not problems.
            lines.append(t("imp.text.findings", lang, errors=number(self.error_count),
                           skipped=number(self.skipped_count), notes=number(self.note_count)))
            listed = self.problems
            for r in self.summary.itertuples():
                lines.append(f"  [{t(f'imp.severity.{r.severity}', lang)}] {r.file} · {r.column or '-'} · "
                             f"{t(f'imp.code.{r.code}', lang)}: {number(r.count)}")
                same_field = listed["field"].fillna("") == ("" if pd.isna(r.field) else r.field)  # a total line has none
                rows = listed[(listed["file"] == r.file) & (listed["code"] == r.code) & same_field]
                for p in rows.head(examples).itertuples():
                    message = problem_message(p.code, p.field, p.value, p.extra, p.ref_file, lang, self.mode)
                    lines.append(f"    {t('imp.col.row', lang)} {p.row}: {message}")
        for text in self.note_texts(lang):
            lines.append("• " + text)
        lines.append(self.verdict(lang))
        return "\n".join(lines)


def _field_label(name: object, lang: str) -> str:
    key = f"imp.field.{name}"
    try:
        return t(key, lang)
    except KeyError:
        return str(name)


def problem_message(code: str, field_name: str | None, value: object, extra: object,
                    ref_file: object = None, lang: str = "en", mode: str = "replace") -> str:
    """The sentence for one problem row, e.g. '“2024-02-30” is not a date (...)'."""
    if code == "duplicate_key" and isinstance(ref_file, str) and ref_file:
        code = "duplicate_key_other"
    if code == "unknown_customer" and mode == "append":
        code = "unknown_customer_append"
    return t(f"imp.problem.{code}", lang, field=_field_label(field_name, lang),
             value="" if value is None or value is pd.NA else value,
             extra="" if extra is None or extra is pd.NA else extra,
             ref_file="" if ref_file is None or ref_file is pd.NA else ref_file)


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


def _saved_mappings(con: duckdb.DuckDBPyConnection, old_tables: set[str] | None = None) -> dict[str, dict[str, str]]:
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
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [OLD]
    ).fetchall()
    return {r[0] for r in rows}


# -- staging and checking ----------------------------------------------------------------


@dataclass
class _Stage:
    report: ImportReport
    views: dict[str, str]  # kind -> view over its typed files
    scaled: dict[str, dict[str, list[int]]]  # kind -> rate field -> sources in percent
    mappings: dict[str, dict[str, str]]  # kind -> mapping to save
    has_old: bool
    old_tables: set[str]


def _stage(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[Source],
    db_path: Path | None,
    options: ImportOptions,
    work: Path,
    progress: Progress,
) -> _Stage:
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
            raise ValueError(f"unknown kind of file {source.kind!r}; expected one of {', '.join(KINDS)}")
        spec = KINDS[source.kind]
        try:
            raw = load_raw(con, Path(source.path), str(src), work, source.sheet)
        except ImportFileError as error:
            blocking.append(Message(error.code, {"file": source.label, **error.detail}))
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
        comma = raw.delimiter == ";" and check.decimal_comma(con, spec, raw.view, mapping)
        table, report.blank, generated = check.type_source(con, src, spec, raw.view, raw.headers, mapping, today,
                                                           comma)
        check.check_fields(con, spec, table, mapping, today)
        _record_malformed(con, src, raw)
        _drop_raw(con, src)  # the typed table holds what the rest needs; free the memory
        totals = con.execute("SELECT count(*) FROM imp_problems WHERE src = ? AND code IN ('total_row', 'sum_row')",
                             [src]).fetchall()[0][0]
        report.rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] + len(raw.malformed) + totals
        if report.rows == 0:
            blocking.append(Message("empty", {"file": source.label}))
        tables.setdefault(spec.kind, {})[src] = table
        _file_notes(notes, spec, source, report, raw, generated)
        if comma:
            notes.append(Message("decimal_comma", {"file": source.label}))

    progress(0.35, "checking")
    views = {kind: check.union_view(con, kind, list(t.values())) for kind, t in tables.items()}
    for kind, view in views.items():
        spec = KINDS[kind]
        # Kept tables (contacts) are compared with what is stored in either mode.
        kept = options.mode == "append" or spec.table in KEPT_ON_REPLACE
        old_table = f"{OLD}.{spec.table}" if kept and spec.table in old_tables else None
        check.check_keys(con, spec, view, old_table)
    _check_customers(con, views, options.mode == "append" and "customers" in old_tables)
    scaled = {kind: check.percent_sources(con, KINDS[kind], tables[kind]) for kind in views}
    for kind, fields in scaled.items():
        for name, srcs in fields.items():
            for src in srcs:
                notes.append(Message("percent", {"file": sources[src].label, "field": name,
                                                 "limit": KINDS[kind].field(name).percent_above}))
    _count_rows(con, reports)
    if "orders" in views and not blocking:
        _orders_notes(con, notes, views, scaled, options, old_tables if options.mode == "append" else set(),
                      [r.mapping for r in reports if r.kind == "orders"])

    summary, problems, total = _problem_frames(con, sources, reports)
    report = ImportReport(options.mode, reports, blocking, notes, summary, problems, total)
    mappings = {s.kind: r.mapping for s, r in zip(sources, reports) if r.mapping}
    return _Stage(report, views, scaled, mappings, has_old, old_tables)


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
                raise ValueError(f"{source.label}: {spec.kind} has no field {name!r}; fields: {', '.join(sorted(known))}")
            if header not in raw.headers:
                problems.append(Message("unknown_header", {"file": source.label, "header": header, "field": name}))
                continue
            mapping[name] = header
    else:
        mapping = guess_mapping(spec.kind, raw.headers, saved)
    for name in spec.required:
        if name not in mapping:
            problems.append(Message("missing_column", {"file": source.label, "field": name,
                                                       "headers": ", ".join(raw.headers)}))
    return mapping, problems


def _one_column(label: str, raw: RawTable) -> Message:
    header = raw.headers[0] if raw.headers else ""
    header = header if len(header) <= 60 else header[:57] + "…"
    if raw.delimiter is None:  # Excel or Parquet: one column in the sheet itself
        return Message("one_column_sheet", {"file": label, "header": header})
    return Message("one_column", {"file": label, "header": header,
                                  "delimiter": DELIMITER_NAMES.get(raw.delimiter, raw.delimiter)})


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


def _file_notes(notes: list[Message], spec: SourceKind, source: Source, report: SourceReport,
                raw: RawTable, generated: int) -> None:
    if raw.encoding not in (None, "utf-8"):
        notes.append(Message("encoding", {"file": source.label,
                                          "encoding": ENCODING_NAMES.get(raw.encoding, raw.encoding.upper())}))
    if report.blank:
        notes.append(Message("blank_rows", {"file": source.label, "n": number(report.blank)}))
    if generated:
        notes.append(Message("ids_generated", {"file": source.label, "n": number(generated), "field": spec.generated_id}))
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
    con.execute(f"CREATE OR REPLACE TEMP TABLE imp_known AS SELECT DISTINCT customer_id FROM ({union}) WHERE customer_id IS NOT NULL")
    for kind in side:
        check.check_customers_known(con, KINDS[kind], views[kind], "imp_known")


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
    return check.clean_select(KINDS[kind], stage_views[kind], scaled.get(kind, {}), margin)


def _orders_notes(con, notes: list[Message], views, scaled, options: ImportOptions, old_tables: set[str],
                  order_mappings: Sequence[Mapping[str, str]]) -> None:
    orders_spec = KINDS["orders"]
    if not any({"gross_profit", "margin"} & set(m) for m in order_mappings):
        notes.append(Message("default_margin", {"margin": pct(options.default_margin)}))
    sql, params = check.clean_select(orders_spec, views["orders"], scaled.get("orders", {}), options.default_margin)
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
    created = con.execute(f"SELECT count(DISTINCT customer_id) FROM ({sql}){where}", params + wparams).fetchone()[0]
    if created:
        notes.append(Message("customers_created", {"n": number(created)}))


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
        labels[int(r)] if pd.notna(r) and int(r) != int(s) else None for r, s in zip(listed["ref_src"], listed["src"])
    ]
    listed["row"] = listed["row"].astype("Int64")
    listed["value"] = listed["value"].fillna("")
    return summary, listed, total


# -- public API --------------------------------------------------------------------------


def check_import(
    sources: Sequence[Source],
    db_path: str | Path | None = None,
    options: ImportOptions = ImportOptions(),
    progress: Progress = _no_progress,
) -> ImportReport:
    """Read and check ``sources`` against the database at ``db_path``; nothing is written."""
    if db_path is not None and Path(db_path).is_dir():
        raise ImportWriteError("is_directory", Path(db_path).name, str(db_path))
    work = Path(tempfile.mkdtemp(prefix="clv_import_check_"))
    con = _connect(":memory:", work, options)
    try:
        return _stage(con, sources, Path(db_path) if db_path else None, options, work, progress).report
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


def run_import(
    sources: Sequence[Source],
    db_path: str | Path,
    options: ImportOptions = ImportOptions(),
    accept_clean_rows: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Check and import ``sources`` into ``db_path`` atomically; returns the report.

    Raises :class:`ImportRejected` (nothing written) when a file cannot be used, or when rows
    have errors and ``accept_clean_rows`` is false. Raises :class:`ImportBusy` when another
    import of the same database runs.
    """
    target = Path(db_path)
    if target.is_dir():
        raise ImportWriteError("is_directory", target.name, str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _import_lock(target):
            return _import_locked(sources, target, options, accept_clean_rows, progress)
    except (OSError, duckdb.IOException) as error:
        # Disk full, a read-only folder ...: a clear message; the old file is untouched.
        raise _write_error(error, target) from error


def _import_locked(sources: Sequence[Source], target: Path, options: ImportOptions, accept_clean_rows: bool,
                   progress: Progress) -> ImportReport:
    new = target.with_name(target.name + ".importing")
    _remove_leftovers(target)
    work = Path(tempfile.mkdtemp(prefix=f"{target.name}.work-", dir=target.parent))
    try:
        con = _connect(str(new), work, options)
        try:
            stage = _stage(con, sources, target, options, work, progress)
            report = stage.report
            if not report.can_import or (report.rejected_rows and not accept_clean_rows):
                raise ImportRejected(report)
            progress(0.5, "writing")
            _write(con, stage, options)
            progress(0.8, "loaded")
            con.execute("CHECKPOINT")
            report.written = _table_counts(con)
            if stage.has_old:
                con.execute(f"DETACH {OLD}")
        finally:
            con.close()
        _fsync(new)
        progress(0.9, "saved")
        if options.mode == "replace":
            # The file being replaced stays restorable (clv_engine/versions.py), not only as .bak.
            from clv_engine import versions
            versions.keep_version(target, reason="import", actor=options.actor, keep=options.keep_versions)
        report.backup = _swap_in(new, target, progress)
        report.database = str(target)
    except BaseException:
        _remove_file(new)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(1.0, "done")
    return report


def _connect(path: str, work: Path, options: ImportOptions) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, config=_config(work, options))
    # No DuckDB progress bar on the terminal: the caller's progress callback reports the steps.
    con.execute("SET enable_progress_bar = false")
    # No automatic checkpoint halfway: it would compress the staging tables (10M rows: seconds
    # each time) and write a file that is checkpointed once, at the end, anyway.
    con.execute("SET checkpoint_threshold = '1TB'")
    return con


def _config(work: Path, options: ImportOptions) -> dict[str, str]:
    config = {"temp_directory": str(work)}
    if options.memory_limit:
        config["memory_limit"] = options.memory_limit
    return config


# -- writing the new file ----------------------------------------------------------------


def _write(con: duckdb.DuckDBPyConnection, stage: _Stage, options: ImportOptions) -> None:
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
            sql, params = check.clean_select(spec, stage.views[kind], stage.scaled.get(kind, {}),
                                             options.default_margin)
            con.execute(f"INSERT INTO main.{spec.table} ({', '.join(spec.columns)}) {sql}", params)
        if "orders" in stage.views:
            _customers_from_orders(con, stage)
        if "contacts" in stage.views:
            _contacts_to_lists(con, stage, options)
        _stores_from_references(con)
    now = datetime.now().replace(microsecond=0)
    for kind, mapping in stage.mappings.items():
        con.execute("INSERT OR REPLACE INTO main.import_mappings VALUES (?, ?, ?)",
                    [kind, json.dumps(mapping, ensure_ascii=False), now])
    currency = options.currency or _old_currency(con, stage) or DEFAULT_CURRENCY
    if options.mode == "replace":
        con.execute("DELETE FROM main.meta")
    end = con.execute("SELECT max(order_date) FROM main.orders").fetchall()[0][0]
    meta = {"source": "import", "imported_at": now.isoformat(), "import_mode": options.mode,
            "data_end_date": end.isoformat() if end else "", "currency": currency}
    if _margin_assumed(con, stage):
        # Every page that shows profit or CLV discloses it (docs/data_model.md, meta).
        meta["assumed_margin"] = repr(float(options.default_margin))
    con.executemany("INSERT OR REPLACE INTO main.meta VALUES (?, ?)", [[k, v] for k, v in meta.items()])


def _old_currency(con: duckdb.DuckDBPyConnection, stage: _Stage) -> str | None:
    if "meta" not in stage.old_tables:
        return None
    row = con.execute(f"SELECT value FROM {OLD}.meta WHERE key = 'currency'").fetchall()
    return row[0][0] if row and row[0][0] else None


def _margin_assumed(con: duckdb.DuckDBPyConnection, stage: _Stage) -> bool:
    """Whether any imported order got its gross profit from the default margin (no profit and
    no margin of its own)."""
    if "orders" not in stage.views:
        return False
    return bool(con.execute(
        f"SELECT count(*) FROM {stage.views['orders']} a WHERE a.gross_profit IS NULL AND a.margin IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM imp_problems p WHERE p.src = a._src AND p.row = a._row "
        f"AND p.severity IN ('error', 'skipped'))"
    ).fetchall()[0][0])


@contextmanager
def _bulk_load(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> Iterator[None]:
    """Load ``tables`` without their constraints, then put the schema's constraints back.

    DuckDB checks a primary key row by row while inserting (10M orders: minutes) but builds
    it in one pass afterwards (seconds). Adding the key back also proves the rows unique.
    """
    keys = dict(con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND constraint_type = 'PRIMARY KEY'"
    ).fetchall())
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


def _customers_from_orders(con: duckdb.DuckDBPyConnection, stage: _Stage) -> None:
    """Customers that only appear in the orders get a row, so every page can count them.

    The home store is the store they visit most, the vehicle the latest one on their orders,
    and the relationship starts at the first order. Customers from a customers file that lack
    a home store or vehicle get them from their orders the same way.
    """
    # Name and vehicle: the latest one written on the customer's orders, when the file has them.
    extras = [c for c in ("name", "vin", "vehicle_model") if c in stage.mappings.get("orders", {})]
    if extras:
        latest = ", ".join(f"arg_max({c}, order_date) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in extras)
        nulls = ", ".join(f"CAST(NULL AS VARCHAR) AS {c}" for c in ("name", "vin", "vehicle_model") if c not in extras)
        vehicles = (f"SELECT customer_id, {latest}{', ' + nulls if nulls else ''} FROM {stage.views['orders']} "
                    f"WHERE {' OR '.join(c + ' IS NOT NULL' for c in extras)} GROUP BY customer_id")
    else:
        vehicles = ("SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS name, "
                    "CAST(NULL AS VARCHAR) AS vin, CAST(NULL AS VARCHAR) AS vehicle_model WHERE false")
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


def _contacts_to_lists(con: duckdb.DuckDBPyConnection, stage: _Stage, options: ImportOptions) -> None:
    """Each imported contact belongs to the latest call list issued on or before its date that
    had the customer on it (its level's intervention with it); none: a contact outside any list."""
    sql, params = check.clean_select(KINDS["contacts"], stage.views["contacts"], stage.scaled.get("contacts", {}),
                                     options.default_margin)
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


def _table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        table: int(con.execute(f"SELECT count(*) FROM main.{quote_ident(table)}").fetchone()[0])
        for table in sorted(_main_tables(con))
    }


# -- files: lock, leftovers, swap --------------------------------------------------------


@contextmanager
def _import_lock(target: Path) -> Iterator[None]:
    lock = target.with_name(target.name + ".import.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ImportBusy(f"another import of {target.name} is running") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race a waiting import)


def _remove_file(path: Path) -> None:
    for leftover in (path, Path(str(path) + ".wal")):
        leftover.unlink(missing_ok=True)


def _remove_leftovers(target: Path) -> None:
    """What a killed import left behind (we hold the lock, so nobody else is using it)."""
    _remove_file(target.with_name(target.name + ".importing"))
    target.with_name(target.name + ".bak.tmp").unlink(missing_ok=True)
    for work in target.parent.glob(f"{target.name}.work-*"):
        shutil.rmtree(work, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(new: Path, target: Path, progress: Progress) -> str | None:
    """Keep the old file as ``<name>.bak`` and rename the new one over the target.

    The backup is a hard link to the old file (or a copy where links are not possible), so the
    target path exists at every moment; ``os.replace`` is atomic on the same file system.
    """
    wal = Path(str(new) + ".wal")
    if wal.exists():  # a checkpointed, closed database has no WAL: something went wrong
        raise RuntimeError(f"{new.name} was not fully written (a .wal file remains)")
    backup = None
    if target.exists():
        bak = target.with_name(target.name + ".bak")
        tmp = target.with_name(target.name + ".bak.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(target, tmp)
        except OSError:
            shutil.copy2(target, tmp)
        os.replace(tmp, bak)
        old_wal = Path(str(target) + ".wal")
        if old_wal.exists():  # belongs to the old file: it must not be replayed into the new one
            os.replace(old_wal, Path(str(bak) + ".wal"))
        backup = str(bak)
    if target.exists():
        # The new file is created with the process's umask: give it the old file's mode (a
        # database kept private, 600, must not become readable by everyone, 644).
        os.chmod(new, stat.S_IMODE(target.stat().st_mode))
    progress(0.95, "replacing")
    os.replace(new, target)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return backup


# -- command line ------------------------------------------------------------------------

OPTIONAL_FILES = {
    "customers": "--customers", "stores": "--stores", "channel_spend": "--channel-spend",
    "complaints": "--complaints", "referrals": "--referrals", "warranties": "--warranties",
    "events": "--events", "competitors": "--competitors", "appointments": "--appointments",
    "kpis": "--kpis", "contacts": "--contacts",
}


def _parse_mapping(items: Sequence[str]) -> dict[str, dict[str, str]]:
    """--map orders.customer_id=客户编号 -> {"orders": {"customer_id": "客户编号"}}."""
    out: dict[str, dict[str, str]] = {}
    for item in items:
        left, sep, header = item.partition("=")
        kind, dot, name = left.partition(".")
        if not sep or not dot or kind not in KINDS:
            raise ValueError(f"--map {item!r}: expected KIND.FIELD=HEADER, e.g. orders.customer_id=客户编号")
        out.setdefault(kind, {})[name] = header
    return out


def _sources_from_args(args: argparse.Namespace) -> list[Source]:
    overrides = _parse_mapping(args.map or [])
    files = [("orders", args.orders)] if args.orders else []
    files += [(kind, getattr(args, kind)) for kind in OPTIONAL_FILES if getattr(args, kind)]
    sources = []
    for kind, path in files:
        mapping = None
        if kind in overrides:
            # Fields given on the command line win; the others are guessed as usual.
            mapping = {**_guess_for(Path(path), kind, args.sheet, args.db), **overrides[kind]}
        sources.append(Source(kind, Path(path), mapping, args.sheet))
    return sources


def _guess_for(path: Path, kind: str, sheet: str | None, db: str) -> dict[str, str]:
    headers = list(read_sample(path, 1, sheet).columns)
    return guess_mapping(kind, headers, saved_mappings(db).get(kind))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clv_engine.importer",
        description="Import a dealer's export (CSV, Excel .xlsx, Parquet) into the CLV database.",
    )
    parser.add_argument("orders", nargs="?", help="order file: customer id, order date, amount, ...")
    for kind, flag in OPTIONAL_FILES.items():
        parser.add_argument(flag, dest=kind, metavar="FILE", help=f"optional {kind} file")
    parser.add_argument("--db", required=True, help="database file to replace (or append to)")
    parser.add_argument("--append", action="store_true", help="add to the data instead of replacing it")
    parser.add_argument("--accept-clean-rows", action="store_true",
                        help="import the rows without problems even when other rows have problems")
    parser.add_argument("--check", action="store_true", help="only check the files; write nothing")
    parser.add_argument("--map", action="append", metavar="KIND.FIELD=HEADER",
                        help="map a column by hand, e.g. orders.customer_id=客户编号 (repeatable)")
    parser.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    parser.add_argument("--default-margin", type=float, default=DEFAULT_MARGIN,
                        help="gross margin assumed when the orders carry no gross profit (default 0.35)")
    parser.add_argument("--currency",
                        help="currency of the amounts, an ISO code such as CNY, USD, EUR "
                             "(default: the database's, CNY for a new one)")
    parser.add_argument("--today", type=date.fromisoformat, help="dates after this are errors (default: today)")
    parser.add_argument("--problems-csv", metavar="FILE", help="write the problem list to this CSV file")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 4GB")
    args = parser.parse_args(argv)

    options = ImportOptions(mode="append" if args.append else "replace", default_margin=args.default_margin,
                            today=args.today, memory_limit=args.memory_limit, currency=args.currency.upper() if args.currency else None)
    started = time.perf_counter()
    try:
        sources = _sources_from_args(args)
        if args.check:
            report = check_import(sources, args.db, options)
        else:
            report = run_import(sources, args.db, options, args.accept_clean_rows)
    except ImportRejected as rejected:
        report = rejected.report
    except ImportWriteError as error:
        print(f"error: {error.text(args.lang)}", file=sys.stderr)
        return 1
    except (ImportBusy, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report.text(args.lang))
    if args.problems_csv and not report.problems.empty:
        # Neutralised like every download: a value such as "=HYPERLINK(...)" stays text in Excel.
        Path(args.problems_csv).write_bytes(to_csv_bytes(report.problem_table(args.lang)))
    if report.imported:
        print(t("imp.text.elapsed", args.lang, s=f"{time.perf_counter() - started:.1f}"))
        return 0
    if args.check and report.can_import and not report.rejected_rows:
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
