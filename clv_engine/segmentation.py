"""Customer segmentation of SPEC §2: RFM+L tiers (§2a), RFM+CLV six groups (§2b), the care
budget by tier (§2b, §2c), complaint handling by tier (§2d) and tier migration.

Scores, tiers and groups are computed in DuckDB SQL for all customers; every cut-off is a
bound parameter, so a manager's edited rule never becomes SQL text.

RFM+L (seed 003, SPEC §2a):
- R, days since the last visit (a customer who has not come yet: since the car purchase):
  ≤30 → 5, ≤90 → 4, ≤180 → 3, ≤365 → 2, else 1.
- F, visits (service orders) in the 12 months to the as-of date (``clv.in_last_12_months``: a
  visit 365 days back is in, as it is R = 2): ≥6 → 5, ≥4 → 4, ≥2 → 3,
  ≥1 → 2, else 1.
- M, revenue in the same 365 days: ≥10,000 → 5, ≥5,000 → 4, ≥2,000 → 3, ≥1,000 → 2, else 1.
- L, loyalty: 3 + warranty + referral + event − complaint − competitor, clamped to 1..5.
- Tier by total: ≥16 platinum, ≥12 gold, ≥8 silver, else ordinary; churned overrides when
  R = 1 and total ≤ 7.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from clv_engine.clv import in_last_12_months
from clv_engine.db import Database

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
    "referred_someone": (
        "SELECT referrer_id FROM referrals WHERE referral_date <= (SELECT as_of FROM p)"
    ),
    "attended_event": (
        "SELECT customer_id FROM event_attendance WHERE event_date <= (SELECT as_of FROM p)"
    ),
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


# -- RFM+L rules ------------------------------------------------------------------------------


def _increasing(values: Sequence[float]) -> bool:
    return all(a < b for a, b in zip(values, values[1:]))


@dataclass(frozen=True)
class RfmlRules:
    """Every threshold of SPEC §2a, with its defaults.

    ``recency_days``: the most days since the last visit for R = 5, 4, 3, 2 (beyond: 1).
    ``visits``: the fewest visits in 12 months for F = 2, 3, 4, 5 (fewer: 1).
    ``spend``: the least 12-month spend for M = 2, 3, 4, 5 (less: 1).
    """

    recency_days: tuple[int, int, int, int] = (30, 90, 180, 365)
    visits: tuple[int, int, int, int] = (1, 2, 4, 6)
    spend: tuple[float, float, float, float] = (1_000, 2_000, 5_000, 10_000)
    loyalty_base: int = 3
    warranty_weight: int = 1
    referral_weight: int = 1
    event_weight: int = 1
    complaint_weight: int = -1
    competitor_weight: int = -1
    platinum_min: int = 16
    gold_min: int = 12
    silver_min: int = 8
    churned_max_r: int = 1
    churned_max_total: int = 7

    def validate(self) -> None:
        for name in ("recency_days", "visits", "spend"):
            values = getattr(self, name)
            if len(values) != 4:
                raise ValueError(f"{name} needs four cut-offs, got {len(values)}")
            if min(values) < 0:
                raise ValueError(f"{name} cut-offs must not be negative: {values}")
            if not _increasing(values):
                raise ValueError(f"{name} cut-offs must be strictly increasing: {values}")
        if not SCORE_MIN <= self.loyalty_base <= SCORE_MAX:
            raise ValueError(f"loyalty_base must be between 1 and 5, got {self.loyalty_base}")
        for name in ("warranty_weight", "referral_weight", "event_weight",
                     "complaint_weight", "competitor_weight"):
            if not -4 <= getattr(self, name) <= 4:
                raise ValueError(f"{name} must be between -4 and 4, got {getattr(self, name)}")
        if not 4 < self.silver_min < self.gold_min < self.platinum_min <= 20:
            raise ValueError(
                "tier cut-offs must satisfy 4 < silver_min < gold_min < platinum_min <= 20, got "
                f"silver_min={self.silver_min}, gold_min={self.gold_min}, "
                f"platinum_min={self.platinum_min}"
            )
        if not SCORE_MIN <= self.churned_max_r <= SCORE_MAX:
            raise ValueError(f"churned_max_r must be between 1 and 5, got {self.churned_max_r}")
        if not 4 <= self.churned_max_total <= 20:
            raise ValueError(
                f"churned_max_total must be between 4 and 20, got {self.churned_max_total}"
            )

    def sql_params(self) -> list:
        return [
            *self.recency_days, *self.visits, *(float(v) for v in self.spend),
            self.loyalty_base, self.warranty_weight, self.referral_weight, self.event_weight,
            self.complaint_weight, self.competitor_weight,
            self.platinum_min, self.gold_min, self.silver_min,
            self.churned_max_r, self.churned_max_total,
        ]


SCORE_SQL = """
WITH p AS (
    SELECT CAST(? AS DATE) AS as_of,
           ? AS r5, ? AS r4, ? AS r3, ? AS r2,
           ? AS f2, ? AS f3, ? AS f4, ? AS f5,
           CAST(? AS DOUBLE) AS m2, CAST(? AS DOUBLE) AS m3,
           CAST(? AS DOUBLE) AS m4, CAST(? AS DOUBLE) AS m5,
           ? AS l_base, ? AS w_warranty, ? AS w_referral, ? AS w_event,
           ? AS w_complaint, ? AS w_competitor,
           ? AS t_platinum, ? AS t_gold, ? AS t_silver,
           ? AS churn_r, ? AS churn_total
),
o AS (
    SELECT customer_id,
           min(order_date) AS first_order,
           max(order_date) AS last_order,
           -- one service order is one visit, as clv.customer_values counts them
           count(*) FILTER (WHERE {in_12m}) AS freq_12m,
           coalesce(sum(revenue) FILTER (WHERE {in_12m}), 0) AS spend_12m
    FROM orders
    WHERE order_date <= (SELECT as_of FROM p)
    GROUP BY customer_id
),
base AS (
    SELECT c.customer_id, c.home_store_id, s.region,
           -- a customer who has not come yet is measured from the purchase of the car
           date_diff('day', coalesce(o.last_order, c.purchase_date), p.as_of) AS recency_days,
           coalesce(o.freq_12m, 0) AS freq_12m,
           coalesce(o.spend_12m, 0) AS spend_12m,
           {flags}
    FROM customers c
    CROSS JOIN p
    LEFT JOIN o USING (customer_id)
    LEFT JOIN stores s ON s.store_id = c.home_store_id
    -- the same population as clv.customer_values: customers who existed on the as-of date
    WHERE coalesce(c.purchase_date, o.first_order) <= p.as_of {store_filter}
),
scored AS (
    SELECT b.*,
           CASE WHEN recency_days IS NULL THEN 1
                WHEN recency_days <= r5 THEN 5 WHEN recency_days <= r4 THEN 4
                WHEN recency_days <= r3 THEN 3 WHEN recency_days <= r2 THEN 2 ELSE 1 END AS r,
           CASE WHEN freq_12m >= f5 THEN 5 WHEN freq_12m >= f4 THEN 4
                WHEN freq_12m >= f3 THEN 3 WHEN freq_12m >= f2 THEN 2 ELSE 1 END AS f,
           CASE WHEN spend_12m >= m5 THEN 5 WHEN spend_12m >= m4 THEN 4
                WHEN spend_12m >= m3 THEN 3 WHEN spend_12m >= m2 THEN 2 ELSE 1 END AS m,
           greatest(1, least(5, l_base
                + w_warranty * CAST(has_warranty AS INTEGER)
                + w_referral * CAST(referred_someone AS INTEGER)
                + w_event * CAST(attended_event AS INTEGER)
                + w_complaint * CAST(has_complaint AS INTEGER)
                + w_competitor * CAST(seen_at_competitor AS INTEGER))) AS l
    FROM base b CROSS JOIN p
)
SELECT customer_id, home_store_id, region, recency_days, freq_12m, spend_12m,
       r, f, m, l, r + f + m + l AS total,
       CASE WHEN r <= churn_r AND r + f + m + l <= churn_total THEN 'churned'
            WHEN r + f + m + l >= t_platinum THEN 'platinum'
            WHEN r + f + m + l >= t_gold THEN 'gold'
            WHEN r + f + m + l >= t_silver THEN 'silver'
            ELSE 'ordinary' END AS tier,
       has_warranty, referred_someone, attended_event, has_complaint, seen_at_competitor
