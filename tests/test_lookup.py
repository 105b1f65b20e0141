"""Customer lookup engine on the hand-built database of tests/test_churn_db.py."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import lookup
from clv_engine.db import Database
from clv_engine.errors import InputError
from tests.test_churn_db import AS_OF, build_db, vin
from wording import lookup as words
from wording.errors import explain


@pytest.fixture()
def db(tmp_path) -> Database:
    return Database(build_db(tmp_path / "lookup.duckdb"))


def _ids(frame) -> list[str]:
    return frame["customer_id"].tolist()


# -- search -------------------------------------------------------------------------------


def test_exact_id_any_case_and_spaces(db):
    found = lookup.find_customers(db, "  a ")
    assert _ids(found) == ["A"] and found["match"].tolist() == ["id"]
    assert found.attrs["matches"] == 1


def test_full_vin_and_its_tail(db):
    assert vin("C") == "LVSCX0370371Z9"
    found = lookup.find_customers(db, "lvscx0370371z9")
    assert _ids(found) == ["C"] and found["match"].tolist() == ["vin"]
    found = lookup.find_customers(db, "0371Z9")
    assert _ids(found) == ["C"] and found["match"].tolist() == ["vin_part"]


def test_short_fragments_do_not_match_vins(db):
    # "Z9" ends every VIN, but two characters are too few for a VIN fragment.
    assert lookup.find_customers(db, "Z9").empty


def test_name_fragment(db):
    found = lookup.find_customers(db, "王")
    assert _ids(found) == ["A"] and found["match"].tolist() == ["name"]
    assert _ids(lookup.find_customers(db, "李娜")) == ["B"]


def test_wildcards_match_themselves(db):
    assert lookup.find_customers(db, "%").empty
    assert lookup.find_customers(db, "_").empty


def test_best_match_first_and_limit(tmp_path):
    path = build_db(tmp_path / "rank.duckdb")
    con = duckdb.connect(str(path))
    # A customer whose name contains another customer's id: the id match comes first.
    con.execute(
        "INSERT INTO customers (customer_id, name, home_store_id, purchase_date) "
        "VALUES ('Z1', 'Mr A', 'S01', DATE '2024-01-01'), ('Z2', 'Ms A', 'S01', DATE '2024-01-01')"
    )
    con.close()
    db = Database(path)
    found = lookup.find_customers(db, "a")
    assert _ids(found) == ["A", "Z1", "Z2"]
    assert found["match"].tolist() == ["id", "name", "name"]
    limited = lookup.find_customers(db, "a", limit=2)
    assert _ids(limited) == ["A", "Z1"] and limited.attrs["matches"] == 3


def test_store_scope(db):
    assert lookup.find_customers(db, "A", ["S02"]).empty
    assert _ids(lookup.find_customers(db, "B", ["S02"])) == ["B"]


@pytest.mark.parametrize("query, message", [("", "empty"), ("   ", "empty"), ("x" * 101, "longer than 100")])
def test_bad_search_text(db, query, message):
    with pytest.raises(InputError) as raised:
        lookup.find_customers(db, query)
    assert message in explain(raised.value, "en")


# -- one customer -------------------------------------------------------------------------


def test_record_history_and_years(db):
    record = lookup.customer_record(db, "A")
    assert record["name"] == "王伟" and record["store_name"] == "上海浦东店"
    assert lookup.customer_record(db, "nobody") is None
    history = lookup.service_history(db, "A", AS_OF)
    assert len(history) == 7 and history["order_date"].iloc[0] == pd.Timestamp("2026-01-15")
    years = lookup.service_by_year(db, "A", AS_OF).set_index("year")
    # 2024: Jul and Oct; 2025: four quarters; 2026: January — 500 each.
    assert years["visits"].to_dict() == {2024: 2, 2025: 4, 2026: 1}
    assert years.loc[2025, "revenue"] == 2_000
    # The order after the as-of date is not history yet.
    assert lookup.service_history(db, "G", AS_OF).empty


def test_complaints_as_of_the_date(db):
    complaints = lookup.customer_complaints(db, "A", AS_OF).set_index("complaint_id")
    # Q1 was resolved on 2026-07-10, after the as-of date: open then, 60 days old.
    assert bool(complaints.loc["Q1", "open"]) and pd.isna(complaints.loc["Q1", "resolved"])
    assert complaints.loc["Q1", "days"] == 60
    assert not bool(complaints.loc["Q2", "open"]) and complaints.loc["Q2", "days"] == 4
    assert lookup.customer_complaints(db, "B", AS_OF).empty  # Q3 is opened after the date
    assert len(lookup.customer_complaints(db, "A", date(2026, 8, 1))) == 2


# -- network ------------------------------------------------------------------------------

VALUES = pd.DataFrame(
    {
        "customer_id": ["A", "B", "C", "D", "F"],
        "name": ["王伟", "李娜", "张敏", "刘洋", "杨丽"],
        "clv": [9_000.0, 1_000.0, 700.0, 500.0, 250.0],
    }
)


def test_network_direct_and_further(db):
    network = lookup.referral_network(db, "A", AS_OF, VALUES)
    # A referred B and D (1,000 + 500); B referred F (250); F's referral of A is a loop.
    people = network.customers.set_index("customer_id")
    assert people["depth"].to_dict() == {"B": 1, "D": 1, "F": 2}
    assert people.loc["F", "via"] == "B"
    assert (network.direct_customers, network.direct_clv) == (2, 1_500)
    assert (network.further_customers, network.further_clv) == (1, 250)
    assert network.total_clv == 1_750


def test_network_depth_and_date(db):
    one = lookup.referral_network(db, "A", AS_OF, VALUES, max_depth=1)
    assert _ids(one.customers) == ["B", "D"] and one.further_clv == 0
    # H referred C on 2026-08-01, after the as-of date.
    assert lookup.referral_network(db, "H", AS_OF, VALUES).customers.empty
    assert _ids(lookup.referral_network(db, "H", date(2026, 8, 1), VALUES).customers) == ["C"]
    # Before D was referred (2026-02-20), only B.
    assert _ids(lookup.referral_network(db, "A", date(2025, 1, 1), VALUES).customers) == ["B"]
    with pytest.raises(InputError) as raised:
        lookup.referral_network(db, "A", AS_OF, VALUES, max_depth=0)
    assert "depth of at least 1" in explain(raised.value, "en")


# -- complaint rule and actions ---------------------------------------------------------------


def test_complaint_rule_by_tier():
    # SPEC §2d: platinum -> VIP (2 h, unlimited, GM); ordinary -> low value (48 h, 200).
    vip = lookup.complaint_rule_for("platinum")
    assert (vip.respond_hours, vip.compensation_limit, vip.owner) == (2, None, "general_manager")
    low = lookup.complaint_rule_for("ordinary")
    assert (low.respond_hours, low.compensation_limit) == (48, 200)
    assert words.complaint_rule_text(vip, "en") == (
        "Respond within 2 h · compensation authority unlimited · owner: General manager"
    )
    with pytest.raises(InputError) as raised:
        lookup.complaint_rule_for("diamond")
    assert "No complaint rule" in explain(raised.value, "en")


def said_actions(risk, tier, open_complaints, lang, network=None, own_clv=None) -> list[str]:
    """The engine's action codes, worded (the sentences asserted below are the catalogue's)."""
    return words.actions_text(lookup.recommended_actions(risk, tier, open_complaints, network, own_clv), lang)


def test_recommended_actions_most_urgent_first():
    risk = pd.Series({"level": "mid", "expected_value": 1_820.0, "cost": 300.0})
    actions = said_actions(risk, "gold", open_complaints=1, lang="en")
    assert actions[0].startswith("Resolve the 1 open complaint(s) first: Respond within 4 h")
    assert actions[1] == (
        "Account manager visit + service offer (Mid risk): expected value ¥1,820 for a cost of ¥300."
    )
    losing = said_actions(
        pd.Series({"level": "high", "expected_value": -500.0, "cost": 800.0}), "silver", 0, "en"
    )
    assert len(losing) == 1 and "expected to lose -¥500" in losing[0]
    calm = said_actions(pd.Series({"level": "none"}), "platinum", 0, "en")
    assert calm == ["No warning sign: follow the Platinum tier's service playbook."]
    gone = said_actions(pd.Series({"level": "lapsed"}), "churned", 0, "zh")
    assert len(gone) == 1 and gone[0].startswith("超过两年未到店")  # win-back, not the playbook


def test_network_worth_more_than_the_customer_is_said(db):
    network = lookup.referral_network(db, "A", AS_OF, VALUES)  # direct CLV 1,500
    calm = pd.Series({"level": "none"})
    said = said_actions(calm, "silver", 0, "en", network, own_clv=600.0)
    assert said[-1] == (
        "The customers they referred are worth ¥1,500 in CLV, more than their own ¥600: "
        "keeping this customer keeps a referrer."
    )
    assert len(said_actions(calm, "silver", 0, "en", network, own_clv=2_000.0)) == 1


# -- the network's values: the network's rows picked before the merge (issue 14) ----------------


def _network_before(db, customer_id, as_of, values, max_depth):
    """referral_network's rows as computed before: the merge with EVERY row of ``values``."""
    from clv_engine.scope import OUTSIDE

    frame = db.query_df(lookup.NETWORK_SQL, [customer_id, as_of, max_depth, as_of, customer_id])
    frame = frame[~frame["customer_id"].isin(OUTSIDE)]
    keep = [c for c in ("customer_id", "name", "clv") if c in values.columns]
    frame = frame.merge(values[keep], on="customer_id", how="left")
    return frame.reindex(columns=["customer_id", "name", "depth", "via", "referral_date", "clv"])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_network_rows_equal_the_merge_with_every_value(tmp_path_factory, seed):
    import numpy as np

    from tests.helpers import make_db

    rng = np.random.default_rng(seed)
    people = [f"K{i}" for i in range(int(rng.integers(2, 14)))]
    edges = int(rng.integers(0, 3 * len(people)))
    referrals = [
        (
            str(rng.choice(people)),
            str(rng.choice(people)),
            date(2026, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 300))),
        )
        for _ in range(edges)
    ]
    path = make_db(tmp_path_factory.mktemp("net") / "net.duckdb", referrals=referrals)
    valued = [p for p in people if rng.random() < 0.7]  # some have no value row (NaN CLV)
    values = pd.DataFrame(
        {
            "customer_id": valued,
            "name": [f"name {p}" for p in valued],
            "clv": rng.normal(1_000, 800, len(valued)).round(2),
            "other": 1,
        }
    )
    db = Database(path)
    try:
        for who in people[:4]:
            as_of = date(2026, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 330)))
            depth = int(rng.integers(1, 4))
            network = lookup.referral_network(db, who, as_of, values, depth)
            before = _network_before(db, who, as_of, values, depth).reset_index(drop=True)
            pd.testing.assert_frame_equal(network.customers, before)
            direct = before[before["depth"] == 1]
            assert network.direct_clv == float(direct["clv"].fillna(0).sum())
    finally:
        db.close()
