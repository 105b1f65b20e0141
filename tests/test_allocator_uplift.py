"""A project's CLV uplift derived from a segment's customers, checked by hand and end to end."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from clv_engine.allocation import (
    Project,
    allocate_budget,
    uplift_from_frequency,
    uplift_from_retention,
)
from clv_engine.clv import CLVParams, customer_values
from clv_engine.db import Database
from wording.allocation import explain_error


def hand_frame() -> pd.DataFrame:
    # Two customers: one seen recently (no gap), one last seen two years ago (gap of 1 year).
    return pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "annual_gp": [1_000.0, 2_000.0],
            "recency_days": [100, 730],
            "gross_profit": [3_000.0, 4_000.0],
            "orders": [6, 0],
        }
    )


def test_retention_uplift_by_hand():
    # r = 0.80 → 0.85, d = 12%, H = 3 years. Annuity of a survivor, written out:
    a_old = 0.80 / 1.12 + 0.80**2 / 1.12**2 + 0.80**3 / 1.12**3
    a_new = 0.85 / 1.12 + 0.85**2 / 1.12**2 + 0.85**3 / 1.12**3
    # Customer a: 1,000 × (a_new − a_old); customer b has survived one year less: × 0.80.
    expected_a = 1_000 * (a_new - a_old)
    expected_b = 2_000 * 0.80 * (a_new - a_old)
    uplift, reach = uplift_from_retention(
        hand_frame(), 5, retention=0.80, discount_rate=0.12, horizon_years=3
    )
    assert reach == 2
    assert uplift == pytest.approx((expected_a + expected_b) / 2, rel=1e-12)
    # By hand: A_old = 0.7143 + 0.5102 + 0.3644 = 1.5889, A_new = 0.7589 + 0.5760 + 0.4371
    # = 1.7720; (1,000 × 0.1831 + 1,600 × 0.1831) / 2 = 238.03.
    assert uplift == pytest.approx(238.03, abs=0.01)


def test_frequency_uplift_by_hand():
    # One extra visit a year. Customer a earns 3,000 / 6 = 500 a visit; b has no visits so
    # takes the segment's 7,000 / 6 per visit, and has survived one year less (× 0.80).
    a = 0.80 / 1.12 + 0.80**2 / 1.12**2 + 0.80**3 / 1.12**3
    expected = (500 * a + 7_000 / 6 * 0.80 * a) / 2
    uplift, reach = uplift_from_frequency(
        hand_frame(), 1, retention=0.80, discount_rate=0.12, horizon_years=3
    )
    assert (uplift, reach) == (pytest.approx(expected, rel=1e-12), 2)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda f: uplift_from_retention(f, 25, retention=0.8, discount_rate=0.1, horizon_years=3),
            "above 100%",
        ),
        (
            lambda f: uplift_from_retention(f, 0, retention=0.8, discount_rate=0.1, horizon_years=3),
            "points must be greater than zero",
        ),
        (
            lambda f: uplift_from_retention(f, -3, retention=0.8, discount_rate=0.1, horizon_years=3),
            "points must be greater than zero",
        ),
        (
            lambda f: uplift_from_frequency(f, 0, retention=0.8, discount_rate=0.1, horizon_years=3),
            "extra_visits must be greater than zero",
        ),
        (
            lambda f: uplift_from_retention(
                f.iloc[0:0], 5, retention=0.8, discount_rate=0.1, horizon_years=3
            ),
            "no customers",
        ),
        (lambda f: uplift_from_retention(f, 5), "need retention"),
        (
            lambda f: uplift_from_retention(
                f.assign(annual_gp=-1.0), 5, retention=0.8, discount_rate=0.1, horizon_years=3
            ),
            "not be positive",
        ),
        (
            lambda f: uplift_from_retention(
                f.drop(columns="annual_gp"), 5, retention=0.8, discount_rate=0.1, horizon_years=3
            ),
            "annual_gp",
        ),
    ],
)
def test_bad_segment_inputs(call, match):
    with pytest.raises(ValueError) as err:
        call(hand_frame())
    assert match in explain_error(err.value, "en")


def test_retention_uplift_matches_clv_engine_on_sample(sample_db_path):
    """On the sample database: the uplift equals the CLV engine's own CLV at r + 3 points
    minus its CLV at r, for customers seen within the year (for whom r^gap is 1)."""
    db = Database(sample_db_path)
    as_of = date.fromisoformat(db.query_value("SELECT max(order_date) FROM orders").isoformat())
    old = customer_values(db, as_of, params=CLVParams(retention=0.70))
    new = customer_values(db, as_of, params=CLVParams(retention=0.73))
    recent = old["recency_days"] <= 365
    region = old.loc[recent, "region"].mode().iloc[0]
    segment = old[recent & (old["region"] == region)]
    uplift, reach = uplift_from_retention(segment, 3)
    expected = (new.loc[segment.index, "clv"] - segment["clv"]).sum()
    assert reach == len(segment) > 0
    assert uplift * reach == pytest.approx(expected, rel=1e-9)
    # And the derived project goes straight into the allocator: priced at half its gain it
    # earns that half net; "Other" (¥100 of gain for ¥50,000) loses money and stays out.
    alloc = allocate_budget(
        [
            Project(f"Retention {region}", expected / 2, uplift, reach),
            replace(Project("Other", 50_000, 10, 10)),
        ],
        1_000_000,
    )
    assert alloc.optimum.names == (f"Retention {region}",)
    assert alloc.optimum.total_net == pytest.approx(expected / 2, rel=1e-9)
    db.close()


def test_retention_uplift_of_lapsed_customers_follows_their_clv(sample_db_path):
    """A derived uplift uses the CLV's own absence weight (the measured come-back rate of a
    customer away k years), so for every customer uplift / CLV = A(r')/A(r) − 1, lapsed or not:
    the segment mean of uplift equals mean(CLV) × (A(r')/A(r) − 1)."""
    import numpy as np

    from clv_engine.clv import annuity_factor

    values = customer_values(Database(sample_db_path), date(2026, 11, 30), None, CLVParams())
    lapsed = values[values["recency_days"] > 365]
    assert len(lapsed) > 20 and lapsed.attrs.get("return_rates") is not None
    r = lapsed.attrs["retention"]
    p = lapsed.attrs["params"]
    ratio = (
        annuity_factor(r + 0.05, p.discount_rate, p.horizon_years)
        / annuity_factor(r, p.discount_rate, p.horizon_years)
        - 1
    )
    uplift, reach = uplift_from_retention(lapsed, 5)
    assert reach == len(lapsed)
    assert uplift == pytest.approx(float(np.mean(lapsed["clv"])) * ratio, rel=1e-9)
