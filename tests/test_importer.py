"""Importer: each kind of bad input with its message, encodings and formats, atomic writes."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cli import imports as cli
from clv_engine.db import Database, create_database
from clv_engine.imports import (
    ImportBusy,
    ImportOptions,
    ImportRejected,
    Source,
    check_import,
    run_import,
    stage,
    swap,
)
from clv_engine.imports.fields import guess_kind, guess_mapping
from wording import imports as wi

DATA = Path(__file__).parent / "data" / "import"
TODAY = date(2026, 12, 1)
OPTIONS = ImportOptions(today=TODAY)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def orders_csv(
    tmp_path: Path, body: str, header: str = "order_id,customer_id,order_date,revenue,gross_profit,store_id"
) -> Path:
    return write(tmp_path / "orders.csv", header + "\n" + body)


def problems(report, code: str) -> pd.DataFrame:
    return report.problems[report.problems["code"] == code]


def messages(report, code: str) -> list[tuple[int, str | None, str]]:
    """(row, column, English message) of every listed problem of ``code``."""
    table = wi.problem_table(report, "en")
    mask = (report.problems["code"] == code).to_numpy()
    rows = table[mask]
    return list(zip(rows["Row"].tolist(), rows["Column"].tolist(), rows["Problem"].tolist()))


def rows_of(db_path: Path, sql: str) -> list[tuple]:
    # Attached: the app's reader in this process may hold the file with another configuration.
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(db_path)])
    con.execute("USE d")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- mapping --------------------------------------------------------------------------------


def test_chinese_headers_are_mapped():
    headers = [
        "工单号",
        "客户编号",
        "客户姓名",
        "工单日期",
        "金额",
        "毛利",
        "毛利率",
        "门店",
        "维修类型",
        "车架号",
    ]
    assert guess_mapping("orders", headers) == {
        "order_id": "工单号",
        "customer_id": "客户编号",
        "name": "客户姓名",
        "order_date": "工单日期",
        "revenue": "金额",
        "gross_profit": "毛利",
        "margin": "毛利率",
        "store_id": "门店",
        "kind": "维修类型",
        "vin": "车架号",
    }


def test_english_headers_are_mapped_by_whole_words():
    headers = ["RO Number", "Customer ID", "Service Date", "Total Amount (CNY)", "Province", "Dealer Code"]
    mapping = guess_mapping("orders", headers)
    assert mapping == {
        "order_id": "RO Number",
        "customer_id": "Customer ID",
        "order_date": "Service Date",
        "revenue": "Total Amount (CNY)",
        "store_id": "Dealer Code",
    }
    assert "vin" not in mapping  # "vin" is inside "Province", but not as a word


def test_saved_mapping_wins_over_a_guess():
    headers = ["Kunde", "Datum", "Betrag", "customer_id"]
    saved = {"customer_id": "Kunde", "order_date": "Datum", "revenue": "Betrag"}
    assert guess_mapping("orders", headers, saved) == saved


def test_kind_of_file_is_guessed_from_headers():
    assert guess_kind(["客户编号", "姓名", "购车日期"]) == "customers"
    assert guess_kind(["月份", "渠道", "投放金额", "新客数"]) == "channel_spend"
    assert guess_kind(["客户编号", "投诉日期"]) == "complaints"
    assert guess_kind(["customer_id", "order_date", "revenue"]) == "orders"


# -- each kind of bad input, with its message ---------------------------------------------


def test_missing_required_column_blocks_the_import(tmp_path):
    path = orders_csv(tmp_path, "O1,C1,1000\n", header="order_id,customer_id,revenue")
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert not report.can_import
    assert wi.blocking_texts(report, "en") == [
        "orders.csv: the required column “Order date” is not mapped (columns in the file: order_id, customer_id, revenue)."
    ]
    with pytest.raises(ImportRejected):
        run_import([Source("orders", path)], tmp_path / "db.duckdb", OPTIONS, accept_clean_rows=True)
    assert not (tmp_path / "db.duckdb").exists()


def test_unparseable_dates_are_listed_with_row_and_column(tmp_path):
    path = orders_csv(
        tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C1,2024-02-30,100,40,S1\nO3,C2,next week,100,40,S1\n"
    )
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert messages(report, "bad_date") == [
        (
            3,
            "order_date",
            "“2024-02-30” is not a date (use 2024-03-01, 2024/3/1, 2024年3月1日 or an Excel date)",
        ),
        (
            4,
            "order_date",
            "“next week” is not a date (use 2024-03-01, 2024/3/1, 2024年3月1日 or an Excel date)",
        ),
    ]
    assert report.rejected_rows == 2 and report.clean_rows == 1


def test_date_forms_dealers_write_are_read(tmp_path):
    body = (
        "O1,C1,2024/3/1,1,1,S\nO2,C1,2024年3月2日,1,1,S\nO3,C1,2024.3.3,1,1,S\nO4,C1,20240304,1,1,S\n"
        "O5,C1,2024-03-05 14:30:00,1,1,S\nO6,C1,２０２４－０３－０６,1,1,S\n"
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", orders_csv(tmp_path, body))], db, OPTIONS)
    assert report.rejected_rows == 0
    dates = [r[0] for r in rows_of(db, "SELECT order_date FROM orders ORDER BY order_id")]
    assert dates == [date(2024, 3, d) for d in range(1, 7)]


def test_excel_date_numbers_are_read_and_noted(tmp_path):
    path = orders_csv(tmp_path, "O1,C1,45352,100,40,S1\nO2,C1,45352.75,100,40,S1\n")
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    expected = date(1899, 12, 30) + dt.timedelta(days=45352)  # Excel's day 0 (its 1900 leap bug)
    assert expected == date(2024, 3, 1)
    assert messages(report, "excel_date") == [
        (2, "order_date", "Excel date number 45352 read as 2024-03-01"),
        (3, "order_date", "Excel date number 45352.75 read as 2024-03-01"),
    ]
    assert rows_of(db, "SELECT DISTINCT order_date FROM orders") == [(expected,)]


def test_thousands_separators_and_full_width_digits(tmp_path):
    path = orders_csv(
        tmp_path,
        'O1,C1,2024-03-01,"1,234.50",400,S1\nO2,C1,2024-03-02,１２３４,300,S1\n'
        "O3,C1,2024-03-03,¥980,300,S1\nO4,C1,2024-03-04,(200.00),-80,S1\n",
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert messages(report, "number_normalised") == [
        (2, "revenue", "“1,234.50” read as 1234.5"),
        (3, "revenue", "“１２３４” read as 1234.0"),
        (4, "revenue", "“¥980” read as 980.0"),
        (5, "revenue", "“(200.00)” read as -200.0"),
    ]
    revenue = [r[0] for r in rows_of(db, "SELECT revenue FROM orders ORDER BY order_id")]
    assert revenue == [1234.5, 1234.0, 980.0, -200.0]


def test_refund_is_kept_as_a_refund_and_reported(tmp_path):
    path = orders_csv(tmp_path, "O1,C1,2024-03-01,500,200,S1\nO2,C1,2024-03-05,-500,-200,S1\n")
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS)
    assert messages(report, "refund") == [(3, "revenue", "negative amount -500: kept as a refund")]
    assert report.rejected_rows == 0
    assert rows_of(db, "SELECT revenue, gross_profit FROM orders WHERE order_id = 'O2'") == [(-500.0, -200.0)]
    assert rows_of(db, "SELECT sum(revenue) FROM orders") == [(0.0,)]


def test_dates_in_the_future_are_rejected(tmp_path):
    path = orders_csv(tmp_path, "O1,C1,2026-12-01,100,40,S1\nO2,C1,2026-12-02,100,40,S1\n")
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert messages(report, "future_date") == [
        (3, "order_date", "2026-12-02 is in the future (today is 2026-12-01)")
    ]
    assert report.clean_rows == 1  # today itself is fine


def test_duplicate_order_ids_keep_the_first_row(tmp_path):
    path = orders_csv(
        tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C1,2024-03-02,100,40,S1\nO1,C2,2024-03-03,999,1,S1\n"
    )
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, OPTIONS, accept_clean_rows=True)
    assert messages(report, "duplicate_key") == [
        (4, "order_id", "Order id O1 appears again (first on row 2)")
    ]
    assert rows_of(db, "SELECT customer_id, revenue FROM orders WHERE order_id = 'O1'") == [("C1", 100.0)]


def test_unknown_customers_in_side_files(tmp_path):
    orders = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\n")
    complaints = write(tmp_path / "complaints.csv", "客户编号,投诉日期\nC1,2024-03-02\nC9,2024-03-03\n")
    report = check_import([Source("orders", orders), Source("complaints", complaints)], options=OPTIONS)
    assert messages(report, "unknown_customer") == [
        (3, "客户编号", "customer C9 is in neither the orders nor the customers file")
    ]


def test_empty_and_non_numeric_values(tmp_path):
    path = orders_csv(
        tmp_path, "O1,,2024-03-01,100,40,S1\nO2,C1,2024-03-02,abc,40,S1\nO3,C1,2024-03-03,,40,S1\n"
    )
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert messages(report, "missing_value") == [
        (2, "customer_id", "Customer id is empty"),
        (4, "revenue", "Amount (revenue) is empty"),
    ]
    assert messages(report, "bad_money") == [(3, "revenue", "“abc” is not an amount")]


def test_malformed_lines_keep_later_row_numbers_right(tmp_path):
    path = orders_csv(
        tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C1,2024-03-02,100,40,S1,extra\nO3,C1,2024-02-30,100,40,S1\n"
    )
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert messages(report, "malformed_line") == [
        (3, "", "the line does not split into the header's columns: O2,C1,2024-03-02,100,40,S1,extra")
    ]
    # The bad date is on line 4 of the file, after the line that was set aside.
    assert [r for r, _, _ in messages(report, "bad_date")] == [4]


def test_report_in_chinese(tmp_path):
    path = orders_csv(tmp_path, "O1,C1,2024-02-30,100,40,S1\n")
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert wi.problem_table(report, "zh")["问题"].tolist() == [
        "“2024-02-30”不是日期（可用 2024-03-01、2024/3/1、2024年3月1日 或 Excel 日期）"
    ]


# -- encodings and formats ------------------------------------------------------------------


def test_gbk_file_with_chinese_headers(tmp_path):
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", DATA / "orders_gbk.csv")], db, OPTIONS)
    assert "orders_gbk.csv: read as GB18030 text." in wi.note_texts(report, "en")
    # The fixture by hand: 680 + 2,350 + 1,120.50 + 9,800 − 350 + 560 + 780.
    assert rows_of(db, "SELECT count(*), sum(revenue) FROM orders") == [
        (7, 680 + 2350 + 1120.5 + 9800 - 350 + 560 + 780)
    ]
    assert rows_of(db, "SELECT kind, count(*) FROM orders GROUP BY kind ORDER BY kind") == [
        ("accessories", 1),
        ("accident", 1),
        ("maintenance", 2),
        ("parts", 1),
        ("repair", 2),
    ]
    # Customers created from the orders: K001 visited SH01 once and HZ02 once, K002 SH01 twice.
    customers = rows_of(
        db, "SELECT customer_id, name, home_store_id, vin, purchase_date FROM customers ORDER BY 1"
    )
    assert customers[1] == ("K002", "李娜", "SH01", "LVSHCAMB1NE000002", date(2024, 1, 9))
    assert [c[0] for c in customers] == ["K001", "K002", "K003", "K004"]
    assert rows_of(db, "SELECT store_id, name FROM stores ORDER BY 1") == [("HZ02", "HZ02"), ("SH01", "SH01")]


def test_utf8_with_bom_and_utf16(tmp_path):
    text = "客户编号,工单日期,金额\nC1,2024-03-01,100\n"
    for encoding, name in (("utf-8-sig", "bom.csv"), ("utf-16", "u16.csv")):
        path = write(tmp_path / name, text, encoding)
        report = check_import([Source("orders", path)], options=OPTIONS)
        assert report.sources[0].mapping == {
            "customer_id": "客户编号",
            "order_date": "工单日期",
            "revenue": "金额",
        }
        assert report.clean_rows == 1


def test_excel_file(tmp_path):
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", DATA / "orders.xlsx")], db, OPTIONS)
    assert report.sources[0].mapping["order_date"] == "Service date"
    # Row 4 holds the Excel date number 45450; row 6 is empty, so A-1005 is on row 7.
    assert messages(report, "excel_date") == [
        (4, "Service date", "Excel date number 45450 read as 2024-06-07")
    ]
    assert messages(report, "refund") == [(5, "Amount", "negative amount -150: kept as a refund")]
    got = rows_of(
        db, "SELECT order_id, order_date, revenue, gross_profit, kind FROM orders ORDER BY order_id"
    )
    assert got == [
        ("A-1001", date(2024, 5, 6), 1200.0, 480.5, "maintenance"),
        ("A-1002", date(2024, 5, 7), 1234.5, 400.0, "repair"),
        ("A-1003", date(2024, 6, 7), 300.25, 90.0, "parts"),
        ("A-1004", date(2024, 6, 10), -150.0, -60.0, "repair"),
        ("A-1005", date(2024, 6, 12), 2200.0, 800.0, "accident"),
    ]


def test_excel_row_numbers_count_the_empty_row(tmp_path):
    import openpyxl

    path = tmp_path / "orders.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户编号", "工单日期", "金额"])
    sheet.append(["C1", dt.date(2024, 3, 1), 100])
    sheet.append([None, None, None])
    sheet.append(["C2", "soon", 100])
    book.save(path)
    report = check_import([Source("orders", path)], options=OPTIONS)
    assert [r for r, _, _ in messages(report, "bad_date")] == [4]


def test_parquet_file(tmp_path):
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "order_date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
            "revenue": [100.0, 250.5],
            "margin": [0.4, 0.3],
        }
    )
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    db = tmp_path / "db.duckdb"
    run_import([Source("orders", path)], db, OPTIONS)
    assert rows_of(db, "SELECT customer_id, revenue, round(gross_profit, 6) FROM orders ORDER BY 1") == [
        ("C1", 100.0, 40.0),
        ("C2", 250.5, 75.15),
    ]


def test_unreadable_files_block_and_write_nothing(tmp_path):
    garbage = tmp_path / "orders.csv"
    garbage.write_bytes(bytes(range(128, 256)) * 20 + b"\xff\xfe\x00\x00\x81")
    old_xls = write(tmp_path / "orders.xls", "not really excel")
    header_only = write(tmp_path / "header.csv", "customer_id,order_date,revenue\n")
    for path, code in (
        (garbage, "encoding"),
        (old_xls, "xls"),
        (tmp_path / "missing.csv", "missing"),
        (header_only, "empty"),
    ):
        report = check_import([Source("orders", path)], options=OPTIONS)
        assert [m.code for m in report.blocking] == [code]
    assert wi.blocking_texts(check_import([Source("orders", old_xls)], options=OPTIONS), "en") == [
        "orders.xls: old Excel .xls files cannot be read; save it as .xlsx or CSV."
    ]


# -- gross profit ---------------------------------------------------------------------------


def test_default_margin_when_no_profit_column(tmp_path):
    path = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,1000\n")
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", path)], db, ImportOptions(today=TODAY, default_margin=0.3))
    assert (
        "The orders carry no gross profit or margin: gross profit is assumed to be 30% of the amount "
        "(change the default margin to adjust)."
    ) in wi.note_texts(report, "en")
    assert rows_of(db, "SELECT gross_profit FROM orders") == [(300.0,)]


def test_margin_column_as_fraction_percent_or_with_sign(tmp_path):
    fraction = write(tmp_path / "a.csv", "客户编号,工单日期,金额,毛利率\nC1,2024-03-01,1000,0.4\n")
    percent = write(
        tmp_path / "b.csv", "客户编号,工单日期,金额,毛利率\nC1,2024-03-01,1000,40\nC1,2024-03-02,1000,0.5\n"
    )
    signed = write(tmp_path / "c.csv", "客户编号,工单日期,金额,毛利率\nC1,2024-03-01,1000,40%\n")
    for path, expected in ((fraction, [400.0]), (percent, [400.0, 5.0]), (signed, [400.0])):
        db = tmp_path / f"{path.stem}.duckdb"
        run_import([Source("orders", path)], db, OPTIONS)
        assert [
            round(r[0], 6) for r in rows_of(db, "SELECT gross_profit FROM orders ORDER BY order_date")
        ] == expected


# -- side files -----------------------------------------------------------------------------


def test_customers_file_and_orders_only_customers(tmp_path):
    orders = orders_csv(
        tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C2,2024-04-01,100,40,S2\nO3,C2,2024-05-01,100,40,S2\n"
    )
    customers = write(tmp_path / "customers.csv", "客户编号,姓名,购车日期,归属门店\nC1,王伟,2023-06-01,S1\n")
    db = tmp_path / "db.duckdb"
    report = run_import([Source("orders", orders), Source("customers", customers)], db, OPTIONS)
    assert "1 customers are not in a customers file" in wi.note_texts(report, "en")[-1]
    assert rows_of(
        db, "SELECT customer_id, name, purchase_date, home_store_id FROM customers ORDER BY 1"
    ) == [
        ("C1", "王伟", date(2023, 6, 1), "S1"),
        ("C2", None, date(2024, 4, 1), "S2"),  # created: first order, most visited store
    ]


def test_other_side_files(tmp_path):
    orders = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C2,2024-04-01,100,40,S1\n")
    files = {
        "channel_spend": '月份,渠道,投放金额,新客数\n2024-03,referral,12000,10\n2024年4月,social,"28,000",10\n',
        "warranties": "客户编号,销售日期,价格\nC1,2024-03-05,5800\n",
        "referrals": "推荐人,被推荐人,推荐日期\nC1,C2,2024-03-20\n",
        "events": "客户编号,活动日期,活动名称\nC2,2024-05-01,车主嘉年华\n",
        "appointments": "客户编号,预约日期,状态\nC1,2027-01-10,已取消\nC2,2024-04-01,到店\nC2,2024-04-02,maybe\n",
        "kpis": "月份,门店,NPS,一次修复率\n2024-03,S1,45,92%\n",
    }
    sources = [Source("orders", orders)] + [
        Source(k, write(tmp_path / f"{k}.csv", v)) for k, v in files.items()
    ]
    db = tmp_path / "db.duckdb"
    report = run_import(sources, db, OPTIONS, accept_clean_rows=True)
    assert messages(report, "bad_status") == [
        (4, "状态", "“maybe” is not an appointment status (kept / cancelled, 到店 / 取消)")
    ]
    assert rows_of(db, "SELECT month, channel, spend, new_customers FROM channel_spend ORDER BY 1") == [
        (date(2024, 3, 1), "referral", 12000.0, 10),
        (date(2024, 4, 1), "social", 28000.0, 10),
    ]
    assert rows_of(db, "SELECT customer_id, price, term_years, claims_cost FROM warranties") == [
        ("C1", 5800.0, 3, 0.0)
    ]
    assert rows_of(db, "SELECT * FROM referrals") == [("C1", "C2", date(2024, 3, 20))]
    # An appointment may lie ahead; its status is read from the Chinese word.
    assert rows_of(db, "SELECT customer_id, appointment_date, status FROM appointments ORDER BY 1") == [
        ("C1", date(2027, 1, 10), "cancelled"),
        ("C2", date(2024, 4, 1), "kept"),
    ]
    assert rows_of(db, "SELECT store_id, nps, first_time_fix_rate FROM store_kpis") == [("S1", 45.0, 0.92)]


# -- writing: atomic, append, backups, lock, readers -----------------------------------------


def test_problems_stop_the_import_unless_clean_rows_are_accepted(writable_db_path, tmp_path):
    before = rows_of(writable_db_path, "SELECT count(*), sum(revenue) FROM orders")
    path = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C1,2024-02-30,100,40,S1\n")
    with pytest.raises(ImportRejected) as rejected:
        run_import([Source("orders", path)], writable_db_path, OPTIONS)
    assert rejected.value.report.rejected_rows == 1
    assert rows_of(writable_db_path, "SELECT count(*), sum(revenue) FROM orders") == before
    assert not Path(str(writable_db_path) + ".bak").exists()
    run_import([Source("orders", path)], writable_db_path, OPTIONS, accept_clean_rows=True)
    assert rows_of(writable_db_path, "SELECT order_id FROM orders") == [("O1",)]
    # The previous database is kept as a backup, complete.
    assert (
        rows_of(Path(str(writable_db_path) + ".bak"), "SELECT count(*), sum(revenue) FROM orders") == before
    )


def test_replace_keeps_scenarios_and_mappings_and_reuses_the_mapping(writable_db_path, tmp_path):
    from clv_engine import scenarios

    db = Database(writable_db_path)
    scenarios.save_scenario(db, "allocator", "kept", {"budget": 1})
    db.close()
    path = write(tmp_path / "export.csv", "Kunde;Datum;Betrag\nK1;2024-03-01;100\n")
    mapping = {"customer_id": "Kunde", "order_date": "Datum", "revenue": "Betrag"}
    run_import([Source("orders", path, mapping)], writable_db_path, OPTIONS)
    assert rows_of(writable_db_path, "SELECT name FROM scenarios") == [("kept",)]
    assert stage.saved_mappings(writable_db_path) == {"orders": mapping}
    # Next month's export maps itself (these headers are not guessable).
    report = check_import([Source("orders", path)], writable_db_path, OPTIONS)
    assert report.sources[0].mapping == mapping and report.can_import


def test_a_table_the_schema_does_not_know_survives_a_replace(tmp_path):
    db = tmp_path / "db.duckdb"
    create_database(db)
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE feature_state (k VARCHAR, v INTEGER)")
    con.execute("INSERT INTO feature_state VALUES ('a', 1)")
    con.close()
    run_import([Source("orders", orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\n"))], db, OPTIONS)
    assert rows_of(db, "SELECT * FROM feature_state") == [("a", 1)]


def test_append_adds_rows_and_catches_what_is_already_there(tmp_path):
    db = tmp_path / "db.duckdb"
    first = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\n")
    run_import([Source("orders", first)], db, OPTIONS)
    second = write(
        tmp_path / "april.csv",
        "order_id,customer_id,order_date,revenue\nO1,C1,2024-04-01,5\nO2,C2,2024-04-02,200\n",
    )
    complaints = write(tmp_path / "complaints.csv", "customer_id,opened\nC1,2024-04-03\nC7,2024-04-03\n")
    append = ImportOptions(mode="append", today=TODAY)
    report = run_import(
        [Source("orders", second), Source("complaints", complaints)], db, append, accept_clean_rows=True
    )
    assert messages(report, "existing_key") == [(2, "order_id", "Order id O1 is already in the database")]
    assert messages(report, "unknown_customer") == [
        (3, "customer_id", "customer C7 is in neither the files nor the database")
    ]
    assert rows_of(db, "SELECT order_id, revenue FROM orders ORDER BY 1") == [("O1", 100.0), ("O2", 200.0)]
    assert rows_of(db, "SELECT customer_id FROM customers ORDER BY 1") == [("C1",), ("C2",)]
    assert rows_of(db, "SELECT customer_id FROM complaints") == [("C1",)]


def test_same_export_appended_twice_is_caught_without_order_ids(tmp_path):
    db = tmp_path / "db.duckdb"
    path = write(tmp_path / "o.csv", "客户编号,工单日期,金额\nC1,2024-03-01,100\nC1,2024-03-01,100\n")
    run_import([Source("orders", path)], db, OPTIONS)
    assert rows_of(db, "SELECT count(DISTINCT order_id) FROM orders") == [(2,)]  # two identical visits
    with pytest.raises(ImportRejected) as again:
        run_import(
            [Source("orders", path)], db, ImportOptions(mode="append", today=TODAY), accept_clean_rows=True
        )
    # Issue 12: rows already stored are skipped as such, not called errors.
    report = again.value.report
    assert len(problems(report, "already_stored")) == 2 and problems(report, "existing_key").empty
    assert report.rejected_rows == 0 and report.skipped_rows == 2
    assert wi.verdict(report, "en") == "Nothing to import: all 2 rows are already in the database."
    assert rows_of(db, "SELECT count(*) FROM orders") == [(2,)]


def test_failure_halfway_changes_nothing(writable_db_path, tmp_path):
    before = rows_of(writable_db_path, "SELECT count(*), sum(revenue) FROM orders")
    path = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\n")

    def fail(fraction: float, step: str) -> None:
        if step == "loaded":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        run_import([Source("orders", path)], writable_db_path, OPTIONS, progress=fail)
    assert rows_of(writable_db_path, "SELECT count(*), sum(revenue) FROM orders") == before
    leftovers = [p.name for p in tmp_path.iterdir() if ".importing" in p.name or ".work-" in p.name]
    assert leftovers == []
    run_import([Source("orders", path)], writable_db_path, OPTIONS)  # the lock was released
    assert rows_of(writable_db_path, "SELECT count(*) FROM orders") == [(1,)]


def test_a_second_import_is_refused_while_one_runs(tmp_path):
    db = tmp_path / "db.duckdb"
    create_database(db)
    path = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\n")
    with swap.import_lock(db):
        with pytest.raises(ImportBusy):
            run_import([Source("orders", path)], db, OPTIONS)


def test_readers_keep_reading_during_an_import_and_see_the_new_data(writable_db_path, tmp_path):
    reader = Database(writable_db_path)
    before = reader.query_value("SELECT count(*) FROM orders")
    seen = []

    def progress(fraction: float, step: str) -> None:
        seen.append((step, reader.query_value("SELECT count(*) FROM orders")))

    path = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C1,2024-03-02,100,40,S1\n")
    run_import([Source("orders", path)], writable_db_path, OPTIONS, progress=progress)
    steps = [s for s, _ in seen]
    assert {"reading", "writing", "loaded", "saved", "replacing"} <= set(steps)
    # The old data until the new file is in place (priming reads the new file, after the swap).
    assert all(count == before for step, count in seen if step not in ("priming", "done"))
    assert [s for s in steps if s in ("replacing", "priming")][-1] == "priming"
    assert reader.query_value("SELECT count(*) FROM orders") == 2  # reopened on the new file
    reader.close()


def test_import_into_a_new_file_and_the_command_line(tmp_path, capsys):
    path = orders_csv(tmp_path, "O1,C1,2024-03-01,100,40,S1\nO2,C1,2099-01-01,100,40,S1\n")
    db = tmp_path / "new" / "db.duckdb"
    assert cli.main([str(path), "--db", str(db), "--today", "2026-12-01"]) == 2
    out = capsys.readouterr().out
    assert "Row 3: 2099-01-01 is in the future (today is 2026-12-01)" in out
    assert "Nothing imported yet: 1 rows have errors" in out
    assert not db.exists()
    problems_csv = tmp_path / "problems.csv"
    assert (
        cli.main(
            [
                str(path),
                "--db",
                str(db),
                "--today",
                "2026-12-01",
                "--accept-clean-rows",
                "--problems-csv",
                str(problems_csv),
            ]
        )
        == 0
    )
    assert rows_of(db, "SELECT order_id FROM orders") == [("O1",)]
    listed = pd.read_csv(problems_csv, encoding="utf-8-sig")
    assert listed["Row"].tolist() == [3]
    # --check writes nothing: 2 while rows have errors, 0 when every row is clean.
    clean = write(tmp_path / "clean.csv", "customer_id,order_date,revenue\nC9,2024-03-01,100\n")
    other = tmp_path / "other.duckdb"
    assert cli.main([str(path), "--db", str(other), "--today", "2026-12-01", "--check"]) == 2
    assert cli.main([str(clean), "--db", str(other), "--today", "2026-12-01", "--check"]) == 0
    assert not other.exists()


def test_command_line_mapping_and_side_files(tmp_path, capsys):
    orders = write(tmp_path / "o.csv", "Kunde,Datum,Betrag\nK1,2024-03-01,100\n")
    customers = write(tmp_path / "c.csv", "客户编号,姓名\nK1,王伟\n")
    db = tmp_path / "db.duckdb"
    code = cli.main(
        [
            str(orders),
            "--customers",
            str(customers),
            "--db",
            str(db),
            "--today",
            "2026-12-01",
            "--map",
            "orders.customer_id=Kunde",
            "--map",
            "orders.order_date=Datum",
            "--map",
            "orders.revenue=Betrag",
            "--lang",
            "zh",
        ]
    )
    assert code == 0, capsys.readouterr().out
    assert "导入完成" in capsys.readouterr().out
    assert rows_of(db, "SELECT customer_id, name FROM customers") == [("K1", "王伟")]
