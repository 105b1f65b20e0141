"""Earlier versions of the database: kept on every replace import, pruned to N, restorable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cli import versions as cli_versions
from clv_engine import access
from clv_engine import imports as importer
from clv_engine.db import Database
from clv_engine.imports import swap, versions

HEADER = "order_id,customer_id,order_date,revenue,gross_profit\n"


def orders_file(tmp_path: Path, n: int) -> Path:
    """Import number ``n``: n+1 customers, 2n+1 orders, dates 2024-01-01 .. 2024-01-(2n+1)."""
    lines = [
        f"O{n}_{i},C{i % (n + 1)},2024-01-{i + 1:02d},{100 * (i + 1)},{30 * (i + 1)}"
        for i in range(2 * n + 1)
    ]
    path = tmp_path / f"orders_{n}.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", "utf-8")
    return path


def do_import(tmp_path: Path, db: Path, n: int, actor: str = "boss@example.com", keep: int | None = None):
    options = importer.ImportOptions(mode="replace", today=date(2025, 1, 1), actor=actor, keep_versions=keep)
    return importer.run_import([importer.Source("orders", orders_file(tmp_path, n))], db, options)


def query(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(db)])
        con.execute("USE d")
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


ORDERS_SQL = "SELECT order_id, customer_id, order_date, revenue FROM orders ORDER BY order_id"


def test_three_imports_then_restore_the_first(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    first_orders = query(db, ORDERS_SQL)
    # Independent expectation: import 1 wrote orders O1_0..O1_2 of customers C0, C1.
    assert [r[0] for r in first_orders] == ["O1_0", "O1_1", "O1_2"]
    do_import(tmp_path, db, 2)
    do_import(tmp_path, db, 3)
    # Versions: the file of import 1 (replaced by import 2) and of import 2 (replaced by 3).
    kept = versions.list_versions(db)
    assert [(v.orders, v.customers) for v in kept] == [(5, 3), (3, 2)]
    assert kept[1].first_order == "2024-01-01" and kept[1].last_order == "2024-01-03"
    assert all(v.saved_by == "boss@example.com" and v.reason == "import" for v in kept)

    restored_from = kept[1].name
    put_aside = versions.restore(db, restored_from, actor="boss@example.com")
    assert query(db, ORDERS_SQL) == first_orders
    assert query(db, "SELECT count(*) FROM customers") == [(2,)]
    # The file of import 3 is now a version itself.
    assert put_aside is not None and put_aside.orders == 7 and put_aside.reason == "restore"
    assert versions.list_versions(db)[0].name == put_aside.name
    # The restore is in the audit log, with who and which version.
    rows = query(db, "SELECT actor, details FROM audit_log WHERE action = 'restore'")
    assert len(rows) == 1 and rows[0][0] == "boss@example.com"
    assert json.loads(rows[0][1])["version"] == restored_from


def test_restore_keeps_users_and_the_audit_trail(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    do_import(tmp_path, db, 2)
    database = Database(db)
    access.save_user(database, "anna@example.com", "Anna", access.DIRECTOR, actor="boss@example.com")
    access.audit(database, "boss@example.com", "import", {"note": "after the version was kept"})
    database.close()
    versions.restore(db, versions.list_versions(db)[0].name, actor="anna@example.com")
    # Users and the audit trail come from the current file, not from the old version.
    assert query(db, "SELECT login FROM users") == [("anna@example.com",)]
    actions = [r[0] for r in query(db, "SELECT action FROM audit_log ORDER BY logged_at")]
    assert actions == ["user_change", "import", "restore"]


def test_pruning_keeps_exactly_n(tmp_path):
    db = tmp_path / "clv.duckdb"
    for n in range(1, 6):
        do_import(tmp_path, db, n, keep=2)
    kept = versions.list_versions(db)
    # Five imports replaced four files; the newest two remain: those of imports 4 and 3.
    assert [v.orders for v in kept] == [2 * 4 + 1, 2 * 3 + 1]
    files = sorted(p.name for p in versions.folder(db).glob("*.duckdb"))
    assert files == sorted(v.name for v in kept)


def test_keep_count_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(versions.KEEP_ENV, "3")
    db = tmp_path / "clv.duckdb"
    for n in range(1, 6):
        do_import(tmp_path, db, n)
    assert len(versions.list_versions(db)) == 3
    monkeypatch.delenv(versions.KEEP_ENV)
    assert versions.keep_count() == versions.DEFAULT_KEEP == 5


def test_append_keeps_no_version(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    options = importer.ImportOptions(mode="append", today=date(2025, 1, 1))
    importer.run_import([importer.Source("orders", orders_file(tmp_path, 2))], db, options)
    assert versions.list_versions(db) == []


def state(db: Path) -> tuple:
    return (
        db.read_bytes(),
        sorted(p.name for p in versions.folder(db).iterdir()),
        (versions.folder(db) / versions.MANIFEST).read_text("utf-8"),
    )


@pytest.mark.parametrize("damage", ["missing", "corrupt", "unknown"])
def test_bad_version_changes_nothing(tmp_path, damage):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    do_import(tmp_path, db, 2)
    name = versions.list_versions(db)[0].name
    if damage == "missing":
        (versions.folder(db) / name).unlink()
    elif damage == "corrupt":
        (versions.folder(db) / name).write_bytes(b"not a database" * 100)
    else:
        name = "20990101T000000_99.duckdb"
    before = state(db)
    with pytest.raises(versions.VersionError) as raised:
        versions.restore(db, name, actor="boss@example.com")
    assert raised.value.name == damage and name in str(raised.value)
    assert state(db) == before
    assert query(db, "SELECT count(*) FROM orders") == [(5,)]
    assert query(db, "SELECT count(*) FROM audit_log WHERE action = 'restore'") == [(0,)]


def test_first_import_keeps_nothing(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    assert versions.list_versions(db) == []


def test_restore_waits_for_no_import(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    do_import(tmp_path, db, 2)
    name = versions.list_versions(db)[0].name
    with swap.import_lock(db):  # an import of the same file is running
        with pytest.raises(importer.ImportBusy):
            versions.restore(db, name, actor="boss@example.com")
    assert query(db, "SELECT count(*) FROM orders") == [(5,)]


def test_manifest_is_as_private_as_the_database(tmp_path):
    db = tmp_path / "clv.duckdb"
    do_import(tmp_path, db, 1)
    db.chmod(0o600)
    do_import(tmp_path, db, 2)
    assert (versions.folder(db) / versions.MANIFEST).stat().st_mode & 0o777 == 0o600


def test_command_line_lists_and_restores(tmp_path, capsys):
    db = tmp_path / "clv.duckdb"
    first = None
    for n in (1, 2):
        do_import(tmp_path, db, n)
        first = first or query(db, ORDERS_SQL)
    name = versions.list_versions(db)[0].name
    assert cli_versions.main(["--db", str(db), "list"]) == 0
    assert f"{name}  put aside" in capsys.readouterr().out
    assert cli_versions.main(["--db", str(db), "restore", "nope.duckdb"]) == 2
    assert cli_versions.main(["--db", str(db), "restore", name, "--actor", "ops@example.com"]) == 0
    assert query(db, ORDERS_SQL) == first
    assert query(db, "SELECT actor FROM audit_log WHERE action = 'restore'") == [("ops@example.com",)]