FROM scored CROSS JOIN p
"""


def _store_filter(store_ids: Sequence[str] | None, column: str) -> tuple[str, list]:
    if not store_ids:
        return "", []
    marks = ", ".join("?" for _ in store_ids)
    return f" AND {column} IN ({marks})", list(store_ids)


def missing_flag_tables(db: Database) -> list[str]:
    """The loyalty tables with no rows: their flags read False for everyone."""
    return [table for table in FLAG_TABLES.values() if db.table_rows(table) == 0]


def score_customers(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: RfmlRules = RfmlRules(),
) -> pd.DataFrame:
    """R, F, M, L, total and tier for every customer who existed on ``as_of`` (SPEC §2a).

    Rows come in no particular order (sorting a million ids costs more than the scoring).

    ``frame.attrs["missing_tables"]`` lists the loyalty tables that had no rows, so a page can
    say which flags could not be used rather than show L as if nobody had them.
    """
    rules.validate()
    missing = missing_flag_tables(db)
    present = db.tables()
    flags = ",\n           ".join(
        # A table absent from the file (an old database) counts as empty; the fragment is
        # chosen from fixed text, never built from a value.
        f"c.customer_id IN ({_FLAG_SOURCES[flag]}) AS {flag}"
        if table in present
        else f"FALSE AS {flag}"
        for flag, table in FLAG_TABLES.items()
    )
    where, extra = _store_filter(store_ids, "c.home_store_id")
    sql = SCORE_SQL.format(flags=flags, store_filter=where,
                           in_12m=in_last_12_months("order_date", "(SELECT as_of FROM p)"))
    frame = db.query_df(sql, [as_of, *rules.sql_params(), *extra])
    for flag in FLAG_TABLES:
        frame[flag] = frame[flag].astype(bool)
    for col in ("r", "f", "m", "l", "total", "freq_12m"):
        frame[col] = frame[col].astype("int64")
    frame.attrs["missing_tables"] = missing
    frame.attrs["rules"] = rules
    frame.attrs["as_of"] = as_of
    return frame


def with_values(scores: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Scores joined to clv.customer_values (revenue, gross profit, 12-month figures, CLV)."""
    keep = [c for c in ("customer_id", "name", "revenue", "gross_profit", "gp_12m", "clv",
                        "orders", "channel", "vehicle_model") if c in values.columns]
    merged = scores.merge(values[keep], on="customer_id", how="left")
    merged.attrs.update(scores.attrs)
    return merged


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
    grid: tuple[tuple[str, str, str], ...] = tuple(
        (r, fm, g) for (r, fm), g in DEFAULT_GRID.items()
    )

    def grid_map(self) -> dict[tuple[str, str], str]:
        return {(r, fm): g for r, fm, g in self.grid}

    def validate(self) -> None:
        if not SCORE_MIN <= self.low_max < self.high_min <= SCORE_MAX:
            raise ValueError(
                f"need 1 <= low_max < high_min <= 5, got low_max={self.low_max}, "
                f"high_min={self.high_min}"
            )
        if not 0 <= self.invalid_clv_share <= 1:
            raise ValueError(
                f"invalid_clv_share must be between 0 and 1, got {self.invalid_clv_share}"
            )
        if self.invalid_fallback not in SIX_GROUPS or self.invalid_fallback == "invalid":
            raise ValueError(f"invalid_fallback must be a group other than invalid, "
                             f"got {self.invalid_fallback!r}")
        cells = self.grid_map()
        expected = {(r, fm) for r in LEVELS for fm in LEVELS}
        if set(cells) != expected or len(self.grid) != 9:
            raise ValueError("grid needs exactly one group for each of the 9 (R, FM) cells")
        for cell, group in cells.items():
            if group not in SIX_GROUPS:
                raise ValueError(f"grid cell {cell}: unknown group {group!r}")

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
    numbers = pd.DataFrame({"row_no": np.arange(len(frame)), "r": frame["r"].to_numpy(),
                            "f": frame["f"].to_numpy(), "m": frame["m"].to_numpy(), "clv": clv_values})
    levels = frame_sql(SIX_SQL, [rules.high_min, rules.low_max, clv_param, rules.invalid_fallback],
                       scores=numbers, grid=grid)
    out = frame.copy()
    for col in ("r_level", "fm_level", "group"):
        out[col] = levels[col].to_numpy()
    out.attrs.update(frame.attrs)
    out.attrs["clv_cut"] = clv_cut
    out.attrs["six_rules"] = rules
    return out


