"""Issue 14: status from numbers without an object copy, and the model page's share of active
customers by a DuckDB semi-join; each against the previous method written again here."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import status as cs


def _previous_status(days, rules=cs.StatusRules()) -> list[str]:
    out = []
    for d in pd.to_numeric(pd.Series(days, dtype=object), errors="coerce"):
        if pd.isna(d) or d > rules.lapsed_days:
            out.append(cs.LAPSED)
        elif d > rules.active_days:
            out.append(cs.LAPSING)
        else:
            out.append(cs.ACTIVE)
    return out


DAYS = st.lists(st.one_of(st.none(), st.integers(-5, 1_500)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(days=DAYS)
def test_status_of_any_days_as_before(days):
    expected = _previous_status(days)
    as_int = pd.Series(days, dtype="Int64")
    for given_as in (days, as_int, as_int.astype(float), as_int.astype(object)):
        assert list(cs.customer_status(given_as)) == expected
        counts = cs.status_counts(given_as)
        assert counts == {s: expected.count(s) for s in cs.STATUSES}
    rules = cs.StatusRules(active_days=100, lapsed_days=200)
    assert list(cs.customer_status(as_int, rules)) == _previous_status(days, rules)


def test_status_of_text_and_arrays():
    assert list(cs.customer_status(["12", "x", 400.0, np.nan])) == [
        cs.ACTIVE,
        cs.LAPSED,
        cs.LAPSING,
        cs.LAPSED,
    ]
    assert list(cs.customer_status(np.array([0, 366, 731]))) == [cs.ACTIVE, cs.LAPSING, cs.LAPSED]


@settings(max_examples=60, deadline=None)
@given(
    statuses=st.lists(st.sampled_from(cs.STATUSES), max_size=30),
    asked=st.lists(st.integers(0, 40), max_size=30, unique=True),
)
def test_active_share_as_the_reindex_did(statuses, asked):
    values = pd.DataFrame({"customer_id": [f"C{i}" for i in range(len(statuses))], "status": statuses})
    ids = pd.Series([f"C{i}" for i in asked], dtype="str")
    # the previous method: the status indexed by id, looked up for each asked customer
    before = values.set_index("customer_id")["status"].reindex(ids)
    expected = float((before == cs.ACTIVE).mean()) if len(ids) else None
    assert cs.active_share(ids, values) == expected
