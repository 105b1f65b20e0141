"""Per-customer predictions from both models: P(alive), visits, value per visit, CLV."""

from __future__ import annotations

import numpy as np

from clv_engine.models.bg_nbd import BGNBDFit, BGNBDParams, _bgnbd, _check_horizon, _visit_forecast
from clv_engine.models.fitting import check_rfm
from clv_engine.models.gamma_gamma import GammaGammaFit, GammaGammaParams, expected_value_per_visit


def predict_customers(
    visits: BGNBDParams | BGNBDFit,
    spend: GammaGammaParams | GammaGammaFit,
    frequency: object,
    recency: object,
    T: object,
    mean_value: object,
    *,
    horizon_years: float,
    discount_rate: float,
    units_per_year: float,
) -> dict[str, np.ndarray]:
    """Every per-customer prediction in one pass: p_alive, expected_visits (over the
    horizon), expected_value_per_visit and predictive_clv (discounted value over the
    horizon = expected value per visit × discounted expected visits)."""
    _check_horizon(horizon_years, discount_rate, units_per_year)
    x, t_x, age = check_rfm(frequency, recency, T)
    alive, visits_horizon, discounted = _visit_forecast(
        _bgnbd(visits), x, t_x, age, horizon_years, discount_rate, units_per_year
    )
    value = expected_value_per_visit(spend, x, mean_value)
    return {
        "p_alive": alive,
        "expected_visits": visits_horizon,
        "expected_value_per_visit": value,
        "predictive_clv": value * discounted,
    }
