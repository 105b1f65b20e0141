"""Issue 14 (the actions page at a million): each aggregate-first path against the list it
replaced, computed here the previous way.

- service_due_first (the first rows and the totals, one query) = the head of the whole list
  (service_due, itself checked against pandas in test_service_due) and its counts;
- tier_changes_due (one query over both scorings) = the previous method: both dates scored
  into frames, merged with every customer's activity in pandas; with_contact (the listed
  customers only) = the merge with every customer's contact;
- complaint_clock: each complaint's tier (now joined in the query) = the whole population's
  scoring mapped in pandas; the lists of the relevant complaints only (open, or in the window)
  = the lists of the whole clock, on the sample and on a copy where a third of the complaints
  have dates only (judged by whole days).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import complaints as cq
from clv_engine import segmentation
from clv_engine import service_due as sd
from clv_engine import tier_rules as tr
from clv_engine.db import Database

AS_OF = date(2026, 11, 30)


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


def _same_first(db, as_of, stores, rules, limit):
    whole = sd.service_due(db, as_of, stores, rules)
    first = sd.service_due_first(db, as_of, stores, rules, limit)
    # (no row: DuckDB types an empty text column as object, a filled one as str)
    pd.testing.assert_frame_equal(first.first, whole.head(limit), check_dtype=len(first.first) > 0)
    assert first.counts() == sd.due_counts(whole)
    assert first.rows == len(whole)
    assert first.with_km == int(whole["last_km"].notna().sum())
    assert first.has_mileage == whole.attrs["has_mileage"] == first.first.attrs["has_mileage"]


@settings(max_examples=12, deadline=None)
@given(
    rules=st.builds(
        sd.ServiceRules,
        interval_months=st.integers(1, 24),
        interval_km=st.sampled_from([3_000.0, 10_000.0, 25_000.0]),
        first_service_months=st.integers(1, 12),
        horizon_days=st.integers(0, 120),
        max_overdue_days=st.integers(0, 400),
    ),
    limit=st.sampled_from([0, 1, 7, 1_000]),
    stores=st.sampled_from([None, ("S01",), ("S02", "S03")]),
    days_back=st.integers(0, 700),
)
def test_service_first_rows_and_totals_equal_the_whole_list(db, rules, limit, stores, days_back):
    as_of = date.fromordinal(AS_OF.toordinal() - days_back)
    _same_first(db, as_of, stores, rules, limit)


def test_service_first_of_an_empty_list(db):
    first = sd.service_due_first(db, date(2000, 1, 1))
    assert (first.rows, first.overdue, first.with_km, len(first.first)) == (0, 0, 0, 0)
    assert list(first.first.columns) == list(sd.service_due(db, date(2000, 1, 1)).columns)


# -- tier changes: the previous method, kept here ------------------------------------------------


def _old_activity(db, as_of):
    referrals = (
        "(SELECT referrer_id AS customer_id, count(*) AS referrals FROM referrals "
        "WHERE referral_date <= ? GROUP BY referrer_id)"
    )
    sql = f"""
        SELECT c.customer_id, coalesce(r.referrals, 0) AS referrals, v.last_visit
        FROM customers c
        LEFT JOIN {referrals} r USING (customer_id)
        LEFT JOIN (SELECT customer_id, max(order_date) AS last_visit FROM orders WHERE order_date <= ?
                   GROUP BY customer_id) v USING (customer_id)
    """
    frame = db.query_df(sql, [as_of, as_of])
    frame["last_visit"] = pd.to_datetime(frame["last_visit"])
    return frame


def old_tier_changes(db, as_of, store_ids, rules):
    now = segmentation.score_customers(db, as_of, store_ids)
    activity = _old_activity(db, as_of)
    now = now.merge(activity, on="customer_id", how="left")
    now["from_tier"] = now["tier"].map(tr.PROGRAMME_TIER)
    spend = now[(now["from_tier"] == "standard") & (now["spend_12m"] >= rules.gold_spend)]
    referred = now[(now["from_tier"] == "gold") & (now["referrals"] >= rules.platinum_referrals)]
    held_on = as_of - relativedelta(years=rules.no_visit_years)
    then = segmentation.score_customers(db, held_on, store_ids)
    was = then.loc[then["tier"] == "platinum", ["customer_id", "home_store_id"]]
    absent = was.merge(activity, on="customer_id", how="left")
    absent = absent[absent["last_visit"].isna() | (absent["last_visit"] <= pd.Timestamp(held_on))]
    absent = absent.merge(now[["customer_id", "tier"]], on="customer_id", how="left")
    rows = []
    for r in spend.itertuples():
        rows.append(
            (
                r.customer_id,
                r.home_store_id,
                r.tier,
                "standard",
                "gold",
                "up",
                "spend",
                float(r.spend_12m),
                float(rules.gold_spend),
                r.last_visit,
            )
        )
    for r in referred.itertuples():
        rows.append(
            (
                r.customer_id,
                r.home_store_id,
                r.tier,
                "gold",
                "platinum",
                "up",
                "referrals",
                float(r.referrals),
                float(rules.platinum_referrals),
                r.last_visit,
            )
        )
    for r in absent.itertuples():
        days = (pd.Timestamp(as_of) - r.last_visit).days if pd.notna(r.last_visit) else float("nan")
        rows.append(
            (
                r.customer_id,
                r.home_store_id,
                r.tier,
                "platinum",
                "gold",
                "down",
                "no_visit",
                float(days),
                float((as_of - held_on).days),
                r.last_visit,
            )
        )
    rank = {"up": 0, "down": 1}
    rows.sort(key=lambda x: (rank[x[5]], x[6], x[0]))
    return rows, held_on


def _rows(frame: pd.DataFrame) -> list[tuple]:
    out = []
    for r in frame[tr.COLUMNS].itertuples(index=False):
        visit = None if pd.isna(r.last_visit) else pd.Timestamp(r.last_visit).date()
        out.append((*r[:-1], visit))
    return out


def _same(a: list[tuple], b: list[tuple]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            if isinstance(u, float) or isinstance(v, float):
                assert (pd.isna(u) and pd.isna(v)) or u == pytest.approx(v), (x, y)
            elif isinstance(v, pd.Timestamp) or v is pd.NaT:
                assert u == (None if pd.isna(v) else v.date()), (x, y)
            else:
                assert u == v, (x, y)


@settings(max_examples=10, deadline=None)
@given(
    rules=st.builds(
        tr.TierRules,
        gold_spend=st.sampled_from([500.0, 2_000.0, 10_000.0]),
        platinum_referrals=st.integers(1, 4),
        no_visit_years=st.integers(1, 3),
    ),
    stores=st.sampled_from([None, ("S01",), ("S02", "S03")]),
    days_back=st.integers(0, 500),
)
def test_tier_changes_equal_the_frames_merged_in_pandas(db, rules, stores, days_back):
    as_of = date.fromordinal(AS_OF.toordinal() - days_back)
    got = tr.tier_changes_due(db, as_of, stores, rules)
    want, held_on = old_tier_changes(db, as_of, stores, rules)
    _same(_rows(got), want)
    assert got.attrs["held_on"] == held_on
    assert list(got.columns) == tr.COLUMNS


def test_tier_changes_on_the_sample_have_every_reason_and_contacts(db):
    rules = tr.TierRules(gold_spend=2_000.0, platinum_referrals=1, no_visit_years=1)
    got = tr.tier_changes_due(db, AS_OF, None, rules)
    assert set(got["reason"]) == set(tr.REASONS)  # the test above compares every kind of row
    listed = tr.with_contact(got, db)
    people = db.query_df(
        "SELECT c.customer_id, c.name, c.phone, s.name AS store_name FROM customers c "
        "LEFT JOIN stores s ON s.store_id = c.home_store_id"
    )
    want = got.merge(people, on="customer_id", how="left")
    pd.testing.assert_frame_equal(listed, want)
    assert listed.attrs["held_on"] == got.attrs["held_on"]


# -- complaints ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def part_dated_db(tmp_path_factory, pristine_db_bytes) -> Database:
    """The sample with a third of the complaints' times removed (dates only)."""
    import duckdb

    path = tmp_path_factory.mktemp("dated") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    con = duckdb.connect(str(path))
    con.execute(
        "UPDATE complaints SET opened_at = NULL, responded_at = NULL, resolved_at = NULL "
        "WHERE hash(complaint_id) % 3 = 0"
    )
    con.close()
    return Database(path)


