"""Cohorts and per-customer LTV at a horizon: hand cases on a tiny database, and the sample
database against an independent pandas computation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from clv_engine import clv, cohorts
from clv_engine.cohorts import LtvParams
from clv_engine.db import READER_CONFIG, Database
from tests.helpers import Table, make_db

AS_OF = date(2023, 6, 30)


def _tiny_db(path: Path) -> Database:
    """Four customers whose LTV is worked out by hand below (only customers, orders, stores)."""
    orders = [
        # A: years 1, 2, 3 complete, the fourth in progress (2023-03-01 is day 1155).
        ["a1", "A", date(2020, 3, 1), 200.0, 100.0],
        ["a2", "A", date(2021, 2, 1), 400.0, 200.0],
        ["a3", "A", date(2022, 6, 1), 600.0, 300.0],
        ["a4", "A", date(2023, 3, 1), 800.0, 400.0],
        # B: older than the horizon; one order a year in years 1..6 (gross profit 10, 20, ...).
        *[[f"b{k}", "B", date(2015 + k - 1, 6, 1), 100.0 * k, 10.0 * k] for k in range(1, 7)],
        # D: one visit, then gone for over two years.
        ["d1", "D", date(2021, 3, 1), 1000.0, 500.0],
    ]
    make_db(
        path,
        stores=[["S1", "One", "East", "Shanghai"], ["S2", "Two", "West", "Chengdu"]],
        customers=Table(
            ("customer_id", "home_store_id", "channel", "vehicle_model", "purchase_date"),
            [
                ["A", "S1", "referral", "X5", date(2020, 1, 1)],
                ["B", "S1", "show", "X5", date(2015, 1, 1)],
                ["C", "S2", "referral", "S7", date(2023, 1, 1)],
                ["D", "S2", "dealer_tv", "S7", date(2021, 1, 1)],
            ],
        ),
        orders=Table(("order_id", "customer_id", "order_date", "revenue", "gross_profit"), orders),
    )
    return Database(path)


@pytest.fixture()
def tiny(tmp_path: Path) -> Database:
    return _tiny_db(tmp_path / "tiny.duckdb")


PARAMS = LtvParams(horizon_years=5, discount_rate=0.10, retention=0.8)


def test_customer_ltv_by_hand(tiny):
    got = cohorts.customer_ltv(tiny, AS_OF, PARAMS).set_index("customer_id")
    r, d = 0.8, 0.10

    # A: 1,276 days old = 3 completed years; year 4 and 5 are expected.
    tenure_a = (AS_OF - date(2020, 1, 1)).days / 365.25
    realised_a = 100 / 1.1 + 200 / 1.1**2 + 300 / 1.1**3
    annual_a = 1000 / tenure_a
    # last visit 121 days ago: still "alive" (no gap beyond a year)
    expected_a = annual_a * (r / (1 + d) ** 4 + r**2 / (1 + d) ** 5)
    assert got.loc["A", "completed_years"] == 3
    assert got.loc["A", "realised_pv"] == pytest.approx(realised_a)
    assert got.loc["A", "expected_pv"] == pytest.approx(expected_a)
    assert got.loc["A", "ltv"] == pytest.approx(realised_a + expected_a)

    # B: 8 years old; only the first 5 years count, nothing expected.
    realised_b = sum(10 * k / 1.1**k for k in range(1, 6))
    assert got.loc["B", "ltv"] == pytest.approx(realised_b)
    assert got.loc["B", "expected_pv"] == pytest.approx(0.0)

    # C: half a year old, no visit: nothing realised, nothing to project from.
    assert got.loc["C", "completed_years"] == 0
    assert got.loc["C", "ltv"] == 0

    # D: 910 days = 2 completed years; last visit 851 days ago, so 1.33 years of gap.
    tenure_d = (AS_OF - date(2021, 1, 1)).days / 365.25
    alive = r ** ((851 - 365) / 365)
    expected_d = 500 / tenure_d * alive * sum(r**j / (1 + d) ** (2 + j) for j in range(1, 4))
    assert got.loc["D", "ltv"] == pytest.approx(500 / 1.1 + expected_d)


def test_estimated_retention_is_the_engines(tiny):
    got = cohorts.customer_ltv(tiny, AS_OF, LtvParams(horizon_years=5, discount_rate=0.1))
    assert got.attrs["retention"] == clv.estimate_retention(tiny, AS_OF)


def test_cohort_summary_by_hand(tiny):
    s = cohorts.cohort_summary(tiny, AS_OF, "channel", PARAMS, return_window_days=540).set_index("cohort")
    assert s.loc["referral", "customers"] == 2
    # first-year spend: only A has completed year 1 among referral customers (C is 0.5 years)
    assert s.loc["referral", "first_year_spend"] == pytest.approx(200.0)
    # A came back 337 days after the first visit (within 540); C has no visit: not eligible
    assert s.loc["referral", "first_service_return"] == pytest.approx(1.0)
    # D's only visit is 851 days old and never repeated
    assert s.loc["dealer_tv", "first_service_return"] == pytest.approx(0.0)
    assert s.loc["referral", "repeat_rate"] == pytest.approx(0.5)  # A yes, C no
    ltv = cohorts.customer_ltv(tiny, AS_OF, PARAMS).set_index("customer_id")["ltv"]
    assert s.loc["referral", "ltv"] == pytest.approx((ltv["A"] + ltv["C"]) / 2)
    assert s.loc["show", "total_ltv"] == pytest.approx(ltv["B"])


def test_return_window_decides_who_returned(tiny):
    short = cohorts.cohort_summary(tiny, AS_OF, "channel", PARAMS, return_window_days=300).set_index("cohort")
    assert short.loc["referral", "first_service_return"] == pytest.approx(0.0)  # 337 days > 300


def test_cohort_years_by_hand(tiny):
    y = cohorts.cohort_years(tiny, AS_OF, "vehicle_model", PARAMS)
    x5 = y[y["cohort"] == "X5"].set_index("year")
    # X5 = A (3 completed years) and B (8): years 1-3 reached by both, 4-8 by B only.
    assert list(x5["reached"]) == [2, 2, 2, 1, 1, 1, 1, 1]
    assert list(x5["active"]) == [2, 2, 2, 1, 1, 1, 0, 0]
    assert x5.loc[1, "gp_per_customer"] == pytest.approx((100 + 10) / 2)
    assert x5.loc[4, "retention"] == pytest.approx(1.0)
    assert x5.loc[7, "retention"] == pytest.approx(0.0)
    # cumulative = Σ per-year averages: 55 + 110 + 165 + 40 + 50 + 60
    assert x5.loc[6, "cumulative_gp"] == pytest.approx(55 + 110 + 165 + 40 + 50 + 60)
    s7 = y[y["cohort"] == "S7"].set_index("year")
    assert list(s7["reached"]) == [1, 1]  # D only (C has not completed a year)
    assert list(s7["retention"]) == [1.0, 0.0]


def test_payback_year(tiny):
    y = cohorts.cohort_years(tiny, AS_OF, "vehicle_model", PARAMS)
    payback = cohorts.cohort_payback_year(y, pd.Series({"X5": 300.0, "S7": 10_000.0}))
    assert payback["X5"] == 3  # 55, 165, 330 ≥ 300
    assert np.isnan(payback["S7"])  # never reached


def test_store_scope(tiny):
    s = cohorts.cohort_summary(tiny, AS_OF, "region", PARAMS, store_ids=["S2"])
    assert list(s["cohort"]) == ["West"]
    assert list(s["customers"]) == [2]


def test_channel_mix(tiny):
    mix = cohorts.cohort_channel_mix(tiny, AS_OF, "vehicle_model", PARAMS)
    assert mix.to_dict("records") == [
        {"cohort": "S7", "channel": "dealer_tv", "purchase_year": 2021, "customers": 1},
        {"cohort": "S7", "channel": "referral", "purchase_year": 2023, "customers": 1},
        {"cohort": "X5", "channel": "referral", "purchase_year": 2020, "customers": 1},
        {"cohort": "X5", "channel": "show", "purchase_year": 2015, "customers": 1},
    ]


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda db: cohorts.cohort_summary(db, AS_OF, "colour"), "dimension"),
        (lambda db: cohorts.customer_ltv(db, AS_OF, LtvParams(horizon_years=0)), "horizon_years"),
        (lambda db: cohorts.customer_ltv(db, AS_OF, LtvParams(discount_rate=1.5)), "discount_rate"),
        (lambda db: cohorts.customer_ltv(db, AS_OF, LtvParams(retention=2.0)), "retention"),
        (lambda db: cohorts.cohort_summary(db, AS_OF, "channel", return_window_days=0), "return_window_days"),
    ],
)
def test_bad_input_names_the_field(tiny, call, field):
    with pytest.raises(ValueError, match=field):
        call(tiny)


# -- the sample database against pandas ----------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    customers = con.execute("SELECT * FROM customers").df()
    orders = con.execute("SELECT * FROM orders").df()
    stores = con.execute("SELECT * FROM stores").df()
    end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    con.close()
    return customers, orders, stores, end


def _come_back_weights(path, as_of, r) -> dict:
    """What a customer away k whole years keeps, from the pandas backtest of
    tests/test_customer_values: the come-back rate ÷ r (capped at 1) where at least 30
    customers were measured, else the nearest shorter measured rate, else None (r^gap)."""
    from tests.test_customer_values import backtest_by_hand

    table = backtest_by_hand(path, as_of)
    weights, rate = {}, None
    for k in (1, 2, 3):
        customers, returned = table.loc[k, "customers"], table.loc[k, "returned"]
        if customers >= 30:
            rate = returned / customers
        weights[k] = None if rate is None else min(rate, r) / r
    return weights


def _pandas_ltv(customers, orders, stores, as_of, h, d, r, weights=None):
    """The module docstring's LTV, written again with pandas and numpy loops."""
    as_of = pd.Timestamp(as_of)
    orders = orders[pd.to_datetime(orders["order_date"]) <= as_of]
    c = customers.merge(
        stores[["store_id", "region"]], left_on="home_store_id", right_on="store_id", how="left"
    )
    first = orders.groupby("customer_id")["order_date"].min()
    c["start"] = pd.to_datetime(c["purchase_date"]).fillna(pd.to_datetime(c["customer_id"].map(first)))
    c = c[c["start"] <= as_of].copy()
    c["tenure_days"] = (as_of - c["start"]).dt.days
    c["n"] = np.floor(c["tenure_days"] / 365.25).astype(int)
    o = orders.merge(c[["customer_id", "start", "n"]], on="customer_id")
    o["k"] = (
        np.maximum(np.floor((pd.to_datetime(o["order_date"]) - o["start"]).dt.days / 365.25), 0).astype(int)
        + 1
    )
    counted = o[o["k"] <= np.minimum(o["n"], h)]
    realised = (counted["gross_profit"] / (1 + d) ** counted["k"]).groupby(counted["customer_id"]).sum()
    gp = o.groupby("customer_id")["gross_profit"].sum()
    last = pd.to_datetime(o.groupby("customer_id")["order_date"].max())
    c["gp"] = c["customer_id"].map(gp).fillna(0.0)
    c["annual"] = c["gp"] / np.maximum(c["tenure_days"] / 365.25, 1)
    recency = (as_of - c["customer_id"].map(last).fillna(c["start"])).dt.days
    alive = r ** (np.maximum(recency - 365, 0) / 365.0)
    if weights:
        years = np.minimum(np.ceil(recency / 365.0) - 1, 3).clip(lower=0).astype(int)
        kept = years.map(lambda k: weights.get(k) if k >= 1 else 1.0)
        alive = kept.where(kept.notna(), alive).astype(float)
    expected = []
    for n, a, al in zip(c["n"], c["annual"], alive):
        expected.append(a * al * sum(r**j / (1 + d) ** (n + j) for j in range(1, max(h - n, 0) + 1)))
    c["ltv"] = c["customer_id"].map(realised).fillna(0.0) + np.array(expected)
    c["purchase_year"] = c["start"].dt.year
    return c, o


