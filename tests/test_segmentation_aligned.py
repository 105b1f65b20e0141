"""Issue 14 (segmentation cold at a million): the scores come in customer_id order and are
joined to the values column by column; the migration joins the two dates once and counts in
numpy. Each against the method it replaced, kept here: a pandas merge, the SQL scoring's own
rows, the whole-join migration of tests/test_segmentation_fastpaths.py on shuffled frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.segmentation.scoring import score_query
from tests.test_segmentation_fastpaths import AS_OF, DATE_A, assert_same_migration, tier_frames

KEEP = [
    "customer_id",
    "name",
    "revenue",
    "gross_profit",
    "gp_12m",
    "clv",
    "orders",
    "channel",
    "vehicle_model",
]


def merged(scores: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The previous with_values: a left merge on the id."""
    keep = [c for c in KEEP if c in values.columns]
    out = scores.merge(values[keep], on="customer_id", how="left")
    out.attrs.update(scores.attrs)
    return out


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_with_values_equals_the_merge(data):
    n = data.draw(st.integers(0, 25))
    ids = sorted(
        data.draw(st.lists(st.text("ABC0123", min_size=1, max_size=4), min_size=n, max_size=n, unique=True))
    )
    scores = pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="str"),
            "tier": pd.Series(
                data.draw(st.lists(st.sampled_from(["gold", "silver"]), min_size=n, max_size=n)), dtype="str"
            ),
            "total": np.arange(n, dtype="int64"),
        }
    )
    scores.attrs["as_of"] = AS_OF
    # the values: the same customers in the same order (the fast path), shuffled, or other ids
    how = data.draw(st.sampled_from(["same", "shuffled", "fewer"]))
    value_ids = list(ids)
    if how == "shuffled":
        value_ids = data.draw(st.permutations(ids))
    elif how == "fewer":
        value_ids = ids[: n // 2] + ["ZZZ"]
    m = len(value_ids)
    values = pd.DataFrame(
        {
            "customer_id": pd.Series(value_ids, dtype="str"),
            "name": pd.Series([f"N{i}" if i % 3 else None for i in range(m)], dtype="str"),
            "clv": data.draw(st.lists(st.sampled_from([np.nan, -1.0, 0.0, 5.5]), min_size=m, max_size=m)),
            "gp_12m": np.linspace(0, 1, m),
            "status": pd.Series(["active"] * m, dtype="str"),  # not kept
        },
        index=np.arange(m) * 2,  # a cut frame's index (in_scope): positions matter, not labels
    )
    got = seg.with_values(scores, values)
    pd.testing.assert_frame_equal(got, merged(scores, values))
    assert got.attrs["as_of"] == AS_OF


def test_with_values_leaves_the_shared_values_alone():
    scores = pd.DataFrame({"customer_id": pd.Series(["a", "b"], dtype="str"), "total": [1, 2]})
    values = pd.DataFrame({"customer_id": pd.Series(["a", "b"], dtype="str"), "clv": [1.0, 2.0]})
    got = seg.with_values(scores, values)
    got.loc[0, "clv"] = 99.0
    got["clv"] *= 2
    assert values["clv"].tolist() == [1.0, 2.0]


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


EDITED = seg.RfmlRules(recency_days=(20, 60, 200, 400), visits=(2, 3, 5, 8), platinum_min=17, gold_min=13)


@pytest.mark.parametrize("stores", [None, ("S01", "S03")])
@pytest.mark.parametrize("rules", [seg.RfmlRules(), EDITED], ids=["default", "edited"])
def test_scores_in_id_order_are_the_sql_rows(db, stores, rules):
    got = seg.score_customers(db, AS_OF, stores, rules)
    sql, params = score_query(db, AS_OF, stores, rules)
    want = db.query_df(sql, params)  # the previous read: DuckDB's own conversion, any order
    for flag in ("has_warranty", "referred_someone", "attended_event", "has_complaint", "seen_at_competitor"):
        want[flag] = want[flag].astype(bool)
    for col in ("r", "f", "m", "l", "total", "freq_12m"):
        want[col] = want[col].astype("int64")
    assert got["customer_id"].tolist() == sorted(got["customer_id"].tolist())
    want = want.sort_values("customer_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert len(got) > 0


def test_page_frame_equals_scores_merged_to_values(db):
    params = clv.CLVParams()
    scores = seg.score_customers(db, AS_OF)
    values = clv.customer_values(db, AS_OF, None, params)
    got = seg.with_values(scores, values)
    pd.testing.assert_frame_equal(got, merged(scores, values))
    assert got["clv"].notna().all()  # every scored customer has values: lined up, not joined


@pytest.mark.parametrize("scheme", ["rfml", "six"])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_migration_of_shuffled_frames_equals_the_whole_join(scheme, data):
    a, b = data.draw(tier_frames(scheme))
    a = a.iloc[data.draw(st.permutations(range(len(a))))].reset_index(drop=True)
    b = b.iloc[data.draw(st.permutations(range(len(b))))]  # and an index not 0..n-1
    mig = seg.migration_between(a, b, scheme, DATE_A, AS_OF)
    assert_same_migration(mig, a, b, scheme)
    shown = data.draw(st.integers(0, 4))
    few = seg.migration_between(a, b, scheme, DATE_A, AS_OF, shown)
    pd.testing.assert_frame_equal(few.flows, mig.flows)
    for kind in ("up", "down"):
        every = mig.moves[mig.moves["direction"] == kind].reset_index(drop=True)
        first = few.moves[few.moves["direction"] == kind].reset_index(drop=True)
        pd.testing.assert_frame_equal(first, every.head(shown), check_dtype=len(first) > 0)


def test_migration_with_a_tier_outside_the_scheme_uses_the_sql():
    a = pd.DataFrame(
        {"customer_id": ["x", "y"], "home_store_id": ["S1", "S1"], "tier": ["gold", "odd"], "total": [12, 3]}
    )
    b = pd.DataFrame(
        {
            "customer_id": ["x", "y"],
            "home_store_id": ["S1", "S1"],
            "tier": ["silver", "gold"],
            "total": [9, 12],
            "name": ["X", "Y"],
            "clv": [1.0, 2.0],
        }
    )
    mig = seg.migration_between(a, b, "rfml", date(2025, 1, 1), date(2026, 1, 1))
    # the SQL: a tier without a rank reads as new (list_position gives NULL)
    assert mig.counts() == {"up": 0, "down": 1, "same": 0, "new": 1}
    assert mig.moves["customer_id"].tolist() == ["x"]


def old_six_groups(frame: pd.DataFrame, rules: seg.SixGroupRules) -> pd.DataFrame:
    """The previous six_groups: the rule in SQL (seg.SIX_SQL) over the four numbers."""
    from clv_engine.segmentation.vocabulary import frame_sql

    clv_values = frame["clv"].to_numpy(dtype=float)
    finite = clv_values[np.isfinite(clv_values)]
    clv_cut = (
        float(np.quantile(finite, rules.invalid_clv_share))
        if len(finite) and rules.invalid_clv_share > 0
        else -np.inf
    )
    grid = pd.DataFrame(list(rules.grid), columns=["r_level", "fm_level", "grp"])
    numbers = pd.DataFrame(
        {
            "row_no": np.arange(len(frame)),
            "r": frame["r"].to_numpy(),
            "f": frame["f"].to_numpy(),
            "m": frame["m"].to_numpy(),
            "clv": clv_values,
        }
    )
    cut = clv_cut if np.isfinite(clv_cut) else -1e300
    levels = frame_sql(
        seg.SIX_SQL, [rules.high_min, rules.low_max, cut, rules.invalid_fallback], scores=numbers, grid=grid
    )
    out = frame.copy()
    for col in ("r_level", "fm_level", "group"):
        out[col] = levels[col].to_numpy()
    return out


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_six_groups_equal_the_sql_rule(data):
    n = data.draw(st.integers(0, 30))
    score = st.lists(st.integers(1, 5), min_size=n, max_size=n)
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series([f"C{i}" for i in range(n)], dtype="str"),
            "r": np.asarray(data.draw(score), dtype="int64"),
            "f": np.asarray(data.draw(score), dtype="int64"),
            "m": np.asarray(data.draw(score), dtype="int64"),
            "clv": data.draw(
                st.lists(st.sampled_from([np.nan, -3.0, 0.0, 1.0, 50.0, 900.0]), min_size=n, max_size=n)
            ),
        },
        index=np.arange(n) + 5,
    )
    low = data.draw(st.integers(1, 4))
    groups = list(seg.SIX_GROUPS)
    cells = {cell: data.draw(st.sampled_from(groups)) for cell in seg.DEFAULT_GRID}
    rules = seg.SixGroupRules(
        high_min=data.draw(st.integers(low + 1, 5)),
        low_max=low,
        invalid_clv_share=data.draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])),
        invalid_fallback=data.draw(st.sampled_from([g for g in groups if g != "invalid"])),
    ).with_grid(cells)
    got = seg.six_groups(frame, rules)
    want = old_six_groups(frame, rules)
    for col in ("r_level", "fm_level", "group"):
        assert got[col].astype(object).tolist() == want[col].astype(object).tolist(), col
    pd.testing.assert_frame_equal(got[list(frame.columns)], frame)
    assert got.attrs["six_rules"] == rules
