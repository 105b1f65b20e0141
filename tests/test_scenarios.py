"""Saved scenarios: round trip, overwrite by name, kinds kept apart, survives a restart."""

from __future__ import annotations

import re

import duckdb
import pytest

from clv_engine.db import Database, create_database
from clv_engine.scenarios import (
    ScenarioError,
    delete_scenario,
    list_scenarios,
    load_scenario,
    save_scenario,
)
from wording.errors import explain

PAYLOAD = {
    "budget": 700_000,
    "projects": [{"name": "服务体验提升", "investment": 200_000.0, "pilot_reach": None}],
}


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "s.duckdb"
    create_database(path)
    database = Database(path)
    yield database
    database.close()


def test_round_trip_and_list(db):
    sid = save_scenario(db, "allocator", "Board, March", PAYLOAD)
    assert load_scenario(db, sid) == PAYLOAD
    other = save_scenario(db, "allocator", "Plan B", {"budget": 1})
    listed = list_scenarios(db, "allocator")
    assert list(listed.columns) == ["scenario_id", "name", "saved_at"]
    assert set(listed["name"]) == {"Board, March", "Plan B"}
    assert set(listed["scenario_id"]) == {sid, other}
    assert db.table_rows("scenarios") == 2


def test_same_name_and_kind_overwrites(db):
    first = save_scenario(db, "allocator", "Q3", {"budget": 1})
    second = save_scenario(db, "allocator", "  Q3 ", {"budget": 2})
    assert first == second
    assert load_scenario(db, first) == {"budget": 2}
    assert len(list_scenarios(db, "allocator")) == 1


def test_kinds_are_kept_apart(db):
    a = save_scenario(db, "allocator", "Q3", {"budget": 1})
    e = save_scenario(db, "evaluator", "Q3", {"cost": 5})
    assert a != e
    assert list(list_scenarios(db, "evaluator")["name"]) == ["Q3"]
    assert load_scenario(db, a) == {"budget": 1}
    assert list_scenarios(db, "nothing-saved").empty


def test_survives_a_restart(tmp_path):
    path = tmp_path / "restart.duckdb"
    create_database(path)
    first = Database(path)
    sid = save_scenario(first, "allocator", "Kept", PAYLOAD)
    first.close()
    again = Database(path)
    assert load_scenario(again, sid) == PAYLOAD
    again.close()


def test_delete(db):
    sid = save_scenario(db, "allocator", "Gone", {"x": 1})
    assert delete_scenario(db, sid) is True
    assert delete_scenario(db, sid) is False
    with pytest.raises(ScenarioError) as err:
        load_scenario(db, sid)
    assert explain(err.value, "en").startswith("scenario_id: no saved scenario")


@pytest.mark.parametrize(
    "kind, name, payload, match",
    [
        ("allocator", "", {}, "name: must not be empty"),
        ("allocator", "   ", {}, "name: must not be empty"),
        ("allocator", None, {}, "name: must not be empty"),
        ("", "x", {}, "kind: must not be empty"),
        ("allocator", "x" * 500, {}, "name: at most"),
        ("allocator", "x", {"bad": float("nan")}, "payload: cannot be stored as JSON"),
        ("allocator", "x", {"bad": object()}, "payload: cannot be stored as JSON"),
        ("allocator", "x", [1, 2], "payload: must be a dict"),
    ],
)
def test_bad_input_rejected(db, kind, name, payload, match):
    with pytest.raises(ValueError) as err:
        save_scenario(db, kind, name, payload)
    assert re.search(match, explain(err.value, "en"))
    assert db.table_rows("scenarios") == 0


def test_file_without_the_table(tmp_path):
    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()
    database = Database(path)
    assert list_scenarios(database, "allocator").empty
    with pytest.raises(ScenarioError):
        load_scenario(database, "nope")
    sid = save_scenario(database, "allocator", "First", {"a": 1})
    assert load_scenario(database, sid) == {"a": 1}
    database.close()
