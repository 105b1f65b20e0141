"""Derived tables for several dates and the predictions kept with them (issue 14, "values").

The file keeps the data's last day AND the dates the overview's CLV bridge compares it with
(a year and a quarter earlier), and for each the predictive columns at the sidebar's default
horizon and discount rate. Expected figures come from the on-the-fly path (the stored tables
out of the way: the per-customer SQL, a fit, ``customer_predictions`` and the merge on
customer ids), never from the stored tables.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import derive as cli
from clv_engine import bridge, clv, predictive
from clv_engine.db import Database
from clv_engine.derived import store
from clv_engine.derived.build import build, dates_to_build
from clv_engine.models import FitError, fit_bgnbd
from clv_engine.scope import ScopedDatabase
from tests.helpers import Table, make_db

END = date(2026, 6, 30)
DEFAULT = clv.CLVParams()


def _orders(seed: int, customers: int, years: float) -> tuple[pd.DataFrame, list[tuple]]:
    """Random visits of ``customers`` customers of two stores over ``years`` years to END; a
    few customers have no visit at all (bought a car, never came)."""
    rng = np.random.default_rng(seed)
    rows, people = [], []
    for i in range(customers):
        cid = f"C{i:03d}"
        store_id = "S1" if i % 3 else "S2"
        first = END - timedelta(days=int(rng.integers(10, int(365 * years))))
        people.append((cid, f"name {i}", store_id, "web" if i % 2 else "walk-in", first - timedelta(days=20)))
        if i % 7 == 6:
            continue  # no visit
        day, k = first, 0
        while day <= END:
            revenue = float(rng.gamma(2.0, 400.0)) if rng.random() > 0.05 else 0.0
            rows.append((f"O{i:03d}-{k}", cid, day, store_id, revenue, round(revenue * 0.4, 2)))
            day += timedelta(days=int(rng.exponential(90 + 150 * (i % 4))) + 1)
            k += 1
    frame = pd.DataFrame(
        rows, columns=["order_id", "customer_id", "order_date", "store_id", "revenue", "gross_profit"]
    )
    frame.loc[frame["order_date"] == frame["order_date"].max(), "order_date"] = END  # the data end
    return frame, people


def _make(path: Path, seed: int = 5, customers: int = 60, years: float = 3.0) -> Path:
    orders, people = _orders(seed, customers, years)
    make_db(
        path,
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=Table(("customer_id", "name", "home_store_id", "channel", "purchase_date"), people),
        orders=orders,
    )
    return path


def _computed(call):
    """``call()`` as before the tables: every stored table out of the way."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(store, "usable", lambda db, as_of: None)
        m.setattr(store, "kept_date", lambda db, as_of: None)
        m.setattr(store, "predictions_kept", lambda *args: False)
        m.setattr(store, "rfm_kept", lambda db, as_of: False)
        return call()


def _same(stored: pd.DataFrame, computed: pd.DataFrame, rtol: float = 1e-12) -> None:
    # Sums of doubles may differ in the last bits between two DuckDB runs (parallel order);
    # a fit on such sums may differ by 1e-6 where the likelihood is flat (rtol 1e-4 for a
    # figure from a refit; the kept figures are also checked exactly against their own fit).
    pd.testing.assert_frame_equal(stored, computed, check_exact=False, rtol=rtol, atol=1e-9)


def _predictive_frame(db, day: date, store_ids=None) -> pd.DataFrame:
    """The predictive per-customer frame as the app builds it (values + predictions)."""
    values = clv.customer_values(db, day, store_ids)
    kept = predictive.stored_predictions(db, day, store_ids, DEFAULT.horizon_years, DEFAULT.discount_rate)
    if kept is None:
        try:
            model = predictive.fit_predictive_model(db, day)
        except FitError:
            return predictive.values_for_model(values, "predictive", None)
        kept = predictive.customer_predictions(model, DEFAULT.horizon_years, DEFAULT.discount_rate)
    return predictive.values_for_model(values, "predictive", kept)


