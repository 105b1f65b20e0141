"""Issue 14 (segmentation at ten million customers): the whole group's RFM+L breakdowns and
migration from small arrays by key (clv_engine.segmentation.grouped), no frame of customers.

Compared with the methods they replace, kept here: the scoring with text ids
(``score_customers``) merged on the id to ``clv.customer_values`` and broken down by
``tier_breakdown`` (SQL over the frame); the migration of those frames (``migration_between``)
with the names and CLV merged on the id. On the sample and on random small databases built
with every derived table.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.derived.build import build
from clv_engine.scope import ScopedDatabase
from clv_engine.segmentation import grouped, moves
from tests.test_derived_dates import _make
from tests.test_segmentation_keyed import _flags
from ui import queries

EDITED = seg.RfmlRules(recency_days=(20, 60, 200, 400), visits=(2, 3, 5, 8), platinum_min=17, gold_min=13)
LOYAL = seg.RfmlRules(
    loyalty_base=2, complaint_weight=-3, referral_weight=2, churned_max_r=2, churned_max_total=9
)
RULES = [seg.RfmlRules(), EDITED, LOYAL]
PARAMS = [clv.CLVParams(), clv.CLVParams(discount_rate=0.05, horizon_years=8, retention=0.7)]
SIX = seg.SixGroupRules()


def _clear() -> None:
    for query in (
        queries._seg_places,
        queries._seg_facts,
        queries._seg_ranks,
        queries._seg_money,
        queries.seg_summary,
        queries.seg_cell_customers,
        queries._seg_frame,
        queries._seg_keyed_scores,
        queries._seg_keyed_base,
        queries._seg_breakdowns,
        queries.seg_migration,
    ):
        query.clear()


def old_frame(db, day: date, rules, params) -> pd.DataFrame:
    """The method replaced: the scores with text ids merged on the id to the values."""
    return seg.with_values(
        seg.score_customers(db, day, None, rules), clv.customer_values(db, day, None, params)
    )


def assert_same_summary(db, day, rules, params) -> None:
    old = old_frame(db, day, rules, params)
    assert grouped.ranks(db, day, rules) is not None  # the arrays, not the frame, gave them
    customers, breakdown, by_store, by_region = queries.seg_summary(db, day, None, "rfml", rules, SIX, params)
    assert customers == len(old)
    pd.testing.assert_frame_equal(breakdown, seg.tier_breakdown(old, "rfml"), check_dtype=False)
    for by, got in (("home_store_id", by_store), ("region", by_region)):
        pd.testing.assert_frame_equal(got, seg.tier_breakdown(old, "rfml", by=[by]), check_dtype=False)


def assert_same_migration(db, date_a, day, rules, params) -> None:
    then = seg.score_customers(db, date_a, None, rules)
    now = old_frame(db, day, rules, params)
    before = seg.migration_between(then, now, "rfml", date_a, day)
    columns = ["customer_id", "home_store_id", "tier_a", "tier_b", "total_a", "total_b", "direction", "name"]
    assert_migration_is(db, date_a, day, ("rfml", rules, SIX, params), before, columns, by_arrays=True)


def assert_migration_is(db, date_a, day, settings, before, columns, by_arrays: bool) -> None:
    """The page's migration (``settings``: scheme, rules, six rules, CLV parameters) equals
    ``before`` (the former computation): counts, flows, movers (``columns`` and CLV), and the
    movers listed a page at a time; ``by_arrays``: read by key, not from the frames."""
    mig = queries.seg_migration(db, date_a, day, None, *settings)
    assert mig.scheme == settings[0]
    assert mig.counts() == before.counts()
    pd.testing.assert_frame_equal(mig.flows, before.flows, check_dtype=False)
    pd.testing.assert_frame_equal(
        mig.moves[columns].reset_index(drop=True),
        before.moves[columns].reset_index(drop=True),
        check_dtype=False,
    )
    np.testing.assert_array_equal(mig.moves["clv"].to_numpy(float), before.moves["clv"].to_numpy(float))
    page = queries.seg_migration(db, date_a, day, None, *settings, 2)
    assert (page.loader is not None) == by_arrays  # by key from the arrays, not the frames
    for kind in ("up", "down"):
        whole = before.moves[before.moves["direction"] == kind].reset_index(drop=True)
        listed = queries.seg_movers(db, day, page, kind)
        pd.testing.assert_frame_equal(listed[columns], whole[columns], check_dtype=False)
        shown = page.moves[page.moves["direction"] == kind].reset_index(drop=True)
        pd.testing.assert_frame_equal(shown[columns], whole[columns].head(2), check_dtype=False)


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    _clear()
    database = Database(sample_db_path)
    yield database
    _clear()


@pytest.fixture(scope="module")
def end(db) -> date:
    return db.query_value("SELECT max(order_date) FROM orders")


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("params", PARAMS)
def test_the_sums_by_key_equal_the_breakdown_of_the_frame_with_ids(db, end, rules, params):
    assert_same_summary(db, end, rules, params)


@pytest.mark.parametrize("rules", RULES)
def test_the_migration_by_key_equals_the_migration_with_ids(db, end, rules):
    assert_same_migration(db, end - timedelta(days=365), end, rules, clv.CLVParams())


def test_a_scope_another_scheme_or_a_date_not_kept_takes_the_frame(db, end):
    stores = tuple(db.query_df("SELECT store_id FROM stores ORDER BY store_id")["store_id"][:2])
    scoped = ScopedDatabase(db, stores)
    assert grouped.places(scoped, end) is None and grouped.ranks(scoped, end) is None
    assert grouped.values(scoped, end) is None
    other = end - timedelta(days=30)
    assert grouped.ranks(db, other) is None
    # the page's summary there: the frame's, as before
    for store_ids, day, scheme in ((stores, end, "rfml"), (None, other, "rfml"), (None, end, "six")):
        frame, *parts = queries.seg_analysis(
            db, day, store_ids, scheme, seg.RfmlRules(), SIX, clv.CLVParams()
        )
        got = queries.seg_summary(db, day, store_ids, scheme, seg.RfmlRules(), SIX, clv.CLVParams())
        assert got[0] == len(frame)
        for a, b in zip(got[1:], parts):
            pd.testing.assert_frame_equal(a, b)
    # a migration from a date not kept: computed with the frames
    mig = queries.seg_migration(db, other, end, None, "rfml", seg.RfmlRules(), SIX, clv.CLVParams())
    assert mig.loader is None
    assert mig.counts() == seg.migration(db, other, end, None, "rfml", seg.RfmlRules(), SIX).counts()


def test_rows_in_any_order_are_put_in_key_order_and_lined_up_by_key():
    import pyarrow as pa

    table = pa.table({"cust_key": [9, 2, 5, 40], "x": [0.9, 0.2, 0.5, 4.0], "t": [1, 2, 3, 4]})
    keys, columns = grouped._by_key(table, {"x": "float64", "t": "int8"})
    assert keys.tolist() == [2, 5, 9, 40]
    assert columns["x"].tolist() == [0.2, 0.5, 0.9, 4.0] and columns["t"].tolist() == [2, 3, 1, 4]
    assert grouped._by_key(pa.table({"cust_key": [3, 1, 3], "x": [1.0, 2.0, 3.0]}), {"x": "float64"}) is None
    a = grouped.Ranks(np.array([1, 2, 4]), np.zeros(3, dtype="int8"), np.zeros(3, dtype="int8"))
    b = grouped.Values(np.array([1, 2, 5]), np.zeros(3), np.zeros(3))
    assert not grouped._lined_up(a, b) and grouped._lined_up(a, a)
    # two dates by key, with gaps: then 1, 2, 4 (ranks 0, 3, 2), now 2, 3, 4 (ranks 1, 1, 4)
    then = grouped.Ranks(np.array([1, 2, 4]), np.array([0, 3, 2], dtype="int8"), np.zeros(3, dtype="int8"))
    now = grouped.Ranks(np.array([2, 3, 4]), np.array([1, 1, 4], dtype="int8"), np.zeros(3, dtype="int8"))
    rank, direction = moves._directions(then, now)
    assert rank.tolist() == [3, -1, 2]
    assert [moves._DIRECTIONS[d] for d in direction] == ["up", "new", "down"]
    assert moves._gone(then, now).tolist() == [0]


@pytest.mark.parametrize("seed", range(6))
def test_the_tiers_in_small_integers_are_the_scorings(seed):
    """ranks_of against the frame's rescoring (scoring._score_arrays, kept as it is), on random
    facts with values on the cut-offs, unknown recency and random rules."""
    from clv_engine.segmentation.scoring import _TIERS, _score_arrays

    rng = np.random.default_rng(seed)
    n = 4000
    rules = seg.RfmlRules(
        recency_days=tuple(int(x) for x in np.sort(rng.choice(np.arange(1, 800), 4, replace=False))),
        visits=tuple(int(x) for x in np.sort(rng.choice(np.arange(0, 12), 4, replace=False))),
        spend=tuple(float(x) for x in np.sort(rng.choice(np.arange(0, 20_000, 250), 4, replace=False))),
        loyalty_base=int(rng.integers(1, 6)),
        warranty_weight=int(rng.integers(-4, 5)),
        referral_weight=int(rng.integers(-4, 5)),
        event_weight=int(rng.integers(-4, 5)),
        complaint_weight=int(rng.integers(-4, 5)),
        competitor_weight=int(rng.integers(-4, 5)),
        silver_min=int(rng.integers(5, 10)),
        gold_min=int(rng.integers(10, 14)),
        platinum_min=int(rng.integers(14, 21)),
        churned_max_r=int(rng.integers(1, 6)),
        churned_max_total=int(rng.integers(4, 21)),
    )
    recency = rng.choice([*rules.recency_days, 0, 5, 100, 400, 2000], n).astype(float)
    recency[rng.random(n) < 0.05] = np.nan
    columns = {
        "recency_days": recency,
        "freq_12m": rng.choice([*rules.visits, 0, 3, 20], n).astype("int64"),
        "spend_12m": rng.choice([*rules.spend, 0.0, 999.5, 30_000.0], n).astype(float),
        **{flag: rng.random(n) < 0.4 for flag in seg.FLAG_TABLES},
    }
    got = grouped.ranks_of(grouped.Facts(np.arange(n), columns), rules)
    want = _score_arrays(pd.DataFrame(columns), rules)
    np.testing.assert_array_equal(got.total, want["total"])
    assert [seg.RFML_TIERS[i] for i in got.rank] == [_TIERS[i] for i in want["tier"]]


def test_the_clv_by_arrays_is_add_historical_clvs_to_the_last_bit(db, end):
    rng = np.random.default_rng(7)
    n = 5000
    frame = pd.DataFrame(
        {
            "gross_profit": rng.gamma(2.0, 3000.0, n).round(2),
            "tenure_years": rng.uniform(0.0, 9.0, n),
            "recency_days": rng.integers(0, 3000, n).astype(float),
        }
    )
    rates = clv.return_rates(db, end)
    for retention, params, r in (
        (0.8, clv.CLVParams(), rates),
        (0.55, clv.CLVParams(discount_rate=0.2, horizon_years=3), None),
        (0.0, clv.CLVParams(), rates),
    ):
        want = clv.add_historical_clv(frame, retention, params, r)["clv"].to_numpy()
        got = grouped.clv_of(
            frame["gross_profit"], frame["tenure_years"], frame["recency_days"], retention, params, r
        )
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", [5, 17])
def test_random_databases(tmp_path, seed):
    path = _make(tmp_path / f"g{seed}.duckdb", seed=seed, customers=90, years=3.5)
    _flags(path, seed)
    con = duckdb.connect(str(path))
    end = build(con)
    con.close()
    db = Database(path)
    _clear()
    try:
        for rules in RULES:
            for params in PARAMS:
                assert_same_summary(db, end, rules, params)
            assert_same_migration(db, end - timedelta(days=365), end, rules, clv.CLVParams())
            assert_same_migration(db, end - timedelta(days=730), end, rules, clv.CLVParams())
            assert_same_cell_lists(db, end, rules, clv.CLVParams())
    finally:
        _clear()
        db.close()


def assert_same_cell_lists(db, day, rules, params) -> None:
    """A clicked bar or cell lists the customers the frame with ids gives (clv_engine.drill)."""
    from clv_engine import drill as engine

    old = seg.with_values(
        seg.score_customers(db, day, None, rules), clv.customer_values(db, day, None, params)
    )
    stores = sorted(old["home_store_id"].dropna().unique())
    regions = sorted(old["region"].dropna().unique())
    picks = [
        [{"tier": "gold"}],
        [{"tier": "platinum"}, {"tier": "churned"}],
        [{"home_store_id": stores[0], "tier": "silver"}, {"home_store_id": stores[-1], "tier": "ordinary"}],
        [{"region": regions[0], "tier": "gold"}],
        [{"home_store_id": "no such store", "tier": "gold"}],
    ]
    for keys in picks:
        cells = tuple(tuple(sorted(k.items())) for k in keys)
        frame = queries.seg_cell_customers(db, day, rules, params, cells)
        got = engine.customers_for(frame, keys)
        want = engine.customers_for(old, keys)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize("rules", [seg.RfmlRules(), EDITED])
def test_a_clicked_cell_lists_the_customers_of_the_frame_with_ids(db, end, rules):
    assert_same_cell_lists(db, end, rules, clv.CLVParams())


def test_the_page_draws_the_migration_matrix_of_the_flows(sample_db_path):
    """The page's matrix (tiers then x tiers now) is the flows' pivot table, as it was built."""
    from tests.helpers import run_app

    _clear()
    at = run_app(sample_db_path, "app_pages/segmentation.py")
    day = at.date_input(key="as_of").value
    db = Database(sample_db_path)
    try:
        mig = queries.seg_migration(
            db, day - timedelta(days=365), day, None, "rfml", seg.RfmlRules(), SIX, clv.CLVParams(), 200
        )
    finally:
        db.close()
    flows = mig.flows[mig.flows["tier_b"] != "gone"]
    left = [t for t in ["new", *seg.RFML_TIERS] if t in set(flows["tier_a"])]
    right = [t for t in seg.RFML_TIERS if t in set(flows["tier_b"])]
    want = flows.pivot_table(
        index="tier_a", columns="tier_b", values="customers", aggfunc="sum", fill_value=0
    )
    want = want.reindex(index=left, columns=right, fill_value=0)
    drawn = [d.value for d in at.dataframe if d.value.shape == want.shape]
    assert any(np.array_equal(d.to_numpy(), want.to_numpy()) for d in drawn)