# -- breakdown --------------------------------------------------------------------------------


def tier_column(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(SCHEMES)}, got {scheme!r}")
    return "tier" if scheme == "rfml" else "group"


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
    by_cols = "".join(f"{c}, " for c in by)
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
    return full[[*by, "tier", "customers", "share", "typical_low", "typical_high", "revenue",
                 "gross_profit", "profit_share", "total_clv", "avg_clv", "clv_share"]]


# -- care budget (SPEC §2b, §2c) --------------------------------------------------------------


@dataclass(frozen=True)
class CareBudget:
    lines: pd.DataFrame  # tier, customers, cost_each, total, share, customer_share
    total: float
    customers: int
    flat_cost_each: float | None
    flat_total: float | None


def care_budget(
    customers: Mapping[str, int],
    cost_each: Mapping[str, float],
    flat_cost_each: float | None = None,
) -> CareBudget:
    """Yearly care cost by tier = customers × cost per customer, with each tier's share, and
    the flat alternative (every customer the same cost) beside it (SPEC §2b)."""
    for tier, n in customers.items():
        if n < 0:
            raise ValueError(f"customers of {tier!r} must not be negative, got {n}")
        if tier not in cost_each:
            raise ValueError(f"cost per customer missing for tier {tier!r}")
        if cost_each[tier] < 0:
            raise ValueError(f"cost per customer of {tier!r} must not be negative")
    if flat_cost_each is not None and flat_cost_each < 0:
        raise ValueError("flat cost per customer must not be negative")
    tiers = list(customers)
    lines = pd.DataFrame(
        {
            "tier": tiers,
            "customers": [int(customers[t]) for t in tiers],
            "cost_each": [float(cost_each[t]) for t in tiers],
        }
    )
    lines["total"] = lines["customers"] * lines["cost_each"]
    return _finish_budget(lines, flat_cost_each)


