"""Results of a call list: uplift of treated over control and its interval (clv_engine.results).

The interval is checked against Newcombe's published worked examples (Statistics in Medicine
1998, 17:873-890, Table II, method 10) and against a second implementation written here that
finds each Wilson limit by bisection on its defining equation |p̂ − p| = z √(p(1−p)/n).
Recovery: simulated treated and control groups with a set uplift, through the database.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import contacts, results
from clv_engine.db import Database, create_database

Z95 = 1.959963984540054  # the 97.5% point of the standard normal


# -- the interval ----------------------------------------------------------------------------


def wilson_by_bisection(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The two roots in p of (p̂ − p)² = z² p(1 − p) / n, found by bisection."""
    p_hat = k / n

    def f(p: float) -> float:
        return (p_hat - p) ** 2 - z * z * p * (1 - p) / n

    def root(lo: float, hi: float) -> float:
        for _ in range(200):
            mid = (lo + hi) / 2
            if (f(lo) > 0) == (f(mid) > 0):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = 0.0 if k == 0 else root(0.0, p_hat)
    high = 1.0 if k == n else root(p_hat, 1.0)
    return low, high


def newcombe_by_hand(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_by_bisection(k1, n1)
    l2, u2 = wilson_by_bisection(k2, n2)
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


# Newcombe (1998) Table II, method 10 (score interval, hybrid), to 4 decimals.
PUBLISHED = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
]


@pytest.mark.parametrize("counts, expected", PUBLISHED)
def test_interval_matches_newcombe_published_examples(counts, expected):
    d, low, high = results.newcombe_interval(*counts)
    assert d == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])
    assert (round(low, 4), round(high, 4)) == expected


@settings(max_examples=60, deadline=None)
@given(n1=st.integers(1, 400), n2=st.integers(1, 400), a=st.floats(0, 1), b=st.floats(0, 1))
def test_interval_matches_a_second_implementation(n1, n2, a, b):
    k1, k2 = round(a * n1), round(b * n2)
    d, low, high = results.newcombe_interval(k1, n1, k2, n2)
    hand_low, hand_high = newcombe_by_hand(k1, n1, k2, n2)
    assert low == pytest.approx(hand_low, abs=1e-9)
    assert high == pytest.approx(hand_high, abs=1e-9)
    assert -1 <= low <= d <= high <= 1


def test_coverage_of_the_interval_is_about_95_percent():
    # 200 simulated lists: 1,800 treated returning at 35%, 200 controls at 20% (uplift 15 points).
    rng = np.random.default_rng(2026)
    sims, n1, n0, p1, p0 = 200, 1_800, 200, 0.35, 0.20
    k1 = rng.binomial(n1, p1, sims)
    k0 = rng.binomial(n0, p0, sims)
    covered = 0
    for a, b in zip(k1, k0):
        _, low, high = results.newcombe_interval(int(a), n1, int(b), n0)
        covered += low <= p1 - p0 <= high
    # 95% of 200 = 190; a binomial(200, 0.95) lies within ±3 sd (±9.2) of it nearly always.
    assert abs(covered - 190) <= 3 * math.sqrt(200 * 0.95 * 0.05)


def test_verdicts():
    assert results.verdict(0.01, 0.2, 100, 100, True) == "kept"
    assert results.verdict(-0.2, -0.01, 100, 100, True) == "lost"
    assert results.verdict(-0.01, 0.2, 100, 100, True) == "too_thin"
    assert results.verdict(0.05, 0.2, 100, 29, True) == "too_few"
    assert results.verdict(0.05, 0.2, 100, 100, False) == "window_open"


# -- recovery through the database ------------------------------------------------------------

ISSUED = date(2026, 3, 1)


