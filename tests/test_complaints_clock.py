"""Complaints with a clock: deadlines by tier (SPEC §2d: 2 h / 4 h / 24 h / 48 h) on hand-timed
complaints, whole-day judging of a file without times, and the sample's clock re-computed in SQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from clv_engine import complaints as cq
from clv_engine import segmentation
from clv_engine.db import Database
from tests.helpers import Table, make_db

AS_OF = date(2026, 6, 30)  # the clock reads 1 July 2026 00:00
ORDER_COLUMNS = ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit")
Q_COLUMNS = (
    "complaint_id",
    "customer_id",
    "store_id",
    "opened",
    "resolved",
    "opened_at",
    "responded_at",
    "resolved_at",
    "status",
)


def ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def build(path: Path, timed: bool = True) -> Database:
    orders = []
    # V: six visits in the year, 12,000, last on 20 June -> R5 F5 M5, L = 3 - complaint = 2:
    # total 17, platinum -> VIP, 2 h. G: two visits, 3,000, last on 20 June -> R5 F3 M3, L 2:
    # total 13, gold -> high value, 4 h. O: no visit -> churned -> low value, 48 h.
    for k in range(6):
        orders.append((f"v{k}", "V", date(2026, 6, 20) - timedelta(days=50 * k), 2_000))
    orders += [("g1", "G", date(2026, 6, 20), 1_500), ("g2", "G", date(2026, 3, 1), 1_500)]
    rows = [
        # id, customer, store, opened_at, responded_at, resolved_at
        ("Q1", "V", "S01", "2026-06-29 10:00", "2026-06-29 11:30", "2026-06-29 15:00"),  # on time
        ("Q2", "V", "S01", "2026-06-30 09:00", "2026-06-30 11:30", None),  # 30 min late
        ("Q3", "G", "S01", "2026-06-30 22:00", None, None),  # due 02:00, not yet
        ("Q4", "O", "S01", "2026-06-27 08:00", None, None),  # due 29 June 08:00, unanswered
        ("Q5", "O", "S01", "2025-01-01 10:00", None, "2025-01-05 10:00"),  # 96 h, outside the year
        (
            "Q6",
            "G",
            "S02",
            "2026-06-01 10:00",
            "2026-06-01 13:00",
            "2026-07-05 10:00",
        ),  # answered; resolved later
    ]
    complaints = []
    for cid, cust, store, opened, answered, resolved in rows:
        o, a, r = ts(opened), ts(answered), ts(resolved)
        complaints.append(
            (cid, cust, store, o.date(), r.date() if r else None, o, a, r, "resolved" if r else "open")
        )
    make_db(
        path,
        stores=[("S01", "一店", "", ""), ("S02", "二店", "", "")],
        customers=Table(
            ("customer_id", "home_store_id", "purchase_date"),
            [(c, "S01", date(2020, 1, 1)) for c in ("V", "G", "O")],
        ),
        orders=Table(ORDER_COLUMNS, [(o, c, d, "S01", "maintenance", r, 0) for o, c, d, r in orders]),
        complaints=Table(Q_COLUMNS, complaints),
    )
    if not timed:
        con = duckdb.connect(str(path))
        for col in ("opened_at", "responded_at", "resolved_at", "status"):
            con.execute(f"ALTER TABLE complaints DROP COLUMN {col}")
        con.close()
    return Database(path)


def test_levels_come_from_the_tiers(tmp_path):
    db = build(tmp_path / "q.duckdb")
    tiers = segmentation.score_customers(db, AS_OF).set_index("customer_id")["tier"].to_dict()
    assert tiers == {"V": "platinum", "G": "gold", "O": "churned"}
    clock = cq.complaint_clock(db, AS_OF).set_index("complaint_id")
    assert clock.loc["Q1", ["level", "respond_hours", "owner"]].tolist() == ["vip", 2.0, "general_manager"]
    assert pd.isna(clock.loc["Q1", "compensation_limit"])  # unlimited
    assert clock.loc["Q3", ["level", "respond_hours", "compensation_limit", "owner"]].tolist() == [
        "high_value",
        4.0,
        5_000.0,
        "service_manager",
    ]
    assert clock.loc["Q4", ["level", "respond_hours", "compensation_limit", "owner"]].tolist() == [
        "low_value",
        48.0,
        200.0,
        "standard",
    ]


def test_deadlines_and_breaches_by_hand(tmp_path):
    db = build(tmp_path / "q.duckdb")
    clock = cq.complaint_clock(db, AS_OF).set_index("complaint_id")
    assert clock.loc["Q2", "deadline"] == pd.Timestamp("2026-06-30 11:00")
    assert clock["breach"].to_dict() == {
        "Q1": False,
        "Q2": True,
        "Q3": False,
        "Q4": True,
        "Q5": True,
        "Q6": False,
    }
    assert clock["judged"].to_dict() == {
        "Q1": True,
        "Q2": True,
        "Q3": False,
        "Q4": True,
        "Q5": True,
        "Q6": True,
    }
    assert clock["status"].to_dict() == {
        "Q1": "resolved",
        "Q2": "open",
        "Q3": "open",
        "Q4": "open",
        "Q5": "resolved",
        "Q6": "open",
    }  # Q6 is resolved after the as-of date
    assert clock.loc["Q2", "late_hours"] == pytest.approx(0.5)
    assert clock.loc["Q4", "late_hours"] == pytest.approx(40.0)  # 29 June 08:00 to 1 July 00:00
    assert clock.loc["Q5", "late_hours"] == pytest.approx(96.0 - 48.0)  # the resolution was the answer

    open_ = cq.open_complaints(cq.complaint_clock(db, AS_OF))
    assert list(open_["complaint_id"]) == ["Q6", "Q4", "Q2", "Q3"]  # by deadline
    left = open_.set_index("complaint_id")["hours_left"]
    assert left["Q3"] == pytest.approx(2.0) and left["Q4"] == pytest.approx(-40.0)
    assert pd.isna(left["Q2"]) and pd.isna(left["Q6"])  # answered

    full = cq.complaint_clock(db, AS_OF)
    assert list(cq.breaches(full, AS_OF)["complaint_id"]) == ["Q2", "Q4"]  # Q5 is over a year old
    rate = cq.breach_rate_by_store(full, AS_OF)
    # S01: Q1, Q2, Q4 judged (Q3 not yet due), 2 breaches; S02: Q6 on time.
    assert list(zip(rate["store_id"], rate["judged"], rate["breaches"])) == [("S01", 3, 2), ("S02", 1, 0)]
    assert rate["rate"].tolist() == pytest.approx([2 / 3, 0.0])
    wide = cq.breach_rate_by_store(full, AS_OF, cq.ClockRules(since_days=730))
    assert list(zip(wide["store_id"], wide["judged"], wide["breaches"])) == [("S01", 4, 3), ("S02", 1, 0)]


def test_an_earlier_as_of_date_sees_the_clock_then(tmp_path):
    db = build(tmp_path / "q.duckdb")
    # On 28 June the clock reads 29 June 00:00: Q4 (due 29 June 08:00) has 8 hours left.
    early = cq.complaint_clock(db, date(2026, 6, 28))
    clock = early.set_index("complaint_id")
    assert set(clock.index) == {"Q4", "Q5", "Q6"}
    assert not clock.loc["Q4", "breach"] and not clock.loc["Q4", "judged"]
    assert cq.open_complaints(early).set_index("complaint_id").loc["Q4", "hours_left"] == pytest.approx(8.0)
    # A day later it is past due.
    assert cq.complaint_clock(db, date(2026, 6, 29)).set_index("complaint_id").loc["Q4", "breach"]


def test_edited_response_times_and_scope(tmp_path):
    db = build(tmp_path / "q.duckdb")
    slow = cq.complaint_clock(db, AS_OF, rules=cq.ClockRules(vip_hours=3)).set_index("complaint_id")
    assert not slow.loc["Q2", "breach"]
    scoped = cq.complaint_clock(db, AS_OF, ("S02",))
    assert list(scoped["complaint_id"]) == ["Q6"] and list(scoped["store_name"]) == ["二店"]
    with pytest.raises(ValueError):
        cq.ClockRules(vip_hours=0).validate()


def test_a_file_without_times_is_judged_by_whole_days(tmp_path):
    db = build(tmp_path / "q.duckdb", timed=False)
    clock = cq.complaint_clock(db, AS_OF).set_index("complaint_id")
    assert not clock["timed"].any()
    # VIP, 2 h -> by the next day: Q1 resolved the same day, on time; Q2 unresolved, opened
    # 30 June, due by the end of 1 July: not judged yet. Q4 (48 h): opened 27 June, due by the
    # end of 29 June, still open on 30 June: breach. Q5: 1 January, resolved 5 January: breach.
    # Q6 (4 h -> next day): resolved 5 July, after the as-of date, open and past due: breach.
    assert clock["breach"].to_dict() == {
        "Q1": False,
        "Q2": False,
        "Q3": False,
        "Q4": True,
        "Q5": True,
        "Q6": True,
    }
    assert clock["judged"].to_dict() == {
        "Q1": True,
        "Q2": False,
        "Q3": False,
        "Q4": True,
        "Q5": True,
        "Q6": True,
    }


def test_sample_clock_recomputed_in_sql(sample_db_path):
    """The generator's times are plausible, and the breach counts by store match a SQL version."""
    db = Database(sample_db_path)
    as_of = date(2026, 11, 30)
    con = duckdb.connect()  # attached: the engine's reader holds the file with its own configuration
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(sample_db_path)])
    con.execute("USE d")
    try:
        checks = con.execute("""
            SELECT count(*) FILTER (WHERE CAST(opened_at AS DATE) <> opened),
                   count(*) FILTER (WHERE resolved IS NOT NULL AND CAST(resolved_at AS DATE) <> resolved),
                   count(*) FILTER (WHERE responded_at < opened_at OR resolved_at < responded_at),
                   count(*) FILTER (WHERE status <> CASE WHEN resolved IS NULL THEN 'open' ELSE 'resolved' END),
                   count(*)
            FROM complaints""").fetchall()[0]
        assert checks[:4] == (0, 0, 0, 0) and checks[4] > 500
        tiers = segmentation.score_customers(db, as_of)[["customer_id", "tier"]]
        levels = pd.DataFrame(list(segmentation.COMPLAINT_LEVEL["rfml"].items()), columns=["tier", "level"])
        hours = pd.DataFrame({"level": ["vip", "high_value", "ordinary", "low_value"], "h": [2, 4, 24, 48]})
        con.register("tiers", tiers)
        con.register("levels", levels)
        con.register("hours", hours)
        want = con.execute("""
            WITH q AS (
                SELECT q.store_id, q.opened_at, coalesce(h.h, 24) AS h,
                       CASE WHEN coalesce(q.responded_at, q.resolved_at) <= TIMESTAMP '2026-12-01 00:00'
                            THEN coalesce(q.responded_at, q.resolved_at) END AS answer
                FROM complaints q LEFT JOIN tiers t USING (customer_id)
                LEFT JOIN levels l ON l.tier = t.tier LEFT JOIN hours h ON h.level = l.level
                WHERE q.opened <= DATE '2026-11-30' AND q.opened_at >= TIMESTAMP '2025-12-01 00:00'
            ), j AS (
                SELECT store_id, opened_at + h * INTERVAL 1 HOUR AS deadline, answer FROM q
            )
            SELECT store_id, count(*) AS judged,
                   count(*) FILTER (WHERE coalesce(answer > deadline, TIMESTAMP '2026-12-01 00:00' > deadline)) AS breaches
            FROM j WHERE answer IS NOT NULL OR TIMESTAMP '2026-12-01 00:00' > deadline
            GROUP BY store_id ORDER BY store_id
        """).fetchall()
    finally:
        con.close()
    rate = cq.breach_rate_by_store(cq.complaint_clock(db, as_of), as_of).sort_values("store_id")
    assert list(zip(rate["store_id"], rate["judged"], rate["breaches"])) == [(s, j, b) for s, j, b in want]
    assert 0 < rate["breaches"].sum() < rate["judged"].sum()


