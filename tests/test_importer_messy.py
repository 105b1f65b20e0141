"""Messy exports (issue 12): each gives the correct value or a clear message, never silent corruption.

Every expected figure is computed by hand from the few rows written in the test.
"""

from __future__ import annotations

import errno
import os
import stat
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli import imports as cli
from clv_engine.imports import (
    ImportOptions,
    ImportRejected,
    ImportWriteError,
    Source,
    check_import,
    run,
    run_import,
    swap,
)
from clv_engine.imports.read import detect_encoding
from wording import imports as wi
from wording.errors import explain

TODAY = date(2026, 12, 1)
OPTIONS = ImportOptions(today=TODAY)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(db_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(db_path)])
    con.execute("USE d")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def codes(report, code: str) -> list[tuple]:
    """(row, value, extra) of every listed problem of ``code``."""
    frame = report.problems[report.problems["code"] == code]
    return [(int(r.row), r.value, None if pd.isna(r.extra) else r.extra) for r in frame.itertuples()]


def messages(report, code: str) -> list[str]:
    table = wi.problem_table(report, "en")
    return table[(report.problems["code"] == code).to_numpy()]["Problem"].tolist()


def customers_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户编号", "姓名", "手机"])
    sheet.append(["C1", "王伟", 13800138000])
    book.save(path)
    return path


# -- an .xlsx as the second file -------------------------------------------------------------


def test_xlsx_as_second_file_on_the_command_line(tmp_path, capsys):
    orders = write(tmp_path / "orders.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\nC2,2024-03-02,50\n")
    customers = customers_xlsx(tmp_path / "customers.xlsx")
    db = tmp_path / "dealer.duckdb"
    # The README's own example: it raised ResourceInUseException.
    code = cli.main([str(orders), "--customers", str(customers), "--db", str(db), "--today", "2026-12-01"])
    assert code == 0, capsys.readouterr()
    assert rows_of(db, "SELECT customer_id, name, phone FROM customers ORDER BY 1") == [
        ("C1", "王伟", "13800138000"),
        ("C2", None, None),
    ]


def test_two_xlsx_files_through_the_api(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["客户编号", "工单日期", "金额"])
    book.active.append(["C1", date(2024, 3, 1), 100])
    book.save(tmp_path / "orders.xlsx")
    db = tmp_path / "db.duckdb"
    report = run_import(
        [
            Source("orders", tmp_path / "orders.xlsx"),
            Source("customers", customers_xlsx(tmp_path / "c.xlsx")),
        ],
        db,
        OPTIONS,
    )
    assert report.written["customers"] == 1 and report.written["orders"] == 1


# -- delimiters and decimal commas --------------------------------------------------------------


