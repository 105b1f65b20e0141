"""Promotion and demotion rules of the care programme (three tiers: standard, gold, platinum).

The rules, each editable:
- standard → gold: spend in the last 12 months reaches ``gold_spend`` (a customer who spends
  like a gold one should be treated as one);
- gold → platinum: ``platinum_referrals`` referrals made by the customer (to the as-of date);
- platinum → gold: ``no_visit_years`` without a visit.

A customer's tier comes from the RFM+L scoring (clv_engine/segmentation.py): platinum and gold
are the same there, silver, ordinary and churned are the programme's standard tier. The
upgrade rules look at the tier scored on the as-of date. A platinum card outlives the visits
that earned it (the scoring at the as-of date already marks a customer absent for two years
down), so the demotion rule looks at the tier scored when the no-visit period began: platinum
then, and no visit since.

Reasons are codes (``spend``, ``referrals``, ``no_visit``); the page words them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from clv_engine import segmentation
from clv_engine.db import Database

PROGRAMME_TIERS: tuple[str, ...] = ("platinum", "gold", "standard")
# RFM+L tier -> programme tier.
PROGRAMME_TIER: dict[str, str] = {
    "platinum": "platinum",
    "gold": "gold",
    "silver": "standard",
    "ordinary": "standard",
    "churned": "standard",
}
REASONS: tuple[str, ...] = ("spend", "referrals", "no_visit")

COLUMNS = [
    "customer_id",
    "home_store_id",
    "tier_scored",
    "from_tier",
    "to_tier",
    "direction",
    "reason",
    "figure",
    "threshold",
    "last_visit",
]


@dataclass(frozen=True)
class TierRules:
    gold_spend: float = 10_000.0  # 12-month spend that makes a standard customer gold (M = 5)
    platinum_referrals: int = 3
    no_visit_years: int = 2

    def validate(self) -> None:
        if self.gold_spend <= 0:
            raise ValueError(f"gold_spend must be positive, got {self.gold_spend}")
        if self.platinum_referrals < 1:
            raise ValueError(f"platinum_referrals must be at least 1, got {self.platinum_referrals}")
        if self.no_visit_years < 1:
            raise ValueError(f"no_visit_years must be at least 1, got {self.no_visit_years}")


# The changes due, in one query over the two scorings (each a subquery, never a frame): a
# million customers' tiers stay in DuckDB and only the few thousand changes come back.
CHANGES_SQL = """
WITH n AS MATERIALIZED ({now}),
t AS ({then}),
ref AS ({referrals}),
vis AS MATERIALIZED (SELECT customer_id, max(order_date) AS last_visit FROM orders WHERE order_date <= ?
        GROUP BY customer_id)
SELECT n.customer_id, n.home_store_id, n.tier AS tier_scored,
       'standard' AS from_tier, 'gold' AS to_tier, 'up' AS direction, 'spend' AS reason,
       CAST(n.spend_12m AS DOUBLE) AS figure, CAST(? AS DOUBLE) AS threshold, vis.last_visit
FROM n LEFT JOIN vis USING (customer_id)
WHERE n.tier IN ({standard}) AND n.spend_12m >= ?
UNION ALL
SELECT n.customer_id, n.home_store_id, n.tier,
       'gold', 'platinum', 'up', 'referrals',
       CAST(coalesce(ref.referrals, 0) AS DOUBLE), CAST(? AS DOUBLE), vis.last_visit
FROM n LEFT JOIN ref USING (customer_id) LEFT JOIN vis USING (customer_id)
WHERE n.tier IN ({gold}) AND coalesce(ref.referrals, 0) >= ?
UNION ALL
-- platinum when the no-visit period began, and no visit since
SELECT t.customer_id, t.home_store_id, n.tier,
       'platinum', 'gold', 'down', 'no_visit',
       CAST(date_diff('day', vis.last_visit, CAST(? AS DATE)) AS DOUBLE), CAST(? AS DOUBLE), vis.last_visit
