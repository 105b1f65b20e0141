"""Issue 14 (the actions page at a million): each aggregate-first path against the list it
replaced, computed here the previous way.

- service_due_first (the first rows and the totals, one query) = the head of the whole list
  (service_due, itself checked against pandas in test_service_due) and its counts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import service_due as sd
from clv_engine.db import Database

AS_OF = date(2026, 11, 30)


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


def _same_first(db, as_of, stores, rules, limit):
    whole = sd.service_due(db, as_of, stores, rules)
    first = sd.service_due_first(db, as_of, stores, rules, limit)
    # (no row: DuckDB types an empty text column as object, a filled one as str)
    pd.testing.assert_frame_equal(first.first, whole.head(limit), check_dtype=len(first.first) > 0)
    assert first.counts() == sd.due_counts(whole)
    assert first.rows == len(whole)
    assert first.with_km == int(whole["last_km"].notna().sum())
    assert first.has_mileage == whole.attrs["has_mileage"] == first.first.attrs["has_mileage"]


@settings(max_examples=12, deadline=None)
@given(
    rules=st.builds(
        sd.ServiceRules,
        interval_months=st.integers(1, 24),
        interval_km=st.sampled_from([3_000.0, 10_000.0, 25_000.0]),
        first_service_months=st.integers(1, 12),
        horizon_days=st.integers(0, 120),
        max_overdue_days=st.integers(0, 400),
    ),
    limit=st.sampled_from([0, 1, 7, 1_000]),
    stores=st.sampled_from([None, ("S01",), ("S02", "S03")]),
    days_back=st.integers(0, 700),
)
def test_service_first_rows_and_totals_equal_the_whole_list(db, rules, limit, stores, days_back):
    as_of = date.fromordinal(AS_OF.toordinal() - days_back)
    _same_first(db, as_of, stores, rules, limit)


def test_service_first_of_an_empty_list(db):
    first = sd.service_due_first(db, date(2000, 1, 1))
    assert (first.rows, first.overdue, first.with_km, len(first.first)) == (0, 0, 0, 0)
    assert list(first.first.columns) == list(sd.service_due(db, date(2000, 1, 1)).columns)
