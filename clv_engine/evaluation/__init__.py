"""Investment evaluation: the business case for one after-sales programme (SPEC §5).

- ``programme``: Programme, CostLine, CustomerGroup, their validation and drivers;
- ``cash_flows``: the one yearly table, and NPV, IRR, paybacks read from it;
- ``sensitivity``: tornado, Monte Carlo, break-even, and ``analyse_programme`` (all at once);
- ``presets``: the worked cases, by stable id;
- ``from_data``: CLV uplifts measured in the data (warranty buyers, retention changes).

Numbers, codes and ids only: the wording layer (``wording.evaluation``, ``wording.report``)
draws labels and sentences.
"""

from clv_engine.evaluation.cash_flows import (
    Evaluation,
    cash_flow_table,
    evaluate_programme,
    gain_stream_per_year,
    group_customers,
    group_gain,
    npv_of_drivers,
    reference_payback_years,
    volume_over_horizon,
)
from clv_engine.evaluation.from_data import (
    RetentionBase,
    RetentionUplift,
    WarrantyComparison,
    kept_retention_base,
    retention_base,
    retention_uplift,
    retention_uplift_of,
    warranty_clv_comparison,
    warranty_programme,
)
from clv_engine.evaluation.presets import PRESETS, is_reference_case, preset
from clv_engine.evaluation.programme import (
    CODES,
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_SPREAD,
    MAX_HORIZON_YEARS,
    TIMINGS,
    VOLUME_UNITS,
    CostLine,
    CustomerGroup,
    Programme,
    ProgrammeError,
    driver_keys,
    driver_value,
    validate_programme,
    with_driver,
    with_group,
)
from clv_engine.evaluation.sensitivity import (
    Analysis,
    MonteCarloResult,
    analyse_programme,
    break_even,
    break_even_table,
    monte_carlo,
    tornado,
)

__all__ = [
    "CODES",
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_SPREAD",
    "MAX_HORIZON_YEARS",
    "PRESETS",
    "TIMINGS",
    "VOLUME_UNITS",
    "Analysis",
    "CostLine",
    "CustomerGroup",
    "Evaluation",
    "MonteCarloResult",
    "Programme",
    "ProgrammeError",
    "RetentionBase",
    "RetentionUplift",
    "WarrantyComparison",
    "analyse_programme",
    "break_even",
    "break_even_table",
    "cash_flow_table",
    "driver_keys",
    "driver_value",
    "evaluate_programme",
    "gain_stream_per_year",
    "group_customers",
    "group_gain",
    "is_reference_case",
    "monte_carlo",
    "npv_of_drivers",
    "preset",
    "reference_payback_years",
    "kept_retention_base",
    "retention_base",
    "retention_uplift",
    "retention_uplift_of",
    "tornado",
    "validate_programme",
    "volume_over_horizon",
    "warranty_clv_comparison",
    "warranty_programme",
    "with_driver",
    "with_group",
]
