"""Reading the derived tables: whether they may stand in for the computation, and their rows.

They are used only when the as-of date asked for is one they were built for AND the data
still matches their fingerprint (counts and hashes of orders, customers and stores: any
change to a row the per-customer SQL reads changes it). The check costs one pass over the
orders and is done once per file version (``Database.version()``), whatever the number of
sessions. A store-scoped database checks its group's file; its TEMP VIEWs (clv_engine.scope)
cut the derived tables to its customers like ``orders``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clv_engine.scope import scope_of

FORMAT_VERSION = 3  # 3: several dates (an ``as_of`` column), predictions kept with the values and RFM
VALUES_TABLE = "derived_values"
RFM_TABLE = "derived_rfm"
MODEL_TABLE = "derived_model"
META_TABLE = "derived_meta"
TABLES = (VALUES_TABLE, RFM_TABLE, MODEL_TABLE, META_TABLE)
# The RFM summary is stored in weeks, the unit every page uses.
TIME_UNIT_DAYS = 7.0
# The predictive columns kept in ``derived_values`` (for the sidebar's default horizon and
# discount rate, ``meta["predictions"]``): what ``predictive.with_predictive_clv`` attaches.
PREDICTED = ("p_alive", "expected_visits", "predictive_clv")
# ... and in ``derived_rfm``, what ``predictive.customer_predictions`` computes from the summary.
RFM_PREDICTED = ("p_alive", "expected_visits", "expected_gp_per_visit", "predictive_clv", "p_visit_12m")

# Every column the per-customer SQL reads, hashed: a changed, added or removed row changes it.
FINGERPRINT_SQL = """
SELECT (SELECT count(*) FROM orders) AS orders,
       (SELECT CAST(coalesce(sum(hash(customer_id, order_date, revenue, gross_profit)), 0) AS VARCHAR)
          FROM orders) AS orders_hash,
       (SELECT count(*) FROM customers) AS customers,
       (SELECT CAST(coalesce(sum(hash(customer_id, name, vin, home_store_id, channel, vehicle_model,
                                      purchase_date)), 0) AS VARCHAR) FROM customers) AS customers_hash,
       (SELECT CAST(coalesce(sum(hash(store_id, region)), 0) AS VARCHAR) FROM stores) AS stores_hash