def _independent_predictive(db, day: date, store_ids=None) -> pd.DataFrame:
    """The same frame on the fly, attached by the merge on customer ids (a second path)."""

    def run():
        values = clv.customer_values(db, day, store_ids)
        try:
            model = predictive.fit_predictive_model(db, day)
        except FitError:
            return predictive.values_for_model(values, "predictive", None)
        found = predictive.customer_predictions(model, DEFAULT.horizon_years, DEFAULT.discount_rate)
        merged = values.merge(
            found[["customer_id", "p_alive", "expected_visits", "predictive_clv"]],
            on="customer_id",
            how="left",
        )
        merged["historical_clv"] = merged["clv"]
        merged["clv"] = merged["predictive_clv"].fillna(merged["historical_clv"])
        merged.attrs = dict(values.attrs, model="predictive")
        return merged

    return _computed(run)


def test_usable_stays_the_last_day_only(tmp_path):
    """``store.usable`` keeps its meaning (a table kept for the last day relies on it); the
    other dates are ``store.kept_date``."""
    path = _make(tmp_path / "u.duckdb")
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    year = bridge.comparison_date(END, "year")
    assert store.usable(db, END).as_of == END and store.usable(db, year) is None
    assert store.kept_date(db, year).as_of == year and store.kept_date(db, END).as_of == END
    assert store.kept_date(db, END - timedelta(days=1)) is None
    db.close()


def test_the_dates_kept_are_the_last_day_and_the_bridge_dates():
    assert dates_to_build(END) == [END, date(2025, 6, 30), date(2026, 3, 30)]
    assert dates_to_build(END)[1:] == [bridge.comparison_date(END, p) for p in bridge.PERIODS]
    # a month end: the same day a quarter earlier does not exist, the month's last does
    assert dates_to_build(date(2026, 5, 31))[2] == date(2026, 2, 28)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    customers=st.integers(4, 45),
    years=st.sampled_from([0.2, 1.2, 3.0]),
)
def test_every_stored_date_equals_the_computation(seed, customers, years):
    with tempfile.TemporaryDirectory() as folder:
        path = _make(Path(folder) / "d.duckdb", seed, customers, years)
        assert cli.main([str(path)]) == 0
        store.forget()
        db = Database(path)
        try:
            kept = store.stored(db)
            assert kept is not None and kept.as_of == END
            assert list(kept.dates) == dates_to_build(END)
            for day in kept.dates:
                scoped = ScopedDatabase(db, ["S2"])
                for where, ids in ((db, None), (db, ["S1"]), (scoped, None)):
                    _same(
                        clv.customer_values(where, day, ids),
                        _computed(lambda w=where, d=day, i=ids: clv.customer_values(w, d, i)),
                    )
                    _same(
                        predictive.rfm_summary(where, day),
                        _computed(lambda w=where, d=day: predictive.rfm_summary(w, d)),
                    )
                # the predictive frame: kept predictions by position = a fit on the fly merged
                # on ids (the fit on the fly agrees to DuckDB's last bits, hence rtol)
                for ids in (None, ["S2"]):
                    _same(_predictive_frame(db, day, ids), _independent_predictive(db, day, ids), rtol=1e-4)
                # the narrow frame of the comparison: the same figures, fewer columns
                narrow = clv.customer_values(db, day, None, DEFAULT, columns=("gp_12m", "home_store_id"))
                full = clv.customer_values(db, day)
                _same(narrow, full[list(narrow.columns)])
                assert list(narrow.columns[:6]) == [*clv.CLV_INPUTS, "gp_12m", "home_store_id"]
        finally:
            db.close()


@pytest.fixture()
def kept_db(tmp_path):
    path = _make(tmp_path / "kept.duckdb")
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    yield db
    db.close()


def test_predictions_kept_only_for_the_default_parameters_and_dates(kept_db):
    year = bridge.comparison_date(END, "year")
    assert predictive.stored_predictions(kept_db, year, None, 5, 0.12) is not None
    assert predictive.stored_predictions(kept_db, year, None, 6, 0.12) is None
    assert predictive.stored_predictions(kept_db, year, None, 5, 0.10) is None
    assert predictive.stored_predictions(kept_db, END - timedelta(days=1), None, 5, 0.12) is None
    # another horizon computes, and agrees with the merge on ids
    values = clv.customer_values(kept_db, END)
    model = predictive.fit_predictive_model(kept_db, END)
    found = predictive.customer_predictions(model, 6, 0.12)
    _same(
        predictive.values_for_model(values, "predictive", found),
        _independent_predictive_at(kept_db, values, found),
    )


