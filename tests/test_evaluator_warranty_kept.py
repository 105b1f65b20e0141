"""The warranty comparison with the customer values read as numbers from ``derived_values``
(ids its integer ``cust_key``) against the same comparison on the values' path (text ids), on
random databases with extended warranties: the group, a store filter, and a scope (computed)."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import numpy as np
import pytest

from cli import derive as cli
from clv_engine import evaluation as ev
from clv_engine.clv import CLVParams
from clv_engine.db import Database
from clv_engine.derived import store
from clv_engine.evaluation import from_data
from clv_engine.scope import ScopedDatabase
from tests.test_cohorts_derived import END, _random_db


@pytest.fixture(scope="module", params=[4, 19])
def kept_db(tmp_path_factory, request):
    path = tmp_path_factory.mktemp("war") / "w.duckdb"
    _random_db(path, request.param).close()
    rng = np.random.default_rng(request.param)
    con = duckdb.connect(str(path))
    ids = [r[0] for r in con.execute("SELECT customer_id FROM customers ORDER BY 1").fetchall()]
    con.executemany(
        "INSERT INTO warranties (contract_id, customer_id, sold_date, price, term_years, claims_cost) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                f"W{i}",
                str(rng.choice(ids)),
                END - timedelta(days=int(rng.integers(0, 1500))),
                float(rng.integers(3000, 8000)),
                int(rng.integers(1, 4)),
                float(rng.integers(0, 2000)),
            )
            for i in range(40)
        ],  # fmt: skip
    )
    con.close()
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    yield db
    db.close()


def _computed(monkeypatch, db, stores, params):
    with monkeypatch.context() as m:
        m.setattr(from_data, "_kept_sql", lambda *a: None)
        m.setattr(from_data, "_kept_values", lambda *a: None)
        return ev.warranty_clv_comparison(db, END, stores, params)


def _kept_frame(monkeypatch, db, stores, params):
    """The former kept path: the values read as a frame from derived_values, joined in memory."""
    with monkeypatch.context() as m:
        m.setattr(from_data, "_kept_sql", lambda *a: None)
        return ev.warranty_clv_comparison(db, END, stores, params)


@pytest.mark.parametrize("stores", [None, ["S1"], ["S2", "S3"]])
@pytest.mark.parametrize("params", [CLVParams(), CLVParams(horizon_years=3, discount_rate=0.05)])
def test_the_kept_values_give_the_same_comparison(kept_db, monkeypatch, stores, params):
    assert from_data._kept_values(kept_db, END, stores, params) is not None
    assert from_data._kept_sql(kept_db, END, stores, params) is not None
    new, old = (
        ev.warranty_clv_comparison(kept_db, END, stores, params),
        _computed(monkeypatch, kept_db, stores, params),
    )
    frame = _kept_frame(monkeypatch, kept_db, stores, params)
    for field in old.__dataclass_fields__:
        assert getattr(new, field) == pytest.approx(getattr(old, field), rel=1e-9, abs=1e-9), field
        assert getattr(frame, field) == pytest.approx(getattr(old, field), rel=1e-12, abs=1e-9), field


def test_a_scope_computes(kept_db):
    scoped = ScopedDatabase(kept_db, ["S1", "S3"])
    assert from_data._kept_values(scoped, END, None, CLVParams()) is None
    assert from_data._kept_sql(scoped, END, None, CLVParams()) is None
    assert ev.warranty_clv_comparison(scoped, END, None, CLVParams()).buyers > 0
