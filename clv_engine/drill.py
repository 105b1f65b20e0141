"""The customers behind a clicked bar, cell or row.

A chart puts stable ids in each point's ``customdata`` (a tier id, a store id, a cohort
year: never a translated label), in a fixed order of fields. A selection (Streamlit's
``event.selection.points``) is turned into keys {field: value}; the customers behind it are the
rows of the per-customer frame that match any of the keys on every field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from clv_engine.status import customer_status

# What the list shows of each customer (those the frame has), in this order.
LIST_COLUMNS = (
    "customer_id",
    "name",
    "home_store_id",
    "region",
    "channel",
    "vehicle_model",
    "status",
    "recency_days",
    "orders",
    "gross_profit",
    "gp_12m",
    "clv",
)


def selected_keys(points: Iterable[Mapping], fields: Sequence[str]) -> list[dict]:
    """{field: value} of every selected point, from its ``customdata`` (a list in ``fields``'
    order, or one value for one field); points without customdata are skipped, repeats dropped."""
    keys: list[dict] = []
    for point in points or ():
        data = point.get("customdata")
        if data is None:
            continue
        values = list(data) if isinstance(data, (list, tuple)) else [data]
        if len(values) < len(fields):
            continue
        key = dict(zip(fields, values[: len(fields)]))
        if key not in keys:
            keys.append(key)
    return keys


def customers_for(
    frame: pd.DataFrame,
    keys: Sequence[Mapping],
    store_ids: Sequence[str] | None = None,
    highest_clv_first: bool = True,
    extra_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """The rows of ``frame`` matching any key on all its fields (``{}`` matches every row),
    inside the store scope (``store_ids`` None: every store), with :data:`LIST_COLUMNS` first,
    highest CLV first (or in the frame's order, e.g. a ranking's)."""
    if not keys:
        return frame.iloc[0:0]
    chosen = pd.Series(False, index=frame.index)
    for key in keys:
        match = pd.Series(True, index=frame.index)
        for field, value in key.items():
            column = frame[field]
            # customdata travels as JSON: a number may come back as a float, an id as text.
            if pd.api.types.is_numeric_dtype(column) and not isinstance(value, str):
                match &= column == value
            else:
                match &= column.astype(str) == str(value)
        chosen |= match
    if store_ids:
        chosen &= frame["home_store_id"].isin(list(store_ids))
    rows = frame[chosen]
    if "status" not in rows.columns and "recency_days" in rows.columns:
        rows = rows.assign(status=customer_status(rows["recency_days"]))
    first = [c for c in LIST_COLUMNS if c in rows.columns]
    extra = [c for key in keys for c in key if c not in first]
    extra += [c for c in extra_columns if c in rows.columns and c not in first]
    rows = rows[first + list(dict.fromkeys(extra))]
    if highest_clv_first and "clv" in rows.columns:
        rows = rows.sort_values(["clv", "customer_id"], ascending=[False, True])
    return rows.reset_index(drop=True)


def top_of_ranking(ranked: pd.DataFrame, points: Iterable[Mapping]) -> pd.DataFrame:
    """A point at x = n on a "first n customers of the ranking" curve (customdata n): the first
    n rows of ``ranked``; several points: up to the furthest."""
    counts = [
        int(
            round(
                float(
                    p["customdata"][0] if isinstance(p.get("customdata"), (list, tuple)) else p["customdata"]
                )
            )
        )
        for p in points or ()
        if p.get("customdata") is not None
    ]
    return ranked.head(max(counts)) if counts else ranked.iloc[0:0]


# -- a cell of the cohort retention heat map ----------------------------------------------------

# Appended to clv_engine.cohorts' customer query (its CTEs b: customers with their cohort and
# completed years, y: their orders with k = the year since purchase the order fell in).
COHORT_CELL_SQL = """
, cell AS (SELECT customer_id, bool_or(k = $k) AS ordered FROM y GROUP BY customer_id)
SELECT b.customer_id, c.name, c.home_store_id, b.region, b.channel, b.vehicle_model, b.purchase_year,
       b.completed_years, coalesce(cell.ordered, false) AS ordered_in_year
FROM b JOIN customers c USING (customer_id) LEFT JOIN cell USING (customer_id)
WHERE b.completed_years >= $k
ORDER BY b.customer_id
"""


def cohort_cell(db, as_of, params, store_ids, dimension: str, cohort, year: int) -> pd.DataFrame:
    """The customers behind the cell (cohort, year k) of the retention heat map: the cohort's
    customers who have completed year k (the rate's base), ``ordered_in_year`` True for those
    with an order in year k (the rate's numerator). ``cohort`` "" or None: the unrecorded one."""
    from clv_engine import cohorts

    cohorts.check_dimension(dimension)
    frame = cohorts._query(db, COHORT_CELL_SQL, as_of, params, store_ids, {"k": int(year)})
    column = frame[dimension]
    if cohort is None or cohort == "":
        match = column.isna()
    elif pd.api.types.is_numeric_dtype(column):
        match = column.astype(float) == float(cohort)
    else:
        match = column.astype(str) == str(cohort)
    return frame[match].reset_index(drop=True)
