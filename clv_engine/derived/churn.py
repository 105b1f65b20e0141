"""The churn tables kept with the derived tables (issue 14), built by :func:`build` in the same
pass (``clv_engine.derived.build``) for the data's end date:

- ``derived_churn_signals``: the facts behind every customer's churn signals at that date,
  the very SQL ``churn.churn_signals`` runs (``churn.signals.facts_query``, default rules);
- ``derived_churn_backtest``: the backtest ``churn.backtest_signals`` computes a horizon
  before it (every customer watched then: the id, the five signals and whether they churned
  since): what the group calibration fits on;
- ``derived_churn_meta``: the rules and horizon they were built with, and a fingerprint of the
  complaints, sightings and appointments they read (the derived tables' own fingerprint
  covers orders, customers and stores).

They stand in only where the derived tables do (``store.usable``: same date, same data), for
the same rules and horizon and the same side tables; otherwise the readers compute as before.
A store-scoped database reads the signals of its own customers only (``customers`` is its
scoped view); the backtest is a group figure, read for an unscoped database only.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from clv_engine.derived import store
from clv_engine.scope import scope_of

SIGNALS_TABLE = "derived_churn_signals"
BACKTEST_TABLE = "derived_churn_backtest"
META_TABLE = "derived_churn_meta"
BASE_TABLE = "derived_churn_base"  # clv_engine.churn.kept: the page's joined base, optional
TABLES = (SIGNALS_TABLE, BACKTEST_TABLE, META_TABLE)
# The side tables the signals read, and the columns of them they read (hashed, not whole rows:
# a third of the time on millions of appointments).
SIDE_TABLES = {
    "complaints": "customer_id, opened, resolved",
    "competitor_sightings": "customer_id, seen_date",
    "appointments": "customer_id, appointment_date, status",
}
# The signal columns the backtest keeps (churn.SIGNALS), and its outcome.
BACKTEST_SIGNALS = ("spend_drop", "frequency_drop", "complaints", "competitor", "cancellations")


def side_fingerprint(reader: Any) -> dict[str, list]:
    """Rows and a hash of what the signals read of each side table (absent: none), one query."""
    present = [t for t in SIDE_TABLES if t in reader.tables()]  # fixed names, in the catalogue
    if not present:
        return {}
    parts = ", ".join(
        f"(SELECT [CAST(count(*) AS VARCHAR), CAST(coalesce(sum(hash({SIDE_TABLES[t]})), 0) AS VARCHAR)] "
        f"FROM {t}) AS {t}"
        for t in present
    )
    row = reader.query_df(f"SELECT {parts}").iloc[0]
    return {t: [int(row[t][0]), str(row[t][1])] for t in present}


def _rules_json(rules: Any) -> str:
    return json.dumps(dataclasses.asdict(rules), sort_keys=True)


def build(con: duckdb.DuckDBPyConnection, reader: Any, as_of: date) -> None:
    """(Re)build the churn tables in ``con``'s file for ``as_of`` (default rules and horizon)."""
    from clv_engine.churn import signals
    from clv_engine.churn.rules import BACKTEST_HORIZON_DAYS, SignalRules

    for table in (*TABLES, BASE_TABLE):
        con.execute(f"DROP TABLE IF EXISTS main.{table}")
    rules = SignalRules()
    sql, params = signals.facts_query(reader.tables(), as_of, None, rules)
    con.execute(
        f"CREATE TABLE main.{SIGNALS_TABLE} AS SELECT row_number() OVER (ORDER BY customer_id) AS pos, f.* "
        f"FROM ({sql}) f ORDER BY pos",
        params,
    )
    _build_backtest(con, reader, as_of - timedelta(days=BACKTEST_HORIZON_DAYS), as_of, rules)
    meta = {
        "as_of": as_of.isoformat(),
        "rules": _rules_json(rules),
        "horizon_days": str(BACKTEST_HORIZON_DAYS),
        "side": json.dumps(side_fingerprint(reader)),
    }
    # The page's joined base (signals, CLV, P(alive), tier) at the default parameters and model.
    from clv_engine.churn import kept

    meta |= kept.build_base(con, reader, as_of, rules) or {}
    con.execute(f"CREATE TABLE main.{META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO main.{META_TABLE} VALUES (?, ?)", [[k, v] for k, v in meta.items()])