def _lists(clock, as_of, rules):
    return (
        cq.open_complaints(clock),
        cq.breaches(clock, as_of, rules),
        cq.breach_rate_by_store(clock, as_of, rules),
    )


@pytest.mark.parametrize("which", ["sample", "part_dated"])
@settings(max_examples=8, deadline=None)
@given(
    days_back=st.integers(0, 900),
    since=st.sampled_from([1, 7, 30, 365, 3_650]),
    vip=st.sampled_from([1.0, 2.0, 30.0]),
    stores=st.sampled_from([None, ("S01",), ("S02", "S03")]),
)
def test_complaint_lists_of_the_relevant_rows_equal_the_whole_clocks(
    which, request, days_back, since, vip, stores
):
    db = request.getfixturevalue("db" if which == "sample" else "part_dated_db")
    as_of = date.fromordinal(AS_OF.toordinal() - days_back)
    rules = cq.ClockRules(vip_hours=vip, since_days=since)
    whole = cq.complaint_clock(db, as_of, stores, rules)
    part = cq.complaint_clock(db, as_of, stores, rules, relevant_only=True)
    for a, b in zip(_lists(part, as_of, rules), _lists(whole, as_of, rules)):
        pd.testing.assert_frame_equal(a, b)
    assert part.attrs["complaints"] == whole.attrs["complaints"] == len(whole)
    assert part.attrs["all_timed"] == whole.attrs["timed"]
    assert len(part) <= len(whole)
    # the tiers: the previous method, every customer scored into a frame then mapped
    tiers = segmentation.score_customers(db, as_of).set_index("customer_id")["tier"]
    want = whole["customer_id"].map(tiers)
    assert (
        whole["tier"].astype(object).where(whole["tier"].notna(), None).tolist()
        == want.astype(object).where(want.notna(), None).tolist()
    )


