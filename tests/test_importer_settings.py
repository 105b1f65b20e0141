"""What was assumed at import is disclosed on every page (issue 12), and a missing CLV_DB is
said, not replaced by the demo. AppTest on a small database imported in the test."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from clv_engine.imports import ImportOptions, Source, run_import
from tests.helpers import metric_values, run_app
from tests.test_any_data import _strings, _walk

# Every page shows profit or CLV but these: the calculator (its inputs and the published reference
# cases, no imported data), actions (service dates, tier rules on spend, complaint clocks), the
# import page (its report states the margin itself) and the users page.
NO_PROFIT_OR_CLV = {"calculator", "actions", "import_data", "users"}
PAGES = sorted({p.stem for p in (Path(__file__).parent.parent / "app_pages").glob("*.py")} - NO_PROFIT_OR_CLV)
CAPTION_EN = (
    "Some or all imported orders came without gross profit: for them it is assumed to be 30% of the amount."
)
CAPTION_ZH = "部分或全部导入的工单没有毛利：这些工单的毛利按金额的 30% 假设。"


@pytest.fixture(scope="module")
def no_profit_db(tmp_path_factory) -> Path:
    """40 customers over 2021-2026, orders without gross profit, amounts in US dollars."""
    folder = tmp_path_factory.mktemp("noprofit")
    lines = ["客户编号,工单日期,金额,门店"]
    for c in range(40):
        for visit in range(1 + c % 5):
            lines.append(
                f"C{c:03d},{2021 + visit}-{1 + c % 9:02d}-{10 + c % 9},{200 + 37 * c + 11 * visit},S{c % 2}"
            )
    orders = folder / "orders.csv"
    orders.write_text("\n".join(lines) + "\n")
    db = folder / "dealer.duckdb"
    run_import(
        [Source("orders", orders)],
        db,
        ImportOptions(today=date(2026, 12, 1), default_margin=0.3, currency="USD"),
    )
    return db


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_with_profit_or_clv_discloses_the_assumed_margin(no_profit_db, page):
    at = run_app(no_profit_db, f"app_pages/{page}.py")
    assert sum(c.startswith(CAPTION_EN) for c in captions(at)) == 1
    at = run_app(no_profit_db, f"app_pages/{page}.py", lang="zh")
    assert sum(c.startswith(CAPTION_ZH) for c in captions(at)) == 1


def test_the_overview_shows_the_currency_and_the_dcf_margin_follows(no_profit_db):
    at = run_app(no_profit_db, "app_pages/overview.py")
    # Every amount of the data is in dollars: none is shown as yuan.
    values = metric_values(at)
    assert values["Total CLV"].startswith("$") and values["Gross profit, last 12 months"].startswith("$")
    assert at.slider(key="dcf_margin").value == 0.30


def test_data_with_its_own_profit_discloses_nothing(sample_db_path):
    at = run_app(sample_db_path, "app_pages/overview.py")
    assert not any("assumed to be" in c for c in captions(at))
    assert at.slider(key="dcf_margin").value == 0.40  # SPEC's DCF example margin
    assert metric_values(at)["Total CLV"].startswith("¥")


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "The database file set in CLV_DB was not found"),
        ("zh", "找不到 CLV_DB 指定的数据库文件"),
    ],
)
def test_a_missing_clv_db_is_said_and_no_demo_is_built_there(tmp_path, lang, text):
    missing = tmp_path / "dealer.duckdb"
    at = run_app(missing, lang=lang)  # CLV_DB goes back after the test (tests.helpers.use_db)
    assert [e.value for e in at.error] and text in at.error[0].value
    assert str(missing) in at.error[0].value
    assert not missing.exists()
    assert not at.metric  # no page was drawn


def test_the_import_page_takes_a_second_xlsx_file_and_a_currency(writable_db_path):
    at = run_app(writable_db_path, "app_pages/import_data.py")
    orders = "客户编号,工单日期,金额\nK1,2024-03-01,100\nK2,2024-03-02,50\n".encode()
    at.file_uploader(key="imp_orders").set_value(("orders.csv", orders, "text/csv")).run()
    book = openpyxl.Workbook()
    book.active.append(["客户编号", "客户姓名", "手机"])
    book.active.append(["K1", "王伟", "13800138000"])
    path = writable_db_path.parent / "customers.xlsx"
    book.save(path)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="imp_more").set_value([("customers.xlsx", path.read_bytes(), xlsx)]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="imp_kind_more0.en").value == "customers"
    assert at.text_input(key="imp_currency").value == "CNY"
    at.text_input(key="imp_currency").set_value("eur").run()
    at.button(key="imp_check").click().run()
    assert not at.exception, [e.message for e in at.exception]  # it raised ResourceInUseException
    assert metric_values(at)["Clean rows"] == "3"
    at.button(key="imp_import").click().run()
    at.button(key="imp_confirm_replace").click().run()  # replacing data asks first
    assert not at.exception, [e.message for e in at.exception]
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(writable_db_path)])
    assert con.execute("SELECT value FROM d.meta WHERE key = 'currency'").fetchall() == [("EUR",)]
    assert con.execute("SELECT customer_id, name FROM d.customers ORDER BY 1").fetchall() == [
        ("K1", "王伟"),
        ("K2", None),
    ]
    con.close()
    at.switch_page("app_pages/overview.py").run()
    assert metric_values(at)["Total CLV"].startswith("€")


# What a page draws, every string: texts, labels, helps, table headers and column formats, and a
# chart's every string (hover templates and axis titles too).
YUAN = re.compile(r"¥|(?<!单)元|CNY|RMB")  # 元 the yuan, not 单元 (a cell)
# The published reference cases are in yuan whatever the data's currency (SPEC's worked examples).
REFERENCE = ("Reference case", "reference case", "参考案例", "no published worked case", "没有公开的算例")


def drawn_strings(at) -> list[str]:
    found = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if getattr(node, "type", "") == "plotly_chart":
            found += list(_strings(json.loads(proto.spec)))
            continue
        if getattr(node, "type", "") in ("arrow_data_frame", "dataframe"):
            found += [str(c) for c in node.value.columns]
            found.append(str(getattr(proto, "columns", "")))
            continue
        for attr in ("value", "label", "body", "help", "placeholder", "options"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "page", sorted(p.stem for p in (Path(__file__).parent.parent / "app_pages").glob("*.py"))
)
def test_no_page_shows_dollar_data_as_yuan(no_profit_db, page, lang):
    # The data are in US dollars (CLV_DB's meta says USD): every amount, unit label, axis and
    # hover is in dollars; only the published reference cases keep their yuan.
    at = run_app(no_profit_db, f"app_pages/{page}.py", lang=lang)
    if page == "lookup":  # a customer's history chart (its hover names the money)
        at.text_input(key="lookup_query").input("C004").run()
    shown = [s for s in drawn_strings(at) if YUAN.search(s) and not any(r in s for r in REFERENCE)]
    assert not shown, shown
