"""The vocabulary of segmentation: tier and group ids (stable: ids in state, links and saved
scenarios; labels only when drawn, by wording.segmentation), typical shares, the loyalty flags
and their tables, and SQL over frames in memory."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd
import pyarrow as pa

from clv_engine.errors import declare

# Input errors of the segmentation rules (a manager's edit the rules cannot use).
CODES = declare(
    "segmentation",
    "cutoffs_count",
    "cutoffs_negative",
    "cutoffs_rising",
    "score_range",
    "tier_cutoffs",
    "six_levels",
    "invalid_share",
    "fallback",
    "grid_cells",
    "grid_group",
)

# -- tier vocabulary --------------------------------------------------------------------------

RFML_TIERS: tuple[str, ...] = ("platinum", "gold", "silver", "ordinary", "churned")
SIX_GROUPS: tuple[str, ...] = ("vip", "high_value", "potential", "churn_risk", "dormant", "invalid")

# Seed 003's shares of the five tiers, and seed 000's typical share range of the six groups.
RFML_TYPICAL_SHARES: dict[str, tuple[float, float]] = {
    "platinum": (0.05, 0.05),
    "gold": (0.15, 0.15),
    "silver": (0.30, 0.30),
    "ordinary": (0.40, 0.40),
    "churned": (0.10, 0.10),
}
SIX_TYPICAL_SHARES: dict[str, tuple[float, float]] = {
    "vip": (0.05, 0.10),
    "high_value": (0.10, 0.15),
    "potential": (0.15, 0.20),
    "churn_risk": (0.15, 0.20),
    "dormant": (0.20, 0.30),
    "invalid": (0.10, 0.20),
}

SCHEMES: dict[str, tuple[str, ...]] = {"rfml": RFML_TIERS, "six": SIX_GROUPS}
TYPICAL_SHARES: dict[str, dict[str, tuple[float, float]]] = {
    "rfml": RFML_TYPICAL_SHARES,
    "six": SIX_TYPICAL_SHARES,
}

# Loyalty flag -> the table that feeds it.
FLAG_TABLES: dict[str, str] = {
    "has_warranty": "warranties",
    "referred_someone": "referrals",
    "attended_event": "event_attendance",
    "has_complaint": "complaints",
    "seen_at_competitor": "competitor_sightings",
}
# Each flag's evidence, dated so that a past as-of date sees only what was known then.
_FLAG_SOURCES: dict[str, str] = {
    "has_warranty": "SELECT customer_id FROM warranties WHERE sold_date <= (SELECT as_of FROM p)",
    "referred_someone": ("SELECT referrer_id FROM referrals WHERE referral_date <= (SELECT as_of FROM p)"),
    "attended_event": ("SELECT customer_id FROM event_attendance WHERE event_date <= (SELECT as_of FROM p)"),
    "has_complaint": "SELECT customer_id FROM complaints WHERE opened <= (SELECT as_of FROM p)",
    "seen_at_competitor": (
        "SELECT customer_id FROM competitor_sightings WHERE seen_date <= (SELECT as_of FROM p)"
    ),
}

SCORE_MIN, SCORE_MAX = 1, 5

# Aggregations over frames already in memory (CLV joined to scores) also run in DuckDB SQL.
# One in-process database; each call takes its own cursor, so registered frames stay private
# to the call and Streamlit's threads never share a connection (a new connection per call
# costs far more than the query).
_LOCAL = duckdb.connect()


def frame_sql(sql: str, params: Sequence = (), **frames: pd.DataFrame) -> pd.DataFrame:
    """Run ``sql`` over in-memory ``frames`` (registered under their keyword names)."""
    cur = _LOCAL.cursor()
    try:
        for name, frame in frames.items():
            cur.register(name, frame)
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def frame_arrow(sql: str, params: Sequence = (), **frames: pd.DataFrame | pa.Table) -> pa.Table:
    """:func:`frame_sql` brought back as an Arrow table (integer columns with NULLs stay
    integers; no pandas conversion); ``frames`` may be Arrow tables."""
    cur = _LOCAL.cursor()
    try:
        for name, frame in frames.items():
            cur.register(name, frame)
        return cur.sql(sql, params=list(params) or None).to_arrow_table()
    finally:
        cur.close()


def tier_column(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(SCHEMES)}, got {scheme!r}")
    return "tier" if scheme == "rfml" else "group"
