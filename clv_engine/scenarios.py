"""Saved scenarios of any page (allocator, evaluator, ...) in the DuckDB file.

One row per scenario in the ``scenarios`` table: a uuid, the ``kind`` of page it belongs
to, a name the user typed, when it was saved, and the page's inputs as JSON. Saving under a
name that already exists for the same kind replaces that scenario (keeping its id, so a
link to it stays valid). Everything goes through ``Database.write_transaction()``, so a
save is all or nothing, and it is on disk when the call returns: a restart loses nothing.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import pandas as pd

from clv_engine import errors
from clv_engine.access import append_audit
from clv_engine.db import Database, apply_schema

MAX_NAME_LENGTH = 120

LIST_COLUMNS = ["scenario_id", "name", "saved_at"]


CODES = errors.declare("scenario", "empty", "too_long", "not_dict", "not_json", "not_found")


class ScenarioError(errors.InputError):
    """A scenario that cannot be saved or found: a declared code and the field."""

    def __init__(self, name: str, **details: object) -> None:
        super().__init__(CODES[name], **details)


def _clean(value: object, field: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise ScenarioError("empty", field=field)
    if len(text) > MAX_NAME_LENGTH:
        raise ScenarioError("too_long", field=field, max=MAX_NAME_LENGTH, length=len(text))
    return text


def _to_json(payload: dict[str, Any]) -> str:
    if not isinstance(payload, dict):
        raise ScenarioError("not_dict", field="payload", kind=type(payload).__name__)
    try:
        # NaN/inf are not JSON; refusing them here beats a payload no other reader can parse.
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ScenarioError("not_json", field="payload", reason=str(err)) from None


def save_scenario(
    db: Database, kind: str, name: str, payload: dict[str, Any], actor: str | None = None
) -> str:
    """Save ``payload`` under ``name`` for ``kind``; returns the scenario id.

    The same name and kind again overwrites that scenario (same id, new payload and time).
    With ``actor`` (a login) the save is written to the audit log in the same transaction.
    """
    kind = _clean(kind, "kind")
    name = _clean(name, "name")
    text = _to_json(payload)
    now = datetime.now().replace(microsecond=0)
    with db.write_transaction() as con:
        # A file written before scenarios existed gets the table here (IF NOT EXISTS).
        apply_schema(con)
        row = con.execute(
            "SELECT scenario_id FROM scenarios WHERE kind = ? AND name = ?", [kind, name]
        ).fetchone()
        if row is not None:
            scenario_id = str(row[0])
            con.execute(
                "UPDATE scenarios SET payload = ?, saved_at = ? WHERE scenario_id = ?",
                [text, now, scenario_id],
            )
        else:
            scenario_id = str(uuid.uuid4())
            con.execute(
                "INSERT INTO scenarios (scenario_id, kind, name, saved_at, payload) VALUES (?, ?, ?, ?, ?)",
                [scenario_id, kind, name, now, text],
            )
        if actor is not None:
            append_audit(
                con,
                actor,
                "scenario_save",
                {"scenario_id": scenario_id, "kind": kind, "name": name, "replaced": row is not None},
            )
    return scenario_id


def list_scenarios(db: Database, kind: str) -> pd.DataFrame:
    """The saved scenarios of ``kind``, newest first: scenario_id, name, saved_at."""
    kind = _clean(kind, "kind")
    if "scenarios" not in db.tables():
        return pd.DataFrame(columns=LIST_COLUMNS)
    return db.query_df(
        "SELECT scenario_id, name, saved_at FROM scenarios WHERE kind = ? ORDER BY saved_at DESC, name",
        [kind],
    )


def load_scenario(db: Database, scenario_id: str) -> dict[str, Any]:
    """The payload saved under ``scenario_id``; ScenarioError if there is none."""
    scenario_id = _clean(scenario_id, "scenario_id")
    text = None
    if "scenarios" in db.tables():
        text = db.query_value("SELECT payload FROM scenarios WHERE scenario_id = ?", [scenario_id])
    if text is None:
        raise ScenarioError("not_found", field="scenario_id", scenario_id=scenario_id)
    return json.loads(text)


def delete_scenario(db: Database, scenario_id: str, actor: str | None = None) -> bool:
    """Delete one scenario; True if it existed. With ``actor`` the deletion is audited."""
    scenario_id = _clean(scenario_id, "scenario_id")
    if "scenarios" not in db.tables():
        return False
    with db.write_transaction() as con:
        found = con.execute("SELECT count(*) FROM scenarios WHERE scenario_id = ?", [scenario_id]).fetchone()[
            0
        ]
        con.execute("DELETE FROM scenarios WHERE scenario_id = ?", [scenario_id])
        if actor is not None and found:
            apply_schema(con)
            append_audit(con, actor, "scenario_delete", {"scenario_id": scenario_id})
    return bool(found)
