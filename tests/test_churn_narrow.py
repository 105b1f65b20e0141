"""Issue 14: the call list is ranked NARROW (the signals, CLV, P(alive), tier) and the call
details (name, phone, vehicle, store, owner, last visit) are read in SQL for the rows drawn
and for a download. Compared here with the previous wide path, kept in this file as the
independent implementation (every customer's details in Python, joined before ranking), on
random databases; and the SQL vehicle text against ``vehicle_text`` itself."""

from __future__ import annotations

import sys
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv_engine import churn, clv
from clv_engine import segmentation as seg
from clv_engine.churn import details as details_module
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase
from tests.helpers import make_db
from wording.churn import export_frame

AS_OF = date(2026, 6, 30)
call_list_module = sys.modules["clv_engine.churn.call_list"]  # the name churn.call_list is the function
SHOWN = 25


# -- the previous path, kept as the reference --------------------------------------------------


def _columns(db: Database, table: str) -> list[str]:
    if table not in db.tables():
        return []
    return db.query_df(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    )["column_name"].tolist()


def previous_call_details(db: Database, as_of: date) -> pd.DataFrame:
    """Every customer's details, the vehicle text built in Python row by row (the code before)."""
    owner = next((c for c in churn.STORE_OWNER_COLUMNS if c in _columns(db, "stores")), None)
    owner_sql = f's."{owner}"' if owner else "CAST(NULL AS VARCHAR)"
    frame = db.query_df(
        f"""SELECT c.customer_id, c.name, c.vin, s.region, c.phone, c.vehicle_model,
                   s.name AS store_name, CAST({owner_sql} AS VARCHAR) AS store_owner,
                   (SELECT max(order_date) FROM orders o WHERE o.customer_id = c.customer_id
                      AND o.order_date <= ?) AS last_visit
            FROM customers c LEFT JOIN stores s ON s.store_id = c.home_store_id ORDER BY 1""",
        [as_of],
    )
    frame["vehicle"] = [churn.vehicle_text(m, None, v) for m, v in zip(frame["vehicle_model"], frame["vin"])]
    cols = _columns(db, "vehicles")
    if "customer_id" in cols:
        cars = db.query_df(
            "SELECT customer_id, model, plate, vin FROM vehicles ORDER BY customer_id, 2, 3, 4"
        )
        cars["text"] = [
            churn.vehicle_text(m, p, v) for m, p, v in zip(cars["model"], cars["plate"], cars["vin"])
        ]
        joined = cars[cars["text"] != ""].groupby("customer_id")["text"].agg("; ".join)
        frame["vehicle"] = frame["customer_id"].map(joined).fillna(frame["vehicle"])
    frame["last_visit"] = pd.to_datetime(frame["last_visit"]).dt.date
    return frame[["customer_id", *churn.DETAIL_COLUMNS]]


def _previous_list(db, signals, values, tiers, weights, method, calibration):
    base = churn.list_base(signals, values, tiers, previous_call_details(db, AS_OF))
    listed = churn.call_list(churn.score_risk(base, weights), None, method, calibration)
    return churn.add_call_details(listed, None, AS_OF)


def _narrow_list(db, signals, values, tiers, weights, method, calibration):
    """(the narrow ranked list, the scored base it points into)."""
    base = churn.list_base(signals, values, tiers, value_columns=churn.NARROW_VALUE_COLUMNS)
    scored = churn.score_risk(base, weights)
    listed = churn.call_list(scored, None, method, calibration, narrow=True)
    return churn.add_call_details(listed, None, AS_OF), scored


def _drawn(db, rows, scored):
    """What the page draws of narrow rows (ui.churn_list_panels.with_details)."""
    rows = churn.with_signals(rows, scored)
    return churn.with_details(rows, churn.call_details(db, AS_OF, rows["customer_id"]))


# -- random databases --------------------------------------------------------------------------

TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "\t\u3000", "Model Y", " 雅阁 ", "LVSZZZ", "ab"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)


