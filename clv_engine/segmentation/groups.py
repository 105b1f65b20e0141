"""RFM+CLV six groups (SPEC §2b): the (R, FM) grid and the group of every customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clv_engine.errors import InputError
from clv_engine.segmentation.vocabulary import CODES, SCORE_MAX, SCORE_MIN, SIX_GROUPS, frame_sql

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
    grid = pd.DataFrame(list(rules.grid), columns=["r_level", "fm_level", "grp"])
    clv_param = clv_cut if np.isfinite(clv_cut) else -1e300
    # Only the four numbers the rule reads go to DuckDB (strings cost far more to hand over);
    # the groups come back in row order.
    numbers = pd.DataFrame(
        {
            "row_no": np.arange(len(frame)),
            "r": frame["r"].to_numpy(),
            "f": frame["f"].to_numpy(),
            "m": frame["m"].to_numpy(),
            "clv": clv_values,
        }
    )
    levels = frame_sql(
        SIX_SQL, [rules.high_min, rules.low_max, clv_param, rules.invalid_fallback], scores=numbers, grid=grid
    )
    out = frame.copy()
    for col in ("r_level", "fm_level", "group"):
        out[col] = levels[col].to_numpy()
    out.attrs.update(frame.attrs)
    out.attrs["clv_cut"] = clv_cut
    out.attrs["six_rules"] = rules
    return out
