"""A store manager of ONE store, on every page, every deep link and every download, meets no
customer of another store.

Everything the server sends a page is scanned: each element's serialized message (text,
tables as Arrow bytes, options, labels, links) and the bytes of every download button
(deferred ones generated as a click would). Forbidden: the id, VIN and phone of every customer
of another store, and their names where no customer of the store has the same one.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from streamlit.elements.widgets import button as st_button
from streamlit.testing.v1 import AppTest

from clv_engine import access, scope
from clv_engine.db import Database
from tests.helpers import APP, ROOT
from tests.test_page_users import AUTH
from ui.context import reader_database

STORE = "S02"
MANAGER = {"is_logged_in": True, "email": "li@dealer.cn"}
DIRECTOR_ONLY = {"app_pages/users.py"}  # as app.py lists them
PAGES = sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))


@pytest.fixture(scope="module")
def world(pristine_db_bytes, tmp_path_factory):
    """A copy of the sample with Li Lei managing S02, and what of the other stores is forbidden."""
    path = tmp_path_factory.mktemp("scope_pages") / "scope.duckdb"
    path.write_bytes(pristine_db_bytes)
    db = Database(path)
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", [STORE])
    theirs = db.query_df(
        "SELECT customer_id, vin, phone, name FROM customers WHERE home_store_id <> ?", [STORE]
    )
    ours = db.query_df("SELECT customer_id, vin, phone, name FROM customers WHERE home_store_id = ?", [STORE])
    exact = set()
    for column in ("customer_id", "vin", "phone"):  # a masked phone may be shared: only theirs alone
        exact |= set(theirs[column].dropna().astype(str)) - set(ours[column].dropna().astype(str))
    # A name counts when no customer of the store has it, or has it inside their own name.
    our_names = [str(n) for n in ours["name"].dropna()]
    names = {
        str(n)
        for n in theirs["name"].dropna()
        if len(str(n)) >= 2 and not any(str(n) in o for o in our_names)
    }
    other = db.query_df(
        "SELECT customer_id, vin, name FROM customers WHERE home_store_id <> ? ORDER BY customer_id LIMIT 1",
        [STORE],
    ).iloc[0]
    db.close()
    return {
        "path": path,
        "exact": {e.encode() for e in exact},
        "names": {n.encode() for n in names},
        "other": other,
        "mine": set(ours["customer_id"]),
    }


@pytest.fixture()
def downloads(monkeypatch):
    """{file name: bytes} of every download button drawn, deferred ones generated now."""
    seen: dict[str, bytes] = {}
    real = st_button.marshall_file

    def capture(coordinates, data, proto, mimetype, file_name=None, **kw):
        content = data() if callable(data) else data
        if hasattr(content, "read"):
            content = content.read()
        seen[str(file_name or coordinates)] = content.encode() if isinstance(content, str) else bytes(content)
        return real(coordinates, data, proto, mimetype, file_name, **kw)

    monkeypatch.setattr(st_button, "marshall_file", capture)
    return seen


def manager_app(world, page: str, params: dict[str, str] | None = None) -> AppTest:
    os.environ["CLV_DB"] = str(world["path"])
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets.update(AUTH)
    at.user = MANAGER
    at.session_state["lang"] = "en"
    at.run()
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["_context"].store_ids == (STORE,)
    assert scope.scope_of(at.session_state["_context"].db) == (STORE,)
    return at


def _protos(node):
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield proto
    for child in getattr(node, "children", {}).values():
        yield from _protos(child)


def sent(at: AppTest) -> bytes:
    """Everything the page sent, as bytes (element messages, tables' Arrow data included)."""
    return b"\n".join(p.SerializeToString() for p in _protos(at._tree))


def leaks(world, data: bytes) -> set[str]:
    found = {e for e in world["exact"] if e in data} | {n for n in world["names"] if n in data}
    return {f.decode() for f in found}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_and_its_downloads_show_only_the_store(world, downloads, page):
    if page in DIRECTOR_ONLY:  # not even listed for a store manager: its address finds no page
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            manager_app(world, page)
        return
    at = manager_app(world, page)
    assert leaks(world, sent(at)) == set()
    for name, data in downloads.items():
        assert leaks(world, data) == set(), name


def test_the_scan_would_see_a_leak(world):
    # The same scan, on a director's overview of the lookup for another store's customer, finds it.
    os.environ["CLV_DB"] = str(world["path"])
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.query_params["lookup_query"] = world["other"]["customer_id"]
    at.switch_page("app_pages/lookup.py").run()
    assert not at.exception
    assert world["other"]["customer_id"] in leaks(world, sent(at))


def test_deep_links_to_another_stores_customer_find_nothing(world):
    other = world["other"]
    for text in (other["customer_id"], other["vin"], other["vin"][-6:], other["name"]):
        at = manager_app(world, "app_pages/lookup.py", {"lookup_query": text})
        # What the manager typed is echoed back ("No customer matches ..."): nothing else.
        assert leaks(world, sent(at)) - {text} == set(), text
        assert not at.metric or text == other["name"]  # a name may be shared with a customer of the store


def test_the_churn_lists_links_open_only_the_stores_customers(world):
    at = manager_app(world, "app_pages/churn.py")
    links = [
        str(v)
        for frame in at.dataframe
        for column in frame.value.columns
        for v in frame.value[column].dropna()
        if str(v).startswith("lookup?lookup_query=")
    ]
    assert links, "the churn list links its customers to the lookup"
    for link in links[:3]:
        customer = link.split("=", 1)[1]
        assert customer in {quote(c, safe="") for c in world["mine"]}
        opened = manager_app(world, "app_pages/lookup.py", {"lookup_query": customer})
        assert opened.metric and leaks(world, sent(opened)) == set()


def test_a_referral_to_another_store_is_counted_not_named(world):
    db = Database(world["path"])
    referrer = db.query_value(
        "SELECT r.referrer_id FROM referrals r JOIN customers a ON a.customer_id = r.referrer_id "
        "JOIN customers b ON b.customer_id = r.referred_id WHERE a.home_store_id = ? AND b.home_store_id <> ? "
        "AND r.referral_date <= (SELECT max(order_date) FROM orders) ORDER BY r.referrer_id LIMIT 1",
        [STORE, STORE],
    )
    db.close()
    at = manager_app(world, "app_pages/lookup.py", {"lookup_query": referrer})
    assert any("outside your scope" in c.value for c in at.caption)
    assert leaks(world, sent(at)) == set()


def test_asking_for_other_stores_gives_an_empty_scope_not_every_store(world):
    db = Database(world["path"])
    li = access.find_viewer(db, "li@dealer.cn")
    assert li.scope(("S01",)) == ()
    nobody = reader_database(db, li, li.scope(("S01",)))
    assert nobody.query_value("SELECT count(*) FROM customers") == 0
    assert reader_database(db, li, li.scope(None)).query_value("SELECT count(*) FROM customers") == len(
        world["mine"]
    )
    db.close()