def simulated_database(
    path, n=2_000, p_control=0.20, p_treated=0.35, seed=11, holdout=0.10, cost=300.0, clv=20_000.0
):
    """Customers on one issued list; the treated come back with p_treated, controls with
    p_control (an order 10..80 days after issue). Returns (db, list_id, truth frame)."""
    create_database(path)
    db = Database(path)
    ids = [f"S{i:05d}" for i in range(n)]
    levels = np.array(["high", "mid", "low"])[np.arange(n) % 3]
    ranked = pd.DataFrame(
        {
            "customer_id": ids,
            "home_store_id": "S01",
            "rank": np.arange(1, n + 1),
            "level": levels,
            "p_churn": 0.5,
            "success": 0.3,
            "clv": clv,
            "cost": cost,
            "expected_value": 0.5 * 0.3 * clv - cost,
        }
    )
    # A fixed list id: the hold-out draw is seeded by it, so every run sees the same groups.
    list_id = contacts.issue_call_list(
        db, ranked, ISSUED, "simulated", holdout_share=holdout, window_days=90, list_id=f"simulated-{seed}"
    )
    members = db.query_df("SELECT customer_id, control FROM call_list_members WHERE list_id = ?", [list_id])
    rng = np.random.default_rng(seed)
    p = np.where(members["control"], p_control, p_treated)
    back = rng.random(n) < p
    orders = pd.DataFrame({"customer_id": members["customer_id"][back]})
    orders["order_date"] = [ISSUED + timedelta(days=int(d)) for d in rng.integers(10, 81, len(orders))]
    treated = members[~members["control"]]
    with db.write_transaction() as con:
        con.execute("INSERT INTO customers (customer_id) SELECT unnest(?)", [ids])
        con.register("o", orders)
        con.execute(
            "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) SELECT 'O' || row_number() OVER (), customer_id, order_date, 'S01', "
            "'maintenance', 500, 200 FROM o"
        )
        # The data reaches past the window; the contact of every treated customer cost `cost`.
        con.execute(
            "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) VALUES ('END', ?, ?, 'S01', 'maintenance', 500, 200)",
            [ids[0], ISSUED + timedelta(days=200)],
        )
    log = pd.DataFrame(
        {
            "customer_id": treated["customer_id"],
            "contact_date": ISSUED + timedelta(days=3),
            "outcome": "reached",
            "cost": cost,
        }
    )
    clean, problems = contacts.check_contacts(log, today=date(2030, 1, 1))
    assert problems == []
    contacts.save_contacts(db, clean, list_id)
    return db, list_id, members.assign(returned=back)


def test_simulated_uplift_is_recovered(tmp_path):
    db, list_id, truth = simulated_database(tmp_path / "sim.duckdb")
    table = results.results(db, [list_id])
    row = table[table["level"] == results.ALL].iloc[0]
    # Counts from the simulation itself (independent of the SQL).
    treated, control = truth[~truth["control"]], truth[truth["control"]]
    # 10% of each level held out: levels of 667, 667 and 666 give 67 controls each.
    assert (row["treated"], row["control"]) == (1_799, 201)
    assert row["return_treated"] == pytest.approx(treated["returned"].mean())
    assert row["return_control"] == pytest.approx(control["returned"].mean())
    # The true uplift (35% − 20%) lies inside the measured 95% interval, which excludes 0.
    assert row["uplift_low"] <= 0.15 <= row["uplift_high"]
    assert row["verdict"] == "kept"
    assert row["contact_rate"] == 1.0
    # Cost per customer kept = all contact cost / (uplift × treated).
    assert row["cost_per_kept"] == pytest.approx(1_799 * 300 / (row["uplift"] * 1_799))
    assert row["predicted_value"] == pytest.approx(1_799 * (0.5 * 0.3 * 20_000 - 300))
    assert row["realised_value"] == pytest.approx(row["uplift"] * 1_799 * 20_000 - 1_799 * 300)
    # Each level has ~67 controls: enough to be judged, too few for a 15-point effect to be sure.
    assert set(table["level"]) == {"high", "mid", "low", "all"}
    print(
        f"simulated uplift 0.150, recovered {row['uplift']:.3f} "
        f"[{row['uplift_low']:.3f}, {row['uplift_high']:.3f}]"
    )


def test_no_effect_is_too_thin(tmp_path):
    db, list_id, _ = simulated_database(tmp_path / "null.duckdb", n=600, p_control=0.3, p_treated=0.3, seed=3)
    row = results.results(db, [list_id]).set_index("level").loc["all"]
    assert row["uplift_low"] < 0 < row["uplift_high"]
    assert row["verdict"] == "too_thin"
    assert math.isnan(row["cost_per_kept"]) or row["uplift"] > 0


def test_window_not_over_is_open(tmp_path):
    db, list_id, _ = simulated_database(tmp_path / "open.duckdb", n=300)
    with db.write_transaction() as con:
        con.execute("DELETE FROM orders WHERE order_id = 'END'")
        con.execute("UPDATE call_lists SET window_days = 400")
    assert set(results.results(db, [list_id])["verdict"]) == {"window_open"}


def test_measured_success_beside_the_typed_prior():
    # Control returns 20%, treated 35%: of the 80% who would not come back, 15/80 were kept.
    table = results.results_table(
        pd.DataFrame(
            {
                "level": "high",
                "control": [True] * 100 + [False] * 1000,
                "returned": [True] * 20 + [False] * 80 + [True] * 350 + [False] * 650,
                "reached": True,
                "contact_cost": 0.0,
                "clv": 1.0,
                "p_churn": 0.5,
                "success": 0.78,
                "expected_value": 0.0,
                "window_complete": True,
            }
        )
    )
    (high,) = results.measured_success(table, {"high": 0.78})
    assert high.typed == 0.78
    assert high.measured == pytest.approx(0.15 / 0.80)
    _, low, up = results.newcombe_interval(350, 1000, 20, 100)
    assert (high.low, high.high) == pytest.approx((low / 0.8, up / 0.8))
    assert (high.treated, high.control) == (1000, 100)


