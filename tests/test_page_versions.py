"""AppTest: the Import page's "Earlier versions" section — list, confirm with before/after,
restore, a bad version refused; directors only."""

from __future__ import annotations

import json

import pytest

from clv_engine import access
from clv_engine.db import Database
from clv_engine.imports import versions
from tests.helpers import run_app
from tests.test_page_users import app_with_login
from tests.test_versions import ORDERS_SQL, do_import, query
from wording import CATALOGUE

PAGE = "app_pages/import_data.py"


@pytest.fixture()
def three_imports(tmp_path):
    """A database imported three times (1, 2, 3): versions 1 and 2 hold imports 1 and 2."""
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1, actor="local")
    first = query(db, ORDERS_SQL)
    do_import(tmp_path, db, 2, actor="local")
    do_import(tmp_path, db, 3, actor="local")
    return db, first


def frame(at, column: str):
    """The table drawn with ``column`` (AppTest does not report a dataframe's key)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, column
    return found[0]


def has_frame(at, column: str) -> bool:
    return any(column in d.value.columns for d in at.dataframe)


def ok(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_restore_the_first_import_from_the_page(three_imports):
    db, first = three_imports
    at = run_app(db, PAGE)
    table = frame(at, "Put aside")
    # Independently: import 1 had 2 customers / 3 orders, import 2 had 3 / 5.
    assert list(table["Version"]) == [2, 1]
    assert list(table["Orders"]) == ["5", "3"]
    assert list(table["Customers"]) == ["3", "2"]
    assert list(table["Order dates"]) == ["2024-01-01 – 2024-01-05", "2024-01-01 – 2024-01-03"]
    oldest = versions.list_versions(db)[-1].name
    at.selectbox(key="ver_pick").set_value(oldest).run()
    at.button(key="ver_restore").click().run()
    ok(at)
    before_after = frame(at, "After the restore")
    assert list(before_after["Now"]) == ["4", "7", "2024-01-01 – 2024-01-07"]
    assert list(before_after["After the restore"]) == ["2", "3", "2024-01-01 – 2024-01-03"]
    assert query(db, "SELECT count(*) FROM orders") == [(7,)]  # nothing changed before confirming
    at.button(key="ver_confirm").click().run()
    ok(at)
    assert query(db, ORDERS_SQL) == first
    assert any("Version 1 restored" in s.value for s in at.success)
    rows = query(db, "SELECT actor, details FROM audit_log WHERE action = 'restore'")
    assert [(r[0], json.loads(r[1])["version"]) for r in rows] == [("local", oldest)]
    # The data of import 3 is now the newest version.
    assert versions.list_versions(db)[0].orders == 7


def test_cancel_changes_nothing(three_imports):
    db, _ = three_imports
    at = run_app(db, PAGE)
    at.button(key="ver_restore").click().run()
    at.button(key="ver_cancel").click().run()
    ok(at)
    assert query(db, "SELECT count(*) FROM orders") == [(7,)]
    assert "ver_confirm" not in [b.key for b in at.button]


def test_a_corrupt_version_is_refused_with_a_clear_message(three_imports):
    db, _ = three_imports
    newest = versions.list_versions(db)[0].name
    at = run_app(db, PAGE, lang="zh")
    (versions.folder(db) / newest).write_bytes(b"broken" * 100)
    at.button(key="ver_restore").click().run()
    at.button(key="ver_confirm").click().run()
    ok(at)
    errors = [e.value.replace("\\", "") for e in at.error]  # markdown escapes undone
    assert any(f"版本 {newest} 无法作为数据库读取" in e for e in errors), errors
    assert not any(str(db.parent) in e for e in errors)  # no server path shown
    assert query(db, "SELECT count(*) FROM orders") == [(7,)]


def test_chinese_section_has_no_english(three_imports):
    db, _ = three_imports
    at = run_app(db, PAGE, lang="zh")
    english = {en for key, (en, zh) in CATALOGUE.items() if key.startswith("versions.") and en != zh}
    shown = [e.label for e in at.expander] + [str(c.value) for c in at.caption]
    shown += list(frame(at, "版本").columns)
    assert "历史版本：恢复" in shown
    assert not [s for s in shown if s in english]


def test_only_a_director_sees_the_section(three_imports):
    db, _ = three_imports
    database = Database(db)
    access.save_user(database, "boss@dealer.cn", "Wang", access.DIRECTOR)
    access.save_user(database, "ana@dealer.cn", "Ana", access.ANALYST)
    database.close()
    director = app_with_login(db, {"is_logged_in": True, "email": "boss@dealer.cn"}, page=PAGE)
    assert has_frame(director, "Put aside")
    analyst = app_with_login(db, {"is_logged_in": True, "email": "ana@dealer.cn"}, page=PAGE)
    assert not has_frame(analyst, "Put aside")
    assert "ver_restore" not in [b.key for b in analyst.button]


def test_before_any_replace_import_one_line_says_so(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1, actor="local")
    at = run_app(db, PAGE)
    ok(at)
    assert "No earlier version yet: one is kept when an import replaces the data." in [
        c.value for c in at.caption
    ]
    assert "Earlier versions: restore one" not in [e.label for e in at.expander]