def _random_db(path, seed: int, vehicles: list | None = None, owners: bool = False) -> Database:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(120, 220))  # enough watched customers for a calibration
    ids = [f"C{i:04d}" for i in rng.permutation(n)]  # inserted out of id order
    stores = ["S1", "S2", "S3"]
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "name": [f"name {i}" if rng.random() > 0.1 else None for i in range(n)],
            "home_store_id": rng.choice(stores + ["S9"], n, p=[0.35, 0.3, 0.3, 0.05]),  # S9: no store row
            "vin": [
                f"LV{rng.integers(10**9):011d}"[: int(rng.integers(0, 14))] if rng.random() > 0.1 else None
                for _ in range(n)
            ],  # fmt: skip
            "phone": [f"138{rng.integers(10**8):08d}" if rng.random() > 0.2 else None for _ in range(n)],
            "vehicle_model": rng.choice(["Model Y", " Camry ", "", None], n),
            "purchase_date": [AS_OF - timedelta(days=int(d)) for d in rng.integers(400, 2500, n)],
        }
    )
    rows = []
    for i, c in enumerate(ids):
        for k in range(int(rng.poisson(5))):
            rows.append((f"o{i}_{k}", c, AS_OF - timedelta(days=int(rng.integers(-60, 1400))), "S1",
                         "service", float(rng.gamma(2, 400)), float(rng.gamma(2, 150))))  # fmt: skip
    orders = pd.DataFrame(
        rows, columns=["order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit"]
    )
    tables = dict(
        stores=[
            ("S1", "One", "East", "Shanghai"),
            ("S2", "Two", "East", "Hangzhou"),
            ("S3", "三", "South", "广州"),
        ],
        customers=customers,
        orders=orders,
    )
    make_db(path, **tables)
    con = duckdb.connect(str(path))
    if vehicles is not None:
        con.execute("CREATE TABLE vehicles (customer_id VARCHAR, model VARCHAR, plate VARCHAR, vin VARCHAR)")
        if vehicles:
            con.executemany(
                "INSERT INTO vehicles VALUES (?, ?, ?, ?)",
                [(ids[int(i) % n], m, p, v) for i, m, p, v in vehicles],
            )
    if owners:
        con.execute("ALTER TABLE stores ADD COLUMN account_owner VARCHAR")
        con.execute("UPDATE stores SET account_owner = '王经理' WHERE store_id = 'S1'")
    con.close()
    return Database(path)


def _parts(db, scope_db=None):
    scope_db = scope_db or db
    signals = churn.churn_signals(scope_db, AS_OF)
    values = clv.customer_values(scope_db, AS_OF, None, clv.CLVParams())
    tiers = seg.score_customers(scope_db, AS_OF)[["customer_id", "tier"]]
    return signals, values, tiers