def test_sample_cohort_ltv_matches_pandas(sample_db_path, sample):
    customers, orders, stores, end = sample
    db = Database(sample_db_path)
    params = LtvParams(horizon_years=7, discount_rate=0.12, retention=0.85)
    weights = _come_back_weights(sample_db_path, end, 0.85)
    assert any(w is not None for w in weights.values())
    c, _ = _pandas_ltv(customers, orders, stores, end, 7, 0.12, 0.85, weights)
    for dim in ("purchase_year", "channel", "region", "vehicle_model"):
        got = cohorts.cohort_summary(db, end, dim, params).set_index("cohort")
        want = c.groupby(dim)["ltv"].mean()
        assert set(got.index) == set(want.index)
        for key, value in want.items():
            assert got.loc[key, "ltv"] == pytest.approx(value, rel=1e-9)
        assert got["customers"].to_dict() == c.groupby(dim).size().to_dict()


def test_sample_retention_matches_pandas(sample_db_path, sample):
    customers, orders, stores, end = sample
    db = Database(sample_db_path)
    c, o = _pandas_ltv(customers, orders, stores, end, 7, 0.12, 0.85)
    got = cohorts.cohort_years(db, end, "purchase_year").set_index(["cohort", "year"])
    active = o[o["k"] <= o["n"]].merge(c[["customer_id", "purchase_year"]], on="customer_id")
    checked = 0
    for year in sorted(c["purchase_year"].unique()):
        cohort = c[c["purchase_year"] == year]
        for k in range(1, int(cohort["n"].max()) + 1):
            reached = cohort[cohort["n"] >= k]
            came = active[(active["purchase_year"] == year) & (active["k"] == k)]["customer_id"].nunique()
            assert got.loc[(year, k), "reached"] == len(reached)
            assert got.loc[(year, k), "retention"] == pytest.approx(came / len(reached))
            checked += 1
    assert checked > 20


