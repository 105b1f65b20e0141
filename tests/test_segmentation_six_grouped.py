"""Issue 14: the whole group's RFM+CLV six groups from the small arrays by key
(clv_engine.segmentation.grouped.six_of), as the RFM+L tiers already are: the breakdowns, the
migration and a clicked cell's customers with no frame of customers.

Compared with the methods they replace, kept here: ``groups.six_groups`` on the rescored frame
(``scoring._score_arrays`` / ``seg.rescore``) and, on random small databases built with every
derived table, the frame with text ids (``score_customers`` merged on the id to
``clv.customer_values``) grouped by ``six_groups`` and broken down by ``tier_breakdown``, its
migration by ``migration_between`` and its customer lists by ``clv_engine.drill``. Several
SixGroupRules: levels, CLV share (0 and 1 too), fallback and grid; customers with a missing or
negative CLV.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv_engine import clv
from clv_engine import drill as engine
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.derived.build import build
from clv_engine.scope import ScopedDatabase
from clv_engine.segmentation import grouped, sums
from clv_engine.segmentation.scoring import _score_arrays
from tests.test_derived_dates import _make
from tests.test_segmentation_grouped import EDITED, LOYAL, _clear, assert_migration_is, old_frame
from tests.test_segmentation_keyed import _flags
from ui import queries
from ui.queries import segmodel

LEVEL_PAIRS = [(h, lo) for h in range(2, 6) for lo in range(1, 5) if lo < h]


def _grid(picks) -> seg.SixGroupRules:
    cells = {cell: seg.SIX_GROUPS[p] for cell, p in zip(seg.DEFAULT_GRID, picks)}
    return seg.SixGroupRules().with_grid(cells)


SIXES = [
    seg.SixGroupRules(),
    seg.SixGroupRules(high_min=3, low_max=2, invalid_clv_share=0.5, invalid_fallback="potential"),
    seg.SixGroupRules(high_min=5, low_max=1, invalid_clv_share=0.0),
    seg.SixGroupRules(high_min=3, low_max=1, invalid_clv_share=1.0, invalid_fallback="churn_risk"),
    # every cell of the grid "invalid" but one: the CLV test decides most customers
    _grid([5, 5, 5, 0, 5, 5, 5, 5, 5]),
]


def _clear_six() -> None:
    _clear()
    segmodel._seg_six.clear()
    segmodel._seg_clv_cut.clear()


# -- six_of against six_groups, on random scores and CLVs ------------------------------------


@st.composite
def _six_rules(draw) -> seg.SixGroupRules:
    high, low = draw(st.sampled_from(LEVEL_PAIRS))
    share = draw(st.sampled_from([0.0, 1.0, 0.2]) | st.floats(0.0, 1.0))
    fallback = draw(st.sampled_from([g for g in seg.SIX_GROUPS if g != "invalid"]))
    rules = seg.SixGroupRules(high_min=high, low_max=low, invalid_clv_share=share, invalid_fallback=fallback)
    if draw(st.booleans()):
        rules = _grid(draw(st.lists(st.integers(0, 5), min_size=9, max_size=9)))
        rules = seg.SixGroupRules(
            high_min=high, low_max=low, invalid_clv_share=share, invalid_fallback=fallback, grid=rules.grid
        )
    return rules


def _random_facts(rng, n: int, rules: seg.RfmlRules) -> dict:
    recency = rng.choice([*rules.recency_days, 0, 5, 100, 400, 2000], n).astype(float)
    recency[rng.random(n) < 0.05] = np.nan
    return {
        "recency_days": recency,
        "freq_12m": rng.choice([*rules.visits, 0, 3, 20], n).astype("int64"),
        "spend_12m": rng.choice([*rules.spend, 0.0, 999.5, 30_000.0], n).astype(float),
        **{flag: rng.random(n) < 0.4 for flag in seg.FLAG_TABLES},
    }


def _random_clv(rng, n: int) -> np.ndarray:
    value = rng.choice([-500.0, 0.0, 10.0, 250.0, 1000.0], n) + rng.gamma(1.0, 300.0, n).round(0)
    value[rng.random(n) < 0.1] = 0.0  # ties at the cut
    value[rng.random(n) < 0.05] = np.nan
    value[rng.random(n) < 0.02] = -np.inf if rng.random() < 0.5 else np.inf
    return value


def _frame_groups(columns: dict, clv_values: np.ndarray, rules, six) -> pd.DataFrame:
    """The method replaced: the rescored frame (R, F, M of _score_arrays) grouped by six_groups."""
    scores = _score_arrays(pd.DataFrame(columns), rules)
    frame = pd.DataFrame({"r": scores["r"], "f": scores["f"], "m": scores["m"], "clv": clv_values})
    return seg.six_groups(frame, six)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), six=_six_rules(), rfml=st.sampled_from([seg.RfmlRules(), EDITED, LOYAL]))
def test_the_six_groups_by_arrays_are_six_groups_of_the_frame(seed, six, rfml):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 600))
    columns = _random_facts(rng, n, rfml)
    value = _random_clv(rng, n)
    keys = np.arange(n, dtype="int32") * 3 + 1
    ranks = grouped.ranks_of(grouped.Facts(keys, columns), rfml)
    money = grouped.Values(keys, np.zeros(n), value)
    got = grouped.six_of(ranks, money, six)
    want = _frame_groups(columns, value, rfml, six)
    assert got.scheme == "six" and got.keys is ranks.keys
    assert [seg.SIX_GROUPS[g] for g in got.rank] == list(want["group"])
    np.testing.assert_array_equal(got.total, ranks.total)
    # the R, F, M bands the six groups read are the scoring's
    scores = _score_arrays(pd.DataFrame(columns), rfml)
    r, f, m = grouped._bands(ranks.rfm.astype("int64"))
    for mine, theirs in ((r, "r"), (f, "f"), (m, "m")):
        np.testing.assert_array_equal(mine, scores[theirs])


def test_arrays_holding_other_customers_give_none():
    ranks = grouped.ranks_of(
        grouped.Facts(np.arange(3), _random_facts(np.random.default_rng(1), 3, seg.RfmlRules()))
    )
    assert grouped.six_of(ranks, grouped.Values(np.array([0, 1, 3]), np.zeros(3), np.zeros(3))) is None
    assert grouped.six_of(None, grouped.Values(np.arange(3), np.zeros(3), np.zeros(3))) is None
    assert grouped.six_of(ranks, None) is None


# -- the page's figures on random databases ------------------------------------------------------


def old_six(db, day, rules, six, params) -> pd.DataFrame:
    return seg.six_groups(old_frame(db, day, rules, params), six)


def assert_same_six_summary(db, day, rules, six, params) -> None:
    old = old_six(db, day, rules, six, params)
    assert segmodel._seg_tiers(db, day, "six", rules, six, params) is not None  # the arrays gave them
    customers, breakdown, by_store, by_region = queries.seg_summary(db, day, None, "six", rules, six, params)
    assert customers == len(old)
    pd.testing.assert_frame_equal(breakdown, seg.tier_breakdown(old, "six"), check_dtype=False)
    for by, got in (("home_store_id", by_store), ("region", by_region)):
        pd.testing.assert_frame_equal(got, seg.tier_breakdown(old, "six", by=[by]), check_dtype=False)


MOVER_COLUMNS = [
    "customer_id",
    "home_store_id",
    "tier_a",
    "tier_b",
    "total_a",
    "total_b",
    "direction",
    "name",
]


def assert_same_six_migration(db, date_a, day, rules, six, params, by_arrays: bool = True) -> None:
    """The migration the page shows equals the frames'; ``by_arrays``: from the arrays (both
    dates' values kept), else computed with the frames as before."""
    before = seg.migration_between(
        old_six(db, date_a, rules, six, params), old_six(db, day, rules, six, params), "six", date_a, day
    )
    assert_migration_is(db, date_a, day, ("six", rules, six, params), before, MOVER_COLUMNS, by_arrays)


