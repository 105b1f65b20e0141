"""The churn page's per-customer base kept in the file (issue 14): :func:`list_base` of the
signals, the chosen model's CLV and P(alive), and the RFM+L tier, joined at build time for the
data's last day, the default rules, the sidebar's default CLV parameters and model, the whole
group. A first render then reads ONE table (Arrow) instead of the signals, the customer values
and the segmentation's scoring, and their join.

:func:`build_base` writes it (``clv_engine.derived.churn.build``, with the churn tables);
:func:`kept_base` reads it back, the same frame (columns, dtypes, rows, attrs) the computation
gives, or None where it may not stand in: another date, rules, parameters or model, a store
scope or a choice of stores (tiers are scored on the customers in view), data changed since.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clv_engine.churn.call_list import NARROW_VALUE_COLUMNS, list_base, rfml_tiers
from clv_engine.churn.rules import SignalRules
from clv_engine.churn.signals import available_signals, signals_from_facts
from clv_engine.derived import churn as derived_churn
from clv_engine.scope import scope_of

BASE_TABLE = "derived_churn_base"
BASE_MODEL = "predictive"  # the sidebar's default model (ui.context.Context.clv_model)


def base_key(params: Any, model: str) -> str:
    """What the kept base was built for: the CLV parameters (a dataclass) and the model."""
    return json.dumps({"params": dataclasses.asdict(params), "model": model}, sort_keys=True)


# Customers per pass of the build (ten million customers: ten passes, each a million rows wide).
CHUNK_ROWS = 1_000_000


def _values(reader: Any, as_of: date, params: Any) -> pd.DataFrame:
    """customer_id, clv and P(alive) of every customer as ``clv.customer_values`` and the model
    give them (``predictive.values_for_model``), from the day's ``derived_values`` (its CLV
    inputs and kept predictions only: not the names, VINs and histories of every customer)."""
    from clv_engine import clv, predictive
    from clv_engine.derived import store

    picked = ", ".join((*clv.CLV_INPUTS, *store.PREDICTED))
    both = reader.query_df(
        f"SELECT {picked} FROM {store.VALUES_TABLE} WHERE as_of = ? ORDER BY cust_key", [as_of]
    )
    predicted = both[["customer_id", *store.PREDICTED]]
    values = both[list(clv.CLV_INPUTS)]
    retention, _ = clv.retention_for(reader, as_of, params)
    values = clv.add_historical_clv(values, retention, params, clv.return_rates(reader, as_of))
    values = predictive.values_for_model(values, BASE_MODEL, predicted)
    return values[["customer_id", *(c for c in NARROW_VALUE_COLUMNS if c in values.columns)]]


def build_base(con: duckdb.DuckDBPyConnection, reader: Any, as_of: date, rules: SignalRules) -> dict | None:
    """Write ``derived_churn_base`` (after ``derived_churn_signals`` and the day's
    ``derived_values`` with its predictions), a million customers at a time; returns the meta
    it is read with (:func:`base_key` as "base", ...), or None when the day has no fit (the
    page then computes, as it would without the table)."""
    from clv_engine import clv
    from clv_engine.derived import store

    con.execute(f"DROP TABLE IF EXISTS main.{BASE_TABLE}")
    kind = reader.query_df(f"SELECT kind FROM {store.MODEL_TABLE} WHERE as_of = ?", [as_of])["kind"]
    if kind.tolist() != ["fit"]:
        return None
    params = clv.CLVParams()
    available = available_signals(reader)
    values = _values(reader, as_of, params)
    tiers = rfml_tiers(reader, as_of)
    rows = int(reader.query_df(f"SELECT count(*) AS n FROM {derived_churn.SIGNALS_TABLE}")["n"].iloc[0])
    by_id, last = True, None
    for start in range(0, max(rows, 1), CHUNK_ROWS):
        facts = reader.query_df(
            f"SELECT * FROM {derived_churn.SIGNALS_TABLE} WHERE pos > ? AND pos <= ? ORDER BY pos",
            [start, start + CHUNK_ROWS],
        )
        pos = facts.pop("pos").to_numpy()
        signals = signals_from_facts(facts, available, rules, as_of)
        part = list_base(signals, values, tiers, value_columns=NARROW_VALUE_COLUMNS)
        ids = part["customer_id"]
        by_id = by_id and part.attrs["by_id"] and (last is None or len(ids) == 0 or ids.iloc[0] > last)
        last = ids.iloc[-1] if len(ids) else last
        part = pd.DataFrame({"pos": pos, **{c: part[c] for c in part.columns}})
        for name in _CODED:  # text in the file, codes again when read
            part[name] = part[name].astype(object)
        con.register("derived_churn_base_rows", part)
        if start == 0:
            con.execute(
                f"CREATE TABLE main.{BASE_TABLE} AS SELECT * FROM derived_churn_base_rows ORDER BY pos"
            )
        else:
            con.execute(f"INSERT INTO main.{BASE_TABLE} SELECT * FROM derived_churn_base_rows ORDER BY pos")
        con.unregister("derived_churn_base_rows")
        del facts, signals, part
    nullable = reader.query_df(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? AND data_type IN ('BIGINT', 'INTEGER')",
        [BASE_TABLE],
    )["column_name"].tolist()
    nulls = reader.query_df(
        f"SELECT {', '.join(f'count(*) - count({c}) AS {c}' for c in nullable) or '0 AS none'} FROM {BASE_TABLE}"
    ).iloc[0]
    return {
        "base_nullable": json.dumps([c for c in nullable if int(nulls[c]) > 0]),
        "base": base_key(params, BASE_MODEL),
        "base_available": json.dumps(list(available)),
        "base_by_id": json.dumps(bool(by_id)),
    }


# Text columns of a few values each, kept as codes of their sorted values (what
# ``astype("category")`` gives, churn.list_base): the ranking takes millions of rows of them.
_CODED = ("tier", "home_store_id")


def _frame(table: pa.Table, coded: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """``store._read_frame``'s frame (the same dtypes) of a table read whole, column by column
    (no block consolidation: each column is its own array); the :data:`_CODED` columns as codes
    of their sorted values, what ``astype("category")`` of the text gives. ``coded``: for a
    column read as positions among its sorted names (-1: none, :func:`kept_base`), those names."""
    rows, columns = table.num_rows, {}
    coded = coded or {}
    for name, kind in zip(table.schema.names, table.schema.types):
        column = table.column(name)
        if name in coded:
            categories = pd.Index(coded[name], dtype=pd.StringDtype(na_value=np.nan))
            codes = column.to_numpy() if column.num_chunks == 1 else column.combine_chunks().to_numpy()
            columns[name] = pd.Categorical.from_codes(codes, categories=categories)
        elif name in _CODED:
            encoded = pc.dictionary_encode(column).combine_chunks()
            names = encoded.dictionary.to_pylist()
            order = sorted(range(len(names)), key=names.__getitem__)
            at = np.empty(len(names) + 1, dtype=np.int64)
            at[order] = np.arange(len(names))
            at[-1] = -1  # none
            codes = encoded.indices.fill_null(len(names)).to_numpy(zero_copy_only=False)
            categories = pd.Index([names[i] for i in order], dtype=pd.StringDtype(na_value=np.nan))
            columns[name] = pd.Categorical.from_codes(at[codes], categories=categories)
        elif (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and column.null_count == rows:
            columns[name] = pd.Series([None] * rows, dtype=object)
        elif (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and column.num_chunks > 1:
            # Text in ONE chunk: the ranking takes millions of ids at random positions, a third
            # of the time on one chunk than across DuckDB's many (ten million rows: 90).
            columns[name] = pa.chunked_array([column.combine_chunks()], type=kind).to_pandas()
        elif pa.types.is_integer(kind) and column.null_count:
            columns[name] = column.to_pandas().astype("Int64")
        elif pa.types.is_date(kind):
            columns[name] = column.to_pandas(date_as_object=False).astype("datetime64[us]")
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns, copy=False)


# What a first render reads of the kept base: the scores, the ranking and its filters. The
# facts behind the signals (what the reasons quote) are read for the rows drawn (:func:`_read_facts`).
FIRST_COLUMNS = (
    "customer_id",
    "home_store_id",
    "watched",
    "spend_drop",
    "frequency_drop",
    "complaints",
    "competitor",
    "cancellations",
    *NARROW_VALUE_COLUMNS,
    "valued",
    "tier",
)


def _columns(db: Any) -> list[str]:
    return list(_types(db))


def _types(db: Any) -> dict[str, str]:
    """The kept base's columns (without ``pos``), in order, with their SQL types."""
    frame = db.query_df(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [BASE_TABLE],
    )
    return {c: t for c, t in zip(frame["column_name"], frame["data_type"]) if c != "pos"}


