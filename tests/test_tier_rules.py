"""Tier rules: hand-scored customers (SPEC §2a scores worked out below), each rule's threshold
edited, and the sample checked against a pandas re-implementation of the three rules."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from clv_engine import segmentation, tier_rules
from clv_engine.db import Database
from tests.helpers import Table, make_db

AS_OF = date(2026, 6, 30)
HELD_ON = date(2024, 6, 30)  # two years before: the tier the demotion rule reads
ORDER_COLUMNS = ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit")


def build(path: Path) -> Database:
    customers = [("P", "S01"), ("P2", "S01"), ("S", "S02"), ("S2", "S01"), ("G", "S01"), ("G2", "S01")]
    orders = []

    def order(cid: str, day: date, revenue: float) -> None:
        orders.append((f"{cid}-{len(orders)}", cid, day, revenue))

    # P on 30 June 2024: six visits in the year, 12,000 spent, last 10 days before -> R5 F5 M5,
    # L = 3 + extended warranty = 4: total 19, platinum. No visit since: 740 days by the as-of date.
    for k in range(6):
        order("P", date(2024, 6, 20) - timedelta(days=60 * k), 2_000)
    # P2: the same, but came back once in January 2025 -> no demotion.
    for k in range(6):
        order("P2", date(2024, 6, 20) - timedelta(days=60 * k), 2_000)
    order("P2", date(2025, 1, 1), 500)
    # S now: one visit 333 days ago of 12,000 -> R2 F2 M5; L = 3 - complaint - competitor = 1:
    # total 10, silver (standard) with a 12-month spend of 12,000 >= 10,000 -> gold due.
    order("S", date(2025, 8, 1), 12_000)
    # S2: the same with 9,000 (M4): total 9, silver, below the threshold.
    order("S2", date(2025, 8, 1), 9_000)
    # G now: two visits (F3), 3,000 (M3), last 10 days ago (R5), L = 3 + referral = 4: total 15,
    # gold, with 3 referrals -> platinum due. G2: the same with 2 referrals.
    for cid in ("G", "G2"):
        order(cid, date(2026, 6, 20), 1_500)
        order(cid, date(2026, 3, 1), 1_500)
    referrals = [
        ("G", "X1", date(2025, 1, 1)),
        ("G", "X2", date(2025, 6, 1)),
        ("G", "X3", date(2026, 6, 1)),
        ("G2", "X4", date(2025, 1, 1)),
        ("G2", "X5", date(2025, 6, 1)),
        ("G2", "X6", date(2026, 7, 1)),
    ]  # after the as-of date: not counted
    make_db(
        path,
        stores=[("S01", "一店", "", ""), ("S02", "二店", "", "")],
        customers=Table(
            ("customer_id", "home_store_id", "purchase_date"),
            [(c, s, date(2020, 1, 1)) for c, s in customers],
        ),
        orders=Table(ORDER_COLUMNS, [(o, c, d, "S01", "maintenance", r, 0) for o, c, d, r in orders]),
        warranties=[(w, c, date(2020, 2, 1), 5800, 3, 0) for w, c in (("W1", "P"), ("W2", "P2"))],
        complaints=Table(
            ("complaint_id", "customer_id", "store_id", "opened", "resolved"),
            [("Q1", "S", "S02", date(2025, 8, 2), date(2025, 8, 5))],
        ),
        competitor_sightings=[("S", date(2025, 9, 1), "insurer")],
        referrals=referrals,
    )
    return Database(path)


def test_hand_scored_tiers_are_the_premises(tmp_path):
    db = build(tmp_path / "t.duckdb")
    now = segmentation.score_customers(db, AS_OF).set_index("customer_id")["tier"].to_dict()
    assert {k: now[k] for k in ("S", "S2", "G", "G2")} == {
        "S": "silver",
        "S2": "silver",
        "G": "gold",
        "G2": "gold",
    }
    then = segmentation.score_customers(db, HELD_ON).set_index("customer_id")["tier"].to_dict()
    assert then["P"] == "platinum" and then["P2"] == "platinum"


def test_changes_due_by_hand(tmp_path):
    db = build(tmp_path / "t.duckdb")
    due = tier_rules.tier_changes_due(db, AS_OF)
    got = list(
        zip(
            due["customer_id"],
            due["from_tier"],
            due["to_tier"],
            due["direction"],
            due["reason"],
            due["figure"],
            due["threshold"],
        )
    )
    assert got == [
        ("G", "gold", "platinum", "up", "referrals", 3.0, 3.0),
        ("S", "standard", "gold", "up", "spend", 12_000.0, 10_000.0),
        ("P", "platinum", "gold", "down", "no_visit", float((AS_OF - date(2024, 6, 20)).days), 730.0),
    ]
    assert due.attrs["held_on"] == HELD_ON
    assert due.loc[due["customer_id"] == "P", "last_visit"].iloc[0] == date(2024, 6, 20)


def test_each_rule_is_editable(tmp_path):
    db = build(tmp_path / "t.duckdb")
    ids = lambda rules: set(tier_rules.tier_changes_due(db, AS_OF, rules=rules)["customer_id"])  # noqa: E731
    assert ids(tier_rules.TierRules(gold_spend=9_000)) == {"G", "S", "S2", "P"}
    assert ids(tier_rules.TierRules(gold_spend=12_000.01)) == {"G", "P"}
    assert ids(tier_rules.TierRules(platinum_referrals=2)) == {"G", "G2", "S", "P"}
    assert ids(tier_rules.TierRules(platinum_referrals=4)) == {"S", "P"}
    # Three years without a visit: P was not platinum on 30 June 2023 (no visits that year).
    assert ids(tier_rules.TierRules(no_visit_years=3)) == {"G", "S"}
    with pytest.raises(ValueError):
        tier_rules.TierRules(platinum_referrals=0).validate()


def test_store_scope(tmp_path):
    db = build(tmp_path / "t.duckdb")
    assert list(tier_rules.tier_changes_due(db, AS_OF, ("S02",))["customer_id"]) == ["S"]
    listed = tier_rules.with_contact(tier_rules.tier_changes_due(db, AS_OF, ("S02",)), db)
    assert list(listed["store_name"]) == ["二店"]


def test_sample_matches_pandas_rules(sample_db_path):
    """The three rules re-done in pandas from the raw tables and the scored tiers."""
    db = Database(sample_db_path)
    as_of = date(2026, 11, 30)
    rules = tier_rules.TierRules(gold_spend=6_000, platinum_referrals=1)
    due = tier_rules.tier_changes_due(db, as_of, rules=rules)
    orders = db.query_df("SELECT customer_id, order_date, revenue FROM orders WHERE order_date <= ?", [as_of])
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    recent = orders[orders["order_date"] > pd.Timestamp(as_of - timedelta(days=365))]
    spend = recent.groupby("customer_id")["revenue"].sum()
    refs = db.query_df("SELECT referrer_id, referral_date FROM referrals")
    refs = refs[pd.to_datetime(refs["referral_date"]) <= pd.Timestamp(as_of)].groupby("referrer_id").size()
    last = orders.groupby("customer_id")["order_date"].max()
    now = segmentation.score_customers(db, as_of).set_index("customer_id")["tier"]
    then = segmentation.score_customers(db, date(2024, 11, 30)).set_index("customer_id")["tier"]
    want = set()
    for cid, tier in now.items():
        if tier in ("silver", "ordinary", "churned") and spend.get(cid, 0) >= 6_000:
            want.add((cid, "spend"))
        if tier == "gold" and refs.get(cid, 0) >= 1:
            want.add((cid, "referrals"))
    for cid, tier in then.items():
        if tier == "platinum" and (cid not in last or last[cid] <= pd.Timestamp(2024, 11, 30)):
            want.add((cid, "no_visit"))
    got = set(zip(due["customer_id"], due["reason"]))
    assert got == want
    assert {r for _, r in got} >= {"spend", "referrals"}
