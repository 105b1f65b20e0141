"""AppTest: the "Actions due" page — three lists in both languages, the store scope, edited rules,
downloads, and a database without complaints. Counts are checked against pandas/SQL done here."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from clv_engine import service_due as sd
from clv_engine.db import Database, create_database
from tests.helpers import metric_values, run_app
from tests.test_service_due import _pandas_due
from wording import t

PAGE = "app_pages/actions.py"


@pytest.fixture()
def downloads(monkeypatch):
    """{file name: callable returning the bytes} of every download button drawn."""
    captured: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def eager(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            captured[file_name] = lambda: data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            captured[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", eager)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return captured


def _raw(path, sql: str, params=()) -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(path)])
    con.execute("USE d")
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


TABS = {
    "service": "actions.svc.overdue_count",
    "tiers": "actions.tier.up_count",
    "complaints": "actions.q.open_count",
}


def open_tab(at, kind: str, lang: str = "en"):
    """Click a tab (the page computes the open tab's lists only)."""
    at.session_state["act_tab"] = t(f"actions.tab.{kind}", lang)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_lists_in_both_languages(sample_db_path, lang):
    at = run_app(sample_db_path, PAGE, lang=lang)
    assert [tab.label for tab in at.tabs] == [t(f"actions.tab.{k}", lang) for k in TABS]
    for i, kind in enumerate(["service", *TABS]):
        if i:
            open_tab(at, kind, lang)
        labels = set(metric_values(at))
        # the open tab's figures only; every tab's rules (their widgets) are drawn
        assert {t(key, lang) for key in TABS.values()} & labels == {t(TABS[kind], lang)}
        assert at.number_input(key="act_tier_referrals") and at.number_input(key="act_svc_km")
    assert not at.exception


def test_a_language_switch_on_a_later_tab_still_shows_a_tab(sample_db_path):
    """The open tab is kept by its label: after a switch to the other language the old label
    names no tab; Streamlit then opens the first, and its figures show (not an empty page)."""
    at = open_tab(run_app(sample_db_path, PAGE, lang="en"), "tiers", "en")
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    labels = set(metric_values(at))
    assert {t(key, "zh") for key in TABS.values()} & labels == {t(TABS["service"], "zh")}


def test_counts_in_a_store_scope_match_an_independent_count(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    at.multiselect(key="stores").set_value(["S01"]).run()
    assert not at.exception
    as_of = at.date_input(key="as_of").value
    m = metric_values(at)
    # Service due: the pandas re-implementation over S01's customers.
    rules = sd.ServiceRules()
    want = _pandas_due(Database(sample_db_path), as_of, rules)
    home = _raw(sample_db_path, "SELECT customer_id FROM customers WHERE home_store_id = 'S01'")[
        "customer_id"
    ]
    want = want[want["customer_id"].isin(set(home))]
    assert m["Overdue"] == f"{int((want['days_to_due'] < 0).sum()):,}"
    assert m["Due within 30 days"] == f"{int((want['days_to_due'] >= 0).sum()):,}"
    open_tab(at, "complaints")  # its lists and downloads
    m = metric_values(at)
    # Open complaints of S01 on the as-of date, counted in SQL.
    open_n = _raw(
        sample_db_path,
        "SELECT count(*) AS n FROM complaints WHERE store_id = 'S01' AND opened <= ? "
        "AND (resolved IS NULL OR resolved > ?)",
        [as_of, as_of],
    )["n"].iloc[0]
    assert m["Open complaints"] == f"{int(open_n):,}"
    # Each list downloads with the store and date in its name; the CSV has the listed rows.
    names = set(downloads)
    for kind in ("service_due", "warranty_offers", "open_complaints"):
        assert f"{kind}_S01_{as_of.isoformat()}.csv" in names
        assert f"{kind}_S01_{as_of.isoformat()}.xlsx" in names
    service = pd.read_csv(
        io.BytesIO(downloads[f"service_due_S01_{as_of.isoformat()}.csv"]()), encoding="utf-8-sig"
    )
    assert len(service) == len(want)
    assert sorted(service["Customer"]) == sorted(want["customer_id"])
    complaints = pd.read_csv(
        io.BytesIO(downloads[f"open_complaints_S01_{as_of.isoformat()}.csv"]()), encoding="utf-8-sig"
    )
    assert len(complaints) == open_n
    xlsx = pd.read_excel(io.BytesIO(downloads[f"service_due_S01_{as_of.isoformat()}.xlsx"]()))
    assert len(xlsx) == len(want)


def test_edited_rules_change_the_lists(sample_db_path, downloads):
    at = open_tab(run_app(sample_db_path, PAGE), "tiers")
    before = metric_values(at)
    at.number_input(key="act_tier_referrals").set_value(1).run()
    assert not at.exception
    after = metric_values(at)
    as_of = at.date_input(key="as_of").value
    # Gold customers with at least one referral by the as-of date: the upgrades can only grow.
    assert int(after["Upgrades due"].replace(",", "")) >= int(before["Upgrades due"].replace(",", ""))
    tiers = pd.read_csv(
        io.BytesIO(downloads[f"tier_changes_all_{as_of.isoformat()}.csv"]()), encoding="utf-8-sig"
    )
    assert (tiers["Change"] == "Upgrade").sum() == int(after["Upgrades due"].replace(",", ""))
    at = open_tab(at, "service")
    at.number_input(key="act_svc_horizon").set_value(90).run()
    after = metric_values(at)
    want = _pandas_due(Database(sample_db_path), as_of, sd.ServiceRules(horizon_days=90))
    assert after["Due within 90 days"] == f"{int((want['days_to_due'] >= 0).sum()):,}"


def test_a_database_without_complaints_says_which_file(tmp_path):
    path = tmp_path / "small.duckdb"
    create_database(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO stores VALUES ('S01', 'One', '', '')")
    con.execute(
        "INSERT INTO customers (customer_id, home_store_id, purchase_date) VALUES ('A', 'S01', '2025-01-05')"
    )
    con.execute(
        "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) "
        "VALUES ('o1', 'A', DATE '2025-12-20', 'S01', 'maintenance', 500, 200)"
    )
    con.close()
    for lang in ("en", "zh"):
        at = run_app(path, PAGE, lang=lang)
        assert t("actions.q.needs", lang) in [i.value for i in at.info]
        # Bought 5 January 2025: the 3-year warranty ends in 2028, no offer yet; the service
        # of 20 December 2025 (the data's end) is next due in a year.
        m = metric_values(at)
        assert m[t("actions.svc.offers_count", lang)] == "0"
        assert m[t("actions.svc.overdue_count", lang)] == "0"
        assert not at.exception


def test_hostile_text_is_never_drawn_as_markup(tmp_path):
    from tests.test_text_safety import build_evil_database, unsafe_parts

    path = build_evil_database(tmp_path / "evil.duckdb")
    for lang in ("en", "zh"):
        at = run_app(path, PAGE, lang=lang)
        assert unsafe_parts(at) == []
        for kind in ("tiers", "complaints"):
            assert unsafe_parts(open_tab(at, kind, lang)) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_missing_values_are_dashes_not_none(sample_db_path, lang):
    """A new car has no last service and a car without odometer readings no km a day: the
    lists show "—", never Streamlit's English "None" (issue 12)."""
    at = run_app(sample_db_path, "app_pages/actions.py", lang=lang)
    frames = [df.value for df in at.dataframe]
    for kind in ("tiers", "complaints"):
        frames += [df.value for df in open_tab(at, kind, lang).dataframe]
    assert frames
    missing = [(i, col) for i, f in enumerate(frames) for col in f.columns if f[col].isna().any()]
    assert not missing, missing
    due = frames[0]
    assert (due[t("actions.col.last_service", lang)] == "—").any()  # first services due


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_long_list_shows_its_first_rows_and_downloads_every_one(
    sample_db_path, downloads, monkeypatch, lang
):
    from ui import actions_panels

    monkeypatch.setattr(actions_panels, "SHOWN_ROWS", 5)
    at = run_app(sample_db_path, PAGE, lang=lang)
    assert not at.exception
    as_of = at.date_input(key="as_of").value
    want = _pandas_due(Database(sample_db_path), as_of, sd.ServiceRules())  # every store
    assert len(want) > 5
    shown = at.dataframe[0].value
    assert len(shown) == 5
    assert t("actions.shown", lang, shown="5", n=f"{len(want):,}") in [c.value for c in at.caption]
    name = f"{t('actions.file.service', lang)}_all_{as_of.isoformat()}.csv"
    full = pd.read_csv(io.BytesIO(downloads[name]()), encoding="utf-8-sig")
    assert len(full) == len(want) and sorted(full.iloc[:, 0]) == sorted(want["customer_id"])
    assert list(full.iloc[:5, 0]) == list(shown.iloc[:, 0])  # the first rows, in the list's order
