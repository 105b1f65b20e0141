"""Tier migration between two as-of dates: who moved up, down, stayed or is new."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clv_engine.db import Database
from clv_engine.segmentation.groups import SixGroupRules, six_groups
from clv_engine.segmentation.scoring import RfmlRules, score_customers, with_values
from clv_engine.segmentation.vocabulary import SCHEMES, frame_arrow, frame_sql, tier_column

# -- migration between two as-of dates ---------------------------------------------------------

# Both sides carry only what the join reads; the ranks come from the scheme's order (a list
# parameter), so no million-row pandas map runs. j is the full join of the two dates.
_JOINED = """
WITH j AS (
    SELECT coalesce(b.customer_id, a.customer_id) AS customer_id,
           coalesce(b.home_store_id, a.home_store_id) AS home_store_id,
           coalesce(a.tier, 'new') AS tier_a,
           coalesce(b.tier, 'gone') AS tier_b,
           CAST(list_position(CAST(? AS VARCHAR[]), a.tier) - 1 AS BIGINT) AS rank_a,
           CAST(list_position(CAST(? AS VARCHAR[]), b.tier) - 1 AS BIGINT) AS rank_b,
           a.total AS total_a, b.total AS total_b,
           b.name, b.clv
    FROM a FULL OUTER JOIN b USING (customer_id)
),
d AS (
    SELECT *,
           CASE WHEN rank_a IS NULL THEN 'new'
                WHEN rank_b IS NULL THEN 'gone'
                WHEN rank_b < rank_a THEN 'up'
                WHEN rank_b > rank_a THEN 'down'
                ELSE 'same' END AS direction
    FROM j
)
"""

# The movers (up or down) in the page's order: by the tier they left (best first), then by
# CLV now, then id. Those who stayed, came or left are only counted (FLOWS_SQL).
_MOVER_COLUMNS = """customer_id, home_store_id, tier_a, tier_b, rank_a, rank_b, total_a, total_b, name, clv,
       direction"""
_MOVERS_ORDER = "rank_a NULLS LAST, clv DESC NULLS LAST, customer_id"

# The movers of one direction (a parameter), in the page's order; with a LIMIT, a top-N (no
# sort of them all). _moves puts one per direction together.
_ONE_DIRECTION = f"(SELECT {_MOVER_COLUMNS} FROM d WHERE direction = ? ORDER BY {_MOVERS_ORDER}{{limit}})"
_JOINED_ONCE = _JOINED.replace("d AS (", "d AS MATERIALIZED (")
MIGRATION_SQL = _JOINED_ONCE + "SELECT * FROM " + _ONE_DIRECTION + "\n"
MOVES = ("up", "down")

FLOWS_SQL = (
    _JOINED
    + """
