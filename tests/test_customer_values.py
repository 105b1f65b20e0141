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
    recent = orders[pd.to_datetime(orders.order_date) >= as_of - pd.Timedelta(days=365)]
    days = days_since_activity(orders, customers, as_of)
    assert head.customers == len(customers)
    assert head.active_customers == (days <= 365).sum()
    assert head.lapsing_customers == ((days > 365) & (days <= 730)).sum()
    assert head.lapsed_customers == (days > 730).sum()
    assert head.gross_profit_12m == pytest.approx(recent.gross_profit.sum())


def test_retention_matches_pandas(sample_db_path, raw):
    orders, _ = raw
    d = pd.to_datetime(orders.order_date)
    as_of = pd.Timestamp(AS_OF)
    this_year = set(orders.customer_id[(d > as_of - pd.Timedelta(days=365)) & (d <= as_of)])
    last_year = set(
        orders.customer_id[(d > as_of - pd.Timedelta(days=730)) & (d <= as_of - pd.Timedelta(days=365))]
    )
    expected = len(this_year & last_year) / len(last_year)
    assert clv.estimate_retention(Database(sample_db_path), AS_OF) == pytest.approx(expected)


def days_since_activity(
    orders: pd.DataFrame, customers: pd.DataFrame, as_of: pd.Timestamp, up_to: pd.Timestamp | None = None
) -> pd.Series:
    """Days from the later of the last order (up to ``up_to``) and the purchase to ``as_of``."""
    up_to = as_of if up_to is None else up_to
    d = pd.to_datetime(orders.order_date)
    last = pd.to_datetime(orders[d <= up_to].groupby("customer_id").order_date.max())
    c = customers.set_index("customer_id")
    latest = pd.concat([last.reindex(c.index), pd.to_datetime(c.purchase_date)], axis=1).max(axis=1)
    return (as_of - latest).dt.days


def backtest_by_hand(path, as_of=None) -> pd.DataFrame:
    """The come-back backtest in pandas: at R = as_of − 365 days, customers known then and
    absent k whole years (366-730 days: 1, 731-1,095: 2, more: 3), and how many of them
    had an order in (R, as_of]. Indexed by k."""
    con = duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    orders = con.execute("SELECT * FROM orders").df()
    customers = con.execute("SELECT * FROM customers").df()
    con.close()
    d = pd.to_datetime(orders.order_date)
    as_of = d.max() if as_of is None else pd.Timestamp(as_of)
    ref = as_of - pd.Timedelta(days=365)
    first = d.groupby(orders.customer_id).min()
    c = customers.set_index("customer_id")
    start = pd.to_datetime(c.purchase_date).fillna(first.reindex(c.index))
    known = c.index[start <= ref]
    days = days_since_activity(orders, customers, ref, up_to=ref).reindex(known)
    came = set(orders.customer_id[(d > ref) & (d <= as_of)])
    away = days[days > 365]
    k = np.minimum(np.ceil(away / 365) - 1, 3).astype(int)
    frame = pd.DataFrame({"k": k, "came": away.index.isin(came)})
    out = frame.groupby("k").agg(customers=("came", "size"), returned=("came", "sum"))
    return out.reindex([1, 2, 3], fill_value=0)


def test_clv_formula_for_each_customer(sample_db_path, raw):
    orders, customers = raw
    params = clv.CLVParams(discount_rate=0.1, horizon_years=4, retention=0.8)
    values = clv.customer_values(Database(sample_db_path), AS_OF, params=params).set_index("customer_id")
    gp = orders.groupby("customer_id").gross_profit.sum()
    c = customers.set_index("customer_id")
    tenure = np.maximum((pd.Timestamp(AS_OF) - pd.to_datetime(c.purchase_date)).dt.days / 365.25, 1.0)
    recency = days_since_activity(orders, customers, pd.Timestamp(AS_OF))
    factor = sum((0.8 / 1.1) ** t for t in range(1, 5))
    # An absent customer keeps (chance of coming back) / r of an active customer's value.
    back = backtest_by_hand(sample_db_path, AS_OF)
    q = (back.returned / back.customers).to_dict()
    assert (back.customers >= clv.MIN_RETURN_CUSTOMERS).all()  # every group measured here
    k = np.minimum(np.maximum(np.ceil(recency / 365) - 1, 0), 3).astype(int)
    weight = np.where(k == 0, 1.0, np.minimum(k.map(q).fillna(0), 0.8) / 0.8)
    expected = gp.reindex(c.index).fillna(0) / tenure * weight * factor
    pd.testing.assert_series_equal(
        values["clv"].sort_index(), expected.sort_index(), check_names=False, rtol=1e-9
    )


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
    from clv_engine.predictive import with_predictive_clv

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
    con.execute(
        "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) VALUES ('o1', 'a', DATE '2026-03-01', NULL, NULL, 1000, 400), "
        "('o2', 'a', DATE '2026-09-01', NULL, NULL, 1000, 400)"
    )
    con.close()
    values = clv.customer_values(
        Database(path), AS_OF, params=clv.CLVParams(discount_rate=0.1, horizon_years=2)
    )
    assert values.attrs["retention"] == clv.DEFAULT_RETENTION == 0.85
    assert values.attrs["retention_source"] == "default"
    # 800 gross profit over one (minimum) year, r = 0.85, d = 10%, 2 years.
    q = 0.85 / 1.1
    assert values["clv"].iloc[0] == pytest.approx(800 * (q + q**2))


