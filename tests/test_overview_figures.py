"""The overview's figures computed in DuckDB over ``derived_values`` (``overview_figures``)
against the same figures of the per-customer frame the page used to build (the values' path,
``queries.comparison_values``, and ``overview.kept_values``), on random databases: both models,
the dates kept, a store filter, an empty filter and a store scope."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from clv_engine import bridge, overview
from clv_engine import overview_figures as of
from clv_engine.clv import CLVParams
from clv_engine.scope import ScopedDatabase
from tests.test_cohorts_derived import END
from tests.test_overview_kept import kept_db  # noqa: F401  (the random kept databases)
from ui import queries


def _dates():
    return [END, *(bridge.comparison_date(END, p) for p in bridge.PERIODS)]


def _same_head(new, old) -> None:
    assert (new is None) == (old is None)
    if old is None:
        return
    for name in old.__dataclass_fields__:
        assert getattr(new, name) == pytest.approx(getattr(old, name), rel=1e-9, nan_ok=True), name


def _same_figures(new: of.Figures, old: of.Figures, full: bool = True) -> None:
    _same_head(new.head, old.head)
    for key in ("retention", "params", "retention_source", "model", "return_rates"):
        assert new.attrs.get(key) == old.attrs.get(key), key
    if full:
        pd.testing.assert_frame_equal(
            new.curve.reset_index(drop=True), old.curve.reset_index(drop=True), check_exact=False, rtol=1e-9
        )
        pd.testing.assert_frame_equal(new.bins, old.bins, check_exact=False, rtol=1e-9)


def _old(db, day, stores, params, model) -> of.Figures:
    """The former computation: the whole per-customer frame of the values' path."""
    return of.figures_of_frame(queries.comparison_values(db, day, stores, params, model))


@pytest.mark.parametrize("model", ["historical", "predictive"])
@pytest.mark.parametrize("stores", [None, ("S1", "S3"), ()])
def test_kept_figures_equal_the_frame_ones(kept_db, model, stores):  # noqa: F811
    params = CLVParams()
    for day in _dates():
        old = _old(kept_db, day, stores, params, model)
        new = of.kept_figures(kept_db, day, stores, params, model)
        assert new is not None, day
        _same_figures(new, old)
        # the kept frame's figures too (the path the page took before)
        _same_figures(new, of.figures_of_frame(overview.kept_values(kept_db, day, stores, params, model)))
        light = of.kept_figures(kept_db, day, stores, params, model, full=False)
        _same_figures(light, old, full=False)


def test_other_parameters_and_a_scope(kept_db):  # noqa: F811
    other = CLVParams(horizon_years=3, discount_rate=0.05, retention=0.7)
    _same_figures(
        of.kept_figures(kept_db, END, None, other, "historical"),
        _old(kept_db, END, None, other, "historical"),
    )
    assert of.kept_figures(kept_db, END, None, other, "predictive") is None  # not kept: compute
    assert of.kept_figures(kept_db, END - timedelta(days=10), None, CLVParams(), "historical") is None
    scoped = ScopedDatabase(kept_db, ["S2"])
    for model in ("historical", "predictive"):
        _same_figures(
            of.kept_figures(scoped, END, None, CLVParams(), model),
            _old(scoped, END, None, CLVParams(), model),
        )


@pytest.mark.parametrize("model", ["historical", "predictive"])
@pytest.mark.parametrize("stores", [None, ("S2",), ()])
def test_the_kept_bridge_equals_the_join_of_the_frames(kept_db, model, stores):  # noqa: F811
    params = CLVParams()
    for period in bridge.PERIODS:
        since = bridge.comparison_date(END, period)
        new = of.kept_bridge(kept_db, since, END, stores, params, model)
        old = queries.clv_bridge(kept_db, since, END, stores, params, model)
        for name in old.__dataclass_fields__:
            a, b = getattr(new, name), getattr(old, name)
            assert a == (b if isinstance(b, date) else pytest.approx(b, rel=1e-9, abs=1e-6)), name
    assert of.kept_bridge(kept_db, END - timedelta(days=10), END, stores, params, model) is None


def test_a_frame_without_customers_has_no_headline():
    frame = pd.DataFrame(
        {c: pd.Series([], dtype=float) for c in ("recency_days", "gross_profit", "gp_12m", "clv")}
    )
    figures = of.figures_of_frame(frame)
    assert figures.empty and figures.curve.empty and figures.bins.empty


def _former_curve(gross_profit) -> pd.DataFrame:
    """The panel's former thinning of the whole curve (kept here as it was)."""
    from clv_engine import clv

    curve = clv.profit_concentration(gross_profit)
    step = max(1, len(curve) // 400)
    return pd.concat([curve.iloc[::step], curve.iloc[[-1]]])


@pytest.mark.parametrize("n", [1, 2, 399, 400, 401, 799, 800, 1_203, 4_000, 10_007])
def test_the_thinned_curve_equals_the_former_one(n):
    import numpy as np

    rng = np.random.default_rng(n)
    gp = np.round(rng.normal(300, 900, n), 0 if n % 2 else 2)  # ties when rounded to yuan
    pd.testing.assert_frame_equal(of.thinned_curve(gp), _former_curve(gp))
    zeros = np.zeros(n)
    pd.testing.assert_frame_equal(of.thinned_curve(zeros), _former_curve(zeros))
