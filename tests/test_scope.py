"""The store scope in the engine (clv_engine/scope.py): every query of a scoped database.

The expected rows come from plain SQL filters written here (customers by home store, the other
customer tables by those customers), never from the scope's own views. Then every public engine
function that reads a database is called with a scoped one, and nothing it returns names a
customer of another store (id, VIN, name or phone), and its customers are exactly the unscoped
result's customers of the scope.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from datetime import date, timedelta

import pandas as pd
import pytest

import clv_engine
from clv_engine import access, clv, cohorts, lookup, scope
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase

STORE = "S02"
CUSTOMER_TABLES = [
    "orders",
    "warranties",
    "complaints",
    "event_attendance",
    "competitor_sightings",
    "appointments",
    "call_list_members",
    "contacts",
]


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    base = Database(sample_db_path)
    yield base
    base.close()


@pytest.fixture(scope="module")
def mine(db) -> set[str]:
    return set(
        db.query_df("SELECT customer_id FROM customers WHERE home_store_id = ?", [STORE])["customer_id"]
    )


@pytest.fixture(scope="module")
def forbidden(db) -> set[str]:
    """Every id, VIN, name and phone of another store's customer (that no customer of the store shares)."""
    theirs = db.query_df(
        "SELECT customer_id, vin, name, phone FROM customers WHERE home_store_id <> ?", [STORE]
    )
    ours = db.query_df("SELECT customer_id, vin, name, phone FROM customers WHERE home_store_id = ?", [STORE])
    out: set[str] = set()
    for column in theirs.columns:
        out |= set(theirs[column].dropna().astype(str)) - set(ours[column].dropna().astype(str))
    return out


def as_of(db: Database) -> date:
    return db.query_value("SELECT max(order_date) FROM orders")


# -- the views ------------------------------------------------------------------------------
def test_a_scoped_name_reads_the_view_and_the_file_stays_whole(db, mine):
    scoped = ScopedDatabase(db, [STORE])
    assert set(scoped.query_df("SELECT customer_id FROM customers")["customer_id"]) == mine
    # An unscoped query of the same reader, after a scoped one, sees every customer.
    assert db.query_value("SELECT count(*) FROM customers") == 3_000
    assert scoped.query_value("SELECT count(*) FROM customers") == len(mine) < 3_000


@pytest.mark.parametrize("table", CUSTOMER_TABLES)
def test_every_customer_table_holds_the_scopes_customers_only(db, table):
    expected = db.query_df(
        f"SELECT * FROM {table} WHERE customer_id IN "
        "(SELECT customer_id FROM customers WHERE home_store_id = ?) ORDER BY ALL",
        [STORE],
    )
    got = ScopedDatabase(db, [STORE]).query_df(f"SELECT * FROM {table} ORDER BY ALL")
    pd.testing.assert_frame_equal(got, expected)


def test_referrals_name_only_the_scopes_side(db, mine):
    rows = db.query_df("SELECT referrer_id, referred_id FROM referrals")
    touching = rows[rows["referrer_id"].isin(mine) | rows["referred_id"].isin(mine)]
    got = ScopedDatabase(db, [STORE]).query_df("SELECT referrer_id, referred_id FROM referrals")
    assert len(got) == len(touching) > 0
    named = set(got["referrer_id"]) | set(got["referred_id"])
    assert named - mine <= set(scope.OUTSIDE)
    # A referral to another store's customer is still there, as a marker.
    crossing = touching[~touching["referred_id"].isin(mine)]
    assert (got["referred_id"] == scope.OUTSIDE_REFERRED).sum() == len(crossing) > 0


def test_an_empty_scope_reads_no_customer(db):
    nobody = ScopedDatabase(db, [])
    for table in ["customers", "referrals", *CUSTOMER_TABLES]:
        assert nobody.query_value(f"SELECT count(*) FROM {table}") == 0, table
        assert nobody.table_rows(table) == 0
    assert clv.customer_values(nobody, as_of(db)).empty
    assert lookup.find_customers(nobody, "C0").empty
    # Tables without customers read whole: the store list, the group's channel spend.
    assert nobody.table_rows("stores") == db.table_rows("stores") > 0


def test_stores_outside_are_not_widened_by_a_second_scope(db, mine):
    scoped = ScopedDatabase(db, [STORE]).scoped([STORE, "S01"])
    assert scoped.store_ids == (STORE,)
    assert set(scoped.query_df("SELECT customer_id FROM customers")["customer_id"]) == mine


