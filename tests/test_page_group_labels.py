"""A store manager sees group figures (over every store) named as such, in both languages.

The KPI page ranks a store among all stores and draws the median of all stores; the model page
shows the spend model's mean, fitted on every store. Shown to a store manager of S02, each is
labelled "… (all stores)"; unscoped (local mode, every store) the labels stay as they were.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from clv_engine import access
from clv_engine.db import Database
from tests.helpers import metric_values, run_app
from tests.test_page_users import app_with_login

MANAGER = {"is_logged_in": True, "email": "li@dealer.cn"}


@pytest.fixture(scope="module")
def manager_db(sample_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("group") / "group.duckdb"
    path.write_bytes(sample_db_path.read_bytes())
    db = Database(path)
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", ["S02"])
    db.close()
    return path


def store_count(path) -> int:
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(path)])
        return con.execute("SELECT count(*) FROM d.stores").fetchone()[0]
    finally:
        con.close()


def trace_names(at) -> list[str]:
    return [t.get("name") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]


def ranking(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_kpi_group_figures_are_named_for_a_store_manager(manager_db):
    everyone = run_app(manager_db, "app_pages/kpi.py")  # local mode: every store, plain labels
    full = ranking(everyone, "Rank")
    s02_rank = int(full.loc[full["Store"].str.startswith(store_name(manager_db, "S02")), "Rank"].iloc[0])
    assert "Group median (all stores)" not in trace_names(everyone)

    at = app_with_login(manager_db, MANAGER, page="app_pages/kpi.py")
    table = ranking(at, "Rank in the group (all stores)")
    assert "Rank" not in table.columns
    # Only the manager's store is listed, with its rank among every store (the unscoped run's).
    assert list(table["Rank in the group (all stores)"]) == [s02_rank]
    assert metric_values(at)["Stores ranked in the group (all stores)"] == str(store_count(manager_db))
    assert "Group median (all stores)" in trace_names(at)
    assert "Median of all stores" not in trace_names(at)
    assert any("of the group's" in c.value for c in at.caption)


def store_name(path, store_id: str) -> str:
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(path)])
        return con.execute("SELECT name FROM d.stores WHERE store_id = ?", [store_id]).fetchone()[0]
    finally:
        con.close()


def test_kpi_group_figures_in_chinese(manager_db):
    at = app_with_login(manager_db, MANAGER, lang="zh", page="app_pages/kpi.py")
    assert "集团参与排名门店（全部门店）" in metric_values(at)
    assert "集团中位数（全部门店）" in trace_names(at)
    assert any("集团排名（全部门店）" in d.value.columns for d in at.dataframe)


def test_model_group_average_is_named_for_a_store_manager(manager_db):
    at = app_with_login(manager_db, MANAGER, page="app_pages/model.py")
    labels = metric_values(at)
    assert "Gross profit per visit, new customer: group average (all stores)" in labels
    assert "Gross profit per visit, new customer" not in labels
    everyone = run_app(manager_db, "app_pages/model.py")
    # The same group figure, whoever looks: only its name says whose it is.
    assert (
        metric_values(everyone)["Gross profit per visit, new customer"]
        == labels["Gross profit per visit, new customer: group average (all stores)"]
    )


def test_churn_calibration_is_named_as_the_groups(manager_db):
    at = app_with_login(manager_db, MANAGER, page="app_pages/churn.py")
    labels = [e.label for e in at.expander]
    assert "Backtest: churn rate by score band, group (all stores)" in labels
    assert "Backtest: churn rate by score band" not in labels
    # Its bands count the group's customers: more than the manager's own store has.
    bands = next(d.value for d in at.dataframe if "Score band" in d.value.columns)
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(manager_db)])
        own = con.execute("SELECT count(*) FROM d.customers WHERE home_store_id = 'S02'").fetchone()[0]
    finally:
        con.close()
    assert int(bands["Customers"].sum()) > own


def test_channels_group_spend_and_cac_are_named_for_a_store_manager(manager_db):
    from wording import fmt

    at = app_with_login(manager_db, MANAGER, page="app_pages/channels.py")
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(manager_db)])
        spend = con.execute("SELECT sum(spend) FROM d.channel_spend").fetchone()[0]
    finally:
        con.close()
    # The spend is the whole group's (channel spend is not recorded per store): named so.
    assert metric_values(at)["Acquisition spend: group (all stores)"] == fmt.money(spend, "en")
    table = next(d.value for d in at.dataframe if "CAC: group (all stores)" in d.value.columns)
    assert {"Spend: group (all stores)", "New customers: group (all stores)"} <= set(table.columns)
    assert not {"CAC", "Spend", "New customers (spend table)"} & set(table.columns)
    assert int(table["Spend: group (all stores)"].sum()) == pytest.approx(spend, abs=len(table))
