"""Predictive CLV from the order table: the DuckDB summary, the product API, the holdout."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clv_engine.db import Database
from clv_engine.models import BGNBDParams, expected_visits, p_alive
from clv_engine.predictive import (
    PREDICTION_COLUMNS,
    FitError,
    customer_predictions,
    fit_predictive_model,
    holdout_check,
    p_alive_drops,
    predictive_customer_values,
    rfm_summary,
    visit_grid,
)
from tests.helpers import Table, make_db
from wording.predictive import fit_error_text


def _database(path: Path, orders: list[tuple], customers: list[tuple] = ()) -> Database:
    # Orders as a DataFrame go in bulk: executemany is row by row and takes half a minute here.
    frame = pd.DataFrame(orders, columns=["order_id", "customer_id", "order_date", "revenue", "gross_profit"])
    make_db(path, orders=frame, customers=Table(("customer_id", "name", "home_store_id"), customers))
    return Database(path)


@pytest.fixture()
def small_db(tmp_path: Path) -> Database:
    orders = [
        # A: first visit 1 Jan; two orders on 15 Jan are one visit; 1 Mar; a refund-only day
        # (1 Apr) is not a visit; 10 Jul is after the as-of date.
        ("o1", "A", date(2024, 1, 1), 500.0, 200.0),
        ("o2", "A", date(2024, 1, 15), 300.0, 100.0),
        ("o3", "A", date(2024, 1, 15), 100.0, 40.0),
        ("o4", "A", date(2024, 3, 1), 800.0, 260.0),
        ("o5", "A", date(2024, 4, 1), -200.0, -60.0),
        ("o6", "A", date(2024, 7, 10), 900.0, 300.0),
        ("o7", "B", date(2024, 5, 20), 400.0, 120.0),  # one visit only
        ("o8", "C", date(2024, 8, 1), 400.0, 120.0),  # first seen after as-of
    ]
    return _database(
        tmp_path / "small.duckdb", orders, [("A", "Ann", "S01"), ("B", "Bo", "S02"), ("C", "Cy", "S01")]
    )


def test_rfm_summary_by_hand(small_db):
    as_of = date(2024, 6, 30)
    s = rfm_summary(small_db, as_of, time_unit_days=7).set_index("customer_id")
    assert list(s.index) == ["A", "B"]
    a, b = s.loc["A"], s.loc["B"]
    assert a["frequency"] == 2  # 15 Jan and 1 Mar after 1 Jan
    assert a["recency"] == pytest.approx(60 / 7)  # 1 Jan -> 1 Mar 2024 = 60 days
    assert a["T"] == pytest.approx(181 / 7)  # 1 Jan -> 30 Jun = 181 days
    assert a["mean_gp_per_visit"] == pytest.approx((140 + 260) / 2)
    assert a["mean_revenue_per_visit"] == pytest.approx((400 + 800) / 2)
    assert (a["name"], a["home_store_id"]) == ("Ann", "S01")
    assert (b["frequency"], b["recency"], b["mean_gp_per_visit"]) == (0, 0, 0)
    assert b["T"] == pytest.approx(41 / 7)
    # Days as the unit.
    d = rfm_summary(small_db, as_of, time_unit_days=1).set_index("customer_id")
    assert d.loc["A", "recency"] == 60 and d.loc["A", "T"] == 181


def test_rfm_summary_with_holdout_by_hand(small_db):
    s = rfm_summary(
        small_db, date(2024, 7, 31), time_unit_days=7, calibration_end=date(2024, 2, 15)
    ).set_index("customer_id")
    assert list(s.index) == ["A"]  # B, C first seen after calibration
    a = s.loc["A"]
    assert a["frequency"] == 1 and a["recency"] == pytest.approx(2.0)
    assert a["T"] == pytest.approx(45 / 7)  # 1 Jan -> 15 Feb
    assert a["mean_gp_per_visit"] == pytest.approx(140)
    assert a["holdout_visits"] == 2  # 1 Mar and 10 Jul (not the refund)
    assert a["holdout_gp"] == pytest.approx(260 + 300)


def test_bad_dates_and_units_are_named(small_db):
    with pytest.raises(ValueError, match="as_of"):
        rfm_summary(small_db, "30/06/2024")
    with pytest.raises(ValueError, match="time_unit_days"):
        rfm_summary(small_db, date(2024, 6, 30), time_unit_days=0)
    with pytest.raises(ValueError, match="calibration_end"):
        rfm_summary(small_db, date(2024, 6, 30), calibration_end=date(2024, 7, 1))
    with pytest.raises(ValueError, match="calibration_end"):
        holdout_check(small_db, date(2024, 7, 1), date(2024, 6, 30))


def test_too_little_data_raises_fit_error(small_db):
    with pytest.raises(FitError) as err:
        predictive_customer_values(small_db, date(2024, 6, 30), 5, 0.12)
    assert err.value.reason == "too_few_customers"
    assert "Too few customers" in fit_error_text(err.value, "en")
    with pytest.raises(FitError) as err:
        predictive_customer_values(small_db, date(2023, 6, 30), 5, 0.12)
    assert err.value.reason == "no_customers"


# --- end to end on orders simulated from BG/NBD ---------------------------------------------

TRUE = BGNBDParams(r=2.0, alpha=30.0, a=0.6, b=4.0)  # weeks; about 3.5 visits a year


def _simulated_orders(n: int, seed: int, start: date, end: date) -> list[tuple]:
    """Each customer: first visit on a random day of the first year; then visits as a Poisson
    process with rate λ (per week); after each repeat visit the customer drops out with
    probability p. Written out visit by visit, independently of the engine's simulator."""
    rng = np.random.default_rng(seed)
    horizon_days = (end - start).days
    rows = []
    for i in range(n):
        lam = rng.gamma(TRUE.r, 1 / TRUE.alpha) / 7.0  # per day
        p = rng.beta(TRUE.a, TRUE.b)
        day = float(rng.integers(0, 365))
        gp = rng.gamma(4.0, 100.0)
        k = 0
        while day <= horizon_days:
            rows.append(
                (
                    f"o{i}_{k}",
                    f"C{i:05d}",
                    start + timedelta(days=int(day)),
                    gp * 2.5,
                    gp * rng.gamma(10, 0.1),
                )
            )
            k += 1
            if k > 1 and rng.random() < p:
                break
            day += max(1.0, rng.exponential(1 / lam)) if lam > 0 else np.inf
    return rows