# -- coming back after an absence ---------------------------------------------------------


@pytest.fixture(scope="module")
def absence_db(tmp_path_factory):
    """A constructed database: customers who visit about yearly, some leave for good, some
    come back after a gap of one to three years (seeded, so the groups are all measurable)."""
    from clv_engine.db import create_database

    path = tmp_path_factory.mktemp("absence") / "absence.duckdb"
    create_database(path)
    rng = np.random.default_rng(17)
    end = pd.Timestamp("2026-12-31")
    customers, orders = [], []
    for i in range(900):
        bought = pd.Timestamp("2018-01-01") + pd.Timedelta(days=int(rng.integers(0, 2_600)))
        leave = bought + pd.Timedelta(days=int(rng.integers(200, 4_000)))
        gap_at = bought + pd.Timedelta(days=int(rng.integers(100, 2_500)))
        gap = int(rng.integers(380, 1_300)) if rng.random() < 0.5 else 0
        customers.append((f"C{i:04d}", bought.date()))
        day = bought + pd.Timedelta(days=int(rng.integers(20, 200)))
        n = 0
        while day <= min(leave, end):
            orders.append((f"O{i:04d}-{n}", f"C{i:04d}", day.date(), 1_000.0, float(rng.integers(100, 900))))
            n += 1
            step = int(rng.integers(250, 420))
            if gap and day < gap_at <= day + pd.Timedelta(days=step):
                step += gap
            day += pd.Timedelta(days=step)
    con = duckdb.connect(str(path))
    con.executemany("INSERT INTO customers (customer_id, purchase_date) VALUES (?, ?)", customers)
    con.executemany(
        "INSERT INTO orders (order_id, customer_id, order_date, revenue, gross_profit) "
        "VALUES (?, ?, ?, ?, ?)",
        orders,
    )
    con.close()
    return path, end.date()


def test_return_rates_match_an_independent_backtest(absence_db):
    path, end = absence_db
    rates = clv.return_rates(Database(path), end)
    expected = backtest_by_hand(path, end)
    table = rates.table().set_index("years_absent")
    assert (expected.customers >= clv.MIN_RETURN_CUSTOMERS).all(), expected
    assert list(table.customers) == list(expected.customers)
    assert list(table.returned) == list(expected.returned)
    assert np.allclose(table.rate, expected.returned / expected.customers)
    assert list(table.source) == ["data"] * 3
    assert 0 < table.rate.loc[1] < 1  # some come back, not all
    assert rates.reference_date == end - pd.Timedelta(days=365)


def test_lapsed_customers_clv_falls_with_the_come_back_rate(absence_db):
    path, end = absence_db
    params = clv.CLVParams(discount_rate=0.1, horizon_years=3)
    values = clv.customer_values(Database(path), end, params=params)
    r = values.attrs["retention"]
    back = backtest_by_hand(path, end)
    q1 = back.returned.loc[1] / back.customers.loc[1]
    factor = sum((r / 1.1) ** t for t in range(1, 4))
    away_a_year = values[(values.recency_days > 365) & (values.recency_days <= 730)]
    assert len(away_a_year) > 10
    ratio = away_a_year.clv / (away_a_year.annual_gp * factor)
    assert np.allclose(ratio, min(q1, r) / r)
    # The old rule, r^(years beyond one), kept them near an active customer's value.
    old = np.power(r, (away_a_year.recency_days - 365) / 365)
    assert (old > ratio + 0.2).all()
    active = values[values.recency_days <= 365]
    assert np.allclose(active.clv, active.annual_gp * factor)
    assert set(values.status) == {"active", "lapsing", "lapsed"}


def test_thin_groups_borrow_the_shorter_absence_rate():
    # Of 40 customers away one year 10 came back; 5 away two years (too few to measure);
    # nobody measured at three years either: both use 25%.
    class Fake:
        def query_df(self, sql, params):
            return pd.DataFrame({"years_absent": [1, 2], "customers": [40, 5], "returned": [10, 4]})

    rates = clv.return_rates(Fake(), date(2026, 1, 1))
    assert rates.used_rate == (0.25, 0.25, 0.25)
    assert rates.source == ("data", "fewer_years", "fewer_years")
    assert rates.rate == (0.25, 0.8, None)


def test_no_measurable_absence_keeps_the_retention_rule():
    class Fake:
        def query_df(self, sql, params):
            return pd.DataFrame({"years_absent": [1], "customers": [3], "returned": [1]})

    rates = clv.return_rates(Fake(), date(2026, 1, 1))
    assert rates.source == ("none", "none", "none")
    weight = clv.absence_weight([100, 365 + 182.5], 0.81, rates)
    assert weight == pytest.approx([1.0, 0.9])  # 0.81 ** 0.5


def test_sample_lapsing_customers_keep_about_their_come_back_share(sample_db_path):
    values = clv.customer_values(Database(sample_db_path), AS_OF)
    back = backtest_by_hand(sample_db_path, AS_OF)
    q1 = back.returned.loc[1] / back.customers.loc[1]
    lapsing = values[values.status == "lapsing"]
    assert lapsing.absence_weight.to_numpy() == pytest.approx(q1 / values.attrs["retention"])
    assert q1 < 0.3  # few come back, so they keep well under a third of an active customer's value
