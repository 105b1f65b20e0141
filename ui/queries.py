"""Every cached engine query of the pages (``st.cache_data`` through ui.context.cached), one
module: a page asks here, and the same question is cached once whichever page asks it."""

from __future__ import annotations

from datetime import date

import pandas as pd

from clv_engine import churn, clv, results, service_due, tier_rules
from clv_engine import complaints as cq
from clv_engine import segmentation as seg
from clv_engine.db import Database
from ui.context import cached

# -- churnseg --


def _scope(store_ids) -> list[str] | None:
    return list(store_ids) if store_ids else None


@cached
def churn_signals(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """The churn signals of every customer in the scope (clv_engine.churn.churn_signals)."""
    return churn.churn_signals(db, as_of, stores)


@cached
def churn_backtest(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    return churn.backtest_signals(db, as_of, stores)


@cached
def call_details(db: Database, as_of: date) -> pd.DataFrame:
    return churn.call_details(db, as_of)


@cached
def success_evidence(db: Database, typed: tuple[tuple[str, float], ...]) -> list:
    return results.success_evidence(db, dict(typed))


@cached
def rfml_tiers(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    """customer_id and RFM+L tier id (default rules)."""
    return seg.score_customers(db, as_of, stores)[["customer_id", "tier"]]


@cached
def seg_scores(db: Database, as_of: date, store_ids, rules: seg.RfmlRules) -> pd.DataFrame:
    return seg.score_customers(db, as_of, _scope(store_ids), rules)


@cached
def seg_values(db: Database, as_of: date, store_ids, params: clv.CLVParams) -> pd.DataFrame:
    return clv.customer_values(db, as_of, _scope(store_ids), params)


@cached
def seg_analysis(db, as_of, store_ids, scheme, rules, six_rules, params):
    """(customers with scores, CLV and tier or group; breakdown; by store; by region)."""
    frame = seg.with_values(seg_scores(db, as_of, store_ids, rules), seg_values(db, as_of, store_ids, params))
    if scheme == "six":
        frame = seg.six_groups(frame, six_rules)
    return (
        frame,
        seg.tier_breakdown(frame, scheme),
        seg.tier_breakdown(frame, scheme, by=["home_store_id"]),
        seg.tier_breakdown(frame, scheme, by=["region"]),
    )


@cached
def seg_migration(db, date_a, as_of, store_ids, scheme, rules, six_rules, params) -> seg.Migration:
    # The tiers on the as-of date are the page's own (cached); only the earlier date is scored.
    now = seg_analysis(db, as_of, store_ids, scheme, rules, six_rules, params)[0]
    then = seg.tiers_at(db, date_a, _scope(store_ids), scheme, rules, six_rules, params)
    return seg.migration_between(then, now, scheme, date_a, as_of)


@cached
def first_order_date(db) -> date | None:
    return db.query_value("SELECT min(order_date) FROM orders")


@cached
def missing_flag_tables(db) -> list[str]:
    return seg.missing_flag_tables(db)


@cached
def service_lists(db, as_of: date, store_ids, rules: service_due.ServiceRules):
    """(services due, warranty offers) in the scope."""
    return service_due.service_due(db, as_of, store_ids, rules), service_due.warranty_offers(
        db, as_of, store_ids, rules
    )


@cached
def tier_changes(db, as_of: date, store_ids, rules: tier_rules.TierRules) -> pd.DataFrame:
    return tier_rules.with_contact(tier_rules.tier_changes_due(db, as_of, store_ids, rules), db)


@cached
def complaint_clock(db, as_of: date, store_ids, rules: cq.ClockRules) -> pd.DataFrame:
    return cq.complaint_clock(db, as_of, store_ids, rules)
