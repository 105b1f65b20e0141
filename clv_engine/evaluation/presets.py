"""The worked cases of SPEC §5 as presets, each with a stable id, and a blank one.

A preset's id (``mobile_van``) is what state, links and saved scenarios carry; a preset has no
name of its own (``name=""``: the wording layer draws the label of its id), and its cost lines,
groups, unit and note are catalogue keys the wording layer draws as labels.
"""

from __future__ import annotations

import math
from typing import Any

from clv_engine.evaluation.programme import CostLine, CustomerGroup, Programme, ProgrammeError


# --------------------------------------------------------------------------------------
# Presets: every case of SPEC §5, and a blank one
# --------------------------------------------------------------------------------------
def _preset_mobile_van() -> Programme:
    return Programme(
        name="",
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
        name="",
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
        name="",
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
        name="",
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
        name="",
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
        name="",
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
        raise ProgrammeError("unknown_preset", field="preset", value=key, allowed=", ".join(PRESETS))
    return PRESETS[key]()


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
