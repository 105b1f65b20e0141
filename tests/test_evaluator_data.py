"""CLV uplift from the data: warranty buyers against non-buyers, a retention change on a segment."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from clv_engine import evaluation as ev
from clv_engine.clv import CLVParams
from clv_engine.db import Database
from tests.helpers import Table, make_db

AS_OF = date(2026, 6, 30)
PARAMS = CLVParams(discount_rate=0.10, horizon_years=2, retention=0.8)
# Every customer below bought the car in 2026 (tenure < 1 year, so annual GP = GP) and came
# within the year (no recency penalty): CLV = GP × Σ_{t=1,2} 0.8^t / 1.1^t.
FACTOR = 0.8 / 1.1 + 0.8**2 / 1.1**2


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> Database:
    path = tmp_path_factory.mktemp("evaluator") / "tiny.duckdb"
    customers = [
        # id, store, model, purchase, gross profit of its one order (None: no order)
        ("A", "S1", "X", "2026-01-01", 3_000),
        ("B", "S1", "X", "2026-01-01", 1_000),
        ("C", "S2", "Y", "2026-01-01", 5_000),
        ("D", "S2", "Y", "2026-01-01", 4_000),
        ("E", "S2", "Y", "2026-01-01", 2_000),
        ("F", "S2", "Z", "2020-01-01", None),  # an old buyer who never came: CLV 0
    ]
    make_db(
        path,
        stores=[("S1", "One", "East", "A"), ("S2", "Two", "West", "B")],
        # id, name, phone, store, channel, vin, model, purchase date, price
        customers=[
            (c, c, None, s, "store", None, m, date.fromisoformat(b), 200000) for c, s, m, b, _ in customers
        ],
        orders=Table(
            ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit"),
            [
                (f"O{c}", c, date(2026, 3, 1), s, "maintenance", gp * 2, gp)
                for c, s, _, _, gp in customers
                if gp is not None
            ],
        ),
        warranties=[
            ("W1", "A", date(2026, 1, 10), 5000, 3, 100),
            ("W2", "C", date(2026, 2, 1), 6000, 3, 300),
            ("W3", "F", date(2020, 2, 1), 4000, 3, 7000),  # term over: its claims are complete
            ("W4", "E", date(2026, 7, 15), 5800, 3, 0),  # sold after the as-of date
        ],
    )
    db = Database(path)
    yield db
    db.close()


def test_warranty_comparison_by_hand(tiny_db):
    c = ev.warranty_clv_comparison(tiny_db, AS_OF, params=PARAMS)
    assert (c.buyers, c.non_buyers) == (3, 3)  # A, C, F; B, D, E (E bought after the date)
    assert c.clv_buyers == pytest.approx((3_000 + 5_000 + 0) / 3 * FACTOR)
    assert c.clv_non_buyers == pytest.approx((1_000 + 4_000 + 2_000) / 3 * FACTOR)
    assert c.uplift == pytest.approx(1_000 / 3 * FACTOR)
    assert c.uplift_pct == pytest.approx(1 / 7)
    # Same model: X 3,000 − 1,000; Y 5,000 − mean(4,000, 2,000); Z has no non-buyer.
    assert c.matched_uplift == pytest.approx(2_000 * FACTOR)
    assert c.avg_price == pytest.approx((5_000 + 6_000 + 4_000) / 3)
    assert (c.claims_complete_contracts, c.avg_claims_cost) == (1, pytest.approx(7_000))
    assert c.contracts_last_year == 2


def test_warranty_comparison_in_one_store(tiny_db):
    c = ev.warranty_clv_comparison(tiny_db, AS_OF, store_ids=["S1"], params=PARAMS)
    assert (c.buyers, c.non_buyers) == (1, 1)
    assert c.uplift == pytest.approx(2_000 * FACTOR)
    assert c.claims_complete_contracts == 0
    assert c.avg_claims_cost == pytest.approx(100)  # no finished term: claims so far


def test_warranty_comparison_needs_contracts(tiny_db):
    with pytest.raises(ValueError, match="warranties"):
        ev.warranty_clv_comparison(tiny_db, date(2019, 1, 1), params=PARAMS)


def test_warranty_programme_takes_price_claims_volume_and_uplift(tiny_db):
    c = ev.warranty_clv_comparison(tiny_db, AS_OF, params=PARAMS)
    p = ev.warranty_programme(c)
    assert p.unit_revenue == pytest.approx(5_000)
    assert p.cost_lines[0].amount == pytest.approx(7_000)
    assert p.volume_per_year == 2
    assert p.groups[0].clv_uplift == pytest.approx(2_000 * FACTOR)
    assert p.groups[0].baseline_clv == pytest.approx(c.clv_non_buyers)
    raw = ev.warranty_programme(c, matched=False)
    assert raw.groups[0].clv_uplift == pytest.approx(c.uplift)
    e = ev.evaluate_programme(p)
    # Per contract: lose 7,000 − 5,000, gain the matched uplift.
    assert e.net_gain_over_horizon / e.volume_over_horizon == pytest.approx(2_000 * FACTOR - 2_000)


def test_retention_uplift_on_a_segment_by_hand():
    values = pd.DataFrame(
        {
            "gross_profit": [2_000.0, 6_000.0],
            "tenure_years": [0.5, 3.0],  # annual GP 2,000 and 2,000
            "recency_days": [100.0, 365.0 + 365.0],  # the second has missed one year
        }
    )
    params = CLVParams(discount_rate=0.10, horizon_years=2)

    def clv(gp_per_year, gap_years, r):
        return gp_per_year * r**gap_years * (r / 1.1 + r**2 / 1.1**2)

    result = ev.retention_uplift(values, retention_to=0.9, retention_from=0.8, params=params)
    before = (clv(2_000, 0, 0.8) + clv(2_000, 1, 0.8)) / 2
    after = (clv(2_000, 0, 0.9) + clv(2_000, 1, 0.9)) / 2
    assert result.customers == 2
    assert result.clv_before == pytest.approx(before)
    assert result.clv_after == pytest.approx(after)
    assert result.uplift == pytest.approx(after - before)
    assert result.uplift_pct == pytest.approx(after / before - 1)


def test_retention_uplift_defaults_to_the_values_own_retention(tiny_db):
    from clv_engine.clv import customer_values

    values = customer_values(tiny_db, AS_OF, params=PARAMS)
    result = ev.retention_uplift(values, retention_to=0.9)
    assert result.retention_from == 0.8
    assert result.clv_before == pytest.approx(values["clv"].mean())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"retention_to": 1.2, "retention_from": 0.8}, "retention_to"),
        ({"retention_to": 0.9, "retention_from": -0.1}, "retention_from"),
        ({"retention_to": 0.9}, "retention_from"),  # nothing recorded on a hand-made frame
    ],
)
def test_retention_uplift_bad_input(kwargs, field):
    values = pd.DataFrame({"gross_profit": [1.0], "tenure_years": [1.0], "recency_days": [1.0]})
    with pytest.raises(ValueError, match=field):
        ev.retention_uplift(values, **kwargs)


def test_retention_uplift_empty_segment():
    with pytest.raises(ValueError, match="segment"):
        ev.retention_uplift(pd.DataFrame(columns=["gross_profit", "tenure_years", "recency_days"]), 0.9, 0.8)


def test_with_group_sets_a_groups_figures():
    p = ev.with_group(ev.preset("pickup_delivery"), 0, customers=250, clv_uplift=900.0)
    assert ev.evaluate_programme(p).gain_over_horizon == pytest.approx(250 * 900)
    with pytest.raises(ValueError, match=r"groups\[3\]"):
        ev.with_group(p, 3, customers=1)