FROM t LEFT JOIN vis USING (customer_id) LEFT JOIN n USING (customer_id)
WHERE t.tier IN ({platinum}) AND (vis.last_visit IS NULL OR vis.last_visit <= CAST(? AS DATE))
"""


def _scored_as(programme_tier: str) -> list[str]:
    """The RFM+L tiers that are ``programme_tier`` in the programme."""
    return [tier for tier, p in PROGRAMME_TIER.items() if p == programme_tier]


def tier_changes_due(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: TierRules = TierRules(),
    scoring: segmentation.RfmlRules = segmentation.RfmlRules(),
) -> pd.DataFrame:
    """One row per customer with an upgrade or downgrade due, and the reason.

    ``figure`` is what the rule read (12-month spend, referrals, or days since the last visit)
    and ``threshold`` what it compared it with. ``attrs["held_on"]``: the date of the tier the
    demotion rule reads. The upgrade rules read the tier scored on ``as_of``; the demotion
    rule the tier scored on ``held_on`` (platinum then) and the last visit to ``as_of``.
    """
    rules.validate()
    scoring.validate()
    held_on = as_of - relativedelta(years=rules.no_visit_years)
    now_sql, now_params = segmentation.score_query(db, as_of, store_ids, scoring)
    then_sql, then_params = segmentation.score_query(db, held_on, store_ids, scoring)
    if "referrals" in db.tables():
        referrals = (
            "SELECT referrer_id AS customer_id, count(*) AS referrals FROM referrals "
            "WHERE referral_date <= ? GROUP BY referrer_id"
        )
        ref_params: list = [as_of]
    else:
        referrals, ref_params = "SELECT CAST(NULL AS VARCHAR) AS customer_id, 0 AS referrals WHERE false", []
    marks = {k: ", ".join("?" for _ in _scored_as(k)) for k in PROGRAMME_TIERS}
    sql = CHANGES_SQL.format(
        now=now_sql,
        then=then_sql,
        referrals=referrals,
        standard=marks["standard"],
        gold=marks["gold"],
        platinum=marks["platinum"],
    )
    params = [
        *now_params,
        *then_params,
        *ref_params,
        as_of,  # last visits to the as-of date
        float(rules.gold_spend),
        *_scored_as("standard"),
        float(rules.gold_spend),
        float(rules.platinum_referrals),
        *_scored_as("gold"),
        rules.platinum_referrals,
        as_of,
        float((as_of - held_on).days),
        *_scored_as("platinum"),
        held_on,
    ]
    out = db.query_df(sql, params)
    if out.empty:
        out = pd.DataFrame(columns=COLUMNS)
    out = out[COLUMNS]
    out["last_visit"] = pd.to_datetime(out["last_visit"]).dt.date
    order = {"up": 0, "down": 1}
    out = out.sort_values(
        ["direction", "reason", "customer_id"], key=lambda s: s.map(order) if s.name == "direction" else s
    ).reset_index(drop=True)
    out.attrs["held_on"] = held_on
    return out


def with_contact(changes: pd.DataFrame, db: Database) -> pd.DataFrame:
    """Name, phone and store name beside each change (for a list a store can work from)."""
    if changes.empty:
        return changes.assign(
            name=pd.Series(dtype=object), phone=pd.Series(dtype=object), store_name=pd.Series(dtype=object)
        )
    # only the customers listed (a few thousand of a million), their ids one list parameter
    people = db.query_df(
        "SELECT c.customer_id, c.name, c.phone, s.name AS store_name FROM customers c "
        "LEFT JOIN stores s ON s.store_id = c.home_store_id "
        "WHERE c.customer_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [changes["customer_id"].dropna().astype(str).unique().tolist()],
    )
    out = changes.merge(people, on="customer_id", how="left")
    out.attrs.update(changes.attrs)
    return out