# Customers per pass of the backtest: ten million at once (their facts and signals in pandas)
# took the build past 8 GB.
BACKTEST_CHUNK_ROWS = 1_000_000
_BACKTEST_FACTS = "derived_churn_backtest_facts"  # the build's own, dropped when done


def _build_backtest(con: duckdb.DuckDBPyConnection, reader: Any, reference: date, as_of: date, rules) -> None:
    """``derived_churn_backtest``: ``calibration.backtest_signals(stored=False)``'s rows (the
    customers watched at ``reference``, their signals then and whether they came back by
    ``as_of``) in its order, from its very facts SQL and outcome, a million customers at a
    time: the facts and the outcome in DuckDB, the signals of each range in pandas."""
    from clv_engine.churn import calibration, signals

    con.execute(f"DROP TABLE IF EXISTS main.{_BACKTEST_FACTS}")
    sql, params = signals.facts_query(reader.tables(), reference, None, rules)
    outcome = calibration.backtest_outcome_sql()  # who came back between the two dates
    # churned: no visit since (``~isin`` of those who came; a NULL id among them matches none)
    con.execute(
        f"CREATE TABLE main.{_BACKTEST_FACTS} AS SELECT row_number() OVER (ORDER BY f.customer_id) AS pos, "
        f"f.*, NOT EXISTS (SELECT 1 FROM ({outcome}) o WHERE o.customer_id = f.customer_id) AS churned "
        f"FROM ({sql}) f",
        [reference, as_of, *params],  # the ? in the text's order: the outcome's, then the facts'
    )
    available = signals.available_signals(reader)
    rows = con.execute(f"SELECT count(*) FROM main.{_BACKTEST_FACTS}").fetchone()[0]
    written = 0
    for start in range(0, max(rows, 1), BACKTEST_CHUNK_ROWS):
        facts = reader.query_df(
            f"SELECT * FROM main.{_BACKTEST_FACTS} WHERE pos > ? AND pos <= ? ORDER BY pos",
            [start, start + BACKTEST_CHUNK_ROWS],
        )
        facts.pop("pos")
        churned = facts.pop("churned").to_numpy(dtype=bool)
        frame = signals.signals_from_facts(facts, available, rules, reference)
        watched = frame["watched"].to_numpy(dtype=bool)
        part = frame.loc[watched, ["customer_id", *BACKTEST_SIGNALS]].reset_index(drop=True)
        part["churned"] = churned[watched]
        part.insert(0, "pos", range(written, written + len(part)))
        written += len(part)
        con.register("derived_churn_rows", part)
        verb = (
            f"CREATE TABLE main.{BACKTEST_TABLE} AS" if start == 0 else f"INSERT INTO main.{BACKTEST_TABLE}"
        )
        con.execute(f"{verb} SELECT * FROM derived_churn_rows ORDER BY pos")
        con.unregister("derived_churn_rows")
        del facts, frame, part
    con.execute(f"DROP TABLE main.{_BACKTEST_FACTS}")


# -- reading ------------------------------------------------------------------------------------


def _check(group: Any) -> dict | None:
    """The churn tables' meta when they match ``group``'s side tables, else None."""
    if not set(TABLES) <= group.tables():
        return None
    meta = dict(group.query_df(f"SELECT key, value FROM {META_TABLE}").itertuples(index=False))
    # The side tables' pass, once per file version across processes (store.remembered).
    side = store.remembered(group, "churn_side", side_fingerprint)
    return meta if json.loads(meta.get("side", "null")) == side else None


_checked = store.PerVersion(_check)


def _meta(db: Any, as_of: object) -> dict | None:
    """The churn tables' meta when they may stand in for ``db`` (its group's file) at ``as_of``."""
    if store.usable(db, as_of) is None:
        return None
    return _checked(getattr(db, "group", db))


def forget() -> None:
    _checked.forget()


