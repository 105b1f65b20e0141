"""A store manager of one store, on every page, finds no customer of another store.

It checks every table each page draws, and a lookup by another store's customer id and VIN.
The scope is enforced in every engine query (clv_engine/scope.py): tests/test_scope.py checks
the engine, tests/test_scope_pages.py every page's whole output, deep links and downloads.
"""

from __future__ import annotations

import pytest

from clv_engine import access
from clv_engine.db import Database
from tests.test_page_users import app_with_login

PAGES = [
    "overview",
    "segmentation",
    "churn",
    "lookup",
    "kpi",
    "model",
    "calculator",
    "allocator",
    "evaluator",
    "channels",
]
MANAGER = {"is_logged_in": True, "email": "li@dealer.cn"}


@pytest.fixture(scope="module")
def manager_db(sample_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("scope") / "scope.duckdb"
    path.write_bytes(sample_db_path.read_bytes())
    db = Database(path)
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", ["S02"])
    others = db.query_df("SELECT customer_id, vin FROM customers WHERE home_store_id <> 'S02'")
    db.close()
    return path, set(others["customer_id"]) | set(others["vin"].dropna()), others.iloc[0]


def other_store_cells(at, others: set[str]) -> set[str]:
    found: set[str] = set()
    for frame in at.dataframe:
        for column in frame.value.columns:
            found |= {str(v) for v in frame.value[column].dropna().unique()} & others
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_customer_of_another_store(manager_db, page):
    path, others, _ = manager_db
    at = app_with_login(path, MANAGER, page=f"app_pages/{page}.py")
    assert at.session_state["_context"].store_ids == ("S02",)
    assert other_store_cells(at, others) == set()


def test_looking_up_another_stores_customer_finds_nothing(manager_db):
    path, _, other = manager_db
    at = app_with_login(path, MANAGER, page="app_pages/lookup.py")
    for query in (other["customer_id"], other["vin"]):
        at.text_input(key="lookup_query").set_value(query).run()
        assert not at.exception
        assert [w.value for w in at.warning] == [f"No customer matches \u201c{query}\u201d in this scope."]
        assert not at.metric