def budget_per_customer(
    customers: Mapping[str, int], budget: Mapping[str, float], flat_cost_each: float | None = None
) -> CareBudget:
    """The other direction (SPEC §2c): a budget per tier spread over its customers."""
    for tier, amount in budget.items():
        if amount < 0:
            raise ValueError(f"budget of {tier!r} must not be negative")
        if tier not in customers:
            raise ValueError(f"customers missing for tier {tier!r}")
    tiers = list(budget)
    n = [int(customers[t]) for t in tiers]
    lines = pd.DataFrame(
        {
            "tier": tiers,
            "customers": n,
            "cost_each": [budget[t] / c if c else float("nan") for t, c in zip(tiers, n)],
            "total": [float(budget[t]) for t in tiers],
        }
    )
    return _finish_budget(lines, flat_cost_each)


def _finish_budget(lines: pd.DataFrame, flat_cost_each: float | None) -> CareBudget:
    total = float(lines["total"].sum())
    n = int(lines["customers"].sum())
    lines["share"] = lines["total"] / total if total else 0.0
    lines["customer_share"] = lines["customers"] / n if n else 0.0
    flat_total = None if flat_cost_each is None else flat_cost_each * n
    return CareBudget(lines, total, n, flat_cost_each, flat_total)


@dataclass(frozen=True)
class BudgetCase:
    """A worked case of the SPEC, loadable as a preset."""

    key: str
    customers: dict[str, int]
    cost_each: dict[str, float] = field(default_factory=dict)  # §2b: cost per customer given
    budget: dict[str, float] = field(default_factory=dict)  # §2c: budget per tier given
    flat_cost_each: float | None = None


