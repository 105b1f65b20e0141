"""The shared data path (issue 14): one merged customer frame per key, handed out as cheap
copies that a caller may change; the KPI's CLV per store summed inside DuckDB."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from clv_engine import clv, kpi
from clv_engine.db import Database
from ui import context as uc
from ui import queries


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


@pytest.fixture(scope="module")
def end(db) -> date:
    return db.query_value("SELECT max(order_date) FROM orders")


def _context(db, end, model="predictive", params=clv.CLVParams()) -> uc.Context:
    return uc.Context(lang="en", db=db, as_of=end, store_ids=None, clv_params=params, clv_model=model)


# -- the KPI's CLV per store against a brute-force pandas sum ----------------------------------


@pytest.mark.parametrize(
    "params",
    [clv.CLVParams(), clv.CLVParams(discount_rate=0.0, horizon_years=10), clv.CLVParams(retention=0.6)],
)
@pytest.mark.parametrize("back_days", [0, 365, 500])
def test_store_clv_is_the_sum_of_customer_clv(db, end, params, back_days):
    as_of = end - timedelta(days=back_days)
    values = clv.customer_values(db, as_of, None, params)
    # Brute force: every customer's own CLV, summed per home store in pandas.
    expected = values.dropna(subset=["home_store_id"]).groupby("home_store_id")["clv"].agg(["sum", "size"])
    got = kpi.store_clv(db, as_of, params).set_index("store_id").sort_index()
    assert list(got.index) == sorted(expected.index)
    assert np.allclose(got["clv_total"], expected.loc[got.index, "sum"], rtol=1e-9, atol=1e-6)
    assert (got["customers"].to_numpy() == expected.loc[got.index, "size"].to_numpy()).all()
    assert got["clv_total"].sum() > 0


def test_raw_kpis_clv_growth_from_customer_sums(db, end):
    raw = kpi.raw_kpis(db, [end]).set_index("store_id")
    now = clv.customer_values(db, end).groupby("home_store_id")["clv"].sum()
    before = clv.customer_values(db, kpi.year_before(end)).groupby("home_store_id")["clv"].sum()
    for store in now.index:
        assert raw.loc[store, "clv_total"] == pytest.approx(now[store], rel=1e-9)
        assert raw.loc[store, "clv_growth"] == pytest.approx(now[store] / before[store] - 1, rel=1e-9)


# -- one shared frame, handed out as copies --------------------------------------------------


def test_a_caller_changing_its_frame_does_not_change_the_next(db, end):
    ctx = _context(db, end)
    first = ctx.customer_values()
    assert first.attrs["model"] == "predictive"
    pristine = first.copy(deep=True)
    attrs = dict(first.attrs)
    # What pages do to their frame: add a column, overwrite one, write a cell, change attrs.
    first["x"] = 1.0
    first["clv"] = 0.0
    first.loc[first.index[0], "gross_profit"] = -1.0
    first.attrs["model"] = "changed"
    first.sort_values("customer_id", ascending=False, inplace=True)
    second = ctx.customer_values()
    assert "x" not in second.columns
    pd.testing.assert_frame_equal(second, pristine)
    assert second.attrs["model"] == attrs["model"] == "predictive"


def test_reruns_share_one_computed_frame(db, end):
    ctx = _context(db, end)
    a, b = ctx.customer_values(), ctx.customer_values()
    assert a is not b
    # The same memory behind both: no merge, no unpickling on a rerun.
    assert np.shares_memory(a["clv"].to_numpy(), b["clv"].to_numpy())
    assert np.shares_memory(a["p_alive"].to_numpy(), b["p_alive"].to_numpy())


def test_models_and_params_are_kept_apart(db, end):
    predictive = _context(db, end).customer_values()
    historical = _context(db, end, "historical").customer_values()
    assert historical.attrs["model"] == "historical"
    assert "p_alive" not in historical.columns
    # The historical frame's CLV is the engine's own figure, the predictive frame keeps it too.
    engine = clv.customer_values(db, end)
    assert np.allclose(historical["clv"], engine["clv"])
    assert np.allclose(
        predictive.set_index("customer_id")["historical_clv"], engine.set_index("customer_id")["clv"]
    )
    longer = _context(db, end, params=clv.CLVParams(horizon_years=10)).customer_values()
    assert longer["clv"].sum() > predictive["clv"].sum()


def test_shared_predictions_and_fit_are_copies(db, end):
    model = queries.fitted_model(db, end)
    model.summary["frequency"] = -1.0
    assert (queries.fitted_model(db, end).summary["frequency"] >= 0).all()
    frame = queries.predictions(db, end, 5, 0.12)
    frame["predictive_clv"] = 0.0
    assert queries.predictions(db, end, 5, 0.12)["predictive_clv"].sum() > 0


def test_historical_values_are_the_engines_and_a_copy(db, end):
    params = clv.CLVParams()
    frame = queries.historical_values(db, end, None, params)
    pd.testing.assert_frame_equal(frame, clv.customer_values(db, end, None, params))
    frame["clv"] = 0.0
    assert queries.historical_values(db, end, None, params)["clv"].sum() > 0
    scoped = queries.historical_values(db, end, ("S01",), params)
    assert set(scoped["home_store_id"]) == {"S01"}


def test_raw_kpi_windows_match_pandas_on_several_dates(db, end):
    """The window sums, active customers and retention of the KPI table, by brute force."""
    dates = kpi.month_ends(end, 3) + [end - timedelta(days=400)]
    raw = kpi.raw_kpis(db, dates).set_index(["store_id", "as_of"])
    orders = db.query_df("SELECT customer_id, store_id, order_date, revenue FROM orders")
    home = db.query_df("SELECT customer_id, home_store_id FROM customers")
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    orders = orders.merge(home, on="customer_id", how="left")
    for d in sorted(set(dates)):
        ts = pd.Timestamp(d)
        year = orders[(orders.order_date > ts - pd.Timedelta(days=365)) & (orders.order_date <= ts)]
        before = orders[
            (orders.order_date > ts - pd.Timedelta(days=730))
            & (orders.order_date <= ts - pd.Timedelta(days=365))
        ]
        for store, rows in year.groupby("store_id"):
            got = raw.loc[(store, d)]
            assert got["orders"] == len(rows)
            assert got["active_customers"] == rows["customer_id"].nunique()
            assert got["revenue"] == pytest.approx(rows["revenue"].sum(), rel=1e-9)
        came = set(year["customer_id"])
        for store, rows in before.groupby("home_store_id"):
            base = set(rows["customer_id"])
            got = raw.loc[(store, d)]
            assert got["retention_base"] == len(base)
            assert got["retention"] == pytest.approx(len(base & came) / len(base), rel=1e-12)
