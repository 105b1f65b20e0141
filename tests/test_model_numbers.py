"""Issue 14 (the model page cold at a million): the page reads no text of the fit's 1M-row
summary for the whole group. The map's range, the refund-only count, the dropout check and
the P(alive) drops come from the summary's kept numbers (cust_key, frequency, recency, T), the
drops' ids and names looked up for the rows shown. Compared with what the page computed from
the summary before (kept in the test: ``model.summary``, ``model.dropout()``,
``predictive.p_alive_drops``), on the sample and on random databases with every derived table;
a store scope or a date not kept uses the summary, as before."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from clv_engine import predictive
from clv_engine.db import Database
from clv_engine.derived.build import build
from clv_engine.derived.store import SIDECAR_SUFFIX
from clv_engine.models import kept
from clv_engine.scope import ScopedDatabase
from tests.test_derived_dates import _make
from ui import queries


def _clear() -> None:
    for query in (
        queries.alive_drops,
        queries.model_summary_facts,
        queries.model_dropout,
        queries.model_headline,
        queries.customers_with_orders,
        queries.fit_in_scope,
        queries._group_fit,
    ):
        query.clear()


def assert_page_figures_as_before(db: Database, as_of) -> None:
    # The sums over every kept row are worked out once per file version (kept beside the file):
    # the first pass computes and remembers them, the second (caches cleared, as a new
    # process) reads them back; both must be the figures computed as before.
    sidecar = Path(f"{db.path}{SIDECAR_SUFFIX}")
    sidecar.unlink(missing_ok=True)
    for _ in range(2):
        _clear()
        _assert_page_figures_as_before(db, as_of)
        orders = db.query_df("SELECT customer_id, order_date FROM orders")
        with_orders = orders.loc[orders["order_date"] <= pd.Timestamp(as_of), "customer_id"].nunique()
        assert queries.customers_with_orders(db, as_of) == with_orders
    names = json.loads(sidecar.read_text())["values"]
    assert {"customers_with_orders", "model_summary_facts", "model_dropout", "model_alive_drops"} <= {
        n.split(".")[0] for n in names
    }


def _assert_page_figures_as_before(db: Database, as_of) -> None:
    model = queries.fitted_model(db, as_of)
    now = kept.alive_now(db, model)
    assert now is not None
    summary = predictive.fit_predictive_model(db, as_of).summary  # the summary the page read
    customers, longest, p99 = queries.model_summary_facts(db, as_of)
    assert customers == len(summary)
    assert longest == float(summary["T"].max())
    assert p99 == float(np.quantile(summary["frequency"], 0.99))
    assert queries.model_dropout(db, as_of) == model.dropout()
    for lookback in (30, 90, 180):
        before = predictive.p_alive_drops(db, model, lookback, top=20)
        got = queries.alive_drops(db, as_of, lookback, None, 20)
        if lookback == predictive.DROPS_DEFAULT_DAYS:  # its start is kept: by key
            earlier = as_of - timedelta(days=lookback)
            assert kept.alive_drops(db, model, lookback, 20, now) is not None, earlier
        pd.testing.assert_frame_equal(got.reset_index(drop=True), before.reset_index(drop=True))


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    _clear()
    return Database(sample_db_path)


def test_the_sample(db):
    assert_page_figures_as_before(db, db.query_value("SELECT max(order_date) FROM orders"))


def test_a_store_scope_or_a_date_not_kept_reads_the_summary(db):
    end = db.query_value("SELECT max(order_date) FROM orders")
    stores = tuple(db.query_df("SELECT store_id FROM stores ORDER BY store_id")["store_id"][:2])
    scoped = ScopedDatabase(db, stores)
    model = queries.fitted_model(scoped, end)
    assert kept.alive_now(scoped, model) is None and kept.summary_facts(scoped, model) is None
    assert queries.model_summary_facts(scoped, end)[0] == len(model.summary)
    assert queries.model_dropout(scoped, end) == model.dropout()
    orders = scoped.query_df("SELECT customer_id, order_date FROM orders")
    with_orders = orders.loc[orders["order_date"] <= pd.Timestamp(end), "customer_id"].nunique()
    assert queries.customers_with_orders(scoped, end) == with_orders < queries.customers_with_orders(db, end)
    other = end - timedelta(days=45)
    assert kept.summary_facts(db, queries.fitted_model(db, other)) is None
    assert queries.model_summary_facts(db, other)[0] == len(queries.fitted_model(db, other).summary)
    # a ranking cut to stores: the summary's, as before
    got = queries.alive_drops(db, end, 90, stores, 20)
    want = predictive.p_alive_drops(db, queries.fitted_model(db, end), 90, top=20, stores=stores)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


@pytest.mark.parametrize("seed", [4, 17])
def test_random_databases(tmp_path, seed):
    path = _make(tmp_path / f"m{seed}.duckdb", seed=seed, customers=150, years=3.5)
    con = duckdb.connect(str(path))
    end = build(con)
    con.close()
    db = Database(path)
    _clear()
    try:
        if isinstance(queries.fitted_model(db, end), dict):
            pytest.skip("no fit on this random database")
        assert_page_figures_as_before(db, end)
    finally:
        _clear()
        db.close()
