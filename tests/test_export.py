"""CSV and Excel exports: content round-trips, formula-like text cannot run, bad sheets are refused."""
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from clv_engine.export import neutralise, to_csv_bytes, to_excel_bytes


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4"],
            "name": ["王伟", "=HYPERLINK(\"http://x\")", "+1-555", "@SUM(A1)"],
            "note": ["-2+3", "\tcmd", "plain", None],
            "value": [1200.5, -300.0, 0.0, 12.25],
            "visits": [3, 0, 1, 2],
            "since": [date(2024, 1, 2), date(2025, 6, 30), None, date(2026, 11, 30)],
        }
    )


@pytest.mark.parametrize(
    "text, expected",
    [("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-x", "'-x"), ("@A1", "'@A1"),
     ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("王伟", "王伟"), ("a=b", "a=b"), ("", "")],
)
def test_neutralise_text(text, expected):
    assert neutralise(text) == expected


def test_neutralise_leaves_numbers():
    assert neutralise(-5) == -5
    assert neutralise(-2.5) == -2.5


def test_csv_round_trip_with_bom_and_neutralised_text():
    data = to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads the Chinese correctly
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(back["name"]) == ["王伟", "'=HYPERLINK(\"http://x\")", "'+1-555", "'@SUM(A1)"]
    assert list(back["note"]) == ["'-2+3", "'\tcmd", "plain", ""]
    # Numbers stay numbers, negatives included.
    assert list(back["value"]) == [1200.5, -300.0, 0.0, 12.25]
    assert list(back["visits"]) == [3, 0, 1, 2]


def test_csv_neutralises_headers():
    data = to_csv_bytes(pd.DataFrame({"=cmd": [1]}))
    assert data.decode("utf-8-sig").splitlines()[0] == "'=cmd"


def test_csv_needs_a_frame():
    with pytest.raises(ValueError, match="DataFrame"):
        to_csv_bytes([1, 2])  # type: ignore[arg-type]


def _sheet_rows(data: bytes, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book[name].iter_rows(values_only=True))


def test_excel_cells_by_type_and_no_formula():
    data = to_excel_bytes({"List": _frame(), "Totals": pd.DataFrame({"total": [42]})})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["List", "Totals"]
    ws = book["List"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("customer_id", "name", "note", "value", "visits", "since")
    assert rows[1][1] == "王伟"
    assert rows[2][1] == "'=HYPERLINK(\"http://x\")"
    assert rows[3][1] == "'+1-555"
    assert rows[4][1] == "'@SUM(A1)"
    assert rows[1][2] == "'-2+3"
    assert rows[4][2] is None
    assert [r[3] for r in rows[1:]] == [1200.5, -300.0, 0.0, 12.25]
    assert [r[4] for r in rows[1:]] == [3, 0, 1, 2]
    assert rows[1][5].date() == date(2024, 1, 2)
    assert rows[3][5] is None
    # No cell holds a formula: openpyxl reports formulas as data_type "f".
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws.freeze_panes == "A2"
    assert _sheet_rows(data, "Totals") == [("total",), (42,)]


def test_excel_number_formats_by_column():
    data = to_excel_bytes({"S": pd.DataFrame({"share": [0.25], "amount": [1000.0]})},
                          number_formats={"share": "0.0%"})
    ws = openpyxl.load_workbook(io.BytesIO(data))["S"]
    assert ws["A2"].number_format == "0.0%"
    assert ws["B2"].number_format == "#,##0.00"


def test_excel_empty_frame_has_headers():
    data = to_excel_bytes({"Empty": pd.DataFrame({"a": [], "b": []})})
    assert _sheet_rows(data, "Empty") == [("a", "b")]


@pytest.mark.parametrize(
    "sheets, message",
    [
        ({}, "at least one sheet"),
        ({"": pd.DataFrame()}, "non-empty"),
        ({"x" * 32: pd.DataFrame()}, "longer than 31"),
        ({"a/b": pd.DataFrame()}, "contains one of"),
        ({"List": pd.DataFrame(), "list": pd.DataFrame()}, "used twice"),
        ({"List": [1, 2]}, "needs a DataFrame"),
    ],
)
def test_excel_refuses_bad_sheets(sheets, message):
    with pytest.raises(ValueError, match=message):
        to_excel_bytes(sheets)