def _in_order(db: Any, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """The rows of ``sql`` (a table written in ``pos`` order) in ``pos`` order, without ``pos``.
    A scan keeps the order the rows were written in (DuckDB's preserve_insertion_order, on by
    default), which spares a sort of a million rows; checked, and sorted when it did not."""
    frame = store._read_frame(db, sql, params)
    pos = frame["pos"].to_numpy()
    if len(pos) > 1 and not (pos[1:] > pos[:-1]).all():
        frame = frame.sort_values("pos", kind="stable").reset_index(drop=True)
    return frame.drop(columns="pos")


def _default_rules() -> Any:
    from clv_engine.churn.rules import SignalRules

    return SignalRules()


def signal_facts(
    db: Any, as_of: object, store_ids: Sequence[str] | None = None, rules: Any = None
) -> pd.DataFrame | None:
    """The rows ``facts_query`` would return for ``db`` (its scope) and ``store_ids``, or None
    (``rules`` None: the default rules)."""
    rules = _default_rules() if rules is None else rules
    meta = _meta(db, as_of)
    if meta is None or meta["rules"] != _rules_json(rules):
        return None
    where, params = [], []
    if scope_of(db) is not None:  # the scoped view of customers: its own customers only
        where.append("customer_id IN (SELECT customer_id FROM customers)")
    if store_ids:
        where.append(f"home_store_id IN ({', '.join('?' for _ in store_ids)})")
        params = list(store_ids)
    clause = " WHERE " + " AND ".join(where) if where else ""
    return _in_order(db, f"SELECT * FROM {SIGNALS_TABLE}{clause}", params)


def backtest_frame(
    db: Any, as_of: object, rules: Any = None, horizon_days: int | None = None, ids: bool = True
) -> pd.DataFrame | None:
    """The stored backtest (id and signals of the customers watched a horizon before
    ``as_of``, and ``churned``) for an unscoped database, or None (``rules``, ``horizon_days``
    None: the defaults). ``ids=False``: without the customer ids (what a calibration reads)."""
    found = _backtest_meta(db, as_of, rules, horizon_days)
    if found is None:
        return None
    picked = "*" if ids else "* EXCLUDE (customer_id)"
    frame = _in_order(db, f"SELECT {picked} FROM {BACKTEST_TABLE}")
    frame["watched"] = True
    frame.attrs.update(found)
    return frame


def _backtest_meta(db: Any, as_of: object, rules: Any, horizon_days: int | None) -> dict | None:
    """The stored backtest's reference date and horizon (as attrs) when it may stand in."""
    from clv_engine.churn.rules import BACKTEST_HORIZON_DAYS

    rules = _default_rules() if rules is None else rules
    horizon_days = BACKTEST_HORIZON_DAYS if horizon_days is None else horizon_days
    if scope_of(db) is not None:
        return None
    meta = _meta(db, as_of)
    if meta is None or meta["rules"] != _rules_json(rules) or int(meta["horizon_days"]) != horizon_days:
        return None
    reference = date.fromisoformat(meta["as_of"]) - timedelta(days=horizon_days)
    return {"reference_date": reference, "horizon_days": horizon_days}


def backtest_groups(
    db: Any, as_of: object, rules: Any = None, horizon_days: int | None = None
) -> pd.DataFrame | None:
    """The stored backtest counted in DuckDB per distinct set of the five signals: the signals,
    ``customers`` and ``churners`` (how many of them churned), in no particular order; or None
    where :func:`backtest_frame` gives None. What a calibration reads (a score is a function of
    the signals alone): a few hundred thousand rows instead of ten million."""
    found = _backtest_meta(db, as_of, rules, horizon_days)
    if found is None:
        return None
    signals = ", ".join(BACKTEST_SIGNALS)
    frame = store._read_frame(
        db,
        f"SELECT {signals}, count(*) AS customers, count(*) FILTER (WHERE churned) AS churners "
        f"FROM {BACKTEST_TABLE} GROUP BY {signals}",
    )
    frame.attrs.update(found)
    return frame


def kept_alive_share(db: Any, as_of: object, near_one: float) -> tuple[int, int] | None:
    """(customers of ``db`` (its scope) with a P(alive), how many of them at or above
    ``near_one``) of the predictions kept with the RFM summary at ``as_of`` (``derived_rfm``),
    or None when none are kept: one aggregate, not the summary's million rows. P(alive) does
    not depend on the horizon or the discount rate the predictions were kept for."""
    found = store.kept_date(db, as_of)
    if found is None or found.predictions is None or not store.rfm_kept(db, as_of):
        return None
    finite = "p_alive IS NOT NULL AND isfinite(p_alive)"
    row = db.query_df(
        f"SELECT count(*) FILTER (WHERE {finite}) AS n, count(*) FILTER (WHERE {finite} AND p_alive >= ?) "
        f"AS near FROM {store.RFM_TABLE} WHERE as_of = ?",
        [near_one, as_of],
    ).iloc[0]
    return int(row["n"]), int(row["near"])