def test_part_dated_copy_has_both_kinds_and_old_complaints(part_dated_db):
    clock = cq.complaint_clock(part_dated_db, AS_OF)
    part = cq.complaint_clock(part_dated_db, AS_OF, relevant_only=True)
    assert clock["timed"].any() and not clock["timed"].all()
    assert not part.attrs["all_timed"]
    assert 0 < len(part) < len(clock)  # the filter leaves some out (and the lists stay equal)


def test_page_complaint_lists_are_the_heads_and_counts_of_the_whole_lists(part_dated_db):
    from ui import queries

    rules = cq.ClockRules(since_days=200)
    for stores in (None, ("S01",)):
        whole = cq.complaint_clock(part_dated_db, AS_OF, stores, rules)
        open_, late, rates = _lists(whole, AS_OF, rules)
        counts, first_open, first_late, page_rates = queries.complaint_lists(
            part_dated_db, AS_OF, stores, rules, 5
        )
        assert counts == {
            "complaints": len(whole),
            "all_timed": bool(whole["timed"].all()),
            "open": len(open_),
            "overdue": int((open_["hours_left"] < 0).sum()),
            "breaches": len(late),
        }
        assert counts["open"] > 5 and counts["breaches"] > 5  # the heads are cut
        pd.testing.assert_frame_equal(first_open, open_.head(5))
        pd.testing.assert_frame_equal(first_late, late.head(5))
        pd.testing.assert_frame_equal(page_rates, rates)
        every_open, every_late = queries.complaint_lists_all(part_dated_db, AS_OF, stores, rules)
        pd.testing.assert_frame_equal(every_open, open_)
        pd.testing.assert_frame_equal(every_late, late)