@pytest.fixture(scope="module")
def simulated_db(tmp_path_factory) -> Database:
    path = tmp_path_factory.mktemp("pred") / "sim.duckdb"
    return _database(path, _simulated_orders(4_000, 3, date(2021, 1, 1), date(2024, 12, 31)))


def test_fit_on_simulated_orders_recovers_parameters(simulated_db):
    model = fit_predictive_model(simulated_db, date(2023, 12, 31))
    fit = model.visits
    z = (np.array(fit.params) - np.array(TRUE)) / np.array(fit.standard_errors)
    # Visits are whole days (same-day repeats merge, the gap is at least a day), so allow a
    # little bias beyond pure sampling error.
    assert np.all(np.abs(z) < 4), dict(zip(TRUE._fields, z))
    assert model.spend.n_customers > 1000
    assert model.units_per_year == pytest.approx(365.25 / 7)


def test_holdout_check_on_simulated_orders(simulated_db):
    check = holdout_check(simulated_db, date(2023, 12, 31), date(2024, 12, 31), max_visits=7)
    assert check.holdout_length == pytest.approx(366 / 7)
    table = check.table
    assert list(table["calibration_visits"]) == list(range(8))
    assert table["customers"].sum() == check.visits.n_customers
    assert check.predicted_total == pytest.approx(check.actual_total, rel=0.08)
    # Expected visits rise with past visits, in the forecast and in what happened.
    assert table["predicted"].iloc[-1] > table["predicted"].iloc[0]
    assert table["actual"].iloc[-1] > table["actual"].iloc[0]


# --- the product API on the sample database ---------------------------------------------------


@pytest.fixture(scope="module")
def sample_db(sample_db_path) -> Database:
    return Database(sample_db_path)


@pytest.fixture(scope="module")
def as_of(sample_db) -> date:
    return sample_db.query_value("SELECT max(order_date) FROM orders")


def test_predictive_customer_values_on_sample(sample_db, as_of):
    frame = predictive_customer_values(sample_db, as_of, horizon_years=5, discount_rate=0.12)
    assert list(frame.columns) == PREDICTION_COLUMNS
    visitors = sample_db.query_value(
        "SELECT count(DISTINCT customer_id) FROM orders WHERE order_date <= ? AND revenue > 0", [as_of]
    )
    assert len(frame) == visitors and frame["customer_id"].is_unique
    assert frame["p_alive"].between(0, 1).all()
    assert (frame["expected_visits"] >= 0).all()
    assert frame[PREDICTION_COLUMNS[1:]].notna().all().all()
    # Discounting only lowers the value; with a zero rate it is visits × value per visit.
    assert (frame["predictive_clv"] <= frame["expected_visits"] * frame["expected_gp_per_visit"] + 1e-9).all()
    flat = predictive_customer_values(sample_db, as_of, horizon_years=5, discount_rate=0.0)
    np.testing.assert_allclose(
        flat["predictive_clv"], flat["expected_visits"] * flat["expected_gp_per_visit"], rtol=1e-10
    )
    # A longer horizon never predicts fewer visits.
    longer = predictive_customer_values(sample_db, as_of, horizon_years=10, discount_rate=0.12)
    assert (longer["expected_visits"].to_numpy() >= frame["expected_visits"].to_numpy() - 1e-12).all()


