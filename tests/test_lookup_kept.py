"""The lookup page's values read for one customer and their network from the kept tables
(issue 14: not the ten million rows of the whole frame), against the way before: every
customer's values (clv.customer_values over the reader's stores, the model's CLV attached)
then the customer's row picked and the network merged with every row."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import clv, lookup, predictive
from clv_engine.db import Database
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase, group_database, in_scope, scope_of
from tests.helpers import Table, make_db
from tests.test_derived import _orders


def _values_before(db, as_of, params, model) -> pd.DataFrame:
    """ui.queries.model_values(db, as_of, None, params, model) as computed without the kept
    tables: the values of the reader's stores, the fit's predictions attached."""
    group = group_database(db)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(store, "usable", lambda db, as_of: None)
        m.setattr(store, "kept_date", lambda db, as_of: None)
        values = in_scope(db, clv.customer_values(group, as_of, scope_of(db), params))
        predicted = None
        if model == "predictive":
            fit = predictive.fit_predictive_model(group, as_of)
            predicted = predictive.customer_predictions(fit, params.horizon_years, params.discount_rate)
    return predictive.values_for_model(values, model, predicted)


@pytest.fixture(scope="module")
def kept_db(tmp_path_factory):
    orders, people = _orders(seed=11, customers=90)
    rng = np.random.default_rng(5)
    ids = [p[0] for p in people]
    end = orders["order_date"].max()
    referrals = [
        (str(rng.choice(ids)), str(rng.choice(ids)), end - timedelta(days=int(rng.integers(0, 900))))
        for _ in range(160)
    ]
    path = tmp_path_factory.mktemp("kept") / "kept.duckdb"
    make_db(
        path,
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=Table(("customer_id", "name", "home_store_id", "channel", "purchase_date"), people),
        orders=orders,
        referrals=referrals,
    )
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    yield db, end if isinstance(end, date) else end.date()
    db.close()
    store.forget()


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as text: a few rows with no VIN (or no row) read as object where the whole
    frame, with a VIN somewhere, reads str (DuckDB's and Arrow's rule); the values compared."""
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        if frame[name].dtype == object and pd.api.types.infer_dtype(frame[name], skipna=True) in (
            "string",
            "empty",
        ):
            frame[name] = frame[name].astype("str")
    return frame


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(_text(a), _text(b), check_exact=False, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("model", ["historical", "predictive"])
@pytest.mark.parametrize("scoped", [False, True])
def test_one_customer_and_their_network_as_from_every_value(kept_db, model, scoped):
    db, end = kept_db
    reader = ScopedDatabase(db, ["S1"]) if scoped else db
    params = clv.CLVParams()
    before = _values_before(reader, end, params, model)
    ids = sorted(set(before["customer_id"]))[::7] + ["C999"]  # one nobody has
    for customer_id in ids:
        found = lookup.kept_customer(reader, customer_id, end, params, model, 3)
        assert found is not None
        mine, network, said = found
        _same(mine, before[before["customer_id"] == customer_id])
        assert said == before.attrs["model"] == mine.attrs["model"]
        assert mine.attrs["retention"] == pytest.approx(before.attrs["retention"])
        assert mine.attrs["retention_source"] == before.attrs["retention_source"]
        expected = lookup.referral_network(reader, customer_id, end, before, 3)
        _same(network.customers, expected.customers)
        assert network.direct_clv == pytest.approx(expected.direct_clv)
        assert network.further_clv == pytest.approx(expected.further_clv)
        assert (network.direct_customers, network.further_customers, network.outside_scope) == (
            expected.direct_customers,
            expected.further_customers,
            expected.outside_scope,
        )
    assert any(len(lookup.kept_customer(reader, c, end, params, model, 3)[1].customers) for c in ids)


def test_not_kept_falls_back(kept_db):
    db, end = kept_db
    params = clv.CLVParams()
    # another date, or the predictive model at parameters the tables do not keep: None
    assert lookup.kept_customer(db, "C001", end - timedelta(days=3), params, "historical", 3) is None
    other = clv.CLVParams(discount_rate=0.21)
    assert lookup.kept_customer(db, "C001", end, other, "predictive", 3) is None
    # the historical model serves any parameters (the CLV is worked out from the kept rows)
    found = lookup.kept_customer(db, "C001", end, other, "historical", 3)
    _same(found[0], (b := _values_before(db, end, other, "historical"))[b["customer_id"] == "C001"])
