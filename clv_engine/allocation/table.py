"""The page's project table as a frame, and the SPEC §4 preset (engine side: ids, figures).

One row per project; a single extra tier (the pilot) in its own columns. Errors carry the
row (1-based, as the reader sees it), the project's name and the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from clv_engine.allocation.model import (
    PILOT,
    AllocationError,
    Project,
    Tier,
    _check_positive,
    validate_projects,
)
from clv_engine.cells import is_blank

SPEC_CASE_BUDGET = 1_000_000.0

SPEC_CASE = {
    # id: (investment, uplift per customer, reach); the label is the catalogue's
    # ``allocator.preset.<id>`` (wording.allocation.spec_case_projects).
    "churn": (300_000.0, 2_000.0, 2_000.0),
    "membership": (250_000.0, 1_500.0, 3_000.0),
    "service": (200_000.0, 800.0, 8_000.0),
    "mobile": (250_000.0, 1_000.0, 1_500.0),
}


def spec_case_projects(names: Mapping[str, str] | None = None) -> list[Project]:
    """The SPEC §4 (seed 000) case: four projects, budget ¥1,000,000, named by ``names``
    ({id: label}; the ids themselves when not given)."""
    names = names or {}
    return [Project(names.get(pid, pid), *figures) for pid, figures in SPEC_CASE.items()]


def projects_to_frame(projects: Iterable[Project]) -> pd.DataFrame:
    """The editable table of the page: one row per project, a pilot tier in its own columns.

    Only a single extra tier (the pilot) fits this table; richer tiers stay in the engine.
    """
    rows = []
    for p in projects:
        pilot = p.tiers[0] if p.tiers else None
        rows.append(
            {
                "name": p.name,
                "investment": p.investment,
                "uplift_per_customer": p.uplift_per_customer,
                "reach": p.reach,
                "divisible": p.divisible,
                "locked": p.locked,
                "excluded": p.excluded,
                "pilot_investment": pilot.investment if pilot else None,
                "pilot_uplift": pilot.uplift_per_customer if pilot else None,
                "pilot_reach": pilot.reach if pilot else None,
            }
        )
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


PROJECT_COLUMNS = [
    "name",
    "investment",
    "uplift_per_customer",
    "reach",
    "divisible",
    "locked",
    "excluded",
    "pilot_investment",
    "pilot_uplift",
    "pilot_reach",
]


def projects_from_frame(frame: pd.DataFrame) -> list[Project]:
    """Projects from the editable table; rows with no name and no figures are skipped.

    A row whose pilot columns are all filled offers a pilot tier beside the full project.
    Errors name the row (1-based, as the user sees it) and the column.
    """
    missing = [c for c in PROJECT_COLUMNS[:4] if c not in frame.columns]
    if missing:
        raise AllocationError("missing_columns", columns=", ".join(missing))
    projects = []
    for row, rec in enumerate(frame.to_dict("records"), start=1):
        figures = [rec.get(c) for c in PROJECT_COLUMNS[:4]]
        if all(is_blank(v) for v in figures):
            continue
        name = "" if is_blank(rec.get("name")) else str(rec["name"]).strip()
        if not name:
            raise AllocationError("name_empty", row=row)
        where = {"row": row, "name": name}
        values = {c: _check_positive(rec.get(c), c, **where) for c in PROJECT_COLUMNS[1:4]}
        pilot_cols = ["pilot_investment", "pilot_uplift", "pilot_reach"]
        pilot_vals = [rec.get(c) for c in pilot_cols]
        tiers: tuple[Tier, ...] = ()
        if not all(is_blank(v) for v in pilot_vals):
            pv = [_check_positive(v, c, **where) for v, c in zip(pilot_vals, pilot_cols)]
            tiers = (Tier(PILOT, *pv),)
        projects.append(
            Project(
                name,
                values["investment"],
                values["uplift_per_customer"],
                values["reach"],
                divisible=_flag(rec.get("divisible")),
                tiers=tiers,
                locked=_flag(rec.get("locked")),
                excluded=_flag(rec.get("excluded")),
            )
        )
    return list(validate_projects(projects))


def _flag(value: object) -> bool:
    return False if is_blank(value) else bool(value)
