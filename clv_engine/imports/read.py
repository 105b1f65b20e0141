"""Reading a dealer's export (CSV, Excel, Parquet) into a DuckDB table of text.

Every value is read as text: the checks (clv_engine/imports/check.py) parse and judge it, so a
bad date is reported with the row it came from instead of failing the whole read. Each table
gets a ``_row`` column: the row as the user sees it in Excel or a text editor (header = row 1).

CSV: UTF-8 (with or without BOM) is read by DuckDB directly; GBK/GB18030, Big5 and UTF-16 exports
are transcoded to UTF-8 first, in chunks, so a big file never sits in memory as one string.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from clv_engine import errors
from clv_engine.errors import InputError

CHUNK = 4 << 20  # bytes per read while checking or transcoding an encoding

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


CODES = errors.declare(
    "imports.file", "xls", "encoding", "missing", "directory", "unreadable", "empty", "sheet"
)


class ImportFileError(InputError):
    """A file that cannot be read at all: ``name`` is why (a key of CODES), ``details`` hold the
    file name and the particulars (reason, sheet, sheets)."""

    def __init__(self, file: str, name: str, **detail: object) -> None:
        super().__init__(CODES[name], file=file, **detail)
        self.name = name

    @property
    def file(self) -> str:
        return str(self.details["file"])

    @file.setter
    def file(self, value: str) -> None:  # a caller shows the user's own name for the file
        self.details["file"] = value

    @property
    def detail(self) -> dict[str, object]:
        """The particulars besides the file name."""
        return {k: v for k, v in self.details.items() if k != "file"}


@dataclass
class RawTable:
    """A file loaded as text: ``view`` has ``_row`` plus one VARCHAR column per header."""

    view: str
    headers: list[str]
    rows: int
    encoding: str | None = None
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (row, raw line)
    delimiter: str | None = None  # CSV only: the delimiter the file was split on


def quote_ident(name: str) -> str:
    # Identifiers cannot be bound as parameters; a header is quoted with its quotes doubled.
    return '"' + str(name).replace('"', '""') + '"'


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix == ".xls":
        raise ImportFileError(path.name, "xls")
    if suffix in CSV_SUFFIXES:
        return "csv"
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"PK\x03\x04":
        return "excel"
    if magic == b"PAR1":
        return "parquet"
    return "csv"


# -- encodings ------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """'utf-8' (BOM or not), 'utf-16' (Excel's "Unicode text"), 'gb18030' (GBK's superset) or
    'cp950' (Big5, as Windows writes it in Taiwan and Hong Kong).

    The whole file is checked (in chunks): a GBK export is often pure ASCII for its first
    thousand lines and meets its first Chinese name further down.
    """
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    if _decodes(path, "utf-8"):
        return "utf-8"
    candidates = [e for e in ("gb18030", "cp950") if _decodes(path, e)]
    if not candidates:
        raise ImportFileError(path.name, "encoding")
    return _most_plausible(_non_ascii_sample(path), candidates)


# GB18030 decodes almost any byte sequence, Big5 included (as rare characters, kana and
# private-use code points: garbled names stored without a word). Both decodings are judged
# by the share of their Chinese characters that are common ones: those in the first level
# (the most frequent characters) of GB2312 for GBK text, of Big5 for Big5 text. Real text of
# either scores near 1, the wrong reading about half or less.
COMMON_LEVEL = {"gb18030": ("gb2312", 0xB0, 0xD7), "cp950": ("cp950", 0xA4, 0xC6)}
SAMPLE_CHARS = 20_000


def _non_ascii_sample(path: Path, limit: int | None = None) -> bytes:
    """Lines holding non-ASCII bytes (up to about SAMPLE_CHARS of them), whole lines only."""
    out = bytearray()
    read = 0
    with open(path, "rb") as f:
        for line in f:
            read += len(line)
            if limit is not None and read > limit:
                break
            if not line.isascii():
                out += line
                if len(out) > 2 * SAMPLE_CHARS:
                    break
    return bytes(out)


def plausibility(sample: bytes, encoding: str) -> float:
    """Share of the non-ASCII characters of ``sample`` read as ``encoding`` that are common."""
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return -1.0
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    standard, low, high = COMMON_LEVEL[encoding]
    common = 0
    for c in wide:
        try:
            b = c.encode(standard)
        except UnicodeEncodeError:
            continue
        common += len(b) == 2 and low <= b[0] <= high
    return common / len(wide)


def _most_plausible(sample: bytes, candidates: list[str]) -> str:
    if len(candidates) == 1:
        return candidates[0]
    return max(candidates, key=lambda e: plausibility(sample, e))  # a tie keeps GB18030 (listed first)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def transcode_to_utf8(path: Path, encoding: str, out: Path, limit: int | None = None) -> Path:
    """Write ``path`` as UTF-8 to ``out`` (only the first ``limit`` bytes when given)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    remaining = limit
    first = True
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while remaining is None or remaining > 0:
            chunk = src.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            text = decoder.decode(chunk)
            if first:
                text, first = text.lstrip("\ufeff"), False
            dst.write(text)
        if limit is None:
            dst.write(decoder.decode(b"", final=True))
    return out