def test_semicolon_file_with_decimal_commas_is_read_as_decimals(tmp_path):
    path = write(
        tmp_path / "o.csv",
        "客户编号;工单日期;金额;毛利\n"
        "C1;2024-03-01;1234,50;400,25\nC2;2024-03-02;1.234,50;10\nC3;2024-03-03;99;9,5\n",
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    # 1234,50 is 1234.50, not 123450; 1.234,50 is 1234.50 (dot groups thousands there).
    assert rows_of(db, "SELECT customer_id, revenue, gross_profit FROM orders ORDER BY 1") == [
        ("C1", 1234.5, 400.25),
        ("C2", 1234.5, 10.0),
        ("C3", 99.0, 9.5),
    ]
    assert (
        "o.csv: the file is separated by semicolons and writes decimals with a comma: "
        "1234,50 is read as 1234.50."
    ) in wi.note_texts(report, "en")
    assert "“1234,50” read as 1234.5" in messages(report, "number_normalised")


def test_comma_thousands_in_a_semicolon_file_keep_their_reading(tmp_path):
    path = write(
        tmp_path / "o.csv", '客户编号;工单日期;金额\nC1;2024-03-01;"1,234.50"\nC2;2024-03-02;2,500.00\n'
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert rows_of(db, "SELECT revenue FROM orders ORDER BY 1") == [(1234.5,), (2500.0,)]
    assert not any("decimals with a comma" in n for n in wi.note_texts(report, "en"))


def test_a_space_separated_file_is_named_as_one_column(tmp_path):
    path = write(tmp_path / "orders.txt", "customer_id order_date revenue\nC1 2024-03-01 100\n")
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert [m.code for m in report.blocking] == ["one_column"]
    text = wi.blocking_texts(report, "en")[0]
    assert text.startswith(
        "orders.txt: every line reads as a single column (“customer_id order_date revenue”) "
        "when split at the comma (,)"
    )
    assert "按逗号（,）拆分后每行只有一列" in wi.blocking_texts(report, "zh")[0]


def test_a_file_split_by_another_character_names_the_delimiter_tried(tmp_path):
    path = write(tmp_path / "o.csv", "customer_id/order_date/revenue\nC1/2024-03-01/100\n")
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert [m.code for m in report.blocking] == ["one_column"]
    assert "when split at the comma (,)" in wi.blocking_texts(report, "en")[0]
    semi = write(tmp_path / "s.csv", "customer_id;order_date revenue\nC1;2024-03-01 100\n")
    report = check_import([Source("orders", semi)], options=OPTIONS)
    assert [m.code for m in report.blocking] == ["missing_column"]  # two columns: a mapping problem


# -- encodings and ids ----------------------------------------------------------------------------


def test_big5_file_is_read_as_big5_not_garbled(tmp_path):
    text = (
        "客戶編號,客戶姓名,工單日期,金額\nT001,陳美玲,2024-03-01,1200\nT002,林志豪,2024-03-02,800\n"
        "T003,黃淑芬,2024-03-03,650\n"
    )
    path = write(tmp_path / "tw.csv", text, "big5")
    # It decodes as GB18030 too (that was the bug): prove it, so the test cannot pass by luck.
    assert path.read_bytes().decode("gb18030") != text
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    # Traditional headers map like simplified ones.
    assert report.sources[0].mapping == {
        "customer_id": "客戶編號",
        "name": "客戶姓名",
        "order_date": "工單日期",
        "revenue": "金額",
    }
    assert "tw.csv: read as Big5 text." in wi.note_texts(report, "en")
    assert rows_of(db, "SELECT customer_id, name FROM customers ORDER BY 1") == [
        ("T001", "陳美玲"),
        ("T002", "林志豪"),
        ("T003", "黃淑芬"),
    ]
    assert rows_of(db, "SELECT sum(revenue) FROM orders") == [(2650.0,)]


def test_gbk_file_is_still_read_as_gb18030(tmp_path):
    path = write(
        tmp_path / "cn.csv",
        "客户编号,客户姓名,工单日期,金额\nK1,王伟,2024-03-01,100\nK2,李娜,2024-03-02,50\n",
        "gbk",
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert "cn.csv: read as GB18030 text." in wi.note_texts(report, "en")
    assert rows_of(db, "SELECT name FROM customers ORDER BY 1") == [("李娜",), ("王伟",)]


def test_full_width_ids_are_the_same_customer(tmp_path):
    path = write(
        tmp_path / "o.csv",
        "客户编号,工单日期,金额\nC001,2024-03-01,100\nＣ００１,2024-03-02,50\n　C002,2024-03-03,7\n",
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert rows_of(db, "SELECT customer_id, count(*), sum(revenue) FROM orders GROUP BY 1 ORDER BY 1") == [
        ("C001", 2, 150.0),
        ("C002", 1, 7.0),
    ]
    assert codes(report, "id_normalised") == [(3, "Ｃ００１", "C001"), (4, "　C002", "C002")]
    assert (
        messages(report, "id_normalised")[0] == "Customer id “Ｃ００１” in full-width characters read as C001"
    )


def test_a_total_line_is_reported_and_skipped(tmp_path):
    path = write(
        tmp_path / "o.csv",
        "工单号,客户编号,工单日期,金额\n"
        "O1,C1,2024-03-01,100\nO2,C2,2024-03-02,200\n"
        "合计,2024-03-31,2024-03-31,300\n"
        "Total:,,,300\n",
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert codes(report, "total_row") == [(4, "合计", None), (5, "Total:", None)]
    assert messages(report, "total_row")[0] == "“合计”: a total line, not an order or a customer: skipped"
    assert report.sources[0].rows == 4 and report.sources[0].clean == 2 and report.rejected_rows == 0
    assert (
        "    Row 4: “合计”: a total line, not an order or a customer: skipped"
        in wi.report_text(report, "en").splitlines()
    )
    # Revenue is not doubled and no customer "2024-03-31" appears.
    assert rows_of(db, "SELECT sum(revenue), count(DISTINCT customer_id) FROM orders") == [(300.0, 2)]
    assert rows_of(db, "SELECT customer_id FROM customers ORDER BY 1") == [("C1",), ("C2",)]


def test_a_date_in_the_customer_column_is_an_error(tmp_path):
    path = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\n2024-03-31,2024-03-31,100\n")
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert codes(report, "id_is_date") == [(3, "2024-03-31", None)]
    assert report.rejected_rows == 1


def test_phones_and_ids_in_scientific_notation_are_reported(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        "客户编号,工单日期,金额\nC1,2024-03-01,100\nC2,2024-03-01,100\n1.38E+11,2024-03-01,5\n",
    )
    customers = write(tmp_path / "c.csv", "客户编号,手机\nC1,1.38E+10\nC2,13800138000\n")
    db = tmp_path / "db.duckdb"
    report = run_import(
        [Source("orders", orders), Source("customers", customers)], db, OPTIONS, accept_clean_rows=True
    )
    assert codes(report, "scientific_phone") == [(2, "1.38E+10", None)]
    assert codes(report, "scientific_id") == [(4, "1.38E+11", None)]
    assert "phone 1.38E+10 is in scientific notation" in messages(report, "scientific_phone")[0]
    # The rounded phone is not stored as if it were a number; the row itself is kept.
    assert rows_of(db, "SELECT customer_id, phone FROM customers ORDER BY 1") == [
        ("C1", None),
        ("C2", "13800138000"),
    ]
    assert rows_of(db, "SELECT count(*) FROM orders") == [(2,)]


# -- what the report says ----------------------------------------------------------------------


def test_exact_copies_and_zero_amounts_are_kept_and_said(tmp_path):
    path = write(
        tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\nC1,2024-03-01,100\nC2,2024-03-02,0\n"
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert codes(report, "exact_copy") == [(3, "C1", "2")]
    assert messages(report, "exact_copy") == ["the same as row 2 in every column: kept as a second visit"]
    assert codes(report, "zero_amount") == [(4, "0.0", None)]
    assert rows_of(db, "SELECT count(*), sum(revenue) FROM orders") == [(3, 200.0)]


def test_the_text_report_counts_notes_apart_from_errors(tmp_path):
    # 2 errors (a bad date, a future date); 3 notes on values (a refund, "1,200" read as 1200, a
    # zero amount) and 3 on the file (ids made from the rows, the default margin, customers created).
    path = write(
        tmp_path / "o.csv",
        "客户编号,工单日期,金额\nC1,2024-03-01,-50\nC1,2024-02-30,1\n"
        'C2,2099-01-01,1\nC3,2024-03-03,"1,200"\nC4,2024-03-04,0\n',
    )
    report = check_import([Source("orders", path)], options=OPTIONS)
    text = wi.report_text(report, "en")
    assert "2 errors, 0 skipped, 6 notes:" in text
    assert "problems:" not in text
    assert (report.error_count, report.warning_count, report.note_count) == (2, 3, 6)
    assert [m.code for m in report.notes] == ["ids_generated", "default_margin", "customers_created"]


def test_an_overlapping_append_skips_what_is_stored_without_calling_it_errors(tmp_path):
    db = tmp_path / "db.duckdb"
    march = write(
        tmp_path / "q1.csv",
        "工单号,客户编号,工单日期,金额\nO1,C1,2024-01-05,100\nO2,C2,2024-02-05,200\nO3,C1,2024-03-05,300\n",
    )
    run_import([Source("orders", march)], db, OPTIONS)
    april = write(
        tmp_path / "feb_apr.csv",
        "工单号,客户编号,工单日期,金额\nO2,C2,2024-02-05,200\nO3,C1,2024-03-05,300\nO4,C3,2024-04-05,400\n",
    )
    append = ImportOptions(mode="append", today=TODAY)
    check = check_import([Source("orders", april)], db, append)
    assert check.rejected_rows == 0 and check.skipped_rows == 2 and check.clean_rows == 1
    assert wi.verdict(check, "en") == "All 1 rows are fine and can be imported."
    assert "with errors" not in wi.report_text(check, "en").split("\n")[0].replace("0 with errors", "")
    assert wi.report_text(check, "en").split("\n")[0] == (
        "feb_apr.csv (Orders): 3 rows read, 1 clean, 0 with errors, 2 skipped"
    )
    assert (
        messages(check, "already_stored")[0]
        == "Order id O2 is already in the database with the same values: skipped"
    )
    run_import([Source("orders", april)], db, append)  # no accept_clean_rows needed: nothing is an error
    assert rows_of(db, "SELECT order_id, revenue FROM orders ORDER BY 1") == [
        ("O1", 100.0),
        ("O2", 200.0),
        ("O3", 300.0),
        ("O4", 400.0),
    ]


# -- files and folders ---------------------------------------------------------------------------


def test_a_folder_given_as_the_orders_file(tmp_path):
    folder = tmp_path / "exports.csv"
    folder.mkdir()
    report = check_import([Source("orders", folder)], options=OPTIONS)
    assert wi.blocking_texts(report, "en") == ["exports.csv: this is a folder, not a file."]


def test_a_folder_given_as_the_database(tmp_path, capsys):
    orders = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\n")
    folder = tmp_path / "data"
    folder.mkdir()
    with pytest.raises(ImportWriteError) as error:
        run_import([Source("orders", orders)], folder, OPTIONS)
    assert error.value.name == "is_directory"
    assert cli.main([str(orders), "--db", str(folder), "--today", "2026-12-01"]) == 1
    err = capsys.readouterr().err
    assert "is a folder, not a file. Nothing was changed." in err and "Traceback" not in err


def test_disk_full_gives_a_message_and_changes_nothing(tmp_path, monkeypatch, capsys):
    db = tmp_path / "db.duckdb"
    orders = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\n")
    run_import([Source("orders", orders)], db, OPTIONS)
    before = db.read_bytes()
    bigger = write(tmp_path / "o2.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\nC2,2024-03-02,5\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run, "write_database", full)
    with pytest.raises(ImportWriteError) as error:
        run_import([Source("orders", bigger)], db, OPTIONS)
    assert explain(error.value, "en").startswith("db.duckdb: the disk is full")
    assert "磁盘已满" in explain(error.value, "zh")
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".importing" in p.name or ".work-" in p.name] == []
    assert cli.main([str(bigger), "--db", str(db), "--today", "2026-12-01", "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "Traceback" not in err


def test_a_duckdb_disk_full_error_is_recognised(tmp_path):
    error = swap.write_error(
        duckdb.IOException("IO Error: Could not write file: No space left on device"), tmp_path / "db.duckdb"
    )
    assert error.name == "disk_full"


def test_a_read_only_folder_gives_a_message(tmp_path, monkeypatch, capsys):
    orders = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\n")
    locked = tmp_path / "ro"
    locked.mkdir()

    def refused(target):
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    # Tests may run as root, which a chmod does not stop: the refusal is simulated.
    monkeypatch.setattr(swap, "import_lock", refused)
    with pytest.raises(ImportWriteError) as error:
        run_import([Source("orders", orders)], locked / "db.duckdb", OPTIONS)
    assert error.value.name == "read_only"
    assert explain(error.value, "en") == (
        f"db.duckdb: the folder {locked} cannot be written to (read-only or no permission). Nothing was changed."
    )
    assert cli.main([str(orders), "--db", str(locked / "db.duckdb"), "--today", "2026-12-01"]) == 1
    assert "cannot be written to" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_really_read_only_folder(tmp_path):
    orders = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\n")
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(ImportWriteError) as error:
            run_import([Source("orders", orders)], locked / "db.duckdb", OPTIONS)
        assert error.value.name == "read_only"
    finally:
        locked.chmod(0o755)


def test_an_import_keeps_the_database_files_mode(tmp_path):
    db = tmp_path / "db.duckdb"
    orders = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\n")
    run_import([Source("orders", orders)], db, OPTIONS)
    db.chmod(0o600)
    old = os.umask(0o022)  # the usual umask makes new files 644
    try:
        run_import([Source("orders", orders)], db, OPTIONS)
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# -- what was assumed is kept with the data -----------------------------------------------------


def meta(db: Path) -> dict[str, str]:
    return dict(rows_of(db, "SELECT key, value FROM meta"))


def test_assumed_margin_and_currency_are_recorded(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    no_profit = write(tmp_path / "a.csv", "客户编号,工单日期,金额\nC1,2024-03-01,1000\n")
    run_import([Source("orders", no_profit)], db, ImportOptions(today=TODAY, default_margin=0.3))
    assert float(meta(db)["assumed_margin"]) == 0.3
    assert meta(db)["currency"] == "CNY"
    assert rows_of(db, "SELECT gross_profit FROM orders") == [(300.0,)]
    with_profit = write(tmp_path / "b.csv", "客户编号,工单日期,金额,毛利\nC1,2024-03-01,1000,400\n")
    assert cli.main([str(with_profit), "--db", str(db), "--today", "2026-12-01", "--currency", "usd"]) == 0
    assert "assumed_margin" not in meta(db)  # every order carries its own profit now
    assert meta(db)["currency"] == "USD"
    # Some orders without profit: the margin used for them is still disclosed.
    mixed = write(
        tmp_path / "c.csv", "客户编号,工单日期,金额,毛利\nC1,2024-03-01,1000,400\nC2,2024-03-02,100,\n"
    )
    run_import([Source("orders", mixed)], db, ImportOptions(today=TODAY, default_margin=0.25))
    assert float(meta(db)["assumed_margin"]) == 0.25
    assert meta(db)["currency"] == "USD"  # not given: the database keeps its own
    assert rows_of(db, "SELECT customer_id, gross_profit FROM orders ORDER BY 1") == [
        ("C1", 400.0),
        ("C2", 25.0),
    ]


def test_a_bad_currency_code_is_refused(tmp_path):
    with pytest.raises(ValueError) as refused:
        check_import([Source("orders", tmp_path / "x.csv")], options=ImportOptions(currency="yuan"))
    assert "three-letter" in explain(refused.value, "en")


def test_nothing_written_when_rejected_keeps_the_old_meta(tmp_path):
    db = tmp_path / "db.duckdb"
    ok = write(tmp_path / "a.csv", "客户编号,工单日期,金额\nC1,2024-03-01,1000\n")
    run_import([Source("orders", ok)], db, OPTIONS)
    bad = write(tmp_path / "b.csv", "客户编号,工单日期,金额\nC1,2024-02-30,1000\n")
    with pytest.raises(ImportRejected):
        run_import([Source("orders", bad)], db, ImportOptions(today=TODAY, currency="EUR"))
    assert meta(db)["currency"] == "CNY"


def test_a_decimal_comma_in_a_comma_file_is_refused_not_multiplied(tmp_path):
    # Quoted "1234,50" in a comma-separated file: the comma cannot separate thousands (two digits
    # follow), so the value is refused with the reason instead of being read as 123450.
    path = write(
        tmp_path / "o.csv",
        '客户编号,工单日期,金额\nC1,2024-03-01,"1234,50"\nC2,2024-03-02,"1,234.50"\n'
        'C3,2024-03-03,"１２３４，５"\n',
    )
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert codes(report, "comma_decimal") == [(2, "1234,50", None)]
    assert codes(report, "bad_money") == [(4, "１２３４，５", None)]
    assert messages(report, "comma_decimal")[0].startswith("“1234,50” has a decimal comma: write 1234.50")
    assert report.clean_rows == 1


def test_a_total_line_without_a_total_word_is_found_by_its_sum(tmp_path):
    # 100 + 250 + 50 = 400: the last line, with no customer (or a date there), is their total.
    for cell in ("", "2024-03-31"):
        path = write(
            tmp_path / "o.csv",
            "客户编号,工单日期,金额\nC1,2024-03-01,100\nC2,2024-03-02,250\n"
            f"C3,2024-03-03,50\n{cell},2024-03-31,400\n",
        )
        db = tmp_path / f"db{len(cell)}.duckdb"
        report = run_import([Source("orders", path)], db, OPTIONS)
        assert codes(report, "sum_row") == [(5, "400.0", None)]
        assert report.rejected_rows == 0 and report.skipped_rows == 1
        assert rows_of(db, "SELECT count(*), sum(revenue) FROM orders") == [(3, 400.0)]
    # A row without a customer whose amount is not the total stays an error.
    path = write(
        tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\nC2,2024-03-02,250\n,2024-03-31,7\n"
    )
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert codes(report, "sum_row") == [] and codes(report, "missing_value") == [(4, "", None)]


# -- properties --------------------------------------------------------------------------------


def _chars(pairs: list[tuple[int, int]], encoding: str) -> list[str]:
    out = []
    for lead, trail in pairs:
        try:
            out.append(bytes([lead, trail]).decode(encoding))
        except UnicodeDecodeError:
            pass
    return out


# Characters of everyday text: GB2312's first level (simplified) and Big5's first level (traditional).
SIMPLIFIED = _chars([(a, b) for a in range(0xB0, 0xD8) for b in range(0xA1, 0xFF)], "gb2312")
TRADITIONAL = _chars(
    [(a, b) for a in range(0xA4, 0xC6) for b in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))], "big5"
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.text(st.sampled_from(TRADITIONAL), min_size=2, max_size=3), min_size=1, max_size=8),
    big5=st.booleans(),
)
def test_big5_and_gbk_names_are_told_apart(tmp_path, names, big5):
    if not big5:
        names = ["".join(SIMPLIFIED[ord(c) % len(SIMPLIFIED)] for c in n) for n in names]
    text = "id,name\n" + "".join(f"C{i},{n}\n" for i, n in enumerate(names))
    path = tmp_path / "names.csv"
    data = text.encode("big5" if big5 else "gbk")
    # Bytes that read as everyday text in both encodings (a lone "偃偃" is "俺俺" in GBK) cannot
    # be told apart by anyone; the property is about text that carries the signal.
    other, everyday = ("gbk", set(SIMPLIFIED)) if big5 else ("big5", set(TRADITIONAL))
    try:
        misread = data.decode(other)
    except UnicodeDecodeError:
        misread = None
    assume(
        misread is None
        or not set(
            "".join(misread.split("\n")[1:]).replace(",", "").translate(str.maketrans("", "", "C0123456789"))
        )
        <= everyday
    )
    path.write_bytes(data)
    encoding = detect_encoding(path)
    assert path.read_bytes().decode(encoding) == text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.lists(st.integers(-10_000_000, 10_000_000), min_size=1, max_size=6), grouped=st.booleans())
def test_decimal_commas_give_the_amounts_written(tmp_path, cents, grouped):
    def european(c: int) -> str:
        whole, frac = divmod(abs(c), 100)
        digits = f"{whole:,}".replace(",", ".") if grouped else str(whole)
        return ("-" if c < 0 else "") + f"{digits},{frac:02d}"

    lines = "".join(f"C{i};2024-03-01;{european(c)}\n" for i, c in enumerate(cents))
    path = write(tmp_path / "eu.csv", "客户编号;工单日期;金额\n" + lines)
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert report.rejected_rows == 0
    db = tmp_path / "eu.duckdb"
    db.unlink(missing_ok=True)
    run_import([Source("orders", path)], db, OPTIONS)
    stored = [round(r * 100) for (r,) in rows_of(db, "SELECT revenue FROM orders ORDER BY customer_id")]
    assert stored == [c for _, c in sorted((f"C{i}", c) for i, c in enumerate(cents))]
