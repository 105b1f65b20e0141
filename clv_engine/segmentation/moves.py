"""The whole group's RFM+L tier (or six group) migration from the arrays by key of two dates
(``clv_engine.segmentation.grouped``: issue 14, ten million customers), no frame, no join.

``migration_between``'s flows (counts per pair of tiers) and movers (the first of each
direction, by the tier left, CLV now highest first, then key = id order), the tiers of both
dates met by key (an array indexed by key); only the movers listed get their id, name and store
as text. ``Migration.loader`` lists every mover of a kind when a download asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from clv_engine.derived import segments
from clv_engine.segmentation.grouped import KEY, Places, Ranks, Values, _lined_up
from clv_engine.segmentation.keyed import named
from clv_engine.segmentation.migration import _DIRECTIONS, MOVES, Migration

# -- the migration ------------------------------------------------------------------------------


def _run(keys: np.ndarray) -> bool:
    """Whether rising keys are every key from the first to the last (the kept facts' keys of
    a date: customers numbered in id order), so two dates meet by slices."""
    return len(keys) > 0 and int(keys[-1]) - int(keys[0]) + 1 == len(keys)


def _directions(then: Ranks, now: Ranks) -> tuple[np.ndarray, np.ndarray]:
    """Per customer now (in key order): the rank then (-1: new) and the direction (index in
    _DIRECTIONS: 0 new, 1 up, 2 down, 3 same), then's ranks put at their keys' places."""
    if _run(then.keys) and _run(now.keys):  # the keys both dates hold: one slice of each
        rank = np.full(len(now), -1, dtype="int8")
        low, high = max(then.keys[0], now.keys[0]), min(then.keys[-1], now.keys[-1])
        if low <= high:
            a, b = int(low - then.keys[0]), int(low - now.keys[0])
            n = int(high - low) + 1
            rank[b : b + n] = then.rank[a : a + n]
    else:
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
    if _run(then.keys) and _run(now.keys):  # those before now's first key and after its last
        gone = (then.keys < now.keys[0]) | (then.keys > now.keys[-1])
        return then.rank[gone].astype("int64")
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


def _flows(then: np.ndarray, now: np.ndarray, gone: np.ndarray, order: tuple[str, ...]) -> pd.DataFrame:
    """tier_a, tier_b, direction, customers: migration._flows' rows and order (``then``: -1 new;
    ranks in ``order``, the scheme's tiers or groups)."""
    k = len(order)
    code = then.astype("int16")  # (then + 1) * k + now: under (k + 1) * k, small integers
    code += 1
    code *= k
    code += now
    cells = np.bincount(code, minlength=(k + 1) * k)
    names = ["new", *order]
    rows = []
    for cell in np.flatnonzero(cells):
        i, j = divmod(int(cell), k)
        d = 0 if i == 0 else (1 if j < i - 1 else 2 if j > i - 1 else 3)
        rows.append((names[i], order[j], _DIRECTIONS[d], int(cells[cell])))
    for i, n in enumerate(np.bincount(gone, minlength=k) if len(gone) else []):
        if n:
            rows.append((order[i], "gone", "gone", int(n)))
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
                "tier_a": [self.now.order[i] for i in then[rows]],
                "tier_b": [self.now.order[i] for i in self.now.rank[rows]],
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
    """``migration_between`` of the RFM+L tiers (or six groups: the scheme of ``then`` and
    ``now``) of the whole group on ``date_a`` (``then``) and ``date_b`` (``now``,
    ``where_now``, ``money``: CLV now) by key, the movers named; None when an array is missing
    or two of a date hold other customers."""
    if date_a >= date_b:
        raise ValueError(f"date_a ({date_a}) must be before date_b ({date_b})")
    if then is None or not _lined_up(now, where_now, money) or then.scheme != now.scheme:
        return None
    sides = _Sides(db, date_a, date_b, then, now, where_now, money)
    known = sides.directions()
    flows = _flows(known[0], now.rank, _gone(then, now), now.order)
    moves = sides.rows(MOVES, shown, known)
    return Migration(moves, flows, now.scheme, date_a, date_b, None, None if shown is None else sides)
