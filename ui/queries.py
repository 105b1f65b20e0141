"""Every cached Streamlit query of the app, in one module.

Each wrapper is keyed by the database's version (``ui.context.cached``), so an import or a
saved scenario invalidates what was computed on the old data.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from clv_engine import evaluation as ev
from clv_engine import scenarios
from clv_engine.clv import CLVParams
from clv_engine.db import Database
from ui.context import cached


# -- evalr --
@cached
def warranty_comparison(
    db: Database, as_of: date, store_ids: tuple[str, ...] | None, params: CLVParams
) -> ev.WarrantyComparison | ev.ProgrammeError:
    """Warranty buyers against non-buyers, or the error that says why there is no comparison
    (no contracts, or no one to compare with): the page says so rather than failing."""
    try:
        return ev.warranty_clv_comparison(db, as_of, list(store_ids) if store_ids else None, params)
    except ev.ProgrammeError as err:
        return err


@cached
def saved_scenarios(db: Database, kind: str) -> pd.DataFrame:
    """The saved scenarios of one page (``scenario_id``, ``name``, ``saved_at``)."""
    return scenarios.list_scenarios(db, kind)


@cached
def saved_evaluation(db: Database, scenario_id: str) -> ev.Evaluation | None:
    """The engine's evaluation of a saved case's programme, as saved; None when the saved
    inputs no longer make a programme."""
    try:
        payload = scenarios.load_scenario(db, scenario_id)
        return ev.evaluate_programme(ev.Programme.from_dict(payload["programme"]))
    except (ValueError, KeyError, TypeError):
        return None
