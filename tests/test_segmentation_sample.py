"""Tier counts on the sample database against a separate pandas computation of SPEC §2a."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database

AS_OF = date(2026, 9, 15)  # not the data's last day, so the window edges matter


def pandas_tiers(path, as_of: date) -> pd.DataFrame:
    db = Database(path)  # the app's reader configuration: it may share the file with a test app
    tables = {
        t: db.query_df(f"SELECT * FROM {t}")
        for t in (
            "customers",
            "orders",
            "warranties",
            "referrals",
            "event_attendance",
            "complaints",
            "competitor_sightings",
        )
    }
    db.close()
    ts = pd.Timestamp(as_of)
    o = tables["orders"]
    o = o[pd.to_datetime(o.order_date) <= ts]
    c = tables["customers"].set_index("customer_id")
    first = pd.to_datetime(o.groupby("customer_id").order_date.min()).reindex(c.index)
    start = pd.to_datetime(c.purchase_date).fillna(first)
    c = c[start <= ts]
    last = pd.to_datetime(o.groupby("customer_id").order_date.max()).reindex(c.index)
    recency = (ts - last.fillna(pd.to_datetime(c.purchase_date))).dt.days
    # A visit 365 days back is in the last 12 months, as it is R = 2 (SPEC §2a; issue 12).
    recent = o[pd.to_datetime(o.order_date) >= ts - pd.Timedelta(days=365)]
    visits = recent.groupby("customer_id").size().reindex(c.index, fill_value=0)
    spend = recent.groupby("customer_id").revenue.sum().reindex(c.index, fill_value=0.0)

    r = np.select([recency <= 30, recency <= 90, recency <= 180, recency <= 365], [5, 4, 3, 2], 1)
    f = np.select([visits >= 6, visits >= 4, visits >= 2, visits >= 1], [5, 4, 3, 2], 1)
    m = np.select([spend >= 10_000, spend >= 5_000, spend >= 2_000, spend >= 1_000], [5, 4, 3, 2], 1)

    def has(table: str, id_col: str, date_col: str) -> np.ndarray:
        t = tables[table]
        ids = set(t.loc[pd.to_datetime(t[date_col]) <= ts, id_col])
        return c.index.isin(list(ids)).astype(int)

    loyalty = (
        3
        + has("warranties", "customer_id", "sold_date")
        + has("referrals", "referrer_id", "referral_date")
        + has("event_attendance", "customer_id", "event_date")
        - has("complaints", "customer_id", "opened")
        - has("competitor_sightings", "customer_id", "seen_date")
    )
    l_score = np.clip(loyalty, 1, 5)
    total = r + f + m + l_score
    tier = np.select(
        [(r == 1) & (total <= 7), total >= 16, total >= 12, total >= 8],
        ["churned", "platinum", "gold", "silver"],
        "ordinary",
    )
    return pd.DataFrame({"r": r, "f": f, "m": m, "l": l_score, "total": total, "tier": tier}, index=c.index)


@pytest.fixture(scope="module")
def engine_scores(sample_db_path):
    return seg.score_customers(Database(sample_db_path), AS_OF).set_index("customer_id")


def test_tier_counts_match_pandas(sample_db_path, engine_scores):
    expected = pandas_tiers(sample_db_path, AS_OF)
    assert len(engine_scores) == len(expected)
    assert engine_scores["tier"].value_counts().to_dict() == expected["tier"].value_counts().to_dict()
    # ... and customer by customer, score by score.
    joined = engine_scores.join(expected, rsuffix="_pd")
    for col in ("r", "f", "m", "l", "total", "tier"):
        assert (joined[col] == joined[f"{col}_pd"]).all(), col


def test_every_tier_and_flag_occurs(engine_scores):
    # The sample exercises every branch, so the match above means something.
    assert set(engine_scores["tier"]) == set(seg.RFML_TIERS)
    for flag in seg.FLAG_TABLES:
        assert engine_scores[flag].any(), flag
    assert engine_scores.attrs["missing_tables"] == []


def test_breakdown_on_the_sample(sample_db_path, engine_scores):
    db = Database(sample_db_path)
    values = clv.customer_values(db, AS_OF)
    frame = seg.with_values(engine_scores.reset_index(), values)
    out = seg.tier_breakdown(frame).set_index("tier")
    assert out["customers"].sum() == len(values)
    assert out["share"].sum() == pytest.approx(1.0)
    assert out["profit_share"].sum() == pytest.approx(1.0)
    assert out["gross_profit"].sum() == pytest.approx(values["gp_12m"].sum())
    assert out["total_clv"].sum() == pytest.approx(values["clv"].sum())
    # Platinum customers are worth more on average than ordinary ones.
    assert out.loc["platinum", "avg_clv"] > out.loc["ordinary", "avg_clv"]

    groups = seg.six_groups(frame)
    assert len(groups) == len(frame)
    assert groups["group"].isin(seg.SIX_GROUPS).all()
    # No invalid customer is worth more than the CLV cut (or is not all-low).
    inv = groups[groups["group"] == "invalid"]
    assert ((inv["clv"] <= groups.attrs["clv_cut"]) | (inv["clv"] < 0)).all()
    assert (inv[["r", "f", "m"]] <= 2).all().all()


def test_migration_on_the_sample(sample_db_path):
    db = Database(sample_db_path)
    a, b = date(2025, 9, 15), AS_OF
    m = seg.migration(db, a, b)
    ta = seg.score_customers(db, a).set_index("customer_id")["tier"]
    tb = seg.score_customers(db, b).set_index("customer_id")["tier"]
    rank = {t: i for i, t in enumerate(seg.RFML_TIERS)}
    both = ta.to_frame("a").join(tb.to_frame("b"), how="inner")
    up = (both.a.map(rank) > both.b.map(rank)).sum()
    down = (both.a.map(rank) < both.b.map(rank)).sum()
    counts = m.counts()
    assert (counts["up"], counts["down"]) == (up, down)
    assert counts["new"] == len(tb.index.difference(ta.index))
