"""Audit entries written by the app: imports and exports of customer lists."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb

from clv_engine import access
from clv_engine.db import Database
from tests.helpers import run_app
from ui.access import audited_export

DATA = Path(__file__).parent / "data" / "import"


def audit_rows(db_path: Path) -> list[tuple]:
    # A fresh in-memory connection: the app in this process may hold the file open.
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(db_path)])
        return con.execute("SELECT actor, action, details FROM d.audit_log ORDER BY logged_at").fetchall()
    finally:
        con.close()


def test_a_customer_list_is_logged_when_it_is_downloaded_not_before(writable_db_path):
    db = Database(writable_db_path)
    manager = access.Viewer("li@dealer.cn", "Li", "store_manager", ("S02",))
    ctx = SimpleNamespace(db=db, viewer=manager, store_ids=("S02",))
    produce = audited_export(ctx, "churn_call_list", 3, lambda: b"id\nC1\nC2\nC3\n")
    assert access.audit_log(db).empty  # drawing the button logs nothing
    assert produce() == b"id\nC1\nC2\nC3\n"
    log = access.audit_log(db)
    assert list(log["actor"]) == ["li@dealer.cn"] and list(log["action"]) == ["export_customers"]
    assert json.loads(log["details"][0]) == {"list": "churn_call_list", "rows": 3, "stores": ["S02"]}
    db.close()


def test_an_import_from_the_page_is_logged_with_what_came_in(writable_db_path):
    at = run_app(writable_db_path, "app_pages/import_data.py")
    data = (DATA / "orders_gbk.csv").read_bytes()
    at.file_uploader(key="imp_orders").set_value(("orders_gbk.csv", data, "text/csv")).run()
    at.button(key="imp_check").click().run()
    at.button(key="imp_import").click().run()
    at.button(key="imp_confirm_replace").click().run()  # replacing data asks first
    assert not at.exception
    [(actor, action, details)] = audit_rows(writable_db_path)
    assert (actor, action) == ("local", "import")
    details = json.loads(details)
    # The file has 7 data rows of 4 customers (tests/test_page_import.py reads the same file).
    assert details["mode"] == "replace"
    assert details["files"] == [{"kind": "orders", "name": "orders_gbk.csv", "rows": 7}]
    assert details["rows_after"]["orders"] == 7 and details["rows_after"]["customers"] == 4
    assert details["backup"] == Path(str(writable_db_path) + ".bak").name


def test_an_analyst_gets_no_customer_list_download(writable_db_path):
    from tests.test_page_users import app_with_login

    db = Database(writable_db_path)
    access.save_user(db, "ana@dealer.cn", "Ana", "analyst")
    access.save_user(db, "li@dealer.cn", "Li", "store_manager", ["S02"])
    db.close()
    for login, disabled in (("ana@dealer.cn", True), ("li@dealer.cn", False)):
        at = app_with_login(
            writable_db_path, {"is_logged_in": True, "email": login}, page="app_pages/churn.py"
        )
        buttons = [
            b for b in at.get("download_button") if b.proto.id.endswith(("churn_dl_csv", "churn_dl_xlsx"))
        ]
        assert len(buttons) == 2
        assert all(b.proto.disabled is disabled for b in buttons), login


# -- replacing data asks first ----------------------------------------------------------------
def test_replacing_the_data_shows_before_and_after_and_waits_for_confirmation(writable_db_path):
    from wording import t

    # Independent figures: the database as it is, and the file (7 orders of 4 customers,
    # dated as read straight from the file).
    con = duckdb.connect(str(writable_db_path), read_only=True)
    customers, orders, first, last = con.execute(
        "SELECT (SELECT count(*) FROM customers), count(*), min(order_date), max(order_date) FROM orders"
    ).fetchone()
    con.close()
    # The file's dates (mixed formats) run from 2024-01-05 to 2024-04-20.
    file_first, file_last = date(2024, 1, 5), date(2024, 4, 20)

    at = run_app(writable_db_path, "app_pages/import_data.py")
    at.file_uploader(key="imp_orders").set_value(
        ("orders_gbk.csv", (DATA / "orders_gbk.csv").read_bytes(), "text/csv")
    ).run()
    at.button(key="imp_check").click().run()
    at.button(key="imp_import").click().run()
    assert not at.exception
    # Nothing written yet: the page asks, showing what changes.
    assert audit_rows(writable_db_path) == []
    [table] = [d.value for d in at.dataframe if t("replace.now", "en") in d.value.columns]
    assert list(table[t("replace.now", "en")]) == [
        f"{customers:,}",
        f"{orders:,}",
        f"{first.isoformat()} – {last.isoformat()}",
    ]
    assert list(table[t("replace.after", "en")]) == [
        "4",
        "7",
        f"{file_first.isoformat()} – {file_last.isoformat()}",
    ]
    # Keeping the data changes nothing.
    at.button(key="imp_cancel_replace").click().run()
    assert not at.exception
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(writable_db_path)])
    assert con.execute("SELECT count(*) FROM d.orders").fetchone()[0] == orders
    con.close()
    # Asked again and confirmed, it replaces.
    at.button(key="imp_import").click().run()
    at.button(key="imp_confirm_replace").click().run()
    assert not at.exception
    [(_, action, details)] = audit_rows(writable_db_path)
    assert action == "import" and json.loads(details)["rows_after"]["orders"] == 7


def test_scenario_saves_and_deletions_are_audited_with_the_save(writable_db_path):
    from clv_engine import scenarios

    db = Database(writable_db_path)
    sid = scenarios.save_scenario(db, "allocator", "plan A", {"budget": 1}, actor="boss@dealer.cn")
    scenarios.save_scenario(db, "allocator", "plan A", {"budget": 2}, actor="boss@dealer.cn")
    assert scenarios.delete_scenario(db, sid, actor="boss@dealer.cn")
    scenarios.save_scenario(db, "allocator", "no actor", {"budget": 3})  # no login: no entry
    log = access.audit_log(db).iloc[::-1]  # oldest first
    assert list(log["action"]) == ["scenario_save", "scenario_save", "scenario_delete"]
    details = [json.loads(d) for d in log["details"]]
    assert [d.get("replaced") for d in details[:2]] == [False, True]
    assert {d["scenario_id"] for d in details} == {sid}
    db.close()


def test_saving_a_scenario_on_the_allocator_page_is_audited(writable_db_path):
    at = run_app(writable_db_path, "app_pages/allocator.py")
    at.text_input(key="al_scenario_name").set_value("plan B").run()
    save = [b for b in at.button if "save" in (b.key or "")]
    assert save, [b.key for b in at.button]
    save[0].click().run()
    assert not at.exception
    rows = [r for r in audit_rows(writable_db_path) if r[1] == "scenario_save"]
    assert len(rows) == 1 and rows[0][0] == "local" and json.loads(rows[0][2])["name"] == "plan B"


def test_only_a_director_may_save_a_scenario(writable_db_path):
    from tests.test_page_users import app_with_login

    db = Database(writable_db_path)
    access.save_user(db, "boss@dealer.cn", "Boss", "director")
    access.save_user(db, "li@dealer.cn", "Li", "store_manager", ["S02"])
    access.save_user(db, "ana@dealer.cn", "Ana", "analyst")
    db.close()
    for login, allowed in (("boss@dealer.cn", True), ("li@dealer.cn", False), ("ana@dealer.cn", False)):
        at = app_with_login(
            writable_db_path, {"is_logged_in": True, "email": login}, page="app_pages/allocator.py"
        )
        assert at.button(key="al_save").disabled is not allowed, login
