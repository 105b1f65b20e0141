"""A breakdown's table from its sums per place and tier (issue 14): ``keyed.shaped``'s rows
(``breakdown.tier_breakdown``'s) built in numpy, for the whole group's breakdowns by arrays
(``clv_engine.segmentation.grouped``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_engine.segmentation.vocabulary import SCHEMES, TYPICAL_SHARES


def table(part: dict[str, np.ndarray], names: list[str], by: tuple[str, ...], scheme: str) -> pd.DataFrame:
    """``keyed.shaped``'s rows (``tier_breakdown``'s) from the sums per place and tier (``part``:
    customers, revenue, gross_profit, total_clv, each places x tiers, row 0 the customers of no
    place; without ``by`` one row, the whole): every tier of each place with customers, the
    places in text order (none last), the average, and the shares of each place's whole."""
    counts = part["customers"]
    if by:
        present = np.flatnonzero(counts.sum(axis=1))
        rows = np.concatenate([present[present > 0], present[present == 0]])
    else:
        rows = np.zeros(1, dtype="int64")
    order = SCHEMES[scheme]
    k = len(order)
    c = counts[rows].astype("int64")
    sums = {name: part[name][rows] for name in ("revenue", "gross_profit", "total_clv")}
    empty = c == 0  # a tier without customers: 0 customers, revenue, profit, CLV and share; no ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(empty, 0.0, c / c.sum(axis=1, keepdims=True).astype(float))

        def of_whole(values: np.ndarray) -> np.ndarray:
            whole = values.sum(axis=1, keepdims=True)
            return np.where(empty, np.nan, values / np.where(whole != 0, whole, np.nan))

        avg = np.where(empty, np.nan, sums["total_clv"] / c)
        profit_share, clv_share = of_whole(sums["gross_profit"]), of_whole(sums["total_clv"])
    typical = TYPICAL_SHARES[scheme]
    places = len(rows)
    columns = {}
    if by:
        at = [names[p - 1] if p > 0 else None for p in rows for _ in range(k)]
        columns[by[0]] = pd.Series(at, dtype="str")
    columns.update(
        {
            "tier": pd.Series(list(order) * places, dtype="str"),
            "customers": c.reshape(-1),
            "share": share.reshape(-1),
            "typical_low": np.tile([typical[t][0] for t in order], places).astype(float),
            "typical_high": np.tile([typical[t][1] for t in order], places).astype(float),
            "revenue": sums["revenue"].reshape(-1),
            "gross_profit": sums["gross_profit"].reshape(-1),
            "profit_share": profit_share.reshape(-1),
            "total_clv": sums["total_clv"].reshape(-1),
            "avg_clv": avg.reshape(-1),
            "clv_share": clv_share.reshape(-1),
        }
    )
    return pd.DataFrame(columns)
