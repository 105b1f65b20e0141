"""A programme: its costs, volume, the customers it affects, and their validation (SPEC §5).

A :class:`Programme` is a small data object (costs, horizon, volume, the customers it
affects and their CLV uplift, discount rate). A *driver* is a number in the programme named
by a key such as ``"cost.0"``, ``"volume"``, ``"group.1.clv_uplift"`` or ``"discount_rate"``;
sensitivity and break-even move one driver at a time.

Names: a preset's programme, cost lines and groups carry stable ids (``mobile_van``,
``evaluator.line.labour`` ...) that the wording layer turns into labels; a user's own name is
text only and is drawn as typed. Errors are :class:`ProgrammeError` with a declared code and
the offending ``field``; the wording layer words them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from clv_engine import errors

Timing = Literal["upfront", "yearly", "per_unit", "one_off"]
TIMINGS: tuple[str, ...] = ("upfront", "yearly", "per_unit", "one_off")

VOLUME_UNITS: tuple[str, ...] = tuple(
    f"evaluator.unit.{u}" for u in ("services", "visits", "contracts", "cases", "participants")
)
MAX_HORIZON_YEARS = 30
DEFAULT_DISCOUNT_RATE = 0.12  # SPEC §1's DCF case; the user changes it per programme
DEFAULT_SPREAD = 0.20  # ±20 % for the tornado and the Monte Carlo ranges


CODES = errors.declare(
    "programme",
    "not_object",
    "missing_part",
    "unknown_fields",
    "missing_field",
    "not_json",
    "whole_years",
    "not_number",
    "not_finite",
    "no_name",
    "horizon_range",
    "negative",
    "one_of",
    "rate_range",
    "one_off_year",
    "share",
    "expected",
    "not_a_driver",
    "unknown_driver",
    "follows_volume",
    "spread",
    "draws",
    "range_excludes_input",
    "unknown_preset",
    "no_warranty",
    "no_comparison",
    "no_claims_line",
    "empty_segment",
    "missing_columns",
    "no_retention",
    "no_group",
)


class ProgrammeError(errors.InputError):
    """A programme input that cannot be evaluated: ``code`` and the offending ``field``."""

    def __init__(self, name: str, **details: object) -> None:
        super().__init__(CODES[name], **details)

    def __reduce__(self) -> tuple:
        # Pickles (a cached query may return one) as its code and details.
        return (_rebuild_error, (self.code.split(".", 1)[1], self.details))


def _rebuild_error(name: str, details: dict[str, object]) -> ProgrammeError:
    return ProgrammeError(name, **details)


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
    name: str  # the user's text; "" for a preset's own case (drawn as the label of ``preset``)
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
            raise ProgrammeError("not_object", field="programme")
        lines = tuple(
            _parse(f"cost_lines[{i}]", _cost_line, c) for i, c in enumerate(data.get("cost_lines", ()))
        )
        groups = tuple(_parse(f"groups[{i}]", _group, g) for i, g in enumerate(data.get("groups", ())))
        known = {f for f in cls.__dataclass_fields__} - {"cost_lines", "groups"}
        unknown = set(data) - known - {"cost_lines", "groups"}
        if unknown:
            raise ProgrammeError("unknown_fields", fields=", ".join(sorted(unknown)))
        scalars = {k: data[k] for k in known if k in data}
        for required in ("name", "horizon_years", "volume_per_year"):
            if required not in scalars:
                raise ProgrammeError("missing_field", field=required)
        try:
            horizon = float(scalars["horizon_years"])
        except (TypeError, ValueError) as exc:
            raise ProgrammeError(
                "whole_years", field="horizon_years", value=scalars["horizon_years"]
            ) from exc
        if not horizon.is_integer():
            raise ProgrammeError("whole_years", field="horizon_years", value=scalars["horizon_years"])
        scalars["horizon_years"] = int(horizon)
        if scalars["name"] == f"evaluator.preset.{scalars.get('preset', 'custom')}":
            scalars["name"] = ""  # saved before presets had ids: the name was the label's key
        for name in ("volume_per_year", "discount_rate", "unit_revenue"):
            if name in scalars:
                try:
                    scalars[name] = float(scalars[name])
                except (TypeError, ValueError) as exc:
                    raise ProgrammeError("not_number", field=name, value=scalars[name]) from exc
        return cls(cost_lines=lines, groups=groups, **scalars)

    @classmethod
    def from_json(cls, text: str) -> Programme:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProgrammeError("not_json", reason=exc.msg) from exc
        return cls.from_dict(data)


def _cost_line(c: Mapping[str, Any]) -> CostLine:
    return CostLine(str(c["name"]), float(c["amount"]), str(c["timing"]), int(c.get("year", 0)))  # type: ignore[arg-type]


def _group(g: Mapping[str, Any]) -> CustomerGroup:
    def optional(name: str) -> float | None:
        return None if g.get(name) is None else float(g[name])

    return CustomerGroup(
        str(g["name"]),
        optional("customers"),
        float(g["clv_uplift"]),
        float(g.get("take_up", 1.0)),
        optional("baseline_clv"),
    )


def _parse(field: str, build: Any, item: Any) -> Any:
    """One saved cost line or group, or the error that names it."""
    if not isinstance(item, Mapping):
        raise ProgrammeError("not_object", field=field)
    try:
        return build(item)
    except KeyError as exc:
        raise ProgrammeError("missing_part", field=f"{field}.{exc.args[0]}") from exc
    except (TypeError, ValueError) as exc:
        raise ProgrammeError("not_number", field=field, value=repr(dict(item))[:80]) from exc


def finite(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProgrammeError("not_finite", field=name, value=value)


def checked_retentions(retention_from: Any, retention_to: Any, known: Any) -> float:
    """The retention a segment moves from (``retention_from``, else the rate its values were
    made with: ``known``), both rates checked as shares; raises ProgrammeError naming the field."""
    if retention_from is None:
        retention_from = known
        if retention_from is None:
            raise ProgrammeError("no_retention", field="retention_from")
    for name, rate in (("retention_from", retention_from), ("retention_to", retention_to)):
        finite(rate, name)
        if not 0 <= rate <= 1:
            raise ProgrammeError("share", field=name, value=rate)
    return retention_from


def validate_programme(p: Programme) -> None:
    """Raise ValueError naming the offending field; called on every construction."""
    if not isinstance(p.name, str) or (p.name and not p.name.strip()):
        raise ProgrammeError("no_name", field="name")
    if isinstance(p.horizon_years, bool) or not isinstance(p.horizon_years, int):
        raise ProgrammeError("whole_years", field="horizon_years", value=p.horizon_years)
    if not 1 <= p.horizon_years <= MAX_HORIZON_YEARS:
        raise ProgrammeError(
            "horizon_range", field="horizon_years", value=p.horizon_years, max=MAX_HORIZON_YEARS
        )
    finite(p.volume_per_year, "volume_per_year")
    if p.volume_per_year < 0:
        raise ProgrammeError("negative", field="volume_per_year")
    if p.volume_unit not in VOLUME_UNITS:
        raise ProgrammeError(
            "one_of", field="volume_unit", value=p.volume_unit, allowed=", ".join(VOLUME_UNITS)
        )
    finite(p.discount_rate, "discount_rate")
    if not -0.5 < p.discount_rate <= 1.0:
        raise ProgrammeError("rate_range", field="discount_rate", value=p.discount_rate)
    finite(p.unit_revenue, "unit_revenue")
    if p.unit_revenue < 0:
        raise ProgrammeError("negative", field="unit_revenue")
    for i, line in enumerate(p.cost_lines):
        if not isinstance(line, CostLine):
            raise ProgrammeError("expected", field=f"cost_lines[{i}]", kind="CostLine")
        if not str(line.name).strip():
            raise ProgrammeError("no_name", field=f"cost_lines[{i}].name")
        finite(line.amount, f"cost_lines[{i}].amount")
        if line.amount < 0:
            raise ProgrammeError("negative", field=f"cost_lines[{i}].amount")
        if line.timing not in TIMINGS:
            raise ProgrammeError(
                "one_of", field=f"cost_lines[{i}].timing", value=line.timing, allowed=", ".join(TIMINGS)
            )
        if line.timing == "one_off" and (
            isinstance(line.year, bool)
            or not isinstance(line.year, int)
            or not 1 <= line.year <= p.horizon_years
        ):
            raise ProgrammeError(
                "one_off_year", field=f"cost_lines[{i}].year", value=line.year, horizon=p.horizon_years
            )
    for i, group in enumerate(p.groups):
        if not isinstance(group, CustomerGroup):
            raise ProgrammeError("expected", field=f"groups[{i}]", kind="CustomerGroup")
        if not str(group.name).strip():
            raise ProgrammeError("no_name", field=f"groups[{i}].name")
        if group.customers is not None:
            finite(group.customers, f"groups[{i}].customers")
            if group.customers < 0:
                raise ProgrammeError("negative", field=f"groups[{i}].customers")
        finite(group.clv_uplift, f"groups[{i}].clv_uplift")
        finite(group.take_up, f"groups[{i}].take_up")
        if not 0.0 <= group.take_up <= 1.0:
            raise ProgrammeError("share", field=f"groups[{i}].take_up", value=group.take_up)
        if group.baseline_clv is not None:
            finite(group.baseline_clv, f"groups[{i}].baseline_clv")
    if p.key_driver not in driver_keys(p, include_zero=True) and p.key_driver != "discount_rate":
        raise ProgrammeError("not_a_driver", field="key_driver", value=p.key_driver)


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
            raise ProgrammeError("follows_volume", field=key)
        return float(value)
    raise ProgrammeError("unknown_driver", field="driver", value=key)


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
    raise ProgrammeError("unknown_driver", field="driver", value=key)


def bounds(key: str) -> tuple[float, float]:
    """The values a driver can take; break-even outside them is no break-even."""
    if key.endswith(".take_up"):
        return 0.0, 1.0
    if key == "discount_rate":
        return -0.5, 1.0
    if key.endswith(".clv_uplift"):
        return -math.inf, math.inf
    return 0.0, math.inf


def with_group(p: Programme, index: int, **changes: Any) -> Programme:
    """A copy of ``p`` with one customer group changed (customers, clv_uplift, ...)."""
    if not 0 <= index < len(p.groups):
        raise ProgrammeError("no_group", field=f"groups[{index}]")
    groups = list(p.groups)
    groups[index] = replace(groups[index], **changes)
    return replace(p, groups=tuple(groups))
