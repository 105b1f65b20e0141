"""Investment evaluator: the business case for one after-sales programme (SPEC §5).

A :class:`Programme` is a small data object (costs, horizon, volume, the customers it
affects and their CLV uplift, discount rate); :func:`evaluate_programme` turns it into the
figures a CFO asks for. Sensitivity (:func:`tornado`, :func:`monte_carlo`) and break-even
(:func:`break_even`) move one *driver* at a time; a driver is a number in the programme
named by a key such as ``"cost.0"``, ``"volume"``, ``"group.1.clv_uplift"`` or
``"discount_rate"``.

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

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from clv_engine import finance
from clv_engine.clv import CLVParams, add_historical_clv, customer_values
from clv_engine.db import Database
from wording import CATALOGUE, t

Timing = Literal["upfront", "yearly", "per_unit", "one_off"]
TIMINGS: tuple[str, ...] = ("upfront", "yearly", "per_unit", "one_off")

VOLUME_UNITS: tuple[str, ...] = tuple(
    f"evaluator.unit.{u}" for u in ("services", "visits", "contracts", "cases", "participants")
)
MAX_HORIZON_YEARS = 30
DEFAULT_DISCOUNT_RATE = 0.12  # SPEC §1's DCF case; the user changes it per programme
DEFAULT_SPREAD = 0.20  # ±20 % for the tornado and the Monte Carlo ranges


class ProgrammeError(ValueError):
    """A programme input that cannot be evaluated; the message names the field."""


# --------------------------------------------------------------------------------------
# The programme
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CostLine:
    """One cost of the programme.

    ``timing``: ``upfront`` once today (van, equipment); ``yearly`` each year of the
    horizon (labour, running); ``per_unit`` per service/visit/contract, times the yearly
    volume, each year (the 150 per pickup, the claims cost of a warranty); ``one_off``
    once at the end of year ``year`` (a mid-life overhaul, a decommissioning cost).
    """

    name: str  # an i18n key for presets, free text for a custom line
    amount: float  # CNY
    timing: Timing
    year: int = 0  # only for one_off: 1..horizon


@dataclass(frozen=True)
class CustomerGroup:
    """Customers whose lifetime value the programme changes.

    ``customers`` counts *unique* customers over the whole horizon (the van serves 3,600
    visits but 1,500 customers); None means one customer per unit of volume (each warranty
    contract is one buyer). ``take_up`` is the share who realise the uplift (30 % of
    lapsed member-day visitors stay).
    """

    name: str
    customers: float | None
    clv_uplift: float  # CNY per customer who takes it up
    take_up: float = 1.0
    baseline_clv: float | None = None  # CLV without the programme, for "uplift +70 %"

    @property
    def uplift_pct(self) -> float | None:
        """The uplift relative to the baseline CLV (9,600 / 13,800 = +70 %)."""
        if self.baseline_clv is None or self.baseline_clv <= 0:
            return None
        return self.clv_uplift / self.baseline_clv


@dataclass(frozen=True)
class Programme:
    name: str
    horizon_years: int
    volume_per_year: float  # services / visits / contracts / cases per year
    cost_lines: tuple[CostLine, ...]
    groups: tuple[CustomerGroup, ...]
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    unit_revenue: float = 0.0  # paid by the customer per unit (the warranty price)
    volume_unit: str = "evaluator.unit.services"
    key_driver: str = "group.0.clv_uplift"  # the most uncertain input, for break-even
    preset: str = "custom"
    note: str = ""  # an i18n key explaining the preset's assumptions, or free text

    def __post_init__(self) -> None:
        validate_programme(self)

    # -- JSON for scenarios and the URL --------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Programme:
        if not isinstance(data, Mapping):
            raise ProgrammeError("programme: expected an object of inputs")
        try:
            lines = tuple(
                CostLine(str(c["name"]), float(c["amount"]), str(c["timing"]),  # type: ignore[arg-type]
                         int(c.get("year", 0)))
                for c in data.get("cost_lines", ())
            )
            groups = tuple(
                CustomerGroup(
                    str(g["name"]),
                    None if g.get("customers") is None else float(g["customers"]),
                    float(g["clv_uplift"]),
                    float(g.get("take_up", 1.0)),
                    None if g.get("baseline_clv") is None else float(g["baseline_clv"]),
                )
                for g in data.get("groups", ())
            )
        except (KeyError, TypeError) as exc:
            raise ProgrammeError(f"programme: cost line or group is missing a field ({exc})") from exc
        known = {f for f in cls.__dataclass_fields__} - {"cost_lines", "groups"}
        unknown = set(data) - known - {"cost_lines", "groups"}
        if unknown:
            raise ProgrammeError(f"programme: unknown field(s) {sorted(unknown)}")
        scalars = {k: data[k] for k in known if k in data}
        for required in ("name", "horizon_years", "volume_per_year"):
            if required not in scalars:
                raise ProgrammeError(f"programme: missing field {required!r}")
        try:
            horizon = float(scalars["horizon_years"])
        except (TypeError, ValueError) as exc:
            raise ProgrammeError("horizon_years: must be a whole number of years") from exc
        if not horizon.is_integer():
            raise ProgrammeError("horizon_years: must be a whole number of years")
        scalars["horizon_years"] = int(horizon)
        for name in ("volume_per_year", "discount_rate", "unit_revenue"):
            if name in scalars:
                try:
                    scalars[name] = float(scalars[name])
                except (TypeError, ValueError) as exc:
                    raise ProgrammeError(f"{name}: must be a number") from exc
        return cls(cost_lines=lines, groups=groups, **scalars)

    @classmethod
    def from_json(cls, text: str) -> Programme:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProgrammeError(f"programme: not valid JSON ({exc.msg})") from exc
        return cls.from_dict(data)


def _finite(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProgrammeError(f"{name}: must be a finite number (got {value!r})")


def validate_programme(p: Programme) -> None:
    """Raise ValueError naming the offending field; called on every construction."""
    if not isinstance(p.name, str) or not p.name.strip():
        raise ProgrammeError("name: the programme needs a name")
    if isinstance(p.horizon_years, bool) or not isinstance(p.horizon_years, int):
        raise ProgrammeError(f"horizon_years: must be a whole number of years (got {p.horizon_years!r})")
    if not 1 <= p.horizon_years <= MAX_HORIZON_YEARS:
        raise ProgrammeError(f"horizon_years: must be between 1 and {MAX_HORIZON_YEARS} (got {p.horizon_years})")
    _finite(p.volume_per_year, "volume_per_year")
    if p.volume_per_year < 0:
        raise ProgrammeError("volume_per_year: cannot be negative")
    if p.volume_unit not in VOLUME_UNITS:
        raise ProgrammeError(f"volume_unit: must be one of {', '.join(VOLUME_UNITS)} (got {p.volume_unit!r})")
    _finite(p.discount_rate, "discount_rate")
    if not -0.5 < p.discount_rate <= 1.0:
        raise ProgrammeError(f"discount_rate: must be between -50% and 100% (got {p.discount_rate!r})")
    _finite(p.unit_revenue, "unit_revenue")
    if p.unit_revenue < 0:
        raise ProgrammeError("unit_revenue: cannot be negative")
    for i, line in enumerate(p.cost_lines):
        if not isinstance(line, CostLine):
            raise ProgrammeError(f"cost_lines[{i}]: expected a CostLine")
        if not str(line.name).strip():
            raise ProgrammeError(f"cost_lines[{i}].name: a cost line needs a name")
        _finite(line.amount, f"cost_lines[{i}].amount")
        if line.amount < 0:
            raise ProgrammeError(f"cost_lines[{i}].amount: cannot be negative (put income in unit_revenue)")
        if line.timing not in TIMINGS:
            raise ProgrammeError(f"cost_lines[{i}].timing: must be one of {', '.join(TIMINGS)} (got {line.timing!r})")
        if line.timing == "one_off" and (
            isinstance(line.year, bool) or not isinstance(line.year, int) or not 1 <= line.year <= p.horizon_years
        ):
            raise ProgrammeError(
                f"cost_lines[{i}].year: a one-off cost falls in a year from 1 to the horizon "
                f"{p.horizon_years} (got {line.year!r})"
            )
    for i, group in enumerate(p.groups):
        if not isinstance(group, CustomerGroup):
            raise ProgrammeError(f"groups[{i}]: expected a CustomerGroup")
        if not str(group.name).strip():
            raise ProgrammeError(f"groups[{i}].name: a customer group needs a name")
        if group.customers is not None:
            _finite(group.customers, f"groups[{i}].customers")
            if group.customers < 0:
                raise ProgrammeError(f"groups[{i}].customers: cannot be negative")
        _finite(group.clv_uplift, f"groups[{i}].clv_uplift")
        _finite(group.take_up, f"groups[{i}].take_up")
        if not 0.0 <= group.take_up <= 1.0:
            raise ProgrammeError(f"groups[{i}].take_up: must be a share between 0 and 1 (got {group.take_up!r})")
        if group.baseline_clv is not None:
            _finite(group.baseline_clv, f"groups[{i}].baseline_clv")
    if p.key_driver not in driver_keys(p, include_zero=True) and p.key_driver != "discount_rate":
        raise ProgrammeError(f"key_driver: {p.key_driver!r} is not an input of this programme")


# --------------------------------------------------------------------------------------
# Drivers: the numbers sensitivity and break-even move
# --------------------------------------------------------------------------------------
def driver_keys(p: Programme, include_zero: bool = False) -> list[str]:
    """Every driver of ``p``; zero-valued ones (a ±20 % move does nothing) only on request."""
    keys = [f"cost.{i}" for i in range(len(p.cost_lines))]
    keys += ["volume", "unit_revenue"]
    for i, group in enumerate(p.groups):
        if group.customers is not None:
            keys.append(f"group.{i}.customers")
        keys.append(f"group.{i}.clv_uplift")
        # A take-up of 100 % means "not modelled": moving it would only repeat the
        # customers bar, and it cannot rise.
        if include_zero or group.take_up < 1.0:
            keys.append(f"group.{i}.take_up")
    keys.append("discount_rate")
    if include_zero:
        return keys
    return [k for k in keys if driver_value(p, k) != 0]


def _group_part(key: str) -> tuple[int, str]:
    _, index, attr = key.split(".")
    return int(index), attr


def driver_value(p: Programme, key: str) -> float:
    if key.startswith("cost."):
        return p.cost_lines[int(key.split(".")[1])].amount
    if key == "volume":
        return p.volume_per_year
    if key == "unit_revenue":
        return p.unit_revenue
    if key == "discount_rate":
        return p.discount_rate
    if key.startswith("group."):
        index, attr = _group_part(key)
        value = getattr(p.groups[index], attr)
        if value is None:
            raise ProgrammeError(f"{key}: this group's customers follow the volume")
        return float(value)
    raise ProgrammeError(f"driver: unknown driver {key!r}")


def with_driver(p: Programme, key: str, value: float) -> Programme:
    """A copy of ``p`` with one driver set (validated like any programme)."""
    if key.startswith("cost."):
        i = int(key.split(".")[1])
        lines = list(p.cost_lines)
        lines[i] = replace(lines[i], amount=float(value))
        return replace(p, cost_lines=tuple(lines))
    if key == "volume":
        return replace(p, volume_per_year=float(value))
    if key == "unit_revenue":
        return replace(p, unit_revenue=float(value))
    if key == "discount_rate":
        return replace(p, discount_rate=float(value))
    if key.startswith("group."):
        index, attr = _group_part(key)
        groups = list(p.groups)
        groups[index] = replace(groups[index], **{attr: float(value)})
        return replace(p, groups=tuple(groups))
    raise ProgrammeError(f"driver: unknown driver {key!r}")


def label(name: str, lang: str = "en") -> str:
    """A preset's i18n key in the reader's language; a typed custom name as typed."""
    return t(name, lang) if name in CATALOGUE else name


def driver_label(p: Programme, key: str, lang: str = "en") -> str:
    """What the reader calls a driver: "Labour", "Lapsed (came back): take-up"."""
    if key.startswith("cost."):
        return label(p.cost_lines[int(key.split(".")[1])].name, lang)
    if key.startswith("group."):
        index, attr = _group_part(key)
        return t(f"evaluator.driver.{attr}", lang, group=label(p.groups[index].name, lang))
    if key in ("volume", "unit_revenue", "discount_rate"):
        return t(f"evaluator.driver.{key}", lang)
    raise ProgrammeError(f"driver: unknown driver {key!r}")


def _bounds(key: str) -> tuple[float, float]:
    """The values a driver can take; break-even outside them is no break-even."""
    if key.endswith(".take_up"):
        return 0.0, 1.0
    if key == "discount_rate":
        return -0.5, 1.0
    if key.endswith(".clv_uplift"):
        return -math.inf, math.inf
    return 0.0, math.inf


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
    """Every figure of one programme. Definitions are in the i18n catalogue
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


