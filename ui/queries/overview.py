"""The overview page's cached queries: its figures of a date and the CLV bridge, a few numbers
each (``clv_engine.overview_figures``): computed in DuckDB where the file keeps the date, else
from the per-customer frame of :func:`ui.queries.values.overview_values`."""

from __future__ import annotations

from datetime import date

from clv_engine import bridge, clv
from clv_engine import overview_figures as figures
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase
from ui.queries.values import cached, overview_bridge, overview_values


@cached
def overview_figures(
    db: Database | ScopedDatabase,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
    full: bool = True,
) -> figures.Figures:
    """The headline, concentration curve and CLV histogram of ``as_of`` (``full`` False: the
    headline only, for the date the page compares with)."""
    kept = figures.kept_figures(db, as_of, store_ids, params, model, full=full)
    if kept is not None:
        return kept
    return figures.figures_of_frame(overview_values(db, as_of, store_ids, params, model))


@cached
def overview_clv_bridge(
    db: Database | ScopedDatabase,
    since: date,
    as_of: date,
    store_ids: tuple[str, ...] | None,
    params: clv.CLVParams,
    model: str,
) -> bridge.Bridge:
    """The CLV bridge between ``since`` and ``as_of``: joined in DuckDB on the kept key where
    the file keeps both dates, else :func:`ui.queries.values.overview_bridge`."""
    kept = figures.kept_bridge(db, since, as_of, store_ids, params, model)
    if kept is not None:
        return kept
    return overview_bridge(db, since, as_of, store_ids, params, model)
