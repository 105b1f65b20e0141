"""The whole group's RFM+L breakdowns and tier migration from a few columns by key (issue 14:
ten million customers), with no per-customer frame and no text per customer.

With the facts and the values kept for a date (``derived_segments`` with ``cust_key``,
``derived_values``), each date's customers come as arrays in key order (the build numbers the
customers by id: key order is id order): DuckDB scores the kept facts with the scoring's CASE
(``scoring._SCORE_TAIL``; only the tier's rank and the total come back, as small integers) and
gives where each customer belongs as codes; the CLV is ``clv.add_historical_clv``'s arithmetic
on the kept values (``clv.absence_weight``, the same figure to the last bit). The facts and the
values of a date line up when they hold the same keys; two dates meet by key (an array indexed
by key), with no join. The breakdowns are sums per cell (``keyed.breakdowns``' rows), the
migration (``segmentation.moves``) counts per pair of tiers and lists the first movers of each
direction; a clicked cell's customers are read by key for them only (:func:`customers_in`).

Anything else (a store scope, a date without kept facts or values, the two tables holding
different customers): None, and the caller computes with the frame as before.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import clv
from clv_engine.derived import segments
from clv_engine.derived import store as derived
from clv_engine.segmentation.groups import LEVELS, SixGroupRules
from clv_engine.segmentation.keyed import _PLACE_CODES, _PLACES, KEY, _place_codes
from clv_engine.segmentation.scoring import RfmlRules
from clv_engine.segmentation.sums import table
from clv_engine.segmentation.vocabulary import (
    FLAG_TABLES,
    RFML_TIERS,
    SCHEMES,
    SCORE_MAX,
    SCORE_MIN,
    SIX_GROUPS,
    tier_column,
)


def _frozen(array: np.ndarray) -> np.ndarray:
    """A shared array nobody may change in place (one copy per process)."""
    array.setflags(write=False)
    return array


def _arrow(db, sql: str, params: list):
    with db.cursor() as cur:
        return cur.sql(sql, params=params).to_arrow_table()


def _by_key(arrow, columns: dict[str, str]) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
    """(the keys rising, each column in their order): as read when the rows come in key order
    (a table written in it, scanned), else each row put at its key's place (a join's rows come
    in any order; no sort). None: a key twice."""
    keys = arrow.column(KEY).to_numpy(zero_copy_only=False).astype("int64", copy=False)

    def column(name: str) -> np.ndarray:
        return arrow.column(name).to_numpy(zero_copy_only=False).astype(columns[name], copy=False)

    if len(keys) < 2 or bool((keys[1:] > keys[:-1]).all()):
        return _frozen(keys.astype("int32")), {c: _frozen(column(c)) for c in columns}
    low, high = int(keys.min()), int(keys.max())
    if high - low + 1 == len(keys):  # every key once from the least to the greatest: by offset
        at = keys - low
        seen = np.zeros(len(keys), dtype=bool)
        seen[at] = True
        if not seen.all():  # a key twice (and one missing)
            return None
        out = {}
        for name, dtype in columns.items():
            out[name] = np.empty(len(keys), dtype=dtype)
            out[name][at] = column(name)
            _frozen(out[name])
        return _frozen(np.arange(low, high + 1, dtype="int32")), out
    present = np.zeros(int(keys.max()) + 1, dtype=bool)
    present[keys] = True
    rising = np.flatnonzero(present)
    if len(rising) != len(keys):
        return None
    out = {}
    for name, dtype in columns.items():
        buffer = np.empty(len(present), dtype=dtype)
        buffer[keys] = column(name)
        out[name] = _frozen(buffer[rising])
    return _frozen(rising.astype("int32")), out


@dataclass(frozen=True)
class Places:
    """Where the customers of a date belong, in key order (``keys``): the code of their home
    store and region in ``names`` (-1: none), and their 12 months' spend."""

    keys: np.ndarray
    store: np.ndarray
    region: np.ndarray
    names: dict  # {"home_store_id": [...], "region": [...]} in text order
    spend: np.ndarray

    def __len__(self) -> int:
        return len(self.store)

    @functools.cached_property
    def cell(self) -> np.ndarray:
        """Each customer's store x region cell: (store + 1) * (regions + 1) + region + 1."""
        cell = self.store.astype("int32") + 1
        cell *= len(self.names["region"]) + 1
        cell += self.region
        cell += 1
        return _frozen(cell)