def _independent_predictive_at(db, values, found):
    merged = values.merge(found[["customer_id", "p_alive", "expected_visits", "predictive_clv"]], how="left")
    merged["historical_clv"] = merged["clv"]
    merged["clv"] = merged["predictive_clv"].fillna(merged["historical_clv"])
    return merged


def test_an_older_format_or_changed_data_computes(kept_db):
    assert store.stored(kept_db) is not None
    with kept_db.write_transaction() as con:
        con.execute("UPDATE derived_meta SET value = '1' WHERE key = 'format'")
    store.forget()
    assert store.stored(kept_db) is None
    assert predictive.stored_predictions(kept_db, END, None, 5, 0.12) is None
    with kept_db.write_transaction() as con:
        assert build(con) == END
    store.forget()
    assert store.stored(kept_db) is not None
    with kept_db.write_transaction() as con:
        con.execute("UPDATE orders SET revenue = revenue + 1 WHERE customer_id = 'C001'")
    assert store.stored(kept_db) is None
    assert predictive.stored_predictions(kept_db, END, None, 5, 0.12) is None
    _same(_predictive_frame(kept_db, END), _independent_predictive(kept_db, END), rtol=1e-4)


def test_a_restored_model_reads_its_summary_only_when_used(kept_db, monkeypatch):
    store.stored(kept_db)
    reads = []
    original = store.rfm_frame
    monkeypatch.setattr(
        store, "rfm_frame", lambda db, as_of, *a: reads.append(as_of) or original(db, as_of, *a)
    )
    model = predictive.fit_predictive_model(kept_db, END)
    assert not model.summary_loaded and reads == []
    assert model.visits.n_customers > 0  # the parameters, without the customers
    narrowed = model.with_summary(lambda s: s[s["home_store_id"] == "S2"].reset_index(drop=True))
    assert reads == []
    assert set(narrowed.summary["home_store_id"]) == {"S2"} and reads == [END]
    assert len(model.summary) == model.visits.n_customers and reads == [END]  # read once
    _same(model.summary, _computed(lambda: predictive.rfm_summary(kept_db, END)))


def test_the_build_reports_its_steps_in_order(tmp_path):
    path = _make(tmp_path / "steps.duckdb")
    import duckdb

    seen = []
    con = duckdb.connect(str(path))
    try:
        assert build(con, lambda fraction, name: seen.append((fraction, name))) == END
    finally:
        con.close()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    names = [n for _, n in seen]
    assert names.count("rfm") == names.count("model") == names.count("values") - 1 == 3
    assert names[-7:] == ["churn", "checks", "meta", "segments", "kpi", "pages", "done"]
    db = Database(path)
    meta = store.read_meta(db)
    assert json.loads(meta["dates"]) == [d.isoformat() for d in dates_to_build(END)]
    assert json.loads(meta["predictions"])["horizon_years"] == DEFAULT.horizon_years
    db.close()


