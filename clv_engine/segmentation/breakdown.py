"""Breakdown by tier or group (and by store or region): customers, shares, profit and CLV."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from clv_engine.segmentation.vocabulary import SCHEMES, TYPICAL_SHARES, frame_sql, tier_column

# -- breakdown --------------------------------------------------------------------------------


BREAKDOWN_SQL = """
WITH t AS (
    SELECT {by_cols} {tier} AS tier,
           count(*) AS customers,
           sum({revenue}) AS revenue,
           sum({gp}) AS gross_profit,
           sum(clv) AS total_clv,
           avg(clv) AS avg_clv
    FROM f
    GROUP BY ALL
)
SELECT t.*,
       customers / sum(customers) OVER w AS share,
       gross_profit / nullif(sum(gross_profit) OVER w, 0) AS profit_share,
       total_clv / nullif(sum(total_clv) OVER w, 0) AS clv_share
FROM t
WINDOW w AS ({partition})
"""


def tier_breakdown(
    frame: pd.DataFrame,
    scheme: str = "rfml",
    by: Sequence[str] = (),
    period: str = "12m",
) -> pd.DataFrame:
    """Per tier (and per ``by`` column, e.g. home_store_id): customers, share, revenue,
    gross profit, share of profit, total and average CLV, and the SPEC's typical share.

    ``period``: "12m" sums the last 12 months' revenue and gross profit (what the tier pays
    now), "all" the whole history to the as-of date. Tiers without customers show as 0 rows
    so every chart has all tiers in the same order.
    """
    column = tier_column(scheme)
    if period not in ("12m", "all"):
        raise ValueError(f"period must be '12m' or 'all', got {period!r}")
    needed = {column, "clv", *by}
    needed |= {"spend_12m", "gp_12m"} if period == "12m" else {"revenue", "gross_profit"}
    missing = needed - set(frame.columns)
    if missing:
        raise ValueError(f"tier_breakdown needs columns {sorted(missing)}")
    for col in by:
        if col not in ("home_store_id", "region"):
            raise ValueError(f"by must name home_store_id or region, got {col!r}")
    revenue, gp = ("spend_12m", "gp_12m") if period == "12m" else ("revenue", "gross_profit")
    # As text, whatever the frame holds (a keyed frame's stores are categories): text order.
    by_cols = "".join(f"CAST({c} AS VARCHAR) AS {c}, " for c in by)
    partition = f"PARTITION BY {', '.join(by)}" if by else ""
    sql = BREAKDOWN_SQL.format(
        by_cols=by_cols, tier=f'"{column}"', revenue=revenue, gp=gp, partition=partition
    )
    out = frame_sql(sql, f=frame[sorted(needed)])
    return _complete_tiers(out, scheme, list(by))


def _complete_tiers(out: pd.DataFrame, scheme: str, by: list[str]) -> pd.DataFrame:
    tiers = list(SCHEMES[scheme])
    keys = out[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    grid = keys.merge(pd.DataFrame({"tier": tiers}), how="cross")
    full = grid.merge(out, on=[*by, "tier"], how="left")
    for col in ("customers", "revenue", "gross_profit", "total_clv", "share"):
        full[col] = full[col].fillna(0)
    full["customers"] = full["customers"].astype("int64")
    typical = TYPICAL_SHARES[scheme]
    full["typical_low"] = full["tier"].map(lambda t: typical[t][0])
    full["typical_high"] = full["tier"].map(lambda t: typical[t][1])
    full["tier"] = pd.Categorical(full["tier"], categories=tiers, ordered=True)
    full = full.sort_values([*by, "tier"]).reset_index(drop=True)
    full["tier"] = full["tier"].astype(str)
    return full[
        [
            *by,
            "tier",
            "customers",
            "share",
            "typical_low",
            "typical_high",
            "revenue",
            "gross_profit",
            "profit_share",
            "total_clv",
            "avg_clv",
            "clv_share",
        ]
    ]