def _first_line(path: Path, encoding: str) -> str:
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    return text.splitlines()[0] if text else ""


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of the header line: the most frequent of , ; tab | outside quotes."""
    counts = {}
    for delimiter in (",", ";", "\t", "|"):
        try:
            fields = next(csv.reader(io.StringIO(header_line), delimiter=delimiter))
        except (csv.Error, StopIteration):
            fields = []
        counts[delimiter] = len(fields)
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


# -- loading --------------------------------------------------------------------------------


def load_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    work_dir: Path,
    sheet: str | None = None,
    limit_bytes: int | None = None,
) -> RawTable:
    """Load ``path`` into temp table ``raw0_<name>`` and view ``raw_<name>`` (with ``_row``).

    ``limit_bytes`` reads only the start of a CSV (previews).
    """
    # Staging-table names are formatted into SQL (DuckDB cannot bind identifiers); they are
    # made by the importer ("preview", a source's index), never from file or user text.
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"staging table name must be [a-z0-9_]+, got {name!r}")
    path = Path(path)
    if not path.exists():
        raise ImportFileError(path.name, "missing")
    if path.is_dir():
        raise ImportFileError(path.name, "directory")
    try:
        kind = file_format(path)
        if kind == "excel":
            return _load_excel(con, path, name, sheet)
        if kind == "parquet":
            return _load_parquet(con, path, name)
        return _load_csv(con, path, name, work_dir, limit_bytes)
    except OSError as error:  # no permission to read it, a device error ...
        raise ImportFileError(path.name, "unreadable", reason=error.strerror or str(error)) from error


def _load_csv(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, work_dir: Path, limit_bytes: int | None
) -> RawTable:
    if path.stat().st_size == 0:
        raise ImportFileError(path.name, "empty")
    encoding = detect_encoding(path) if limit_bytes is None else _head_encoding(path, limit_bytes)
    source = path
    if encoding != "utf-8" or limit_bytes is not None:
        source = transcode_to_utf8(path, encoding, work_dir / f"{name}.utf8.csv", limit_bytes)
        if limit_bytes is not None:
            _cut_last_line(source)
    delimiter = sniff_delimiter(_first_line(source, "utf-8"))
    raw0, rejects, scans = f"raw0_{name}", f"rej_{name}", f"rejscan_{name}"
    for table in (raw0, rejects, scans):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        con.execute(
            f"CREATE TEMP TABLE {raw0} AS SELECT * FROM read_csv(?, delim = ?, quote = '\"', "
            f"escape = '\"', header = true, all_varchar = true, encoding = 'utf-8', "
            f"store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{scans}')",
            [str(source), delimiter],
        )
    except duckdb.Error as error:
        raise ImportFileError(path.name, "unreadable", reason=str(error).splitlines()[0]) from error
    headers = [r[0] for r in con.execute(f"DESCRIBE {raw0}").fetchall()]
    malformed = con.execute(
        f"SELECT line, any_value(csv_line) FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall()
    if limit_bytes is None and malformed:
        # Lines DuckDB set aside shift the rows after them; p = records kept before the line.
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE rejpos_{name} AS "
            f"SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS p, "
            f"row_number() OVER (ORDER BY line) AS shift FROM (SELECT DISTINCT line FROM {rejects})"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw_{name} AS "
            f"SELECT r.rowid + 2 + coalesce(j.shift, 0) AS _row, r.* FROM {raw0} r "
            f"ASOF LEFT JOIN rejpos_{name} j ON r.rowid >= j.p"
        )
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw_{name} AS SELECT rowid + 2 AS _row, * FROM {raw0}")
    rows = con.execute(f"SELECT count(*) FROM {raw0}").fetchone()[0]
    return RawTable(
        f"raw_{name}", headers, rows, encoding, [(int(line), text) for line, text in malformed], delimiter
    )


def _head_encoding(path: Path, limit: int) -> str:
    with open(path, "rb") as f:
        head = f.read(limit)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    candidates = []
    for encoding in ("utf-8", "gb18030", "cp950"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head)  # not final: may end mid-character
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            return encoding
        candidates.append(encoding)
    if not candidates:
        raise ImportFileError(path.name, "encoding")
    return _most_plausible(_non_ascii_sample(path, limit), candidates)


def _cut_last_line(path: Path) -> None:
    """A preview cut at a byte limit ends mid-line: drop the partial last line."""
    data = path.read_bytes()
    end = data.rfind(b"\n")
    if end > 0 and end < len(data) - 1:
        path.write_bytes(data[: end + 1])


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    return text if text.strip() else None


def unique_headers(values: list[object]) -> list[str]:
    """Header texts made unique the way DuckDB's CSV reader does (a, a_1; empty -> column3)."""
    headers: list[str] = []
    seen: set[str] = set()
    for i, value in enumerate(values):
        base = str(value).strip() if value is not None and str(value).strip() else f"column{i}"
        name, n = base, 0
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        headers.append(name)
    return headers