"""


def fingerprint(reader: Any) -> dict:
    """The fingerprint of the data ``reader`` (anything with ``query_df``) holds."""
    row = reader.query_df(FINGERPRINT_SQL).iloc[0]
    return {k: (int(v) if k in ("orders", "customers") else str(v)) for k, v in row.items()}


# -- fingerprints remembered across processes ------------------------------------------------------
# A fingerprint is a pass over every order (seconds at ten million): worked out once per file
# version by the first process that needs it and written beside the file, keyed by the file's
# identity (inode, modification time, size, and its write-ahead log's); any write, import or
# rebuild changes that identity, and the next process works the fingerprint out again. A file
# that cannot be written beside (read-only directory) only costs each process its pass.
SIDECAR_SUFFIX = ".derived-check.json"


def _file_identity(path: Path) -> list | None:
    try:
        main = path.stat()
    except OSError:
        return None
    try:
        wal = os.stat(f"{path}.wal")
        log = [wal.st_size, wal.st_mtime_ns]
    except OSError:
        log = None
    return [main.st_ino, main.st_mtime_ns, main.st_size, log]


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _read_sidecar(path: Path) -> dict:
    try:
        saved = json.loads(_sidecar(path).read_text())
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def remembered(reader: Any, name: str, compute: Callable[[Any], Any]) -> Any:
    """``compute(reader)`` (a JSON value: a fingerprint) for ``reader``'s file as it is now,
    worked out once per file version whatever the number of processes: read from the file
    beside the database when its identity is the file's, else computed and written there
    (only when the file did not change while computing). A reader without a file path (a bare
    connection while building, a scoped view) always computes."""
    raw = getattr(reader, "path", None)
    if raw is None or scope_of(reader) is not None:
        return compute(reader)
    path = Path(raw)
    before = _file_identity(path)
    if before is None:
        return compute(reader)
    saved = _read_sidecar(path)
    values = saved.get("values") if saved.get("identity") == before else None
    if isinstance(values, dict) and name in values:
        return values[name]
    value = compute(reader)
    if _file_identity(path) != before:
        return value  # written while computing: the value may be of either version
    latest = _read_sidecar(path)  # another process may have added its own meanwhile
    values = (
        dict(latest["values"])
        if latest.get("identity") == before and isinstance(latest.get("values"), dict)
        else {}
    )
    values[name] = value
    _write_sidecar(path, before, values)
    return value


def _write_sidecar(path: Path, identity: list, values: dict) -> None:
    temporary = _sidecar(path).with_name(f"{_sidecar(path).name}.{os.getpid()}.{threading.get_ident()}")
    try:
        temporary.write_text(json.dumps({"identity": identity, "values": values}))
        os.replace(temporary, _sidecar(path))
    except OSError:
        temporary.unlink(missing_ok=True)


def remember(path: Path | str, values: dict) -> None:
    """Write beside ``path`` the checks' values (name -> what ``remembered`` would compute) for
    the file as it is now: for the writer that has just built the tables from this very data
    and closed the file (``python -m cli.derive``, an import, the sample), so the first
    process to open it reads them instead of passing over every order. Nothing to remember,
    or no file: nothing written."""
    path = Path(path)
    identity = _file_identity(path)
    if values and identity is not None:
        _write_sidecar(path, identity, dict(values))


@dataclass(frozen=True)
class Stored:
    """What ``derived_meta`` says of usable derived tables at one of their dates."""

    as_of: date
    retention: float | None  # estimate_retention at as_of (None: nothing to measure)
    retention_measurable: bool
    return_counts: tuple[tuple[int, int, int], ...]  # (years_absent, customers, returned)
    return_max_years: int
    # (horizon_years, discount_rate) of the predictive columns kept for this date, or None
    # (the fit failed there: nothing predicted).
    predictions: tuple[int, float] | None = None


@dataclass(frozen=True)
class Kept:
    """The usable derived tables of a file: the data's last day (``as_of``) and every date
    kept (the last day and the dates the CLV bridge compares it with)."""

    as_of: date
    dates: dict[date, Stored]
    # The RFM summary alone is also kept for these dates (the model page's P(alive) drops).
    rfm_dates: frozenset[date] = frozenset()
    # The model page's holdout check at its default calibration (calibration_end, as_of,
    # time_unit_days, max_visits, kind "check" or "failure", payload), or None.
    holdout: dict | None = None


class PerVersion:
    """A check of a file remembered per file version (``Database.version()``, which any write
    changes), for the newest few versions. One check runs at a time: fifty sessions opening the
    app together hash the orders once, the others wait for its answer."""

    def __init__(self, check: Callable[[Any], Any], size: int = 8) -> None:
        self._check = check
        self._size = size
        self._found: dict[tuple, Any] = {}
        self._lock = threading.Lock()
        self._checking = threading.Lock()

    def __call__(self, group: Any) -> Any:
        key = group.version()
        with self._lock:
            if key in self._found:
                return self._found[key]
        with self._checking:
            with self._lock:
                if key in self._found:  # checked while this thread waited
                    return self._found[key]
            found = self._check(group)
            with self._lock:
                if len(self._found) >= self._size:
                    self._found.pop(next(iter(self._found)))
                self._found[key] = found
        return found

    def forget(self) -> None:
        with self._lock:
            self._found.clear()


def _group(db: Any) -> Any:
    return getattr(db, "group", db)


def stored(db: Any) -> Kept | None:
    """The usable derived tables of ``db``'s file (its group's, for a scoped one), or None:
    no tables, another format, or data changed since they were built."""
    group = _group(db)
    if getattr(group, "version", None) is None:  # a bare connection (while building): never
        return None
    return _checked(group)


def usable(db: Any, as_of: object) -> Stored | None:
    """The stored figures when ``as_of`` is the data's last day the tables were built for,
    else None (what a table kept for the last day only may rely on)."""
    found = stored(db)
    if found is None or not isinstance(as_of, date) or _day(as_of) != found.as_of:
        return None
    return found.dates.get(found.as_of)


def kept_date(db: Any, as_of: object) -> Stored | None:
    """The stored figures of ``as_of`` when the tables were built for that date: the last day
    (:func:`usable`) or a date the CLV bridge compares it with; else None."""
    if (last := usable(db, as_of)) is not None:
        return last
    found = stored(db)
    if found is None or not isinstance(as_of, date) or _day(as_of) == found.as_of:
        return None
    return found.dates.get(_day(as_of))


def rfm_kept(db: Any, as_of: object) -> bool:
    """Whether ``derived_rfm`` holds the summary at ``as_of`` (calibration = as-of, weeks)."""
    found = stored(db)
    return (
        found is not None
        and isinstance(as_of, date)
        and (_day(as_of) in found.dates or _day(as_of) in found.rfm_dates)
    )


def holdout_json(
    db: Any, calibration_end: date, as_of: date, time_unit_days: float, max_visits: int
) -> tuple[str, str] | None:
    """(kind, payload) of the holdout check kept for exactly these inputs on the whole group
    (a scoped database checks its own customers: computed), else None."""
    found = None if scope_of(db) is not None or usable(db, as_of) is None else stored(db)
    kept = found.holdout if found is not None else None
    if kept is None or (kept["calibration_end"], kept["as_of"]) != (
        calibration_end.isoformat(),
        as_of.isoformat(),
    ):
        return None
    if float(kept["time_unit_days"]) != float(time_unit_days) or int(kept["max_visits"]) != max_visits:
        return None
    return str(kept["kind"]), str(kept["payload"])


def predictions_kept(db: Any, as_of: object, horizon_years: float, discount_rate: float) -> bool:
    """Whether ``derived_values`` holds the predictive columns for this date and parameters."""
    found = kept_date(db, as_of)
    return (
        found is not None
        and found.predictions is not None
        and found.predictions == (horizon_years, discount_rate)
    )


def group_figures(db: Any, as_of: object) -> Stored | None:
    """The group figures kept with the tables (retention, return counts): for an unscoped
    database at their date only (a scoped one measures on its own rows, as before)."""
    return kept_date(db, as_of) if scope_of(db) is None else None


def values_frame(
    db: Any,
    as_of: object,
    store_ids: Sequence[str] | None,
    columns: Sequence[str] | None = None,
    customer_ids: Sequence[str] | None = None,
) -> pd.DataFrame | None:
    """``derived_values`` as ``CUSTOMER_VALUES_SQL`` would return it (customers of
    ``store_ids`` only, in customer_id order; only ``columns``, in that order, if given; only
    the rows of ``customer_ids`` if given: a lookup's few customers, not ten million rows), or
    None when the tables cannot stand in."""
    if kept_date(db, as_of) is None:
        return None
    where, params = _where(as_of, store_ids)
    if customer_ids is not None:
        ids = sorted(set(customer_ids)) or [None]  # none: no row (IN (NULL) matches nothing)
        where += f" AND customer_id IN ({', '.join('?' for _ in ids)})"
        params += ids
    if columns is None:
        picked = f"* EXCLUDE ({', '.join(('cust_key', 'as_of') + PREDICTED)})"
    else:
        picked = ", ".join(_quoted(c) for c in columns)
    return _read_frame(db, f"SELECT {_IN_ORDER}, {picked} FROM {VALUES_TABLE}{where}", params)


def value_columns(db: Any) -> list[str]:
    """The columns :func:`values_frame` returns without ``columns``, in its order (the
    per-customer SQL's), read from the table's schema."""
    frame = _group(db).query_df(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [VALUES_TABLE],
    )
    hidden = {"cust_key", "as_of", *PREDICTED}
    return [c for c in frame["column_name"] if c not in hidden]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def predictions_frame(db: Any, as_of: object, store_ids: Sequence[str] | None) -> pd.DataFrame:
    """customer_id and the predictive columns of ``derived_values``, the rows of
    :func:`values_frame` in its order (call only when :func:`predictions_kept`)."""
    where, params = _where(as_of, store_ids)
    columns = ", ".join(("customer_id",) + PREDICTED)
    return _read_frame(db, f"SELECT {_IN_ORDER}, {columns} FROM {VALUES_TABLE}{where}", params)


def _where(as_of: object, store_ids: Sequence[str] | None) -> tuple[str, list]:
    where, params = " WHERE as_of = ?", [_day(as_of)]
    if store_ids:
        where += f" AND home_store_id IN ({', '.join('?' for _ in store_ids)})"
        params += list(store_ids)
    return where, params


def rfm_frame(db: Any, as_of: object, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``derived_rfm`` at ``as_of`` as ``RFM_SQL`` returns it (only ``columns`` if given; call
    only when ``rfm_kept``)."""
    hidden = ", ".join(("cust_key", "as_of") + RFM_PREDICTED)
    picked = f"* EXCLUDE ({hidden})" if columns is None else ", ".join(_quoted(c) for c in columns)
    sql = f"SELECT {_IN_ORDER}, {picked} FROM {RFM_TABLE} WHERE as_of = ?"
    return _read_frame(db, sql, [_day(as_of)])


def rfm_predictions_frame(db: Any, as_of: object) -> pd.DataFrame:
    """customer_id and ``RFM_PREDICTED`` of ``derived_rfm`` in :func:`rfm_frame`'s rows and
    order (for the date's default parameters: ``Stored.predictions``)."""
    columns = ", ".join(("customer_id",) + RFM_PREDICTED)
    sql = f"SELECT {_IN_ORDER}, {columns} FROM {RFM_TABLE} WHERE as_of = ?"
    return _read_frame(db, sql, [_day(as_of)])


def _day(value: date) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def read_meta(reader: Any) -> dict[str, str]:
    frame = reader.query_df(f"SELECT key, value FROM {META_TABLE}")
    return dict(zip(frame["key"], frame["value"]))


# -- a page's own kept table beside the derived ones (segments, cohorts, service) -------------


def write_table_meta(con: Any, meta_table: str, rows: dict[str, str]) -> None:
    """A kept table's meta (``meta_table``: a module constant, key -> JSON text), written once."""
    con.execute(f"CREATE TABLE main.{meta_table} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO main.{meta_table} VALUES (?, ?)", [[k, v] for k, v in rows.items()])


def matching_table_meta(
    group: Any, table: str, meta_table: str, format_version: int
) -> dict[str, str] | None:
    """``table``'s meta when the table is there, of ``format_version``, and built from the data
    the derived tables were built from (the same fingerprint); else None (compute). The caller
    checks its own keys (a KeyError, ValueError or TypeError there also means compute)."""
    if not {table, meta_table} <= group.tables():
        return None
    frame = group.query_df(f"SELECT key, value FROM {meta_table}")
    meta = dict(zip(frame["key"], frame["value"]))
    try:
        if int(meta.get("format", "0")) != format_version:
            return None
        if json.loads(meta["fingerprint"]) != json.loads(read_meta(group)["fingerprint"]):
            return None
    except (KeyError, ValueError, TypeError):
        return None
    return meta


def _check(group: Any) -> Kept | None:
    if not set(TABLES) <= group.tables():
        return None
    meta = read_meta(group)
    try:
        if int(meta.get("format", "0")) != FORMAT_VERSION:
            return None
        if json.loads(meta["fingerprint"]) != remembered(group, "derived", lambda g: fingerprint(g)):
            return None
        retention = json.loads(meta["retention"])
        returns = json.loads(meta["return_counts"])
        predicted = json.loads(meta["predictions"])
        params = (int(predicted["horizon_years"]), float(predicted["discount_rate"]))
        dates = {}
        for day in json.loads(meta["dates"]):
            dates[date.fromisoformat(day)] = Stored(
                as_of=date.fromisoformat(day),
                retention=retention[day]["value"],
                retention_measurable=bool(retention[day]["measurable"]),
                return_counts=tuple(tuple(int(x) for x in row) for row in returns["rows"][day]),
                return_max_years=int(returns["max_years"]),
                predictions=params if day in predicted["dates"] else None,
            )
        return Kept(
            as_of=date.fromisoformat(meta["as_of"]),
            dates=dates,
            rfm_dates=frozenset(date.fromisoformat(d) for d in json.loads(meta["rfm_dates"])),
            holdout=json.loads(meta["holdout"]),
        )
    except (KeyError, ValueError, TypeError):
        return None


_checked = PerVersion(_check)


def forget() -> None:
    """Drop the remembered checks (tests; a file rebuilt in place keeps its version rarely)."""
    _checked.forget()


def model_json(db: Any, as_of: object) -> tuple[str, str]:
    """(kind, payload) of the fit stored for ``as_of``: kind "fit" or "failure"."""
    frame = _group(db).query_df(f"SELECT kind, payload FROM {MODEL_TABLE} WHERE as_of = ?", [_day(as_of)])
    return str(frame["kind"].iloc[0]), str(frame["payload"].iloc[0])


# Rows come in ``cust_key`` order without an ORDER BY: a table written in that order is scanned
# in it (DuckDB's preserve_insertion_order, on by default), which spares a sort of a million
# wide rows. Checked on every read, sorted when not (a scope's view may reorder).
_ORDER_KEY = "_order_key"
_IN_ORDER = f"cust_key AS {_ORDER_KEY}"


def _read_frame(db: Any, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """``db.query_df(sql, params)``, the same frame (same dtypes), through Arrow: five times
    faster for a million rows of text columns (customer id, name, VIN, store ...). A first
    column ``_order_key`` (``_IN_ORDER``) gives the rows' order and is dropped."""
    with db.cursor() as cur:
        table = cur.sql(sql, params=list(params) or None).to_arrow_table()
    if table.num_columns and table.schema.names[0] == _ORDER_KEY:
        keys = table.column(0)
        if len(keys) > 1 and not pc.all(pc.less(keys[:-1], keys[1:])).as_py():
            table = table.sort_by(_ORDER_KEY)
        table = table.drop_columns([_ORDER_KEY])
    frame = table.to_pandas(date_as_object=False)
    rows = table.num_rows
    # DuckDB's own conversion (``.df()``), which the computed path uses, column by column:
    for name, kind in zip(table.schema.names, table.schema.types):
        nulls = table.column(name).null_count
        if pa.types.is_date(kind):  # microseconds
            frame[name] = frame[name].astype("datetime64[us]")
        elif (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and nulls == rows:
            frame[name] = pd.Series([None] * rows, index=frame.index, dtype=object)  # no text: object
        elif pa.types.is_integer(kind) and nulls:
            frame[name] = frame[name].astype("Int64")  # integers with NULLs: pandas' nullable Int64
    return frame
