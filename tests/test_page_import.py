"""AppTest: the import page — upload, mapping, report, import or stop, in both languages."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.download_capture import capture_downloads
from tests.helpers import metric_values, run_app

PAGE = "app_pages/import_data.py"
DATA = Path(__file__).parent / "data" / "import"
BAD = (
    "order_id,customer_id,order_date,revenue,gross_profit\n"
    "O1,C1,2024-03-01,100,40\nO2,C2,2024-02-30,200,80\nO3,C2,2024-03-05,-50,-20\nO1,C3,2024-03-06,300,90\n"
)


@pytest.fixture()
def downloads(monkeypatch):
    """{file name: bytes} of every download button drawn (a deferred one built when read)."""
    return capture_downloads(monkeypatch)


def query(db_path: Path, sql: str) -> list[tuple]:
    # Attached from a fresh in-memory connection: the app in this process holds the file open.
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(db_path)])
        con.execute("USE d")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ok(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def confirm_replace(at) -> None:
    """Replacing data that is there asks first (before/after table): confirm it.
    An append, or an import into an empty database, goes straight through."""
    if "imp_confirm_replace" in [b.key for b in at.button]:
        at.button(key="imp_confirm_replace").click().run()


def upload(at, name: str, data: bytes, key: str = "imp_orders"):
    at.file_uploader(key=key).set_value((name, data, "text/csv")).run()
    ok(at)
    return at


def test_without_a_file_the_page_says_what_to_upload(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    assert at.title[0].value == "Import data: bring your own export"
    assert "Upload an order file to start" in at.info[0].value
    table = at.dataframe[0].value
    assert list(table["File"])[:2] == ["Orders", "Customers"]
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "导入数据：使用自己的导出文件"
    assert "请先上传工单文件" in at.info[0].value


def test_gbk_export_is_mapped_checked_imported_and_the_overview_changes(writable_db_path):
    at = run_app(writable_db_path, PAGE)
    upload(at, "orders_gbk.csv", (DATA / "orders_gbk.csv").read_bytes())
    assert at.selectbox(key="imp_map_orders_customer_id").value == "客户编号"
    assert at.selectbox(key="imp_map_orders_order_date").value == "工单日期"
    assert at.selectbox(key="imp_map_orders_margin").value == ""  # not in the file
    at.button(key="imp_check").click().run()
    ok(at)
    # Notes: 5 on values (3 amounts and 1 profit with separators, 1 refund) and 2 on the file
    # (read as GB18030, 4 customers created from the orders); issue 12 counts both.
    assert metric_values(at) == {"Rows read": "7", "Clean rows": "7", "Rows with errors": "0", "Notes": "7"}
    assert at.success[0].value == "All 7 rows are fine and can be imported."
    # Nothing is written by the check.
    assert query(writable_db_path, "SELECT count(*) FROM orders")[0][0] > 1000
    at.button(key="imp_import").click().run()
    confirm_replace(at)
    ok(at)
    assert at.success[0].value == "Imported. The database now holds 7 orders of 4 customers."
    assert query(writable_db_path, "SELECT count(*), count(DISTINCT customer_id) FROM orders") == [(7, 4)]
    assert Path(str(writable_db_path) + ".bak").exists()
    at.switch_page("app_pages/overview.py").run()
    ok(at)
    assert metric_values(at)["Customers"] == "4"


def test_problems_are_listed_downloaded_and_clean_rows_imported(writable_db_path, downloads):
    at = run_app(writable_db_path, PAGE)
    upload(at, "march.csv", BAD.encode())
    at.button(key="imp_check").click().run()
    ok(at)
    assert metric_values(at)["Rows with errors"] == "2"
    assert metric_values(at)["Clean rows"] == "2"
    listed = at.dataframe[-1].value
    assert listed[["Row", "Column", "Problem"]].values.tolist()[:2] == [
        [
            3,
            "order_date",
            "“2024-02-30” is not a date (use 2024-03-01, 2024/3/1, 2024年3月1日 or an Excel date)",
        ],
        [5, "order_id", "Order id O1 appears again (first on row 2)"],
    ]
    assert "negative amount -50: kept as a refund" in listed["Problem"].tolist()
    problems = pd.read_csv(io.BytesIO(downloads["import_problems.csv"]), encoding="utf-8-sig")
    assert problems["Row"].tolist() == [3, 5, 4]
    at.button(key="imp_import").click().run()
    confirm_replace(at)
    ok(at)
    assert query(writable_db_path, "SELECT order_id, revenue FROM orders ORDER BY 1") == [
        ("O1", 100.0),
        ("O3", -50.0),
    ]


def test_columns_are_mapped_by_hand_and_the_mapping_is_saved(writable_db_path):
    at = run_app(writable_db_path, PAGE)
    upload(at, "export.csv", b"Kunde,Datum,Betrag\nK1,2024-03-01,100\nK2,2024-03-02,50\n")
    at.button(key="imp_check").click().run()
    ok(at)
    assert "the required column “Customer id” is not mapped" in at.error[0].value.replace("\\", "")
    assert at.button(key="imp_import").disabled
    at.selectbox(key="imp_map_orders_customer_id").set_value("Kunde").run()
    at.selectbox(key="imp_map_orders_order_date").set_value("Datum").run()
    at.selectbox(key="imp_map_orders_revenue").set_value("Betrag").run()
    assert "check again" in at.info[-1].value  # the old report no longer applies
    at.button(key="imp_check").click().run()
    ok(at)
    assert metric_values(at)["Clean rows"] == "2"
    at.button(key="imp_import").click().run()
    confirm_replace(at)
    ok(at)
    assert query(writable_db_path, "SELECT mapping FROM import_mappings WHERE source_kind = 'orders'") == [
        ('{"customer_id": "Kunde", "order_date": "Datum", "revenue": "Betrag"}',)
    ]
    # Next month's file maps itself.
    upload(at, "april.csv", b"Kunde,Datum,Betrag\nK3,2024-04-01,70\n", key="imp_orders_1")
    assert at.selectbox(key="imp_map_orders_customer_id").value == "Kunde"


def test_stop_changes_nothing(writable_db_path):
    before = query(writable_db_path, "SELECT count(*), sum(revenue) FROM orders")
    at = run_app(writable_db_path, PAGE)
    upload(at, "march.csv", BAD.encode())
    at.button(key="imp_check").click().run()
    at.button(key="imp_stop").click().run()
    ok(at)
    assert at.info[-1].value == "Stopped: nothing was changed."
    assert query(writable_db_path, "SELECT count(*), sum(revenue) FROM orders") == before


def test_a_further_file_gets_its_kind_guessed_and_append_mode(writable_db_path):
    customers = query(writable_db_path, "SELECT customer_id FROM customers ORDER BY 1 LIMIT 2")
    before = query(writable_db_path, "SELECT count(*) FROM complaints")[0][0]
    text = (
        "客户编号,投诉日期,解决日期\n"
        + "".join(f"{c},2026-11-20,\n" for (c,) in customers)
        + "X999,2026-11-21,\n"
    )
    at = run_app(writable_db_path, PAGE)
    at.radio(key="imp_mode.en").set_value("append").run()
    at.file_uploader(key="imp_more").set_value([("complaints_nov.csv", text.encode(), "text/csv")]).run()
    ok(at)
    assert at.selectbox(key="imp_kind_more0.en").value == "complaints"
    assert at.expander[1].label.endswith("· Complaints")
    at.button(key="imp_check").click().run()
    ok(at)
    listed = at.dataframe[-1].value
    assert listed["Problem"].tolist() == ["customer X999 is in neither the files nor the database"]
    at.button(key="imp_import").click().run()
    confirm_replace(at)
    ok(at)
    assert query(writable_db_path, "SELECT count(*) FROM complaints")[0][0] == before + 2


def test_a_file_that_cannot_be_read(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    upload(at, "orders.csv", bytes(range(128, 256)) * 10 + b"\xff\x00\x81")
    assert "neither UTF-8 nor GBK/GB18030" in at.error[0].value


def test_uploaded_text_never_becomes_html(sample_db_path):
    evil = '<img src=x onerror="alert(1)">'
    text = f"客户编号,工单日期,金额,{evil}\n**C1**,2024-03-01,100,[x](javascript:alert(1))\n"
    at = run_app(sample_db_path, PAGE)
    upload(at, "[click](javascript:alert(1)).csv", text.encode())
    at.button(key="imp_check").click().run()
    ok(at)
    shown = list(at.markdown) + list(at.info) + list(at.error) + list(at.success) + list(at.warning)
    assert len(shown) > 5  # the page drew its report
    for element in at.markdown:
        assert not element.proto.allow_html
    for element in shown:
        text_shown = element.value
        # Every markup character from the upload is escaped: no link, image or tag can form.
        assert "<img" not in text_shown.replace("\\<", "")
        assert "](javascript" not in text_shown.replace("\\]\\(", "")
    assert at.expander[1].label.startswith("\\[click\\]\\(javascript\\:alert\\(1\\)\\)\\.csv")


def test_excel_upload_and_the_report_in_chinese(writable_db_path):
    at = run_app(writable_db_path, PAGE, lang="zh")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="imp_orders").set_value(
        ("工单.xlsx", (DATA / "orders.xlsx").read_bytes(), xlsx)
    ).run()
    ok(at)
    assert at.selectbox(key="imp_map_orders_order_date").value == "Service date"
    at.button(key="imp_check").click().run()
    ok(at)
    # 3 notes on values (an Excel date number, "1,234.50", a refund) and 1 on the file (customers created).
    assert metric_values(at) == {"读取行数": "5", "无误行数": "5", "有错误的行": "0", "提示": "4"}
    assert at.success[0].value == "全部 5 行无误，可以导入。"
    assert "Excel 日期序号 45450 已读作 2024-06-07" in at.dataframe[-1].value["问题"].tolist()
    at.button(key="imp_import").click().run()
    confirm_replace(at)
    ok(at)
    assert at.success[0].value == "导入完成。数据库现有 3 位客户的 5 条工单。"


def test_disk_full_during_an_import_is_a_message_not_a_traceback(writable_db_path, monkeypatch):
    import errno

    from clv_engine.imports import run

    before = query(writable_db_path, "SELECT count(*), sum(revenue) FROM orders")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run, "write_database", full)
    at = run_app(writable_db_path, PAGE, lang="zh")
    upload(at, "march.csv", "客户编号,工单日期,金额\nK1,2024-03-01,100\n".encode())
    at.button(key="imp_check").click().run()
    at.button(key="imp_import").click().run()
    ok(at)
    assert any("磁盘已满" in e.value for e in at.error)
    assert query(writable_db_path, "SELECT count(*), sum(revenue) FROM orders") == before


def test_a_big5_upload_is_previewed_and_mapped_in_traditional_characters(sample_db_path):
    text = "客戶編號,客戶姓名,工單日期,金額\nT001,陳美玲,2024-03-01,1200\nT002,林志豪,2024-03-02,800\n"
    at = run_app(sample_db_path, PAGE)
    upload(at, "tw.csv", text.encode("big5"))
    assert at.selectbox(key="imp_map_orders_customer_id").value == "客戶編號"
    assert at.dataframe[-1].value["客戶姓名"].tolist() == ["陳美玲", "林志豪"]


def test_a_one_column_file_is_named_on_the_page(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    upload(at, "orders.txt", b"customer_id order_date revenue\nC1 2024-03-01 100\n")
    at.button(key="imp_check").click().run()
    ok(at)
    assert "every line reads as a single column" in at.error[0].value
    assert at.button(key="imp_import").disabled


def test_an_overlapping_append_says_rows_were_skipped_not_errors(writable_db_path):
    stored = query(
        writable_db_path, "SELECT order_id, customer_id, order_date, revenue FROM orders ORDER BY 1 LIMIT 2"
    )
    lines = [f"{o},{c},{d.isoformat()},{r}" for o, c, d, r in stored]
    text = "工单号,客户编号,工单日期,金额\n" + "\n".join(lines) + f"\nNEW1,{stored[0][1]},2026-11-20,120\n"
    at = run_app(writable_db_path, PAGE)
    at.radio(key="imp_mode.en").set_value("append").run()
    upload(at, "overlap.csv", text.encode())
    at.button(key="imp_check").click().run()
    ok(at)
    assert metric_values(at)["Rows with errors"] == "0" and metric_values(at)["Clean rows"] == "1"
    assert any(c.value.startswith("2 rows are left out as intended, not as errors") for c in at.caption)
