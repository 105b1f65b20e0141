"""What a store needs to make the call (name, phone, last visit, vehicle, store, owner), read
in SQL for the customers asked for only: the rows a page draws, or a download's rows when it
is asked for (issue 14: the call list itself is ranked on a few numeric columns).

The vehicle text is built in SQL with exactly :func:`vehicle_text`'s rules (Python's
``str.strip`` characters, the VIN's last six characters, " · " and "; " between parts), so
the details of a customer are the same whichever path reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from clv_engine.db import Database

VIN_TAIL = 6  # a VIN is read out by its last six characters (the serial number)
# Column names an import may give a store's account owner and a vehicle's parts.
STORE_OWNER_COLUMNS = ("account_owner", "owner")
VEHICLE_MODEL_COLUMNS = ("vehicle_model", "model")
VEHICLE_PLATE_COLUMNS = ("plate", "plate_number", "license_plate")
# The columns :func:`call_details` adds to a list (with customer_id).
DETAIL_COLUMNS = ("name", "vin", "region", "phone", "last_visit", "vehicle", "store_name", "store_owner")
# Every character Python's str.strip() removes (str.isspace), for SQL's trim(text, characters);
# written out (scanning every code point at import costs half a second), checked by a test.
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def vehicle_text(model: object, plate: object, vin: object) -> str:
    """ "Model · plate", or "Model · …VIN tail" when there is no plate; "" when nothing is known."""

    def known(x: object) -> bool:
        return isinstance(x, str) and bool(x.strip())

    ident = plate.strip() if known(plate) else ("…" + vin.strip()[-VIN_TAIL:] if known(vin) else "")
    return " · ".join(p for p in (model.strip() if known(model) else "", ident) if p)


def _vehicle_case(model: str, plate: str, vin: str) -> str:
    """:func:`vehicle_text` in SQL on three VARCHAR expressions; ``$spaces`` is the named
    parameter holding :data:`_SPACES`."""
    m = f"coalesce(trim({model}, $spaces), '')"
    p = f"coalesce(trim({plate}, $spaces), '')"
    v = f"coalesce(trim({vin}, $spaces), '')"
    ident = f"CASE WHEN {p} <> '' THEN {p} WHEN {v} <> '' THEN '…' || right({v}, {VIN_TAIL}) ELSE '' END"
    return f"""CASE WHEN {m} <> '' AND ({ident}) <> '' THEN {m} || ' · ' || ({ident})
                    WHEN {m} <> '' THEN {m} ELSE ({ident}) END"""


# Up to this many ids are looked up by key (an IN list of parameters); more are filtered in a scan.
_BY_KEY = 1_000


def _columns(db: Database, table: str) -> list[str]:
    if table not in db.tables():
        return []
    frame = db.query_df(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    )
    return frame["column_name"].tolist()


def _first(candidates: Sequence[str], present: Sequence[str]) -> str | None:
    return next((c for c in candidates if c in present), None)


def call_details(
    db: Database, as_of: date, customer_ids: Sequence[str] | None = None, last_visit: bool = True
) -> pd.DataFrame:
    """Per customer (``customer_ids``, or every customer when None), in customer_id order:
    name, VIN, region, phone, last visit (to ``as_of``), vehicle, home store's name and, when
    the stores file has one, its account owner. ``last_visit=False``: without the last visit
    (no pass over the orders; :func:`with_details` takes it from the signals' ``last_order``).

    The vehicle comes from a ``vehicles`` table when the data has one (every vehicle of the
    customer with a text, ordered by model, plate, VIN, joined by "; "), else from the
    customer's own model and VIN. The ids travel as ONE list parameter."""
    store_cols = _columns(db, "stores")
    owner_col = _first(STORE_OWNER_COLUMNS, store_cols)
    # Column names come from the catalogue and a fixed list, never from a widget.
    owner_sql = f's."{owner_col}"' if owner_col else "CAST(NULL AS VARCHAR)"
    only = customer_ids is not None
    ids = [str(c) for c in customer_ids] if only else []
    # A few ids (the rows a page draws): an IN list of parameters, which DuckDB answers from the
    # customers' primary-key index (ten million customers: no scan). Many (a download): a filter
    # in the scan (list_contains), not a join with the unnested list. A NULL id is in no list.
    by_key = only and 0 < len(ids) <= _BY_KEY
    pick = (
        f"customer_id IN ({', '.join(f'$id{n}' for n in range(len(ids)))})"
        if by_key
        else "list_contains(CAST($ids AS VARCHAR[]), customer_id)"
    )
    own = _vehicle_case("c.vehicle_model", "CAST(NULL AS VARCHAR)", "c.vin")
    vehicle_cols = _columns(db, "vehicles")
    cars_cte, vehicle = "", own
    if "customer_id" in vehicle_cols:
        model, plate = (
            _first(VEHICLE_MODEL_COLUMNS, vehicle_cols),
            _first(VEHICLE_PLATE_COLUMNS, vehicle_cols),
        )
        parts = [
            f'CAST("{c}" AS VARCHAR)' if c else "CAST(NULL AS VARCHAR)"
            for c in (model, plate, "vin" if "vin" in vehicle_cols else None)
        ]
        cars_cte = f""",
        car AS (SELECT customer_id, {parts[0]} AS model, {parts[1]} AS plate, {parts[2]} AS vin
                FROM vehicles{" WHERE " + pick if only else ""}),
        cars AS (SELECT customer_id, string_agg(text, '; ' ORDER BY model, plate, vin) AS text
                 FROM (SELECT *, {_vehicle_case("model", "plate", "vin")} AS text FROM car)
                 WHERE text <> '' GROUP BY customer_id)"""
        vehicle = f"coalesce(cars.text, {own})"
    visits = f"""o AS (SELECT customer_id, max(order_date) AS last_visit FROM orders
                   WHERE order_date <= $as_of{" AND " + pick if only else ""} GROUP BY customer_id)"""
    if not last_visit:  # a CTE nobody reads, and no $as_of to bind
        visits = "o AS (SELECT NULL::VARCHAR AS customer_id, NULL::DATE AS last_visit WHERE false)"
    sql = f"""
        WITH {visits}{cars_cte}
        SELECT c.customer_id, c.name, c.vin, s.region, c.phone, o.last_visit,
               {vehicle} AS vehicle, s.name AS store_name, CAST({owner_sql} AS VARCHAR) AS store_owner
        FROM customers c
        LEFT JOIN stores s ON s.store_id = c.home_store_id
        LEFT JOIN o USING (customer_id)
        {"LEFT JOIN cars USING (customer_id)" if cars_cte else ""}
        {"WHERE " + pick.replace("customer_id", "c.customer_id") if only else ""}
        ORDER BY c.customer_id
        """
    params = {"as_of": as_of, "spaces": _SPACES} if last_visit else {"spaces": _SPACES}
    if by_key:
        params |= {f"id{n}": c for n, c in enumerate(ids)}
    elif only:
        params["ids"] = ids
    frame = db.query_df(sql, params)
    if not last_visit:
        return frame[["customer_id", *(c for c in DETAIL_COLUMNS if c != "last_visit")]]
    frame["last_visit"] = _as_day(frame["last_visit"])
    return frame[["customer_id", *DETAIL_COLUMNS]]


def _as_day(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.date


def with_details(frame: pd.DataFrame, details: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (rows in its order) with the detail columns of its customers; a column the
    frame already has is replaced by the details'. Details without the last visit
    (``call_details(..., last_visit=False)``): the frame's ``last_order`` (the signals' facts,
    the same latest order to the same date) as it."""
    keep = frame.drop(columns=[c for c in details.columns if c != "customer_id" and c in frame.columns])
    out = keep.merge(details, on="customer_id", how="left")
    out.index = frame.index
    if "last_visit" not in details.columns and "last_order" in frame.columns:
        out["last_visit"] = _as_day(frame["last_order"])
    out.attrs.update(frame.attrs)
    return out
