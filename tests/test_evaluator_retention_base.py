"""The evaluator's retention panel from numeric arrays (``ev.retention_base`` of a narrow read)
against the panel's former computation, kept here: ``ev.retention_uplift`` on the segment's
rows of the whole customer frame, on random databases, with and without the derived tables,
for the group and a store scope."""

from __future__ import annotations

import numpy as np
import pytest

from cli import derive as cli
from clv_engine import clv
from clv_engine import evaluation as ev
from clv_engine.clv import CLVParams
from clv_engine.db import Database
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase
from tests.test_cohorts_derived import END, _random_db
from ui import queries
from ui.queries.planning import RETENTION_SEGMENTS


def old_uplift(values, dim, chosen, target, current):
    """The panel before the arrays: the segment's rows, then retention_uplift."""
    segment = values if dim == "all" else values[values[dim].astype(str) == chosen]
    return ev.retention_uplift(segment, target, current)


def old_options(values, dim):
    return sorted(values[dim].dropna().astype(str).unique())


@pytest.fixture(scope="module", params=["plain", "derived"])
def db(tmp_path_factory, request):
    path = tmp_path_factory.mktemp("ret") / "r.duckdb"
    _random_db(path, 41).close()
    if request.param == "derived":
        assert cli.main([str(path)]) == 0
    store.forget()
    database = Database(path)
    yield database
    database.close()


def _same(new: ev.RetentionUplift, old: ev.RetentionUplift) -> None:
    assert new.customers == old.customers
    assert (new.retention_from, new.retention_to) == (old.retention_from, old.retention_to)
    assert new.clv_before == pytest.approx(old.clv_before, rel=1e-12, abs=1e-9)
    assert new.clv_after == pytest.approx(old.clv_after, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("params", [CLVParams(), CLVParams(horizon_years=3, discount_rate=0.05)])
def test_every_segment_and_retention_gives_the_former_figures(db, params):
    values = clv.customer_values(db, END, None, params)
    narrow = clv.customer_values(
        db,
        END,
        None,
        params,
        columns=("customer_id", *RETENTION_SEGMENTS, "gross_profit", "tenure_years", "recency_days"),
    )
    base = ev.retention_base(narrow, RETENTION_SEGMENTS)
    assert base.customers == len(values) and base.retention == values.attrs["retention"]
    current = float(values.attrs["retention"])
    for target in (0.0, 0.35, current, 0.9, 1.0):
        _same(
            ev.retention_uplift_of(base, None, None, target, current),
            old_uplift(values, "all", None, target, current),
        )
        for dim in RETENTION_SEGMENTS:
            assert list(base.labels[dim]) == old_options(values, dim)
            for chosen in old_options(values, dim):
                new = ev.retention_uplift_of(base, dim, chosen, target, current)
                _same(new, old_uplift(values, dim, chosen, target, current))


def test_a_store_scope_and_filter_read_their_customers_only(db):
    params = CLVParams()
    for scoped, stores in ((ScopedDatabase(db, ["S1", "S3"]), None), (db, ("S2",))):
        values = queries.model_values(scoped, END, stores, params, "historical")
        base = queries.retention_base(scoped, END, stores, params)
        assert base.customers == len(values)
        current = float(values.attrs["retention"])
        for dim in RETENTION_SEGMENTS:
            for chosen in old_options(values, dim):
                _same(
                    ev.retention_uplift_of(base, dim, chosen, 0.7, current),
                    old_uplift(values, dim, chosen, 0.7, current),
                )
                _same(  # the page's cached query of it
                    queries.retention_uplift(scoped, END, stores, params, dim, chosen, 0.7, current),
                    old_uplift(values, dim, chosen, 0.7, current),
                )


def test_an_empty_segment_and_bad_rates_are_refused_as_before():
    base = ev.RetentionBase(
        annual_gp=np.array([100.0, np.nan]),
        recency_days=np.array([10.0, 900.0]),
        codes={"region": np.array([0, -1], dtype="int8")},
        labels={"region": ("East",)},
        retention=0.8,
        params=CLVParams(),
        rates=None,
    )
    with pytest.raises(ev.ProgrammeError):
        ev.retention_uplift_of(base, "region", "West", 0.9)
    with pytest.raises(ev.ProgrammeError):
        ev.retention_uplift_of(base, None, None, 1.5)
    result = ev.retention_uplift_of(base, None, None, 0.9)
    assert result.customers == 2  # a customer without a figure counts, as in the frame's mean
    factor = clv.annuity_factor(0.8, CLVParams().discount_rate, CLVParams().horizon_years)
    assert result.clv_before == pytest.approx(100.0 * factor)


def _same_base(new: ev.RetentionBase, old: ev.RetentionBase) -> None:
    np.testing.assert_array_equal(new.annual_gp, old.annual_gp)
    np.testing.assert_array_equal(new.recency_days, old.recency_days)
    assert new.labels == old.labels and new.retention == old.retention
    assert new.params == old.params and new.rates == old.rates
    for column in RETENTION_SEGMENTS:
        np.testing.assert_array_equal(
            np.asarray(new.codes[column], dtype="int64"), np.asarray(old.codes[column], dtype="int64")
        )


@pytest.mark.parametrize("stores", [None, ("S1",), ()])
def test_the_kept_read_gives_the_arrays_of_the_values(db, stores):
    params = CLVParams()
    columns = ("customer_id", *RETENTION_SEGMENTS, "gross_profit", "tenure_years", "recency_days")
    for where in (db, ScopedDatabase(db, ["S2", "S3"])):
        kept = ev.kept_retention_base(where, END, stores, params, RETENTION_SEGMENTS)
        if store.kept_date(db, END) is None:  # no derived tables: computed
            assert kept is None
            continue
        values = queries.narrow_values(where, END, stores, params, columns)
        _same_base(kept, ev.retention_base(values, RETENTION_SEGMENTS))
