"""Cells of tables people typed or exported (the allocator's project table, a CRM file)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd


def is_blank(value: object) -> bool:
    """No value: None, NaN/NA/NaT, or text that is only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other container: not blank
        return False


def as_date(value: object) -> date | None:
    """The calendar day of a date, datetime or pandas Timestamp; None for anything else."""
    if isinstance(value, datetime):  # a pandas Timestamp is a datetime too
        return value.date()
    if isinstance(value, date):
        return value
    return None
