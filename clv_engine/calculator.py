"""The CLV calculator's worked cases: their reference inputs, and the two formulas that
``clv.py`` does not have (a tier's value and an extended-warranty buyer's net value).

Every other figure of the calculator comes from ``clv.py`` (simple, simple net, component,
DCF); this module only names the reference inputs so the page and its tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from clv_engine import clv

# -- reference inputs (SPEC §1 and §5) -------------------------------------------------------

# 5,000 a year × 6 years × 35% = 10,500.
SIMPLE_REFERENCE = {"annual_spend": 5_000.0, "years": 6.0, "margin": 0.35}

# No worked case exists for the simple net formula. Its preset is the simple model's customer
# with the cost of serving them (the other 65% of 30,000 revenue) as the service cost, so the
# two models agree on 10,500; acquisition cost is left for the user to add.
SIMPLE_NET_REFERENCE = {
    "annual_revenue": 5_000.0,
    "years": 6.0,
    "acquisition_cost": 0.0,
    "service_cost": 19_500.0,
}

# 450,000 × 15% = 67,500; 10,000 × 7 × 30% = 21,000; 67,500 × 42% = 28,350;
# 67,500 × 1.8 × 30% = 36,450; 2,000 × 7 = 14,000. Total 139,300.
COMPONENT_REFERENCE = {
    "vehicle_price": 450_000.0,
    "vehicle_margin": 0.15,
    "after_sales_per_year": 10_000.0,
    "years": 7.0,
    "after_sales_margin": 0.30,
    "repurchase_probability": 0.42,
    "referrals": 1.8,
    "referral_conversion": 0.30,
    "extra_service_cost_per_year": 2_000.0,
}

# Survival curve of six years, then S falls 0.05 a year until 0: 18,702 at 40% and 12%.
DCF_REFERENCE = {
    "spend": list(clv.SPEC_DCF_SPEND),
    "survival": list(clv.SPEC_DCF_SURVIVAL),
    "margin": clv.SPEC_DCF_MARGIN,
    "discount_rate": clv.SPEC_DCF_DISCOUNT,
    "tail_step": clv.SPEC_DCF_TAIL_STEP,
}


@dataclass(frozen=True)
class Tier:
    """Customers of one tier, valued by the simple model: spend × margin × years each."""

    annual_spend: float
    margin: float
    years: float
    customers: int

    @property
    def value_per_customer(self) -> float:
        return clv.historical_clv(self.annual_spend, self.years, self.margin)

    @property
    def total_value(self) -> float:
        return self.value_per_customer * self.customers


# Platinum 15,000 × 55% × 8 = 66,000 each (500: 33,000,000); ordinary 800 × 35% × 3 = 840
# each (3,000: 2,520,000); one platinum customer is worth 78.6 ordinary ones.
TIER_REFERENCE = {
    "top": Tier(annual_spend=15_000.0, margin=0.55, years=8.0, customers=500),
    "base": Tier(annual_spend=800.0, margin=0.35, years=3.0, customers=3_000),
}


def tier_ratio(top: Tier, base: Tier) -> float | None:
    """How many base-tier customers one top-tier customer is worth (None if the base is worth
    nothing or less: a ratio to zero or a loss means nothing)."""
    if base.value_per_customer <= 0:
        return None
    return top.value_per_customer / base.value_per_customer


# -- extended warranty (SPEC §5) --------------------------------------------------------------


@dataclass(frozen=True)
class WarrantyBuyer:
    """One extended-warranty buyer: the product's own margin plus the lifetime value it adds.

    SPEC §5: price 5,800 − claims 6,200 = −400 on the product; buyers' 6-year LTV 23,400
    against 13,800 for non-buyers = +9,600 (+70%); net 9,200 per buyer.
    """

    price: float
    claims_cost: float
    ltv_buyers: float
    ltv_non_buyers: float

    @property
    def product_margin(self) -> float:
        return self.price - self.claims_cost

    @property
    def ltv_uplift(self) -> float:
        return self.ltv_buyers - self.ltv_non_buyers

    @property
    def net_per_buyer(self) -> float:
        return self.product_margin + self.ltv_uplift

    @property
    def uplift_share(self) -> float | None:
        """The uplift as a share of a non-buyer's LTV (+70% in the reference case)."""
        return self.ltv_uplift / self.ltv_non_buyers if self.ltv_non_buyers > 0 else None

    @property
    def claims_exceed_price(self) -> bool:
        return self.claims_cost > self.price


WARRANTY_REFERENCE = {
    "price": 5_800.0,
    "claims_cost": 6_200.0,
    "ltv_buyers": 23_400.0,
    "ltv_non_buyers": 13_800.0,
    "term_years": 3,
    "ltv_years": 6,
}
