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


# What the overview reads of each customer (``ui.queries.COMPARISON_COLUMNS`` but the ids):
# numbers only, so a million customers are a few numeric arrays, not a million text ids.
KEPT_COLUMNS = ("recency_days", "gross_profit", "gp_12m", "tenure_years")


def kept_rows(db, as_of, store_ids, params, model: str):
    """Where ``derived_values`` keeps ``as_of`` (and, for the predictive model, its predictions
    at ``params``): (the group's database, predicted?, the WHERE of the scope's rows and its
    parameters); None: not kept (compute)."""
    from clv_engine.derived import store
    from clv_engine.scope import group_database

    params.validate()
    group = group_database(db)
    if store.kept_date(group, as_of) is None:
        return None
    predicted = model == "predictive"
    if predicted and not store.predictions_kept(group, as_of, params.horizon_years, params.discount_rate):
        return None
    where, values = store._where(as_of, ("",) if store_ids == () else store_ids)
    return group, predicted, where, values


def kept_values(db, as_of, store_ids, params, model: str, extra: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """The overview's per-customer frame from ``derived_values`` when it keeps this date (and,
    for the predictive model, its predictions at ``params``): the figures of
    ``clv.customer_values`` with the model's CLV (``predictive.values_for_model``), the same
    rows in the same order, with ``customer_id`` the table's integer ``cust_key`` (the same
    customer has the same key on every date of one build); ``extra``: more columns of the
    table. None: not kept (compute)."""
    from clv_engine import clv, predictive
    from clv_engine.derived import store

    found = kept_rows(db, as_of, store_ids, params, model)
    if found is None:
        return None
    group, predicted, where, values = found
    columns = ["cust_key AS customer_id", *KEPT_COLUMNS, *extra, *(store.PREDICTED if predicted else ())]
    frame = store._read_frame(
        db, f"SELECT {store._IN_ORDER}, {', '.join(columns)} FROM {store.VALUES_TABLE}{where}", values
    )
    retention, source = clv.retention_for(group, as_of, params)
    frame["status"] = clv.status_column(frame["recency_days"])
    frame.attrs["return_rates"] = clv.return_rates(group, as_of)
    out = clv.add_historical_clv(frame[["customer_id", *KEPT_COLUMNS, *extra, "status"]], retention, params)
    out.attrs["retention_source"] = source
    if not predicted:
        return predictive.values_for_model(out, model, None)
    kept = pd.DataFrame({"customer_id": frame["customer_id"].to_numpy()})
    for column in store.PREDICTED:
        kept[column] = frame[column].to_numpy()
    return predictive.values_for_model(out, model, kept)


_KEPT_GROUP_SUMS_SQL = """
SELECT CASE WHEN coalesce(e.act, false) AND NOT coalesce(s.act, false) THEN 'gained'
            WHEN coalesce(s.act, false) AND NOT coalesce(e.act, false) THEN 'lost'
            ELSE 'other' END AS grp,
       sum(coalesce(e.v, 0) - coalesce(s.v, 0)) AS diff,
       count(*) AS customers
FROM bridge_start s FULL OUTER JOIN bridge_end e USING (customer_id)
GROUP BY grp
"""


def kept_bridge(start_values: pd.DataFrame, end_values: pd.DataFrame, start_date, end_date):
    """``bridge.bridge`` of the CLV between two :func:`kept_values` frames: the same groups and
    sums (``bridge._GROUP_SUMS_SQL``), the integer ids joined as they are (no cast to text)."""
    import duckdb

    from clv_engine import bridge

    start_side, end_side = bridge._side(start_values, "clv"), bridge._side(end_values, "clv")
    con = duckdb.connect()
    try:
        con.register("bridge_start", start_side)
        con.register("bridge_end", end_side)
        rows = con.execute(_KEPT_GROUP_SUMS_SQL).fetchall()
    finally:
        con.close()
    sums = {g: (0.0, 0) for g in ("gained", "lost", "other")}
    sums.update({g: (float(d or 0.0), int(n)) for g, d, n in rows})
    act_s, act_e = start_side["act"].to_numpy(), end_side["act"].to_numpy()
    return bridge.Bridge(
        start_date=start_date,
        end_date=end_date,
        start=float(start_values["clv"].astype(float).sum()),
        gained=sums["gained"][0],
        lost=-sums["lost"][0],
        per_customer=sums["other"][0],
        end=float(end_values["clv"].astype(float).sum()),
        customers_start=len(start_values),
        customers_end=len(end_values),
        active_start=int(act_s.sum()),
        active_end=int(act_e.sum()),
        gained_customers=sums["gained"][1],
        lost_customers=sums["lost"][1],
    )
