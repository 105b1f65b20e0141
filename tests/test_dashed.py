"""ui.widgets.dashed: missing values drawn as "—", numbers and dates in their column's format,
checked against Python's own formatting written here per pattern (hypothesis draws the cells)."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ui.widgets import by_value, dashed

# st.column_config pattern -> the text a person would write for a value, independently.
EXPECTED = {
    "%,d": lambda v: f"{v:,.0f}",
    "%,.1f": lambda v: f"{v:,.1f}",
    "%.1f×": lambda v: f"{v:.1f}×",
    "%.1f%%": lambda v: f"{v:.1f}%",
    "¥%,.0f": lambda v: f"¥{v:,.0f}",
    "percent": lambda v: f"{v * 100:.1f}%",
}

cells = st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False)), min_size=1, max_size=30)


@given(cells, st.sampled_from(sorted(EXPECTED)))
def test_numbers_in_their_format_and_missing_as_a_dash(values, pattern):
    frame = pd.DataFrame({"x": pd.Series(values, dtype=float)})
    frame.loc[0, "x"] = math.nan  # at least one missing value: the column is rewritten
    out, config = dashed(frame, {"x": {"type_config": {"format": pattern}}})
    expected = ["—" if pd.isna(v) else EXPECTED[pattern](v) for v in frame["x"]]
    assert list(out["x"]) == expected
    assert "x" in config  # drawn as right-aligned text now


def test_whole_numbers_without_a_format_get_thousands_and_no_decimals():
    out, _ = dashed(pd.DataFrame({"n": [1234567.0, None, 3.0]}))
    assert list(out["n"]) == ["1,234,567", "—", "3"]
    out, _ = dashed(pd.DataFrame({"n": [1234.56, None]}))
    assert list(out["n"]) == ["1,234.6", "—"]


def test_dates_show_the_day_and_the_time_only_when_there_is_one():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime([datetime(2026, 11, 30), None, datetime(2025, 1, 2)]),
            "stamp": pd.to_datetime([datetime(2026, 11, 30, 9, 5), None, datetime(2026, 1, 1)]),
        }
    )
    out, _ = dashed(frame)
    assert list(out["day"]) == ["2026-11-30", "—", "2025-01-02"]
    assert list(out["stamp"]) == ["2026-11-30 09:05", "—", "2026-01-01"]


def test_columns_without_a_missing_value_are_left_as_they_are():
    frame = pd.DataFrame({"x": [1.5, 2.5], "s": ["a", None]})
    out, _ = dashed(frame)
    assert list(out["x"]) == [1.5, 2.5]
    assert list(out["s"]) == ["a", "—"]


@given(st.lists(st.one_of(st.none(), st.sampled_from(["gold", "silver", "bronze"])), max_size=40))
def test_by_value_labels_like_a_map_and_calls_once_per_distinct_value(values):
    series = pd.Series(values, dtype=object, index=range(10, 10 + len(values)))
    calls = []

    def label(v):
        calls.append(v)
        return "—" if v is None or v != v else v.upper()

    labelled = by_value(series, label)
    assert list(labelled) == [label(v) for v in values] and list(labelled.index) == list(series.index)
    assert len(calls) - len(values) == len(set(map(str, values)))  # once per distinct value