def _same_details(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows, same values (a missing value is missing on both, whatever pandas calls it)."""
    assert len(got) == len(expected)
    for c in ["customer_id", *churn.DETAIL_COLUMNS]:
        assert [None if pd.isna(x) else x for x in got[c]] == [
            None if pd.isna(x) else x for x in expected[c]
        ], c


def _same_cells(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same headers and cells (a missing cell is missing on both, None or NaN)."""
    assert list(got.columns) == list(expected.columns)
    cells = lambda f: [[None if pd.isna(x) else x for x in f[c]] for c in f.columns]  # noqa: E731
    assert cells(got) == cells(expected)


# -- the SQL vehicle text is vehicle_text ------------------------------------------------------


def test_the_strip_characters_are_pythons():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert details_module._SPACES == every


@settings(max_examples=300, deadline=None)
@given(model=TEXT, plate=TEXT, vin=TEXT)
def test_sql_vehicle_text_is_vehicle_text(model, plate, vin):
    sql = details_module._vehicle_case("$m", "$p", "$v")
    with duckdb.connect() as con:
        got = con.execute(
            f"SELECT {sql}", {"m": model, "p": plate, "v": vin, "spaces": details_module._SPACES}
        ).fetchone()[0]
    assert got == churn.vehicle_text(model, plate, vin)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    cars=st.one_of(st.none(), st.lists(st.tuples(st.integers(0, 200), TEXT, TEXT, TEXT), max_size=30)),
    owners=st.booleans(),
)
def test_details_for_some_customers_are_the_previous_details(tmp_path_factory, seed, cars, owners):
    db = _random_db(tmp_path_factory.mktemp("d") / "d.duckdb", seed, cars, owners)
    every = previous_call_details(db, AS_OF)
    _same_details(churn.call_details(db, AS_OF), every)  # every customer
    rng = np.random.default_rng(seed)
    some = sorted(rng.choice(every["customer_id"], size=min(7, len(every)), replace=False).tolist())
    _same_details(churn.call_details(db, AS_OF, some), every[every["customer_id"].isin(some)])
    assert churn.call_details(db, AS_OF, []).empty
    assert churn.call_details(db, AS_OF, ["nobody"]).empty
    # a few ids are looked up by key (an IN list), many in a scan: the same rows either way,
    # duplicates and unknown ids included
    asked = [*some, some[0], "nobody"] if some else ["nobody"]
    by_key = churn.call_details(db, AS_OF, asked)
    kept, details_module._BY_KEY = details_module._BY_KEY, 0
    try:
        scanned = churn.call_details(db, AS_OF, asked)
    finally:
        details_module._BY_KEY = kept
    _same_details(by_key, scanned)
    _same_details(by_key, every[every["customer_id"].isin(some)])


# -- the narrow list ranks, totals and details as the wide one ---------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), method=st.sampled_from(["calibrated", "score"]), spend=st.integers(1, 19))
def test_narrow_list_ranks_and_totals_as_the_wide_list(tmp_path_factory, seed, method, spend):
    db = _random_db(tmp_path_factory.mktemp("d") / "d.duckdb", seed, owners=seed % 2 == 0)
    signals, values, tiers = _parts(db)
    calibration = churn.calibrate(churn.backtest_signals(db, AS_OF, None))
    if method == "calibrated" and calibration is None:
        method = "score"
    # no complaint, sighting or appointment tables: the spend and frequency drops carry the score
    weights = churn.RiskWeights(spend / 20, (20 - spend) / 20, 0.0, 0.0, 0.0)
    wide = _previous_list(db, signals, values, tiers, weights, method, calibration)
    narrow, scored = _narrow_list(db, signals, values, tiers, weights, method, calibration)
    assert not set(churn.DETAIL_COLUMNS) & set(narrow.columns)  # nothing wide in the ranked list
    assert "spend_recent" not in narrow.columns
    assert "customer_id" not in narrow.columns  # text: taken by row for the rows drawn
    assert churn.with_ids(narrow, scored)["customer_id"].tolist() == wide["customer_id"].tolist()
    assert narrow["rank"].tolist() == wide["rank"].tolist()
    for figure in ("p_churn", "cost", "success", "customers_saved", "clv_saved", "expected_value"):
        np.testing.assert_array_equal(narrow[figure].to_numpy(), wide[figure].to_numpy())
    for store in (None, ["S1"], ["S2", "S3"]):
        a, b = (
            churn.filter_list(narrow, store, paying_only=True),
            churn.filter_list(wide, store, paying_only=True),
        )
        assert churn.list_totals(a) == churn.list_totals(b)
        assert churn.best_call_count(a)[1] == churn.best_call_count(b)[1]
    # the rows drawn, and a download's every row, carry the same details as the wide list's
    head = _drawn(db, narrow.head(SHOWN), scored)
    _same_details(head, wide.head(SHOWN))
    whole = _drawn(db, narrow, scored)
    _same_details(whole, wide)
    # the table and the file: the same text, cell by cell (reasons, owner, due date ...)
    for lang in ("en", "zh"):
        _same_cells(export_frame(whole, lang), export_frame(wide, lang))
    filtered = churn.filter_list(narrow, ["S2"], paying_only=True)
    _same_cells(
        export_frame(_drawn(db, filtered, scored), "en"),
        export_frame(churn.filter_list(wide, ["S2"], paying_only=True), "en"),
    )