def test_store_scope_selects_rows_of_the_same_fit(sample_db, as_of):
    full = predictive_customer_values(sample_db, as_of, 5, 0.12).set_index("customer_id")
    stores = sample_db.query_df("SELECT customer_id, home_store_id FROM customers")
    scoped = predictive_customer_values(sample_db, as_of, 5, 0.12, store_ids=["S01", "S02"])
    expected_ids = set(stores.loc[stores.home_store_id.isin(["S01", "S02"]), "customer_id"]) & set(full.index)
    assert set(scoped["customer_id"]) == expected_ids
    pd.testing.assert_frame_equal(scoped.set_index("customer_id"), full.loc[scoped["customer_id"]])


def test_predictions_follow_the_model_formulas(sample_db, as_of):
    model = fit_predictive_model(sample_db, as_of)
    frame = customer_predictions(model, 1.0, 0.0)
    s = model.summary
    np.testing.assert_allclose(frame["p_alive"], p_alive(model.visits, s.frequency, s.recency, s["T"]))
    np.testing.assert_allclose(
        frame["expected_visits"], expected_visits(model.visits, 365.25 / 7, s.frequency, s.recency, s["T"])
    )
    assert {"name", "home_store_id", "last_visit"} <= set(frame.columns)


def test_visit_grid(sample_db, as_of):
    model = fit_predictive_model(sample_db, as_of)
    grid = visit_grid(model.visits, T=100.0, horizon=52.0, max_frequency=10, recency_steps=11)
    assert grid.expected_visits.shape == grid.p_alive.shape == (11, 11)
    assert np.isnan(grid.p_alive[0, 1:]).all() and grid.p_alive[0, 0] == 1.0
    # For a fixed frequency, a more recent last visit means more alive and more visits.
    assert np.all(np.diff(grid.p_alive[5]) > 0)
    assert np.all(np.diff(grid.expected_visits[5]) > 0)
    # The last column (last visit just now) matches the point prediction.
    assert grid.p_alive[5, -1] == pytest.approx(p_alive(model.visits, 5, 100.0, 100.0)[0])
    with pytest.raises(ValueError, match="T"):
        visit_grid(model.visits, T=0, horizon=52.0)


def test_p_alive_drops(sample_db, as_of):
    model = fit_predictive_model(sample_db, as_of)
    drops = p_alive_drops(sample_db, model, lookback_days=90, top=15)
    assert len(drops) == 15
    assert drops["change"].is_monotonic_increasing
    np.testing.assert_allclose(drops["change"], drops["p_alive"] - drops["p_alive_before"])
    assert (drops["change"] < 0).all()
    # Recompute one customer by hand from the orders as they were 90 days before.
    earlier = rfm_summary(sample_db, as_of - timedelta(days=90)).set_index("customer_id")
    row = drops.iloc[0]
    e = earlier.loc[row["customer_id"]]
    assert row["p_alive_before"] == pytest.approx(
        p_alive(model.visits, e["frequency"], e["recency"], e["T"])[0]
    )
    with pytest.raises(ValueError, match="lookback_days"):
        p_alive_drops(sample_db, model, lookback_days=0)


def test_the_app_wide_clv_follows_the_model_choice():
    from clv_engine.predictive import values_for_model

    # Independent figures: customer a has a fit (300), b has no visit (keeps 50).
    values = pd.DataFrame({"customer_id": ["a", "b"], "clv": [100.0, 50.0]})
    values.attrs["retention"] = 0.8
    predictions = pd.DataFrame(
        {"customer_id": ["a"], "p_alive": [0.5], "expected_visits": [2.0], "predictive_clv": [300.0]}
    )
    predictive = values_for_model(values, "predictive", predictions)
    assert list(predictive["clv"]) == [300.0, 50.0]
    assert list(predictive["historical_clv"]) == [100.0, 50.0]
    assert predictive.attrs == {"retention": 0.8, "model": "predictive"}
    for model, given in (("historical", predictions), ("predictive", None)):  # chosen, or no fit
        historical = values_for_model(values, model, given)
        assert list(historical["clv"]) == [100.0, 50.0] and "p_alive" not in historical
        assert historical.attrs == {"retention": 0.8, "model": "historical"}
    assert "model" not in values.attrs  # the input is not changed
    with pytest.raises(ValueError, match="model"):
        values_for_model(values, "magic", predictions)