def test_caches_never_share_a_scope_and_writes_go_through(writable_db_path):
    base = Database(writable_db_path)
    one, two = ScopedDatabase(base, ["S01"]), ScopedDatabase(base, ["S02"])
    assert len({base.version(), one.version(), two.version(), ScopedDatabase(base, []).version()}) == 4
    before = one.version()
    access.audit(one, "li@dealer.cn", "export_customers", {"rows": 3})
    assert one.version() != before  # the file changed: cached results are stale
    log = access.audit_log(base)
    assert log.iloc[0]["actor"] == "li@dealer.cn"
    one.close()  # a scope's close leaves the shared reader open
    assert base.query_value("SELECT count(*) FROM stores") > 0
    base.close()


def test_group_database_and_in_scope(db, mine):
    scoped = ScopedDatabase(db, [STORE])
    assert scope.group_database(scoped) is db and scope.group_database(db) is db
    assert scope.scope_of(scoped) == (STORE,) and scope.scope_of(db) is None
    everyone = db.query_df("SELECT customer_id FROM customers")
    assert set(scope.in_scope(scoped, everyone)["customer_id"]) == mine
    assert len(scope.in_scope(db, everyone)) == 3_000


# -- every engine function that reads a database ----------------------------------------------
WRITERS = {
    "audit",
    "save_user",
    "delete_user",
    "save_scenario",
    "delete_scenario",
    "issue_call_list",
    "save_contacts",
}


def _readers():
    for info in pkgutil.walk_packages(clv_engine.__path__, "clv_engine."):
        if info.name in ("clv_engine.scope", "clv_engine.db"):
            continue
        module = importlib.import_module(info.name)
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_") or name in WRITERS:
                continue
            params = list(inspect.signature(func).parameters.values())
            if params and params[0].name == "db":
                yield f"{info.name.removeprefix('clv_engine.')}.{name}", func


READERS = dict(_readers())


def _arguments(func, db, day: date, model) -> dict | None:
    """Values for the required parameters of ``func``, or None if one is unknown."""
    known = {
        "as_of": day,
        "date_a": day - timedelta(days=365),
        "date_b": day,
        "dates": [day],
        "calibration_end": day - timedelta(days=365),
        "dimension": "channel",
        "retention": 0.85,
        "params": cohorts.LtvParams(),
        "store_ids": None,
        "cohort": 2022,
        "year": 1,
        "kind": "allocator",
        "query": "C0",
        "customer_id": "C0000001",
        "values": clv.customer_values(db, day),
        "model": model,
        "typed": {"high": 0.3, "mid": 0.2, "low": 0.1},
        "login": "li@dealer.cn",
        "table": "orders",
        "list_id": db.query_value("SELECT min(list_id) FROM call_lists"),
        "scenario_id": "no-such-scenario",
        "time_unit_days": 7.0,
        "max_visits": 10,
        "horizon_years": 5,  # the defaults kept in the derived tables
        "discount_rate": 0.12,
        "a": 0.8,  # a fitted model's dropout parameters (churn.calibration.kept_dropout)
        "b": 2.5,
        "near_one": 0.99,
        "rows": pd.DataFrame({"customer_id": ["1", "2", "3"]}),  # customer keys (segmentation.keyed.named)
        "list_ids": [db.query_value("SELECT min(list_id) FROM call_lists")],  # derived.lists.returned
        "customer_ids": ["C0000001", "C0000002", "C0000003"],  # lookup.kept_values_of
        "clv_model": "predictive",
        "clv_params": clv.CLVParams(),
        "column": "region",  # a segment column (evaluation.retention_kept.kept_labels)
        "since": day - timedelta(days=365),  # the bridge's start (overview_figures.kept_bridge)
    }
    args = {}
    for p in list(inspect.signature(func).parameters.values())[1:]:
        if p.default is not inspect.Parameter.empty:
            continue
        if p.name not in known:
            return None
        args[p.name] = known[p.name]
    return args