def gain_stream_per_year(gain: float | np.ndarray, rate: float | np.ndarray, years: int) -> float | np.ndarray:
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


def is_reference_case(p: Programme) -> bool:
    """True while every input equals its reference case's (the case's own wording, such as
    its note, describes these inputs and no others)."""
    if p.preset not in PRESETS or p.preset == "custom":
        return False
    ref = preset(p.preset).to_dict()
    mine = p.to_dict()
    ignored = {"key_driver"}  # which driver is called "most uncertain" changes no figure
    return all(_same(ref[k], mine[k]) for k in ref if k not in ignored)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


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


# --------------------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------------------
def _moved(p: Programme, key: str, change: float) -> float:
    """The driver moved by a relative ``change`` (−0.2 = 20 % lower), kept in bounds."""
    low, high = _bounds(key)
    return float(np.clip(driver_value(p, key) * (1.0 + change), low, high))


def tornado(
    p: Programme,
    spread: float = DEFAULT_SPREAD,
    spreads: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """NPV with each driver moved down and up, one at a time; largest swing first.

    ``spread`` is the symmetric default (0.2 = ±20 %); ``spreads`` overrides per driver as
    (down, up) relative changes, e.g. ``{"group.0.clv_uplift": (-0.4, 0.1)}``.
    """
    if not 0 < spread < 1:
        raise ProgrammeError(f"spread: must be between 0 and 100% (got {spread!r})")
    base = float(npv_of_drivers(p))
    rows = []
    for key in driver_keys(p):
        down, up = (spreads or {}).get(key, (-spread, spread))
        low_value, high_value = _moved(p, key, down), _moved(p, key, up)
        npv_low = float(npv_of_drivers(p, {key: low_value}))
        npv_high = float(npv_of_drivers(p, {key: high_value}))
        rows.append(
            {
                "driver": key,
                "base_value": driver_value(p, key),
                "low_value": low_value,
                "high_value": high_value,
                "npv_low": npv_low,
                "npv_high": npv_high,
                "swing": abs(npv_high - npv_low),
                "base_npv": base,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["driver", "base_value", "low_value", "high_value", "npv_low", "npv_high", "swing", "base_npv"],
    )
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class MonteCarloResult:
    npv: np.ndarray = field(repr=False)  # one NPV per draw
    p10: float
    p50: float
    p90: float
    mean: float
    prob_loss: float  # share of draws with NPV < 0
    draws: int
    seed: int
    ranges: dict[str, tuple[float, float]]  # driver -> (down, up) relative changes used


def monte_carlo(
    p: Programme,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    draws: int = 10_000,
    seed: int = 0,
    spread: float = DEFAULT_SPREAD,
) -> MonteCarloResult:
    """NPV under uncertainty: each driver drawn independently from a triangular
    distribution (low, most likely = the input, high); same seed, same result.

    ``ranges`` maps drivers to (down, up) relative changes; drivers not named get
    ±``spread``; a range of (0, 0) holds a driver fixed.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 5_000_000:
        raise ProgrammeError(f"draws: must be a whole number between 1 and 5,000,000 (got {draws!r})")
    if not 0 <= spread < 1:
        raise ProgrammeError(f"spread: must be between 0 and 100% (got {spread!r})")
    keys = driver_keys(p)
    for key in ranges or {}:
        if key not in driver_keys(p, include_zero=True):
            raise ProgrammeError(f"ranges: {key!r} is not a driver of this programme")
    rng = np.random.default_rng(seed)
    used: dict[str, tuple[float, float]] = {}
    values: dict[str, np.ndarray] = {}
    for key in keys:
        down, up = (ranges or {}).get(key, (-spread, spread))
        if down > 0 or up < 0:
            raise ProgrammeError(f"ranges[{key}]: the range must contain the input (down ≤ 0 ≤ up)")
        used[key] = (float(down), float(up))
        base = driver_value(p, key)
        # Clip the range, not the draws: a take-up of 100 % can only fall, and clipped
        # draws would pile half the mass on the bound.
        lo_bound, hi_bound = _bounds(key)
        low, high = (float(np.clip(v, lo_bound, hi_bound))
                     for v in sorted((base * (1 + down), base * (1 + up))))
        if high - low <= 0:
            continue
        values[key] = rng.triangular(low, base, high, size=draws)
    result = npv_of_drivers(p, values)
    result = np.broadcast_to(result, (draws,)).astype(float)
    p10, p50, p90 = np.percentile(result, [10, 50, 90])
    return MonteCarloResult(
        npv=result,
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        mean=float(result.mean()),
        prob_loss=float(np.mean(result < 0)),
        draws=draws,
        seed=seed,
        ranges=used,
    )


# --------------------------------------------------------------------------------------
# Break-even
# --------------------------------------------------------------------------------------
def break_even(p: Programme, key: str) -> float | None:
    """The value of one driver at which NPV = 0, others held; None if there is none in
    the driver's possible range.

    NPV is affine in every driver but the discount rate, so two evaluations find it
    exactly; for the discount rate the break-even is the IRR (when it is unique).
    """
    if key == "discount_rate":
        return evaluate_programme(p).irr.irr
    x0 = driver_value(p, key)
    step = max(abs(x0), 1.0)
    f0 = float(npv_of_drivers(p, {key: x0}))
    slope = (float(npv_of_drivers(p, {key: x0 + step})) - f0) / step
    if abs(slope) < 1e-12 * max(1.0, abs(f0)):
        return None
    x = x0 - f0 / slope
    low, high = _bounds(key)
    if not low - 1e-9 <= x <= high + 1e-9:
        return None
    return float(min(max(x, low), high))


def break_even_table(p: Programme) -> pd.DataFrame:
    """Break-even of every driver, with the margin: the distance from the input to its
    break-even as a share of the input (how far an uplift may fall, or a cost rise,
    before NPV reaches zero; or how far it must move when NPV is negative)."""
    rows = []
    for key in driver_keys(p):
        base = driver_value(p, key)
        value = break_even(p, key)
        margin = None if value is None or base == 0 else abs(base - value) / abs(base)
        rows.append({"driver": key, "base_value": base, "break_even": value, "margin": margin})
    return pd.DataFrame(rows, columns=["driver", "base_value", "break_even", "margin"])


# --------------------------------------------------------------------------------------
# Presets: every case of SPEC §5, and a blank one
# --------------------------------------------------------------------------------------
def _preset_mobile_van() -> Programme:
    return Programme(
        name="evaluator.preset.mobile_van",
        preset="mobile_van",
        horizon_years=3,
        volume_per_year=1_200,
        volume_unit="evaluator.unit.services",
        cost_lines=(
            CostLine("evaluator.line.van_equipment", 800_000, "upfront"),
            CostLine("evaluator.line.labour", 150_000, "yearly"),
            CostLine("evaluator.line.running", 50_000, "yearly"),
        ),
        groups=(CustomerGroup("evaluator.group.van_customers", 1_500, 1_500),),
        key_driver="group.0.clv_uplift",
        note="evaluator.note.mobile_van",
    )


def _preset_member_day() -> Programme:
    return Programme(
        name="evaluator.preset.member_day",
        preset="member_day",
        horizon_years=1,
        volume_per_year=300,
        volume_unit="evaluator.unit.visits",
        # 12 % off (8.8折) on 300 visits: the seed's lump sum of 300,000, given on the day
        # (today), before the CLV it buys comes in over the year.
        cost_lines=(CostLine("evaluator.line.discount", 300_000, "upfront"),),
        groups=(
            CustomerGroup("evaluator.group.high_frequency", 100, 0),
            CustomerGroup("evaluator.group.low_frequency", 150, 3_000),
            CustomerGroup("evaluator.group.lapsed", 50, 15_000, take_up=0.30),
        ),
        key_driver="group.1.clv_uplift",
        note="evaluator.note.member_day",
    )


def _preset_extended_warranty() -> Programme:
    return Programme(
        name="evaluator.preset.extended_warranty",
        preset="extended_warranty",
        # The buyers' lifetime-value gap is measured over six years: the case runs as long
        # as the gain it books arises (a one-year horizon booked six years of gain).
        horizon_years=6,
        volume_per_year=100,
        volume_unit="evaluator.unit.contracts",
        cost_lines=(CostLine("evaluator.line.claims", 6_200, "per_unit"),),
        unit_revenue=5_800,
        groups=(
            CustomerGroup("evaluator.group.warranty_buyers", None, 23_400 - 13_800, baseline_clv=13_800),
        ),
        key_driver="group.0.clv_uplift",
        note="evaluator.note.extended_warranty",
    )


def _preset_pickup_delivery() -> Programme:
    return Programme(
        name="evaluator.preset.pickup_delivery",
        preset="pickup_delivery",
        horizon_years=1,
        volume_per_year=1_000,
        volume_unit="evaluator.unit.visits",
        cost_lines=(CostLine("evaluator.line.pickup", 150, "per_unit"),),
        groups=(
            CustomerGroup("evaluator.group.pickup_customers", 1_000, 17_800 - 14_200, baseline_clv=14_200),
        ),
        key_driver="group.0.clv_uplift",
        note="evaluator.note.pickup_delivery",
    )


def _preset_vip_complaint() -> Programme:
    return Programme(
        name="evaluator.preset.vip_complaint",
        preset="vip_complaint",
        horizon_years=1,
        volume_per_year=1,
        volume_unit="evaluator.unit.cases",
        cost_lines=(CostLine("evaluator.line.recovery", 30_000, "upfront"),),
        groups=(CustomerGroup("evaluator.group.vip_customer", 1, 100_000),),
        key_driver="group.0.clv_uplift",
        note="evaluator.note.vip_complaint",
    )


def _preset_custom() -> Programme:
    return Programme(
        name="evaluator.preset.custom",
        preset="custom",
        horizon_years=3,
        volume_per_year=0,
        cost_lines=(
            CostLine("evaluator.line.investment", 0, "upfront"),
            CostLine("evaluator.line.running", 0, "yearly"),
        ),
        groups=(CustomerGroup("evaluator.group.customers", 0, 0),),
        note="evaluator.note.custom",
    )


PRESETS = {
    "mobile_van": _preset_mobile_van,
    "member_day": _preset_member_day,
    "extended_warranty": _preset_extended_warranty,
    "pickup_delivery": _preset_pickup_delivery,
    "vip_complaint": _preset_vip_complaint,
    "custom": _preset_custom,
}


def preset(key: str) -> Programme:
    """A fresh copy of one SPEC §5 case (or the blank ``custom``)."""
    if key not in PRESETS:
        raise ProgrammeError(f"preset: unknown preset {key!r} (one of {', '.join(PRESETS)})")
    return PRESETS[key]()


# --------------------------------------------------------------------------------------
# CLV uplift from the data, rather than a typed number
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WarrantyComparison:
    """CLV of extended-warranty buyers against non-buyers, with the product's own economics.

    The raw difference flatters the warranty if better customers buy it; ``matched_uplift``
    compares buyers with non-buyers of the same vehicle model (weighted by buyers), which
    removes the part of the gap that is only a model mix.
    """

    buyers: int
    non_buyers: int
    clv_buyers: float  # mean CLV per buyer
    clv_non_buyers: float
    uplift: float  # clv_buyers − clv_non_buyers
    uplift_pct: float | None
    matched_uplift: float | None
    avg_price: float  # per contract
    avg_claims_cost: float  # per contract whose term has ended (all contracts if none has)
    claims_complete_contracts: int
    contracts_last_year: int


def _store_clause(store_ids: list[str] | None) -> tuple[str, list[Any]]:
    if not store_ids:
        return "", []
    return f" AND c.home_store_id IN ({', '.join('?' for _ in store_ids)})", list(store_ids)


WARRANTY_CONTRACTS_SQL = """
SELECT count(*) AS contracts,
       avg(w.price) AS avg_price,
       count(*) FILTER (WHERE w.sold_date + to_years(w.term_years) <= CAST(? AS DATE)) AS complete,
       avg(w.claims_cost) FILTER (WHERE w.sold_date + to_years(w.term_years) <= CAST(? AS DATE))
           AS avg_claims_complete,
       avg(w.claims_cost) AS avg_claims_all,
       count(*) FILTER (WHERE w.sold_date > CAST(? AS DATE) - INTERVAL 365 DAY) AS last_year
FROM warranties w JOIN customers c USING (customer_id)
WHERE w.sold_date <= CAST(? AS DATE)
"""

# Runs on an in-memory DuckDB holding the per-customer values and the buyers' ids.
WARRANTY_CLV_SQL = """
WITH v AS (
    SELECT v.customer_id, coalesce(v.vehicle_model, '') AS model, v.clv,
           b.customer_id IS NOT NULL AS buyer
    FROM customer_values v LEFT JOIN buyers b USING (customer_id)
),
by_model AS (
    SELECT model,
           count(*) FILTER (WHERE buyer) AS n_buyers,
           avg(clv) FILTER (WHERE buyer) AS clv_buyers,
           avg(clv) FILTER (WHERE NOT buyer) AS clv_non
    FROM v GROUP BY model
)
SELECT (SELECT count(*) FILTER (WHERE buyer) FROM v) AS buyers,
       (SELECT count(*) FILTER (WHERE NOT buyer) FROM v) AS non_buyers,
       (SELECT avg(clv) FILTER (WHERE buyer) FROM v) AS clv_buyers,
       (SELECT avg(clv) FILTER (WHERE NOT buyer) FROM v) AS clv_non_buyers,
       (SELECT sum(n_buyers * (clv_buyers - clv_non)) / sum(n_buyers)
          FROM by_model WHERE n_buyers > 0 AND clv_non IS NOT NULL) AS matched_uplift
"""


def warranty_clv_comparison(
    db: Database,
    as_of: date,
    store_ids: list[str] | None = None,
    params: CLVParams | None = None,
) -> WarrantyComparison:
    """Buyers' and non-buyers' CLV (``clv.customer_values``) and the contracts' price and
    claims, all as of ``as_of``. Raises ValueError when the data has no buyer or no
    non-buyer to compare."""
    store_sql, store_params = _store_clause(store_ids)
    contracts = db.query_df(WARRANTY_CONTRACTS_SQL + store_sql, [as_of] * 4 + store_params).iloc[0]
    if not contracts["contracts"]:
        raise ProgrammeError(f"warranties: no extended-warranty contract sold up to {as_of}")
    buyer_ids = db.query_df(
        "SELECT DISTINCT w.customer_id FROM warranties w JOIN customers c USING (customer_id) "
        "WHERE w.sold_date <= CAST(? AS DATE)" + store_sql,
        [as_of] + store_params,
    )
    values = customer_values(db, as_of, store_ids, params or CLVParams())
    con = duckdb.connect()
    try:
        con.register("customer_values", values[["customer_id", "vehicle_model", "clv"]])
        con.register("buyers", buyer_ids)
        row = con.execute(WARRANTY_CLV_SQL).df().iloc[0]
    finally:
        con.close()
    if not row["buyers"] or not row["non_buyers"]:
        raise ProgrammeError("warranties: need both buyers and non-buyers among the customers to compare")
    clv_buyers, clv_non = float(row["clv_buyers"]), float(row["clv_non_buyers"])
    complete = int(contracts["complete"])
    claims = contracts["avg_claims_complete"] if complete else contracts["avg_claims_all"]
    matched = row["matched_uplift"]
    return WarrantyComparison(
        buyers=int(row["buyers"]),
        non_buyers=int(row["non_buyers"]),
        clv_buyers=clv_buyers,
        clv_non_buyers=clv_non,
        uplift=clv_buyers - clv_non,
        uplift_pct=(clv_buyers - clv_non) / clv_non if clv_non > 0 else None,
        matched_uplift=None if pd.isna(matched) else float(matched),
        avg_price=float(contracts["avg_price"]),
        avg_claims_cost=float(claims),
        claims_complete_contracts=complete,
        contracts_last_year=int(contracts["last_year"]),
    )


def warranty_programme(
    comparison: WarrantyComparison, base: Programme | None = None, matched: bool = True
) -> Programme:
    """The extended-warranty case with its price, claims, volume and CLV uplift from the data."""
    p = base or preset("extended_warranty")
    uplift = comparison.matched_uplift if matched and comparison.matched_uplift is not None else comparison.uplift
    claims_index = next((i for i, c in enumerate(p.cost_lines) if c.timing == "per_unit"), None)
    if claims_index is None:
        raise ProgrammeError("cost_lines: the warranty case needs a per-unit claims cost line")
    lines = list(p.cost_lines)
    lines[claims_index] = replace(lines[claims_index], amount=comparison.avg_claims_cost)
    groups = list(p.groups) or [CustomerGroup("evaluator.group.warranty_buyers", None, 0.0)]
    groups[0] = replace(groups[0], clv_uplift=uplift, baseline_clv=comparison.clv_non_buyers)
    return replace(
        p,
        cost_lines=tuple(lines),
        groups=tuple(groups),
        unit_revenue=comparison.avg_price,
        volume_per_year=float(comparison.contracts_last_year),
    )


@dataclass(frozen=True)
class RetentionUplift:
    """What a retention change is worth on a segment, through the CLV engine."""

    customers: int
    retention_from: float
    retention_to: float
    clv_before: float  # mean CLV per customer at retention_from
    clv_after: float  # mean CLV per customer at retention_to

    @property
    def uplift(self) -> float:
        return self.clv_after - self.clv_before

    @property
    def uplift_pct(self) -> float | None:
        return self.uplift / self.clv_before if self.clv_before > 0 else None


def retention_uplift(
    values: pd.DataFrame,
    retention_to: float,
    retention_from: float | None = None,
    params: CLVParams | None = None,
) -> RetentionUplift:
    """Mean CLV of a segment's customers (rows of ``clv.customer_values``) recomputed at a
    new yearly retention; ``retention_from`` defaults to the rate the values were made with."""
    if values.empty:
        raise ProgrammeError("segment: no customers in the chosen segment")
    missing = {"gross_profit", "tenure_years", "recency_days"} - set(values.columns)
    if missing:
        raise ProgrammeError(f"segment: customer values lack column(s) {sorted(missing)}")
    if retention_from is None:
        retention_from = values.attrs.get("retention")
        if retention_from is None:
            raise ProgrammeError("retention_from: not given and not recorded on the values")
    for name, rate in (("retention_from", retention_from), ("retention_to", retention_to)):
        _finite(rate, name)
        if not 0 <= rate <= 1:
            raise ProgrammeError(f"{name}: must be a share between 0 and 1 (got {rate!r})")
    params = params or values.attrs.get("params") or CLVParams()
    before = add_historical_clv(values, float(retention_from), params)["clv"].mean()
    after = add_historical_clv(values, float(retention_to), params)["clv"].mean()
    return RetentionUplift(len(values), float(retention_from), float(retention_to), float(before), float(after))


def with_group(p: Programme, index: int, **changes: Any) -> Programme:
    """A copy of ``p`` with one customer group changed (customers, clv_uplift, ...)."""
    if not 0 <= index < len(p.groups):
        raise ProgrammeError(f"groups[{index}]: no such customer group")
    groups = list(p.groups)
    groups[index] = replace(groups[index], **changes)
    return replace(p, groups=tuple(groups))


# --------------------------------------------------------------------------------------
# Everything a page or an export shows, in one call
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Analysis:
    programme: Programme
    evaluation: Evaluation
    tornado: pd.DataFrame
    break_even: pd.DataFrame
    monte_carlo: MonteCarloResult
    spread: float


def analyse_programme(
    p: Programme,
    spread: float = DEFAULT_SPREAD,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    draws: int = 10_000,
    seed: int = 0,
) -> Analysis:
    """Figures, tornado (±``spread``), break-evens and the Monte Carlo (``ranges`` per
    driver, ±``spread`` for the rest) of one programme."""
    return Analysis(
        programme=p,
        evaluation=evaluate_programme(p),
        tornado=tornado(p, spread=spread),
        break_even=break_even_table(p),
        monte_carlo=monte_carlo(p, ranges=ranges, draws=draws, seed=seed, spread=spread),
        spread=spread,
    )
