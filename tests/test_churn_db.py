"""Churn signals from DuckDB on a hand-built database: every fact is known by construction.

As of 2026-06-30 the spend window is (2026-03-31, 2026-06-30] with its baseline
(2025-03-31, 2026-03-31]; the visit window is (2025-06-30, 2026-06-30] with its baseline
(2024-06-30, 2025-06-30].
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clv_engine import churn
from clv_engine.db import Database
from tests.helpers import Table, make_db

AS_OF = date(2026, 6, 30)

CUSTOMERS = [
    # id, name, home store, purchase date
    ("A", "王伟", "S01", date(2022, 1, 1)),  # quarterly, quiet since January, complaint open
    ("B", "李娜", "S02", date(2023, 5, 1)),  # once a year, on schedule
    ("C", "张敏", "S01", date(2023, 1, 10)),  # once a year, due in September
    ("D", "刘洋", "S01", date(2026, 3, 1)),  # new: no usual pace yet
    ("E", "陈静", "S01", date(2019, 1, 1)),  # gone for years: lapsed
    ("F", "杨丽", "S02", date(2026, 6, 1)),  # bought last month, no visit yet
    ("G", "黄强", "S01", date(2026, 7, 15)),  # after the as-of date: not a customer yet
    ("H", "赵磊", "S02", date(2022, 1, 1)),  # stopped after February 2025
]


def _orders() -> list[tuple]:
    rows = []
    quarterly = [
        date(2024, 7, 15),
        date(2024, 10, 15),
        date(2025, 1, 15),
        date(2025, 4, 15),
        date(2025, 7, 15),
        date(2025, 10, 15),
        date(2026, 1, 15),
    ]
    rows += [("A", d, 500.0) for d in quarterly]
    rows += [("B", d, 800.0) for d in (date(2024, 5, 20), date(2025, 5, 25), date(2026, 5, 28))]
    rows += [("C", d, 600.0) for d in (date(2024, 9, 10), date(2025, 9, 12))]
    rows += [("D", date(2026, 4, 10), 300.0), ("E", date(2023, 1, 1), 400.0)]
    rows += [("G", date(2026, 7, 20), 999.0)]
    rows += [("H", d, 700.0) for d in (date(2024, 3, 1), date(2025, 2, 1))]
    return [(f"O{i:04d}", c, d, "S01", "maintenance", rev, rev * 0.4) for i, (c, d, rev) in enumerate(rows)]


COMPLAINTS = [
    ("Q1", "A", "S01", date(2026, 5, 1), date(2026, 7, 10)),  # resolved after the as-of date: open then
    ("Q2", "A", "S01", date(2026, 1, 1), date(2026, 1, 5)),  # resolved: does not count
    ("Q3", "B", "S02", date(2026, 7, 1), None),  # opened after the as-of date
]
SIGHTINGS = [
    ("A", date(2026, 6, 1), "survey"),
    ("A", date(2025, 1, 1), "survey"),
    ("C", date(2025, 6, 1), "insurer"),
]  # C's is more than 365 days old
APPOINTMENTS = [
    ("P1", "A", "S01", date(2026, 2, 1), "cancelled"),
    ("P2", "A", "S01", date(2026, 4, 1), "cancelled"),
    ("P3", "A", "S01", date(2026, 5, 1), "kept"),
    ("P4", "A", "S01", date(2026, 8, 1), "cancelled"),  # after the as-of date
    ("P5", "A", "S01", date(2025, 1, 1), "cancelled"),  # more than 365 days before
]
# A referred B and D; B referred F; F "referred" A (a loop); H's referral is after the as-of date.
REFERRALS = [
    ("A", "B", date(2023, 4, 20)),
    ("A", "D", date(2026, 2, 20)),
    ("B", "F", date(2026, 5, 25)),
    ("F", "A", date(2026, 6, 10)),
    ("H", "C", date(2026, 8, 1)),
]


def vin(customer: str) -> str:
    """A distinct VIN per customer: A -> LVSAX0123457Z9, B -> LVSBX0246914Z9, ..."""
    return f"LVS{customer}X{(ord(customer) - 64) * 123457:07d}Z9"


def build_db(path: Path, side_tables: bool = True) -> Path:
    side = (
        dict(
            complaints=Table(("complaint_id", "customer_id", "store_id", "opened", "resolved"), COMPLAINTS),
            competitor_sightings=SIGHTINGS,
            appointments=APPOINTMENTS,
            referrals=REFERRALS,
        )
        if side_tables
        else {}
    )
    return make_db(
        path,
        stores=[("S01", "上海浦东店", "华东", "上海"), ("S02", "杭州西湖店", "华东", "杭州")],
        customers=Table(
            ("customer_id", "name", "home_store_id", "vin", "purchase_date"),
            [(c, n, s, vin(c), d) for c, n, s, d in CUSTOMERS],
        ),
        orders=Table(
            ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit"),
            _orders(),
        ),
        **side,
    )


@pytest.fixture()
def full_db(tmp_path) -> Database:
    return Database(build_db(tmp_path / "full.duckdb"))


@pytest.fixture()
def orders_only_db(tmp_path) -> Database:
    return Database(build_db(tmp_path / "orders.duckdb", side_tables=False))


def _row(frame, customer):
    return frame.set_index("customer_id").loc[customer]


def test_population_is_who_existed_on_the_as_of_date(full_db):
    signals = churn.churn_signals(full_db, AS_OF)
    assert signals["customer_id"].tolist() == ["A", "B", "C", "D", "E", "F", "H"]
    assert signals.attrs["available"] == churn.SIGNALS


def test_facts_of_the_quarterly_customer(full_db):
    a = _row(churn.churn_signals(full_db, AS_OF), "A")
    assert a["spend_recent"] == 0
    assert a["spend_baseline"] == 2_000  # 2025-04-15, 07-15, 10-15, 2026-01-15
    assert a["spend_baseline_visits"] == 4
    assert a["spend_baseline_days"] == 365
    assert a["visits_recent"] == 3 and a["visits_baseline"] == 4
    assert a["unresolved_complaints"] == 1 and a["oldest_open_days"] == 60
    assert a["days_since_sighting"] == 29  # 2026-06-01 to 06-30
    assert a["appointments"] == 3 and a["cancelled"] == 2


def test_signals_of_the_quarterly_customer(full_db):
    a = _row(churn.score_risk(churn.churn_signals(full_db, AS_OF)), "A")
    spend = 1.0 * min(1.0, 4 / 365 * 91)  # no spend, evidence 4 visits × 91/365
    assert a["spend_drop"] == pytest.approx(spend)
    assert a["frequency_drop"] == pytest.approx(0.25)  # 3 visits against 4
    assert a["complaints"] == 1.0
    assert a["competitor"] == pytest.approx(1 - 29 / 365)
    assert a["cancellations"] == pytest.approx(2 / 3)
    expected = 0.30 * spend + 0.25 * 0.25 + 0.20 * 1 + 0.15 * (1 - 29 / 365) + 0.10 * 2 / 3
    assert a["score"] == pytest.approx(expected)
    assert a["level"] == "high"


def test_once_a_year_owners_do_not_look_gone(full_db):
    scored = churn.score_risk(churn.churn_signals(full_db, AS_OF))
    b, c = _row(scored, "B"), _row(scored, "C")
    assert b["score"] == 0 and b["level"] == "none"
    # C has not come this quarter, as usual: spend drop 1 × 91/365 evidence, nothing else.
    assert c["spend_drop"] == pytest.approx(91 / 365)
    assert c["frequency_drop"] == 0
    assert c["competitor"] == 0  # the sighting is older than 365 days
    assert c["score"] == pytest.approx(0.30 * 91 / 365)
    assert c["level"] == "none"


def test_new_and_lapsed_customers(full_db):
    scored = churn.score_risk(churn.churn_signals(full_db, AS_OF))
    d, e, f = _row(scored, "D"), _row(scored, "E"), _row(scored, "F")
    assert d["spend_baseline_days"] == 30  # bought 2026-03-01, baseline ends 2026-03-31
    assert d["spend_drop"] == 0 and d["frequency_drop"] == 0
    assert e["level"] == "lapsed"  # last visit 2023-01-01, over 730 days ago
    assert f["score"] == 0 and f["level"] == "none"


def test_store_scope(full_db):
    signals = churn.churn_signals(full_db, AS_OF, ["S02"])
    assert signals["customer_id"].tolist() == ["B", "F", "H"]


def test_orders_only_database_marks_signals_not_available(orders_only_db):
    signals = churn.churn_signals(orders_only_db, AS_OF)
    assert signals.attrs["available"] == ("spend_drop", "frequency_drop")
    assert signals["complaints"].isna().all()
    assert signals["competitor"].isna().all()
    assert signals["cancellations"].isna().all()
    a = _row(churn.score_risk(signals), "A")
    spend = min(1.0, 4 / 365 * 91)
    # The 45% of weight on missing signals is shared out, not counted as zero risk.
    assert a["score"] == pytest.approx((0.30 * spend + 0.25 * 0.25) / 0.55)


def test_backtest_sees_only_what_was_known_then(full_db):
    bt = churn.backtest_signals(full_db, AS_OF, horizon_days=365)
    assert bt.attrs["reference_date"] == date(2025, 6, 30)
    # Watched a year back: A, B, C, H (D and F did not exist, E had lapsed).
    assert bt["customer_id"].tolist() == ["A", "B", "C", "H"]
    a = _row(bt, "A")
    assert a["visits_recent"] == 4  # the four visits to 2025-06-30, none after
    assert a["unresolved_complaints"] == 0  # Q1 was opened in 2026
    assert a["appointments"] == 1 and a["cancelled"] == 1  # P5 only
    assert bt.set_index("customer_id")["churned"].to_dict() == {"A": False, "B": False, "C": False, "H": True}


def test_calibrate_needs_enough_history(full_db):
    # Four customers watched a year back: too few for a backtest.
    assert churn.calibrate(churn.backtest_signals(full_db, AS_OF)) is None


def test_signal_rules_validated(full_db):
    with pytest.raises(ValueError, match="spend_window_days"):
        churn.churn_signals(full_db, AS_OF, rules=churn.SignalRules(spend_window_days=0))
