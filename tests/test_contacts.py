"""Issued call lists, their random hold-out, and recorded contacts (clv_engine.contacts)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import contacts
from clv_engine.db import Database, create_database


def ranked(n=100, levels=("high", "mid", "low")):
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "home_store_id": "S01",
            "rank": np.arange(1, n + 1),
            "level": np.array(levels)[np.arange(n) % len(levels)],
            "p_churn": 0.4,
            "success": 0.53,
            "clv": 10_000.0,
            "cost": 300.0,
            "expected_value": 0.4 * 0.53 * 10_000 - 300,
        }
    )


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "c.duckdb"
    create_database(path)
    database = Database(path)
    with database.write_transaction() as con:
        con.execute(
            "INSERT INTO customers (customer_id) SELECT 'C' || lpad(CAST(i AS VARCHAR), 4, '0') "
            "FROM range(100) t(i)"
        )
    return database


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 300), share=st.floats(0, 0.5), list_id=st.text(min_size=1, max_size=20))
def test_holdout_takes_the_share_of_each_level_and_is_reproducible(n, share, list_id):
    frame = ranked(n) if n else ranked(1).iloc[:0]
    mask = contacts.holdout_mask(list_id, frame["customer_id"], frame["level"], share)
    for level in ("high", "mid", "low"):
        in_level = (frame["level"] == level).to_numpy()
        assert mask[in_level].sum() == round(share * in_level.sum())
    # Same id, rows in another order: the same customers are held out.
    shuffled = frame.sample(frac=1, random_state=1)
    again = contacts.holdout_mask(list_id, shuffled["customer_id"], shuffled["level"], share)
    assert set(shuffled["customer_id"][again]) == set(frame["customer_id"][mask])


def test_another_list_id_draws_another_control_group():
    frame = ranked(300)
    a = contacts.holdout_mask("list-a", frame["customer_id"], frame["level"], 0.1)
    b = contacts.holdout_mask("list-b", frame["customer_id"], frame["level"], 0.1)
    assert a.sum() == b.sum() == 30
    assert (a != b).any()


def test_issue_records_members_predictions_and_the_redrawable_holdout(db):
    frame = ranked(100)
    list_id = contacts.issue_call_list(db, frame, date(2026, 6, 1), "June", holdout_share=0.2, window_days=60)
    lists = contacts.list_call_lists(db)
    assert lists.loc[0, "name"] == "June" and lists.loc[0, "members"] == 100
    # 20% of levels of 34, 33, 33 customers: 7 + 7 + 7.
    assert lists.loc[0, "controls"] == 21
    members = contacts.list_members(db, list_id)
    assert len(members) == 100
    assert members["expected_value"].tolist() == pytest.approx([0.4 * 0.53 * 10_000 - 300] * 100)
    redrawn = contacts.holdout_mask(list_id, members["customer_id"], members["level"], 0.2)
    assert members["control"].tolist() == redrawn.tolist()


def test_issue_refuses_bad_input(db):
    with pytest.raises(contacts.ContactError, match="missing"):
        contacts.issue_call_list(db, ranked(10), date(2026, 6, 1), "  ")
    with pytest.raises(contacts.ContactError, match="empty_list"):
        contacts.issue_call_list(db, ranked(10).iloc[:0], date(2026, 6, 1), "x")
    with pytest.raises(contacts.ContactError, match="bad_holdout"):
        contacts.issue_call_list(db, ranked(10), date(2026, 6, 1), "x", holdout_share=1.0)
    assert contacts.list_call_lists(db).empty


def test_check_contacts_names_row_column_and_value():
    rows = pd.DataFrame(
        {
            "customer_id": ["C0001", "", "C9999", "C0002", "C0003", "C0004"],
            "contact_date": ["2026-06-03", "2026-06-03", "2026-06-03", "3 June", "2026-06-04", "2027-01-01"],
            "outcome": ["booked", "reached", "reached", "reached", "maybe", "reached"],
            "channel": ["visit", None, None, None, None, "fax"],
            "cost": ["300", None, None, None, "-5", "abc"],
        }
    )
    known = {f"C{i:04d}" for i in range(100)}
    clean, problems = contacts.check_contacts(rows, known, today=date(2026, 7, 1))
    assert clean["customer_id"].tolist() == ["C0001"]
    assert clean.loc[0, "channel"] == "visit" and clean.loc[0, "cost"] == 300.0
    found = {(p.row, p.column, p.code) for p in problems}
    assert found == {
        (3, "customer_id", "missing"),
        (4, "customer_id", "unknown_customer"),
        (5, "contact_date", "bad_date"),
        (6, "outcome", "bad_choice"),
        (6, "cost", "negative"),
        (7, "contact_date", "future_date"),
        (7, "channel", "bad_choice"),
        (7, "cost", "bad_number"),
    }


def test_save_contacts_fills_level_and_store_and_replaces_by_id(db):
    list_id = contacts.issue_call_list(db, ranked(30), date(2026, 6, 1), "June")
    page_id = contacts.page_contact_id(list_id, "C0001")
    first = pd.DataFrame(
        {
            "contact_id": [page_id],
            "customer_id": ["C0001"],
            "contact_date": [date(2026, 6, 2)],
            "outcome": ["unreachable"],
            "cost": [0.0],
        }
    )
    clean, problems = contacts.check_contacts(first, today=date(2026, 7, 1))
    assert problems == []
    contacts.save_contacts(db, clean, list_id)
    clean.loc[0, "outcome"] = "booked"
    contacts.save_contacts(db, clean, list_id)
    rows = db.query_df("SELECT * FROM contacts")
    assert len(rows) == 1
    assert rows.loc[0, "outcome"] == "booked"
    assert rows.loc[0, "intervention"] == "mid"  # C0001 is the second row: level mid
    assert rows.loc[0, "store_id"] == "S01"
    member = contacts.list_members(db, list_id).set_index("customer_id").loc["C0001"]
    assert member["outcome"] == "booked"


def test_read_contacts_file_gbk_chinese_headers(tmp_path):
    path = tmp_path / "crm.csv"
    text = "客户编号,联系日期,联系结果,联系方式,费用\nC0001,2026/06/03,booked,call,50\nC0002,2026-06-04,bad,call,50\n"
    path.write_bytes(text.encode("gb18030"))
    read = contacts.read_contacts_file(path, {"C0001", "C0002"}, today=date(2026, 7, 1))
    assert read.rows == 2 and read.missing_columns == []
    assert read.clean["customer_id"].tolist() == ["C0001"]
    assert read.clean.loc[0, "contact_date"] == date(2026, 6, 3)
    assert [(p.row, p.column, p.code, p.value) for p in read.problems] == [
        (3, "outcome", "bad_choice", "bad")
    ]


def test_read_contacts_file_names_missing_columns(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("customer,when\nC0001,2026-06-03\n", encoding="utf-8")
    read = contacts.read_contacts_file(path)
    assert read.missing_columns == ["contact_date", "outcome"]
    assert read.clean.empty


def test_edited_rows_become_page_contacts(db):
    list_id = contacts.issue_call_list(db, ranked(10), date(2026, 6, 1), "June", holdout_share=0.0)
    members = contacts.list_members(db, list_id)
    rows = pd.DataFrame(
        {
            "customer_id": members["customer_id"],
            "contact_date": None,
            "channel": None,
            "outcome": None,
            "owner": None,
            "cost": None,
        }
    )
    edits = {
        "1": {"outcome": "came_back", "contact_date": "2026-06-05", "cost": 80},
        "3": {"owner": "王经理"},  # no outcome: not a contact yet
        "99": {"outcome": "booked"},
    }  # a row that is not there
    changed = contacts.edited_contacts(rows, edits, list_id)
    assert changed["customer_id"].tolist() == [members.loc[1, "customer_id"]]
    clean, problems = contacts.check_contacts(changed, today=date(2026, 7, 1))
    assert problems == []
    contacts.save_contacts(db, clean, list_id)
    stored = db.query_df("SELECT contact_id, outcome, cost, contact_date FROM contacts")
    assert stored.values.tolist() == [
        [f"{list_id}:{members.loc[1, 'customer_id']}", "came_back", 80.0, pd.Timestamp("2026-06-05")]
    ]
    # The template lists the members to call, in the columns the file reader maps back.
    template = contacts.contacts_template(members)
    assert set(contacts.REQUIRED_IN_FILE) <= set(template.columns) and len(template) == 10