SPEC_2B_CASE = BudgetCase(
    key="2b",
    customers={"vip": 500, "high_value": 1_000, "potential": 1_500, "churn_risk": 1_500,
               "dormant": 3_000, "invalid": 2_500},
    cost_each={"vip": 3_000, "high_value": 1_500, "potential": 600, "churn_risk": 400,
               "dormant": 150, "invalid": 20},
    flat_cost_each=500,
)
SPEC_2C_CASE = BudgetCase(
    key="2c",
    customers={"platinum": 1_500, "gold": 4_500, "standard": 24_000},
    budget={"platinum": 1_000_000, "gold": 700_000, "standard": 300_000},
)
BUDGET_CASES: dict[str, BudgetCase] = {c.key: c for c in (SPEC_2B_CASE, SPEC_2C_CASE)}

# Default yearly care cost per customer in each tier: the §2b case for the six groups; for
# the five RFM+L tiers the same ladder (platinum as VIP, gold as high value, silver as
# potential, ordinary as dormant, churned as invalid).
DEFAULT_COST_EACH: dict[str, dict[str, float]] = {
    "six": dict(SPEC_2B_CASE.cost_each),
    "rfml": {"platinum": 3_000, "gold": 1_500, "silver": 600, "ordinary": 150, "churned": 20},
}
DEFAULT_FLAT_COST_EACH = 500.0


def run_case(case: BudgetCase) -> CareBudget:
    if case.cost_each:
        return care_budget(case.customers, case.cost_each, case.flat_cost_each)
    return budget_per_customer(case.customers, case.budget, case.flat_cost_each)


# -- complaint handling (SPEC §2d) -------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintRule:
    level: str  # vip | high_value | ordinary | low_value
    respond_hours: int
    compensation_limit: float | None  # None: unlimited
    owner: str  # i18n key suffix: seg.owner.<owner>


COMPLAINT_RULES: dict[str, ComplaintRule] = {
    "vip": ComplaintRule("vip", 2, None, "general_manager"),
    "high_value": ComplaintRule("high_value", 4, 5_000, "service_manager"),
    "ordinary": ComplaintRule("ordinary", 24, 1_000, "cs_specialist"),
    "low_value": ComplaintRule("low_value", 48, 200, "standard"),
}

# Which complaint level each tier gets by default (editable in the page).
COMPLAINT_LEVEL: dict[str, dict[str, str]] = {
    "rfml": {"platinum": "vip", "gold": "high_value", "silver": "ordinary",
             "ordinary": "low_value", "churned": "low_value"},
    "six": {"vip": "vip", "high_value": "high_value", "churn_risk": "high_value",
            "potential": "ordinary", "dormant": "ordinary", "invalid": "low_value"},
}


def complaint_roi(cost: float, clv_saved: float) -> float:
    """Net ROI of a complaint recovery: (CLV kept − cost) / cost (SPEC §2d: 233%)."""
    if cost <= 0:
        raise ValueError("complaint recovery cost must be positive")
    return (clv_saved - cost) / cost


def playbook_key(scheme: str, tier: str) -> str:
    """i18n key of the default service playbook of a tier (seed 003, SPEC §2b)."""
    tier_column(scheme)
    return f"seg.playbook.{scheme}.{tier}"


def tier_label_key(scheme: str, tier: str) -> str:
    tier_column(scheme)
    return f"seg.tier.{scheme}.{tier}"


# -- migration between two as-of dates ---------------------------------------------------------

