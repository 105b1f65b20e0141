"""Issue 14, without 1M-row copies: each faster path against the method it replaces, written
again here (the SQL re-scoring, the whole-population signals, a row-by-row SPEC §2a scoring).

- seg.rescore (another rule is arithmetic on the cached columns) = score_customers(rules);
- one customer's scores and churn signals (the lookup) = that customer's row of the whole
  population's (the segmentation and churn pages), P(churn) and expected value included;
- the segmentation page's frame from ui.queries (shared scores joined once to the shared values)
  = score_customers(rules) merged with clv.customer_values, and its breakdown.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv_engine import churn, clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from ui import queries

AS_OF = date(2026, 9, 15)  # not the data's last day, so the window edges matter
SCORE_COLUMNS = ["r", "f", "m", "l", "total", "tier"]


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


@pytest.fixture(scope="module")
def default_scores(db) -> pd.DataFrame:
    return seg.score_customers(db, AS_OF)


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("customer_id").reset_index(drop=True)


def _brute_force(scores: pd.DataFrame, rules: seg.RfmlRules) -> pd.DataFrame:
    """SPEC §2a row by row, from the facts alone (no numpy broadcasting, no SQL)."""
    rows = []
    for row in scores.itertuples(index=False):
        days = row.recency_days
        if pd.isna(days):
            r = 1
        else:
            r = next((5 - i for i, cut in enumerate(rules.recency_days) if days <= cut), 1)
        f = 1 + sum(row.freq_12m >= cut for cut in rules.visits)
        m = 1 + sum(row.spend_12m >= cut for cut in rules.spend)
        loyalty = (
            rules.loyalty_base
            + rules.warranty_weight * row.has_warranty
            + rules.referral_weight * row.referred_someone
            + rules.event_weight * row.attended_event
            + rules.complaint_weight * row.has_complaint
            + rules.competitor_weight * row.seen_at_competitor
        )
        l_score = min(5, max(1, int(loyalty)))
        total = r + f + m + l_score
        if r <= rules.churned_max_r and total <= rules.churned_max_total:
            tier = "churned"
        elif total >= rules.platinum_min:
            tier = "platinum"
        elif total >= rules.gold_min:
            tier = "gold"
        elif total >= rules.silver_min:
            tier = "silver"
        else:
            tier = "ordinary"
        rows.append((row.customer_id, r, f, m, l_score, total, tier))
    return pd.DataFrame(rows, columns=["customer_id", *SCORE_COLUMNS])


def _same_scores(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    a, b = _by_id(fast), _by_id(slow)
    assert a["customer_id"].tolist() == b["customer_id"].tolist()
    for col in SCORE_COLUMNS:
        assert a[col].astype(object).tolist() == b[col].astype(object).tolist(), col


EDITED = seg.RfmlRules(
    recency_days=(20, 60, 200, 400),
    visits=(2, 3, 5, 8),
    spend=(500, 1_500, 4_000, 12_000),
    loyalty_base=2,
    warranty_weight=2,
    complaint_weight=-2,
    platinum_min=17,
    gold_min=13,
    silver_min=9,
    churned_max_r=2,
    churned_max_total=9,
)


@pytest.mark.parametrize("rules", [seg.RfmlRules(), EDITED], ids=["default", "edited"])
def test_rescore_equals_the_scoring_sql_and_a_brute_force(db, default_scores, rules):
    fast = seg.rescore(default_scores, rules)
    _same_scores(fast, seg.score_customers(db, AS_OF, rules=rules))
    _same_scores(fast, _brute_force(default_scores, rules))
    assert fast.attrs["rules"] == rules
    assert fast.attrs["missing_tables"] == default_scores.attrs["missing_tables"]
    # the shared frame is not changed by a re-scoring
    assert default_scores.attrs["rules"] == seg.RfmlRules()


def _rising(low: int, high: int):
    return st.lists(st.integers(low, high), min_size=4, max_size=4, unique=True).map(
        lambda xs: tuple(sorted(xs))
    )


@st.composite
def rule_sets(draw) -> seg.RfmlRules:
    silver = draw(st.integers(5, 14))
    gold = draw(st.integers(silver + 1, 18))
    platinum = draw(st.integers(gold + 1, 20))
    weight = st.integers(-4, 4)
    return seg.RfmlRules(
        recency_days=draw(_rising(0, 800)),
        visits=draw(_rising(0, 12)),
        spend=tuple(float(v) for v in draw(_rising(0, 20_000))),
        loyalty_base=draw(st.integers(1, 5)),
        warranty_weight=draw(weight),
        referral_weight=draw(weight),
        event_weight=draw(weight),
        complaint_weight=draw(weight),
        competitor_weight=draw(weight),
        platinum_min=platinum,
        gold_min=gold,
        silver_min=silver,
        churned_max_r=draw(st.integers(1, 5)),
        churned_max_total=draw(st.integers(4, 20)),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules=rule_sets())
def test_rescore_equals_the_scoring_sql_for_any_rules(db, default_scores, rules):
    _same_scores(seg.rescore(default_scores, rules), seg.score_customers(db, AS_OF, rules=rules))


def test_rescore_of_no_customer(default_scores):
    empty = seg.rescore(default_scores.iloc[:0], EDITED)
    assert empty.empty and list(empty.columns) == list(default_scores.columns)


def _customers(frame: pd.DataFrame) -> list[str]:
    """Several customers: the first, the last, and one of each tier."""
    ordered = _by_id(frame)
    picked = [ordered["customer_id"].iloc[0], ordered["customer_id"].iloc[-1]]
    picked += ordered.groupby("tier")["customer_id"].first().tolist()
    return sorted(set(picked))


def test_one_customer_scores_as_in_the_whole_population(db, default_scores):
    everyone = default_scores.set_index("customer_id")
    for cid in _customers(default_scores):
        one = seg.score_customers(db, AS_OF, customer_id=cid)
        assert one["customer_id"].tolist() == [cid]
        mine = one.set_index("customer_id").loc[cid]
        for col in everyone.columns:
            assert mine[col] == everyone.loc[cid, col] or (
                pd.isna(mine[col]) and pd.isna(everyone.loc[cid, col])
            )
    assert seg.score_customers(db, AS_OF, customer_id="no such customer").empty


def test_one_customer_risk_and_p_churn_as_on_the_churn_page(db, default_scores):
    signals = churn.churn_signals(db, AS_OF)
    scored = churn.score_risk(signals)
    values = clv.customer_values(db, AS_OF, None, clv.CLVParams())
    calibration = churn.calibrate(churn.backtest_signals(db, AS_OF, None))
    page = churn.call_list(scored, values, "calibrated", calibration).set_index("customer_id")
    # customers on the list (each level) and off it
    listed = page.groupby("level").head(2).index.tolist()
    for cid in sorted(set(listed + _customers(default_scores))):
        one = churn.score_risk(churn.churn_signals(db, AS_OF, customer_id=cid))
        assert one["customer_id"].tolist() == [cid]
        assert one.attrs["available"] == scored.attrs["available"]
        row = scored[scored["customer_id"] == cid].iloc[0]
        for col in [*churn.SIGNALS, "score", "level", "days_since_activity", "watched"]:
            a, b = one.iloc[0][col], row[col]
            assert a == b or (pd.isna(a) and pd.isna(b)), (cid, col)
        mine = values[values["customer_id"] == cid]
        listed_one = churn.call_list(one, mine, "calibrated", calibration)
        if cid in page.index:
            assert len(listed_one) == 1
            for col in ("p_churn", "expected_value", "clv_saved"):
                assert listed_one.iloc[0][col] == pytest.approx(page.loc[cid, col], abs=1e-12)
        else:
            assert listed_one.empty
    assert churn.churn_signals(db, AS_OF, customer_id="no such customer").empty


def test_lookup_query_equals_the_pages(db, default_scores):
    for cid in _customers(default_scores)[:4]:
        score_row, risk_row, calibration = queries.lookup_scores(db, cid, AS_OF)
        assert score_row.iloc[0]["tier"] == default_scores.set_index("customer_id").loc[cid, "tier"]
        assert score_row.attrs["missing_tables"] == default_scores.attrs["missing_tables"]
        assert risk_row.iloc[0]["score"] == pytest.approx(
            churn.score_risk(churn.churn_signals(db, AS_OF)).set_index("customer_id").loc[cid, "score"]
        )
        page = queries.group_churn_calibration(db, AS_OF)
        assert (calibration.intercept, calibration.slope) == (page.intercept, page.slope)


@pytest.mark.parametrize("scheme, rules", [("rfml", seg.RfmlRules()), ("rfml", EDITED), ("six", EDITED)])
def test_segmentation_query_equals_scoring_joined_to_values(db, scheme, rules):
    params = clv.CLVParams()
    six = seg.SixGroupRules()
    frame, breakdown, by_store, by_region = queries.seg_analysis(db, AS_OF, None, scheme, rules, six, params)
    # the previous method: the scoring SQL with these rules, merged on the customer id
    slow = seg.with_values(
        seg.score_customers(db, AS_OF, None, rules), clv.customer_values(db, AS_OF, None, params)
    )
    if scheme == "six":
        slow = seg.six_groups(slow, six)
    a, b = _by_id(frame), _by_id(slow[frame.columns])
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    pd.testing.assert_frame_equal(breakdown, seg.tier_breakdown(slow, scheme), check_dtype=False)
    pd.testing.assert_frame_equal(
        by_region, seg.tier_breakdown(slow, scheme, by=["region"]), check_dtype=False
    )
    # a caller changing its copy leaves the shared frame as it was
    frame["clv"] = np.nan
    again = queries.seg_analysis(db, AS_OF, None, scheme, rules, six, params)[0]
    assert again["clv"].notna().any()


def test_churn_tiers_are_the_default_scoring(db, default_scores):
    tiers = queries.rfml_tiers(db, AS_OF, None)
    assert _by_id(tiers)["tier"].tolist() == _by_id(default_scores)["tier"].tolist()


@pytest.mark.parametrize(
    "scheme, rules", [("rfml", seg.RfmlRules()), ("rfml", EDITED), ("six", seg.RfmlRules())]
)
def test_migration_query_and_movers_as_before(db, scheme, rules):
    date_a, params, six = date(2025, 9, 15), clv.CLVParams(), seg.SixGroupRules()
    mig = queries.seg_migration(db, date_a, AS_OF, None, scheme, rules, six, params)
    # the previous method: both dates scored by SQL, then the page merged name and CLV and sorted
    before = seg.migration(db, date_a, AS_OF, None, scheme, rules, six, params)
    cols = ["customer_id", "tier_a", "tier_b", "direction", "total_a", "total_b"]
    pd.testing.assert_frame_equal(_by_id(mig.moves[cols]), _by_id(before.moves[cols]), check_dtype=False)
    assert mig.counts() == before.counts()
    now = queries.seg_analysis(db, AS_OF, None, scheme, rules, six, params)[0]
    rank = {t: i for i, t in enumerate(seg.SCHEMES[scheme])}
    for kind in ("up", "down"):
        old = before.moves.loc[before.moves["direction"] == kind, cols].merge(
            now[["customer_id", "name", "clv"]], on="customer_id", how="left"
        )
        old = old.assign(_rank=old["tier_a"].map(rank)).sort_values(
            ["_rank", "clv", "customer_id"], ascending=[True, False, True]
        )
        new = mig.moves[mig.moves["direction"] == kind]
        assert new["customer_id"].tolist() == old["customer_id"].tolist()
        assert new["name"].tolist() == old["name"].tolist()
        np.testing.assert_allclose(new["clv"].to_numpy(float), old["clv"].to_numpy(float))
