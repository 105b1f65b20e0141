"""AppTest: the overview, allocator, KPI and cohort tables can be downloaded as CSV and Excel,
and each file's bytes parse back to the table on the screen."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from tests.download_capture import capture_downloads
from tests.helpers import run_app
from wording import fmt, t


@pytest.fixture()
def files(monkeypatch):
    """Every file a page hands to a download button: {file name: bytes}, built as on a click."""
    return capture_downloads(monkeypatch)


def shown(at, first_column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if df.value.columns[0] == first_column:
            return df.value.reset_index(drop=True)
    raise AssertionError(f"no table starting with {first_column!r}")


def read_csv(data: bytes) -> pd.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese headers
    # As text: "1.60" (a KPI's shown text) must stay "1.60"; numbers are compared as numbers.
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def read_xlsx(data: bytes) -> pd.DataFrame:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def same(table: pd.DataFrame, back: pd.DataFrame) -> None:
    """The file's table is the screen's: same headers, and cell by cell the same value (numbers
    compared as numbers, text as text)."""
    assert list(back.columns) == [str(c) for c in table.columns]
    assert len(back) == len(table)
    for col_shown, col_back in zip(table.columns, back.columns, strict=True):
        for a, b in zip(table[col_shown], back[col_back], strict=True):
            if a is None or (isinstance(a, float) and pd.isna(a)):
                assert b is None or b == "" or pd.isna(b), (col_shown, a, b)
            elif isinstance(a, (int, float)) and not isinstance(a, bool):
                assert float(b) == pytest.approx(float(a), rel=1e-9, abs=1e-9), (col_shown, a, b)
            elif a == "—":  # a missing number is drawn as a dash; the file leaves the cell empty
                assert b is None or b == "" or pd.isna(b), (col_shown, a, b)
            elif isinstance(a, str) and _numeric(b):
                # A column with missing numbers is drawn as text ("—" for the missing, the
                # others formatted); the file keeps the numbers: compare to the shown rounding.
                shown_number = float(re.sub(r"[^0-9.\-]", "", a))
                decimals = len(a.rsplit(".", 1)[1].rstrip("%×")) if "." in a else 0
                assert abs(float(b) - shown_number) <= 0.5 * 10**-decimals + 1e-9, (col_shown, a, b)
            else:
                assert str(b) == str(a), (col_shown, a, b)


def _numeric(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def check_pair(at, files, key: str, name: str, table: pd.DataFrame) -> None:
    keys = {b.key for b in at.get("download_button")}
    assert {f"{key}_csv", f"{key}_xlsx"} <= keys
    same(table, read_csv(files[f"{name}.csv"]))
    same(table, read_xlsx(files[f"{name}.xlsx"]))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_tables(sample_db_path, files, lang):
    at = run_app(sample_db_path, "app_pages/overview.py", lang=lang)
    check_pair(at, files, "ov_dl_dcf", "dcf_clv", shown(at, t("ov.col.year", lang)))
    check_pair(at, files, "ov_dl_return", "return_rates", shown(at, t("ov.return.col.years", lang)))


def test_kpi_tables(sample_db_path, files):
    at = run_app(sample_db_path, "app_pages/kpi.py")
    check_pair(at, files, "kpi_dl_ranking", "kpi_ranking", shown(at, t("kpi.col.rank")))
    check_pair(at, files, "kpi_dl_store", "kpi_store", shown(at, t("kpi.col.kpi")))


def test_allocator_table_downloads_numbers_for_the_amounts_shown(sample_db_path, files):
    at = run_app(sample_db_path, "app_pages/allocator.py")
    table = shown(at, t("allocator.col.name"))
    money = [t(k) for k in ("allocator.col.cost", "allocator.col.gain", "allocator.col.net")]
    for back in (read_csv(files["allocation.csv"]), read_xlsx(files["allocation.xlsx"])):
        assert list(back.columns) == list(table.columns)
        # SPEC §4: the four projects, their amounts as numbers that format to the screen's text.
        assert sorted(float(v) for v in back[t("allocator.col.cost")]) == [200_000, 250_000, 250_000, 300_000]
        for col in money:
            assert [fmt.money_full(float(v)) for v in back[col]] == list(table[col])
        assert [fmt.pct(float(v)) for v in back[t("allocator.fig.roi")]] == list(
            table[t("allocator.fig.roi")]
        )
        for col in (t("allocator.col.name"), t("allocator.col.status")):
            assert list(back[col]) == list(table[col])


def test_cohort_table(sample_db_path, files):
    at = run_app(sample_db_path, "app_pages/channels.py")
    table = shown(at, t("channels.col.cohort"))
    dim = at.session_state["ch_cohort_dim"] if "ch_cohort_dim" in at.session_state else "purchase_year"
    name = f"cohorts_{dim}"
    keys = {b.key for b in at.get("download_button")}
    assert {"ch_dl_cohorts_csv", "ch_dl_cohorts_xlsx"} <= keys
    same(table, read_csv(files[f"{name}.csv"]))
    same(table, read_xlsx(files[f"{name}.xlsx"]))
