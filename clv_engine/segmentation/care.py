"""Care budget by tier (SPEC §2b, §2c) and complaint handling by tier (SPEC §2d)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

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
    customers={
        "vip": 500,
        "high_value": 1_000,
        "potential": 1_500,
        "churn_risk": 1_500,
        "dormant": 3_000,
        "invalid": 2_500,
    },
    cost_each={
        "vip": 3_000,
        "high_value": 1_500,
        "potential": 600,
        "churn_risk": 400,
        "dormant": 150,
        "invalid": 20,
    },
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
    "rfml": {
        "platinum": "vip",
        "gold": "high_value",
        "silver": "ordinary",
        "ordinary": "low_value",
        "churned": "low_value",
    },
    "six": {
        "vip": "vip",
        "high_value": "high_value",
        "churn_risk": "high_value",
        "potential": "ordinary",
        "dormant": "ordinary",
        "invalid": "low_value",
    },
}


def complaint_roi(cost: float, clv_saved: float) -> float:
    """Net ROI of a complaint recovery: (CLV kept − cost) / cost (SPEC §2d: 233%)."""
    if cost <= 0:
        raise ValueError("complaint recovery cost must be positive")
    return (clv_saved - cost) / cost
