"""RFM+CLV six groups (SPEC §2b): the (R, FM) grid and the group of every customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from clv_engine.errors import InputError
from clv_engine.segmentation.vocabulary import CODES, SCORE_MAX, SCORE_MIN, SIX_GROUPS

# -- six groups (SPEC §2b) --------------------------------------------------------------------

LEVELS: tuple[str, ...] = ("high", "mid", "low")

# The strict patterns of seed 000 are the diagonal of this grid (R level × level of F and M
# together: high when both are high, low when both are low, mid otherwise); the other cells
# are a default a manager can change, so that every customer lands in exactly one group.
DEFAULT_GRID: dict[tuple[str, str], str] = {
    ("high", "high"): "vip",
    ("mid", "high"): "high_value",
    ("low", "high"): "churn_risk",
    ("high", "mid"): "potential",
    ("mid", "mid"): "dormant",
    ("low", "mid"): "churn_risk",
    ("high", "low"): "potential",
    ("mid", "low"): "dormant",
    ("low", "low"): "invalid",
}


@dataclass(frozen=True)
class SixGroupRules:
    """SPEC §2b: a score ≥ ``high_min`` is high, ≤ ``low_max`` low, in between mid.

    ``invalid`` needs R, F and M all low *and* a CLV in the bottom ``invalid_clv_share`` of
    customers (or negative); an all-low customer who fails the CLV test goes to
    ``invalid_fallback``.
    """

    high_min: int = 4
    low_max: int = 2
    invalid_clv_share: float = 0.20
    invalid_fallback: str = "dormant"
    grid: tuple[tuple[str, str, str], ...] = tuple((r, fm, g) for (r, fm), g in DEFAULT_GRID.items())

    def grid_map(self) -> dict[tuple[str, str], str]:
        return {(r, fm): g for r, fm, g in self.grid}

    def validate(self) -> None:
        if not SCORE_MIN <= self.low_max < self.high_min <= SCORE_MAX:
            raise InputError(
                CODES["six_levels"], field="low_max", low_max=self.low_max, high_min=self.high_min
            )
        if not 0 <= self.invalid_clv_share <= 1:
            raise InputError(CODES["invalid_share"], field="invalid_clv_share", value=self.invalid_clv_share)
        if self.invalid_fallback not in SIX_GROUPS or self.invalid_fallback == "invalid":
            raise InputError(CODES["fallback"], field="invalid_fallback", group=self.invalid_fallback)
        cells = self.grid_map()
        expected = {(r, fm) for r in LEVELS for fm in LEVELS}
        if set(cells) != expected or len(self.grid) != 9:
            raise InputError(CODES["grid_cells"], field="grid")
        for (r, fm), group in cells.items():
            if group not in SIX_GROUPS:
                raise InputError(CODES["grid_group"], field="grid", r=r, fm=fm, group=group)

    def with_grid(self, cells: Mapping[tuple[str, str], str]) -> SixGroupRules:
        from dataclasses import replace

        return replace(self, grid=tuple((r, fm, g) for (r, fm), g in cells.items()))


SIX_SQL = """
WITH p AS (SELECT ? AS high_min, ? AS low_max, CAST(? AS DOUBLE) AS clv_cut, ? AS fallback),
lv AS (
    SELECT s.row_no, s.r, s.f, s.m, s.clv,
           CASE WHEN r >= high_min THEN 'high' WHEN r <= low_max THEN 'low' ELSE 'mid' END AS r_level,
           CASE WHEN f >= high_min AND m >= high_min THEN 'high'
                WHEN f <= low_max AND m <= low_max THEN 'low' ELSE 'mid' END AS fm_level
    FROM scores s CROSS JOIN p
),
cell AS (
    SELECT lv.*, g.grp
    FROM lv LEFT JOIN grid g ON g.r_level = lv.r_level AND g.fm_level = lv.fm_level
)
SELECT r_level, fm_level,
       CASE WHEN grp = 'invalid'
                 AND NOT (r_level = 'low' AND f <= low_max AND m <= low_max
                          AND (clv < 0 OR clv <= clv_cut))
            THEN fallback ELSE grp END AS "group"
FROM cell CROSS JOIN p
ORDER BY row_no
"""


def six_groups(scores_with_clv: pd.DataFrame, rules: SixGroupRules = SixGroupRules()) -> pd.DataFrame:
    """Adds r_level, fm_level and ``group`` (SPEC §2b) to scores that carry a ``clv`` column.

    The CLV cut is the ``invalid_clv_share`` quantile of CLV among the customers given.
    """
    rules.validate()
    if "clv" not in scores_with_clv.columns:
        raise ValueError("six_groups needs a 'clv' column (join clv.customer_values first)")
    frame = scores_with_clv
    clv_values = frame["clv"].to_numpy(dtype=float)
    finite = clv_values[np.isfinite(clv_values)]
    # No customers (or a share of 0): nobody is cut on CLV except the negative ones.
    if len(finite) and rules.invalid_clv_share > 0:
        clv_cut = float(np.quantile(finite, rules.invalid_clv_share))
    else:
        clv_cut = -np.inf
    # Array arithmetic, as SIX_SQL reads the rule: the levels by code (LEVELS' order), the
    # group from the 3 × 3 grid, and "invalid" kept only for the all-low customers at or under
    # the cut (a missing CLV compares NULL there, which keeps the grid's "invalid").
    r, f, m = (frame[c].to_numpy(dtype=float) for c in ("r", "f", "m"))
    high, low = rules.high_min, rules.low_max
    r_code = np.where(r >= high, 0, np.where(r <= low, 2, 1))
    fm_code = np.where((f >= high) & (m >= high), 0, np.where((f <= low) & (m <= low), 2, 1))
    cells = rules.grid_map()
    groups = list(SIX_GROUPS)
    grid = np.array([[groups.index(cells[(rl, fl)]) for fl in LEVELS] for rl in LEVELS])
    group = grid[r_code, fm_code]
    with np.errstate(invalid="ignore"):
        cut_ok = np.isnan(clv_values) | (clv_values < 0) | (clv_values <= clv_cut)
    keeps = (r_code == 2) & (f <= low) & (m <= low) & cut_ok
    fallback = groups.index(rules.invalid_fallback)
    group = np.where((group == groups.index("invalid")) & ~keeps, fallback, group)
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame keeps its columns
    for col, codes, names in (
        ("r_level", r_code, LEVELS),
        ("fm_level", fm_code, LEVELS),
        ("group", group, groups),
    ):
        text = pa.DictionaryArray.from_arrays(
            pa.array(codes.astype("int8")), pa.array(names)
        ).dictionary_decode()
        out[col] = pd.Series(text, dtype="str", index=frame.index)
    out.attrs.update(frame.attrs)
    out.attrs["clv_cut"] = clv_cut
    out.attrs["six_rules"] = rules
    return out
