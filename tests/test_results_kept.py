"""The results table with the call lists' returns kept per data version
(clv_engine.derived.lists, issue 14: no pass over fifty million orders on a first render),
against the way before: every member's outcome (results.member_outcomes, the EXISTS over the
orders) and the table of them (results.results_table, pandas), and the counts SQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import results
from clv_engine.db import Database
from clv_engine.derived import lists, store
from clv_engine.scope import ScopedDatabase
from tests.helpers import Table, make_db
from tests.test_derived import END, _orders


def _lists(rng, ids, stores, names=("L1", "L2", "L3")):
    calls, members, contact_rows = [], [], []
    for n, list_id in enumerate(names):
        issued = END - timedelta(days=int(rng.integers(0, 400)))
        window = int(rng.choice([30, 90, 180]))
        calls.append(
            (
                list_id,
                f"list {n}",
                issued,
                datetime(issued.year, issued.month, issued.day, 9),
                0.2,
                window,
                "score",
            )
        )
        for c in rng.choice(ids, int(rng.integers(1, len(ids))), replace=False):
            members.append(
                (list_id, str(c), stores[c], int(rng.integers(1, 8)), str(rng.choice(["high", "mid", "low"])),
                 bool(rng.random() < 0.3), float(rng.random()), 0.3,
                 float("nan") if rng.random() < 0.1 else float(rng.integers(0, 9_000)), 100.0, 50.0)
            )  # fmt: skip
            if rng.random() < 0.5:
                contact_rows.append(
                    (f"K{len(contact_rows):04d}", list_id, str(c), issued + timedelta(days=2), None, "call", None,
                     None, str(rng.choice(["reached", "booked", "unreachable"])), float(rng.integers(0, 500)))
                )  # fmt: skip
    return calls, members, contact_rows


def _database(path, seed: int) -> Database:
    rng = np.random.default_rng(seed)
    orders, people = _orders(seed=seed % 1000, customers=60)
    stores = {p[0]: p[2] for p in people}
    calls, members, contact_rows = _lists(rng, list(stores), stores)
    make_db(
        path,
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=Table(("customer_id", "name", "home_store_id", "channel", "purchase_date"), people),
        orders=orders,
        call_lists=calls,
        call_list_members=members,
        contacts=contact_rows,
    )
    assert cli.main([str(path)]) == 0
    store.forget()
    lists.forget()
    return Database(path)


def _before(db, list_ids) -> pd.DataFrame:
    """The table from every member's outcome (the pass over the orders), in pandas."""
    return results.results_table(results.member_outcomes(db, list_ids))


def _computed(db, list_ids) -> pd.DataFrame:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(lists, "returned", lambda db, ids: None)
        return results.results(db, list_ids)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9)
    assert a.attrs == b.attrs


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_kept_returns_give_the_same_table(tmp_path, seed):
    db = _database(tmp_path / "lists.duckdb", seed)
    try:
        for ids in (["L1"], ["L2"], ["L1", "L3"], None, ["nope"], ["L1", "nope"]):
            if ids is None or "nope" not in ids:
                assert lists.returned(db, ids or ["L1", "L2", "L3"]) is not None, ids
            got = results.results(db, ids)
            _same(got, _before(db, ids))
            _same(got, _computed(db, ids))
        # a store manager's scoped reader computes on their own members
        scoped = ScopedDatabase(db, ["S1"])
        assert lists.returned(scoped, ["L1"]) is None
        _same(results.results(scoped, ["L1"]), _before(scoped, ["L1"]))
    finally:
        db.close()


def test_a_list_issued_after_the_build_or_changed_orders_are_computed(tmp_path):
    db = _database(tmp_path / "lists.duckdb", 7)
    try:
        member = db.query_df("SELECT * FROM call_list_members WHERE list_id = 'L1' LIMIT 1")
        with db.write_transaction() as con:  # a new list since the build: its returns are not kept
            con.execute(
                "INSERT INTO call_lists VALUES ('L9', 'new', ?, ?, 0.2, 60, 'score')",
                [END - timedelta(days=40), datetime(2026, 5, 1, 9)],
            )
            con.execute(
                "INSERT INTO call_list_members SELECT * REPLACE ('L9' AS list_id) FROM call_list_members WHERE list_id = 'L1'"
            )
        assert lists.returned(db, ["L1"]) is not None
        assert lists.returned(db, ["L1", "L9"]) is None
        for ids in (["L9"], ["L1", "L9"], None):
            _same(results.results(db, ids), _before(db, ids))
        # a member added to a kept list: its hash differs, computed
        with db.write_transaction() as con:
            con.execute(
                "INSERT INTO call_list_members SELECT * REPLACE ('L2' AS list_id) FROM call_list_members "
                "WHERE list_id = 'L1' AND customer_id NOT IN (SELECT customer_id FROM call_list_members WHERE list_id = 'L2') LIMIT 1"
            )
        assert lists.returned(db, ["L1"]) is not None and lists.returned(db, ["L2"]) is None
        _same(results.results(db, ["L2"]), _before(db, ["L2"]))
        # an order in a member's window: the orders changed, nothing kept is read
        with db.write_transaction() as con:
            con.execute(
                "INSERT INTO orders (order_id, customer_id, order_date, store_id, revenue, gross_profit) "
                "VALUES ('NEW', ?, ?, 'S1', 100, 40)",
                [member["customer_id"].iloc[0], END],
            )
        store.forget()
        lists.forget()
        assert lists.returned(db, ["L1"]) is None
        for ids in (["L1"], None):
            _same(results.results(db, ids), _before(db, ids))
    finally:
        db.close()
        store.forget()
        lists.forget()


def test_no_list_no_table(tmp_path):
    orders, people = _orders(seed=5, customers=30)
    path = tmp_path / "none.duckdb"
    make_db(
        path,
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=Table(("customer_id", "name", "home_store_id", "channel", "purchase_date"), people),
        orders=orders,
    )
    assert cli.main([str(path)]) == 0
    db = Database(path)
    try:
        lists.forget()
        kept = lists.returned(db, ["L1"])  # the schema's empty lists: nothing to count
        assert kept is None or kept.empty
        _same(results.results(db, ["L1"]), _before(db, ["L1"]))
        _same(results.results(db, None), _before(db, None))
    finally:
        db.close()
        lists.forget()
