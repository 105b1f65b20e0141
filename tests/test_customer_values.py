"""Per-customer CLV and the overview's headline, against an independent pandas computation."""
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from clv_engine import clv, overview
from clv_engine.db import READER_CONFIG, Database

AS_OF = date(2026, 11, 30)


@pytest.fixture(scope="module")
def raw(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    orders = con.execute("SELECT * FROM orders").df()
    customers = con.execute("SELECT * FROM customers").df()
    con.close()
    return orders, customers


def test_headline_matches_pandas(sample_db_path, raw):
    orders, customers = raw
    values = clv.customer_values(Database(sample_db_path), AS_OF)
    head = overview.headline(values)
    as_of = pd.Timestamp(AS_OF)
    # The last 12 months include a visit exactly 365 days back (R = 2 in SPEC §2a; issue 12).
    recent = orders[pd.to_datetime(orders.order_date) >= as_of - pd.Timedelta(days=365)]
    assert head.customers == len(customers)
    assert head.active_customers == recent.customer_id.nunique()
    assert head.gross_profit_12m == pytest.approx(recent.gross_profit.sum())


def test_retention_matches_pandas(sample_db_path, raw):
    orders, _ = raw
    d = pd.to_datetime(orders.order_date)
    as_of = pd.Timestamp(AS_OF)
    this_year = set(orders.customer_id[(d > as_of - pd.Timedelta(days=365)) & (d <= as_of)])
    last_year = set(orders.customer_id[(d > as_of - pd.Timedelta(days=730)) & (d <= as_of - pd.Timedelta(days=365))])
    expected = len(this_year & last_year) / len(last_year)
    assert clv.estimate_retention(Database(sample_db_path), AS_OF) == pytest.approx(expected)


def test_clv_formula_for_each_customer(sample_db_path, raw):
    orders, customers = raw
    params = clv.CLVParams(discount_rate=0.1, horizon_years=4, retention=0.8)
    values = clv.customer_values(Database(sample_db_path), AS_OF, params=params).set_index("customer_id")
    gp = orders.groupby("customer_id").gross_profit.sum()
    last = pd.to_datetime(orders.groupby("customer_id").order_date.max())
    c = customers.set_index("customer_id")
    tenure = np.maximum((pd.Timestamp(AS_OF) - pd.to_datetime(c.purchase_date)).dt.days / 365.25, 1.0)
    recency = (pd.Timestamp(AS_OF) - last.reindex(c.index).fillna(pd.to_datetime(c.purchase_date))).dt.days
    factor = sum((0.8 / 1.1) ** t for t in range(1, 5))
    expected = gp.reindex(c.index).fillna(0) / tenure * 0.8 ** (np.clip(recency - 365, 0, None) / 365) * factor
    pd.testing.assert_series_equal(values["clv"].sort_index(), expected.sort_index(), check_names=False, rtol=1e-9)


def test_store_scope_filters_customers(sample_db_path, raw):
    _, customers = raw
    values = clv.customer_values(Database(sample_db_path), AS_OF, store_ids=["S01", "S03"])
    assert len(values) == customers.home_store_id.isin(["S01", "S03"]).sum()


def test_as_of_in_the_past_ignores_later_orders(sample_db_path, raw):
    orders, customers = raw
    past = date(2024, 6, 30)
    values = clv.customer_values(Database(sample_db_path), past)
    assert len(values) == (pd.to_datetime(customers.purchase_date) <= pd.Timestamp(past)).sum()
    mask = pd.to_datetime(orders.order_date) <= pd.Timestamp(past)
    assert values.gross_profit.sum() == pytest.approx(orders.gross_profit[mask].sum())


def test_bad_params_are_rejected(sample_db_path):
    with pytest.raises(ValueError, match="horizon"):
        clv.customer_values(Database(sample_db_path), AS_OF, params=clv.CLVParams(horizon_years=0))


def test_predictive_clv_replaces_clv_and_keeps_customers_without_visits():
    from ui.context import with_predictive_clv

    values = pd.DataFrame({"customer_id": ["a", "b"], "clv": [100.0, 50.0]})
    values.attrs["retention"] = 0.8
    predictions = pd.DataFrame(
        {"customer_id": ["a"], "p_alive": [0.5], "expected_visits": [2.0], "predictive_clv": [300.0]}
    )
    merged = with_predictive_clv(values, predictions)
    assert list(merged["clv"]) == [300.0, 50.0]
    assert list(merged["historical_clv"]) == [100.0, 50.0]
    assert merged.attrs["model"] == "predictive" and merged.attrs["retention"] == 0.8


def test_rows_come_in_customer_order(sample_db_path):
    values = clv.customer_values(Database(sample_db_path), AS_OF)
    assert values["customer_id"].is_monotonic_increasing


def test_one_year_of_data_uses_the_stated_default_retention(tmp_path):
    # A fresh import of one year: nobody had a visit in the year before last, so retention
    # cannot be measured; 0% would value every customer at zero.
    from clv_engine.db import create_database

    path = tmp_path / "one_year.duckdb"
    create_database(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO customers (customer_id, purchase_date) VALUES ('a', DATE '2026-01-10')")
    con.execute("INSERT INTO orders VALUES ('o1', 'a', DATE '2026-03-01', NULL, NULL, 1000, 400), "
                "('o2', 'a', DATE '2026-09-01', NULL, NULL, 1000, 400)")
    con.close()
    values = clv.customer_values(Database(path), AS_OF, params=clv.CLVParams(discount_rate=0.1, horizon_years=2))
    assert values.attrs["retention"] == clv.DEFAULT_RETENTION == 0.85
    assert values.attrs["retention_source"] == "default"
    # 800 gross profit over one (minimum) year, r = 0.85, d = 10%, 2 years.
    q = 0.85 / 1.1
    assert values["clv"].iloc[0] == pytest.approx(800 * (q + q**2))
