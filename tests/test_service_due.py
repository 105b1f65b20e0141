"""Service due, first service and warranty offers: hand-worked cars, a pandas re-implementation on
the sample, an old file without the mileage column, and the importer's mileage field."""

from __future__ import annotations

from datetime import date, timedelta
from math import ceil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from clv_engine import service_due as sd
from clv_engine.db import Database, create_database
from clv_engine.imports import ImportOptions, Source, check_import, run_import
from tests.helpers import Table, service_db

AS_OF = date(2026, 6, 30)

# customer, home store, purchase date
CUSTOMERS = [
    ("A", "S01", date(2024, 1, 10)),
    ("B", "S01", date(2023, 5, 1)),
    ("C", "S01", date(2026, 4, 15)),
    ("D", "S01", date(2026, 6, 20)),
    ("E", "S01", date(2020, 1, 1)),
    ("F", "S02", date(2022, 3, 1)),
    ("G", "S01", date(2022, 3, 1)),
    ("H", "S01", date(2023, 7, 15)),
    ("I", "S01", date(2023, 8, 1)),
    ("J", "S01", date(2023, 6, 30)),
    ("K", "S02", date(2023, 9, 30)),
    ("L", "S01", date(2023, 10, 1)),
]
ORDERS = [
    ("a1", "A", date(2025, 7, 15), "maintenance", None),
    ("b1", "B", date(2026, 1, 5), "maintenance", 30_000.0),
    ("b2", "B", date(2026, 4, 5), "maintenance", 40_500.0),
    ("e1", "E", date(2026, 1, 1), "parts", None),  # a counter sale is not a service
    ("f1", "F", date(2025, 6, 1), "maintenance", None),
    ("g1", "G", date(2025, 7, 20), "maintenance", None),  # two lines of one visit
    ("g2", "G", date(2025, 7, 20), "maintenance", None),
    ("h1", "H", date(2025, 12, 1), "maintenance", None),
    ("i1", "I", date(2025, 12, 1), "maintenance", None),
    ("j1", "J", date(2025, 12, 1), "maintenance", None),
    ("k1", "K", date(2025, 12, 1), "maintenance", None),
    ("l1", "L", date(2025, 12, 1), "maintenance", None),
]


def build(path: Path, mileage_column: bool = True) -> Database:
    return service_db(
        path,
        stores=[("S01", "一店", "", ""), ("S02", "二店", "", "")],
        customers=Table(("customer_id", "home_store_id", "purchase_date"), CUSTOMERS),
        orders=[(o, c, d, "S01", kind, 500, 200, km) for o, c, d, kind, km in ORDERS],
        mileage=mileage_column,
        warranties=[("W1", "I", date(2023, 8, 10), 5800, 3, 0)],
    )


def test_service_due_by_hand(tmp_path):
    db = build(tmp_path / "d.duckdb")
    due = sd.service_due(db, AS_OF)
    # B: 10,500 km in 90 days = 116.67 km/day; 10,000 km take ceil(85.71) = 86 days after 5 April.
    pace = 10_500 / 90
    b_due = date(2026, 4, 5) + timedelta(days=ceil(10_000 / pace))
    assert b_due == AS_OF
    expected = [
        ("F", date(2026, 6, 1), "time", -29),  # 1 June 2025 + 12 months
        ("B", b_due, "mileage", 0),  # before its time due (5 January 2027)
        ("A", date(2026, 7, 15), "time", 15),
        ("C", date(2026, 7, 15), "first_service", 15),  # bought 15 April, first service at 3 months
        ("G", date(2026, 7, 20), "time", 20),  # the visit counts once
    ]
    got = list(zip(due["customer_id"], due["due_date"], due["basis"], due["days_to_due"]))
    assert got == expected
    assert due.loc[due["customer_id"] == "B", "km_per_day"].iloc[0] == pytest.approx(pace)
    # D (first service in September), E (overdue since 2020) and H-L (due in December) are not listed.
    assert due.attrs["has_mileage"] is True
    assert sd.due_counts(due) == {"overdue": 1, "upcoming": 4}


