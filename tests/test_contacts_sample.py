"""The loop on the sample database and through a replace import (call lists survive new data)."""

from __future__ import annotations

import json
from datetime import timedelta

import duckdb
import pytest

from clv_engine import contacts, results
from clv_engine.db import READER_CONFIG, Database
from clv_engine.imports import ImportOptions, Source, run_import
from sample_data.loop import LOOP_HOLDOUT, LOOP_WINDOW_DAYS
from sample_data.world import END


def query(path, sql, params=()):
    # The reader's configuration: DuckDB refuses a second configuration for one file in a process.
    con = duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    try:
        return con.execute(sql, params).df()
    finally:
        con.close()


def test_sample_has_a_list_with_a_control_group_and_a_known_effect(sample_db_path):
    lists = query(sample_db_path, "SELECT * FROM call_lists")
    assert len(lists) == 1
    list_id = lists.loc[0, "list_id"]
    issued = lists.loc[0, "issued_on"].date()
    assert issued + timedelta(days=LOOP_WINDOW_DAYS) <= END  # the window is over in the data
    members = query(sample_db_path, "SELECT * FROM call_list_members ORDER BY customer_id")
    # The control group is the draw seeded by the list id, and nobody in it was contacted.
    assert (
        members["control"].tolist()
        == contacts.holdout_mask(list_id, members["customer_id"], members["level"], LOOP_HOLDOUT).tolist()
    )
    contacted = set(query(sample_db_path, "SELECT customer_id FROM contacts")["customer_id"])
    assert contacted == set(members.loc[~members["control"], "customer_id"])
    # The visits the calls won back: in the window, only for treated customers who were reached.
    won = query(
        sample_db_path,
        "SELECT o.customer_id, o.order_date, c.outcome, m.level FROM orders o "
        "JOIN contacts c USING (customer_id) JOIN call_list_members m USING (customer_id) "
        "WHERE o.order_id LIKE 'RL%'",
    )
    assert len(won) > 0
    assert set(won["outcome"]) == {"came_back"}
    assert (won["order_date"].dt.date > issued).all()
    assert (won["order_date"].dt.date <= issued + timedelta(days=LOOP_WINDOW_DAYS)).all()
    # The effect written to meta is the won-back visits per treated customer, per level.
    effect = json.loads(
        query(sample_db_path, "SELECT value FROM meta WHERE key = 'loop_simulated_uplift'").iloc[0, 0]
    )
    treated = members[~members["control"]]
    assert effect["all"] == pytest.approx(len(won) / len(treated))
    for level, n in treated.groupby("level").size().items():
        assert effect[level] == pytest.approx((won["level"] == level).sum() / n)
    # The results page reads the list: its window is over, so it is judged.
    db = Database(sample_db_path)
    try:
        table = results.results(db)
    finally:
        db.close()
    row = table.set_index("level").loc["all"]
    assert row["treated"] == len(treated) and row["control"] == int(members["control"].sum())
    assert row["verdict"] != "window_open"


def test_call_lists_and_contacts_survive_a_replace_import(writable_db_path, tmp_path):
    before = query(writable_db_path, "SELECT count(*) AS n FROM contacts")["n"][0]
    assert before > 0
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,order_date,revenue,gross_profit,store_id\nO1,C0000001,2024-03-01,100,40,S1\n",
        encoding="utf-8",
    )
    run_import([Source("orders", path)], writable_db_path, ImportOptions(mode="replace"))
    assert query(writable_db_path, "SELECT count(*) AS n FROM orders")["n"][0] == 1
    assert query(writable_db_path, "SELECT count(*) AS n FROM contacts")["n"][0] == before
    assert query(writable_db_path, "SELECT count(*) AS n FROM call_lists")["n"][0] == 1
