"""The CLV-driven KPI scorecard of SPEC §7 (seed 000), per store and month.

Seven KPIs and their SPEC weights: CLV growth 25%, retention 20%, NPS 15%, after-sales gross
profit 15%, ticket size and frequency 10%, first-time-fix rate 10%, technician efficiency 5%.

Every KPI of a store on a date covers the 12 months to that date, so the seven are measured
over the same period and the monthly trend is a rolling year (no seasonal saw-tooth):
- CLV growth: the total CLV of the store's customers (home store) now against a year before.
- retention: of the store's customers who visited in the year before last, the share who came
  back in the last year (the same rule as clv.estimate_retention, per store).
- after-sales gross profit: gross profit of the orders served at the store.
- ticket size and frequency: revenue per order, and orders per active customer, at the store;
  the KPI is the mean of their two normalised scores.
- NPS, first-time-fix rate, technician efficiency: the monthly store_kpis rows, averaged.

Each KPI is normalised across the stores on the same date (best 100, worst 0; every store 50
when they are all equal), and the score is the weighted mean of the normalised KPIs. A KPI
with no data (e.g. an empty store_kpis table) is left out and the other weights are scaled up
so the score stays on 0..100; ``missing_kpis`` says which.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import clv, errors, kpi_sql
from clv_engine.db import Database
from clv_engine.derived import kpi as derived_kpi
from clv_engine.errors import InputError

CODES = errors.declare("kpi", "weight_range", "weights_sum", "unknown_weights")

KPIS: tuple[str, ...] = (
    "clv_growth",
    "retention",
    "nps",
    "after_sales_gp",
    "ticket_frequency",
    "first_time_fix",
    "technician_efficiency",
)
# The table each KPI is computed from: the page names it when it is empty.
KPI_SOURCE: dict[str, str] = {
    "clv_growth": "orders",
    "retention": "orders",
    "nps": "store_kpis",
    "after_sales_gp": "orders",
    "ticket_frequency": "orders",
    "first_time_fix": "store_kpis",
    "technician_efficiency": "store_kpis",
}
# Raw columns behind each KPI (ticket_frequency has two).
RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    "clv_growth": ("clv_growth",),
    "retention": ("retention",),
    "nps": ("nps",),
    "after_sales_gp": ("after_sales_gp",),
    "ticket_frequency": ("ticket_size", "frequency"),
    "first_time_fix": ("first_time_fix",),
    "technician_efficiency": ("technician_efficiency",),
}


@dataclass(frozen=True)
class KpiWeights:
    """SPEC §7 weights; they must sum to 100%."""

    clv_growth: float = 0.25
    retention: float = 0.20
    nps: float = 0.15
    after_sales_gp: float = 0.15
    ticket_frequency: float = 0.10
    first_time_fix: float = 0.10
    technician_efficiency: float = 0.05

    def validate(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not 0 <= value <= 1:
                raise InputError(CODES["weight_range"], kpi=f.name, value=value)
        total = sum(self.as_dict().values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(CODES["weights_sum"], total=total)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_percent(cls, percents: Mapping[str, float]) -> KpiWeights:
        unknown = set(percents) - set(KPIS)
        if unknown:
            raise InputError(CODES["unknown_weights"], names=", ".join(sorted(unknown)))
        return replace(cls(), **{k: v / 100 for k, v in percents.items()})


# -- dates ------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def year_before(d: date) -> date:
    """The same day a year earlier (29 February falls back to the 28th)."""
    day = min(d.day, calendar.monthrange(d.year - 1, d.month)[1])
    return date(d.year - 1, d.month, day)


def month_ends(as_of: date, months: int) -> list[date]:
    """``as_of`` and the last day of each of the ``months - 1`` months before, oldest first."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    out = [as_of]
    y, m = as_of.year, as_of.month
    for _ in range(months - 1):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        out.append(_month_end(y, m))
    return sorted(out)


# -- raw KPIs ---------------------------------------------------------------------------------

