"""AppTest: the evaluator compares saved cases side by side (issue: the director's meeting).

Each saved case's figures are checked against a hand calculation of its own inputs (the mobile
van case of SPEC §5 and the same case with a larger CLV uplift), not against the page's code.
"""

from __future__ import annotations

import pytest

from clv_engine import evaluation as ev
from clv_engine import scenarios
from clv_engine.db import Database
from tests.helpers import run_app
from wording import fmt

PAGE = "app_pages/evaluator.py"
RATE = 0.12
ANNUITY = sum(1 / (1 + RATE) ** t for t in (1, 2, 3))


def van_flows(uplift: float) -> list[float]:
    """Year 0: the 800,000 van; years 1-3: the uplift of 1,500 customers as an equal yearly
    stream whose present value is the uplift, less 200,000 running cost."""
    yearly = 1_500 * uplift / ANNUITY - 200_000
    return [-800_000.0, yearly, yearly, yearly]


def npv(flows: list[float]) -> float:
    return sum(f / (1 + RATE) ** t for t, f in enumerate(flows))


def irr_by_bisection(flows: list[float]) -> float:
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if sum(f / (1 + mid) ** t for t, f in enumerate(flows)) > 0:
            lo = mid
        else:
            hi = mid
    return lo


def mirr(flows: list[float]) -> float:
    """Textbook MIRR, finance and reinvestment rate both the discount rate."""
    n = len(flows) - 1
    future = sum(f * (1 + RATE) ** (n - t) for t, f in enumerate(flows) if f > 0)
    present = -sum(f / (1 + RATE) ** t for t, f in enumerate(flows) if f < 0)
    return (future / present) ** (1 / n) - 1


def payback(flows: list[float], rate: float = 0.0) -> float:
    """Years until the cumulative (discounted) flow reaches zero, interpolated within the year."""
    cumulative = 0.0
    for t, f in enumerate(flows):
        d = f / (1 + rate) ** t
        if t and cumulative + d >= 0:
            return t - 1 + -cumulative / d
        cumulative += d
    raise AssertionError("never pays back")


def expected_column(uplift: float) -> list[str]:
    flows = van_flows(uplift)
    cost = 800_000 + 3 * 200_000
    gain = 1_500 * uplift
    return [
        fmt.money(npv(flows), "en"),
        fmt.pct(irr_by_bisection(flows), 1),
        fmt.pct(mirr(flows), 1),
        f"{payback(flows):.2f} yr",
        f"{payback(flows, RATE):.2f} yr",
        fmt.pct((gain - cost) / cost),
    ]


def save_case(db_path, name: str, uplift: float) -> str:
    programme = ev.with_group(ev.preset("mobile_van"), 0, clv_uplift=uplift)
    payload = {
        "preset": "mobile_van",
        "programme": programme.to_dict(),
        "spread": 20,
        "seed": 0,
        "name": name,
    }
    return scenarios.save_scenario(Database(str(db_path)), "evaluator", name, payload)


def test_saved_cases_side_by_side(writable_db_path):
    van = save_case(writable_db_path, "Van as planned", 1_500)
    bigger = save_case(writable_db_path, "Van, bigger uplift", 2_000)
    at = run_app(writable_db_path, PAGE)
    at.multiselect(key="ev_compare").set_value([van, bigger]).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Figure", "This screen", "Van as planned", "Van, bigger uplift"]
    assert list(table["Figure"]) == ["NPV", "IRR", "MIRR", "Payback", "Discounted payback", "Net ROI"]
    assert list(table["Van as planned"]) == expected_column(1_500)
    assert list(table["Van, bigger uplift"]) == expected_column(2_000)
    # The screen shows the preset van: its column is the saved van's.
    assert list(table["This screen"]) == expected_column(1_500)
    # The two cases really differ (the NPV grows by 1,500 × 500 = 750,000).
    assert npv(van_flows(2_000)) - npv(van_flows(1_500)) == pytest.approx(750_000)


def test_compare_in_chinese_and_a_broken_case(writable_db_path):
    van = save_case(writable_db_path, "面包车", 1_500)
    broken = scenarios.save_scenario(
        Database(str(writable_db_path)),
        "evaluator",
        "坏的",
        {"preset": "mobile_van", "programme": {"horizon_years": -1}},
    )
    at = run_app(writable_db_path, PAGE, lang="zh")
    at.multiselect(key="ev_compare").set_value([van, broken]).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[-1].value
    assert list(table.columns) == ["指标", "当前画面", "面包车", "坏的"]
    assert table["面包车"].iloc[0] == fmt.money(npv(van_flows(1_500)), "zh")
    assert table["坏的"].iloc[0] == "无法评估"
