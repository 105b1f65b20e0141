"""Issue 14 (the model page cold at a million): its headline summed in DuckDB over the kept
predictions, and the drops' rows looked up there, against the frames it used before (the
predictions of every customer, the status of clv.customer_values), on the sample (which has
the derived tables) and, with other inputs or a store scope, not used at all."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pytest

from clv_engine import clv
from clv_engine.db import READER_CONFIG, Database
from clv_engine.models import kept
from clv_engine.predictive import predictive_customer_values
from clv_engine.scope import ScopedDatabase
from clv_engine.status import P_ALIVE_LIKELY


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


@pytest.fixture(scope="module")
def as_of(sample_db_path) -> date:
    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    try:
        return con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    finally:
        con.close()


def test_headline_equals_the_frames(db, as_of):
    got = kept.headline(db, as_of, 5, 0.12, P_ALIVE_LIKELY, 365)
    assert got is not None
    frame = predictive_customer_values(db, as_of, 5, 0.12)  # every customer's predictions
    assert got.customers == len(frame) > 0
    assert got.likely_alive == pytest.approx(float((frame["p_alive"] >= P_ALIVE_LIKELY).mean()))
    assert got.expected_visits == pytest.approx(float(frame["expected_visits"].sum()), rel=1e-9)
    assert got.predictive_clv == pytest.approx(float(frame["predictive_clv"].sum()), rel=1e-9)
    # the status by the calendar: active within 365 days of the last activity, from the values
    values = clv.customer_values(db, as_of)
    active = set(values.loc[values["recency_days"] <= 365, "customer_id"])
    assert got.status_active == pytest.approx(frame["customer_id"].isin(active).mean())
    # another active window counts other customers
    other = kept.headline(db, as_of, 5, 0.12, 0.9, 60)
    assert other.status_active < got.status_active
    assert other.likely_alive == pytest.approx(float((frame["p_alive"] >= 0.9).mean()))


def test_rows_looked_up_equal_the_frames(db, as_of):
    frame = predictive_customer_values(db, as_of, 5, 0.12)
    ids = list(frame["customer_id"].iloc[[0, 7, 42]]) + ["nobody"]
    got = kept.predictions_of(db, as_of, 5, 0.12, ids).set_index("customer_id").sort_index()
    assert list(got.index) == sorted(ids[:3])
    want = frame.set_index("customer_id").loc[sorted(ids[:3])]
    np.testing.assert_allclose(
        got["predictive_clv"].to_numpy(), want["predictive_clv"].to_numpy(), rtol=1e-12
    )
    from clv_engine.predictive import customer_predictions, fit_predictive_model

    p12 = customer_predictions(fit_predictive_model(db, as_of), 5, 0.12).set_index("customer_id")
    np.testing.assert_allclose(
        got["p_visit_12m"].to_numpy(), p12.loc[sorted(ids[:3]), "p_visit_12m"].to_numpy()
    )
    assert kept.predictions_of(db, as_of, 5, 0.12, []).empty


def test_not_used_when_not_kept_for_these_inputs(db, as_of):
    assert kept.headline(db, as_of, 3, 0.12, P_ALIVE_LIKELY, 365) is None  # another horizon
    assert kept.headline(db, as_of, 5, 0.10, P_ALIVE_LIKELY, 365) is None  # another rate
    assert kept.headline(db, as_of - timedelta(days=1), 5, 0.12, P_ALIVE_LIKELY, 365) is None
    assert kept.headline(ScopedDatabase(db, ("S01",)), as_of, 5, 0.12, P_ALIVE_LIKELY, 365) is None
    assert kept.predictions_of(db, as_of, 3, 0.12, ["x"]) is None


def test_page_query_leaves_a_store_choice_to_the_frames(db, as_of):
    from ui import queries

    params = clv.CLVParams()
    assert queries.model_headline(db, as_of, ("S01",), params) is None
    assert queries.model_headline(db, as_of, None, params) == kept.headline(
        db, as_of, params.horizon_years, params.discount_rate, P_ALIVE_LIKELY, 365
    )


def test_headline_read_back_as_summed(db, as_of, tmp_path):
    """The headline's sums are remembered beside the file: a second reader (as a new
    process) gets the very figures the first summed in DuckDB."""
    first = kept.headline(db, as_of, 5, 0.12, P_ALIVE_LIKELY, 365)
    again = Database(db.path)
    try:
        assert kept.headline(again, as_of, 5, 0.12, P_ALIVE_LIKELY, 365) == first
        row = again.query_df(kept.HEADLINE_SQL, [P_ALIVE_LIKELY, 365, as_of]).iloc[0]
        assert first.customers == int(row["customers"])
        assert first.predictive_clv == float(row["predictive_clv"])
        assert first.status_active == int(row["active"]) / first.customers
        other = kept.headline(again, as_of, 5, 0.12, 0.9, 60)  # other inputs: their own sums
        assert other.status_active < first.status_active
    finally:
        again.close()