RAW_SQL = """
WITH d AS (SELECT unnest(CAST(? AS DATE[])) AS as_of),
days AS (
    -- orders per store and day (a few thousand rows per store), summed over each window below
    SELECT store_id, order_date, count(*) AS orders, sum(revenue) AS revenue,
           sum(gross_profit) AS gross_profit
    FROM orders
    WHERE order_date > (SELECT min(as_of) FROM d) - INTERVAL 365 DAY
      AND order_date <= (SELECT max(as_of) FROM d)
    GROUP BY ALL
),
sv AS (
    -- each customer's visit days at each store, with their next visit day at that store
    SELECT store_id, customer_id, order_date AS visit,
           lead(order_date) OVER (PARTITION BY store_id, customer_id ORDER BY order_date) AS next_visit
    FROM (SELECT DISTINCT store_id, customer_id, order_date FROM orders
          WHERE order_date > (SELECT min(as_of) FROM d) - INTERVAL 365 DAY
            AND order_date <= (SELECT max(as_of) FROM d))
),
w AS (
    -- orders served at each store in the 12 months to each date
    SELECT d.as_of, days.store_id,
           CAST(sum(days.orders) AS BIGINT) AS orders, sum(days.revenue) AS revenue,
           sum(days.gross_profit) AS gross_profit
    FROM d JOIN days
      ON days.order_date > d.as_of - INTERVAL 365 DAY AND days.order_date <= d.as_of
    GROUP BY ALL
),
a AS (
    -- the store's active customers in those 12 months: a visit day counts on the dates from
    -- it to the earlier of a year later and the customer's next visit there (excluded), so on
    -- each date: the visits on or before it less the ends on or before it
    SELECT d.as_of, ev.store_id, CAST(sum(ev.delta) AS BIGINT) AS active_customers
    FROM d JOIN (
        SELECT store_id, day, sum(delta) AS delta
        FROM (SELECT store_id, visit AS day, 1 AS delta FROM sv
              UNION ALL
              SELECT store_id, least(visit + 365, coalesce(next_visit, visit + 365)), -1 FROM sv)
        GROUP BY ALL
    ) ev ON ev.day <= d.as_of
    GROUP BY ALL
    HAVING sum(ev.delta) > 0
),
k AS (
    -- monthly store KPIs of the 12 months to each date
    SELECT d.as_of, s.store_id,
           avg(s.nps) AS nps,
           avg(s.first_time_fix_rate) AS first_time_fix,
           avg(s.technician_efficiency) AS technician_efficiency
    FROM d JOIN store_kpis s
      ON s.month > date_trunc('month', d.as_of) - INTERVAL 12 MONTH
     AND s.month <= d.as_of
    GROUP BY ALL
)
SELECT st.store_id, d.as_of,
       w.orders, w.revenue, a.active_customers,
       w.gross_profit AS after_sales_gp,
       w.revenue / nullif(w.orders, 0) AS ticket_size,
       w.orders / nullif(a.active_customers, 0) AS frequency,
       k.nps, k.first_time_fix, k.technician_efficiency
FROM d CROSS JOIN stores st
LEFT JOIN w ON w.as_of = d.as_of AND w.store_id = st.store_id
LEFT JOIN a ON a.as_of = d.as_of AND a.store_id = st.store_id
LEFT JOIN k ON k.as_of = d.as_of AND k.store_id = st.store_id
ORDER BY st.store_id, d.as_of
"""

# The historical CLV of clv.customer_values, summed per home store inside DuckDB. Customers of
# one home store with the same days since their last activity have the same absence weight, so
# the query returns one row per (store, days) with their annual gross profit summed (tens of
# thousands of rows, not a row per customer) and the weight (clv.absence_weight, the one rule)
# is applied to those rows: Σ annual_gp × weight × annuity = Σ_days weight × Σ annual_gp × annuity.
CLV_BY_STORE_SQL = """
SELECT home_store_id AS store_id, recency_days,
       sum(gross_profit / greatest(tenure_years, 1.0)) AS annual_gp,
       count(*) AS customers
FROM ({values}) v
WHERE home_store_id IS NOT NULL
GROUP BY ALL
""".replace("{values}", clv.CUSTOMER_VALUES_SQL)


def store_clv(db: Database, as_of: date, params: clv.CLVParams = clv.CLVParams()) -> pd.DataFrame:
    """Total CLV of each home store's customers on ``as_of`` (the sum of clv.customer_values'
    ``clv`` per ``home_store_id``): store_id, clv_total, customers."""
    params.validate()
    retention, _source = clv.retention_for(db, as_of, params)
    groups = db.query_df(CLV_BY_STORE_SQL, [as_of] * 7)
    weight = clv.absence_weight(
        groups["recency_days"].to_numpy(dtype=float), retention, clv.return_rates(db, as_of)
    )
    factor = clv.annuity_factor(retention, params.discount_rate, params.horizon_years)
    groups["clv_total"] = groups["annual_gp"].to_numpy(dtype=float) * weight * factor
    return groups.groupby("store_id", as_index=False).agg(
        clv_total=("clv_total", "sum"), customers=("customers", "sum")
    )