def _strings(value, depth: int = 0) -> set[str]:
    """Every text inside ``value``: frames' cells and index, series, dicts, lists, dataclasses."""
    if depth > 6:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, pd.DataFrame):
        out = {str(c) for c in value.columns}
        for column in value.columns:
            out |= {str(v) for v in value[column].dropna().unique() if isinstance(v, str)}
        return out | {str(v) for v in value.index if isinstance(v, str)}
    if isinstance(value, pd.Series):
        return {str(v) for v in value.dropna() if isinstance(v, str)} | {
            str(v) for v in value.index if isinstance(v, str)
        }
    if isinstance(value, dict):
        return (
            set().union(*(_strings(k, depth + 1) | _strings(v, depth + 1) for k, v in value.items()))
            if value
            else set()
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        return set().union(*(_strings(v, depth + 1) for v in value)) if value else set()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _strings({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, depth + 1)
    return set()


def _customer_ids(value) -> set[str] | None:
    if isinstance(value, pd.DataFrame) and "customer_id" in value.columns:
        return set(value["customer_id"].dropna())
    return None


def test_every_reader_is_listed():
    # A new reading function of the engine shows up here: give its parameters a value above.
    assert len(READERS) >= 45
    assert {
        "clv.customer_values",
        "lookup.find_customers",
        "lookup.referral_network",
        "churn.signals.churn_signals",
        "segmentation.scoring.score_customers",
        "predictive.rfm_summary",
        "contacts.list_members",
    } <= set(READERS)


@pytest.fixture(scope="module")
def models(db):
    from clv_engine.predictive import fit_predictive_model

    day = as_of(db)
    return fit_predictive_model(db, day), fit_predictive_model(ScopedDatabase(db, [STORE]), day)


@pytest.mark.parametrize("name", sorted(READERS))
def test_no_engine_function_returns_another_stores_customer(db, mine, forbidden, models, name):
    func = READERS[name]
    day = as_of(db)
    scoped = ScopedDatabase(db, [STORE])
    args = _arguments(func, scoped, day, models[1])
    assert args is not None, f"{name}: a required parameter has no test value"
    try:
        got = func(scoped, **args)
    except ValueError as error:  # e.g. a fit that the store's data cannot support: no data out
        pytest.skip(f"{name} refused the scope's data: {error}")
    leaked = _strings(got) & forbidden
    assert not leaked, f"{name} returned {sorted(leaked)[:5]}"
    ids = _customer_ids(got)
    if ids is not None:
        assert ids <= mine
        whole = _customer_ids(func(db, **_arguments(func, db, day, models[0])))
        # Brute force: the scoped result's customers are the unscoped result's of the store.
        if name not in RANKED:
            assert ids == whole & mine, name


# Functions whose rows are a top-N or a model-dependent selection: their customers are a subset
# of the scope's (checked above), not necessarily the same ones as the unscoped top-N.
RANKED = {"lookup.find_customers", "predictive.p_alive_drops"}


def test_lookup_of_another_stores_customer_finds_nothing(db, mine):
    other = db.query_df(
        "SELECT customer_id, vin, name FROM customers WHERE home_store_id <> ? ORDER BY customer_id LIMIT 1",
        [STORE],
    ).iloc[0]
    scoped = ScopedDatabase(db, [STORE])
    for text in (other["customer_id"], other["vin"], other["vin"][-6:]):
        assert lookup.find_customers(scoped, text).empty
    found = lookup.find_customers(scoped, other["name"])
    assert set(found["customer_id"]) <= mine
    day = as_of(db)
    assert lookup.customer_record(scoped, other["customer_id"]) is None
    assert lookup.service_history(scoped, other["customer_id"], day).empty
    assert lookup.service_by_year(scoped, other["customer_id"], day).empty
    assert lookup.customer_complaints(scoped, other["customer_id"], day).empty


def test_a_referral_outside_the_scope_is_counted_not_named(db, mine):
    day = as_of(db)
    crossing = db.query_df(
        "SELECT r.referrer_id, count(*) AS n FROM referrals r JOIN customers a ON a.customer_id = r.referrer_id "
        "JOIN customers b ON b.customer_id = r.referred_id WHERE a.home_store_id = ? AND b.home_store_id <> ? "
        "AND r.referral_date <= ? GROUP BY ALL ORDER BY n DESC, r.referrer_id LIMIT 1",
        [STORE, STORE, day],
    ).iloc[0]
    scoped = ScopedDatabase(db, [STORE])
    values = clv.customer_values(scoped, day)
    network = lookup.referral_network(scoped, crossing["referrer_id"], day, values)
    assert network.outside_scope == crossing["n"] > 0
    assert set(network.customers["customer_id"]) <= mine
    assert set(network.customers["via"]) <= mine
    # Unscoped, the same referrals are named and none is "outside".
    whole = lookup.referral_network(db, crossing["referrer_id"], day, clv.customer_values(db, day))
    assert whole.outside_scope == 0
    assert len(set(whole.customers["customer_id"]) - mine) >= 1


def test_scoped_database_is_not_a_plain_database(db):
    # The one place that may undo a scope is scope.group_database (named group aggregates).
    assert not isinstance(ScopedDatabase(db, [STORE]), Database)
    assert isinstance(ScopedDatabase(db, [STORE]), ScopedDatabase)
