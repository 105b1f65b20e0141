"""Cash flows: the one yearly table of a programme, and every figure read from it (SPEC §5).

Timing convention (stated once, on the page and in every export):
- up-front costs fall today (year 0) and are not discounted;
- yearly and per-unit costs fall at the end of each year 1..H;
- a CLV uplift is already a present value (today's value of the extra gross profit the
  customers bring), so it is counted once. It enters the cash-flow table as the yearly
  gross-profit stream that produced it: an equal amount at the end of each year 1..H whose
  present value at the discount rate is exactly the uplift (``uplift / annuity(rate, H)``).
  NPV therefore equals uplift − present value of the costs, never the uplift spread over the
  horizon and discounted a second time.

Why the stream rather than the lump sum in year 0: booking the whole uplift today would put
the gain before the costs, so every programme would "pay back" at once and its IRR would be
the rate of a loan, not of an investment. The stream gives the same NPV and a payback, IRR
and MIRR a CFO can read. The horizon is therefore the period over which the gain arises
(six years for a six-year lifetime-value gap).

Figures "over the horizon" carry that suffix; per-year figures say ``per_year``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clv_engine import finance
from clv_engine.evaluation.programme import CustomerGroup, Programme


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------
def _sum_lines(p: Programme, timing: str) -> float:
    return float(sum(line.amount for line in p.cost_lines if line.timing == timing))


def volume_over_horizon(p: Programme) -> float:
    return p.volume_per_year * p.horizon_years


def group_customers(p: Programme, group: CustomerGroup) -> float:
    return volume_over_horizon(p) if group.customers is None else float(group.customers)


def group_gain(p: Programme, group: CustomerGroup) -> float:
    """CLV gained from one group over the horizon: customers × take-up × uplift."""
    return group_customers(p, group) * group.take_up * group.clv_uplift


@dataclass(frozen=True)
class Evaluation:
    """Every figure of one programme. Definitions are in the wording layer's catalogue
    (``evaluator.def.*``) and shown beside each figure."""

    programme: Programme
    # over the horizon
    upfront_cost: float
    one_off_cost_over_horizon: float  # one-off costs in later years, undiscounted
    running_cost_over_horizon: float  # yearly lines × years
    unit_cost_over_horizon: float  # (per-unit lines − unit revenue) × volume × years
    cost_over_horizon: float  # the three above: SPEC's "total cost"
    gain_over_horizon: float  # Σ customers × take-up × CLV uplift
    net_gain_over_horizon: float  # gain − cost
    volume_over_horizon: float
    # per year
    running_cost_per_year: float
    gain_per_year: float  # the yearly gross-profit stream whose present value is the gain
    # ratios
    unit_cost: float | None  # cost over horizon / volume over horizon
    net_roi: float | None  # (gain − cost) / cost
    benefit_cost_multiple: float | None  # gain / cost
    payback_years: float | None  # the headline: cumulative yearly cash flow first ≥ 0
    discounted_payback_years: float | None  # the same on the discounted cash flows
    reference_payback_years: float | None  # the reference cases' own: cost / (gain / years)
    npv: float
    irr: finance.IrrResult
    cash_flows: pd.DataFrame = field(repr=False)  # one row per year 0..H
    group_gains: tuple[float, ...] = ()
    unit_margin: float | None = None  # price − per-unit costs, when the customer pays a price
    dips_after_payback: bool = False  # cumulative cash turns negative again after payback

    @property
    def unit_loss(self) -> float | None:
        """What the product itself loses per unit (claims 6,200 on a price of 5,800: 400),
        when it is sold at a price below its per-unit cost; None otherwise."""
        if self.unit_margin is None or self.unit_margin >= 0:
            return None
        return -self.unit_margin


def gain_stream_per_year(
    gain: float | np.ndarray, rate: float | np.ndarray, years: int
) -> float | np.ndarray:
    """The equal yearly gross profit, at the end of years 1..``years``, whose present value
    at ``rate`` is ``gain`` (the CLV uplift, already a present value): gain / annuity."""
    return gain / finance.annuity_factor(rate, years)


def cash_flow_table(p: Programme) -> pd.DataFrame:
    """Yearly flows, year 0 (today) to H: costs as negatives, gain as positive.

    Every derived figure (NPV, IRR, MIRR, both paybacks) is read from this one table, and
    the page and the exports show it.
    """
    years = np.arange(p.horizon_years + 1)
    later = (years > 0).astype(float)
    upfront = np.where(years == 0, -_sum_lines(p, "upfront"), 0.0)
    running = -_sum_lines(p, "yearly") * later
    one_off = np.zeros(years.size)
    for line in p.cost_lines:
        if line.timing == "one_off":
            one_off[line.year] -= line.amount
    per_unit = -(_sum_lines(p, "per_unit") - p.unit_revenue) * p.volume_per_year * later
    gain_total = sum(group_gain(p, g) for g in p.groups)
    gain = gain_stream_per_year(gain_total, p.discount_rate, p.horizon_years) * later
    # "+ 0.0" turns the −0.0 of a zero cost into 0.0, so no table shows "-0".
    upfront, running, per_unit, gain = upfront + 0.0, running + 0.0, per_unit + 0.0, gain + 0.0
    net = upfront + one_off + running + per_unit + gain
    factor = finance.discount_factors(p.discount_rate, p.horizon_years)
    return pd.DataFrame(
        {
            "year": years,
            "upfront_cost": upfront,
            "one_off_cost": one_off,
            "running_cost": running,
            "unit_cost": per_unit,
            "gain": gain,
            "net": net,
            "cumulative": np.cumsum(net),
            "discount_factor": factor,
            "discounted_net": net * factor,
            "cumulative_discounted": np.cumsum(net * factor),
        }
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def evaluate_programme(p: Programme) -> Evaluation:
    """All the figures of SPEC §5 for one programme, the time-based ones from one table."""
    h = p.horizon_years
    upfront = _sum_lines(p, "upfront")
    running_per_year = _sum_lines(p, "yearly")
    net_unit_cost = _sum_lines(p, "per_unit") - p.unit_revenue
    volume = volume_over_horizon(p)
    unit_costs = net_unit_cost * volume
    one_off = _sum_lines(p, "one_off")
    cost = upfront + one_off + running_per_year * h + unit_costs
    gains = tuple(group_gain(p, g) for g in p.groups)
    gain = float(sum(gains))
    flows = cash_flow_table(p)
    net = flows["net"].to_numpy()
    return Evaluation(
        programme=p,
        upfront_cost=upfront,
        one_off_cost_over_horizon=one_off,
        running_cost_over_horizon=running_per_year * h,
        unit_cost_over_horizon=unit_costs,
        cost_over_horizon=cost,
        gain_over_horizon=gain,
        net_gain_over_horizon=gain - cost,
        volume_over_horizon=volume,
        running_cost_per_year=running_per_year,
        gain_per_year=float(flows["gain"].iloc[-1]),
        unit_cost=cost / volume if volume > 0 else None,
        net_roi=_ratio(gain - cost, cost),
        benefit_cost_multiple=_ratio(gain, cost),
        # Nothing spent, nothing to pay back: no payback rather than "0 years".
        payback_years=finance.payback_from_flows(net, 0.0) if cost > 0 else None,
        discounted_payback_years=finance.payback_from_flows(net, p.discount_rate) if cost > 0 else None,
        reference_payback_years=reference_payback_years(cost, gain / h),
        npv=finance.npv(p.discount_rate, net),
        irr=finance.irr(net, p.discount_rate),
        cash_flows=flows,
        group_gains=gains,
        unit_margin=-net_unit_cost if p.unit_revenue > 0 else None,
        dips_after_payback=finance.dips_after_payback(net),
    )


def reference_payback_years(cost: float, gain_per_year: float) -> float | None:
    """The reference cases' own payback: total cost / (gain / years) (1.87 yr for the van).

    Kept so their figures stay reproducible; it mixes a cost paid up front with a gain
    spread evenly, so the headline payback is the cash-flow one. None when nothing is gained.
    """
    if gain_per_year <= 0:
        return None
    return max(cost, 0.0) / gain_per_year


# --------------------------------------------------------------------------------------
# NPV for many draws at once (tornado, break-even, Monte Carlo)
# --------------------------------------------------------------------------------------
def npv_of_drivers(p: Programme, values: Mapping[str, np.ndarray | float] | None = None) -> np.ndarray:
    """NPV with some drivers replaced by arrays (one element per draw), vectorised.

    Closed form of :func:`cash_flow_table`: −(upfront + PV of one-offs) + (gain stream −
    yearly − net unit cost × volume) × annuity factor. The gain stream is fixed at the
    programme's own discount rate (the CLV uplift is a present value at that rate); moving
    the discount rate as a driver discounts the same yearly table at another rate, the NPV
    profile whose zero is the IRR. The tests hold it equal to the explicit cash flows.
    """
    values = values or {}

    def get(key: str, default: float) -> np.ndarray:
        return np.asarray(values.get(key, default), dtype=float)

    rate = get("discount_rate", p.discount_rate)
    upfront = yearly = per_unit = np.asarray(0.0)
    for i, line in enumerate(p.cost_lines):
        amount = get(f"cost.{i}", line.amount)
        if line.timing == "upfront":
            upfront = upfront + amount
        elif line.timing == "one_off":
            upfront = upfront + amount * (1.0 + rate) ** -line.year
        elif line.timing == "yearly":
            yearly = yearly + amount
        else:
            per_unit = per_unit + amount
    volume = get("volume", p.volume_per_year)
    unit_revenue = get("unit_revenue", p.unit_revenue)
    h = p.horizon_years
    gain = np.asarray(0.0)
    for i, g in enumerate(p.groups):
        customers = volume * h if g.customers is None else get(f"group.{i}.customers", g.customers)
        gain = gain + customers * get(f"group.{i}.take_up", g.take_up) * get(
            f"group.{i}.clv_uplift", g.clv_uplift
        )
    stream = gain_stream_per_year(gain, p.discount_rate, h)
    per_year = stream - yearly - (per_unit - unit_revenue) * volume
    return -upfront + per_year * finance.annuity_factor(rate, h)
