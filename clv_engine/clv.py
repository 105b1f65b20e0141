"""The CLV models of SPEC §1, and per-customer CLV computed from the orders in DuckDB.

Formulas (SPEC §1):
- historical simple:   annual spend × lifetime years × gross margin
- simple net:          annual revenue × years − acquisition cost − service cost
- realised value:      the sum of past gross profit
- DCF:                 Σ_t spend_t × margin_t × S_t / (1 + d)^t, S_t the survival to year t
                       (a survival curve, or a constant yearly retention r with S_t = r^t)
- component ("NIO"):   purchase margin + after-sales margin + repurchase + referral − extra cost
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from clv_engine.db import Database
from clv_engine.derived import store as derived
from clv_engine.status import status_column


def historical_clv(annual_spend: float, lifetime_years: float, gross_margin: float) -> float:
    """SPEC §1: 5,000 × 6 × 35% = 10,500."""
    return annual_spend * lifetime_years * gross_margin


def simple_net_clv(
    annual_revenue: float, years: float, acquisition_cost: float, service_cost: float
) -> float:
    """Seed 004: revenue over the relationship less what it cost to win and serve."""
    return annual_revenue * years - acquisition_cost - service_cost


def realised_value(gross_profits: Sequence[float]) -> float:
    """Seed 004: the gross profit a customer has already brought (40 × 10 years = 400)."""
    return float(np.sum(gross_profits))


@dataclass(frozen=True)
class DcfYear:
    year: int
    spend: float
    survival: float
    gross_profit: float
    discount_factor: float
    present_value: float


def survival_from_retention(retention: float, years: int) -> list[float]:
    """Constant yearly retention r: S_t = r^t for t = 1..years."""
    if not 0 <= retention <= 1:
        raise ValueError(f"retention must be between 0 and 1, got {retention}")
    return [retention**t for t in range(1, years + 1)]


def extend_survival_linearly(survival: Sequence[float], step: float) -> list[float]:
    """The seed's "7+" rule: after the last given year, S falls by ``step`` a year until 0."""
    extended = list(survival)
    while extended and extended[-1] - step > 1e-12:
        extended.append(round(extended[-1] - step, 10))
    return extended


def dcf_clv(
    spend: Sequence[float] | float,
    margin: Sequence[float] | float,
    survival: Sequence[float],
    discount_rate: float,
) -> list[DcfYear]:
    """Year-by-year present values; spend and margin may be one number or one per year.

    When fewer spends than survival years are given, the last spend carries on (the seed's
    "7+" years keep year 6's spend).
    """
    if discount_rate <= -1:
        raise ValueError("discount rate must be above -100%")
    years = len(survival)
    spends = _per_year(spend, years, "spend")
    margins = _per_year(margin, years, "margin")
    rows = []
    for t in range(1, years + 1):
        gp = spends[t - 1] * margins[t - 1] * survival[t - 1]
        factor = 1.0 / (1.0 + discount_rate) ** t
        rows.append(DcfYear(t, spends[t - 1], survival[t - 1], gp, factor, gp * factor))
    return rows


def _per_year(value: Sequence[float] | float, years: int, name: str) -> list[float]:
    if isinstance(value, (int, float)):
        return [float(value)] * years
    values = [float(v) for v in value]
    if not values:
        raise ValueError(f"{name} needs at least one value")
    return values + [values[-1]] * (years - len(values))


def dcf_total(rows: Sequence[DcfYear]) -> float:
    return float(sum(r.present_value for r in rows))


# The SPEC §1 DCF case ("Li Auto", seed 001), loadable as a preset.
SPEC_DCF_SPEND = [8_000, 10_000, 12_000, 11_000, 10_000, 9_000]
SPEC_DCF_SURVIVAL = [0.95, 0.90, 0.85, 0.80, 0.75, 0.70]
SPEC_DCF_MARGIN = 0.40
SPEC_DCF_DISCOUNT = 0.12
SPEC_DCF_TAIL_STEP = 0.05


@dataclass(frozen=True)
class ComponentClv:
    purchase_margin: float
    after_sales: float
    repurchase: float
    referral: float
    extra_service_cost: float

    @property
    def total(self) -> float:
        costs = self.extra_service_cost
        return self.purchase_margin + self.after_sales + self.repurchase + self.referral - costs


