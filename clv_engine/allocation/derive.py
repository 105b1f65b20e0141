"""A project's uplift derived from the data: raise a segment's retention or visit frequency.

:func:`uplift_from_retention` / :func:`uplift_from_frequency` turn "raise retention of
segment X by p points" into a project's uplift per customer and reach, with the same CLV
formula (annuity and absence weight) as :mod:`clv_engine.clv`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_engine.allocation.model import AllocationError, _check_positive
from clv_engine.clv import absence_weight, annuity_factor

SEGMENT_COLUMNS = ("region", "channel", "vehicle_model", "home_store_id")
"""Columns of ``clv.customer_values`` that name a segment a project can target."""


def _clv_inputs(
    customers: pd.DataFrame, retention: float | None, discount_rate: float | None, horizon_years: int | None
) -> tuple[float, float, int]:
    params = customers.attrs.get("params")
    r = retention if retention is not None else customers.attrs.get("retention")
    d = discount_rate if discount_rate is not None else getattr(params, "discount_rate", None)
    h = horizon_years if horizon_years is not None else getattr(params, "horizon_years", None)
    if r is None or d is None or h is None:
        raise AllocationError("clv_params_missing")
    if not 0 < r <= 1:
        raise AllocationError("retention_range", value=r)
    if not 0 <= d < 1:
        raise AllocationError("discount_range", value=d)
    if int(h) != h or h < 1:
        raise AllocationError("horizon_range", value=h)
    return float(r), float(d), int(h)


def _segment_base(customers: pd.DataFrame, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Annual gross profit and the absence weight baked into each customer's CLV: the same
    :func:`clv.absence_weight` the per-customer CLV uses (the measured come-back rate of a
    customer away k years, else r^gap), so an uplift never values a lapsed customer more
    than their CLV does."""
    needed = {"annual_gp", "recency_days"}
    missing = needed - set(customers.columns)
    if missing:
        raise AllocationError("customer_columns", columns=", ".join(sorted(missing)))
    if customers.empty:
        raise AllocationError("segment_empty")
    annual_gp = customers["annual_gp"].to_numpy(dtype=float)
    weight = absence_weight(
        customers["recency_days"].to_numpy(dtype=float), r, customers.attrs.get("return_rates")
    )
    return annual_gp, weight


def uplift_from_retention(
    customers: pd.DataFrame,
    points: float,
    *,
    retention: float | None = None,
    discount_rate: float | None = None,
    horizon_years: int | None = None,
) -> tuple[float, int]:
    """(CLV uplift per customer, reach) of raising a segment's yearly retention by ``points``.

    ``customers`` is the segment's rows of ``clv.customer_values`` (its ``attrs`` carry the
    retention r and the CLV parameters; pass them explicitly otherwise). That CLV is
    annual_gp × w × A(r), A(r) = Σ_{t=1..H} r^t / (1+d)^t, the DCF annuity of a survivor.
    A programme changes retention from now on, not whether a customer who has been away is
    still around, so the absence weight w stays and only the annuity moves to A(r + points/100):

        uplift_i = annual_gp_i × w_i × (A(r') − A(r));   reach = customers in the segment.

    The uplift per customer is the segment mean (customers with little profit weigh in too).
    """
    r, d, h = _clv_inputs(customers, retention, discount_rate, horizon_years)
    step = _check_positive(points, "points")
    new = r + step / 100.0
    if new > 1.0 + 1e-12:
        raise AllocationError("retention_above_100", retention=r, points=step)
    annual_gp, weight = _segment_base(customers, r)
    uplift = annual_gp * weight * (annuity_factor(new, d, h) - annuity_factor(r, d, h))
    return _segment_result(uplift)


def uplift_from_frequency(
    customers: pd.DataFrame,
    extra_visits: float,
    *,
    retention: float | None = None,
    discount_rate: float | None = None,
    horizon_years: int | None = None,
) -> tuple[float, int]:
    """(CLV uplift per customer, reach) of ``extra_visits`` more visits a year per customer.

    Each extra visit earns the customer's own gross profit per visit (gross_profit / orders;
    the segment's average for a customer without orders), every year the customer stays, so

        uplift_i = extra_visits × gp_per_visit_i × w_i × A(r).
    """
    r, d, h = _clv_inputs(customers, retention, discount_rate, horizon_years)
    visits = _check_positive(extra_visits, "extra_visits")
    missing = {"gross_profit", "orders"} - set(customers.columns)
    if missing:
        raise AllocationError("customer_columns", columns=", ".join(sorted(missing)))
    _, weight = _segment_base(customers, r)
    orders = customers["orders"].to_numpy(dtype=float)
    profit = customers["gross_profit"].to_numpy(dtype=float)
    if orders.sum() <= 0:
        raise AllocationError("segment_no_visits")
    average = profit.sum() / orders.sum()
    per_visit = np.where(orders > 0, profit / np.where(orders > 0, orders, 1.0), average)
    uplift = visits * per_visit * weight * annuity_factor(r, d, h)
    return _segment_result(uplift)


def _segment_result(uplift: np.ndarray) -> tuple[float, int]:
    per_customer = float(uplift.mean())
    if not per_customer > 0:
        raise AllocationError("segment_no_profit")
    return per_customer, int(uplift.size)
