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
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import pandas as pd

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


def build_base(con: duckdb.DuckDBPyConnection, reader: Any, as_of: date, rules: SignalRules) -> str | None:
    """Write ``derived_churn_base`` (after ``derived_churn_signals`` and the day's
    ``derived_values`` with its predictions); returns its :func:`base_key`, or None when the
    day has no fit (the page then computes, as it would without the table)."""
    from clv_engine import clv, predictive
    from clv_engine.derived import store

    con.execute(f"DROP TABLE IF EXISTS main.{BASE_TABLE}")
    kind = reader.query_value(f"SELECT kind FROM {store.MODEL_TABLE} WHERE as_of = ?", [as_of])
    if kind != "fit":
        return None
    params = clv.CLVParams()
    facts = reader.query_df(f"SELECT * FROM {derived_churn.SIGNALS_TABLE} ORDER BY pos").drop(columns="pos")
    signals = signals_from_facts(facts, available_signals(reader), rules, as_of)
    values = clv.customer_values(reader, as_of, None, params, columns=["customer_id"])
    predicted = reader.query_df(
        f"SELECT customer_id, {', '.join(store.PREDICTED)} FROM {store.VALUES_TABLE} "
        "WHERE as_of = ? ORDER BY cust_key",
        [as_of],
    )
    values = predictive.values_for_model(values, BASE_MODEL, predicted)
    base = list_base(signals, values, rfml_tiers(reader, as_of), value_columns=NARROW_VALUE_COLUMNS)
    base = pd.DataFrame({"pos": range(len(base)), **{c: base[c] for c in base.columns}})
    base["tier"] = base["tier"].astype(object)  # text in the file, codes again when read
    con.register("derived_churn_base_rows", base)
    con.execute(f"CREATE TABLE main.{BASE_TABLE} AS SELECT * FROM derived_churn_base_rows ORDER BY pos")
    con.unregister("derived_churn_base_rows")
    return base_key(params, BASE_MODEL)


def kept_base(
    db: Any, as_of: object, store_ids: Sequence[str] | None, params: Any, model: str
) -> pd.DataFrame | None:
    """The kept base as :func:`list_base` (narrow, with the tiers) returns it for the whole
    group's computed pieces, or None (see the module note)."""
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
    frame = derived_churn._in_order(db, f"SELECT * FROM {BASE_TABLE}")
    frame["tier"] = frame["tier"].astype("category")
    frame.attrs.update(available=available, rules=rules, as_of=as_of)
    frame.attrs["by_id"] = bool(frame["customer_id"].is_monotonic_increasing)
    frame.attrs["details"] = False
    return frame