def test_sample_first_year_spend_matches_pandas(sample_db_path, sample):
    customers, orders, stores, end = sample
    db = Database(sample_db_path)
    c, o = _pandas_ltv(customers, orders, stores, end, 7, 0.12, 0.85)
    first_year = o[o["k"] == 1].groupby("customer_id")["revenue"].sum()
    done = c[c["n"] >= 1].copy()
    done["y1"] = done["customer_id"].map(first_year).fillna(0.0)
    want = done.groupby("channel")["y1"].mean()
    got = cohorts.cohort_summary(db, end, "channel").set_index("cohort")["first_year_spend"]
    for key, value in want.items():
        assert got[key] == pytest.approx(value)


def test_cohort_ltv_weighs_absent_customers_as_the_clv_does(sample_db_path):
    """One definition of what an absent customer keeps: the cohort LTV's weight equals the
    per-customer CLV's absence weight (measured come-back rate, else r^gap) for every customer."""
    import numpy as np

    from clv_engine import clv as clv_module
    from clv_engine.cohorts import customer_ltv

    db = Database(sample_db_path)
    as_of = date(2026, 11, 30)
    frame = customer_ltv(db, as_of)
    rates = clv_module.return_rates(db, as_of)
    expected = clv_module.absence_weight(
        frame["recency_days"].to_numpy(dtype=float), frame.attrs["retention"], rates
    )
    assert (frame["recency_days"] > 365).sum() > 20
    np.testing.assert_allclose(frame["absence_weight"].to_numpy(dtype=float), expected, rtol=1e-12)