def test_success_evidence_from_the_database(tmp_path):
    db, list_id, truth = simulated_database(
        tmp_path / "ev.duckdb", n=3_000, p_control=0.2, p_treated=0.4, seed=5
    )
    evidence = {e.level: e for e in results.success_evidence(db, {"high": 0.78, "mid": 0.53, "low": 0.31})}
    high = truth[
        truth["customer_id"].isin(
            db.query_df("SELECT customer_id FROM call_list_members WHERE level = 'high'")["customer_id"]
        )
    ]
    control_rate = high.loc[high["control"], "returned"].mean()
    treated_rate = high.loc[~high["control"], "returned"].mean()
    assert evidence["high"].measured == pytest.approx((treated_rate - control_rate) / (1 - control_rate))
    assert evidence["high"].typed == 0.78
    # True success here: (0.4 − 0.2) / 0.8 = 25%, inside the interval.
    assert evidence["high"].low <= 0.25 <= evidence["high"].high


# -- the table's rows: the first treated members, read without the whole list (issue 14) ---------


def _random_lists_db(path, seed: int):
    """Two lists of random customers (ranks with ties, both groups) and contacts: several per
    customer, on the same day or not, some for the other list or none; customers of two stores."""
    from tests.helpers import make_db

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    ids = [f"R{i:03d}" for i in range(n)]
    stores = {c: str(rng.choice(["S1", "S2"])) for c in ids}
    members, contacts_rows = [], []
    for list_id in ("L1", "L2"):
        for c in rng.choice(ids, int(rng.integers(1, n + 1)), replace=False):
            members.append(
                (list_id, str(c), stores[c], int(rng.integers(1, 8)), str(rng.choice(["high", "mid", "low"])),
                 bool(rng.random() < 0.3), 0.5, 0.3, float(rng.integers(0, 9_000)), 100.0, 50.0)
            )  # fmt: skip
    for k in range(int(rng.integers(0, 3 * n))):
        contacts_rows.append(
            (f"K{k:03d}", str(rng.choice(["L1", "L2", None])), str(rng.choice(ids)),
             date(2026, 3, 1) + timedelta(days=int(rng.integers(0, 4))), None,
             str(rng.choice(["call", "visit"])), None, str(rng.choice(["Li", "Wu", None])),
             str(rng.choice(["reached", "booked", "unreachable"])), float(rng.integers(0, 500)))
        )  # fmt: skip
    return (
        make_db(
            path,
            stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "East", "Suzhou")],
            call_lists=[
                ("L1", "one", date(2026, 3, 1), datetime(2026, 3, 1, 9), 0.1, 90, "score"),
                ("L2", "two", date(2026, 3, 2), datetime(2026, 3, 2, 9), 0.1, 90, "score"),
            ],
            call_list_members=members,
            contacts=contacts_rows,
        ),
        ids,
        stores,
    )


def assert_same_rows(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames; a column missing in every row may differ in dtype only (DuckDB gives an
    all-NULL VARCHAR as object, else as str: the head of a list may have no contact yet)."""
    assert got.columns.tolist() == expected.columns.tolist()
    assert len(got) == len(expected)
    for column in expected.columns:
        if len(expected) and expected[column].isna().all():
            assert got[column].isna().all(), column
            continue
        pd.testing.assert_series_equal(got[column], expected[column], check_dtype=len(expected) > 0)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), limit=st.integers(1, 45))
def test_treated_head_is_the_first_treated_rows_of_the_members(tmp_path_factory, seed, limit):
    from clv_engine.scope import ScopedDatabase

    path, ids, stores = _random_lists_db(tmp_path_factory.mktemp("head") / "head.duckdb", seed)
    db = Database(path)
    with db.write_transaction() as con:
        con.executemany(
            "INSERT INTO customers (customer_id, home_store_id) VALUES (?, ?)", list(stores.items())
        )
    try:
        for reader in (db, ScopedDatabase(db, ["S2"])):
            for list_id in ("L1", "L2", "nope"):
                members = contacts.list_members(reader, list_id)
                expected = members[~members["control"].astype(bool)].reset_index(drop=True).head(limit)
                head = results.treated_head(reader, list_id, limit)
                assert_same_rows(head, expected)
            every = contacts.list_members(reader, "L1")
            assert_same_rows(
                results.treated_head(reader, "L1"), every[~every["control"]].reset_index(drop=True)
            )
    finally:
        db.close()