def test_store_scope_and_parameters(tmp_path):
    db = build(tmp_path / "d.duckdb")
    scoped = sd.service_due(db, AS_OF, ("S02",))
    assert list(scoped["customer_id"]) == ["F"]
    assert list(scoped["store_name"]) == ["二店"]
    # A six-month interval: H-L (service 1 December 2025) are due 1 June 2026, 29 days ago.
    six = sd.service_due(db, AS_OF, rules=sd.ServiceRules(interval_months=6, interval_km=1e9))
    assert set(six["customer_id"]) >= {"H", "I", "J", "K", "L"}
    assert set(six.loc[six["customer_id"].isin(list("HIJKL")), "days_to_due"]) == {-29}
    # A 30-day overdue limit drops F (29 days overdue stays, 30 would not).
    assert "F" in set(sd.service_due(db, AS_OF, rules=sd.ServiceRules(max_overdue_days=29))["customer_id"])
    assert "F" not in set(
        sd.service_due(db, AS_OF, rules=sd.ServiceRules(max_overdue_days=28))["customer_id"]
    )
    with pytest.raises(ValueError):
        sd.ServiceRules(interval_km=0).validate()


def test_warranty_offers_by_hand(tmp_path):
    db = build(tmp_path / "d.duckdb")
    offers = sd.warranty_offers(db, AS_OF)
    # Factory warranty of 3 years ends in the next 3 months: bought after 30 June 2023 and by
    # 30 September 2023. I bought an extended warranty; J's ended today; L's ends in October.
    assert list(offers["customer_id"]) == ["H", "K"]
    assert list(offers["warranty_end"]) == [date(2026, 7, 15), date(2026, 9, 30)]
    assert list(offers["days_left"]) == [15, 92]
    assert list(sd.warranty_offers(db, AS_OF, ("S01",))["customer_id"]) == ["H"]
    wider = sd.warranty_offers(db, AS_OF, rules=sd.ServiceRules(offer_months=4))
    assert list(wider["customer_id"]) == ["H", "K", "L"]


def test_old_file_without_mileage(tmp_path):
    db = build(tmp_path / "d.duckdb", mileage_column=False)
    due = sd.service_due(db, AS_OF)
    assert due.attrs["has_mileage"] is False
    # B is now due by time only: 5 April 2026 + 12 months, beyond the 30 days.
    assert "B" not in set(due["customer_id"])
    assert list(due["customer_id"]) == ["F", "A", "C", "G"]


def _pandas_due(db: Database, as_of: date, rules: sd.ServiceRules) -> pd.DataFrame:
    """A second implementation: last two services per customer in pandas, dates by relativedelta."""
    customers = db.query_df(
        "SELECT customer_id, purchase_date FROM customers WHERE purchase_date <= ?", [as_of]
    )
    orders = db.query_df(
        "SELECT customer_id, order_date, mileage FROM orders WHERE kind = 'maintenance' AND order_date <= ?",
        [as_of],
    )
    orders["order_date"] = pd.to_datetime(orders["order_date"]).dt.date
    visits = orders.groupby(["customer_id", "order_date"], as_index=False)["mileage"].max()
    visits = visits.sort_values(["customer_id", "order_date"])
    rows = []
    by_customer = {c: g for c, g in visits.groupby("customer_id")}
    for cid, bought in zip(customers["customer_id"], pd.to_datetime(customers["purchase_date"]).dt.date):
        g = by_customer.get(cid)
        if g is None:
            due, basis = bought + relativedelta(months=rules.first_service_months), "first_service"
        else:
            last = g.iloc[-1]
            due, basis = last["order_date"] + relativedelta(months=rules.interval_months), "time"
            if len(g) >= 2:
                prev = g.iloc[-2]
                if (
                    pd.notna(last["mileage"])
                    and pd.notna(prev["mileage"])
                    and last["mileage"] > prev["mileage"]
                ):
                    pace = (last["mileage"] - prev["mileage"]) / (
                        last["order_date"] - prev["order_date"]
                    ).days
                    km_due = last["order_date"] + timedelta(days=ceil(rules.interval_km / pace))
                    if km_due < due:
                        due, basis = km_due, "mileage"
        days = (due - as_of).days
        if -rules.max_overdue_days <= days <= rules.horizon_days:
            rows.append((cid, due, basis, days))
    return pd.DataFrame(rows, columns=["customer_id", "due_date", "basis", "days_to_due"])