def places(db, as_of: date) -> Places | None:
    """The kept facts' places and spend of ``as_of`` (None: not kept)."""
    table = segments.keyed_facts_table(db, as_of)
    if table is None:
        return None
    codes = ", ".join(f"{p}_codes AS (" + _PLACE_CODES.format(place=p, table=table) + ")" for p in _PLACES)
    sql = (
        f"WITH {codes} SELECT f.{KEY}, "
        + ", ".join(f"coalesce({p}_codes.code, -1) AS {p}" for p in _PLACES)
        + f", coalesce(f.spend_12m, 0.0) AS spend_12m FROM {table} f "
        + " ".join(f"LEFT JOIN {p}_codes ON {p}_codes.v = f.{p}" for p in _PLACES)
        + " WHERE f.as_of = ?"
    )
    arrow = _arrow(db, sql, [as_of, as_of, as_of])
    found = _by_key(arrow, {"home_store_id": "int32", "region": "int32", "spend_12m": "float64"})
    if found is None:
        return None
    keys, out = found
    return Places(keys, out["home_store_id"], out["region"], _place_codes(db, table, as_of), out["spend_12m"])


@dataclass(frozen=True)
class Facts:
    """What the RFM+L rules read of each customer of a date, in key order (``keys``)."""

    keys: np.ndarray
    columns: dict  # recency_days, freq_12m, spend_12m and the five flags

    def __len__(self) -> int:
        return len(self.keys)


_FACT_TYPES = {
    "recency_days": "float64",  # NaN: unknown (R = 1)
    "freq_12m": "int64",
    "spend_12m": "float64",
    **dict.fromkeys(FLAG_TABLES, "bool"),
}


def facts(db, as_of: date) -> Facts | None:
    """The kept facts of ``as_of`` the rules read (None: not kept)."""
    table = segments.keyed_facts_table(db, as_of)
    if table is None:
        return None
    picked = ", ".join(
        f"coalesce({c}, FALSE) AS {c}"
        if c in FLAG_TABLES
        else (f"coalesce({c}, 0) AS {c}" if c != "recency_days" else c)
        for c in _FACT_TYPES
    )
    arrow = _arrow(db, f"SELECT {KEY}, {picked} FROM {table} WHERE as_of = ?", [as_of])
    found = _by_key(arrow, _FACT_TYPES)
    return None if found is None else Facts(*found)


@dataclass(frozen=True)
class Ranks:
    """Each customer's tier (rank in RFML_TIERS; for ``scheme`` "six": group, rank in
    SIX_GROUPS) and RFM+L total score, in key order (``keys``); ``rfm``: the R, F and M bands
    as one code, (R - 1) * 25 + (F - 1) * 5 + (M - 1) (what the six groups read)."""

    keys: np.ndarray
    rank: np.ndarray
    total: np.ndarray
    scheme: str = "rfml"
    rfm: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rank)

    @property
    def order(self) -> tuple[str, ...]:
        """The tiers (groups) by rank."""
        return SCHEMES[self.scheme]


def ranks_of(found: Facts | None, rules: RfmlRules = RfmlRules()) -> Ranks | None:
    """The RFM+L tiers of the facts under ``rules`` (None: no facts): ``scoring._score_arrays``'
    R, F, M, L, total and tier in small integers (a band is the number of cut-offs reached)."""
    if found is None:
        return None
    r, f, m, total, rank = _scored(found, rules)
    r -= 1
    r *= 25
    f -= 1
    f *= 5
    r += f
    r += m
    r -= 1
    rfm = r.view("uint8")  # 0..124
    return Ranks(found.keys, _frozen(rank), _frozen(total), "rfml", _frozen(rfm))


