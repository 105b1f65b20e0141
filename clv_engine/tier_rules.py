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


def _activity(db: Database, as_of: date) -> pd.DataFrame:
    """Per customer: referrals made and last visit, to the as-of date."""
    referrals = (
        "(SELECT referrer_id AS customer_id, count(*) AS referrals FROM referrals "
        "WHERE referral_date <= ? GROUP BY referrer_id)"
    )
    has_referrals = "referrals" in db.tables()
    sql = f"""
        SELECT c.customer_id, coalesce(r.referrals, 0) AS referrals, v.last_visit
        FROM customers c
        LEFT JOIN {referrals if has_referrals else "(SELECT NULL::VARCHAR AS customer_id, 0 AS referrals)"} r
            USING (customer_id)
        LEFT JOIN (SELECT customer_id, max(order_date) AS last_visit FROM orders WHERE order_date <= ?
                   GROUP BY customer_id) v USING (customer_id)
    """
    params = [as_of, as_of] if has_referrals else [as_of]
    frame = db.query_df(sql, params)
    frame["last_visit"] = pd.to_datetime(frame["last_visit"])
    return frame


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
    demotion rule reads.
    """
    rules.validate()
    now = segmentation.score_customers(db, as_of, store_ids, scoring)
    activity = _activity(db, as_of)
    now = now.merge(activity, on="customer_id", how="left")
    now["from_tier"] = now["tier"].map(PROGRAMME_TIER)

    spend = now[(now["from_tier"] == "standard") & (now["spend_12m"] >= rules.gold_spend)]
    referred = now[(now["from_tier"] == "gold") & (now["referrals"] >= rules.platinum_referrals)]
    held_on = as_of - relativedelta(years=rules.no_visit_years)
    then = segmentation.score_customers(db, held_on, store_ids, scoring)
    was_platinum = then.loc[then["tier"] == "platinum", ["customer_id", "home_store_id"]]
    absent = was_platinum.merge(activity, on="customer_id", how="left")
    absent = absent[absent["last_visit"].isna() | (absent["last_visit"] <= pd.Timestamp(held_on))]
    absent = absent.merge(now[["customer_id", "tier"]], on="customer_id", how="left")

    parts = [
        pd.DataFrame(
            {
                "customer_id": spend["customer_id"],
                "home_store_id": spend["home_store_id"],
                "tier_scored": spend["tier"],
                "from_tier": "standard",
                "to_tier": "gold",
                "direction": "up",
                "reason": "spend",
                "figure": spend["spend_12m"].astype(float),
                "threshold": float(rules.gold_spend),
                "last_visit": spend["last_visit"],
            }
        ),
        pd.DataFrame(
            {
                "customer_id": referred["customer_id"],
                "home_store_id": referred["home_store_id"],
                "tier_scored": referred["tier"],
                "from_tier": "gold",
                "to_tier": "platinum",
                "direction": "up",
                "reason": "referrals",
                "figure": referred["referrals"].astype(float),
                "threshold": float(rules.platinum_referrals),
                "last_visit": referred["last_visit"],
            }
        ),
        pd.DataFrame(
            {
                "customer_id": absent["customer_id"],
                "home_store_id": absent["home_store_id"],
                "tier_scored": absent["tier"],
                "from_tier": "platinum",
                "to_tier": "gold",
                "direction": "down",
                "reason": "no_visit",
                "figure": (pd.Timestamp(as_of) - absent["last_visit"]).dt.days.astype(float),
                "threshold": float((as_of - held_on).days),
                "last_visit": absent["last_visit"],
            }
        ),
    ]
    out = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else pd.DataFrame(columns=COLUMNS)
    )
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
    people = db.query_df(
        "SELECT c.customer_id, c.name, c.phone, s.name AS store_name FROM customers c "
        "LEFT JOIN stores s ON s.store_id = c.home_store_id"
    )
    out = changes.merge(people, on="customer_id", how="left")
    out.attrs.update(changes.attrs)
    return out
