"""The evaluator's retention panel from sums per day of absence added up in DuckDB
(``retention_kept``) against the arrays of every customer it replaces (``ev.kept_retention_base``
and ``ev.retention_uplift_of``, and the values' path ``ev.retention_base``), on random databases:
every segment and value, several retentions, a store filter, an empty one and a store scope."""

from __future__ import annotations

import numpy as np
import pytest

from clv_engine import evaluation as ev
from clv_engine.clv import CLVParams
from clv_engine.derived import store
from clv_engine.evaluation import retention_kept as rk
from clv_engine.scope import ScopedDatabase
from tests.test_cohorts_derived import END
from tests.test_evaluator_retention_base import db  # noqa: F401  (plain and derived files)
from ui import queries
from ui.queries.planning import RETENTION_SEGMENTS


def _same(new: ev.RetentionUplift, old: ev.RetentionUplift) -> None:
    assert new.customers == old.customers
    assert (new.retention_from, new.retention_to) == (old.retention_from, old.retention_to)
    assert new.clv_before == pytest.approx(old.clv_before, rel=1e-9, abs=1e-9, nan_ok=True)
    assert new.clv_after == pytest.approx(old.clv_after, rel=1e-9, abs=1e-9, nan_ok=True)


@pytest.mark.parametrize("stores", [None, ("S1",), ("S2", "S3")])
@pytest.mark.parametrize("params", [CLVParams(), CLVParams(horizon_years=3, discount_rate=0.05)])
def test_the_sums_give_the_figures_of_the_arrays(db, stores, params):  # noqa: F811
    columns = ("customer_id", *RETENTION_SEGMENTS, "gross_profit", "tenure_years", "recency_days")
    for where in (db, ScopedDatabase(db, ["S2", "S3"])):
        every = rk.kept_retention_sums(where, END, stores, params)
        if store.kept_date(db, END) is None:  # no derived tables: computed
            assert every is None and rk.kept_labels(where, END, stores, params, "region") is None
            continue
        base = ev.kept_retention_base(where, END, stores, params, RETENTION_SEGMENTS)
        values = ev.retention_base(
            queries.narrow_values(where, END, stores, params, columns), RETENTION_SEGMENTS
        )
        assert every.customers == base.customers and every.retention == base.retention
        if base.customers == 0:  # a store filter outside the scope: nobody, as before
            with pytest.raises(ev.ProgrammeError):
                ev.retention_uplift_of(base, None, None, 0.9)
            with pytest.raises(ev.ProgrammeError):
                rk.retention_uplift_of_sums(every, 0.9)
            continue
        for target in (0.0, 0.35, 0.8, 1.0):
            _same(
                rk.retention_uplift_of_sums(every, target), ev.retention_uplift_of(base, None, None, target)
            )
            _same(
                rk.retention_uplift_of_sums(every, target), ev.retention_uplift_of(values, None, None, target)
            )
        for column in RETENTION_SEGMENTS:
            labels = rk.kept_labels(where, END, stores, params, column)
            assert labels == base.labels[column]
            for value in labels:
                sums = rk.kept_retention_sums(where, END, stores, params, column, value)
                _same(
                    rk.retention_uplift_of_sums(sums, 0.9, 0.6),
                    ev.retention_uplift_of(base, column, value, 0.9, 0.6),
                )


def test_an_empty_segment_and_a_column_not_known(db):  # noqa: F811
    if store.kept_date(db, END) is None:
        pytest.skip("no derived tables")
    empty = rk.kept_retention_sums(db, END, (), CLVParams())
    assert empty.customers == 0
    with pytest.raises(ev.ProgrammeError):
        rk.retention_uplift_of_sums(empty, 0.9)
    nobody = rk.kept_retention_sums(db, END, None, CLVParams(), "region", "no such region")
    assert nobody.customers == 0
    with pytest.raises(ValueError):
        rk.kept_retention_sums(db, END, None, CLVParams(), "name; DROP TABLE customers", "x")


def test_the_page_queries_agree(db):  # noqa: F811
    params = CLVParams()
    customers, retention = queries.retention_facts(db, END, None, params)
    base = queries.retention_base(db, END, None, params)
    assert (customers, retention) == (base.customers, base.retention)
    for column in RETENTION_SEGMENTS:
        assert queries.retention_labels(db, END, None, params, column) == base.labels[column]
    value = base.labels["region"][0]
    _same(
        queries.retention_uplift(db, END, None, params, "region", value, 0.9, retention),
        ev.retention_uplift_of(base, "region", value, 0.9, retention),
    )
    assert np.isfinite(queries.retention_uplift(db, END, None, params, None, None, 0.9, retention).clv_after)
