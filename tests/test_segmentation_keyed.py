"""Issue 14 (segmentation at a million customers): the page's frame by integer key.

For the whole group on a date whose facts and values are kept (``derived_segments`` with its
``cust_key``, ``derived_values``), the segmentation page reads no text id of its million
customers: scores, CLV, tiers, breakdowns and the migration come from the keyed frame, and the
ids and names of the few rows listed are looked up. Everything here is compared with the method
it replaces, kept in the test: the scoring with text ids (``score_customers``) merged on the
customer id to ``clv.customer_values``, the six groups on that, the migration of those frames
(``seg.migration``), on the sample and on random small databases built with every derived
table. The keys are turned into ids by the test's own query of ``derived_values``.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.derived import segments
from clv_engine.derived.build import build
from clv_engine.scope import ScopedDatabase
from tests.test_derived_dates import _make
from ui import queries

EDITED = seg.RfmlRules(recency_days=(20, 60, 200, 400), visits=(2, 3, 5, 8), platinum_min=17, gold_min=13)
CASES = [("rfml", seg.RfmlRules()), ("rfml", EDITED), ("six", seg.RfmlRules()), ("six", EDITED)]
PARAMS = clv.CLVParams()
SIX = seg.SixGroupRules()
COMPARED = [
    "home_store_id",
    "region",
    "recency_days",
    "freq_12m",
    "spend_12m",
    "r",
    "f",
    "m",
    "l",
    "total",
    "tier",
    *seg.FLAG_TABLES,
    "gp_12m",
    "clv",
]


def _clear() -> None:
    for query in (
        queries._seg_frame,
        queries._seg_base,
        queries._seg_scores,
        queries._seg_keyed_scores,
        queries._seg_keyed_base,
        queries._seg_breakdowns,
        queries.seg_migration,
    ):
        query.clear()


def old_frame(db, day: date, scheme: str, rules: seg.RfmlRules) -> pd.DataFrame:
    """The method replaced: the scores with text ids merged on the id to the values."""
    frame = seg.with_values(
        seg.score_customers(db, day, None, rules), clv.customer_values(db, day, None, PARAMS)
    )
    return seg.six_groups(frame, SIX) if scheme == "six" else frame


def ids_of(db, day: date) -> pd.Series:
    """customer_id by cust_key as the derived build numbered them (the test's own query)."""
    frame = db.query_df("SELECT cust_key, customer_id FROM derived_values WHERE as_of = ?", [day])
    return frame.set_index("cust_key")["customer_id"]


def assert_same_frame(keyed: pd.DataFrame, old: pd.DataFrame, ids: pd.Series, scheme: str) -> None:
    assert seg.is_keyed(keyed)
    named = keyed.assign(customer_id=keyed["cust_key"].map(ids).astype(str))
    a = named.sort_values("customer_id").reset_index(drop=True)
    b = old.sort_values("customer_id").reset_index(drop=True)
    assert a["customer_id"].tolist() == b["customer_id"].tolist()
    columns = COMPARED + (["r_level", "fm_level", "group"] if scheme == "six" else [])
    for column in columns:
        left, right = a[column], b[column]
        if column in ("home_store_id", "region", "tier", "r_level", "fm_level", "group"):
            assert left.astype(object).where(left.notna(), None).tolist() == (
                right.astype(object).where(right.notna(), None).tolist()
            ), column
        else:
            np.testing.assert_array_equal(left.to_numpy(float), right.to_numpy(float), err_msg=column)


def assert_same_breakdowns(db, day, scheme, rules, old) -> None:
    frame, breakdown, by_store, by_region = queries.seg_analysis(db, day, None, scheme, rules, SIX, PARAMS)
    assert seg.is_keyed(frame) and len(frame) == len(old)
    pd.testing.assert_frame_equal(breakdown, seg.tier_breakdown(old, scheme), check_dtype=False)
    pd.testing.assert_frame_equal(
        by_store, seg.tier_breakdown(old, scheme, by=["home_store_id"]), check_dtype=False
    )
    pd.testing.assert_frame_equal(
        by_region, seg.tier_breakdown(old, scheme, by=["region"]), check_dtype=False
    )


def assert_same_migration(db, date_a, day, scheme, rules) -> None:
    # the page's previous migration: the earlier date's scores (six groups: with the values)
    # and the current frame, both with ids, joined on them
    then = (
        seg.score_customers(db, date_a, None, rules)
        if scheme == "rfml"
        else old_frame(db, date_a, scheme, rules)
    )
    before = seg.migration_between(then, old_frame(db, day, scheme, rules), scheme, date_a, day)
    before_named = before.moves
    every = queries.seg_migration(db, date_a, day, None, scheme, rules, SIX, PARAMS)
    assert every.counts() == before.counts()
    pd.testing.assert_frame_equal(every.flows, before.flows, check_dtype=False)
    columns = ["customer_id", "home_store_id", "tier_a", "tier_b", "total_a", "total_b", "direction", "name"]
    pd.testing.assert_frame_equal(
        every.moves[columns].reset_index(drop=True),
        before_named[columns].reset_index(drop=True),
        check_dtype=False,
    )
    np.testing.assert_array_equal(every.moves["clv"].to_numpy(float), before_named["clv"].to_numpy(float))
    page = queries.seg_migration(db, date_a, day, None, scheme, rules, SIX, PARAMS, 3)
    for kind in ("up", "down"):
        whole = before_named[before_named["direction"] == kind].reset_index(drop=True)
        listed = queries.seg_movers(db, day, page, kind)
        pd.testing.assert_frame_equal(listed[columns], whole[columns], check_dtype=False)
        shown = page.moves[page.moves["direction"] == kind].reset_index(drop=True)
        pd.testing.assert_frame_equal(shown[columns], whole[columns].head(3), check_dtype=False)


# -- the sample (3,000 customers, every derived table built at generation) ---------------------


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    _clear()
    return Database(sample_db_path)


@pytest.fixture(scope="module")
def end(db) -> date:
    return db.query_value("SELECT max(order_date) FROM orders")


@pytest.mark.parametrize("scheme, rules", CASES)
def test_the_keyed_frame_and_breakdowns_equal_the_scoring_with_ids(db, end, scheme, rules):
    old = old_frame(db, end, scheme, rules)
    keyed = queries._seg_frame(db, end, None, scheme, rules, SIX, PARAMS)
    assert_same_frame(keyed, old, ids_of(db, end), scheme)
    assert_same_breakdowns(db, end, scheme, rules, old)
    # the customer list's frame: the same customers with ids and names
    listed = queries.seg_customers(db, end, None, scheme, rules, SIX, PARAMS)
    pd.testing.assert_frame_equal(
        listed.sort_values("customer_id").reset_index(drop=True)[["customer_id", "name", "clv"]],
        old.sort_values("customer_id").reset_index(drop=True)[["customer_id", "name", "clv"]],
    )


@pytest.mark.parametrize("scheme, rules", CASES)
def test_the_keyed_migration_equals_the_migration_with_ids(db, end, scheme, rules):
    assert_same_migration(db, end - timedelta(days=365), end, scheme, rules)


def test_a_date_without_kept_facts_or_a_scope_computes_with_ids(db, end):
    other = end - timedelta(days=30)
    assert seg.keyed_scores(db, other) is None
    assert not seg.is_keyed(queries._seg_frame(db, other, None, "rfml", seg.RfmlRules(), SIX, PARAMS))
    stores = tuple(db.query_df("SELECT store_id FROM stores ORDER BY store_id")["store_id"][:2])
    assert seg.keyed_scores(ScopedDatabase(db, stores), end) is None
    frame = queries._seg_frame(db, end, stores, "rfml", seg.RfmlRules(), SIX, PARAMS)
    assert "customer_id" in frame.columns
    # a migration from a date without kept facts: both dates with ids, as before
    date_a = end - timedelta(days=200)
    mig = queries.seg_migration(db, date_a, end, None, "rfml", seg.RfmlRules(), SIX, PARAMS)
    assert mig.counts() == seg.migration(db, date_a, end, None, "rfml", seg.RfmlRules(), SIX, PARAMS).counts()


def test_a_file_built_before_the_key_was_kept_computes_with_ids(tmp_path, sample_db_path):
    path = tmp_path / "old.duckdb"
    path.write_bytes(sample_db_path.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE derived_segments DROP COLUMN cust_key")
    con.close()
    old = Database(path)
    day = old.query_value("SELECT max(order_date) FROM orders")
    segments.forget()
    try:
        assert segments.facts_table(old, day) == segments.TABLE
        assert seg.keyed_scores(old, day) is None
    finally:
        old.close()
        segments.forget()


# -- random small databases, every derived table built ----------------------------------------


def _flags(path, seed: int) -> None:
    """Random loyalty evidence (warranties, referrals, events, complaints, sightings)."""
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(path))
    try:
        ids = [r[0] for r in con.execute("SELECT customer_id FROM customers ORDER BY 1").fetchall()]
        end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]

        def day() -> date:
            return end - timedelta(days=int(rng.integers(0, 900)))

        picks = {name: rng.choice(ids, size=len(ids) // 3) for name in ("w", "r", "e", "c", "s")}
        for i, cid in enumerate(picks["w"]):
            con.execute(
                "INSERT INTO warranties (contract_id, customer_id, sold_date, price, term_years, claims_cost) VALUES (?, ?, ?, 100, 1, 0)",
                [f"W{i}", str(cid), day()],
            )
        for cid in picks["r"]:
            con.execute(
                "INSERT INTO referrals (referrer_id, referred_id, referral_date) VALUES (?, 'X', ?)",
                [str(cid), day()],
            )
        for cid in picks["e"]:
            con.execute(
                "INSERT INTO event_attendance (customer_id, event_date, event_name) VALUES (?, ?, 'day')",
                [str(cid), day()],
            )
        for i, cid in enumerate(picks["c"]):
            con.execute(
                "INSERT INTO complaints (complaint_id, customer_id, opened) VALUES (?, ?, ?)",
                [f"K{i}", str(cid), day()],
            )
        for cid in picks["s"]:
            con.execute(
                "INSERT INTO competitor_sightings (customer_id, seen_date, source) VALUES (?, ?, 'survey')",
                [str(cid), day()],
            )
    finally:
        con.close()


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_random_databases(tmp_path, seed):
    path = _make(tmp_path / f"r{seed}.duckdb", seed=seed, customers=80, years=3.5)
    _flags(path, seed)
    con = duckdb.connect(str(path))
    end = build(con)
    con.close()
    db = Database(path)
    _clear()
    try:
        assert seg.keyed_scores(db, end) is not None
        ids = ids_of(db, end)
        for scheme, rules in CASES:
            old = old_frame(db, end, scheme, rules)
            assert_same_frame(queries._seg_frame(db, end, None, scheme, rules, SIX, PARAMS), old, ids, scheme)
            assert_same_breakdowns(db, end, scheme, rules, old)
            assert_same_migration(db, end - timedelta(days=365), end, scheme, rules)
    finally:
        _clear()
        db.close()


def test_integer_keys_in_any_order_migrate_as_text_ids():
    """The migration joins rising integer keys by position, other ids by a join: same result."""
    rng = np.random.default_rng(5)
    tiers = list(seg.SCHEMES["rfml"])

    def side(keys, now: bool) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "customer_id": keys,
                "home_store_id": pd.Series(rng.choice(["S1", "S2", None], len(keys)), dtype="str"),
                "tier": pd.Series(rng.choice(tiers, len(keys)), dtype="str"),
                "total": rng.integers(4, 21, len(keys)),
            }
        )
        if now:
            frame["clv"] = rng.normal(500, 300, len(keys)).round(0)  # ties broken by id
        return frame

    a = side(np.sort(rng.choice(400, 250, replace=False)), False)
    b = side(np.sort(rng.choice(400, 300, replace=False)), True)
    day_a, day_b = date(2025, 1, 1), date(2026, 1, 1)
    keyed = seg.migration_between(a, b, "rfml", day_a, day_b)
    # the same customers as zero-padded text ids (their order is the keys'), joined by DuckDB
    text = seg.migration_between(
        a.assign(customer_id=a["customer_id"].map("{:04d}".format)),
        b.assign(customer_id=b["customer_id"].map("{:04d}".format)),
        "rfml",
        day_a,
        day_b,
    )
    assert keyed.counts() == text.counts()
    pd.testing.assert_frame_equal(keyed.flows, text.flows)
    moved = keyed.moves.assign(customer_id=keyed.moves["customer_id"].astype(int).map("{:04d}".format))
    pd.testing.assert_frame_equal(moved, text.moves, check_dtype=False)
    # shuffled integer ids: the join
    shuffled = seg.migration_between(
        a.sample(frac=1, random_state=1), b.sample(frac=1, random_state=2), "rfml", day_a, day_b
    )
    assert shuffled.counts() == keyed.counts()
    pd.testing.assert_frame_equal(shuffled.flows, keyed.flows)
