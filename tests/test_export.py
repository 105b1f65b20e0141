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
            "name": ["王伟", '=HYPERLINK("http://x")', "+1-555", "@SUM(A1)"],
            "note": ["-2+3", "\tcmd", "plain", None],
            "value": [1200.5, -300.0, 0.0, 12.25],
            "visits": [3, 0, 1, 2],
            "since": [date(2024, 1, 2), date(2025, 6, 30), None, date(2026, 11, 30)],
        }
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-x", "'-x"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "' =1"),
        ("\n=1", "' =1"),
        (" =1", "' =1"),
        ("\u3000+1", "'\u3000+1"),
        ("＝1", "'＝1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠A1", "'＠A1"),
        ("ok\n=cmd|' /C calc'!A0", "ok =cmd|' /C calc'!A0"),
        ("a\r\n=b", "a =b"),
        ("a\r=b", "a =b"),
        ("王伟", "王伟"),
        ("a=b", "a=b"),
        ("", ""),
    ],
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
    assert list(back["name"]) == ["王伟", '\'=HYPERLINK("http://x")', "'+1-555", "'@SUM(A1)"]
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
    assert rows[2][1] == '\'=HYPERLINK("http://x")'
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
    data = to_excel_bytes(
        {"S": pd.DataFrame({"share": [0.25], "amount": [1000.0]})}, number_formats={"share": "0.0%"}
    )
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


# -- any text, any spreadsheet: nothing runs ------------------------------------------------
import csv  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Written here, not imported from export.py: what Excel, LibreOffice and Google Sheets treat as
# the start of a formula (OWASP "CSV injection"), plus the full-width forms an IME produces.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
LINE_ENDS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"

# Mostly ordinary text, with the risky characters common enough to meet each other.
_risky = st.sampled_from(
    list("=+-@\t\r\n ＝＋－＠\u3000\"';,|!") + ["\r\n", '=HYPERLINK("http://evil")', "=cmd|' /C calc'!A0"]
)
cell_text = st.lists(st.one_of(_risky, st.text(max_size=4)), max_size=6).map("".join)


def _is_formula_like(text: str) -> bool:
    return text.startswith(DANGEROUS_STARTS) or text.lstrip().startswith(DANGEROUS_STARTS)


def _expected_text(text: str) -> str:
    """The writer's promise: line ends become spaces, the rest is kept (apostrophe aside)."""
    flat = re.sub("\r\n|[" + LINE_ENDS + "]", " ", text)
    return flat


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(cell_text, min_size=1, max_size=5),
    amounts=st.lists(st.floats(-1e6, 1e6), min_size=5, max_size=5),
)
def test_csv_any_text_never_a_formula(names, amounts):
    frame = pd.DataFrame({"name": names, "amount": amounts[: len(names)], names[0] or "h": names})
    text = to_csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(names) + 1  # no cell's line break started a new row
    for row in rows:
        for cell in (row[0], row[2]):  # the text columns (the amount is a number, "-5" stays -5)
            assert not _is_formula_like(cell), row
    for line in re.split("\r\n|\n", text.rstrip("\r\n")):
        assert not _is_formula_like(line.removeprefix('"')), line
    for original, row in zip(names, rows[1:]):
        flat = _expected_text(original)
        # Text kept; an apostrophe exactly when the flattened text would start a formula.
        assert row[0] == ("'" + flat if _is_formula_like(flat) else flat)
    # Negative amounts stay numbers.
    assert [float(r[1]) for r in rows[1:]] == pytest.approx(amounts[: len(names)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(cell_text, min_size=1, max_size=5))
def test_excel_any_text_never_a_formula(names):
    frame = pd.DataFrame({"name": names, "amount": [-1.5] * len(names), names[0] or "h": names})
    ws = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"S": frame})))["S"]
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", c.value
            if isinstance(c.value, str):
                assert not _is_formula_like(c.value), c.value
    assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == [-1.5] * len(names)