def _distinct(cur: Any, column: str) -> list[str]:
    """The kept base's values of ``column`` (none: left out), sorted as pandas sorts them."""
    found = cur.sql(f"SELECT DISTINCT {column} FROM {BASE_TABLE} WHERE {column} IS NOT NULL").fetchall()
    return sorted(str(r[0]) for r in found)


def kept_base(
    db: Any, as_of: object, store_ids: Sequence[str] | None, params: Any, model: str
) -> pd.DataFrame | None:
    """The kept base as :func:`list_base` (narrow, with the tiers) returns it for the whole
    group's computed pieces, or None (see the module note). Only :data:`FIRST_COLUMNS` are
    read: ``attrs["kept_facts"]`` names the others (in the computed frame's column order,
    ``attrs["kept_order"]``), which ``churn.with_signals`` reads for the rows it is given."""
    if store_ids or scope_of(db) is not None:
        return None
    meta = derived_churn._meta(db, as_of)
    rules = SignalRules()
    if (
        meta is None
        or meta.get("base") != base_key(params, model)
        or meta["rules"] != json.dumps(dataclasses.asdict(rules), sort_keys=True)
    ):
        return None
    available = available_signals(db)
    if json.loads(meta.get("base_available", "null")) != list(available):
        return None
    types = _types(db)
    order = list(types)
    first = [c for c in order if c in FIRST_COLUMNS]
    coded = [c for c in _CODED if c in first]
    with db.cursor() as cur:
        # A few names each (tiers, stores): their positions among the sorted names, counted in
        # DuckDB (in parallel), not ten million names sent over and encoded here.
        names = {c: _distinct(cur, c) for c in coded}
        picked = [
            f"CAST(coalesce(list_position(CAST(? AS VARCHAR[]), {c}) - 1, -1) AS INTEGER) AS {c}"
            if c in names
            else c
            for c in first
        ]
        # Arrow, read by DuckDB in parallel: a quarter of fetchnumpy's time on ten million rows.
        table = cur.sql(
            f"SELECT pos, {', '.join(picked)} FROM {BASE_TABLE}",
            params=[names[c] for c in first if c in names] or None,
        ).to_arrow_table()
    pos = table.column("pos")
    if len(pos) > 1 and not pc.all(pc.less(pos[:-1], pos[1:])).as_py():
        table = table.sort_by("pos")
    frame = _frame(table.drop_columns(["pos"]), names)
    frame.attrs.update(available=available, rules=rules, as_of=as_of)
    frame.attrs["by_id"] = bool(json.loads(meta["base_by_id"]))
    frame.attrs["details"] = False
    frame.attrs["kept_facts"] = tuple(c for c in order if c not in first)
    frame.attrs["kept_order"] = tuple(order)
    frame.attrs["kept_nullable"] = tuple(json.loads(meta.get("base_nullable", "[]")))
    return frame


