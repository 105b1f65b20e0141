"""CRM contacts through the main importer: the same file, row and column checks as orders,
outcomes and channels in English or Chinese, matched to the call list, kept on a replace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from clv_engine import contacts
from clv_engine.db import Database
from clv_engine.imports import ImportOptions, Source, check_import, run_import
from clv_engine.imports.fields import guess_kind
from wording import imports as wi

TODAY = date(2026, 12, 1)
OPTIONS = ImportOptions(today=TODAY)
ORDERS = "order_id,customer_id,order_date,revenue,gross_profit,store_id\n" + "".join(
    f"O{i},C{i},2026-01-0{i},1000,400,S1\n" for i in range(1, 5)
)
HEADER = "客户编号,联系日期,渠道,结果,负责人,成本\n"
GOOD = (
    "C1,2026-03-05,电话,已接通,王经理,50\n"  # row 2
    "C2,2026-03-06,微信,已预约,李顾问,10\n"  # row 3
    "C3,2026-03-07,visit,Came back,Wang,800\n"  # row 4
    "C4,2026-02-01,电话,未接通,王经理,5\n"
)  # row 5: before the list was issued
BAD = (
    "C3,2026-03-07,电话,maybe,王经理,20\n"  # row 6: unknown outcome
    "C9,2026-03-07,电话,拒绝,王经理,20\n"  # row 7: unknown customer
    "C1,2027-01-05,电话,未接通,王经理,0\n"  # row 8: future date
    "C2,not a date,电话,拒绝,王经理,0\n"  # row 9: not a date
    "C3,2026-03-08,飞鸽传书,拒绝,王经理,0\n"  # row 10: unknown channel
    "C4,2026-03-09,电话,拒绝,王经理,-5\n"  # row 11: negative cost
    "C4,2026-03-09,电话,,王经理,5\n"
)  # row 12: outcome missing


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def sources(tmp_path: Path, body: str) -> list[Source]:
    return [
        Source("orders", write(tmp_path / "orders.csv", ORDERS)),
        Source("contacts", write(tmp_path / "crm.csv", HEADER + body)),
    ]


def listed(report) -> list[tuple[int, str, str]]:
    table = wi.problem_table(report, "en")
    return sorted(zip(table["Row"].tolist(), table["Column"].tolist(), report.problems["code"].tolist()))


def test_every_bad_row_named_with_file_row_and_column(tmp_path):
    report = check_import(sources(tmp_path, GOOD + BAD), options=OPTIONS)
    assert listed(report) == [
        (6, "结果", "bad_outcome"),
        (7, "客户编号", "unknown_customer"),
        (8, "联系日期", "future_date"),
        (9, "联系日期", "bad_date"),
        (10, "渠道", "bad_channel"),
        (11, "成本", "negative_value"),
        (12, "结果", "missing_value"),
    ]
    table = wi.problem_table(report, "en")
    assert set(table["File"]) == {"crm.csv"}
    assert "“maybe” is not a contact outcome" in table["Problem"].iloc[0]
    zh = wi.problem_table(report, "zh")
    assert "“飞鸽传书”不是联系渠道" in " ".join(zh.iloc[:, 4])
    assert report.rejected_rows == 7


def _stored(path: Path) -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(path)])
    try:
        return con.execute("SELECT * FROM d.contacts ORDER BY customer_id, contact_date").df()
    finally:
        con.close()


def test_contacts_imported_matched_to_the_list_and_kept_on_replace(tmp_path):
    path = tmp_path / "db.duckdb"
    run_import([Source("orders", write(tmp_path / "orders.csv", ORDERS))], path, OPTIONS)
    db = Database(path)
    ranked = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4"],
            "home_store_id": "S1",
            "level": ["high", "mid", "low", "high"],
            "p_churn": 0.5,
            "success": 0.5,
            "clv": 10_000.0,
            "cost": 100.0,
            "expected_value": 2_400.0,
        }
    )
    list_id = contacts.issue_call_list(db, ranked, date(2026, 3, 1), "March", holdout_share=0.0)
    page = pd.DataFrame(
        {
            "contact_id": ["P1"],
            "customer_id": ["C4"],
            "contact_date": [date(2026, 3, 2)],
            "channel": ["call"],
            "outcome": ["declined"],
            "owner": ["Li"],
            "cost": [30.0],
        }
    )
    contacts.save_contacts(db, page, list_id)
    db.close()

    report = run_import(sources(tmp_path, GOOD + BAD), path, OPTIONS, accept_clean_rows=True)
    assert report.imported
    rows = _stored(path)
    # The page's contact survives the replace import; the four clean CRM rows are added.
    assert len(rows) == 5 and "P1" in set(rows["contact_id"])
    crm = rows[rows["contact_id"] != "P1"].set_index("customer_id")
    assert crm["outcome"].to_dict() == {
        "C1": "reached",
        "C2": "booked",
        "C3": "came_back",
        "C4": "unreachable",
    }
    assert crm["channel"].to_dict() == {"C1": "call", "C2": "message", "C3": "visit", "C4": "call"}
    assert crm["cost"].to_dict() == {"C1": 50.0, "C2": 10.0, "C3": 800.0, "C4": 5.0}
    assert crm["owner"].to_dict()["C2"] == "李顾问"
    # Contacts on or after the issue date belong to the list, with the member's level and store.
    assert crm["list_id"].fillna("none").to_dict() == {
        "C1": list_id,
        "C2": list_id,
        "C3": list_id,
        "C4": "none",
    }
    assert crm["intervention"].fillna("none").to_dict() == {
        "C1": "high",
        "C2": "mid",
        "C3": "low",
        "C4": "none",
    }
    assert crm.loc["C1", "store_id"] == "S1"

    # The same export again: its rows are already stored, skipped rather than a crash.
    again = run_import(sources(tmp_path, GOOD), path, OPTIONS)
    assert again.imported
    assert (again.problems["code"] == "already_stored").sum() == 4
    assert len(_stored(path)) == 5


def test_a_crm_export_is_recognised_as_contacts():
    assert guess_kind(HEADER.strip().split(",")) == "contacts"
    assert guess_kind(["customer_id", "contact_date", "channel", "outcome", "owner", "cost"]) == "contacts"
    # An appointments export (结果 is its status) is still an appointments file.
    assert guess_kind(["客户编号", "预约日期", "结果"]) == "appointments"
