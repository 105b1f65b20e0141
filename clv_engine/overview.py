"""Headline figures of the overview page, computed from the per-customer frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clv_engine.clv import top_share
from clv_engine.status import ACTIVE, LAPSED, LAPSING, status_counts


@dataclass(frozen=True)
class Headline:
    customers: int
    active_customers: int  # status "active" (clv_engine.status): last activity within a year
    total_clv: float
    average_clv: float
    gross_profit_12m: float
    top20_profit_share: float  # share of all-time gross profit from the top 20% of customers
    loss_making_share: float  # customers whose gross profit to date is below zero
    lapsing_customers: int = 0  # status "lapsing": one yearly service missed
    lapsed_customers: int = 0  # status "lapsed": a win-back case


def headline(values: pd.DataFrame) -> Headline:
    n = len(values)
    counts = status_counts(values["recency_days"])
    return Headline(
        customers=n,
        active_customers=counts[ACTIVE],
        lapsing_customers=counts[LAPSING],
        lapsed_customers=counts[LAPSED],
        total_clv=float(values["clv"].sum()),
        average_clv=float(values["clv"].mean()) if n else float("nan"),
        gross_profit_12m=float(values["gp_12m"].sum()),
        top20_profit_share=top_share(values["gross_profit"], 0.2),
        loss_making_share=float((values["gross_profit"] < 0).mean()) if n else float("nan"),
    )


def histogram(values: pd.Series, bins: int = 40, clip_quantile: float = 0.99) -> pd.DataFrame:
    """Binned counts for a chart (a chart never gets a million raw points).

    The top 1% (values at or above the 99th percentile) go into one last, open-ended bin
    (``open_ended``), drawn as wide as the others, so one outlier does not squash the
    picture; the chart labels it "¥X and above" with X its ``left`` edge, the percentile.
    """
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if len(data) == 0:
        return pd.DataFrame({"left": [], "right": [], "count": [], "open_ended": []})
    high = float(np.quantile(data, clip_quantile))
    low = float(data.min())
    if high <= low:
        high = low + 1.0
    counts, edges = np.histogram(data[data < high], bins=bins - 1, range=(low, high))
    width = edges[1] - edges[0]
    return pd.DataFrame(
        {
            "left": [*edges[:-1], high],
            "right": [*edges[1:], high + width],
            "count": [*counts, int((data >= high).sum())],
            "open_ended": [False] * (bins - 1) + [True],
        }
    )