def assert_same_six_cell_lists(db, day, rules, six, params) -> None:
    old = old_six(db, day, rules, six, params)
    stores = sorted(old["home_store_id"].dropna().unique())
    regions = sorted(old["region"].dropna().unique())
    picks = [
        [{"group": "vip"}],
        [{"group": "invalid"}, {"group": "dormant"}],
        [
            {"home_store_id": stores[0], "group": "potential"},
            {"home_store_id": stores[-1], "group": "churn_risk"},
        ],
        [{"region": regions[0], "group": "high_value"}],
        [{"home_store_id": "no such store", "group": "vip"}],
    ]
    for keys in picks:
        cells = tuple(tuple(sorted(("tier" if f == "group" else f, v) for f, v in k.items())) for k in keys)
        frame = queries.seg_cell_customers(db, day, rules, params, cells, "six", six)
        assert frame is not None
        got = engine.customers_for(frame, keys)
        want = engine.customers_for(old, keys)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def _with_refunds(path, seed: int) -> None:
    """A few customers whose refunds outweigh their visits (a negative CLV)."""
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(path))
    try:
        ids = [r[0] for r in con.execute("SELECT DISTINCT customer_id FROM orders ORDER BY 1").fetchall()]
        end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
        for i, cid in enumerate(rng.choice(ids, size=max(3, len(ids) // 8), replace=False)):
            day = end - timedelta(days=int(rng.integers(0, 700)))
            con.execute(
                "INSERT INTO orders (order_id, customer_id, order_date, store_id, revenue, gross_profit) "
                "SELECT ?, ?, ?, home_store_id, -3000, -2500 FROM customers WHERE customer_id = ?",
                [f"R{i}", str(cid), day, str(cid)],
            )
    finally:
        con.close()


@pytest.fixture(scope="module", params=[5, 17])
def random_db(tmp_path_factory, request):
    seed = request.param
    path = _make(tmp_path_factory.mktemp("six") / f"s{seed}.duckdb", seed=seed, customers=90, years=3.5)
    _flags(path, seed)
    _with_refunds(path, seed)
    con = duckdb.connect(str(path))
    end = build(con)
    con.close()
    db = Database(path)
    _clear_six()
    yield db, end
    _clear_six()
    db.close()


PARAMS = [clv.CLVParams(), clv.CLVParams(discount_rate=0.05, horizon_years=8, retention=0.7)]


@pytest.mark.parametrize("six", SIXES)
def test_the_six_groups_summed_by_key_equal_the_frames(random_db, six):
    db, end = random_db
    old = old_frame(db, end, seg.RfmlRules(), clv.CLVParams())
    assert (old["clv"] < 0).any()  # the refunds: a negative CLV among them
    for rules in (seg.RfmlRules(), EDITED, LOYAL):
        for params in PARAMS:
            assert_same_six_summary(db, end, rules, six, params)
        assert_same_six_cell_lists(db, end, rules, six, clv.CLVParams())


@pytest.mark.parametrize("six", SIXES)
def test_the_six_group_migration_by_key_equals_the_frames(random_db, six):
    db, end = random_db
    for rules in (seg.RfmlRules(), LOYAL):
        assert_same_six_migration(db, end - timedelta(days=365), end, rules, six, clv.CLVParams())
        # two years back: the facts are kept, the values not (the frames, as before)
        assert grouped.values(db, end - timedelta(days=730)) is None
        assert_same_six_migration(db, end - timedelta(days=730), end, rules, six, clv.CLVParams(), False)


def test_a_scope_or_a_date_not_kept_keeps_the_frame_for_six(random_db):
    db, end = random_db
    six = SIXES[1]
    stores = tuple(db.query_df("SELECT store_id FROM stores ORDER BY store_id")["store_id"][:1])
    other = end - timedelta(days=30)
    assert grouped.places(ScopedDatabase(db, stores), end) is None
    for store_ids, day in ((stores, end), (None, other)):
        frame, *parts = queries.seg_analysis(db, day, store_ids, "six", seg.RfmlRules(), six, clv.CLVParams())
        got = queries.seg_summary(db, day, store_ids, "six", seg.RfmlRules(), six, clv.CLVParams())
        assert got[0] == len(frame)
        for a, b in zip(got[1:], parts):
            pd.testing.assert_frame_equal(a, b)
    assert segmodel._seg_tiers(db, other, "six", seg.RfmlRules(), six, clv.CLVParams()) is None
    mig = queries.seg_migration(db, other, end, None, "six", seg.RfmlRules(), six, clv.CLVParams())
    assert mig.loader is None
    want = seg.migration(db, other, end, None, "six", seg.RfmlRules(), six)
    assert mig.counts() == want.counts()


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("scheme", ["rfml", "six"])
def test_the_table_of_sums_is_the_former_shaping(seed, scheme):
    """sums.table against keyed.shaped (the pandas shaping it replaces) on random sums per
    place and tier: empty tiers and places, a place with no profit (no share of it), none."""
    from clv_engine.segmentation.keyed import shaped

    rng = np.random.default_rng(seed)
    k = len(seg.SCHEMES[scheme])
    places = int(rng.integers(0, 5))
    names = [f"P{i}" for i in range(places)]
    counts = rng.integers(0, 4, (places + 1, k)) * (rng.random((places + 1, k)) < 0.6)
    part = {"customers": counts}
    for name in ("revenue", "gross_profit", "total_clv"):
        part[name] = np.where(counts > 0, rng.normal(100.0, 80.0, (places + 1, k)).round(2), 0.0)
    if places:
        part["gross_profit"][1] = 0.0  # a place without profit
    for by in ((), ("home_store_id",)):
        if by:
            use = part
        else:
            use = {name: v.sum(axis=0).reshape(1, k) for name, v in part.items()}
        flat = {name: v.reshape(-1) for name, v in use.items()}
        cells = np.flatnonzero(flat["customers"])
        rows = pd.DataFrame(
            {
                **(
                    {by[0]: pd.Series([names[c // k - 1] if c >= k else None for c in cells], dtype="str")}
                    if by
                    else {}
                ),
                "tier": [seg.SCHEMES[scheme][c % k] for c in cells],
                "customers": flat["customers"][cells].astype("int64"),
                **{name: flat[name][cells] for name in ("revenue", "gross_profit", "total_clv")},
            }
        )
        want = shaped(rows, scheme, by)
        got = sums.table(use, names, by, scheme)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)


def test_a_click_on_a_six_group_chart_lists_the_frames_customers(random_db):
    """The page's customers_behind for the six groups (a bar; a store's cell, sent as its
    position): the clicked cells read by key, the customers the frame with ids lists."""
    from types import SimpleNamespace

    from ui.segmentation_panels import customers_behind

    db, end = random_db
    six, rules, params = SIXES[1], seg.RfmlRules(), clv.CLVParams()
    ctx = SimpleNamespace(db=db, as_of=end, store_ids=None, clv_params=params)
    old = old_six(db, end, rules, six, params)
    keys = sorted(old["home_store_id"].dropna().unique())
    queries.seg_cell_customers.clear()
    calls = []
    real = segmodel.grouped.customers_in
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segmodel.grouped, "customers_in", lambda *a, **k: calls.append(1) or real(*a, **k))
        bar = {"selection": {"points": [{"customdata": "potential"}, {"customdata": "dormant"}]}}
        frame = customers_behind(ctx, bar, "six", rules, six, ("group",))
        picked = [{"group": "potential"}, {"group": "dormant"}]
        pd.testing.assert_frame_equal(
            engine.customers_for(frame, picked), engine.customers_for(old, picked), check_dtype=False
        )
        cell = {"selection": {"points": [{"customdata": [len(keys) - 1, "invalid"]}]}}
        decode = {"home_store_id": lambda i: keys[int(i)]}
        frame = customers_behind(ctx, cell, "six", rules, six, ("home_store_id", "group"), decode)
        picked = [{"home_store_id": keys[-1], "group": "invalid"}]
        pd.testing.assert_frame_equal(
            engine.customers_for(frame, picked), engine.customers_for(old, picked), check_dtype=False
        )
    assert len(calls) == 2  # by key, not the frame with ids


@settings(max_examples=80, deadline=None)
@given(
    then_keys=st.sets(st.integers(1, 40), max_size=30) | st.tuples(st.integers(1, 20), st.integers(0, 20)),
    now_keys=st.sets(st.integers(1, 40), max_size=30) | st.tuples(st.integers(1, 20), st.integers(0, 20)),
    seed=st.integers(0, 1000),
)
def test_two_dates_meet_by_key_as_a_dictionary_has_it(then_keys, now_keys, seed):
    """moves._directions and _gone (by slices when each date's keys run without a gap, else by
    an array indexed by key) against a dictionary of each date's ranks."""
    from clv_engine.segmentation import moves

    rng = np.random.default_rng(seed)

    def ranks(keys) -> grouped.Ranks:
        if isinstance(keys, tuple):  # a run: first key, how many
            keys = range(keys[0], keys[0] + keys[1])
        keys = np.array(sorted(keys), dtype="int32")
        return grouped.Ranks(keys, rng.integers(0, 5, len(keys)).astype("int8"), np.zeros(len(keys), "int8"))

    then, now = ranks(then_keys), ranks(now_keys)
    before = dict(zip(then.keys.tolist(), then.rank.tolist()))
    rank, direction = moves._directions(then, now)
    want_rank = [before.get(k, -1) for k in now.keys.tolist()]
    assert rank.tolist() == want_rank
    want = [
        "new" if a < 0 else "up" if b < a else "down" if b > a else "same"
        for a, b in zip(want_rank, now.rank)
    ]
    assert [moves._DIRECTIONS[d] for d in direction] == want
    kept = set(now.keys.tolist())
    assert moves._gone(then, now).tolist() == [r for k, r in before.items() if k not in kept]
