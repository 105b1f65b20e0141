"""Issue 14: the bridge's group sums come from one DuckDB join instead of a pandas outer join of
two string indexes; here against the previous method (customer_groups, written again below as
a plain dict walk), on the sample data and on generated frames (overlap, gaps, NaN, statuses)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import bridge as br
from clv_engine import clv
from clv_engine.db import Database
from clv_engine.status import ACTIVE, STATUSES


def _by_hand(start: pd.DataFrame, end: pd.DataFrame, column: str = "clv") -> dict:
    """Customer by customer: (Σ end − start, customers) per group, as the module docstring says."""
    s = {c: (v, st_) for c, v, st_ in zip(start["customer_id"], start[column], start["status"])}
    e = {c: (v, st_) for c, v, st_ in zip(end["customer_id"], end[column], end["status"])}
    out = {"gained": [0.0, 0], "lost": [0.0, 0], "other": [0.0, 0]}
    for cid in set(s) | set(e):
        v0, st0 = s.get(cid, (0.0, None))
        v1, st1 = e.get(cid, (0.0, None))
        v0 = 0.0 if pd.isna(v0) else float(v0)
        v1 = 0.0 if pd.isna(v1) else float(v1)
        a0, a1 = st0 == ACTIVE, st1 == ACTIVE
        group = "gained" if a1 and not a0 else "lost" if a0 and not a1 else "other"
        out[group][0] += v1 - v0
        out[group][1] += 1
    return out


def _check(start: pd.DataFrame, end: pd.DataFrame, column: str = "clv") -> br.Bridge:
    b = br.bridge(start, end, date(2025, 1, 1), date(2026, 1, 1), column)
    hand = _by_hand(start, end, column)
    assert b.gained == pytest.approx(hand["gained"][0], abs=1e-6)
    assert b.lost == pytest.approx(-hand["lost"][0], abs=1e-6)
    assert b.per_customer == pytest.approx(hand["other"][0], abs=1e-6)
    assert (b.gained_customers, b.lost_customers) == (hand["gained"][1], hand["lost"][1])
    assert b.active_start == int((start["status"] == ACTIVE).sum())
    assert b.active_end == int((end["status"] == ACTIVE).sum())
    # and the previous method, still the module's per-customer view
    groups = br.customer_groups(start, end, column)
    diff = groups["end"] - groups["start"]
    assert b.gained == pytest.approx(float(diff[groups["group"] == "gained"].sum()), abs=1e-6)
    assert b.per_customer == pytest.approx(float(diff[groups["group"] == "other"].sum()), abs=1e-6)
    return b


@pytest.mark.parametrize("column", ["clv", "gp_12m"])
def test_sample_year_bridge_as_before(sample_db_path, column):
    db = Database(sample_db_path)
    end_date = date(2026, 9, 15)
    start = clv.customer_values(db, br.comparison_date(end_date, "year"))
    end = clv.customer_values(db, end_date)
    b = _check(start, end, column)
    assert b.start + b.gained - b.lost + b.per_customer == pytest.approx(b.end, rel=1e-9)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 30))
    ids = [f"C{i:02d}" for i in range(n)]

    def side():
        keep = [c for c in ids if draw(st.booleans())]
        values = [draw(st.one_of(st.just(np.nan), st.floats(-1e4, 1e4))) for _ in keep]
        status = [draw(st.sampled_from(STATUSES)) for _ in keep]
        return pd.DataFrame({"customer_id": keep, "clv": values, "status": status})

    return side(), side()


@settings(max_examples=60, deadline=None)
@given(pair=frames())
def test_generated_bridges_as_before(pair):
    _check(*pair)


def test_a_side_without_customers():
    end = pd.DataFrame({"customer_id": ["A", "B"], "clv": [10.0, 5.0], "status": [ACTIVE, "lapsed"]})
    empty = pd.DataFrame({"customer_id": [], "clv": [], "status": []})
    assert _check(empty, end).gained == 10.0
    assert _check(end, empty).lost == 10.0