def test_import_reads_complaint_times(tmp_path):
    """A complaints export with times (Chinese headers) feeds the clock; a bad time is refused by row."""
    from clv_engine.imports import ImportOptions, Source, check_import, run_import

    orders = tmp_path / "orders.csv"
    orders.write_text("工单号,客户编号,工单日期,金额,毛利\nO1,C1,2026-06-01,500,200\n", encoding="utf-8")
    q = tmp_path / "complaints.csv"
    q.write_text(
        "投诉编号,客户编号,投诉日期,解决日期,受理时间,响应时间,结案时间,处理状态\n"
        "Q1,C1,2026-06-02,2026-06-03,2026-06-02 09:00,2026-06-02 09:45,2026-06-03 16:00,已解决\n"
        "Q2,C1,2026-06-05,,2026/6/5 10:00,,,处理中\n"
        "Q3,C1,2026-06-06,,下午三点,,,处理中\n",
        encoding="utf-8",
    )
    options = ImportOptions(today=date(2026, 7, 1))
    sources = [Source("orders", orders), Source("complaints", q)]
    report = check_import(sources, options=options)
    mapping = report.sources[1].mapping
    assert (mapping["opened_at"], mapping["responded_at"], mapping["resolved_at"]) == (
        "受理时间",
        "响应时间",
        "结案时间",
    )
    bad = report.problems[report.problems["code"] == "bad_timestamp"]
    assert list(zip(bad["row"], bad["field"])) == [(4, "opened_at")]
    path = tmp_path / "db.duckdb"
    run_import(sources, path, options, accept_clean_rows=True)
    clock = cq.complaint_clock(Database(path), date(2026, 6, 30)).set_index("complaint_id")
    assert list(clock.index) == ["Q1", "Q2"]
    assert clock["timed"].all()
    # C1: one visit of 500 on 1 June, 29 days before -> R5 F2 M1, L = 3 - complaint = 2: total 10,
    # silver -> ordinary, 24 h. Q1 answered in 45 minutes; Q2 unanswered since 5 June 10:00.
    assert clock.loc["Q1", "level"] == "ordinary"
    assert clock["breach"].to_dict() == {"Q1": False, "Q2": True}
    assert clock.loc["Q2", "deadline"] == pd.Timestamp("2026-06-06 10:00")