def _scored(found: Facts, rules: RfmlRules) -> tuple[np.ndarray, ...]:
    """(R, F, M, total, rank in RFML_TIERS) of the facts under ``rules``, in small integers."""
    rules.validate()
    c = found.columns
    n = len(found)

    def reached(values: np.ndarray, cutoffs, below: bool) -> np.ndarray:
        """1 + the cut-offs reached: values <= cut-off (R: rising days) or >= (F, M); NaN: none."""
        band = np.ones(n, dtype="int8")
        for cut in cutoffs:
            band += (values <= cut) if below else (values >= cut)
        return band

    r = reached(c["recency_days"], [float(x) for x in rules.recency_days], True)
    f = reached(c["freq_12m"], list(rules.visits), False)
    m = reached(c["spend_12m"], [float(x) for x in rules.spend], False)
    loyalty = np.full(n, rules.loyalty_base, dtype="int8")
    for flag, weight in (
        ("has_warranty", rules.warranty_weight),
        ("referred_someone", rules.referral_weight),
        ("attended_event", rules.event_weight),
        ("has_complaint", rules.complaint_weight),
        ("seen_at_competitor", rules.competitor_weight),
    ):
        if weight:
            loyalty += np.int8(weight) * c[flag].view("int8")
    np.clip(loyalty, SCORE_MIN, SCORE_MAX, out=loyalty)
    total = r + f + m + loyalty
    # SCORE_SQL's CASE in its order: churned first, then the highest tier reached
    rank = np.full(n, RFML_TIERS.index("ordinary"), dtype="int8")
    rank[total >= rules.silver_min] = RFML_TIERS.index("silver")
    rank[total >= rules.gold_min] = RFML_TIERS.index("gold")
    rank[total >= rules.platinum_min] = RFML_TIERS.index("platinum")
    rank[(r <= rules.churned_max_r) & (total <= rules.churned_max_total)] = RFML_TIERS.index("churned")
    return r, f, m, total, rank


def ranks(db, as_of: date, rules: RfmlRules = RfmlRules()) -> Ranks | None:
    """The RFM+L tiers of ``as_of``'s kept facts under ``rules`` (None: not kept)."""
    return ranks_of(facts(db, as_of), rules)


@dataclass(frozen=True)
class Values:
    """Each customer's 12 months' gross profit and CLV, in key order (``keys``)."""

    keys: np.ndarray
    gp_12m: np.ndarray
    clv: np.ndarray

    def __len__(self) -> int:
        return len(self.clv)


def clv_of(
    gross_profit, tenure_years, recency_days, retention: float, params: clv.CLVParams, rates, annual=None
):
    """``clv.add_historical_clv``'s CLV, array by array (the same operations, the same figures;
    ``clv.absence_weight`` only for those absent over a year: the others keep 1). ``annual``:
    the gross profit a year when already divided (gross_profit and tenure_years then unused)."""
    if annual is None:
        years = np.maximum(np.asarray(tenure_years, dtype=float), 1.0)
        annual = np.asarray(gross_profit, dtype=float) / years
    days = np.asarray(recency_days, dtype=float)
    weight = np.ones(len(days))
    away = np.flatnonzero(~(days <= 365))  # over a year (and unknown: as absence_weight has it)
    weight[away] = clv.absence_weight(days[away], retention, rates)
    factor = clv.annuity_factor(retention, params.discount_rate, params.horizon_years)
    return annual * weight * factor


