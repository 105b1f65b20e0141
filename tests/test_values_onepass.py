"""The shared data path reads the customer values and the kept predictions in ONE pass over
``derived_values`` (issue 14, 10M customers: no second read of every id, no check that two
reads line up). The expected frame is the former path, kept here: the values, then the stored
predictions read apart, attached by ``predictive.values_for_model``; and for a date or
parameters not kept, the fit on the fly merged on ids (tests/test_derived_dates.py)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cli import derive as cli
from clv_engine import clv, predictive
from clv_engine.db import Database
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase, group_database, in_scope, scope_of
from tests.test_derived_dates import END, _make
from ui.queries import values as queries


def _former(db, as_of, store_ids, params, model, columns=None):
    """model_values / comparison_values as they were: two reads, lined up afterwards."""
    wanted_ids = ("",) if store_ids == () else store_ids
    group = group_database(db)
    wanted = scope_of(db) if wanted_ids is None else wanted_ids
    wanted = None if wanted is None else list(wanted)
    values = in_scope(db, clv.customer_values(group, as_of, wanted, params, columns=columns))
    predicted = None
    if model == "predictive":
        found = predictive.stored_predictions(
            group, as_of, wanted, params.horizon_years, params.discount_rate
        )
        predicted = None if found is None else in_scope(db, found)
        if predicted is None:
            try:
                fitted = predictive.fit_predictive_model(group, as_of)
            except Exception:
                fitted = None
            if fitted is not None:
                predicted = predictive.customer_predictions(
                    fitted, params.horizon_years, params.discount_rate
                )
    return predictive.values_for_model(values, model, predicted)


def _equal(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True))
    assert set(new.attrs) == set(old.attrs)
    for key in ("model", "retention", "params", "retention_source"):
        assert new.attrs.get(key) == old.attrs.get(key), key


# No shrinking: each example builds a file (seconds); a failing example is reported as found.
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(
    seed=st.integers(0, 10_000),
    customers=st.integers(12, 60),
    years=st.sampled_from([1.2, 3.0]),
)
def test_one_pass_equals_the_two_reads(seed, customers, years):
    with tempfile.TemporaryDirectory() as folder:
        path = _make(Path(folder) / "v.duckdb", seed, customers, years)
        assert cli.main([str(path)]) == 0
        store.forget()
        db = Database(path)
        try:
            kept = store.stored(db)
            assert kept is not None
            params = clv.CLVParams()
            scoped = ScopedDatabase(db, ["S2"])
            for day in kept.dates:
                for where, ids in ((db, None), (db, ("S1",)), (db, ()), (scoped, None)):
                    for columns in (None, queries.COMPARISON_COLUMNS):
                        new = queries._kept_with_predictions(where, day, ids, params, "predictive", columns)
                        if kept.dates[day].predictions is None:  # the fit failed there: nothing kept
                            assert new is None
                            continue
                        assert new is not None  # kept: the one-pass path was taken
                        _equal(new, _former(where, day, ids, params, "predictive", columns))
            # not kept (another date, another horizon, the historical model): no one-pass frame
            other = END - timedelta(days=1)
            assert queries._kept_with_predictions(db, other, None, params, "predictive", None) is None
            longer = replace(params, horizon_years=params.horizon_years + 1)
            assert queries._kept_with_predictions(db, END, None, longer, "predictive", None) is None
            assert queries._kept_with_predictions(db, END, None, params, "historical", None) is None
        finally:
            db.close()


def test_the_cached_frames_take_it(tmp_path):
    """model_values and comparison_values (the pages' entry points) give the same frames."""
    path = _make(tmp_path / "c.duckdb", seed=11, customers=40)
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    try:
        params = clv.CLVParams()
        for model in ("predictive", "historical"):
            _equal(
                queries.model_values(db, END, None, params, model),
                _former(db, END, None, params, model),
            )
            _equal(
                queries.comparison_values(db, END, ("S1",), params, model),
                _former(db, END, ("S1",), params, model, queries.COMPARISON_COLUMNS),
            )
    finally:
        db.close()


def test_wanted_stores_is_the_stores_asked_else_the_scopes(tmp_path):
    """The stores the group's read is cut to, by hand: none asked is no store at all (""),
    not every store; nothing asked is the scope's stores, or every store unscoped."""
    from tests.helpers import make_db

    wanted_stores = queries.wanted_stores
    path = make_db(tmp_path / "w.duckdb", stores=[("S1", "One", "East", "A"), ("S2", "Two", "West", "B")])
    db = Database(path)
    try:
        scoped = ScopedDatabase(db, ["S2", "S1"])
        assert wanted_stores(db, None) is None
        assert wanted_stores(db, ()) == [""]
        assert wanted_stores(db, ("S2",)) == ["S2"]
        assert wanted_stores(scoped, None) == ["S1", "S2"]
        assert wanted_stores(scoped, ()) == [""]
        assert wanted_stores(scoped, ("S1",)) == ["S1"]  # then cut to the scope's customers
    finally:
        db.close()