def component_clv(
    vehicle_price: float,
    vehicle_margin: float,
    after_sales_per_year: float,
    years: float,
    after_sales_margin: float,
    repurchase_probability: float,
    referrals: float,
    referral_conversion: float,
    extra_service_cost_per_year: float,
) -> ComponentClv:
    """Seed 001's component LTV: 67,500 + 21,000 + 28,350 + 36,450 − 14,000 = 139,300."""
    purchase = vehicle_price * vehicle_margin
    return ComponentClv(
        purchase_margin=purchase,
        after_sales=after_sales_per_year * years * after_sales_margin,
        repurchase=purchase * repurchase_probability,
        referral=purchase * referrals * referral_conversion,
        extra_service_cost=extra_service_cost_per_year * years,
    )


def annuity_factor(retention: float, discount_rate: float, horizon_years: int) -> float:
    """Σ_{t=1..H} r^t / (1+d)^t: the present value of one yuan a year for a survivor."""
    q = retention / (1.0 + discount_rate)
    return float(sum(q**t for t in range(1, horizon_years + 1)))


# -- per-customer CLV from the orders ------------------------------------------------------


@dataclass(frozen=True)
class CLVParams:
    """Inputs of the per-customer historical CLV (shown beside every CLV figure)."""

    discount_rate: float = 0.12
    horizon_years: int = 5
    retention: float | None = None  # None: estimated from the data (estimate_retention)

    def validate(self) -> None:
        if not 0 <= self.discount_rate < 1:
            raise ValueError("discount rate must be between 0% and 100%")
        if not 1 <= self.horizon_years <= 30:
            raise ValueError("horizon must be between 1 and 30 years")
        if self.retention is not None and not 0 <= self.retention <= 1:
            raise ValueError("retention must be between 0% and 100%")


def _store_filter(store_ids: Sequence[str] | None, column: str) -> tuple[str, list]:
    if not store_ids:
        return "", []
    marks = ", ".join("?" for _ in store_ids)
    return f" AND {column} IN ({marks})", list(store_ids)


# Used when the data cannot tell (no customer had a visit in the year before last, e.g. a
# fresh import of one year): the baseline retention of the source articles' pickup case.
DEFAULT_RETENTION = 0.85


def estimate_retention(db: Database, as_of: date) -> float:
    """Yearly retention from the data: of customers with a visit in the 12 months before the
    last year, the share who visited again in the last 12 months (as of ``as_of``).

    With no such customer there is nothing to measure: ``DEFAULT_RETENTION`` is returned
    (see ``retention_is_measurable``), not 0%, which would value every customer at zero."""
    if (kept := derived.group_figures(db, as_of)) is not None:
        return DEFAULT_RETENTION if kept.retention is None else float(kept.retention)
    value = db.query_value(
        """
        WITH y AS (
            SELECT customer_id,
                   bool_or(order_date >  CAST(? AS DATE) - INTERVAL 365 DAY
                           AND order_date <= CAST(? AS DATE)) AS this_year,
                   bool_or(order_date >  CAST(? AS DATE) - INTERVAL 730 DAY
                           AND order_date <= CAST(? AS DATE) - INTERVAL 365 DAY) AS last_year
            FROM orders GROUP BY customer_id
        )
        SELECT avg(CASE WHEN this_year THEN 1.0 ELSE 0.0 END) FILTER (WHERE last_year) FROM y
        """,
        [as_of, as_of, as_of, as_of],
    )
    return DEFAULT_RETENTION if value is None else float(value)


def retention_is_measurable(db: Database, as_of: date) -> bool:
    """Whether any customer had a visit in the year before last (so retention is measured)."""
    if (kept := derived.group_figures(db, as_of)) is not None:
        return kept.retention_measurable
    return bool(
        db.query_value(
            "SELECT count(*) > 0 FROM orders WHERE order_date > CAST(? AS DATE) - INTERVAL 730 DAY "
            "AND order_date <= CAST(? AS DATE) - INTERVAL 365 DAY",
            [as_of, as_of],
        )
    )


# The last 12 months to an as-of date, one definition for every 12-month figure (visits,
# spend, gross profit): the 365 days back with both ends included, so that it agrees with
# recency (SPEC §2a: 181-365 days since the last visit → R = 2, over 365 → R = 1). A visit
# exactly 365 days ago is in the window, one 366 days ago is not.
TWELVE_MONTHS_DAYS = 365