def test_a_scoped_database_reads_details_of_its_stores_only(tmp_path):
    db = _random_db(tmp_path / "d.duckdb", 5)
    scoped = ScopedDatabase(db, ["S2"])
    every = previous_call_details(db, AS_OF)
    ids = every["customer_id"].tolist()
    got = churn.call_details(scoped, AS_OF, ids)
    home = db.query_df("SELECT customer_id, home_store_id FROM customers").set_index("customer_id")[
        "home_store_id"
    ]
    assert len(got) > 0 and set(home[got["customer_id"]]) == {"S2"}
    _same_details(got, every[every["customer_id"].isin(home[home == "S2"].index)])
    # the scoped narrow list: its stores' customers only, their details read through the scope
    signals, values, tiers = _parts(db, scoped)
    listed, scored = _narrow_list(scoped, signals, values, tiers, churn.RiskWeights(), "score", None)
    assert set(home[churn.with_ids(listed, scored)["customer_id"]]) <= {"S2"}
    shown = _drawn(scoped, listed, scored)
    assert shown["store_name"].eq("Two").all()


@pytest.mark.parametrize("n", [0, 1])
def test_with_details_keeps_the_lists_order_and_attrs(n):
    frame = pd.DataFrame({"customer_id": ["B", "A", "C"][: n + 2], "rank": range(1, n + 3)})
    frame.attrs["method"] = "score"
    details = pd.DataFrame({"customer_id": ["A", "B"], **{c: ["a", "b"] for c in churn.DETAIL_COLUMNS}})
    out = churn.with_details(frame, details)
    assert out["customer_id"].tolist() == frame["customer_id"].tolist()
    assert out["name"].tolist()[:2] == ["b", "a"] and out.attrs["method"] == "score"


def test_the_base_without_a_join_is_the_joined_base(tmp_path):
    """Signals, values and tiers with the same ids in the same order are put side by side; the
    left joins (values and tiers shuffled, or a customer missing) give the same frame."""
    db = _random_db(tmp_path / "d.duckdb", 9)
    signals, values, tiers = _parts(db)
    assert call_list_module._same_ids(signals, values)  # the case put side by side
    cols = churn.NARROW_VALUE_COLUMNS
    side_by_side = churn.list_base(signals, values.assign(p_alive=0.5), tiers, value_columns=cols)
    shuffled = values.assign(p_alive=0.5).sample(frac=1.0, random_state=1)
    joined = churn.list_base(signals, shuffled, tiers.sample(frac=1.0, random_state=2), value_columns=cols)
    in_order = tiers.sort_values("customer_id")
    pd.testing.assert_frame_equal(
        churn.list_base(signals, values.assign(p_alive=0.5), in_order, value_columns=cols), joined
    )
    pd.testing.assert_frame_equal(side_by_side, joined)
    assert side_by_side.attrs == joined.attrs and side_by_side["valued"].all()
    fewer = churn.list_base(signals, values.iloc[1:], tiers, value_columns=cols)
    assert not fewer["valued"].iloc[0] and fewer["valued"].iloc[1:].all()
    # tiers missing a customer, or holding one twice: as the left join
    for odd in (tiers.iloc[3:], pd.concat([tiers, tiers.iloc[:2]])):
        looked_up = call_list_module._looked_up(signals, odd, "tier")
        joined = signals[["customer_id"]].merge(odd, on="customer_id", how="left")["tier"]
        if looked_up is not None:
            pd.testing.assert_series_equal(looked_up, joined, check_names=False)
        else:
            assert odd["customer_id"].duplicated().any()
        base = churn.list_base(signals, values, odd, value_columns=cols)
        expected = signals.merge(values[["customer_id", "clv"]], on="customer_id", how="left")
        expected = expected.merge(odd, on="customer_id", how="left")
        assert base["tier"].astype(object).fillna("-").tolist() == expected["tier"].fillna("-").tolist()
