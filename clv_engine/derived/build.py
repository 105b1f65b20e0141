"""Building the derived tables (see ``clv_engine.derived``) in the file a connection writes.

:func:`build` runs on a read-write DuckDB connection whose current database is the file: the
import's new file before the swap, the sample being generated, or ``python -m cli.derive``.
It replaces whatever derived tables the file had. The SQL is the very SQL the readers would
run (``clv.CUSTOMER_VALUES_SQL``, ``predictive.RFM_SQL``), the fit the same function
(``predictive.fit_on_summary``) and the predictions too (``predictive.customer_predictions``),
so a stored figure equals the computed one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

from clv_engine import bridge, clv, predictive
from clv_engine.db import Reader
from clv_engine.derived import chunks, segments, store
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import cohorts as derived_cohorts
from clv_engine.derived import kpi as derived_kpi
from clv_engine.derived import lists as derived_lists
from clv_engine.derived import service as derived_service
from clv_engine.models import FitError
from clv_engine.models.store import failure_to_json, fit_to_json, holdout_to_json

# Called with a fraction of the build done (0..1) and the step's name.
Step = Callable[[float, str], None]
# per date: rfm, model, values
STEPS = ("values", "rfm", "model", "churn", "checks", "meta", "segments", "kpi", "pages")


def _no_step(fraction: float, name: str) -> None:
    pass


class ConnectionReader(Reader):
    """The reading interface of ``Database`` on one open connection (no cursor: the
    connection's own transaction and temporary tables stay visible)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con

    def tables(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT temporary"
        ).fetchall()
        return {r[0] for r in rows}


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Remove the derived tables from the connection's file (the readers then compute)."""
    for table in (*store.TABLES, *derived_churn.TABLES):
        con.execute(f"DROP TABLE IF EXISTS main.{table}")
    segments.drop(con)
    derived_kpi.drop(con)
    derived_lists.drop(con)
    con.execute("DROP TABLE IF EXISTS temp.derived_keys")
    con.execute("DROP TABLE IF EXISTS temp.derived_rfm_day")


def _commit_step(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a transaction (``python -m cli.derive``), commit what is built so far and go on in
    a new one: a transaction's own new rows stay in memory until its commit, so ten million
    customers' values for three dates passed DuckDB's memory limit (6 GB) at the third date.
    Without a transaction (an import's or a sample's own connection) every statement is
    already committed: nothing to do. Readers wait for the whole build (the writer holds the
    file); a build that fails after a step leaves tables without ``derived_meta``, which no
    reader uses (they compute), and the next build replaces."""
    try:
        con.execute("COMMIT")
    except duckdb.TransactionException:
        return  # no transaction open: autocommit
    con.execute("BEGIN TRANSACTION")


def dates_to_build(last_day: date) -> list[date]:
    """The data's last day, then the dates the CLV bridge compares it with (overview)."""
    days = [last_day] + [bridge.comparison_date(last_day, period) for period in bridge.PERIODS]
    return list(dict.fromkeys(days))


def build(con: duckdb.DuckDBPyConnection, step: Step = _no_step, chunk: int | None = None) -> date | None:
    """(Re)build every derived table for the data's end date and the bridge's comparison
    dates; returns the end date, or None (no order: nothing to derive, no table).

    The per-customer steps run ``chunk`` customers at a time (default: as many as DuckDB's
    memory limit on ``con`` holds, ``chunks.chunk_size``): the same rows, in bounded memory."""
    drop(con)
    reader = ConnectionReader(con)
    as_of = reader.query_value("SELECT max(order_date) FROM orders")
    if as_of is None:
        return None
    as_of = as_of if type(as_of) is date else as_of.date()
    days = dates_to_build(as_of)
    step(0.0, "values")
    con.execute(
        """
        CREATE TEMP TABLE derived_keys AS
        SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS cust_key
        FROM (SELECT customer_id FROM customers UNION SELECT customer_id FROM orders)
        WHERE customer_id IS NOT NULL
        """
    )
    con.execute(f"CREATE TABLE main.{store.MODEL_TABLE} (as_of DATE, kind VARCHAR, payload VARCHAR)")
    ranges = chunks.key_ranges(con, chunk or chunks.chunk_size(con))
    predicted: list[str] = []
    share = 0.7 / len(days)  # of the bar, per date
    for i, day in enumerate(days):
        _rfm(con, day, ranges, lambda done, i=i: step((i + 0.35 * done) * share, "rfm"))
        step((i + 0.35) * share, "model")
        predictions = _model(con, reader, day)
        _keep_rfm(con, day, predictions, i == 0, ranges)
        if predictions is not None:
            predicted.append(day.isoformat())
        _values(
            con,
            day,
            predictions,
            i == 0,
            ranges,
            lambda done, i=i: step((i + 0.5 + 0.5 * done) * share, "values"),
        )
        _commit_step(con)
    # -- after the values: other per-customer builders of the last day go here --
    step(0.7, "churn")
    derived_churn.build(con, reader, as_of)  # the churn signals and backtest (clv_engine.derived.churn)
    _commit_step(con)
    step(0.8, "checks")
    rfm_days, holdout = _model_page(con, reader, as_of, days, ranges)
    con.execute("DROP TABLE IF EXISTS temp.derived_rfm_day")
    step(0.9, "meta")
    _meta(con, reader, as_of, days, predicted)
    con.executemany(
        f"INSERT INTO main.{store.META_TABLE} VALUES (?, ?)",
        [["rfm_dates", json.dumps([d.isoformat() for d in rfm_days])], ["holdout", json.dumps(holdout)]],
    )
    step(0.93, "segments")
    segments.build(con)  # the RFM+L facts; copies derived_meta's fingerprint, so after it
    step(0.95, "kpi")  # minutes at ten million customers: the progress bar says so
    derived_kpi.build(con, reader)  # the KPI scorecard's store figures (clv_engine.derived.kpi)
    _commit_step(con)
    step(0.98, "pages")
    derived_lists.build(con, reader)  # the issued call lists' returns (clv_engine.derived.lists)
    derived_cohorts.build(con, reader)  # the cohort cube's facts (clv_engine.derived.cohorts)
    derived_service.build(con, reader, ranges)  # the last two service days (clv_engine.derived.service)
    con.execute("DROP TABLE temp.derived_keys")
    step(1.0, "done")
    return as_of


def _model_page(
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    as_of: date,
    days: list[date],
    ranges: list[tuple[int, int]],
) -> tuple[list[date], dict | None]:
    """What the model page shows at its defaults: the RFM summary at the start of the
    P(alive) drops' lookback, and the holdout check at the default calibration."""
    earlier = as_of - timedelta(days=predictive.DROPS_DEFAULT_DAYS)
    rfm_days = [] if earlier in days else [earlier]
    for day in rfm_days:
        _rfm(con, day, ranges)
        _keep_rfm(con, day, None, False, ranges)
    calibration_end = predictive.holdout_calibration_end(as_of, predictive.HOLDOUT_DEFAULT_MONTHS)
    try:
        check = predictive.holdout_check(reader, calibration_end, as_of)
        kind, payload = "check", holdout_to_json(**vars(check))
    except FitError as error:
        kind, payload = "failure", failure_to_json(error)
    holdout = {
        "calibration_end": calibration_end.isoformat(),
        "as_of": as_of.isoformat(),
        "time_unit_days": store.TIME_UNIT_DAYS,
        "max_visits": predictive.HOLDOUT_MAX_VISITS,
        "kind": kind,
        "payload": payload,
    }
    return rfm_days, holdout


def _rfm(
    con: duckdb.DuckDBPyConnection,
    day: date,
    ranges: list[tuple[int, int]],
    done: Callable[[float], None] = lambda fraction: None,
) -> None:
    """The day's RFM summary in a temporary table (read for the fit, then kept), built a
    range of customers at a time (``chunks``), in key order."""
    con.execute("DROP TABLE IF EXISTS temp.derived_rfm_day")
    for n, (first, last) in enumerate(ranges):
        done(n / len(ranges))
        head = "CREATE TEMP TABLE derived_rfm_day AS" if n == 0 else "INSERT INTO temp.derived_rfm_day"
        with chunks.customers_of(con, first, last):
            con.execute(
                f"{head} SELECT k.cust_key, r.* FROM ({predictive.RFM_SQL}) r "
                "JOIN derived_keys k USING (customer_id) WHERE k.cust_key BETWEEN $first AND $last "
                "ORDER BY k.cust_key",
                {"end": day, "cal": day, "unit": store.TIME_UNIT_DAYS, "first": first, "last": last},
            )


def _keep_rfm(
    con: duckdb.DuckDBPyConnection,
    day: date,
    predictions: pd.DataFrame | None,
    first: bool,
    ranges: list[tuple[int, int]],
) -> None:
    """The day's summary into ``derived_rfm``, with the predictions at the default parameters,
    a range of customers at a time."""
    for n, (low, high) in enumerate(ranges):
        head = (
            f"CREATE TABLE main.{store.RFM_TABLE} AS"
            if first and n == 0
            else f"INSERT INTO main.{store.RFM_TABLE}"
        )
        predicted, join = _predicted_columns(con, _slice(predictions, low, high), store.RFM_PREDICTED, "r")
        con.execute(
            f"{head} SELECT CAST(? AS DATE) AS as_of, r.*, {predicted} FROM temp.derived_rfm_day r{join} "
            "WHERE r.cust_key BETWEEN ? AND ? ORDER BY r.cust_key",
            [day, low, high],
        )
        if predictions is not None:
            con.unregister("derived_predicted")


def _slice(predictions: pd.DataFrame | None, first: int, last: int) -> pd.DataFrame | None:
    """The rows of ``predictions`` (in ``cust_key`` order) whose key is in first..last."""
    if predictions is None:
        return None
    keys = predictions["cust_key"].to_numpy()
    start = int(np.searchsorted(keys, first, side="left"))
    stop = int(np.searchsorted(keys, last, side="right"))
    return predictions.iloc[start:stop]


def _predicted_columns(
    con: duckdb.DuckDBPyConnection, predictions: pd.DataFrame | None, columns: tuple[str, ...], side: str
) -> tuple[str, str]:
    if predictions is None:
        return ", ".join(f"CAST(NULL AS DOUBLE) AS {c}" for c in columns), ""
    con.register("derived_predicted", predictions)
    join = f" LEFT JOIN derived_predicted p ON p.cust_key = {side}.cust_key"
    return ", ".join(f"p.{c}" for c in columns), join


# What the fit and the predictions read of the day's summary (not the names and ids: 10M rows).
_FIT_COLUMNS = ("cust_key", "frequency", "recency", "T", "mean_gp_per_visit")


def _model(con: duckdb.DuckDBPyConnection, reader: Reader, day: date) -> pd.DataFrame | None:
    """Fit on the day's summary and keep it; the predictions at the default parameters by
    cust_key (None: the fit failed). The figures of ``predictive.customer_predictions`` (the
    same functions on the same columns), from the numeric columns only."""
    picked = ", ".join(f'"{c}"' for c in _FIT_COLUMNS)
    summary = predictive.typed_rfm(
        reader.query_df(f"SELECT {picked} FROM temp.derived_rfm_day ORDER BY cust_key")
    )
    keys = summary.pop("cust_key")
    try:
        visits, spend = predictive.fit_on_summary(summary, day)
        kind, payload = "fit", fit_to_json(visits, spend)
    except FitError as error:
        kind, payload = "failure", failure_to_json(error)
    con.execute(f"INSERT INTO main.{store.MODEL_TABLE} VALUES (?, ?, ?)", [day, kind, payload])
    if kind == "failure":
        return None
    units_per_year = predictive.PredictiveModel(
        day, store.TIME_UNIT_DAYS, summary, visits, spend
    ).units_per_year
    defaults = clv.CLVParams()
    found = predictive.predict_customers(
        visits,
        spend,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        summary["mean_gp_per_visit"],
        horizon_years=defaults.horizon_years,
        discount_rate=defaults.discount_rate,
        units_per_year=units_per_year,
    )
    out = pd.DataFrame({"cust_key": keys.to_numpy()})
    out["p_alive"] = np.asarray(found["p_alive"], dtype=float)
    out["expected_visits"] = np.asarray(found["expected_visits"], dtype=float)
    out["expected_gp_per_visit"] = np.asarray(found["expected_value_per_visit"], dtype=float)
    out["predictive_clv"] = np.asarray(found["predictive_clv"], dtype=float)
    out["p_visit_12m"] = np.asarray(
        predictive.p_visit_within(
            visits, units_per_year, summary["frequency"], summary["recency"], summary["T"]
        ),
        dtype=float,
    )
    return out


def _values(
    con: duckdb.DuckDBPyConnection,
    day: date,
    predictions: pd.DataFrame | None,
    first: bool,
    ranges: list[tuple[int, int]],
    done: Callable[[float], None] = lambda fraction: None,
) -> None:
    """The day's ``CUSTOMER_VALUES_SQL`` rows into ``derived_values`` with the predictions, a
    range of customers at a time (``chunks``: the SQL reads that range's customers and orders)."""
    for n, (low, high) in enumerate(ranges):
        done(n / len(ranges))
        head = (
            f"CREATE TABLE main.{store.VALUES_TABLE} AS"
            if first and n == 0
            else f"INSERT INTO main.{store.VALUES_TABLE}"
        )
        predicted, join = _predicted_columns(con, _slice(predictions, low, high), store.PREDICTED, "k")
        with chunks.customers_of(con, low, high):
            con.execute(
                f"{head} SELECT CAST(? AS DATE) AS as_of, k.cust_key, v.*, {predicted} "
                f"FROM ({clv.CUSTOMER_VALUES_SQL}) v JOIN derived_keys k USING (customer_id){join} "
                "WHERE k.cust_key BETWEEN ? AND ? ORDER BY k.cust_key",
                [day] + [day] * 7 + [low, high],
            )
        if predictions is not None:
            con.unregister("derived_predicted")


def _meta(
    con: duckdb.DuckDBPyConnection, reader: Reader, as_of: date, days: list[date], predicted: list[str]
) -> None:
    retention, returns = {}, {}
    for day in days:
        measurable = clv.retention_is_measurable(reader, day)
        retention[day.isoformat()] = {
            "value": clv.estimate_retention(reader, day) if measurable else None,
            "measurable": measurable,
        }
        counts = reader.query_df(clv.RETURN_RATES_SQL, [day - timedelta(days=365), day, clv.RETURN_MAX_YEARS])
        returns[day.isoformat()] = [[int(x) for x in row] for row in counts.to_numpy()]
    defaults = clv.CLVParams()
    meta = {
        "format": str(store.FORMAT_VERSION),
        "as_of": as_of.isoformat(),
        "dates": json.dumps([d.isoformat() for d in days]),
        "built_at": datetime.now().replace(microsecond=0).isoformat(),
        "fingerprint": json.dumps(store.fingerprint(reader)),
        "retention": json.dumps(retention),
        "return_counts": json.dumps({"max_years": clv.RETURN_MAX_YEARS, "rows": returns}),
        "predictions": json.dumps(
            {
                "horizon_years": defaults.horizon_years,
                "discount_rate": defaults.discount_rate,
                "dates": predicted,
            }
        ),
    }
    con.execute(f"CREATE TABLE main.{store.META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(f"INSERT INTO main.{store.META_TABLE} VALUES (?, ?)", [[k, v] for k, v in meta.items()])


def kept_checks(con: duckdb.DuckDBPyConnection) -> dict:
    """What the readers' checks of the tables just built would work out for this data, read
    from the tables' own meta (each step fingerprints the data it read, in the build's
    transaction): name -> value as ``store.remembered`` keeps them. Handed to
    ``store.remember`` once the file is closed, so the first process after a build, an import
    or a sample makes no pass over the orders (5-9 s at ten million customers)."""
    present = ConnectionReader(con).tables()
    # (meta table, key in it, the name its reader's check is remembered under)
    kept = [
        (store.META_TABLE, "fingerprint", "derived"),
        (derived_kpi.META_TABLE, "extra", "kpi"),
        (derived_churn.META_TABLE, "side", "churn_side"),
        (segments.META, "flags", "segment_flags"),
    ]
    checks = {}
    for table, key, name in kept:
        if table in present:
            row = con.execute(f"SELECT value FROM main.{table} WHERE key = ?", [key]).fetchone()
            if row is not None:
                checks[name] = json.loads(row[0])
    return checks if "derived" in checks else {}


def build_or_drop(con: duckdb.DuckDBPyConnection, step: Step = _no_step) -> date | None:
    """:func:`build`, and on any failure no derived table at all (the readers compute as
    before): a failed build never stops the data it derives from."""
    try:
        return build(con, step)
    except Exception:
        drop(con)
        return None
