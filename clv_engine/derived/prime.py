"""The whole-group figures the pages' first renders work out once per file version and keep
beside the file (``store.remembered``), worked out right after a build instead: by
``python -m cli.derive``, an import and the sample, once the new file is in place. The first
page after a build then starts as every later one does (at ten million customers the model
page's first render after a build took 9.6 s, 1.1 s primed).

What is primed: the model page's headline, summary facts, dropout check and P(alive) drops at
the sidebar's default CLV parameters and the page's default lookback, the count of customers
with an order, every issued list's result counts and the service list's data check. Each is
the very function the page calls, so the names and values kept are the ones the page keeps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from clv_engine import clv, predictive, results
from clv_engine.db import Database
from clv_engine.derived import service, store
from clv_engine.models import FitError, kept
from clv_engine.status import P_ALIVE_LIKELY, StatusRules


def prime(path: Path | str, step: Callable[[str], None] = lambda _name: None) -> list[str]:
    """Work out and keep the figures above for the file at ``path`` (its derived tables built
    and the file closed); returns the names of what was primed. Nothing kept (no derived
    tables, no fit): nothing to prime. ``step(name)`` is called before each figure."""
    db = Database(path)
    try:
        found = store.stored(db)
        if found is None:
            return []
        return _prime(db, found.as_of, step)
    finally:
        db.close()


def prime_or_log(path: Path | str) -> None:
    """:func:`prime` where the build has landed (an import, the sample): a failure there loses
    nothing (the pages work the figures out as before), so it is logged, not raised."""
    try:
        prime(path)
    except Exception:  # noqa: BLE001 (see above)
        logging.getLogger(__name__).warning("the pages' figures were not primed", exc_info=True)


def _prime(db: Database, as_of, step: Callable[[str], None]) -> list[str]:
    from clv_engine.service_due import table_columns  # it reads the derived package

    done = []
    step("service")
    if service.kept_table(db, as_of, "mileage" in table_columns(db, "orders")) is not None:
        done.append("service")
    step("orders")
    kept.customers_with_orders(db, as_of)
    done.append("customers_with_orders")
    step("results")
    results.results(db)  # every issued list's counts (the churn page's measured success)
    done.append("results_counts")
    params = clv.CLVParams()  # the sidebar's defaults (ui.context)
    step("model")
    active_days = StatusRules().active_days
    if kept.headline(db, as_of, params.horizon_years, params.discount_rate, P_ALIVE_LIKELY, active_days):
        done.append("model_headline")
    try:
        model = predictive.fit_predictive_model(db, as_of)  # the kept fit, restored
    except FitError:
        return done
    if kept.summary_facts(db, model) is not None:
        done.append("model_summary_facts")
    if kept.dropout(db, model) is not None:
        done.append("model_dropout")
    step("drops")
    if kept.remembered_drops(db, model, predictive.DROPS_DEFAULT_DAYS, predictive.DROPS_SHOWN) is not None:
        done.append("model_alive_drops")
    return done