def in_last_12_months(column: str, as_of_sql: str) -> str:
    """SQL condition: ``column`` is no more than 365 days before ``as_of_sql`` (the later
    bound, the as-of date itself, is applied by the caller's WHERE)."""
    return f"{column} >= {as_of_sql} - INTERVAL {TWELVE_MONTHS_DAYS} DAY"


_IN_12M = in_last_12_months("order_date", "CAST(? AS DATE)")

CUSTOMER_VALUES_SQL = """
WITH o AS (
    SELECT customer_id,
           min(order_date) AS first_order,
           max(order_date) AS last_order,
           count(*) AS orders,
           sum(revenue) AS revenue,
           sum(gross_profit) AS gross_profit,
           count(*) FILTER (WHERE {in_12m}) AS freq_12m,
           coalesce(sum(revenue) FILTER (WHERE {in_12m}), 0) AS spend_12m,
           coalesce(sum(gross_profit) FILTER (WHERE {in_12m}), 0) AS gp_12m
    FROM orders
    WHERE order_date <= CAST(? AS DATE)
    GROUP BY customer_id
)
SELECT c.customer_id, c.name, c.vin, c.home_store_id, s.region, c.channel, c.vehicle_model,
       c.purchase_date, o.first_order, o.last_order,
       coalesce(o.orders, 0) AS orders,
       coalesce(o.revenue, 0) AS revenue,
       coalesce(o.gross_profit, 0) AS gross_profit,
       -- Days since the last activity (clv_engine.status): the later of the last visit and
       -- the purchase of the car, so a customer who has not come yet counts from the purchase.
       date_diff('day', greatest(o.last_order, c.purchase_date), CAST(? AS DATE)) AS recency_days,
       coalesce(o.freq_12m, 0) AS freq_12m,
       coalesce(o.spend_12m, 0) AS spend_12m,
       coalesce(o.gp_12m, 0) AS gp_12m,
       greatest(date_diff('day', coalesce(c.purchase_date, o.first_order), CAST(? AS DATE)), 0) / 365.25
           AS tenure_years
FROM customers c
LEFT JOIN o USING (customer_id)
LEFT JOIN stores s ON s.store_id = c.home_store_id
WHERE coalesce(c.purchase_date, o.first_order) <= CAST(? AS DATE)
""".replace("{in_12m}", _IN_12M)
CLV_INPUTS = ("customer_id", "recency_days", "gross_profit", "tenure_years")  # what the CLV reads


