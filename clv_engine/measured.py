"""Closing the loop, part three: a recorded call programme as a project the planners can use.

An issued call list (clv_engine.contacts) with its control group and recorded contacts says
what calling those customers did (clv_engine.results). This module turns that into the inputs
of the allocator (a project: investment, uplift per customer, reach) and of the evaluator
(a programme: customers, take-up, CLV uplift, cost lines), one definition for both:

    reach (customers)        = treated members of the list (called or not: intention to treat)
    take-up                  = measured return uplift, treated − control return rate
    CLV uplift per taker     = mean remaining CLV of the treated (stored on the list when issued)
    uplift per customer      = take-up × mean remaining CLV        (allocator)
    investment / cost line   = contact cost recorded for the treated
    net value                = reach × uplift per customer − cost  (= results' value realised)

The measured take-up replaces the typed prior only when there is enough evidence (results'
verdict "kept" or "lost": both groups large enough, window over, interval clear of 0).
Otherwise the typed prior is used, and says so: the list's own prediction,
mean P(churn) × typed success over the treated (SPEC §3's 78 / 53 / 31 % per level).
The interval of the measured uplift is carried through to the uplift per customer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from clv_engine import errors, results
from clv_engine.allocation import AllocationError, Project
from clv_engine.db import Database
from clv_engine.evaluation import CostLine, CustomerGroup, Programme

USABLE = ("kept", "lost")  # verdicts with enough evidence to replace the typed prior


CODES = errors.declare("measured", "no_list", "no_treated")


class MeasuredError(errors.InputError):
    """No programme to build; the code lets the page say why in either language."""

    def __init__(self, name: str) -> None:
        super().__init__(CODES[name])


@dataclass(frozen=True)
class MeasuredProgramme:
    """What one or more issued lists measured, for one risk level or all of them."""

    list_ids: tuple[str, ...]
    level: str
    treated: int
    control: int
    return_treated: float
    return_control: float
    uplift: float  # measured return uplift (treated − control)
    uplift_low: float
    uplift_high: float
    verdict: str
    typed_uplift: float  # the prior: mean P(churn) × typed success over the treated
    typed_success: float  # mean typed success over the treated (one level: its SPEC §3 rate)
    mean_clv: float  # mean remaining CLV of the treated
    recorded_cost: float  # contact cost recorded for the treated
    planned_cost: float  # the cost the list planned for the treated

    @property
    def usable(self) -> bool:
        """Enough evidence to use the measured uplift instead of the typed prior."""
        return self.verdict in USABLE

    @property
    def take_up(self) -> float:
        """The return uplift the planners use: measured when usable, else the typed prior."""
        return self.uplift if self.usable else self.typed_uplift

    @property
    def cost_from_plan(self) -> bool:
        """No contact cost was recorded: the list's planned cost stands in."""
        return not self.recorded_cost > 0

    @property
    def cost(self) -> float:
        return self.planned_cost if self.cost_from_plan else self.recorded_cost

    @property
    def uplift_per_customer(self) -> float:
        return self.take_up * self.mean_clv

    @property
    def uplift_per_customer_low(self) -> float:
        """The measured interval's low end, per customer (whether or not it is used)."""
        return self.uplift_low * self.mean_clv

    @property
    def uplift_per_customer_high(self) -> float:
        return self.uplift_high * self.mean_clv

    @property
    def typed_uplift_per_customer(self) -> float:
        return self.typed_uplift * self.mean_clv

    @property
    def measured_success(self) -> float:
        """Uplift as a success rate: the share of the control's non-returners the calls kept
        (as results.measured_success), comparable with the typed success."""
        not_returning = 1.0 - self.return_control
        return self.uplift / not_returning if not_returning > 0 else math.nan

    @property
    def gain(self) -> float:
        return self.uplift_per_customer * self.treated

    @property
    def net(self) -> float:
        return self.gain - self.cost


def measured_programme(
    db: Database,
    list_ids: Sequence[str] | None = None,
    level: str = results.ALL,
    min_group: int = results.MIN_GROUP,
) -> MeasuredProgramme:
    """The measured programme of the given lists (all issued lists when None), one level or all."""
    members = results.member_outcomes(db, list_ids)
    if members.empty:
        raise MeasuredError("no_list")
    if level != results.ALL:
        members = members[members["level"] == level]
    treated = members[~members["control"].astype(bool)]
    if treated.empty:
        raise MeasuredError("no_treated")
    table = results.results_table(members, min_group=min_group)
    row = table[table["level"] == results.ALL].iloc[0]
    return MeasuredProgramme(
        list_ids=tuple(sorted(members["list_id"].unique())),
        level=level,
        treated=int(row["treated"]),
        control=int(row["control"]),
        return_treated=float(row["return_treated"]),
        return_control=float(row["return_control"]),
        uplift=float(row["uplift"]),
        uplift_low=float(row["uplift_low"]),
        uplift_high=float(row["uplift_high"]),
        verdict=str(row["verdict"]),
        typed_uplift=float((treated["p_churn"] * treated["success"]).mean()),
        typed_success=float(treated["success"].mean()),
        mean_clv=float(treated["clv"].mean()),
        recorded_cost=float(treated["contact_cost"].sum()),
        planned_cost=float(treated["planned_cost"].sum()),
    )


def uplift_from_measured(m: MeasuredProgramme) -> tuple[float, int]:
    """(CLV uplift per customer, reach), like the allocator's other derive functions."""
    if not m.uplift_per_customer > 0:
        raise AllocationError("measured_no_uplift")
    return m.uplift_per_customer, m.treated


def allocator_project(m: MeasuredProgramme, name: str) -> Project:
    """The programme as an allocator project: repeat the same calls for the same cost."""
    uplift, reach = uplift_from_measured(m)
    if not m.cost > 0:
        raise AllocationError("measured_no_cost")
    return Project(name=name, investment=m.cost, uplift_per_customer=uplift, reach=reach)


def evaluator_programme(m: MeasuredProgramme, name: str = "", horizon_years: int = 1) -> Programme:
    """The programme as an evaluator case, shaped as the custom case (an up-front line and a
    yearly line, one group): the contact cost paid now, the called customers with the
    used take-up and their mean remaining CLV (a present value, as the evaluator wants).
    Calls that measurably lost customers keep their sign: the share lost takes up a negative
    uplift of the mean CLV (a take-up is a share, 0..1)."""
    sign = -1.0 if m.take_up < 0 else 1.0
    return Programme(
        name=name,
        preset="custom",
        horizon_years=horizon_years,
        volume_per_year=float(m.treated),
        cost_lines=(
            CostLine("evaluator.line.investment", m.cost, "upfront"),
            CostLine("evaluator.line.running", 0.0, "yearly"),
        ),
        groups=(
            CustomerGroup(
                "evaluator.group.customers", float(m.treated), sign * m.mean_clv, take_up=sign * m.take_up
            ),
        ),
        note="evaluator.note.custom",
    )
