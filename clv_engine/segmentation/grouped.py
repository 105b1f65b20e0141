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
migration's flows counts per pair of tiers and its movers the first of each direction
(``migration_between``'s rows and order); only the movers shown get their id, name and store
as text.

Anything else (a store scope, a date without kept facts or values, the two tables holding
different customers): None, and the caller computes with the frame as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import clv
from clv_engine.derived import segments
from clv_engine.derived import store as derived
from clv_engine.segmentation.keyed import _PLACE_CODES, _PLACES, KEY, _place_codes, named, shaped
from clv_engine.segmentation.migration import _DIRECTIONS, MOVES, Migration
from clv_engine.segmentation.scoring import RfmlRules
from clv_engine.segmentation.vocabulary import FLAG_TABLES, RFML_TIERS, SCORE_MAX, SCORE_MIN

_TIERS = len(RFML_TIERS)


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
    """Each customer's tier (rank in RFML_TIERS) and total score, in key order (``keys``)."""

    keys: np.ndarray
    rank: np.ndarray
    total: np.ndarray

    def __len__(self) -> int:
        return len(self.rank)


def ranks_of(found: Facts | None, rules: RfmlRules = RfmlRules()) -> Ranks | None:
    """The RFM+L tiers of the facts under ``rules`` (None: no facts): ``scoring._score_arrays``'
    R, F, M, L, total and tier in small integers (a band is the number of cut-offs reached)."""
    if found is None:
        return None
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
    return Ranks(found.keys, _frozen(rank), _frozen(total))


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


# -- the breakdowns ----------------------------------------------------------------------------


def breakdowns(
    where: Places | None, tiers: Ranks | None, money: Values | None
) -> tuple[int, pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(customers, breakdown, by store, by region): ``keyed.breakdowns`` of the keyed frame,
    from the arrays of one date (None: they are missing or hold other customers). One sum per
    cell of store x region x tier, then the cells summed per tier, per store and per region."""
    if not _lined_up(where, tiers, money):
        return None
    stores, regions = where.names["home_store_id"], where.names["region"]
    shape = (len(stores) + 1, len(regions) + 1, _TIERS)
    cell = (where.store.astype("int64") + 1) * shape[1]
    cell += where.region + 1
    cell *= _TIERS
    cell += tiers.rank
    size = shape[0] * shape[1] * shape[2]
    sums = {
        "customers": np.bincount(cell, minlength=size),
        "revenue": np.bincount(cell, weights=where.spend, minlength=size),
        "gross_profit": np.bincount(cell, weights=money.gp_12m, minlength=size),
        "total_clv": np.bincount(cell, weights=money.clv, minlength=size),
    }
    del cell
    cube = {k: v.reshape(shape) for k, v in sums.items()}
    out = []
    for by, names, axes in ((), [], (0, 1)), (("home_store_id",), stores, (1,)), (("region",), regions, (0,)):
        part = {k: v.sum(axis=axes) for k, v in cube.items()}
        counts = part["customers"].reshape(-1)
        cells = np.flatnonzero(counts)
        group = cells // _TIERS - 1 if by else np.full(len(cells), -1)
        rows = pd.DataFrame(
            {
                **(
                    {by[0]: pd.Series([names[g] if g >= 0 else None for g in group], dtype="str")}
                    if by
                    else {}
                ),
                "tier": [RFML_TIERS[c % _TIERS] for c in cells],
                "customers": counts[cells].astype("int64"),
                **{k: part[k].reshape(-1)[cells] for k in ("revenue", "gross_profit", "total_clv")},
            }
        )
        out.append(shaped(rows, "rfml", by))
    return len(tiers), out[0], out[1], out[2]


# -- the migration ------------------------------------------------------------------------------


def _directions(then: Ranks, now: Ranks) -> tuple[np.ndarray, np.ndarray]:
    """Per customer now (in key order): the rank then (-1: new) and the direction (index in
    _DIRECTIONS: 0 new, 1 up, 2 down, 3 same), then's ranks put at their keys' places."""
    size = int(max(then.keys[-1] if len(then) else 0, now.keys[-1] if len(now) else 0)) + 1
    by_key = np.full(size, -1, dtype="int8")
    by_key[then.keys] = then.rank
    rank = by_key[now.keys]
    del by_key
    direction = np.full(len(now), 3, dtype="int8")
    direction[now.rank < rank] = 1
    direction[now.rank > rank] = 2
    direction[rank < 0] = 0
    return rank, direction


def _gone(then: Ranks, now: Ranks) -> np.ndarray:
    """The ranks then of the customers who are not customers now."""
    size = int(max(then.keys[-1] if len(then) else 0, now.keys[-1] if len(now) else 0)) + 1
    in_now = np.zeros(size, dtype=bool)
    in_now[now.keys] = True
    return then.rank[~in_now[then.keys]].astype("int64")


class _ClvKey:
    """CLV highest first, none last, as a sort key, computed for the rows asked only."""

    def __init__(self, values: np.ndarray):
        self.values = values

    def __getitem__(self, rows) -> np.ndarray:
        v = self.values[rows]
        return np.where(np.isnan(v), np.inf, -v)


def _flows(then: np.ndarray, now: np.ndarray, gone: np.ndarray) -> pd.DataFrame:
    """tier_a, tier_b, direction, customers: migration._flows' rows and order (``then``: -1 new)."""
    k = _TIERS
    cells = np.bincount((then.astype("int64") + 1) * k + now, minlength=(k + 1) * k)
    names = ["new", *RFML_TIERS]
    rows = []
    for cell in np.flatnonzero(cells):
        i, j = divmod(int(cell), k)
        d = 0 if i == 0 else (1 if j < i - 1 else 2 if j > i - 1 else 3)
        rows.append((names[i], RFML_TIERS[j], _DIRECTIONS[d], int(cells[cell])))
    for i, n in enumerate(np.bincount(gone, minlength=k) if len(gone) else []):
        if n:
            rows.append((RFML_TIERS[i], "gone", "gone", int(n)))
    flows = pd.DataFrame(rows, columns=["tier_a", "tier_b", "direction", "customers"])
    flows["customers"] = flows["customers"].astype("int64")
    flows = flows.sort_values(["customers", "tier_a", "tier_b"], ascending=[False, True, True], kind="stable")
    return flows.reset_index(drop=True)


def _ordered(rows: np.ndarray, then: np.ndarray, clv_key: np.ndarray) -> np.ndarray:
    """Rows (positions now, in key order) by the tier left, CLV highest first, then key."""
    return rows[np.lexsort((rows, clv_key[rows], then[rows]))]


def _first(rows: np.ndarray, n: int | None, then: np.ndarray, clv_key: np.ndarray) -> np.ndarray:
    """``_ordered(rows)[:n]`` without sorting them all (migration._first_movers' ``first``)."""
    if n is None or len(rows) <= n:
        return _ordered(rows, then, clv_key)
    tier = then[rows]
    counts = np.bincount(tier - tier.min())
    last = int(np.searchsorted(np.cumsum(counts), n)) + int(tier.min())
    before = rows[tier < last]
    same = rows[tier == last]
    need = n - len(before)
    if 0 < need < len(same):
        kth = np.partition(clv_key[same], need - 1)[need - 1]
        same = same[clv_key[same] <= kth]
    return _ordered(np.concatenate([before, same]), then, clv_key)[:n]


@dataclass(frozen=True)
class _Sides:
    """What the movers' rows read: both dates' arrays (shared, never changed)."""

    db: object
    date_a: date
    date_b: date
    then: Ranks
    now: Ranks
    where_now: Places
    money: Values

    def directions(self) -> tuple[np.ndarray, np.ndarray]:
        """Per customer now: the rank then (-1: new) and the direction (index in _DIRECTIONS)."""
        return _directions(self.then, self.now)

    def rows(self, kinds: tuple[str, ...], shown: int | None, known=None) -> pd.DataFrame:
        """The movers of ``kinds`` (the first ``shown`` of each; None: all), named."""
        then, direction = self.directions() if known is None else known
        clv_key = _ClvKey(self.money.clv)
        picked = [
            _first(np.flatnonzero(direction == _DIRECTIONS.index(kind)), shown, then, clv_key)
            for kind in kinds
        ]
        rows = _ordered(np.concatenate(picked) if picked else np.zeros(0, dtype="int64"), then, clv_key)
        keys = self.now.keys[rows].astype("int64")
        at = np.searchsorted(self.then.keys, keys)  # their rows then (movers existed then)

        def place(where: Places, positions: np.ndarray) -> list:
            names = where.names["home_store_id"]
            return [names[c] if c >= 0 else None for c in where.store[positions]]

        home = place(self.where_now, rows)
        if any(h is None for h in home):  # without a home store now: the one they had then
            before = self._homes_then([int(k) for k, h in zip(keys, home) if h is None])
            home = [before.get(int(k)) if h is None else h for k, h in zip(keys, home)]
        frame = pd.DataFrame(
            {
                "customer_id": keys.astype("int64"),
                "home_store_id": pd.Series(home, dtype=object),
                "tier_a": [RFML_TIERS[i] for i in then[rows]],
                "tier_b": [RFML_TIERS[i] for i in self.now.rank[rows]],
                "rank_a": then[rows].astype("int64"),
                "rank_b": self.now.rank[rows].astype("int64"),
                "total_a": self.then.total[at].astype("int64"),
                "total_b": self.now.total[rows].astype("int64"),
                "name": pd.Series([None] * len(rows), dtype=object),
                "clv": self.money.clv[rows].astype(float),
                "direction": [_DIRECTIONS[d] for d in direction[rows]],
            }
        )
        out = named(self.db, self.date_b, frame)
        for column in ("home_store_id", "tier_a", "tier_b", "direction"):
            out[column] = _text(out[column])
        return out.reset_index(drop=True)

    def _homes_then(self, keys: list[int]) -> dict[int, str | None]:
        table = segments.keyed_facts_table(self.db, self.date_a)
        found = self.db.query_df(
            f"SELECT {KEY}, home_store_id FROM {table} "
            f"WHERE as_of = ? AND {KEY} IN (SELECT unnest(CAST(? AS INTEGER[])))",
            [self.date_a, sorted(set(keys))],
        )
        return {
            int(k): (h if isinstance(h, str) else None) for k, h in zip(found[KEY], found["home_store_id"])
        }

    def __call__(self, kind: str) -> pd.DataFrame:  # Migration.loader: every mover of a kind
        return self.rows((kind,), None)


def _text(values) -> pd.Series:
    """A text column as DuckDB hands one back: pandas' str dtype, or objects when all NULL."""
    series = pd.Series(values).reset_index(drop=True)
    if len(series) and series.isna().all():
        return pd.Series([None] * len(series), dtype=object)
    return series.astype("str")


def migration(
    db,
    date_a: date,
    date_b: date,
    then: Ranks | None = None,
    now: Ranks | None = None,
    where_now: Places | None = None,
    money: Values | None = None,
    shown: int | None = None,
) -> Migration | None:
    """``migration_between`` of the RFM+L tiers of the whole group on ``date_a`` (``then``)
    and ``date_b`` (``now``, ``where_now``, ``money``: CLV now) by key, the
    movers named; None when an array is missing or two of a date hold other customers."""
    if date_a >= date_b:
        raise ValueError(f"date_a ({date_a}) must be before date_b ({date_b})")
    if then is None or not _lined_up(now, where_now, money):
        return None
    sides = _Sides(db, date_a, date_b, then, now, where_now, money)
    known = sides.directions()
    flows = _flows(known[0], now.rank, _gone(then, now))
    moves = sides.rows(MOVES, shown, known)
    return Migration(moves, flows, "rfml", date_a, date_b, None, None if shown is None else sides)


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
    {"home_store_id": s} or {"region": r}), with the columns a customer list reads (id, name,
    place, channel, vehicle, recency, orders, gross profit, gp_12m, CLV, tier), in key order;
    None when the arrays are missing or hold other customers. Only those customers are read."""
    import pyarrow as pa

    table = segments.keyed_facts_table(db, as_of)
    if table is None or not _lined_up(where, tiers, money):
        return None
    chosen = np.zeros(len(tiers), dtype=bool)
    for cell in cells:
        tier = cell.get("tier")
        if tier not in RFML_TIERS:
            continue
        match = tiers.rank == RFML_TIERS.index(tier)
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
    found["tier"] = pd.Series([RFML_TIERS[i] for i in tiers.rank[at]], dtype="str")
    return found.drop(columns=[KEY])