def test_the_model_pages_defaults_equal_the_computation(kept_db, monkeypatch):
    """The holdout check at the default calibration and the P(alive) drops over the default
    lookback, read from the file, equal their computation; other choices compute."""
    cal = predictive.holdout_calibration_end(END, predictive.HOLDOUT_DEFAULT_MONTHS)
    assert cal == date(2025, 6, 30)
    fits = []
    monkeypatch.setattr(predictive, "fit_bgnbd", lambda *a, **k: fits.append(1) or fit_bgnbd(*a, **k))
    kept = predictive.holdout_check(kept_db, cal, END)
    assert fits == []  # restored, not refitted
    computed = _computed_holdout(kept_db, cal, END)
    assert fits == [1]
    assert kept.calibration_end == computed.calibration_end and kept.as_of == computed.as_of
    assert kept.holdout_length == computed.holdout_length
    assert kept.visits.params == pytest.approx(computed.visits.params, rel=1e-7)
    _same(kept.table, computed.table, rtol=1e-7)
    assert kept.actual_total == computed.actual_total
    assert kept.predicted_total == pytest.approx(computed.predicted_total, rel=1e-7)
    # another calibration, another number of groups or a scope: computed
    other = predictive.holdout_check(kept_db, END - timedelta(days=200), END)
    assert fits == [1, 1] and other.calibration_end == END - timedelta(days=200)
    predictive.holdout_check(kept_db, cal, END, max_visits=5)
    predictive.holdout_check(ScopedDatabase(kept_db, ["S1"]), cal, END)
    assert len(fits) == 4
    # the drops: the summary at the lookback's start is kept, the drops equal the computation
    model = predictive.fit_predictive_model(kept_db, END)
    earlier = END - timedelta(days=predictive.DROPS_DEFAULT_DAYS)
    assert store.rfm_kept(kept_db, earlier) and not store.rfm_kept(kept_db, earlier - timedelta(days=1))
    for where in (kept_db, ScopedDatabase(kept_db, ["S2"])):
        _same(
            predictive.rfm_summary(where, earlier),
            _computed(lambda w=where: predictive.rfm_summary(w, earlier)),
        )
    drops = predictive.p_alive_drops(kept_db, model, predictive.DROPS_DEFAULT_DAYS, top=None)
    _same(
        drops,
        _computed(lambda: predictive.p_alive_drops(kept_db, model, predictive.DROPS_DEFAULT_DAYS, top=None)),
    )


def _computed_holdout(db, cal, end):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(store, "usable", lambda db, as_of: None)
        m.setattr(store, "kept_date", lambda db, as_of: None)
        m.setattr(store, "holdout_json", lambda *args: None)
        return predictive.holdout_check(db, cal, end)


def test_a_failed_holdout_fit_is_kept_as_the_same_failure(tmp_path):
    path = make_db(
        tmp_path / "few.duckdb",
        customers=Table(("customer_id", "home_store_id"), [("A", "S1"), ("B", "S1")]),
        orders=Table(
            ("order_id", "customer_id", "order_date", "revenue", "gross_profit"),
            [("1", "A", END - timedelta(days=9), 10.0, 4.0), ("2", "B", END, 10.0, 4.0)],
        ),
    )
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    cal = predictive.holdout_calibration_end(END, predictive.HOLDOUT_DEFAULT_MONTHS)
    assert store.holdout_json(db, cal, END, 7.0, 7) is not None
    with pytest.raises(FitError) as kept:
        predictive.holdout_check(db, cal, END)
    with pytest.raises(FitError) as computed:
        _computed_holdout(db, cal, END)
    assert (kept.value.reason, kept.value.details) == (computed.value.reason, computed.value.details)
    db.close()


def test_kept_predictions_of_a_restored_model_equal_the_computation(kept_db):
    for day in dates_to_build(END):
        model = predictive.fit_predictive_model(kept_db, day)
        assert model.kept_params == (DEFAULT.horizon_years, DEFAULT.discount_rate)
        computed = _computed(lambda d=day: predictive.fit_predictive_model(kept_db, d))
        assert computed.kept_predictions(5, 0.12) is None
        ours = predictive.customer_predictions(model, 5, 0.12)
        _same(ours, predictive.customer_predictions(computed, 5, 0.12), rtol=1e-4)
        # exactly what the restored fit computes from the summary itself
        recomputed = predictive.PredictiveModel(day, 7.0, model.summary, model.visits, model.spend)
        pd.testing.assert_frame_equal(ours, predictive.customer_predictions(recomputed, 5, 0.12))
        # a store's customers (the scoped model): the kept rows follow the summary's
        ids = set(model.summary.loc[model.summary["home_store_id"] == "S2", "customer_id"])
        mine = model.with_summary(lambda s, ids=ids: s[s["customer_id"].isin(ids)].reset_index(drop=True))
        part = predictive.customer_predictions(mine, 5, 0.12)
        assert set(part["home_store_id"]) == {"S2"}
        expected = ours[ours["home_store_id"] == "S2"].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, expected)
        # other parameters compute
        assert model.kept_predictions(6, 0.12) is None
        _same(
            predictive.customer_predictions(model, 6, 0.12),
            predictive.customer_predictions(recomputed, 6, 0.12),
        )


