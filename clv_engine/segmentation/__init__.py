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

The package, along its seams: ``vocabulary`` (tier and group ids, flags, SQL over frames),
``scoring`` (RFM+L rules and scores), ``groups`` (six groups), ``breakdown``, ``care`` (care
budget, complaint handling) and ``migration``. Their labels are in wording.segmentation.
"""

from clv_engine.segmentation.breakdown import (
    BREAKDOWN_SQL,
    tier_breakdown,
)
from clv_engine.segmentation.care import (
    BUDGET_CASES,
    COMPLAINT_LEVEL,
    COMPLAINT_RULES,
    DEFAULT_COST_EACH,
    DEFAULT_FLAT_COST_EACH,
    SPEC_2B_CASE,
    SPEC_2C_CASE,
    BudgetCase,
    CareBudget,
    ComplaintRule,
    budget_per_customer,
    care_budget,
    complaint_roi,
    run_case,
)
from clv_engine.segmentation.groups import (
    DEFAULT_GRID,
    LEVELS,
    SIX_SQL,
    SixGroupRules,
    six_groups,
)
from clv_engine.segmentation.keyed import (
    breakdowns,
    by_key,
    is_keyed,
    keyed_scores,
    keyed_values,
    named,
    with_keyed_values,
)
from clv_engine.segmentation.migration import (
    FLOWS_SQL,
    MIGRATION_SQL,
    Migration,
    migration,
    migration_between,
    tiers_at,
)
from clv_engine.segmentation.scoring import (
    SCORE_SQL,
    RfmlRules,
    missing_flag_tables,
    rescore,
    rules_from_dict,
    score_customers,
    score_query,
    with_values,
)
from clv_engine.segmentation.vocabulary import (
    FLAG_TABLES,
    RFML_TIERS,
    RFML_TYPICAL_SHARES,
    SCHEMES,
    SCORE_MAX,
    SCORE_MIN,
    SIX_GROUPS,
    SIX_TYPICAL_SHARES,
    TYPICAL_SHARES,
    frame_sql,
    tier_column,
)

__all__ = [
    "BREAKDOWN_SQL",
    "BUDGET_CASES",
    "BudgetCase",
    "COMPLAINT_LEVEL",
    "COMPLAINT_RULES",
    "CareBudget",
    "ComplaintRule",
    "DEFAULT_COST_EACH",
    "DEFAULT_FLAT_COST_EACH",
    "DEFAULT_GRID",
    "FLAG_TABLES",
    "FLOWS_SQL",
    "LEVELS",
    "MIGRATION_SQL",
    "Migration",
    "RFML_TIERS",
    "RFML_TYPICAL_SHARES",
    "RfmlRules",
    "SCHEMES",
    "SCORE_MAX",
    "SCORE_MIN",
    "SCORE_SQL",
    "SIX_GROUPS",
    "SIX_SQL",
    "SIX_TYPICAL_SHARES",
    "SPEC_2B_CASE",
    "SPEC_2C_CASE",
    "SixGroupRules",
    "TYPICAL_SHARES",
    "breakdowns",
    "budget_per_customer",
    "by_key",
    "is_keyed",
    "keyed_scores",
    "keyed_values",
    "named",
    "with_keyed_values",
    "care_budget",
    "complaint_roi",
    "frame_sql",
    "migration",
    "migration_between",
    "missing_flag_tables",
    "rules_from_dict",
    "run_case",
    "rescore",
    "score_customers",
    "score_query",
    "six_groups",
    "tier_breakdown",
    "tier_column",
    "tiers_at",
    "with_values",
]