def _load_excel(con: duckdb.DuckDBPyConnection, path: Path, name: str, sheet: str | None) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a corrupt or password-protected workbook
        raise ImportFileError(path.name, "unreadable", reason=str(error)) from error
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFileError(path.name, "sheet", sheet=sheet, sheets=", ".join(book.sheetnames))
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        headers: list[str] | None = None
        columns: list[list[str | None]] = []
        row_numbers: list[int] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in row]
            if not any(t is not None for t in texts):
                continue
            if headers is None:
                while texts and texts[-1] is None:
                    texts.pop()
                headers = unique_headers(texts)
                columns = [[] for _ in headers]
                continue
            for i, column in enumerate(columns):
                column.append(texts[i] if i < len(texts) else None)
            row_numbers.append(number)
    finally:
        book.close()
    if headers is None:
        raise ImportFileError(path.name, "empty")
    arrays = {"_row": pa.array(row_numbers, pa.int64())}
    arrays.update({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)})
    frame = pa.table(arrays)
    # DuckDB 2 refuses to register while an earlier execute() has rows left unread (a
    # fetchone() of a count): run it to its end first. Without this, an .xlsx as the second
    # file of an import raised ResourceInUseException.
    con.complete()
    con.register(f"arrow_{name}", frame)
    select = ", ".join(f"c{i} AS {quote_ident(h)}" for i, h in enumerate(headers))
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw0_{name} AS SELECT _row, {select} FROM arrow_{name}")
    con.unregister(f"arrow_{name}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw_{name} AS SELECT * FROM raw0_{name}")
    return RawTable(f"raw_{name}", headers, len(row_numbers))


def _load_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawTable:
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as error:
        raise ImportFileError(path.name, "unreadable", reason=str(error).splitlines()[0]) from error
    headers = [r[0] for r in described]
    select = ", ".join(f"CAST({quote_ident(h)} AS VARCHAR) AS {quote_ident(h)}" for h in headers)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE raw0_{name} AS "
        f"SELECT file_row_number + 2 AS _row, {select} FROM read_parquet(?, file_row_number = true)",
        [str(path)],
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw_{name} AS SELECT * FROM raw0_{name}")
    rows = con.execute(f"SELECT count(*) FROM raw0_{name}").fetchone()[0]
    return RawTable(f"raw_{name}", headers, rows)