def values(db, as_of: date, params: clv.CLVParams = clv.CLVParams()) -> Values | None:
    """gp_12m and the CLV of ``as_of``'s kept values (None: not kept, keys with gaps)."""
    if derived.kept_date(db, as_of) is None or segments.keyed_facts_table(db, as_of) is None:
        return None
    params.validate()
    arrow = _arrow(
        db,
        # the gross profit a year as add_historical_clv divides it (one IEEE division: the same)
        f"SELECT {KEY}, gp_12m, gross_profit / CASE WHEN tenure_years < 1.0 THEN 1.0 ELSE tenure_years END "
        f"AS annual, CAST(recency_days AS INTEGER) AS recency_days FROM {derived.VALUES_TABLE} WHERE as_of = ?",
        [as_of],
    )
    found = _by_key(arrow, {"gp_12m": "float64", "annual": "float64", "recency_days": "float64"})
    if found is None:
        return None
    keys, column = found
    retention, _ = clv.retention_for(db, as_of, params)
    rates = clv.return_rates(db, as_of)
    value = clv_of(None, None, column["recency_days"], retention, params, rates, annual=column["annual"])
    return Values(keys, column["gp_12m"], _frozen(value))


def _lined_up(*parts) -> bool:
    """Whether the parts hold the same customers (the same keys)."""
    if any(p is None for p in parts):
        return False
    first = parts[0].keys
    return all(p.keys is first or np.array_equal(p.keys, first) for p in parts[1:])