def customer_values(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    params: CLVParams = CLVParams(),
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per customer: history to ``as_of``, status and the historical-model CLV.

    ``columns``: only these columns of the history (and ``CLV_INPUTS``): a narrower frame.

    CLV = annual gross profit × S-weight × Σ_{t=1..H} r^t / (1+d)^t, where annual gross profit
    is the customer's gross profit per year of relationship (at least one year), r the yearly
    retention of active customers (estimated from the data unless given), and the S-weight
    1 for an active customer; for one absent k years, their measured chance of coming back
    relative to an active customer's chance of coming again (see :func:`absence_weight`).

    Retention and return rates are measured on every customer, so a customer's CLV does not
    depend on ``store_ids`` (which only selects rows).
    """
    params.validate()
    # Built once for this date and data (clv_engine.derived): the same rows in the same order.
    columns = None if columns is None else list(dict.fromkeys([*CLV_INPUTS, *columns]))
    frame = derived.values_frame(db, as_of, store_ids, columns)
    if frame is None:
        where, extra = _store_filter(store_ids, "c.home_store_id")
        # A fixed row order: two calls (say, at two retentions) line up row for row.
        frame = db.query_df(CUSTOMER_VALUES_SQL + where + " ORDER BY c.customer_id", [as_of] * 7 + extra)
        frame = frame if columns is None else frame[columns]
    retention, source = retention_for(db, as_of, params)
    frame["status"] = status_column(frame["recency_days"])
    frame.attrs["return_rates"] = return_rates(db, as_of)
    frame = add_historical_clv(frame, retention, params)
    frame.attrs["retention_source"] = source
    return frame


def retention_for(db: Database, as_of: date, params: CLVParams) -> tuple[float, str]:
    """The yearly retention the CLV uses and where it comes from: "given", "data", "default"."""
    if params.retention is not None:
        return params.retention, "given"
    if retention_is_measurable(db, as_of):
        return estimate_retention(db, as_of), "data"
    return DEFAULT_RETENTION, "default"


# -- coming back after an absence ---------------------------------------------------------

# Absences of this many years or more are pooled (few customers, and all alike: gone).
RETURN_MAX_YEARS = 3
# A backtest group smaller than this is not measured; the group one year less absent is used.
MIN_RETURN_CUSTOMERS = 30

RETURN_RATES_SQL = """
WITH p AS (SELECT CAST(? AS DATE) AS ref, CAST(? AS DATE) AS as_of),
o AS (
    SELECT customer_id,
           min(order_date) AS first_order,
           max(order_date) FILTER (WHERE order_date <= p.ref) AS last_before,
           bool_or(order_date > p.ref AND order_date <= p.as_of) AS came
    FROM orders, p
    WHERE order_date <= p.as_of
    GROUP BY customer_id
),
absent AS (
    SELECT date_diff('day', greatest(o.last_before, c.purchase_date), p.ref) AS days_absent,
           coalesce(o.came, false) AS came
    FROM customers c CROSS JOIN p LEFT JOIN o USING (customer_id)
    WHERE coalesce(c.purchase_date, o.first_order) <= p.ref
)
SELECT least(CAST(ceil(days_absent / 365.0) AS INTEGER) - 1, CAST(? AS INTEGER)) AS years_absent,
       count(*) AS customers,
       count(*) FILTER (WHERE came) AS returned
FROM absent
WHERE days_absent > 365
GROUP BY ALL
ORDER BY years_absent
"""


def absence_years(recency_days: object, max_years: int = RETURN_MAX_YEARS) -> np.ndarray:
    """Whole years of absence: 0 for at most 365 days (active), 1 for 366-730 days, 2 for
    731-1,095, ..., pooled at ``max_years``."""
    days = np.asarray(recency_days, dtype=float)
    return np.clip(np.ceil(days / 365.0) - 1, 0, max_years).astype(int)


@dataclass(frozen=True)
class ReturnRates:
    """The backtest of :func:`return_rates`, one entry per year of absence (1..max, the last
    pooled). Tuples, not a frame: it travels in a DataFrame's attrs, which pandas compares."""

    reference_date: date
    years_absent: tuple[int, ...]
    customers: tuple[int, ...]
    returned: tuple[int, ...]
    rate: tuple[float | None, ...]  # returned / customers; None with no customer
    used_rate: tuple[float | None, ...]  # what the CLV uses; None: nothing measured
    source: tuple[str, ...]  # "data" | "fewer_years" | "none"

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "years_absent": self.years_absent,
                "customers": self.customers,
                "returned": self.returned,
                "rate": [np.nan if r is None else r for r in self.rate],
                "used_rate": [np.nan if r is None else r for r in self.used_rate],
                "source": self.source,
            }
        )

    def used_for(self, years: int) -> float | None:
        """The rate used for a customer absent ``years`` whole years (pooled at the top)."""
        index = min(years, self.years_absent[-1]) - 1
        return self.used_rate[index]


def return_rates(
    db: Database, as_of: date, max_years: int = RETURN_MAX_YEARS, min_customers: int = MIN_RETURN_CUSTOMERS
) -> ReturnRates:
    """The chance that a customer absent k years comes back within a year, from the data.

    A backtest one year before ``as_of`` (date R = as_of − 365 days): of the customers known
    at R whose last activity was k whole years before R (the buckets of :func:`absence_years`),
    the share with a visit in (R, as_of]. Every customer counts (no store scope).

    A bucket with at least ``min_customers`` is measured ("data"); a smaller one uses the
    rate of the nearest shorter absence that was measured ("fewer_years": coming back does
    not get likelier with time away), or none ("none": the caller falls back to the
    retention rule).
    """
    if max_years < 1:
        raise ValueError("max_years must be at least 1")
    reference = as_of - timedelta(days=365)
    kept = derived.group_figures(db, as_of)
    if kept is not None and kept.return_max_years == max_years:
        counts = {k: (n, r) for k, n, r in kept.return_counts}
    else:
        found = db.query_df(RETURN_RATES_SQL, [reference, as_of, max_years])
        counts = dict(zip(found["years_absent"], zip(found["customers"], found["returned"])))
    years = tuple(range(1, max_years + 1))
    customers = tuple(int(counts.get(k, (0, 0))[0]) for k in years)
    returned = tuple(int(counts.get(k, (0, 0))[1]) for k in years)
    rate = tuple(r / n if n else None for n, r in zip(customers, returned))
    used: list[float | None] = []
    source: list[str] = []
    last = None
    for n, r in zip(customers, rate):
        if n >= min_customers:
            last = r
        used.append(last)
        source.append("data" if n >= min_customers else ("none" if last is None else "fewer_years"))
    return ReturnRates(reference, years, customers, returned, rate, tuple(used), tuple(source))