def raw_kpis(
    db: Database,
    dates: Sequence[date],
    params: clv.CLVParams = clv.CLVParams(),
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per store and date with the raw value of every KPI (NaN when no data).

    ``known``: rows this function returned before (same database and ``params``); their dates
    are not computed again, and their CLV (on each date and the year before) is reused."""
    if not dates:
        raise ValueError("dates must not be empty")
    dates = sorted(set(dates))
    have = pd.DataFrame() if known is None else known
    done = set(have["as_of"]) if len(have) else set()
    todo = [d for d in dates if d not in done]
    parts = [have[have["as_of"].isin(set(dates))]] if done else []
    if todo:
        # The rows kept in the file (clv_engine.derived.kpi) where it has them, else computed.
        stored = derived_kpi.kept(db, params.retention)
        frame = _raw_rows(db, todo, stored)
        # Every date's CLV and the year before's, and the stores' retention, in one query
        # (month ends a year apart share dates); a CLV already known is not valued again.
        reused = _known_clv(have)
        wanted = (set(todo) | {year_before(d) for d in todo}) - set(reused["as_of"])
        every, kept = kpi_sql.figures(_clv_rows(db, sorted(wanted | set(todo)), params, stored), params)
        every = pd.concat([every[~every["as_of"].isin(set(reused["as_of"]))], reused], ignore_index=True)
        parts.append(with_clv_growth(with_retention(frame, kept), every, todo))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    for col in ("after_sales_gp", "orders", "revenue", "active_customers"):
        # A store with no order in the year did have zero gross profit, if any store had orders.
        if out[col].notna().any():
            out[col] = out[col].fillna(0)
    # Rows read from the file (Arrow: pandas' str) and rows computed (DuckDB: object, or str
    # once concatenated with the former) must give the same frame whichever path each took.
    out["store_id"] = out["store_id"].astype(object)
    return out.sort_values(["store_id", "as_of"]).reset_index(drop=True)


def _raw_rows(db: Database, dates: list[date], stored: derived_kpi.Kept | None) -> pd.DataFrame:
    """RAW_SQL's rows on ``dates``: read where the file keeps them, the other dates computed."""
    have = [d for d in dates if stored is not None and d in stored.raw_dates]
    fresh = [d for d in dates if d not in set(have)]
    parts = [derived_kpi.raw_rows(db, have)] if have else []
    if fresh:
        parts.append(db.query_df(RAW_SQL, [fresh]))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame


def _clv_rows(
    db: Database, dates: list[date], params: clv.CLVParams, stored: derived_kpi.Kept | None
) -> pd.DataFrame:
    """kpi_sql.DATED_SQL's rows on ``dates``: read where the file keeps them, else computed."""
    params.validate()
    have = [d for d in dates if stored is not None and d in stored.clv_dates]
    fresh = [d for d in dates if d not in set(have)]
    parts = [derived_kpi.clv_rows(db, have)] if have else []
    if fresh:
        parts.append(kpi_sql.found_rows(db, fresh, params))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _known_clv(raw: pd.DataFrame) -> pd.DataFrame:
    """store_id, as_of, clv_total of every date ``raw`` values (its dates and the years before)."""
    if not len(raw):
        return pd.DataFrame({"store_id": pd.Series(dtype=object), "as_of": [], "clv_total": []})
    now = raw[["store_id", "as_of", "clv_total"]]
    before = raw[["store_id", "as_of", "clv_total_prior"]].rename(columns={"clv_total_prior": "clv_total"})
    before = before.assign(as_of=[year_before(d) for d in before["as_of"]])
    both = pd.concat([now, before], ignore_index=True).dropna(subset=["clv_total"])
    return both.drop_duplicates(["store_id", "as_of"]).reset_index(drop=True)


def with_retention(frame: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each home store's retention and its base (0 when nobody to keep)."""
    out = frame.merge(kept, on=["store_id", "as_of"], how="left")
    out["retention_base"] = out["retention_base"].fillna(0).astype("int64")
    return out[
        [
            *frame.columns[: frame.columns.get_loc("frequency") + 1],
            "retention",
            "retention_base",
            *frame.columns[frame.columns.get_loc("frequency") + 1 :],
        ]
    ]


def with_clv_growth(frame: pd.DataFrame, every: pd.DataFrame, dates: Sequence[date]) -> pd.DataFrame:
    """``frame`` (RAW_SQL's rows) with clv_total, clv_total_prior and clv_growth from ``every``
    (store_id, as_of, clv_total on each date and the year before), and zeros where a store had
    no order."""
    totals = every[["store_id", "as_of", "clv_total"]]
    # Each date with the day a year before it, joined at once (a merge per date was most of a
    # page's first render once the figures are kept in the file).
    wanted = pd.DataFrame({"as_of": list(dates), "prior_day": [year_before(d) for d in dates]})
    now = totals.merge(wanted, on="as_of")
    before = totals.rename(columns={"as_of": "prior_day", "clv_total": "clv_total_prior"})
    g = now.merge(before, on=["store_id", "prior_day"], how="left")
    prior = g["clv_total_prior"]
    # Growth against nothing (a new store, no history a year ago) is not a growth rate.
    g["clv_growth"] = np.where(prior > 0, g["clv_total"] / prior.where(prior > 0) - 1, np.nan)
    growth = g[["store_id", "as_of", "clv_total", "clv_total_prior", "clv_growth"]]
    return frame.merge(growth, on=["store_id", "as_of"], how="left")


# -- normalised scores ------------------------------------------------------------------------


def _minmax_by_date(values: pd.Series, dates: pd.Series) -> pd.Series:
    """Min-max within each date: the best store 100, the worst 0, all 50 when they are equal,
    NaN stays NaN (vectorised: a Python call per date was most of a rerun at 24 months)."""
    values = values.astype(float)
    by = values.groupby(dates, sort=False)  # the order of the dates does not matter here
    lo, hi = by.transform("min"), by.transform("max")
    span = hi - lo
    flat = span < 1e-12  # every store equal (False where the date has no value at all)
    scaled = (values - lo) / span.where(~flat) * 100
    return scaled.where(~flat, values.where(values.isna(), 50.0))


def normalise(raw: pd.DataFrame) -> pd.DataFrame:
    """Adds ``norm_<kpi>`` (0..100 across the stores on the same date)."""
    out = raw.copy()
    parts = {}
    for col in sorted({c for cols in RAW_COLUMNS.values() for c in cols}):
        parts[col] = _minmax_by_date(out[col], out["as_of"])
    for kpi, cols in RAW_COLUMNS.items():
        # Ticket size and frequency: the mean of the two that have data.
        out[f"norm_{kpi}"] = pd.concat([parts[c] for c in cols], axis=1).mean(axis=1, skipna=True)
    return out


@dataclass(frozen=True)
class Scorecard:
    table: pd.DataFrame  # store_id, as_of, raw KPIs, norm_<kpi>, part_<kpi>, score, rank
    weights: KpiWeights
    missing_kpis: tuple[str, ...]  # KPIs without any data: left out, weights rescaled

    def on(self, as_of: date) -> pd.DataFrame:
        """The ranking on one date, best first."""
        return self.table[self.table["as_of"] == as_of].sort_values("rank").reset_index(drop=True)


def score(raw: pd.DataFrame, weights: KpiWeights = KpiWeights()) -> Scorecard:
    """Weighted score of each store and date, and its rank among the stores (1 = best).

    ``part_<kpi>`` is the KPI's contribution (points) to the score, so the parts add up to it.
    """
    weights.validate()
    table = normalise(raw)
    w = weights.as_dict()
    missing = tuple(k for k in KPIS if table[f"norm_{k}"].isna().all())
    norms = table[[f"norm_{k}" for k in KPIS]].to_numpy(dtype=float)
    wv = np.array([w[k] for k in KPIS])
    have = ~np.isnan(norms)
    # Per row: the weights of the KPIs it has, scaled to 100%.
    used = (have * wv).sum(axis=1)
    scale = np.divide(1.0, used, out=np.full(len(used), np.nan), where=used > 0)
    parts = np.where(have, norms, 0.0) * wv * scale[:, None]
    for i, k in enumerate(KPIS):
        table[f"part_{k}"] = np.where(have[:, i], parts[:, i], np.nan)
    table["score"] = np.where(used > 0, parts.sum(axis=1), np.nan)
    table["rank"] = table.groupby("as_of")["score"].rank(ascending=False, method="min")
    return Scorecard(table, weights, missing)
