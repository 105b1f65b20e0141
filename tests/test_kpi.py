"""KPI scorecard (SPEC §7): weights, dates, normalisation and score by hand, raw KPIs on a
hand-made database and on the sample against pandas."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from clv_engine import clv, kpi
from clv_engine.db import Database
from tests.helpers import Table, make_db
from wording.errors import explain

# -- weights ----------------------------------------------------------------------------------


def test_spec_weights():
    w = kpi.KpiWeights()
    w.validate()
    assert w.as_dict() == {
        "clv_growth": 0.25,
        "retention": 0.20,
        "nps": 0.15,
        "after_sales_gp": 0.15,
        "ticket_frequency": 0.10,
        "first_time_fix": 0.10,
        "technician_efficiency": 0.05,
    }
    assert sum(w.as_dict().values()) == pytest.approx(1.0)


def test_weights_must_sum_to_100():
    with pytest.raises(ValueError) as err:
        kpi.KpiWeights(clv_growth=0.20).validate()
    assert err.value.code == "kpi.weights_sum" and "sum to 95.0%" in explain(err.value, "en")
    with pytest.raises(ValueError) as err:
        kpi.KpiWeights.from_percent({"nps": 20}).validate()
    assert "sum to 105.0%" in explain(err.value, "en") and "105.0%" in explain(err.value, "zh")
    kpi.KpiWeights.from_percent({"nps": 10, "technician_efficiency": 10}).validate()


def test_weights_name_the_bad_field():
    with pytest.raises(ValueError) as err:
        kpi.KpiWeights(retention=-0.05, clv_growth=0.50).validate()
    assert err.value.code == "kpi.weight_range" and err.value.details["kpi"] == "retention"
    assert "retention" in explain(err.value, "en") and "-5.0%" in explain(err.value, "zh")
    with pytest.raises(ValueError) as err:
        kpi.KpiWeights.from_percent({"speed": 10})
    assert err.value.code == "kpi.unknown_weights" and "speed" in explain(err.value, "en")


# -- dates ------------------------------------------------------------------------------------


def test_month_ends_and_year_before():
    assert kpi.month_ends(date(2026, 3, 15), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 15)]
    assert kpi.month_ends(date(2026, 1, 31), 2) == [date(2025, 12, 31), date(2026, 1, 31)]
    assert kpi.year_before(date(2024, 2, 29)) == date(2023, 2, 28)
    assert kpi.year_before(date(2026, 11, 30)) == date(2025, 11, 30)
    with pytest.raises(ValueError, match="months"):
        kpi.month_ends(date(2026, 1, 1), 0)


# -- normalisation and score by hand ----------------------------------------------------------

D = date(2026, 6, 30)


def _raw(**columns) -> pd.DataFrame:
    base = {"store_id": ["A", "B", "C"], "as_of": [D] * 3}
    for cols in kpi.RAW_COLUMNS.values():
        for c in cols:
            base[c] = columns.get(c, [1.0, 2.0, 3.0])
    return pd.DataFrame(base)


def test_score_by_hand():
    raw = _raw(
        clv_growth=[0.10, 0.20, 0.30],  # norm 0, 50, 100
        retention=[0.90, 0.80, 0.70],  # 100, 50, 0
        nps=[40.0, 40.0, 40.0],  # all equal: 50 each
        after_sales_gp=[100.0, 300.0, 200.0],  # 0, 100, 50
        ticket_size=[1000.0, 2000.0, 1500.0],  # 0, 100, 50
        frequency=[2.0, 1.0, 1.5],  # 100, 0, 50  -> ticket_frequency 50, 50, 50
        first_time_fix=[0.8, 0.9, 0.85],  # 0, 100, 50
        technician_efficiency=[1.0, 0.9, 0.8],  # 100, 50, 0
    )
    card = kpi.score(raw)
    t = card.table.set_index("store_id")
    expected = {
        "A": 0.25 * 0 + 0.20 * 100 + 0.15 * 50 + 0.15 * 0 + 0.10 * 50 + 0.10 * 0 + 0.05 * 100,
        "B": 0.25 * 50 + 0.20 * 50 + 0.15 * 50 + 0.15 * 100 + 0.10 * 50 + 0.10 * 100 + 0.05 * 50,
        "C": 0.25 * 100 + 0.20 * 0 + 0.15 * 50 + 0.15 * 50 + 0.10 * 50 + 0.10 * 50 + 0.05 * 0,
    }
    for store, value in expected.items():
        assert t.loc[store, "score"] == pytest.approx(value)
    # B 62.5 > C 55 > A 37.5
    assert list(card.on(D)["store_id"]) == ["B", "C", "A"]
    assert list(card.on(D)["rank"]) == [1, 2, 3]
    parts = t[[f"part_{k}" for k in kpi.KPIS]].sum(axis=1)
    assert np.allclose(parts, t["score"])
    assert card.missing_kpis == ()


def test_weights_change_the_ranking():
    raw = _raw(clv_growth=[0.3, 0.2, 0.1], retention=[0.7, 0.8, 0.9])
    only_clv = kpi.KpiWeights.from_percent({k: 0 for k in kpi.KPIS} | {"clv_growth": 100})
    only_ret = kpi.KpiWeights.from_percent({k: 0 for k in kpi.KPIS} | {"retention": 100})
    assert list(kpi.score(raw, only_clv).on(D)["store_id"]) == ["A", "B", "C"]
    assert list(kpi.score(raw, only_ret).on(D)["store_id"]) == ["C", "B", "A"]


def test_missing_kpi_rescales_the_weights():
    nan = [np.nan] * 3
    raw = _raw(nps=nan, first_time_fix=nan, technician_efficiency=nan)
    card = kpi.score(raw)
    assert card.missing_kpis == ("nps", "first_time_fix", "technician_efficiency")
    t = card.table.set_index("store_id")
    # Every remaining KPI is 0, 50, 100 for A, B, C; the remaining weights are 70%.
    assert t.loc["C", "score"] == pytest.approx(100.0)
    assert t.loc["B", "score"] == pytest.approx(50.0)
    assert t.loc["A", "score"] == pytest.approx(0.0)
    assert t["part_nps"].isna().all()


def test_one_store_without_a_kpi():
    raw = _raw(clv_growth=[np.nan, 0.1, 0.3])
    t = kpi.score(raw).table.set_index("store_id")
    # A has no CLV growth (no history a year ago): its other KPIs (all 0) carry 75% → 0.
    assert t.loc["A", "score"] == pytest.approx(0.0)
    assert t.loc["C", "score"] == pytest.approx(100.0)
    assert np.isnan(t.loc["A", "norm_clv_growth"])


def test_dates_are_normalised_separately():
    a = _raw()
    b = _raw(clv_growth=[5.0, 6.0, 7.0]).assign(as_of=date(2026, 5, 31))
    t = kpi.score(pd.concat([a, b])).table
    assert set(t.groupby("as_of")["rank"].apply(lambda r: tuple(sorted(r)))) == {(1, 2, 3)}


# -- raw KPIs on a hand-made database ---------------------------------------------------------

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("kpi") / "kpi.duckdb"
    customers = [("a1", "A"), ("a2", "A"), ("a3", "A"), ("b1", "B")]
    orders = [
        ("o1", "a1", "2025-03-01", "A", 800, 300),  # year before last
        ("o2", "a1", "2026-03-01", "A", 1000, 400),  # came back: retained
        ("o3", "a2", "2025-03-01", "A", 600, 200),  # did not come back
        ("o4", "a3", "2026-05-01", "A", 3000, 900),  # new this year: not in the base
        ("o5", "a3", "2026-05-02", "A", 2000, 500),
        ("o6", "b1", "2025-01-01", "B", 700, 200),
        ("o7", "b1", "2026-01-01", "B", 500, 100),
        ("o8", "b1", "2026-07-05", "B", 9000, 5000),  # after the as-of date: ignored
    ]
    months = pd.date_range("2025-06-01", "2026-06-01", freq="MS")
    store_kpis = []
    for m in months:
        # June 2025 is outside the 12 months to 30 June 2026: its -100 must not count.
        nps_a = -100.0 if m == months[0] else 40.0
        store_kpis += [(m.date(), "A", nps_a, 0.9, 1.0), (m.date(), "B", 10, 0.8, 0.7)]
    make_db(
        path,
        stores=[("A", "Store A", "East", "X"), ("B", "Store B", "West", "Y")],
        customers=Table(
            ("customer_id", "home_store_id", "purchase_date"),
            [(c, s, date(2024, 1, 1)) for c, s in customers],
        ),
        orders=Table(
            ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit"),
            [(o, c, date.fromisoformat(d), s, "repair", r, g) for o, c, d, s, r, g in orders],
        ),
        store_kpis=store_kpis,
    )
    return Database(path)


def test_raw_kpis_by_hand(small_db):
    params = clv.CLVParams(retention=0.8)
    raw = kpi.raw_kpis(small_db, [AS_OF], params).set_index("store_id")
    a, b = raw.loc["A"], raw.loc["B"]
    assert a.retention == pytest.approx(0.5) and a.retention_base == 2
    assert b.retention == pytest.approx(1.0)
    assert (a.orders, a.revenue, a.after_sales_gp, a.active_customers) == (3, 6000, 1800, 2)
    assert a.ticket_size == pytest.approx(2000) and a.frequency == pytest.approx(1.5)
    assert (b.orders, b.after_sales_gp, b.ticket_size, b.frequency) == (1, 100, 500, 1)
    assert a.nps == pytest.approx(40) and b.nps == pytest.approx(10)
    assert a.first_time_fix == pytest.approx(0.9) and b.technician_efficiency == pytest.approx(0.7)
    # CLV growth: the stores' CLV summed from clv.customer_values, now and a year before.
    now = clv.customer_values(small_db, AS_OF, params=params).groupby("home_store_id").clv.sum()
    before = (
        clv.customer_values(small_db, date(2025, 6, 30), params=params).groupby("home_store_id").clv.sum()
    )
    assert a.clv_growth == pytest.approx(now["A"] / before["A"] - 1)
    assert b.clv_growth == pytest.approx(now["B"] / before["B"] - 1)


def test_missing_store_kpis_table(tmp_path):
    path = tmp_path / "no_kpis.duckdb"
    stores = ["A", "B", "A"]
    make_db(
        path,
        stores=[("A", "A", "E", "X"), ("B", "B", "W", "Y")],
        customers=Table(
            ("customer_id", "home_store_id", "purchase_date"),
            [(f"c{i}", s, date(2024, 1, 1)) for i, s in enumerate(stores)],
        ),
        orders=Table(
            ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit"),
            [
                (f"o{i}", f"c{i}", date(2026, 2, 1), s, "repair", 1000.0 * (i + 1), 300.0 * (i + 1))
                for i, s in enumerate(stores)
            ],
        ),
    )
    card = kpi.score(kpi.raw_kpis(Database(path), [AS_OF]))
    assert set(card.missing_kpis) >= {"nps", "first_time_fix", "technician_efficiency"}
    assert card.on(AS_OF)["score"].between(0, 100).all()


# -- the sample against pandas ----------------------------------------------------------------


def test_sample_kpis_match_pandas(sample_db_path):
    db = Database(sample_db_path)
    end = db.query_value("SELECT max(order_date) FROM orders")
    orders = db.query_df("SELECT * FROM orders")
    customers = db.query_df("SELECT customer_id, home_store_id FROM customers")
    kpis = db.query_df("SELECT * FROM store_kpis")
    raw = kpi.raw_kpis(db, [end]).set_index("store_id")

    ts = pd.Timestamp(end)
    d = pd.to_datetime(orders.order_date)
    year = orders[(d > ts - pd.Timedelta(days=365)) & (d <= ts)]
    gp = year.groupby("store_id").gross_profit.sum()
    ticket = year.groupby("store_id").revenue.sum() / year.groupby("store_id").size()
    assert np.allclose(raw.loc[gp.index, "after_sales_gp"], gp)
    assert np.allclose(raw.loc[ticket.index, "ticket_size"], ticket)

    home = orders.merge(customers, on="customer_id")
    hd = pd.to_datetime(home.order_date)
    this = set(
        zip(
            home.home_store_id[(hd > ts - pd.Timedelta(days=365)) & (hd <= ts)],
            home.customer_id[(hd > ts - pd.Timedelta(days=365)) & (hd <= ts)],
        )
    )
    last_mask = (hd > ts - pd.Timedelta(days=730)) & (hd <= ts - pd.Timedelta(days=365))
    last = set(zip(home.home_store_id[last_mask], home.customer_id[last_mask]))
    for store in raw.index:
        base = {c for s, c in last if s == store}
        kept = {c for s, c in this if s == store} & base
        assert raw.loc[store, "retention"] == pytest.approx(len(kept) / len(base)), store

    m = pd.to_datetime(kpis.month)
    window = kpis[(m > pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=12)) & (m <= ts)]
    nps = window.groupby("store_id").nps.mean()
    assert np.allclose(raw.loc[nps.index, "nps"], nps)
    assert window.groupby("store_id").size().eq(12).all()
