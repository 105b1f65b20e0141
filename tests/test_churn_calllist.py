"""The call list a store works from: what the caller needs, the file's name, a week's capacity
and measured success rates in place of the typed ones (clv_engine.churn).

Every expectation is computed here: by SQL written in the test, by hand, or by brute force.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import churn, results
from clv_engine.churn import capacity  # the solver's limits, forced low below
from clv_engine.db import Database
from tests.test_churn_db import AS_OF, build_db, vin
from wording.churn import export_frame

PHONES = {
    "A": "13800000001",
    "B": "+8613900000002",
    "C": None,
    "D": "13700000004",
    "F": "13600000006",
    "H": "13500000008",
}
MODELS = {"A": "Model Y", "B": "雅阁", "D": "Camry"}


def _db(tmp_path, name="d.duckdb", vehicles=False, owners=False) -> Database:
    path = build_db(tmp_path / name)
    con = duckdb.connect(str(path))
    for c, phone in PHONES.items():
        con.execute("UPDATE customers SET phone = ? WHERE customer_id = ?", [phone, c])
    for c, model in MODELS.items():
        con.execute("UPDATE customers SET vehicle_model = ? WHERE customer_id = ?", [model, c])
    if vehicles:
        con.execute("CREATE TABLE vehicles (customer_id VARCHAR, model VARCHAR, plate VARCHAR, vin VARCHAR)")
        con.executemany(
            "INSERT INTO vehicles VALUES (?, ?, ?, ?)",
            [
                ("A", "Model Y", None, vin("A")),
                ("A", "Model 3", "沪A12345", "LVSZZZ0000099X1"),
                ("B", "雅阁", "浙A88888", vin("B")),
            ],
        )
    if owners:
        con.execute("ALTER TABLE stores ADD COLUMN account_owner VARCHAR")
        con.execute("UPDATE stores SET account_owner = '王经理' WHERE store_id = 'S01'")
    con.close()
    return Database(path)


def _sql_truth(db: Database) -> pd.DataFrame:
    """Phone, last visit to the as-of date and store name, by a correlated subquery."""
    return db.query_df(
        """SELECT c.customer_id, c.phone, s.name AS store_name,
                  (SELECT max(order_date) FROM orders o
                   WHERE o.customer_id = c.customer_id AND o.order_date <= ?) AS last_visit
           FROM customers c, stores s WHERE s.store_id = c.home_store_id ORDER BY 1""",
        [AS_OF],
    ).set_index("customer_id")


def test_details_match_sql(tmp_path):
    db = _db(tmp_path)
    details = churn.call_details(db, AS_OF).set_index("customer_id")
    truth = _sql_truth(db)
    assert details.index.tolist() == truth.index.tolist()
    for c in truth.index:
        assert details.loc[c, "phone"] == truth.loc[c, "phone"] or (
            pd.isna(details.loc[c, "phone"]) and pd.isna(truth.loc[c, "phone"])
        )
        assert details.loc[c, "store_name"] == truth.loc[c, "store_name"]
        expected = truth.loc[c, "last_visit"]
        got = details.loc[c, "last_visit"]
        assert (pd.isna(got) and pd.isna(expected)) or got == pd.Timestamp(expected).date()
    # By hand: A's last visit is the quarterly one of 2026-01-15; G's order after the as-of is not read.
    assert details.loc["A", "last_visit"] == date(2026, 1, 15)
    assert pd.isna(details.loc["G", "last_visit"])
    assert details.loc["A", "store_name"] == "上海浦东店"
    # No vehicles table: the customer's model and the VIN's last six characters.
    assert details.loc["A", "vehicle"] == "Model Y · …" + vin("A")[-6:]
    assert details.loc["C", "vehicle"] == "…" + vin("C")[-6:]
    # No owner column in the stores file.
    assert details["store_owner"].isna().all()


def test_vehicles_table_and_store_owner_are_used_when_present(tmp_path):
    db = _db(tmp_path, vehicles=True, owners=True)
    details = churn.call_details(db, AS_OF).set_index("customer_id")
    # Every vehicle of A, ordered by model; the plate when there is one, else the VIN tail.
    assert details.loc["A", "vehicle"] == "Model 3 · 沪A12345; Model Y · …" + vin("A")[-6:]
    assert details.loc["B", "vehicle"] == "雅阁 · 浙A88888"
    # Not in the vehicles table: the customer's own model and VIN.
    assert details.loc["D", "vehicle"] == "Camry · …" + vin("D")[-6:]
    owners = db.query_df(
        "SELECT c.customer_id, s.account_owner FROM customers c JOIN stores s ON s.store_id = c.home_store_id"
    ).set_index("customer_id")["account_owner"]
    for c, owner in owners.items():
        assert (pd.isna(owner) and pd.isna(details.loc[c, "store_owner"])) or details.loc[
            c, "store_owner"
        ] == owner


def _listed(db: Database) -> pd.DataFrame:
    scored = churn.score_risk(churn.churn_signals(db, AS_OF))
    values = pd.DataFrame({"customer_id": list("ABCDFH"), "name": list("abcdfh"), "clv": 20_000.0})
    listed = churn.call_list(scored, values, method="score")
    return churn.add_call_details(listed, churn.call_details(db, AS_OF), AS_OF)


def test_export_columns_owner_and_due(tmp_path):
    db = _db(tmp_path, owners=True)
    listed = _listed(db)
    assert len(listed) > 1
    out = export_frame(listed, "en").set_index("Customer")
    truth = _sql_truth(db)
    roles = {"high": "General manager", "mid": "Account manager", "low": "Automated"}
    for row in listed.itertuples():
        got = out.loc[row.customer_id]
        assert got["Store"] == truth.loc[row.customer_id, "store_name"]
        assert got["Due"] == AS_OF + timedelta(days=7)  # a working week after the issue date
        # S01 names its account owner; S02 does not, so the level's intervention owner.
        store = db.query_value("SELECT home_store_id FROM customers WHERE customer_id = ?", [row.customer_id])
        assert got["Owner"] == ("王经理" if store == "S01" else roles[row.level])
        assert got["Phone"] == PHONES[row.customer_id] or (
            pd.isna(got["Phone"]) and PHONES[row.customer_id] is None
        )
        expected = truth.loc[row.customer_id, "last_visit"]
        assert (pd.isna(got["Last visit"]) and pd.isna(expected)) or got["Last visit"] == pd.Timestamp(
            expected
        ).date()
    assert set(out["Owner"]) & {"王经理"} and set(out["Owner"]) - {"王经理"}  # both kinds on the list
    assert list(export_frame(listed, "en").columns[:9]) == [
        "Rank",
        "Customer",
        "Name",
        "Phone",
        "Store",
        "Owner",
        "Due",
        "Last visit",
        "Vehicle",
    ]
    zh = export_frame(_listed(_db(tmp_path, "z.duckdb")), "zh")
    assert {"电话", "负责人", "截止日期", "最近到店", "车辆"} <= set(zh.columns)
    assert set(zh["负责人"]) <= {"总经理", "客户经理", "自动执行"}


def test_file_name_says_store_and_date():
    on = date(2026, 6, 30)
    assert (
        churn.list_file_name("churn_call_list", ["上海浦东店"], "all stores", on)
        == "churn_call_list_上海浦东店_2026-06-30"
    )
    assert (
        churn.list_file_name("churn_call_list", [], "all stores", on)
        == "churn_call_list_all_stores_2026-06-30"
    )
    assert churn.list_file_name("x", ["A", "B"], "all", on) == "x_A+B_2026-06-30"
    assert churn.list_file_name("x", list("ABCDE"), "all", on) == "x_A+B+C+2_2026-06-30"
    # Characters a file name cannot hold (a store name is typed data).
    assert churn.list_file_name("x", ['a/b:c "d"'], "all", on) == "x_a_b_c_d_2026-06-30"


# -- capacity ------------------------------------------------------------------------------


def brute_best(values, costs, budget) -> float:
    best = 0.0
    for mask in itertools.product((False, True), repeat=len(values)):
        m = np.array(mask, dtype=bool)
        if len(values) and np.round(np.asarray(costs)[m] * 100).sum() <= round(budget * 100, 6) + 1e-9:
            best = max(best, float(np.asarray(values)[m].sum()))
    return best


ITEMS = st.lists(
    st.tuples(
        st.floats(-2_000, 20_000, allow_nan=False).map(lambda x: round(x, 2)),
        st.one_of(st.sampled_from([0.0, 50.0, 300.0, 800.0]), st.floats(0, 1_000).map(lambda x: round(x, 2))),
    ),
    max_size=11,
)


@settings(max_examples=150, deadline=None)
@given(items=ITEMS, budget=st.floats(0, 3_000).map(lambda x: round(x, 2)))
def test_knapsack_matches_brute_force(items, budget):
    values, costs = [v for v, _ in items], [c for _, c in items]
    chosen = churn.knapsack(values, costs, budget)
    assert np.round(np.asarray(costs)[chosen] * 100).sum() <= round(budget * 100) + 1e-9
    assert float(np.asarray(values)[chosen].sum()) == pytest.approx(
        brute_best(values, costs, budget), abs=1e-6
    )
    assert all(v > 0 for v in np.asarray(values)[chosen])


@settings(max_examples=100, deadline=None)
@given(items=ITEMS, budget=st.floats(0, 3_000).map(lambda x: round(x, 2)))
def test_knapsack_solver_fallback_matches_brute_force(items, budget):
    values, costs = [v for v, _ in items], [c for _, c in items]
    saved = capacity._DP_CELLS, capacity._COMBINATIONS
    capacity._DP_CELLS, capacity._COMBINATIONS = -1, 0  # force the MILP
    try:
        chosen = churn.knapsack(values, costs, budget)
    finally:
        capacity._DP_CELLS, capacity._COMBINATIONS = saved
    assert np.round(np.asarray(costs)[chosen] * 100).sum() <= round(budget * 100) + 1e-9
    assert float(np.asarray(values)[chosen].sum()) == pytest.approx(
        brute_best(values, costs, budget), abs=1e-6
    )


LIST = st.lists(
    st.tuples(
        st.sampled_from(["S01", "S02", "S03"]),
        st.sampled_from(["high", "mid", "low"]),
        st.floats(-500, 15_000, allow_nan=False).map(lambda x: round(x, 2)),
    ),
    max_size=12,
)
COST = {"high": 800.0, "mid": 300.0, "low": 50.0}


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(len(rows))],
            "home_store_id": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "cost": [COST[r[1]] for r in rows],
            "expected_value": [r[2] for r in rows],
        }
    )


@settings(max_examples=120, deadline=None)
@given(rows=LIST, calls=st.integers(0, 5))
def test_calls_per_store_match_brute_force(rows, calls):
    frame = _frame(rows)
    picked, table = churn.within_capacity(frame, "calls", calls)
    for store, part in frame.groupby("home_store_id"):
        v = part["expected_value"].to_numpy()
        best = max(
            (
                v[list(s)].sum()
                for k in range(min(calls, len(v)) + 1)
                for s in itertools.combinations(range(len(v)), k)
            ),
            default=0.0,
        )
        mine = picked[picked["home_store_id"] == store]
        assert len(mine) <= calls
        assert mine["expected_value"].sum() == pytest.approx(best, abs=1e-6)
        left = part[~part["customer_id"].isin(mine["customer_id"]) & (part["expected_value"] > 0)]
        row = table.set_index("store_id").loc[store]
        # The next call: the best one left out (what one more call would add).
        assert (np.isnan(row["next_value"]) and left.empty) or row["next_value"] == left[
            "expected_value"
        ].max()


@settings(max_examples=120, deadline=None)
@given(rows=LIST, budget=st.sampled_from([0.0, 50.0, 299.0, 350.0, 800.0, 1_150.0, 2_000.0]))
def test_budget_per_store_matches_brute_force(rows, budget):
    frame = _frame(rows)
    picked, table = churn.within_capacity(frame, "budget", budget)
    for store, part in frame.groupby("home_store_id"):
        v, c = part["expected_value"].to_numpy(), part["cost"].to_numpy()
        mine = picked[picked["home_store_id"] == store]
        assert mine["cost"].sum() <= budget
        assert mine["expected_value"].sum() == pytest.approx(brute_best(v, c, budget), abs=1e-6)
        row = table.set_index("store_id").loc[store]
        if np.isfinite(row["next_value"]):
            # Raising the budget by the best left-out customer's cost, choosing again.
            gain = brute_best(v, c, budget + row["next_cost"]) - brute_best(v, c, budget)
            assert row["next_gain"] == pytest.approx(gain, abs=1e-6)
            assert row["next_gain"] >= row["next_value"] - 1e-6


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["S01", "S02", None]),  # None: a customer with no home store
            st.sampled_from(["high", "mid", "low"]),
            st.floats(-500, 15_000, allow_nan=False).map(lambda x: round(x, 2)),
        ),
        max_size=12,
    ),
    kind=st.sampled_from(["calls", "budget"]),
)
def test_capacity_reads_store_codes_as_it_reads_store_text(rows, kind):
    # The ranked list carries the home store as codes (churn.list_base); the capacity must
    # treat them as the text: the same picks, the customers with no store as one group "".
    text = _frame(rows)
    coded = text.assign(home_store_id=text["home_store_id"].astype("category"))
    amount = 3 if kind == "calls" else 700.0
    picked_text, table_text = churn.within_capacity(text, kind, amount)
    picked_coded, table_coded = churn.within_capacity(coded, kind, amount)
    assert picked_coded["customer_id"].tolist() == picked_text["customer_id"].tolist()
    pd.testing.assert_frame_equal(table_coded, table_text, check_index_type=False)
    assert set(table_text.get("store_id", [])) == {r[0] or "" for r in rows}


def test_budget_is_a_knapsack_not_a_cut_at_the_top():
    # ¥800: the top customer (high, 800, EV 1,000) alone, or two mids (300 each, EV 900 and 800)
    # and four lows (50 each, EV 40) = 1,860. A cut at the top of the list would take 1,000.
    frame = _frame(
        [("S01", "high", 1_000.0), ("S01", "mid", 900.0), ("S01", "mid", 800.0)] + [("S01", "low", 40.0)] * 4
    )
    picked, table = churn.within_capacity(frame, "budget", 800.0)
    assert sorted(picked["expected_value"]) == [40.0] * 4 + [800.0, 900.0]
    assert table.loc[0, "net_value"] == 1_860.0
    assert table.loc[0, "next_value"] == 1_000.0 and table.loc[0, "next_cost"] == 800.0
    # ¥1,600 takes the high one too: 1,860 + 1,000.
    assert table.loc[0, "next_gain"] == 1_000.0


# -- measured success ----------------------------------------------------------------------


def test_measured_success_replaces_the_typed_one_with_enough_evidence(tmp_path):
    from tests.test_results import simulated_database

    db, list_id, truth = simulated_database(
        tmp_path / "ev.duckdb", n=3_000, p_control=0.2, p_treated=0.4, seed=5
    )
    typed = {i.level: i.success for i in churn.INTERVENTIONS}
    evidence = results.success_evidence(db, typed)
    actions, source = churn.measured_interventions(churn.INTERVENTIONS, evidence)
    # Measured by hand per level, from the simulation's own record of who came back.
    levels = db.query_df("SELECT customer_id, level FROM call_list_members").set_index("customer_id")["level"]
    truth = truth.assign(level=truth["customer_id"].map(levels))
    by_level = {a.level: a for a in actions}
    for e in evidence:
        part = truth[truth["level"] == e.level]
        p1, p0 = part.loc[~part["control"], "returned"].mean(), part.loc[part["control"], "returned"].mean()
        measured = (p1 - p0) / (1 - p0)
        if e.low > 0:  # enough evidence: the measured rate is used
            assert source[e.level] == "measured"
            assert by_level[e.level].success == pytest.approx(min(1.0, measured))
        else:
            assert source[e.level] == "typed" and by_level[e.level].success == typed[e.level]
        assert by_level[e.level].cost == {i.level: i.cost for i in churn.INTERVENTIONS}[e.level]
    assert "measured" in source.values()  # a 20-point effect on ~900 per level is seen
    # Switched off, or with no evidence at all: the typed priors.
    off, source_off = churn.measured_interventions(churn.INTERVENTIONS, evidence, use_measured=False)
    assert off == list(churn.INTERVENTIONS) and set(source_off.values()) == {"typed"}
    none, _ = churn.measured_interventions(churn.INTERVENTIONS, [])
    assert none == list(churn.INTERVENTIONS)


def test_harmful_measured_rate_counts_as_zero():
    e = results.MeasuredSuccess("high", 0.78, -0.2, -0.3, -0.1, 500, 60, "lost")
    (high, *_), source = churn.measured_interventions(churn.INTERVENTIONS, [e])
    assert high.success == 0.0 and source["high"] == "measured"
    # EV with it: nobody kept, the cost remains.
    assert churn.expected_value(0.5, high.success, 20_000, high.cost) == -800.0


def test_interventions_in_use_read_the_database(tmp_path):
    from tests.test_results import simulated_database

    db, _, _ = simulated_database(tmp_path / "use.duckdb", n=3_000, p_control=0.2, p_treated=0.4, seed=5)
    typed = {i.level: i.success for i in churn.INTERVENTIONS}
    expected, _ = churn.measured_interventions(churn.INTERVENTIONS, results.success_evidence(db, typed))
    assert churn.interventions_in_use(db) == expected
    assert churn.interventions_in_use(db) != list(churn.INTERVENTIONS)


@settings(max_examples=100, deadline=None)
@given(items=ITEMS, budget=st.floats(0, 3_000).map(lambda x: round(x, 2)))
def test_knapsack_dynamic_programme_matches_brute_force(items, budget):
    values, costs = [v for v, _ in items], [c for _, c in items]
    saved, capacity._COMBINATIONS = capacity._COMBINATIONS, 0  # skip the enumeration: the DP
    try:
        chosen = churn.knapsack(values, costs, budget)
    finally:
        capacity._COMBINATIONS = saved
    assert np.round(np.asarray(costs)[chosen] * 100).sum() <= round(budget * 100) + 1e-9
    assert float(np.asarray(values)[chosen].sum()) == pytest.approx(
        brute_best(values, costs, budget), abs=1e-6
    )
