"""Issue 14 (segmentation at a million): the aggregate-first migration against the method it
replaced, written again here in plain pandas (a full outer merge, ranks by a dict, a sort).

- migration_between keeps only the movers as rows and counts everyone else in the flows:
  movers, their order, names, CLV, counts and flows equal the whole-join of before, on random
  frames (Hypothesis) and on the sample database through the page's cached query (whose RFM+L
  earlier side is now the shared scores re-scored, without the values).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from ui import queries

AS_OF = date(2026, 9, 15)
DATE_A = date(2025, 9, 15)


def old_migration(tiers_a: pd.DataFrame, tiers_b: pd.DataFrame, scheme: str):
    """The previous migration: every customer of either date as a row, then sorted."""
    column = seg.tier_column(scheme)
    rank = {t: i for i, t in enumerate(seg.SCHEMES[scheme])}
    a = pd.DataFrame(
        {
            "customer_id": tiers_a["customer_id"].astype(object),
            "store_a": tiers_a["home_store_id"].astype(object),
            "tier_a": tiers_a[column].astype(object),
            "rank_a": tiers_a[column].map(rank).astype(float),
            "total_a": tiers_a["total"].astype(float),
        }
    )
    b = pd.DataFrame(
        {
            "customer_id": tiers_b["customer_id"].astype(object),
            "store_b": tiers_b["home_store_id"].astype(object),
            "tier_b": tiers_b[column].astype(object),
            "rank_b": tiers_b[column].map(rank).astype(float),
            "total_b": tiers_b["total"].astype(float),
            "name": tiers_b["name"].astype(object) if "name" in tiers_b else None,
            "clv": tiers_b["clv"].astype(float) if "clv" in tiers_b else np.nan,
        }
    )
    j = a.merge(b, on="customer_id", how="outer")
    j["home_store_id"] = j["store_b"].where(j["customer_id"].isin(b["customer_id"]), j["store_a"])
    j["tier_a"] = j["tier_a"].fillna("new")
    j["tier_b"] = j["tier_b"].fillna("gone")
    direction = []
    for ra, rb in zip(j["rank_a"], j["rank_b"]):
        if pd.isna(ra):
            direction.append("new")
        elif pd.isna(rb):
            direction.append("gone")
        elif rb < ra:
            direction.append("up")
        elif rb > ra:
            direction.append("down")
        else:
            direction.append("same")
    j["direction"] = direction
    j = j.assign(_r=j["rank_a"].fillna(1e9), _c=-j["clv"].fillna(-np.inf))
    j = j.sort_values(["_r", "_c", "customer_id"], kind="mergesort").reset_index(drop=True)
    flows = j.groupby(["tier_a", "tier_b", "direction"], as_index=False).size()
    counts = j["direction"].value_counts()
    return (
        j,
        flows.rename(columns={"size": "customers"}),
        {d: int(counts.get(d, 0)) for d in ("up", "down", "same", "new")},
    )


def assert_same_migration(mig: seg.Migration, tiers_a, tiers_b, scheme: str) -> None:
    moves, flows, counts = old_migration(tiers_a, tiers_b, scheme)
    movers = moves[moves["direction"].isin(["up", "down"])].reset_index(drop=True)
    got = mig.moves.reset_index(drop=True)
    assert got["customer_id"].astype(object).tolist() == movers["customer_id"].tolist()
    for col in ("home_store_id", "tier_a", "tier_b", "direction", "name"):
        assert (
            got[col].astype(object).where(got[col].notna(), None).tolist()
            == movers[col].where(movers[col].notna(), None).tolist()
        ), col
    for col in ("total_a", "total_b", "clv"):
        np.testing.assert_allclose(got[col].to_numpy(float), movers[col].to_numpy(float), err_msg=col)
    assert mig.counts() == counts
    key = ["tier_a", "tier_b", "direction"]
    new_flows = mig.flows.sort_values(key).reset_index(drop=True)
    old_flows = flows.sort_values(key).reset_index(drop=True)
    assert new_flows[key].astype(object).values.tolist() == old_flows[key].values.tolist()
    assert new_flows["customers"].tolist() == old_flows["customers"].tolist()


@st.composite
def tier_frames(draw, scheme: str):
    tiers = list(seg.SCHEMES[scheme])
    column = seg.tier_column(scheme)
    ids = [f"C{i:03d}" for i in range(draw(st.integers(0, 40)))]

    def frame(with_values: bool) -> pd.DataFrame:
        present = [i for i in ids if draw(st.booleans()) or draw(st.booleans())]
        n = len(present)
        out = pd.DataFrame(
            {
                "customer_id": pd.Series(present, dtype="str"),
                "home_store_id": pd.Series(
                    draw(st.lists(st.sampled_from(["S1", "S2"]), min_size=n, max_size=n)), dtype="str"
                ),
                column: pd.Series(
                    draw(st.lists(st.sampled_from(tiers), min_size=n, max_size=n)), dtype="str"
                ),
                "total": draw(st.lists(st.integers(4, 20), min_size=n, max_size=n)),
            }
        )
        if with_values:
            out["name"] = pd.Series([f"N{i}" for i in range(n)], dtype="str")
            # ties in CLV (and missing ones) so that the id breaks them
            clv_values = draw(
                st.lists(st.sampled_from([np.nan, -5.0, 0.0, 100.0, 2_500.5]), min_size=n, max_size=n)
            )
            out["clv"] = np.asarray(clv_values, dtype=float)
        return out

    return frame(False), frame(draw(st.booleans()))


@pytest.mark.parametrize("scheme", ["rfml", "six"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_migration_between_equals_the_whole_join(scheme, data):
    a, b = data.draw(tier_frames(scheme))
    mig = seg.migration_between(a, b, scheme, DATE_A, AS_OF)
    assert_same_migration(mig, a, b, scheme)
    # a page's few: the first ``shown`` of each direction; every mover of a kind when asked
    shown = data.draw(st.integers(0, 6))
    few = seg.migration_between(a, b, scheme, DATE_A, AS_OF, shown)
    assert few.counts() == mig.counts()
    pd.testing.assert_frame_equal(few.flows, mig.flows)
    for kind in ("up", "down"):
        every = mig.moves[mig.moves["direction"] == kind].reset_index(drop=True)
        pd.testing.assert_frame_equal(few.movers(kind), every, check_dtype=len(every) > 0)
        pd.testing.assert_frame_equal(mig.movers(kind), every)
        first = few.moves[few.moves["direction"] == kind].reset_index(drop=True)
        pd.testing.assert_frame_equal(first, every.head(shown), check_dtype=len(first) > 0)
    assert len(few.moves) == sum(min(shown, n) for n in (mig.counts()["up"], mig.counts()["down"]))


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


EDITED = seg.RfmlRules(recency_days=(20, 60, 200, 400), visits=(2, 3, 5, 8), platinum_min=17, gold_min=13)


@pytest.mark.parametrize("scheme, rules", [("rfml", seg.RfmlRules()), ("rfml", EDITED), ("six", EDITED)])
def test_page_migration_equals_both_dates_scored_by_sql(db, scheme, rules):
    params, six = clv.CLVParams(), seg.SixGroupRules()
    mig = queries.seg_migration(db, DATE_A, AS_OF, None, scheme, rules, six, params)

    # the previous method: both dates scored by SQL with these rules, CLV joined, then the whole join
    def scored(day: date) -> pd.DataFrame:
        frame = seg.with_values(
            seg.score_customers(db, day, None, rules), clv.customer_values(db, day, None, params)
        )
        return seg.six_groups(frame, six) if scheme == "six" else frame

    assert_same_migration(mig, scored(DATE_A), scored(AS_OF), scheme)
    assert mig.counts()["up"] + mig.counts()["down"] == len(mig.moves) > 0
    page = queries.seg_migration(db, DATE_A, AS_OF, None, scheme, rules, six, params, 3)
    for kind in ("up", "down"):
        pd.testing.assert_frame_equal(page.movers(kind), mig.movers(kind))
        assert len(page.moves[page.moves["direction"] == kind]) == min(3, mig.counts()[kind])


# -- the facts kept per data version (clv_engine.derived.segments) ----------------------------


@pytest.fixture(scope="module")
def derived_path(tmp_path_factory, pristine_db_bytes):
    """A copy of the sample with the facts built (the sample has the other derived tables)."""
    import duckdb

    from clv_engine.derived import segments

    path = tmp_path_factory.mktemp("facts") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    con = duckdb.connect(str(path))
    days = segments.build(con)
    con.close()
    assert len(days) == 3
    return path, days


def _computed(db, day, stores=None, rules=seg.RfmlRules()):
    """The scoring with the facts computed from the orders (the stored table ignored)."""
    from clv_engine.derived import segments

    keep = segments.facts_table
    segments.facts_table = lambda *args: None
    try:
        return seg.score_customers(db, day, stores, rules)
    finally:
        segments.facts_table = keep


def _same_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.sort_values("customer_id").reset_index(drop=True),
        b.sort_values("customer_id").reset_index(drop=True),
    )
    assert a.attrs["missing_tables"] == b.attrs["missing_tables"]


@pytest.mark.parametrize("rules", [seg.RfmlRules(), EDITED], ids=["default", "edited"])
def test_stored_facts_score_as_the_orders_do(derived_path, rules):
    from clv_engine.derived import segments

    path, days = derived_path
    db = Database(path)
    for day in days:
        assert segments.facts_table(db, day) == segments.TABLE
        _same_frames(seg.score_customers(db, day, None, rules), _computed(db, day, None, rules))
        _same_frames(seg.score_customers(db, day, ("S01",), rules), _computed(db, day, ("S01",), rules))
    # another date, a store manager's scoped reader, one customer: computed as before
    assert segments.facts_table(db, days[-1] - timedelta(days=1)) is None
    from clv_engine.scope import ScopedDatabase

    scoped = ScopedDatabase(db, ("S02",))
    assert segments.facts_table(scoped, days[-1]) is None
    _same_frames(seg.score_customers(scoped, days[-1]), _computed(scoped, days[-1]))


def test_stored_facts_are_not_used_once_a_flag_table_changes(derived_path, tmp_path):
    import duckdb

    from clv_engine.derived import segments

    path, days = derived_path
    copy = tmp_path / "changed.duckdb"
    copy.write_bytes(path.read_bytes())
    con = duckdb.connect(str(copy))
    cid = con.execute("SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1").fetchone()[0]
    con.execute("INSERT INTO event_attendance (customer_id, event_date) VALUES (?, ?)", [cid, days[0]])
    con.close()
    db = Database(copy)
    assert segments.facts_table(db, days[-1]) is None
    _same_frames(seg.score_customers(db, days[-1]), _computed(db, days[-1]))


def test_pages_queries_on_stored_facts_equal_the_computed(derived_path):
    from clv_engine import complaints as cq
    from clv_engine import tier_rules as tr
    from clv_engine.derived import segments

    path, days = derived_path
    db = Database(path)
    end = days[-1]
    got = tr.tier_changes_due(db, end)
    keep = segments.facts_table
    segments.facts_table = lambda *args: None
    try:
        want = tr.tier_changes_due(db, end)
        clock_want = cq.complaint_clock(db, end)
    finally:
        segments.facts_table = keep
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(cq.complaint_clock(db, end), clock_want)


def test_no_facts_without_the_derived_tables_or_orders(tmp_path):
    import duckdb

    from clv_engine.derived import segments
    from tests.helpers import make_db

    path = make_db(
        tmp_path / "t.duckdb",
        stores=[("S1", "One", "East", "Shanghai")],
        customers=[{"customer_id": "A", "home_store_id": "S1", "purchase_date": date(2024, 1, 1)}],
        orders=[
            {
                "order_id": "o1",
                "customer_id": "A",
                "order_date": date(2025, 1, 1),
                "revenue": 100.0,
                "gross_profit": 40.0,
            }
        ],
    )
    con = duckdb.connect(str(path))
    assert segments.build(con) == []  # no derived meta to go with: nothing kept
    assert not {segments.TABLE, segments.META} & {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    con.close()
    db = Database(path)
    assert segments.facts_table(db, date(2025, 1, 1)) is None
    assert seg.score_customers(db, date(2025, 1, 1))["customer_id"].tolist() == ["A"]
    assert segments.dates_for(date(2024, 2, 29)) == [date(2022, 2, 28), date(2023, 3, 1), date(2024, 2, 29)]