def _drops_by_merge(db, model, lookback_days):
    """P(alive) drops the plain way: a pandas merge on the ids and a sort on (change, id)."""
    from clv_engine.models import p_alive

    before = _computed(lambda: predictive.rfm_summary(db, model.as_of - timedelta(days=lookback_days)))
    merged = model.summary.merge(
        before[["customer_id", "frequency", "recency", "T"]], on="customer_id", suffixes=("", "_before")
    )
    merged["p_alive_before"] = p_alive(
        model.visits, merged["frequency_before"], merged["recency_before"], merged["T_before"]
    )
    merged["p_alive"] = p_alive(model.visits, merged["frequency"], merged["recency"], merged["T"])
    merged["change"] = merged["p_alive"] - merged["p_alive_before"]
    merged = merged.sort_values(["change", "customer_id"]).reset_index(drop=True)
    return merged[predictive.DROP_COLUMNS]


@pytest.mark.parametrize("lookback", [30, 90, 400])
def test_alive_drops_equal_a_merge_on_ids(kept_db, lookback):
    model = predictive.fit_predictive_model(kept_db, END)
    expected = _drops_by_merge(kept_db, model, lookback)
    pd.testing.assert_frame_equal(predictive.p_alive_drops(kept_db, model, lookback, top=None), expected)
    pd.testing.assert_frame_equal(predictive.p_alive_drops(kept_db, model, lookback, top=5), expected.head(5))
    # a summary out of id order (the sort on the ids is then done in full)
    shuffled = model.with_summary(lambda s: s.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(predictive.p_alive_drops(kept_db, shuffled, lookback, top=None), expected)
    # the top rows picked by a partition, and one store's customers: the full ranking's rows
    for top in (1, 3, 20, 10_000):
        pd.testing.assert_frame_equal(
            predictive.p_alive_drops(kept_db, model, lookback, top=top), expected.head(top)
        )
        for stores in (["S2"], ["S1", "S3"], []):
            mine = expected[expected["home_store_id"].isin(stores)].reset_index(drop=True)
            found = predictive.p_alive_drops(kept_db, model, lookback, top=top, stores=stores)
            pd.testing.assert_frame_equal(found, mine.head(top), check_index_type=False)
            pd.testing.assert_frame_equal(
                predictive.p_alive_drops(kept_db, shuffled, lookback, top=top, stores=stores),
                mine.head(top),
                check_index_type=False,
            )
    # no customer in common
    later = model.with_summary(lambda s: s.iloc[0:0])
    assert predictive.p_alive_drops(kept_db, later, lookback).empty


def test_rows_written_out_of_order_are_still_read_in_order(kept_db):
    """The readers skip the ORDER BY (the tables are written in cust_key order); rows stored
    in another order are sorted back."""
    expected = clv.customer_values(kept_db, END)
    expected_rfm = predictive.rfm_summary(kept_db, END)
    with kept_db.write_transaction() as con:
        for table in (store.VALUES_TABLE, store.RFM_TABLE):
            con.execute(f"CREATE TABLE shuffled AS SELECT * FROM {table} ORDER BY hash(cust_key)")
            con.execute(f"DROP TABLE {table}")
            con.execute(f"ALTER TABLE shuffled RENAME TO {table}")
    order = kept_db.query_df(f"SELECT cust_key FROM {store.VALUES_TABLE}")["cust_key"]
    assert not order.is_monotonic_increasing  # the file's rows are out of order
    store.forget()
    _same(clv.customer_values(kept_db, END), expected)
    _same(predictive.rfm_summary(kept_db, END), expected_rfm)
    scoped = ScopedDatabase(kept_db, ["S1"])
    _same(clv.customer_values(scoped, END), _computed(lambda: clv.customer_values(scoped, END)))


def test_the_status_column_is_customer_status_as_text():
    from clv_engine import status

    days = pd.Series([0.0, 365.0, 366.0, 730.0, 731.0, np.nan, 5000.0], index=[3, 1, 4, 1, 5, 9, 2])
    column = status.status_column(days)
    expected = pd.Series(status.customer_status(days), index=days.index).astype("str")
    pd.testing.assert_series_equal(column, expected)
    assert list(column) == ["active", "active", "lapsing", "lapsing", "lapsed", "lapsed", "lapsed"]
    assert status.status_column(pd.Series([], dtype=float)).empty
