"""The overview's per-customer numbers read from ``derived_values`` (``overview.kept_values``,
ids the integer ``cust_key``) against the frame it replaces (``queries.comparison_values``:
text ids, the values' whole path), and the headline, bridge, histogram and concentration drawn
from each, on random databases: both models, the dates kept, a store filter and a scope."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import bridge, clv, overview
from clv_engine.clv import CLVParams
from clv_engine.db import Database
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase
from tests.test_cohorts_derived import END, _random_db
from ui import queries


@pytest.fixture(scope="module", params=[13, 37])
def kept_db(tmp_path_factory, request):
    path = tmp_path_factory.mktemp("ov") / "ov.duckdb"
    _random_db(path, request.param).close()
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    yield db
    db.close()


FIGURES = (
    "recency_days",
    "gross_profit",
    "gp_12m",
    "tenure_years",
    "status",
    "annual_gp",
    "absence_weight",
    "clv",
)


def _same_frame(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert len(new) == len(old)
    assert pd.api.types.is_integer_dtype(new["customer_id"]) and new["customer_id"].is_monotonic_increasing
    columns = [c for c in old.columns if c not in ("customer_id", "home_store_id")]
    assert set(columns) <= set(new.columns) and set(FIGURES) <= set(columns)
    pd.testing.assert_frame_equal(
        new[columns].reset_index(drop=True),
        old[columns].reset_index(drop=True),
        check_exact=False,
        rtol=1e-12,
    )
    for key in ("retention", "params", "retention_source", "model", "return_rates"):
        assert new.attrs.get(key) == old.attrs.get(key), key


def _dates():
    return [END, *(bridge.comparison_date(END, p) for p in bridge.PERIODS)]


@pytest.mark.parametrize("model", ["historical", "predictive"])
@pytest.mark.parametrize("stores", [None, ("S1", "S3"), ()])
def test_kept_numbers_equal_the_values_path(kept_db, model, stores):
    params = CLVParams()
    for day in _dates():
        new = overview.kept_values(kept_db, day, stores, params, model)
        assert new is not None, day
        _same_frame(new, queries.comparison_values(kept_db, day, stores, params, model))


def test_a_scope_reads_its_customers_only(kept_db):
    scoped = ScopedDatabase(kept_db, ["S2"])
    for model in ("historical", "predictive"):
        new = overview.kept_values(scoped, END, None, CLVParams(), model)
        _same_frame(new, queries.comparison_values(scoped, END, None, CLVParams(), model))


def test_dates_and_parameters_not_kept_are_computed(kept_db):
    other = CLVParams(horizon_years=3, discount_rate=0.05)
    assert overview.kept_values(kept_db, END - timedelta(days=10), None, CLVParams(), "historical") is None
    assert overview.kept_values(kept_db, END, None, other, "predictive") is None
    # the historical model needs no kept predictions: any parameters
    _same_frame(
        overview.kept_values(kept_db, END, None, other, "historical"),
        queries.comparison_values(kept_db, END, None, other, "historical"),
    )
    # the page's query falls back to the values' path
    frame = queries.overview_values(kept_db, END, None, other, "predictive")
    assert not pd.api.types.is_integer_dtype(frame["customer_id"])


@pytest.mark.parametrize("model", ["historical", "predictive"])
def test_the_page_figures_equal_the_former_ones(kept_db, model):
    params = CLVParams()
    since = bridge.comparison_date(END, "year")
    for day in _dates():
        new, old = (
            queries.overview_headline(kept_db, day, None, params, model),
            queries.headline(kept_db, day, None, params, model, narrow=True),
        )
        for field in old.__dataclass_fields__:
            assert getattr(new, field) == pytest.approx(getattr(old, field), rel=1e-12, nan_ok=True), field
    new_b = queries.overview_bridge(kept_db, since, END, None, params, model)
    old_b = queries.clv_bridge(kept_db, since, END, None, params, model)
    for field in old_b.__dataclass_fields__:
        a, b = getattr(new_b, field), getattr(old_b, field)
        assert a == (b if isinstance(b, date) else pytest.approx(b, rel=1e-9, abs=1e-6)), field
    new_v = queries.overview_values(kept_db, END, None, params, model)
    old_v = queries.comparison_values(kept_db, END, None, params, model)
    pd.testing.assert_frame_equal(overview.histogram(new_v["clv"]), overview.histogram(old_v["clv"]))
    pd.testing.assert_frame_equal(
        clv.profit_concentration(new_v["gross_profit"]), clv.profit_concentration(old_v["gross_profit"])
    )


def test_one_date_kept_and_one_not_bridges_on_the_text_ids(kept_db, monkeypatch):
    params = CLVParams()
    since = bridge.comparison_date(END, "quarter")
    real = overview.kept_values
    monkeypatch.setattr(
        overview, "kept_values", lambda db, day, *a: None if day == since else real(db, day, *a)
    )
    b = queries.overview_bridge.__wrapped__(kept_db, since, END, None, params, "historical")
    old = queries.clv_bridge(kept_db, since, END, None, params, "historical")
    assert b.gained_customers == old.gained_customers and b.end == pytest.approx(old.end)
    assert np.isfinite(b.start)


@pytest.mark.parametrize("seed", range(6))
def test_the_bridge_on_integer_ids_equals_the_join(seed):
    rng = np.random.default_rng(seed)

    def frame(n):
        ids = np.sort(rng.choice(np.arange(1, 3 * n + 2), n, replace=False)).astype("int32")
        clv_values = rng.normal(500, 300, n)
        clv_values[rng.random(n) < 0.05] = np.nan
        status = rng.choice(["active", "lapsing", "lapsed"], n)
        return pd.DataFrame({"customer_id": ids, "clv": clv_values, "status": pd.array(status, dtype="str")})

    start, end = frame(int(rng.integers(0, 60))), frame(int(rng.integers(1, 60)))
    if seed % 2:  # not in id order: matched all the same
        start, end = start.sample(frac=1.0, random_state=seed), end.sample(frac=1.0, random_state=seed + 1)
    since, day = END - timedelta(days=365), END
    new, old = overview.kept_bridge(start, end, since, day), bridge.bridge(start, end, since, day)
    for field in old.__dataclass_fields__:
        a, b = getattr(new, field), getattr(old, field)
        assert a == (b if isinstance(b, date) else pytest.approx(b, rel=1e-12, abs=1e-9)), field
