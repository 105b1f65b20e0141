"""results' counts of the issued lists with their returns kept (``_KEPT_COUNTS_SQL``): the
contacts summed per member row give what the members' previous query gave (the contacts
grouped by list and customer first), on random lists, members and contacts."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import results

# The previous members' query, kept here: the contacts grouped by list and customer, then joined.
PREVIOUS_MEMBERS = results._MEMBERS_TEMPLATE.format(
    data_end="SELECT CAST(? AS DATE) AS data_end", returned="FALSE"
)
PREVIOUS = f"SELECT list_id, level, control, {results._COUNTS_COLUMNS} FROM ({PREVIOUS_MEMBERS}) AS members"
KEYS = ["list_id", "level", "control"]


def _database(seed: int) -> duckdb.DuckDBPyConnection:
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    lists = [f"L{i}" for i in range(rng.integers(1, 4))]
    con.execute("CREATE TABLE call_lists (list_id VARCHAR, issued_on DATE, window_days INTEGER)")
    for n, list_id in enumerate(lists):
        con.execute(
            "INSERT INTO call_lists VALUES (?, ?, ?)", [list_id, date(2024, 1, 1) + timedelta(n * 40), 60]
        )
    members = []
    for list_id in lists:
        for c in rng.choice(40, size=rng.integers(0, 30), replace=False):
            cost = [1.5, 20.0, float("nan"), None][rng.integers(0, 4)]
            value = [float(rng.normal(100, 50)), float("nan")][
                rng.integers(0, 2) if rng.random() < 0.2 else 0
            ]
            members.append(
                (
                    list_id,
                    f"C{c}",
                    "S1",
                    1,
                    ["high", "mid", "low"][rng.integers(0, 3)],
                    bool(rng.random() < 0.3),
                    float(rng.random()),
                    0.3,
                    value,
                    cost,
                    value,
                )
            )
    con.execute(
        "CREATE TABLE call_list_members (list_id VARCHAR, customer_id VARCHAR, store_id VARCHAR, rank INTEGER, "
        "level VARCHAR, control BOOLEAN, p_churn DOUBLE, success DOUBLE, clv DOUBLE, cost DOUBLE, expected_value DOUBLE)"
    )
    if members:
        con.executemany("INSERT INTO call_list_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", members)
    con.execute(
        "CREATE TABLE contacts (contact_id VARCHAR, list_id VARCHAR, customer_id VARCHAR, contact_date DATE, "
        "outcome VARCHAR, cost DOUBLE)"
    )
    contacts = []
    for k in range(rng.integers(0, 80)):
        list_id = [*lists, None][rng.integers(0, len(lists) + 1)]
        outcome = ["reached", "unreachable", "booked", None][rng.integers(0, 4)]
        cost = [5.0, 0.25, float("nan"), None][rng.integers(0, 4)]
        contacts.append((f"K{k}", list_id, f"C{rng.integers(0, 45)}", date(2024, 3, 1), outcome, cost))
    if contacts:
        con.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?)", contacts)
    return con


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_kept_counts_are_the_previous_members_counts(seed):
    con = _database(seed)
    params = [date(2024, 6, 1)]
    group = " GROUP BY list_id, level, control"
    got = con.execute(results._KEPT_COUNTS_SQL + group, params).df().sort_values(KEYS).reset_index(drop=True)
    expected = con.execute(PREVIOUS + group, params).df().sort_values(KEYS).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


def test_every_lists_counts_are_kept_beside_the_file_and_follow_a_new_list(tmp_path):
    """results(db) of every list is worked out once per file version (store.remembered): the
    value kept is what the query gives, a new process reads it, and a list issued since (a
    write: a new file version) is counted."""
    from clv_engine import contacts
    from clv_engine.derived import store
    from tests.test_results import ISSUED, simulated_database

    db, _, _ = simulated_database(tmp_path / "r.duckdb", n=300, seed=3)
    try:
        first = results.results(db)
        kept = store._read_sidecar(db.path)["values"]["results_counts"]
        # What was kept: the counts the query gives, row for row.
        expected = results._counts(db, None)
        pd.testing.assert_frame_equal(pd.DataFrame(kept), expected, check_dtype=False)
        # Read back (another process would): the same table, no query.
        assert results.results(db).equals(first)
        # A second list of other customers: a new version, counted.
        ranked = pd.DataFrame(
            {
                "customer_id": [f"N{i}" for i in range(60)],
                "level": "high",
                "p_churn": 0.4,
                "success": 0.3,
                "clv": 9_000.0,
                "cost": 200.0,
                "expected_value": 0.4 * 0.3 * 9_000.0 - 200.0,
            }
        )
        contacts.issue_call_list(db, ranked, ISSUED, "second", holdout_share=0.1, window_days=90)
        after = results.results(db)
        everyone = after[after["level"] == results.ALL].iloc[0]
        assert everyone["treated"] + everyone["control"] == 360
    finally:
        db.close()
