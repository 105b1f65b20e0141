"""Tables that leave the app: CSV and Excel bytes, safe to open in a spreadsheet.

Customer names, notes and reasons come from imported data. A cell whose text starts with
``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, or their full-width forms ＝＋－＠) is
run as a formula by Excel and LibreOffice ("CSV injection"), so such text gets a leading
apostrophe: the spreadsheet shows the text and runs nothing. Leading spaces do not hide a
prefix (" =1+1" is neutralised too). Line breaks inside a text cell become a space: a tool that
reads the CSV line by line (or a spreadsheet's import with "quoted field as text" off) would
otherwise start a new row at "ok\n=cmd" with a formula. Numbers are written as numbers (a
negative amount stays a number). Every download of the app goes through this module
(tests/test_export.py greps the product code for any other writer).

    to_csv_bytes(df)                       UTF-8 with a byte-order mark (Excel reads Chinese)
    to_excel_bytes({"Call list": df, ...}) one sheet per frame, header row frozen, filters on
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# CR, LF and the other characters Python (and some spreadsheets) treat as a line end.
_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# Excel's rules for sheet names: at most 31 characters, none of these, not blank.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def neutralise(value: object) -> object:
    """Text with its line breaks made spaces; if it would run as a formula, a leading apostrophe.

    Anything that is not text, a number, a date or empty (a stray object in a text column)
    is written as its text, so it is neutralised as text too.
    """
    if (
        value is None
        or isinstance(value, (int, float, np.number, np.bool_, dt.date, dt.time))
        or value is pd.NaT
    ):
        return value
    if value is pd.NA:
        return value
    text = _LINE_BREAKS.sub(" ", value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and header) neutralised; numbers untouched."""
    out = df.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        kind = series.dtype
        if not (
            pd.api.types.is_numeric_dtype(kind)
            or pd.api.types.is_bool_dtype(kind)
            or pd.api.types.is_datetime64_any_dtype(kind)
            or pd.api.types.is_timedelta64_dtype(kind)
        ):
            out.isetitem(i, series.astype(object).map(neutralise))
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as CSV (no index), UTF-8 with BOM so Excel opens Chinese text correctly."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"to_csv_bytes needs a DataFrame, got {type(df).__name__}")
    return neutralise_frame(df).to_csv(index=False).encode("utf-8-sig")


def check_sheet_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"sheet name must be non-empty text, got {name!r}")
    if len(name) > SHEET_NAME_MAX:
        raise ValueError(f"sheet name {name!r} is longer than {SHEET_NAME_MAX} characters")
    if _SHEET_FORBIDDEN.search(name):
        raise ValueError(f"sheet name {name!r} contains one of [ ] : * ? / \\")
    return name


def to_excel_bytes(
    sheets: Mapping[str, pd.DataFrame], number_formats: Mapping[str, str] | None = None
) -> bytes:
    """An .xlsx workbook with one sheet per frame, in the order given.

    ``number_formats`` maps a column header to an Excel number format (``"0.0%"``,
    ``"#,##0"``) wherever that column appears; other numbers get ``#,##0`` (integers) or
    ``#,##0.00``. Every cell is written by type (``write_string`` for text), so no text is
    ever read as a formula, and formula-like text is neutralised as in the CSV.
    """
    if not sheets:
        raise ValueError("to_excel_bytes needs at least one sheet")
    seen: set[str] = set()
    for name, frame in sheets.items():
        check_sheet_name(name)
        if name.lower() in seen:  # Excel compares sheet names case-insensitively
            raise ValueError(f"sheet name {name!r} is used twice")
        seen.add(name.lower())
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"sheet {name!r} needs a DataFrame, got {type(frame).__name__}")
    formats = dict(number_formats or {})
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    try:
        styles = _Styles(book)
        for name, frame in sheets.items():
            _write_sheet(book.add_worksheet(name), frame, formats, styles)
    finally:
        book.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#eceff1", "border": 1})
        self.integer = book.add_format({"num_format": "#,##0"})
        self.decimal = book.add_format({"num_format": "#,##0.00"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._custom: dict[str, object] = {}

    def custom(self, num_format: str):
        if num_format not in self._custom:
            self._custom[num_format] = self.book.add_format({"num_format": num_format})
        return self._custom[num_format]


def _write_sheet(ws, frame: pd.DataFrame, formats: Mapping[str, str], styles: _Styles) -> None:
    headers = [str(c) for c in frame.columns]
    for col, header in enumerate(headers):
        ws.write_string(0, col, str(neutralise(header)), styles.header)
    for col, header in enumerate(headers):
        series = frame.iloc[:, col]
        custom = styles.custom(formats[header]) if header in formats else None
        integer_column = pd.api.types.is_integer_dtype(series)
        width = len(header)
        for row, value in enumerate(series.tolist(), start=1):
            width = max(width, _write_cell(ws, row, col, value, custom, integer_column, styles))
        ws.set_column(col, col, min(max(width + 2, 8), 60))
    ws.freeze_panes(1, 0)
    if headers:
        ws.autofilter(0, 0, max(len(frame), 1), len(headers) - 1)


def _write_cell(ws, row: int, col: int, value: object, custom, integer_column: bool, styles: _Styles) -> int:
    """Write one cell by its type; returns the width it needs (for the column width)."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        ws.write_blank(row, col, None)
        return 0
    if isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value))
        return 5
    if isinstance(value, (int, np.integer)):
        ws.write_number(row, col, int(value), custom or styles.integer)
        return len(f"{int(value):,}")
    if isinstance(value, (float, np.floating)):
        if math.isinf(value):
            ws.write_string(row, col, "∞" if value > 0 else "-∞")
            return 2
        style = custom or (styles.integer if integer_column else styles.decimal)
        ws.write_number(row, col, float(value), style)
        return len(f"{float(value):,.2f}")
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), custom or styles.datetime)
        return 16
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), custom or styles.date)
        return 10
    text = str(neutralise(str(value)))
    ws.write_string(row, col, text)
    # CJK characters take about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