SELECT tier_a, tier_b, direction, count(*) AS customers
FROM d GROUP BY ALL ORDER BY customers DESC, tier_a, tier_b
"""
)


@dataclass(frozen=True)
class Migration:
    # one row per customer who moved (direction up or down): tier_a, tier_b, totals, name and
    # CLV at date_b; ordered by the tier left (best first), then CLV (highest first), then id.
    # Those who stayed, are new or are gone are counted in ``flows`` only (a million rows of
    # "same" cost seconds to build and nobody lists them).
    # With ``shown``: the first ``shown`` movers of each direction only; ``movers(kind)`` has all.
    moves: pd.DataFrame
    flows: pd.DataFrame  # tier_a, tier_b, direction, customers: every customer of either date
    scheme: str
    date_a: date
    date_b: date
    # the two dates' tiers as the join reads them (for ``movers``)
    sides: tuple[pd.DataFrame, pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    # or, for a migration summed in DuckDB (segmentation.grouped), what lists every mover
    loader: Callable[[str], pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    def movers(self, kind: str) -> pd.DataFrame:
        """Every customer who moved ``kind`` (up or down), in the order of ``moves``."""
        if kind not in MOVES:
            raise ValueError(f"kind must be one of {MOVES}, got {kind!r}")
        if self.loader is not None:
            return self.loader(kind)
        if self.sides is None:
            return self.moves[self.moves["direction"] == kind].reset_index(drop=True)
        return _moves(*self.sides, self.scheme, (kind,), None)

    def counts(self) -> dict[str, int]:
        c = self.flows.groupby("direction")["customers"].sum()
        return {d: int(c.get(d, 0)) for d in ("up", "down", "same", "new")}


def tiers_at(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    scheme: str = "rfml",
    rules: RfmlRules = RfmlRules(),
    six_rules: SixGroupRules = SixGroupRules(),
    clv_params=None,
) -> pd.DataFrame:
    """Scores (and, for the six groups, CLV and group) of every customer on ``as_of``."""
    scores = score_customers(db, as_of, store_ids, rules)
    if scheme == "rfml":
        return scores
    from clv_engine import clv

    values = clv.customer_values(db, as_of, store_ids, clv_params or clv.CLVParams())
    return six_groups(with_values(scores, values), six_rules)


def migration(
    db: Database,
    date_a: date,
    date_b: date,
    store_ids: Sequence[str] | None = None,
    scheme: str = "rfml",
    rules: RfmlRules = RfmlRules(),
    six_rules: SixGroupRules = SixGroupRules(),
    clv_params=None,
) -> Migration:
    """Who moved between tiers from ``date_a`` to ``date_b`` (same rules at both dates).

    For RFM+L "up" is toward platinum; for the six groups "up" is toward VIP in the order
    of SIX_GROUPS (churn risk ranks above dormant: it still has high value to win back).
    Customers who only exist at ``date_b`` come from "new".
    """
    if date_a >= date_b:
        raise ValueError(f"date_a ({date_a}) must be before date_b ({date_b})")
    a = tiers_at(db, date_a, store_ids, scheme, rules, six_rules, clv_params)
    b = tiers_at(db, date_b, store_ids, scheme, rules, six_rules, clv_params)
    return migration_between(a, b, scheme, date_a, date_b)


def migration_between(
    tiers_a: pd.DataFrame,
    tiers_b: pd.DataFrame,
    scheme: str,
    date_a: date,
    date_b: date,
    shown: int | None = None,
) -> Migration:
    """The migration from two frames of tiers_at (a page already holds the current one).
    ``shown``: keep only the first ``shown`` movers of each direction in ``moves`` (a page
    lists a few of the hundreds of thousands; ``movers`` builds a whole list when asked)."""
    if date_a >= date_b:
        raise ValueError(f"date_a ({date_a}) must be before date_b ({date_b})")
    column = tier_column(scheme)
    order = list(SCHEMES[scheme])

    def side(frame: pd.DataFrame, now: bool) -> pd.DataFrame:
        columns = {
            "customer_id": frame["customer_id"],
            "home_store_id": frame["home_store_id"],
            "tier": frame[column],
            "total": frame["total"],
        }
        if now:  # who they are now (NULL when the frame has no values joined)
            nothing = pd.Series(None, index=frame.index, dtype=object)
            columns["name"] = frame["name"] if "name" in frame.columns else nothing.astype("str")
            columns["clv"] = frame["clv"] if "clv" in frame.columns else nothing.astype(float)
        return pd.DataFrame(columns, copy=False)

    a, b = side(tiers_a, False), side(tiers_b, True)
    joined = _joined_once(a, b, order, shown)
    if joined is not None:
        moves, flows = joined
    else:  # a tier outside the scheme (or an id twice): the SQL, which says what it does then
        moves = _moves(a, b, scheme, MOVES, shown)
        flows = frame_sql(FLOWS_SQL, [order, order], a=a, b=b)
    return Migration(moves, flows, scheme, date_a, date_b, None if shown is None else (a, b))


# -- the same, joined once: the movers and the flows of ``_JOINED`` in numpy ----------------------
#
# The SQL above joins the two dates twice (movers, flows) on text ids and hands back text.
# Here one join brings back, per customer, the row of each side (integers); ranks, directions,
# the counts and the first movers are then array arithmetic: the same rows and order.
_ROWS_SQL = "SELECT a.a_row, b.b_row FROM a FULL OUTER JOIN b USING (customer_id)"
_DIRECTIONS = ("new", "up", "down", "same")


def _ranks(tiers: pd.Series, order: list[str]) -> np.ndarray | None:
    """Each tier's position in ``order`` (None when one is missing or outside it)."""
    array = pa.array(tiers, from_pandas=True)
    if array.null_count:
        return None
    ranks = pc.index_in(array, value_set=pa.array(order, type=array.type))
    if ranks.null_count:
        return None
    return ranks.to_numpy(zero_copy_only=False).astype("int64")