def absence_weight(recency_days: object, retention: float, rates: ReturnRates | None) -> np.ndarray:
    """How much of an active customer's future a customer keeps, by their absence.

    An active customer visits next year with chance r, then keeps visiting with r a year
    (S_t = r^t). A customer absent k years comes back next year with the measured chance
    q_k and, once back, is retained like anyone (S_t = q_k · r^(t−1)): their CLV is q_k / r
    of an active customer's (capped at 1). Later comebacks are not counted (prudent).

    Without a measured rate for their absence (``rates`` None or nothing measured), the
    older rule applies: r^(years beyond the first since the last activity).
    """
    days = np.asarray(recency_days, dtype=float)
    years = absence_years(days)
    legacy = np.power(retention, np.clip(days - 365.0, 0.0, None) / 365.0)
    if rates is None:
        return legacy
    q_by_years = {k: rates.used_for(k) for k in range(1, RETURN_MAX_YEARS + 1)}
    # One look-up per number of years (0: active, no rate), indexed by every customer's years.
    by_years = [np.nan] + [
        np.nan if q_by_years[k] is None else q_by_years[k] for k in range(1, RETURN_MAX_YEARS + 1)
    ]
    q = np.asarray(by_years, dtype=float)[years]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.minimum(q, retention) / retention if retention > 0 else np.zeros_like(q)
    return np.where(years == 0, 1.0, np.where(np.isnan(q), legacy, relative))


def add_historical_clv(
    frame: pd.DataFrame, retention: float, params: CLVParams, rates: ReturnRates | None = None
) -> pd.DataFrame:
    """Add annual_gp, absence_weight and clv at ``retention``; the return rates come from
    ``rates`` or the frame's ``attrs["return_rates"]`` (else the r^gap rule)."""
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame keeps its columns
    rates = rates if rates is not None else frame.attrs.get("return_rates")
    years = np.maximum(frame["tenure_years"].to_numpy(dtype=float), 1.0)
    frame["annual_gp"] = frame["gross_profit"].to_numpy(dtype=float) / years
    frame["absence_weight"] = absence_weight(frame["recency_days"].to_numpy(dtype=float), retention, rates)
    factor = annuity_factor(retention, params.discount_rate, params.horizon_years)
    frame["clv"] = frame["annual_gp"] * frame["absence_weight"] * factor
    frame.attrs["retention"] = retention
    frame.attrs["params"] = params
    if rates is not None:
        frame.attrs["return_rates"] = rates
    return frame


def profit_concentration(gross_profit: Sequence[float]) -> pd.DataFrame:
    """Share of total gross profit brought by the top x% of customers (a Lorenz-type curve)."""
    values = np.sort(np.asarray(gross_profit, dtype=float))[::-1]
    n = len(values)
    if n == 0:
        return pd.DataFrame({"customer_share": [], "profit_share": []})
    total = values.sum()
    cumulative = np.cumsum(values) / total if total else np.zeros(n)
    return pd.DataFrame(
        {
            "customer_share": np.concatenate([[0.0], np.arange(1, n + 1) / n]),
            "profit_share": np.concatenate([[0.0], cumulative]),
        }
    )


def top_share(gross_profit: Sequence[float], top: float = 0.2) -> float:
    """Share of total gross profit brought by the top ``top`` fraction of customers."""
    values = np.sort(np.asarray(gross_profit, dtype=float))[::-1]
    if len(values) == 0 or values.sum() == 0:
        return float("nan")
    k = int(np.ceil(top * len(values)))
    return float(values[:k].sum() / values.sum())