# Up to this many rows are read by position; more (a download of the whole list): every row,
# then taken.
_BY_POSITION = 5_000


def _read_facts(
    db: Any, rows: np.ndarray, columns: Sequence[str], nullable: Sequence[str] = ()
) -> pd.DataFrame:
    """``columns`` of the kept base at row positions ``rows`` of :func:`kept_base`'s frame (its
    rows are the table's ``pos`` 1..n in order), in the order given, with the dtypes the
    whole column has (an integer column with a NULL anywhere: Int64)."""
    rows = np.asarray(rows, dtype=np.int64)
    key = (
        (db.version(), rows.tobytes(), tuple(columns), tuple(nullable)) if len(rows) <= _BY_POSITION else None
    )
    with _recent_lock:
        if key is not None and key in _recent:
            return _recent[key].copy()
    frame = _facts(db, rows, columns, nullable)
    if key is not None:
        with _recent_lock:
            _recent[key] = frame.copy()
            while len(_recent) > _RECENT:
                _recent.pop(next(iter(_recent)))
    return frame


# The last few row sets read (a page's rerun draws the same rows again, a second session too).
_RECENT = 16
_recent: dict[tuple, pd.DataFrame] = {}
_recent_lock = threading.Lock()


def _facts(db: Any, rows: np.ndarray, columns: Sequence[str], nullable: Sequence[str]) -> pd.DataFrame:
    picked = ", ".join(columns)
    with db.cursor() as cur:
        if len(rows) <= _BY_POSITION:
            table = cur.sql(
                f"SELECT pos, {picked} FROM {BASE_TABLE} WHERE pos IN (SELECT unnest(?)) ORDER BY pos",
                params=[sorted({int(r) + 1 for r in rows})],
            ).to_arrow_table()
        else:
            table = cur.sql(f"SELECT pos, {picked} FROM {BASE_TABLE} ORDER BY pos").to_arrow_table()
    at = np.searchsorted(table.column("pos").to_numpy(), rows + 1)
    table = table.drop_columns(["pos"]).take(pa.array(at))
    frame = _frame(table)
    for name in nullable:
        if name in frame.columns and not isinstance(frame[name].dtype, pd.Int64Dtype):
            frame[name] = frame[name].astype("Int64")
    return frame
