"""The whole group's segmentation by integer customer key (issue 14: a million customers).

The scores and the CLV of every customer are numbers; only the customers a page lists need
their text id and name. With the derived tables kept for a date (``derived_segments`` with its
``cust_key``, ``derived_values``), the page's frame is read without a text id: the facts and the
values, both in ``cust_key`` order (the customer id's order), lined up row for row. Where a
customer belongs (home store, region) comes as categories (a few distinct texts). The scores
are :func:`scoring.scores_of_facts` and the CLV ``clv.add_historical_clv``, the very arithmetic
of ``score_customers`` and ``clv.customer_values``: the same figures, customer by customer.

:func:`named` turns the keys of a few rows (movers shown, a list downloaded) back into customer
ids and names. Anything else (a store scope, a date without kept facts or values, a file built
before the key was kept): None, and the caller computes as before.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clv_engine import clv
from clv_engine.derived import segments
from clv_engine.derived import store as derived
from clv_engine.segmentation.scoring import RfmlRules, missing_flag_tables, scores_of_facts
from clv_engine.segmentation.vocabulary import FLAG_TABLES

KEY = "cust_key"
# What the keyed frame carries of the values (the breakdown's 12-month profit and the CLV).
VALUE_COLUMNS = ("recency_days", "gross_profit", "tenure_years", "gp_12m")
_PLACES = ("home_store_id", "region")


def _arrow(db, sql: str, params: list) -> pa.Table:
    with db.cursor() as cur:
        return cur.sql(sql, params=params).to_arrow_table()


# Where the customers belong, by code: the distinct stores (regions) of the date in text order,
# numbered from 0; the million rows carry the code, never the text.
_PLACE_CODES = """
SELECT v, CAST(row_number() OVER (ORDER BY v) - 1 AS INTEGER) AS code
FROM (SELECT DISTINCT {place} AS v FROM {table} WHERE as_of = ? AND {place} IS NOT NULL)
"""


def _place_codes(db, table: str, as_of: date) -> dict[str, list[str]]:
    out = {}
    for place in _PLACES:
        frame = db.query_df(_PLACE_CODES.format(place=place, table=table) + " ORDER BY code", [as_of])
        out[place] = [str(v) for v in frame["v"]]
    return out


def keyed_scores(db, as_of: date, rules: RfmlRules = RfmlRules()) -> pd.DataFrame | None:
    """``score_customers(db, as_of, rules=rules)`` with ``cust_key`` for ``customer_id`` and the
    stores and regions as categories, in the same rows and order; None when not kept."""
    table = segments.keyed_facts_table(db, as_of)
    if table is None:
        return None
    rules.validate()
    numbers = ("recency_days", "freq_12m", "spend_12m", *FLAG_TABLES)
    # The numbers in the table's order (written in key order, scanned in it: no sort)
    arrow = _arrow(db, f"SELECT {KEY}, {', '.join(numbers)} FROM {table} WHERE as_of = ?", [as_of])
    keys = arrow.column(KEY)
    if len(keys) > 1 and not pc.all(pc.less(keys[:-1], keys[1:])).as_py():
        arrow = arrow.sort_by(KEY)
    key = arrow.column(KEY).to_numpy()
    index = pd.RangeIndex(arrow.num_rows)
    facts = pd.DataFrame({KEY: pd.Series(key, index=index, copy=False)}, copy=False)
    # Where each belongs, as codes by key (a join hands rows back in any order: each code is
    # put at its key's place, no sort)
    codes = ", ".join(f"{p}_codes AS (" + _PLACE_CODES.format(place=p, table=table) + ")" for p in _PLACES)
    sql = (
        f"WITH {codes} SELECT f.{KEY}, "
        + ", ".join(f"{p}_codes.code AS {p}" for p in _PLACES)
        + f" FROM {table} f "
        + " ".join(f"LEFT JOIN {p}_codes ON {p}_codes.v = f.{p}" for p in _PLACES)
        + " WHERE f.as_of = ?"
    )
    placed = _arrow(db, sql, [as_of, as_of, as_of])
    placed_keys = placed.column(KEY).to_numpy().astype("int64")
    names = _place_codes(db, table, as_of)
    size = int(max(placed_keys.max(initial=0), key.max(initial=0))) + 1
    for place in _PLACES:
        by_key = np.full(size, -1, dtype="int32")
        by_key[placed_keys] = placed.column(place).fill_null(-1).to_numpy().astype("int32")
        categories = pd.Index(names[place], dtype="str")
        facts[place] = pd.Series(
            pd.Categorical.from_codes(by_key[key], categories=categories), index=index, copy=False
        )
    for column in numbers:
        facts[column] = pd.Series(arrow.column(column).to_numpy(), index=index, copy=False)
    facts = facts[[KEY, *_PLACES, *numbers]]
    return scores_of_facts(facts, rules, missing_flag_tables(db), as_of)


def keyed_values(db, as_of: date, params: clv.CLVParams) -> pd.DataFrame | None:
    """cust_key, gp_12m and clv of every customer as ``clv.customer_values`` gives them (the
    kept values of ``as_of``, the same CLV arithmetic); None when not kept."""
    if derived.kept_date(db, as_of) is None or segments.keyed_facts_table(db, as_of) is None:
        return None
    params.validate()
    frame = derived.values_frame(db, as_of, None, [KEY, *VALUE_COLUMNS])
    if frame is None:
        return None
    retention, source = clv.retention_for(db, as_of, params)
    frame.attrs["return_rates"] = clv.return_rates(db, as_of)
    frame = clv.add_historical_clv(frame, retention, params)
    return frame[[KEY, "gp_12m", "clv"]]


def with_keyed_values(scores: pd.DataFrame | None, values: pd.DataFrame | None) -> pd.DataFrame | None:
    """The scores with gp_12m and clv beside them (``with_values``' columns the page reads), or
    None when either is missing or their customers differ (then compute as before)."""
    if scores is None or values is None or len(scores) != len(values):
        return None
    if not np.array_equal(scores[KEY].to_numpy(), values[KEY].to_numpy()):
        return None
    out = scores.copy(deep=False)
    for column in ("gp_12m", "clv"):
        out[column] = values[column].set_axis(out.index)
    out.attrs.update(scores.attrs)
    out.attrs["keyed"] = True
    return out


def is_keyed(frame: pd.DataFrame) -> bool:
    return KEY in frame.columns and "customer_id" not in frame.columns


def by_key(frame: pd.DataFrame) -> pd.DataFrame:
    """A keyed frame with its key in the ``customer_id`` column (what the migration joins on;
    key order is id order, so the movers' order is the same)."""
    return frame.rename(columns={KEY: "customer_id"})


def named(db, as_of: date, rows: pd.DataFrame, column: str = "customer_id") -> pd.DataFrame:
    """``rows`` whose ``column`` holds customer keys (as numbers or their text) with the
    customer's id there instead and ``name`` filled in, from the values kept for ``as_of``."""
    out = rows.copy()
    if out.empty:
        return out
    keys = out[column]
    if not pd.api.types.is_integer_dtype(keys.dtype):
        keys = pd.to_numeric(keys.astype(str))
    ids, names = _ids_and_names(db, as_of, keys.to_numpy(dtype="int64"))
    for place in _PLACES:  # categories of a keyed frame, as text
        if place in out.columns and isinstance(out[place].dtype, pd.CategoricalDtype):
            out[place] = _text(out[place].astype(object)).set_axis(out.index)
    out[column] = _text(ids).set_axis(out.index)
    out["name"] = _text(names).set_axis(out.index)
    return out


def _ids_and_names(db, as_of: date, keys: np.ndarray) -> tuple[list, list]:
    """The customer id and name kept for ``as_of`` of each key (None: not kept), by one join
    on the keys (half the time of a lookup of each in a list on a whole list of movers)."""
    picked = pa.table({KEY: pa.array(np.unique(keys).astype("int32"))})
    with db.cursor() as cur:
        cur.register("picked", picked)
        try:
            found = cur.sql(
                f"SELECT v.{KEY}, v.customer_id, v.name FROM picked p "
                f"JOIN {derived.VALUES_TABLE} v ON v.{KEY} = p.{KEY} AND v.as_of = ? ORDER BY v.{KEY}",
                params=[as_of],
            ).to_arrow_table()
        finally:
            cur.unregister("picked")
    known = found.column(KEY).to_numpy(zero_copy_only=False).astype("int64")
    at = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
    hit = known[at] == keys if len(known) else np.zeros(len(keys), dtype=bool)
    ids, names = found.column("customer_id").to_pylist(), found.column("name").to_pylist()
    return (
        [ids[i] if h else None for i, h in zip(at, hit)],
        [names[i] if h else None for i, h in zip(at, hit)],
    )


def _text(values: pd.Series) -> pd.Series:
    """Text as DuckDB hands it back (str; objects when all NULL), as the migration's columns."""
    series = pd.Series(values).reset_index(drop=True)
    if len(series) and series.isna().all():
        return pd.Series([None] * len(series), dtype=object)
    return series.astype("str")


# -- the breakdowns of a keyed frame (breakdown.tier_breakdown's rows, by array sums) ----------


def _codes(values: pd.Series, names: list[str]) -> np.ndarray:
    """Each value's position in ``names`` (-1: missing or another)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        order = pd.Index(names, dtype="str")
        mapping = np.asarray(order.get_indexer(values.cat.categories), dtype="int64")
        mapping = np.append(mapping, -1)  # code -1 (missing) stays -1
        return mapping[values.cat.codes.to_numpy()]
    found = pc.index_in(pa.array(values, from_pandas=True), value_set=pa.array(names, type=pa.string()))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype("int64")


def breakdowns(frame: pd.DataFrame, scheme: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``tier_breakdown(frame, scheme)`` and by home_store_id and by region (12 months' revenue
    and profit, CLV), summed by array per tier and place rather than by SQL over the frame."""
    from clv_engine.segmentation.vocabulary import SCHEMES, tier_column

    tiers = list(SCHEMES[scheme])
    tier = _codes(frame[tier_column(scheme)], tiers)
    if (tier < 0).any():
        raise ValueError("a tier outside the scheme")
    sums = {
        "revenue": frame["spend_12m"].to_numpy(dtype=float),
        "gross_profit": frame["gp_12m"].to_numpy(dtype=float),
        "total_clv": frame["clv"].to_numpy(dtype=float),
    }
    out = []
    for by in ((), ("home_store_id",), ("region",)):
        if by:
            places = frame[by[0]]
            names = [str(v) for v in places.cat.categories]
            place = places.cat.codes.to_numpy().astype("int64")  # -1: none
        else:
            names, place = [], np.full(len(frame), -1, dtype="int64")
        cell = (place + 1) * len(tiers) + tier
        size = (len(names) + 1) * len(tiers)
        customers = np.bincount(cell, minlength=size)
        totals = {k: np.bincount(cell, weights=v, minlength=size) for k, v in sums.items()}
        cells = np.flatnonzero(customers)
        group = cells // len(tiers) - 1  # the place's code (-1: none)
        rows = pd.DataFrame(
            {
                **(
                    {by[0]: pd.Series([names[g] if g >= 0 else None for g in group], dtype="str")}
                    if by
                    else {}
                ),
                "tier": [tiers[c % len(tiers)] for c in cells],
                "customers": customers[cells].astype("int64"),
                **{k: v[cells] for k, v in totals.items()},
            }
        )
        out.append(shaped(rows, scheme, by))
    return out[0], out[1], out[2]


def shaped(rows: pd.DataFrame, scheme: str, by: tuple[str, ...]) -> pd.DataFrame:
    """tier_breakdown's rows from the sums per cell (``by``'s column if any, tier, customers,
    revenue, gross_profit, total_clv; only cells with customers): the average, the shares of
    the whole (of each place) and every tier of each place."""
    from clv_engine.segmentation.breakdown import _complete_tiers

    rows = rows.copy()
    rows["avg_clv"] = rows["total_clv"] / rows["customers"]
    part = rows.groupby(by[0], dropna=False) if by else None
    for name, column in (
        ("share", "customers"),
        ("profit_share", "gross_profit"),
        ("clv_share", "total_clv"),
    ):
        whole = part[column].transform("sum") if by else pd.Series(rows[column].sum(), index=rows.index)
        whole = whole.astype(float)
        if name != "share":
            whole = whole.where(whole != 0)  # nullif(…, 0)
        rows[name] = rows[column] / whole
    return _complete_tiers(rows, scheme, list(by))