MIGRATION_SQL = """
WITH j AS (
    SELECT coalesce(b.customer_id, a.customer_id) AS customer_id,
           coalesce(b.home_store_id, a.home_store_id) AS home_store_id,
           coalesce(a.tier, 'new') AS tier_a,
           coalesce(b.tier, 'gone') AS tier_b,
           a.rank_a, b.rank_b, a.total_a, b.total_b
    FROM a FULL OUTER JOIN b USING (customer_id)
)
SELECT *,
       CASE WHEN rank_a IS NULL THEN 'new'
            WHEN rank_b IS NULL THEN 'gone'
            WHEN rank_b < rank_a THEN 'up'
            WHEN rank_b > rank_a THEN 'down'
            ELSE 'same' END AS direction
FROM j
"""

FLOWS_SQL = """
SELECT tier_a, tier_b, direction, count(*) AS customers
FROM moves GROUP BY ALL ORDER BY customers DESC
"""


@dataclass(frozen=True)
class Migration:
    moves: pd.DataFrame  # one row per customer: tier_a, tier_b, direction (up/down/same/new)
    flows: pd.DataFrame  # tier_a, tier_b, direction, customers
    scheme: str
    date_a: date
    date_b: date

    def counts(self) -> dict[str, int]:
        c = self.moves["direction"].value_counts()
        return {d: int(c.get(d, 0)) for d in ("up", "down", "same", "new")}


def tiers_at(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    scheme: str = "rfml",
    rules: RfmlRules = RfmlRules(),
    six_rules: SixGroupRules = SixGroupRules(),
    clv_params=None,
) -> pd.DataFrame:
    """Scores (and, for the six groups, CLV and group) of every customer on ``as_of``."""
    scores = score_customers(db, as_of, store_ids, rules)
    if scheme == "rfml":
        return scores
    from clv_engine import clv

    values = clv.customer_values(db, as_of, store_ids, clv_params or clv.CLVParams())
    return six_groups(with_values(scores, values), six_rules)


def migration(
    db: Database,
    date_a: date,
    date_b: date,
    store_ids: Sequence[str] | None = None,
    scheme: str = "rfml",
    rules: RfmlRules = RfmlRules(),
    six_rules: SixGroupRules = SixGroupRules(),
    clv_params=None,
) -> Migration:
    """Who moved between tiers from ``date_a`` to ``date_b`` (same rules at both dates).

    For RFM+L "up" is toward platinum; for the six groups "up" is toward VIP in the order
    of SIX_GROUPS (churn risk ranks above dormant: it still has high value to win back).
    Customers who only exist at ``date_b`` come from "new".
    """
    if date_a >= date_b:
        raise ValueError(f"date_a ({date_a}) must be before date_b ({date_b})")
    a = tiers_at(db, date_a, store_ids, scheme, rules, six_rules, clv_params)
    b = tiers_at(db, date_b, store_ids, scheme, rules, six_rules, clv_params)
    return migration_between(a, b, scheme, date_a, date_b)


def migration_between(
    tiers_a: pd.DataFrame, tiers_b: pd.DataFrame, scheme: str, date_a: date, date_b: date
) -> Migration:
    """The migration from two frames of tiers_at (a page already holds the current one)."""
    if date_a >= date_b:
        raise ValueError(f"date_a ({date_a}) must be before date_b ({date_b})")
    column = tier_column(scheme)
    order = {t: i for i, t in enumerate(SCHEMES[scheme])}

    def side(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
        return pd.DataFrame({"customer_id": frame["customer_id"], "home_store_id": frame["home_store_id"],
                             "tier": frame[column], f"rank_{suffix}": frame[column].map(order),
                             f"total_{suffix}": frame["total"]})

    moves = frame_sql(MIGRATION_SQL, a=side(tiers_a, "a"), b=side(tiers_b, "b"))
    flows = frame_sql(FLOWS_SQL, moves=moves[["tier_a", "tier_b", "direction"]])
    return Migration(moves, flows, scheme, date_a, date_b)


def rules_from_dict(values: Mapping[str, object]) -> RfmlRules:
    """RfmlRules from a flat mapping (a saved scenario); unknown keys are an error."""
    names = {f.name for f in fields(RfmlRules)}
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"unknown RFM+L rule fields: {sorted(unknown)}")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return RfmlRules(**kwargs)
