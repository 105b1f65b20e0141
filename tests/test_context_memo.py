"""The sidebar's per-process memos (issue 14: fixed costs of every run) give what computing
again gives, and follow a write or a store scope."""

from __future__ import annotations

from datetime import date

from clv_engine import clv
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase
from tests.helpers import make_db, run_app
from ui import context


def _context(db) -> context.Context:
    return context.Context(
        lang="en", db=db, as_of=date(2024, 1, 1), store_ids=None, clv_params=clv.CLVParams()
    )


def test_has_follows_a_write_and_the_scope(tmp_path):
    path = make_db(
        tmp_path / "m.duckdb",
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=[{"customer_id": "A", "home_store_id": "S1"}],
    )
    db = Database(path)
    try:
        ctx = _context(db)
        assert ctx.has("customers") and ctx.has("stores") and not ctx.has("complaints")
        # Another store's manager sees no customer: the scope is part of the key.
        assert not _context(ScopedDatabase(db, ["S2"])).has("customers")
        assert _context(ScopedDatabase(db, ["S1"])).has("customers")
        with db.write_transaction() as con:
            con.execute("DELETE FROM customers")
        assert not ctx.has("customers")  # the write made a new data version
        # Brute force: every answer is what counting the rows says now.
        for table in ("customers", "stores", "complaints"):
            assert ctx.has(table) == (db.query_value(f"SELECT count(*) FROM {table}") > 0)
    finally:
        db.close()


def test_store_labels_are_name_and_region_and_follow_a_write(tmp_path):
    path = make_db(
        tmp_path / "l.duckdb", stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")]
    )
    db = Database(path)
    try:
        assert context.store_labels(db) == {"S1": "One · East", "S2": "Two · West"}
        with db.write_transaction() as con:
            con.execute("UPDATE stores SET name = 'Uno' WHERE store_id = 'S1'")
        assert context.store_labels(db) == {"S1": "Uno · East", "S2": "Two · West"}
    finally:
        db.close()


def test_memos_stay_small():
    memo: dict = {}
    for i in range(40):
        context._remember(memo, (i,), i, size=5)
    assert len(memo) == 5 and list(memo) == [(i,) for i in range(35, 40)]


def test_pages_rerun_with_the_memos_as_before(sample_db_path):
    """A rerun, with the spinner left out for work already done, draws what the first run drew."""
    at = run_app(sample_db_path, "app_pages/kpi.py")
    first = [m.value for m in at.metric]
    assert first
    at.run()
    assert not at.exception
    assert [m.value for m in at.metric] == first
    db = Database(sample_db_path)  # the app's reader settings: one file, one configuration
    try:
        stores = db.query_df("SELECT name || ' · ' || region AS label FROM stores ORDER BY store_id")
    finally:
        db.close()
    expected = list(stores["label"])
    assert list(at.sidebar.multiselect[0].options) == expected


def test_a_pages_spinner_only_the_first_time_its_work_is_met(monkeypatch):
    """ui.context.spinner_unless_done: st.spinner the first time a key is met in the process,
    none after (the work is a cache lookup then), again for another key."""
    from contextlib import contextmanager

    shown = []

    @contextmanager
    def spinner(text):
        shown.append(text)
        yield

    monkeypatch.setattr(context.st, "spinner", spinner)
    monkeypatch.setattr(context, "_PAGE_WORK_DONE", {})
    ran = []
    for key in [("kpi", 1), ("kpi", 1), ("kpi", 2), ("kpi", 1)]:
        with context.spinner_unless_done(key, f"computing {key[1]}"):
            ran.append(key)
    assert ran == [("kpi", 1), ("kpi", 1), ("kpi", 2), ("kpi", 1)]  # the work always runs
    assert shown == ["computing 1", "computing 2"]
