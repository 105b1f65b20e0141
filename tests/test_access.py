"""Roles, rights, store scope, users and the audit log (clv_engine.access)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import access
from clv_engine.access import AccessError, Viewer, effective_stores
from clv_engine.db import Database
from wording.errors import explain

# The rights as the issue states them, written out here rather than read from ROLE_RIGHTS:
# director: all stores, imports, scenarios, user admin (and so the audit log);
# store manager: their stores, read and export their own customers;
# analyst: read all, no import.  (Analysts export no customer list: personal data leaves
# the app only with someone answerable for a store or the group.)
EXPECTED = {
    "director": dict(
        sees_all_stores=True,
        can_import=True,
        can_admin_users=True,
        can_read_audit=True,
        can_export_customers=True,
        can_save_scenarios=True,
    ),
    "store_manager": dict(
        sees_all_stores=False,
        can_import=False,
        can_admin_users=False,
        can_read_audit=False,
        can_export_customers=True,
        can_save_scenarios=False,
    ),
    "analyst": dict(
        sees_all_stores=True,
        can_import=False,
        can_admin_users=False,
        can_read_audit=False,
        can_export_customers=False,
        can_save_scenarios=False,
    ),
}
RIGHTS = sorted(EXPECTED["director"])


def viewer_of(role: str) -> Viewer:
    return Viewer(
        login=f"{role}@x.cn",
        display_name=role,
        role=role,
        stores=("S01",) if role == "store_manager" else None,
    )


@pytest.mark.parametrize("role", access.ROLES)
@pytest.mark.parametrize("right", RIGHTS)
def test_every_right_of_every_role(role, right):
    assert getattr(viewer_of(role), right) is EXPECTED[role][right]


def test_the_three_roles_are_exactly_the_issues():
    assert set(access.ROLES) == set(EXPECTED)


def test_local_mode_is_one_user_with_every_right():
    local = access.local_viewer()
    assert local.local and local.stores is None
    assert all(getattr(local, right) for right in RIGHTS)


def test_require_refuses_what_the_role_lacks():
    access.require(viewer_of("director"), "import")
    with pytest.raises(AccessError) as refused:
        access.require(viewer_of("store_manager"), "import")
    assert (refused.value.code, refused.value.details["right"]) == ("access.refused", "import")
    with pytest.raises(AccessError) as refused:
        access.require(viewer_of("analyst"), "admin_users")
    assert (refused.value.code, refused.value.details["right"]) == ("access.refused", "admin_users")
    assert explain(refused.value, "en") == "the analyst role may not do this (admin_users)"


# -- scope ------------------------------------------------------------------------------
def test_a_store_manager_asking_for_another_store_gets_nothing_of_it():
    manager = viewer_of("store_manager")
    assert manager.scope(["S02"]) == ()
    assert manager.scope(["S02", "S01"]) == ("S01",)
    assert manager.scope(None) == ("S01",)  # "all stores" means all of theirs


def test_a_director_gets_what_they_ask_for():
    director = viewer_of("director")
    assert director.scope(None) is None
    assert director.scope(["S03", "S01"]) == ("S03", "S01")


STORES = st.lists(st.sampled_from([f"S{i:02d}" for i in range(1, 9)]), max_size=8)


@settings(max_examples=150, deadline=None)
@given(requested=st.none() | STORES, allowed=st.none() | STORES.filter(bool))
def test_scope_never_widens(requested, allowed):
    result = effective_stores(requested, allowed)
    if allowed is None:
        assert result == (None if requested is None else tuple(dict.fromkeys(requested)))
        return
    # Brute force: each store is in the result iff it was asked for (or all were) and allowed.
    assert result is not None
    for store in {f"S{i:02d}" for i in range(1, 9)}:
        expected = store in allowed and (requested is None or store in requested)
        assert (store in result) is expected
    assert len(result) == len(set(result))


def test_the_scope_cuts_customer_values_to_the_managers_store(sample_db_path):
    from clv_engine import clv

    db = Database(sample_db_path)
    manager = viewer_of("store_manager")
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    values = clv.customer_values(db, as_of, list(manager.scope(["S01", "S02"])), clv.CLVParams())
    # The scope is the customer's home store: every row is S01's, and all of S01's are there.
    assert set(values["home_store_id"]) == {"S01"}
    everyone = clv.customer_values(db, as_of, None, clv.CLVParams())
    assert len(values) == (everyone["home_store_id"] == "S01").sum() > 0
    db.close()


# -- users ------------------------------------------------------------------------------
def rows(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_users_are_saved_found_changed_and_removed(writable_db_path):
    db = Database(writable_db_path)
    access.save_user(db, "  Boss@Dealer.CN ", "Wang Fang", "director", actor="local")
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", ["S02", "S01"], actor="boss@dealer.cn")
    boss = access.find_viewer(db, "BOSS@dealer.cn")
    assert boss == Viewer("boss@dealer.cn", "Wang Fang", "director", None)
    li = access.find_viewer(db, "li@dealer.cn")
    assert li.role == "store_manager" and li.stores == ("S01", "S02")
    assert access.find_viewer(db, "stranger@dealer.cn") is None
    assert access.find_viewer(db, "") is None

    access.save_user(db, "li@dealer.cn", "Li Lei", "analyst", ["S01"], actor="boss@dealer.cn")
    li = access.find_viewer(db, "li@dealer.cn")
    assert li.role == "analyst" and li.stores is None  # an analyst sees every store
    assert list(access.list_users(db)["login"]) == ["boss@dealer.cn", "li@dealer.cn"]

    assert access.delete_user(db, "li@dealer.cn", actor="boss@dealer.cn")
    assert not access.delete_user(db, "li@dealer.cn", actor="boss@dealer.cn")
    with pytest.raises(AccessError) as last:
        access.delete_user(db, "boss@dealer.cn")
    assert explain(last.value, "en") == "the last director cannot be removed"
    db.close()
    # On disk when the calls return.
    assert rows(writable_db_path, "SELECT login, role FROM users") == [("boss@dealer.cn", "director")]


@pytest.mark.parametrize(
    "args, field",
    [
        (("", "x", "director", None), "login"),
        (("a b@x.cn", "x", "director", None), "login"),
        (("local", "x", "director", None), "login"),
        (("a@x.cn", "x", "owner", None), "role"),
        (("a@x.cn", "x", "store_manager", []), "stores"),
        (("a@x.cn", "x", "store_manager", ["S99"]), "stores"),
        (("a@x.cn", "x" * 201, "director", None), "display_name"),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(writable_db_path, args, field):
    db = Database(writable_db_path)
    with pytest.raises(AccessError) as bad:
        access.save_user(db, *args)
    assert bad.value.details["field"] == field
    assert access.list_users(db).empty  # nothing half-written
    db.close()


def test_user_changes_are_audited_with_before_and_after(writable_db_path):
    db = Database(writable_db_path)
    access.save_user(db, "li@dealer.cn", "Li", "store_manager", ["S01"], actor="boss@dealer.cn")
    access.save_user(db, "li@dealer.cn", "Li", "store_manager", ["S03"], actor="boss@dealer.cn")
    log = access.audit_log(db)
    assert list(log["action"]) == ["user_change", "user_change"]
    assert set(log["actor"]) == {"boss@dealer.cn"}
    details = [json.loads(d) for d in log["details"]]
    changed = next(d for d in details if d["change"] == "changed")
    assert changed["stores_before"] == ["S01"] and changed["stores"] == ["S03"]
    db.close()


def test_audit_entries_are_appended_and_read_newest_first(writable_db_path):
    db = Database(writable_db_path)
    assert access.audit_log(db).empty
    access.audit(db, "boss@dealer.cn", "import", {"orders": 10})
    access.audit(db, "li@dealer.cn", "export_customers", {"rows": 3, "stores": ["S01"]})
    with pytest.raises(AccessError) as bad:
        access.audit(db, "x", "coffee")
    assert bad.value.details["field"] == "action"
    log = access.audit_log(db)
    assert len(log) == 2
    assert list(access.audit_log(db, action="import")["actor"]) == ["boss@dealer.cn"]
    assert json.loads(access.audit_log(db, action="export_customers")["details"][0]) == {
        "rows": 3,
        "stores": ["S01"],
    }
    db.close()


def test_an_import_that_replaces_the_data_keeps_users_and_the_audit_log(writable_db_path, tmp_path):
    from datetime import date

    from clv_engine.imports import ImportOptions, Source, run_import

    db = Database(writable_db_path)
    access.save_user(db, "boss@dealer.cn", "Boss", "director")
    db.close()
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,revenue\nO1,K1,2024-03-01,100\n")
    run_import([Source("orders", path)], writable_db_path, ImportOptions(today=date(2025, 1, 1)))
    assert rows(writable_db_path, "SELECT login, role FROM users") == [("boss@dealer.cn", "director")]
    assert rows(writable_db_path, "SELECT count(*) FROM audit_log") == [(1,)]


def test_command_line_adds_the_first_director(writable_db_path, capsys):
    from cli.users import main

    assert main(["--db", str(writable_db_path), "add", "Boss@Dealer.cn", "--role", "director"]) == 0
    assert main(["--db", str(writable_db_path), "add", "x@y.cn", "--role", "store_manager"]) == 2
    said = capsys.readouterr().err
    assert "stores:" in said and "a store manager needs at least one store" in said
    assert rows(writable_db_path, "SELECT login, role, stores FROM users") == [
        ("boss@dealer.cn", "director", None)
    ]