def _joined_once(
    a: pd.DataFrame, b: pd.DataFrame, order: list[str], shown: int | None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(moves, flows) as ``_moves`` and FLOWS_SQL give them, or None (use the SQL)."""
    rank_a, rank_b = _ranks(a["tier"], order), _ranks(b["tier"], order)
    if rank_a is None or rank_b is None:
        return None
    keyed = _rising_keys(a["customer_id"]), _rising_keys(b["customer_id"])
    if keyed[0] is not None and keyed[1] is not None:  # integer keys, each side in key order
        key_a, key_b = keyed
        at = np.minimum(np.searchsorted(key_a, key_b), max(len(key_a) - 1, 0))
        in_a = key_a[at] == key_b if len(key_a) else np.zeros(len(key_b), dtype=bool)
        a_of_b = np.where(in_a, at, -1).astype("int64")
        kept_a = np.zeros(len(a), dtype=bool)
        kept_a[a_of_b[in_a]] = True
        gone_rows = np.flatnonzero(~kept_a)
    else:
        ids = {  # Arrow tables: the ids are handed over without a Python string each
            "a": pa.table(
                {"customer_id": pa.array(a["customer_id"], from_pandas=True), "a_row": np.arange(len(a))}
            ),
            "b": pa.table(
                {"customer_id": pa.array(b["customer_id"], from_pandas=True), "b_row": np.arange(len(b))}
            ),
        }
        rows = frame_arrow(_ROWS_SQL, **ids)
        a_row = rows.column("a_row").fill_null(-1).to_numpy().astype("int64")
        b_row = rows.column("b_row").fill_null(-1).to_numpy().astype("int64")
        if (a_row >= 0).sum() != len(a) or (b_row >= 0).sum() != len(b):
            return None  # an id twice on a side: the join multiplies rows, as the SQL does
        both = (a_row >= 0) & (b_row >= 0)
        # per row of b: the row of a (-1: new)
        a_of_b = np.full(len(b), -1, dtype="int64")
        a_of_b[b_row[both]] = a_row[both]
        gone_rows = a_row[b_row < 0]
    # per row of b: the rank then and the direction
    known = a_of_b >= 0
    then = np.where(known, rank_a[np.maximum(a_of_b, 0)] if len(a) else -1, -1)
    direction = np.select(
        [~known, rank_b < then, rank_b > then], [0, 1, 2], default=3
    )  # index into _DIRECTIONS
    gone = rank_a[gone_rows] if len(a) else np.zeros(0, dtype="int64")
    flows = _flows(order, then, rank_b, direction, gone)
    moves = _first_movers(a, b, order, a_of_b, then, rank_b, direction, shown)
    return moves, flows


def _rising_keys(ids: pd.Series) -> np.ndarray | None:
    """The ids as integers when they are integer keys in strictly rising order (a keyed
    frame's), else None (join the ids)."""
    if not pd.api.types.is_integer_dtype(ids.dtype) or isinstance(ids.dtype, pd.CategoricalDtype):
        return None
    keys = ids.to_numpy(dtype="int64", na_value=-1) if ids.hasnans else ids.to_numpy().astype("int64")
    if ids.hasnans or (len(keys) > 1 and not (keys[1:] > keys[:-1]).all()):
        return None
    return keys


def _flows(order, then, rank_b, direction, gone) -> pd.DataFrame:
    """tier_a, tier_b, direction, customers: FLOWS_SQL's rows and order."""
    k = len(order)
    cells = np.bincount((then + 1) * k + rank_b, minlength=(k + 1) * k) if len(rank_b) else np.zeros(0)
    names = ["new", *order]
    rows = []
    for cell in np.nonzero(cells)[0]:
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


def _first_movers(a, b, order, a_of_b, then, rank_b, direction, shown) -> pd.DataFrame:
    """The movers up and down (the first ``shown`` of each), in _MOVERS_ORDER."""
    ids = pa.array(b["customer_id"], from_pandas=True)
    # The customer_id tie-break: b's row order when b is sorted by id (score_customers' order).
    if len(ids) > 1 and not pc.all(pc.less(ids[:-1], ids[1:])).as_py():
        by_id = pc.rank(ids, sort_keys="ascending", tiebreaker="first").to_numpy().astype("int64")
    else:
        by_id = np.arange(len(b))
    clv = b["clv"].to_numpy(dtype=float, na_value=np.nan)
    clv_key = np.where(np.isnan(clv), np.inf, -clv)  # CLV highest first, none last

    def ordered(rows: np.ndarray) -> np.ndarray:
        return rows[np.lexsort((by_id[rows], clv_key[rows], then[rows]))]

    def first(rows: np.ndarray, n: int) -> np.ndarray:
        """``ordered(rows)[:n]`` without sorting them all: every row of the tiers left before
        the tier where the n-th falls, and of that tier the rows up to the n-th CLV (ties in)."""
        if len(rows) <= n:
            return ordered(rows)
        tier = then[rows]
        counts = np.bincount(tier - tier.min())
        last = int(np.searchsorted(np.cumsum(counts), n)) + int(tier.min())  # the n-th's tier
        before = rows[tier < last]
        same = rows[tier == last]
        need = n - len(before)
        if 0 < need < len(same):
            kth = np.partition(clv_key[same], need - 1)[need - 1]
            same = same[clv_key[same] <= kth]
        return ordered(np.concatenate([before, same]))[:n]

    picked = []
    for kind in (1, 2):  # up, down
        rows = np.nonzero(direction == kind)[0]
        picked.append(ordered(rows) if shown is None else first(rows, int(shown)))
    rows = ordered(np.concatenate(picked))
    a_rows = a_of_b[rows]
    # as objects: the two dates' stores may be categories of different lists (keyed frames)
    home = b["home_store_id"].iloc[rows].reset_index(drop=True).astype(object)
    home_then = a["home_store_id"].iloc[a_rows].reset_index(drop=True).astype(object)
    return pd.DataFrame(
        {
            "customer_id": _text(b["customer_id"].iloc[rows]),
            "home_store_id": _text(home.where(home.notna(), home_then)),
            "tier_a": _text([order[i] for i in then[rows]]),
            "tier_b": _text([order[i] for i in rank_b[rows]]),
            "rank_a": then[rows].astype("int64"),
            "rank_b": rank_b[rows].astype("int64"),
            "total_a": a["total"].iloc[a_rows].to_numpy(),
            "total_b": b["total"].iloc[rows].to_numpy(),
            "name": _text(b["name"].iloc[rows]),
            "clv": clv[rows],
            "direction": _text([_DIRECTIONS[d] for d in direction[rows]]),
        }
    )


def _text(values) -> pd.Series:
    """A text column as DuckDB hands one back: pandas' str dtype, or objects when all NULL."""
    series = pd.Series(values).reset_index(drop=True)
    if len(series) and series.isna().all():
        return pd.Series([None] * len(series), dtype=object)
    return series.astype("str")


def _moves(a: pd.DataFrame, b: pd.DataFrame, scheme: str, kinds: tuple[str, ...], shown: int | None):
    """The movers of ``kinds`` (the first ``shown`` of each; None: all), in the page's order."""
    order = list(SCHEMES[scheme])
    one = _ONE_DIRECTION.format(limit="" if shown is None else " LIMIT ?")
    kinds = tuple(k for k in kinds if k in MOVES)
    sql = (
        _JOINED_ONCE
        + "\nUNION ALL\n".join(f"SELECT * FROM {one}" for _ in kinds)
        + f"\nORDER BY {_MOVERS_ORDER}"
    )
    params: list = [order, order]
    for kind in kinds:
        params += [kind] if shown is None else [kind, int(shown)]
    return frame_sql(sql, params, a=a, b=b)