def _bands(code: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R, F and M of Ranks.rfm codes."""
    return code // 25 + 1, code // 5 % 5 + 1, code % 5 + 1


def clv_cut(money: Values, share: float) -> float:
    """The CLV at or under which an all-low customer stays "invalid": the ``share`` quantile
    of the finite CLVs (``groups.six_groups``' cut; none: -inf)."""
    finite = money.clv[np.isfinite(money.clv)]
    return float(np.quantile(finite, share)) if len(finite) and share > 0 else -np.inf


def six_of(
    ranks: Ranks | None, money: Values | None, six: SixGroupRules = SixGroupRules(), cut: float | None = None
) -> Ranks | None:
    """The six groups (SPEC §2b) of the RFM+L scores of ``ranks`` with the CLV of ``money``, as
    ``groups.six_groups`` gives them on the frame (the same levels, grid and CLV cut: the
    ``invalid_clv_share`` quantile of the finite CLVs of these customers, ``cut`` when known:
    :func:`clv_cut`); ``total`` stays the RFM+L total. None: no ranks or values, or they hold
    other customers."""
    if ranks is None or ranks.rfm is None or not _lined_up(ranks, money):
        return None
    six.validate()
    value = money.clv
    cut = clv_cut(money, six.invalid_clv_share) if cut is None else cut
    # per code of R, F and M (125): the level of R and of F and M together (LEVELS' order), the
    # grid's group, and whether "invalid" may stay (R, F and M all low)
    r, f, m = _bands(np.arange(125))
    high, low = six.high_min, six.low_max
    r_level = np.where(r >= high, 0, np.where(r <= low, 2, 1))
    all_low = (f <= low) & (m <= low)
    fm_level = np.where((f >= high) & (m >= high), 0, np.where(all_low, 2, 1))
    cells = six.grid_map()
    grid = np.array([[SIX_GROUPS.index(cells[(rl, fl)]) for fl in LEVELS] for rl in LEVELS], dtype="int8")
    group = np.take(grid[r_level, fm_level], ranks.rfm)
    # "invalid" kept only for the all-low at or under the cut (a missing CLV too: SIX_SQL's NULL)
    invalid = np.flatnonzero(group == SIX_GROUPS.index("invalid"))
    if len(invalid):
        v = value[invalid]
        with np.errstate(invalid="ignore"):
            cut_ok = np.isnan(v) | (v < 0) | (v <= cut)
        keeps = ((r_level == 2) & all_low)[ranks.rfm[invalid]] & cut_ok
        group[invalid[~keeps]] = SIX_GROUPS.index(six.invalid_fallback)
    return Ranks(ranks.keys, _frozen(group), ranks.total, "six", ranks.rfm)


# -- the breakdowns ----------------------------------------------------------------------------


def breakdowns(
    where: Places | None, tiers: Ranks | None, money: Values | None
) -> tuple[int, pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(customers, breakdown, by store, by region): ``keyed.breakdowns`` of the keyed frame,
    from the arrays of one date (None: they are missing or hold other customers), in the scheme
    of ``tiers`` (RFM+L tiers or six groups). One sum per cell of store x region x tier, then
    the cells summed per tier, per store and per region."""
    if not _lined_up(where, tiers, money):
        return None
    order = tiers.order
    k = len(order)
    stores, regions = where.names["home_store_id"], where.names["region"]
    shape = (len(stores) + 1, len(regions) + 1, k)
    cell = where.cell * k
    cell += tiers.rank
    size = shape[0] * shape[1] * shape[2]
    sums = {
        "customers": np.bincount(cell, minlength=size),
        "revenue": np.bincount(cell, weights=where.spend, minlength=size),
        "gross_profit": np.bincount(cell, weights=money.gp_12m, minlength=size),
        "total_clv": np.bincount(cell, weights=money.clv, minlength=size),
    }
    del cell
    cube = {name: v.reshape(shape) for name, v in sums.items()}
    out = []
    for by, names, axes in ((), [], (0, 1)), (("home_store_id",), stores, (1,)), (("region",), regions, (0,)):
        part = {name: v.sum(axis=axes).reshape(-1, k) for name, v in cube.items()}
        out.append(table(part, names, by, tiers.scheme))
    return len(tiers), out[0], out[1], out[2]


# -- the customers behind a clicked bar or cell --------------------------------------------------

# What a customer list reads of the customers picked (by key, an Arrow table ``picked``): the
# frame's columns as seg_customers has them (the scores' place and recency, the values' rest).
_LISTED_SQL = f"""
SELECT f.{KEY}, v.customer_id, v.name, f.home_store_id, f.region, v.channel, v.vehicle_model,
       f.recency_days, v.orders, v.gross_profit
FROM picked p
JOIN {{table}} f ON f.{KEY} = p.{KEY} AND f.as_of = ?
JOIN {derived.VALUES_TABLE} v ON v.{KEY} = p.{KEY} AND v.as_of = ?
"""


def customers_in(
    db,
    as_of: date,
    where: Places | None = None,
    tiers: Ranks | None = None,
    money: Values | None = None,
    cells: Sequence[Mapping] = (),
) -> pd.DataFrame | None:
    """The customers of the whole group in any of ``cells`` ({"tier": t} and maybe
    {"home_store_id": s} or {"region": r}; t a tier or, for six groups, a group of ``tiers``),
    with the columns a customer list reads (id, name, place, channel, vehicle, recency, orders,
    gross profit, gp_12m, CLV, and the scheme's column: tier or group), in key order; None when
    the arrays are missing or hold other customers. Only those customers are read."""
    import pyarrow as pa

    table = segments.keyed_facts_table(db, as_of)
    if table is None or not _lined_up(where, tiers, money):
        return None
    chosen = np.zeros(len(tiers), dtype=bool)
    for cell in cells:
        tier = cell.get("tier")
        if tier not in tiers.order:
            continue
        match = tiers.rank == tiers.order.index(tier)
        for place, codes in (("home_store_id", where.store), ("region", where.region)):
            if place in cell:
                names = where.names[place]
                value = cell[place]
                match &= codes == (names.index(value) if value in names else -2)
        chosen |= match
    rows = np.flatnonzero(chosen)
    picked = pa.table({KEY: pa.array(tiers.keys[rows].astype("int32"))})
    with db.cursor() as cur:
        cur.register("picked", picked)
        try:
            found = cur.sql(_LISTED_SQL.replace("{table}", table), params=[as_of, as_of]).df()
        finally:
            cur.unregister("picked")
    found = found.sort_values(KEY).reset_index(drop=True)
    at = np.searchsorted(tiers.keys, found[KEY].to_numpy())
    found["gp_12m"] = money.gp_12m[at]
    found["clv"] = money.clv[at]
    found[tier_column(tiers.scheme)] = pd.Series([tiers.order[i] for i in tiers.rank[at]], dtype="str")
    return found.drop(columns=[KEY])