def test_excel_keeps_a_negative_number_text_column_as_numbers():
    data = to_excel_bytes({"S": pd.DataFrame({"v": [-5, 3]})})
    assert _sheet_rows(data, "S") == [("v",), (-5,), (3,)]


PRODUCT = Path(__file__).resolve().parent.parent
# Any way of writing a table other than export.py. wording/report/excel.py builds the evaluator's workbook
# with live NPV/IRR formulas itself; it neutralises its text (tested in test_evaluator_report).
RAW_WRITERS = re.compile(
    r"\.to_csv\(|\.to_excel\(|ExcelWriter|csv\.writer|xlsxwriter\.Workbook\(|"
    r"openpyxl\.Workbook\("
)
ALLOWED_WRITERS = {"clv_engine/export.py", "wording/report/excel.py"}


def _product_files():
    for folder in ("app_pages", "ui", "clv_engine", "wording"):
        yield from sorted((PRODUCT / folder).rglob("*.py"))
    yield PRODUCT / "app.py"


def test_no_table_writer_outside_export():
    offenders = []
    for path in _product_files():
        name = path.relative_to(PRODUCT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RAW_WRITERS.search(line) and name not in ALLOWED_WRITERS:
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_every_download_is_built_by_the_neutralising_writers():
    """Each download_button's data comes from export.py or the evaluator's report module."""
    calls = 0
    for path in _product_files():
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"download_button\(", source):
            calls += 1
            call = source[match.end() : match.end() + 400]
            if path.relative_to(PRODUCT).as_posix() == "ui/downloads.py" and "build(kind)" in call:
                continue  # ui.downloads.pack_downloads: every caller's build is checked below
            # The board pack (boardpack.*_pack) writes text as plain text: no formulas, no markup.
            assert re.search(
                r"to_csv_bytes|to_excel_bytes|_csv\b|_xlsx\b|report\.\w+_report|boardpack\.\w+_pack", call
            ), f"{path.relative_to(PRODUCT)}: download not built by export.py: {call[:120]!r}"
    assert calls >= 5  # the pages do have downloads: the scan found them
    packs = 0
    for path in _product_files():
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(?<!def )pack_downloads\(", source):
            packs += 1
            call = source[match.end() : match.end() + 400]
            assert re.search(r"boardpack\.\w+_pack", call), f"{path.relative_to(PRODUCT)}: {call[:120]!r}"
    assert packs >= 2  # the allocator's and the evaluator's board packs


def test_report_workbook_writes_text_as_text():
    source = (PRODUCT / "wording" / "report" / "excel.py").read_text(encoding="utf-8")
    assert '"strings_to_formulas": False' in source


def test_report_workbook_neutralises_typed_names():
    import dataclasses

    from clv_engine import evaluation as ev
    from clv_engine.evaluation import CostLine
    from wording import report

    p = dataclasses.replace(
        ev.preset("mobile_van"),
        name='=HYPERLINK("http://evil.example","x")',
        note="@SUM(A1)",
        cost_lines=(CostLine("=cmd|' /C calc'!A0", 100_000, "upfront"), CostLine("+1+1", 10_000, "yearly")),
    )
    book = openpyxl.load_workbook(io.BytesIO(report.excel_report(ev.analyse_programme(p, draws=200), "en")))
    formulas, texts = [], []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                (formulas if c.data_type == "f" else texts).append(c.value)
    # Only the live model's own formulas: none of them carries a typed name.
    assert formulas and not [f for f in formulas if re.search(r"HYPERLINK|cmd|calc|SUM\(A1\)", f)]
    # (The note is no longer written as typed: off the reference inputs a fixed sentence replaces it.)
    assert "'=cmd|' /C calc'!A0" in texts and "'+1+1" in texts
    assert not [v for v in texts if isinstance(v, str) and v.lstrip().startswith(("=", "+", "@"))]