def test_sample_matches_a_pandas_implementation(sample_db_path):
    db = Database(sample_db_path)
    as_of = date(2026, 11, 30)
    for rules in (sd.ServiceRules(), sd.ServiceRules(interval_months=6, interval_km=5_000, horizon_days=60)):
        got = sd.service_due(db, as_of, rules=rules)
        want = _pandas_due(db, as_of, rules)
        assert len(got) > 50
        assert sorted(zip(got["customer_id"], got["due_date"], got["basis"], got["days_to_due"])) == sorted(
            zip(want["customer_id"], want["due_date"], want["basis"], want["days_to_due"])
        )
        assert got.attrs["has_mileage"]
    # The generator writes the odometer: the pace can set the date.
    assert (sd.service_due(db, as_of, rules=sd.ServiceRules(interval_km=3_000))["basis"] == "mileage").any()


def test_import_reads_mileage_and_refuses_a_negative_one(tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text(
        "工单号,客户编号,工单日期,金额,毛利,里程\nO1,C1,2024-03-01,500,200,12000\n"
        "O2,C1,2025-03-01,500,200,-5\nO3,C2,2025-03-01,500,200,\n",
        encoding="utf-8",
    )
    options = ImportOptions(today=date(2026, 1, 1))
    report = check_import([Source("orders", csv)], options=options)
    assert report.sources[0].mapping["mileage"] == "里程"
    bad = report.problems[report.problems["code"] == "negative_value"]
    assert list(zip(bad["row"], bad["field"])) == [(3, "mileage")]
    db_path = tmp_path / "db.duckdb"
    run_import([Source("orders", csv)], db_path, options, accept_clean_rows=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute("SELECT order_id, mileage FROM orders ORDER BY order_id").fetchall()
    finally:
        con.close()
    assert rows == [("O1", 12000.0), ("O3", None)]


def test_import_into_a_file_written_before_the_new_columns(tmp_path):
    """An append onto a file without orders.mileage and the complaint clock keeps every old row,
    and the new file has the columns (the old rows' values NULL)."""
    db_path = tmp_path / "old.duckdb"
    create_database(db_path)
    con = duckdb.connect(str(db_path))
    con.execute(
        "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) "
        "VALUES ('O1', 'C1', DATE '2024-03-01', 'S1', 'maintenance', 500, 200)"
    )
    con.execute("INSERT INTO customers (customer_id, purchase_date) VALUES ('C1', DATE '2023-03-01')")
    con.execute(
        "INSERT INTO complaints (complaint_id, customer_id, store_id, opened, resolved) "
        "VALUES ('Q1', 'C1', 'S1', DATE '2024-03-02', DATE '2024-03-03')"
    )
    con.execute("ALTER TABLE orders DROP COLUMN mileage")
    for col in ("opened_at", "responded_at", "resolved_at", "status"):
        con.execute(f"ALTER TABLE complaints DROP COLUMN {col}")
    con.close()
    csv = tmp_path / "orders.csv"
    # O1 again, now with its odometer: the same order already stored, not a conflict.
    csv.write_text(
        "order_id,customer_id,order_date,revenue,gross_profit,store_id,mileage\n"
        "O1,C1,2024-03-01,500,200,S1,9000\nO2,C1,2025-03-01,600,250,S1,21000\n",
        encoding="utf-8",
    )
    report = run_import(
        [Source("orders", csv)],
        db_path,
        ImportOptions(mode="append", today=date(2026, 1, 1)),
        accept_clean_rows=True,
    )
    assert report.skipped_rows == 1 and report.rejected_rows == 0
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        assert con.execute("SELECT order_id, mileage FROM orders ORDER BY order_id").fetchall() == [
            ("O1", None),
            ("O2", 21000.0),
        ]
        assert con.execute("SELECT complaint_id, opened, status FROM complaints").fetchall() == [
            ("Q1", date(2024, 3, 2), None)
        ]
    finally:
        con.close()
