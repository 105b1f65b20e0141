"""Budget allocator: SPEC §4 figures, optimum proven by brute force, tiers, locks, reasons.

The allocator maximises net value Σ(gain − cost) (issue 11); every expectation below is in
net value unless it says gain.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import replace

import pandas as pd
import pytest

from clv_engine.allocation import (
    FULL,
    SEGMENT_COLUMNS,
    LockedOverBudget,
    Project,
    Tier,
    allocate_budget,
    budget_value_curve,
    optimal_portfolio,
    project_verdicts,
    projects_from_frame,
    projects_to_frame,
    roi_ranking,
    value_of_next,
)
from wording.allocation import explain_error, reason_text, spec_case_projects


def raises_saying(pattern: str, call, *args) -> None:
    """``call(*args)`` raises an input error whose English sentence matches ``pattern``."""
    with pytest.raises(ValueError) as err:
        call(*args)
    assert re.search(pattern, explain_error(err.value, "en")), explain_error(err.value, "en")


# -- an independent brute force ---------------------------------------------------------
def brute_force_best(projects: list[Project], budget: float) -> float:
    """Best net value Σ(gain − cost) by trying every combination of options (and none).

    Divisible projects are filled afterwards in gain/cost order, each only while it returns
    more than it costs: for the part of a knapsack that can be split, that is optimal
    (Dantzig's fractional knapsack); money left over stays unspent.
    """
    whole = [p for p in projects if not p.divisible]
    split = [p for p in projects if p.divisible and not p.excluded]
    choices = []
    for p in whole:
        if p.excluded:
            choices.append([None])
        else:
            opts = [(o.investment, o.gain) for o in p.options]
            choices.append(opts if p.locked else [None, *opts])
    best = -math.inf
    for combo in itertools.product(*choices):
        cost = sum(c[0] for c in combo if c is not None)
        net = sum(c[1] - c[0] for c in combo if c is not None)
        for p in split:
            if p.locked:
                cost += p.investment
                net += p.gain - p.investment
        if cost > budget + 1e-9:
            continue
        left = budget - cost
        for p in sorted((p for p in split if not p.locked), key=lambda p: -p.gain / p.investment):
            if p.gain <= p.investment:
                break
            share = min(1.0, left / p.investment)
            net += share * (p.gain - p.investment)
            left -= share * p.investment
        best = max(best, net)
    return best


def random_projects(rng: random.Random, n: int, features: bool = True) -> list[Project]:
    projects = []
    for k in range(n):
        cost = rng.randrange(5, 60) * 10_000.0
        uplift = float(rng.randrange(100, 3_000))
        reach = float(rng.randrange(50, 2_000))
        tiers: tuple[Tier, ...] = ()
        divisible = False
        if features and rng.random() < 0.3:
            share = rng.uniform(0.2, 0.6)
            tiers = (
                Tier("pilot", round(cost * share, -3), uplift * rng.uniform(0.8, 1.6), round(reach * share)),
            )
        elif features and rng.random() < 0.2:
            divisible = True
        projects.append(Project(f"P{k}", cost, uplift, reach, divisible=divisible, tiers=tiers))
    return projects


# -- SPEC §4 ----------------------------------------------------------------------------
def test_spec_case_all_projects_fit():
    projects = spec_case_projects()
    alloc = allocate_budget(projects, 1_000_000)
    best = alloc.optimum
    # SPEC §4: ranked by ROI service experience, membership, churn warning, mobile.
    assert best.names == (
        "Service experience",
        "Membership benefits",
        "Churn warning system",
        "Mobile service",
    )
    assert best.total_gain == pytest.approx(16_400_000)
    assert best.total_cost == pytest.approx(1_000_000)
    assert best.combined_roi == pytest.approx(15.40)  # 1,540%
    assert best.unspent == pytest.approx(0)
    assert best.funded_count == 4
    rois = {line.project: line.net_roi for line in best.lines}
    assert rois["Churn warning system"] == pytest.approx((4_000_000 - 300_000) / 300_000)  # 1,233%
    assert rois["Membership benefits"] == pytest.approx(17.00)
    assert rois["Service experience"] == pytest.approx(31.00)
    assert rois["Mobile service"] == pytest.approx(5.00)
    assert best.total_net == pytest.approx(15_400_000)  # 16.4M − 1.0M
    assert alloc.ranking_is_optimal and alloc.net_missed_by_ranking == pytest.approx(0)


def test_spec_case_in_chinese_has_seed_names():
    names = [p.name for p in spec_case_projects("zh")]
    assert names == ["流失预警系统", "会员权益优化", "服务体验提升", "移动服务"]


def test_spec_case_smaller_budget_by_hand():
    # Net values: service 6.2M, membership 4.25M, churn 3.7M, mobile 1.25M.
    # 700,000: service + membership + mobile (700k, net 11.7M) beats service + churn (500k,
    # 9.9M) and service + membership (450k, 10.45M); adding churn (750k) does not fit.
    alloc = allocate_budget(spec_case_projects(), 700_000)
    assert set(alloc.optimum.names) == {"Service experience", "Membership benefits", "Mobile service"}
    assert alloc.optimum.total_gain == pytest.approx(12_400_000)
    assert alloc.optimum.total_net == pytest.approx(11_700_000)
    # The next ¥100,000 buys churn warning in place of mobile: net 14.15M − 11.7M.
    assert value_of_next(spec_case_projects(), 700_000) == pytest.approx(2_450_000)
    assert value_of_next(spec_case_projects(), 1_000_000) == pytest.approx(0)


# -- greedy sorting is not optimal --------------------------------------------------------
def test_roi_ranking_misses_the_optimum_by_hand():
    projects = [
        Project("A", 60, 600, 1),  # ROI 900%: sorting takes it first
        Project("B", 50, 450, 1),  # ROI 800%
        Project("C", 50, 450, 1),  # ROI 800%
    ]
    alloc = allocate_budget(projects, 100)
    assert alloc.roi_ranking.names == ("A",)
    assert alloc.roi_ranking.total_gain == pytest.approx(600)
    assert set(alloc.optimum.names) == {"B", "C"}
    assert alloc.optimum.total_gain == pytest.approx(900)
    # In net value: A makes 540, B + C make 800.
    assert alloc.roi_ranking.total_net == pytest.approx(540)
    assert alloc.optimum.total_net == pytest.approx(800)
    assert alloc.net_missed_by_ranking == pytest.approx(260)
    assert not alloc.ranking_is_optimal
    assert set(alloc.only_in_optimum) == {"B", "C"} and alloc.only_in_ranking == ("A",)
    assert alloc.roi_ranking.unspent == pytest.approx(40)


@pytest.mark.parametrize("seed", range(25))
def test_optimum_equals_brute_force(seed):
    rng = random.Random(seed)
    projects = random_projects(rng, rng.randrange(3, 8))
    if rng.random() < 0.4:
        k = rng.randrange(len(projects))
        projects[k] = replace(projects[k], excluded=True)
    if rng.random() < 0.4:
        k = rng.randrange(len(projects))
        if not projects[k].excluded:
            projects[k] = replace(projects[k], locked=True)
    total = sum(p.investment for p in projects)
    budget = float(rng.randrange(int(total * 0.2), int(total)))
    try:
        alloc = allocate_budget(projects, budget)
    except LockedOverBudget:
        assert brute_force_best(projects, budget) == -math.inf
        return
    best = alloc.optimum
    assert best.total_net == pytest.approx(brute_force_best(projects, budget), rel=1e-9)
    assert best.total_cost <= budget + 1e-6
    assert best.unspent == pytest.approx(budget - best.total_cost)
    assert alloc.roi_ranking.total_net <= best.total_net + 1e-6
    assert alloc.roi_ranking.total_cost <= budget + 1e-6
    for p in projects:
        line = best.line(p.name)
        if p.excluded:
            assert line is None
        if p.locked:
            assert line is not None and line.fraction == pytest.approx(1)
        if line is not None and not p.divisible:
            assert line.fraction == 1.0


def test_brute_force_finds_cases_where_sorting_loses():
    # Among random all-or-nothing lists, sorting must lose somewhere, and the optimum never.
    losses = 0
    for seed in range(40):
        rng = random.Random(100 + seed)
        projects = random_projects(rng, 6, features=False)
        budget = sum(p.investment for p in projects) * 0.5
        alloc = allocate_budget(projects, budget)
        assert alloc.optimum.total_net == pytest.approx(brute_force_best(projects, budget))
        losses += not alloc.ranking_is_optimal
    assert losses > 0


# -- tiers, divisible, locked, excluded ---------------------------------------------------
def test_tiers_at_most_one_by_hand():
    x = Project("X", 100, 1000, 1, tiers=(Tier("pilot", 40, 500, 1),))
    y = Project("Y", 60, 550, 1)
    # Budget 100: X full (1000) or X pilot + Y (500 + 550 = 1050).
    best = optimal_portfolio([x, y], 100)
    assert best.line("X").option == "pilot"
    assert best.total_gain == pytest.approx(1050)
    # Budget 140: full + pilot together (1500) is not allowed; X full + Y costs 160.
    best = optimal_portfolio([x, y], 140)
    assert best.total_gain == pytest.approx(1050)
    assert best.funded_count == 2
    # Budget 160: X full + Y.
    best = optimal_portfolio([x, y], 160)
    assert best.line("X").option == FULL and best.total_gain == pytest.approx(1550)


def test_tier_reason_in_both_languages():
    x = Project("X", 100, 1000, 1, tiers=(Tier("pilot", 40, 500, 1),))
    y = Project("Y", 60, 550, 1)
    alloc = allocate_budget([x, y], 100)
    v = next(v for v in project_verdicts([x, y], alloc) if v.project == "X")
    assert v.option == "pilot" and v.cost == pytest.approx(40)
    assert "Runs as the pilot tier" in reason_text(v, "en")
    assert "按「试点」档执行" in reason_text(v, "zh")


def test_divisible_funded_pro_rata_by_hand():
    a = Project("A", 60, 600, 1)
    d = Project("D", 80, 8, 80, divisible=True)  # gain 640, ROI 700%
    # A (600) + half of D (320) = 920 beats D in full (640) with 20 unspent.
    best = optimal_portfolio([a, d], 100)
    assert best.line("D").fraction == pytest.approx(0.5)
    assert best.line("D").cost == pytest.approx(40)
    assert best.total_gain == pytest.approx(920)
    assert best.unspent == pytest.approx(0)


def test_locked_project_is_funded_and_rest_optimal():
    projects = spec_case_projects()
    projects[3] = replace(projects[3], locked=True)  # mobile, the worst ROI
    # 500,000 with mobile locked: mobile (250k) + membership (250k) = 6.0M beats
    # mobile + service (450k, 7.9M)? No: 7.9M > 6.0M, and service + membership do not fit.
    best = allocate_budget(projects, 500_000).optimum
    assert set(best.names) == {"Mobile service", "Service experience"}
    assert best.total_gain == pytest.approx(7_900_000)


def test_locked_over_budget_names_the_projects():
    projects = spec_case_projects()
    projects[0] = replace(projects[0], locked=True)
    projects[1] = replace(projects[1], locked=True)
    with pytest.raises(LockedOverBudget) as err:
        allocate_budget(projects, 500_000)
    assert "Churn warning system" in explain_error(err.value, "en")
    assert err.value.locked_cost == pytest.approx(550_000)
    assert isinstance(err.value, ValueError)


def test_excluded_project_never_funded():
    projects = spec_case_projects()
    projects[2] = replace(projects[2], excluded=True)  # service experience, the best ROI
    best = allocate_budget(projects, 10_000_000).optimum
    assert "Service experience" not in best.names
    assert best.total_gain == pytest.approx(10_000_000)
    assert best.unspent == pytest.approx(10_000_000 - 800_000)


def test_budget_smaller_than_every_project():
    projects = spec_case_projects()
    alloc = allocate_budget(projects, 150_000)
    assert alloc.optimum.funded_count == 0
    assert alloc.optimum.total_gain == 0
    assert alloc.optimum.unspent == pytest.approx(150_000)
    assert math.isnan(alloc.optimum.combined_roi)
    verdicts = project_verdicts(projects, alloc)
    assert {v.status for v in verdicts} == {"too_expensive"}
    text = reason_text(verdicts[2])
    assert "¥200,000" in text and "more than the whole budget" in text


# -- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, value",
    [
        ("investment", 0),
        ("investment", -5),
        ("uplift_per_customer", 0),
        ("uplift_per_customer", -100),
        ("reach", 0),
        ("reach", -1),
        ("investment", float("nan")),
    ],
)
def test_zero_and_negative_figures_rejected(field, value):
    projects = spec_case_projects()
    projects[1] = replace(projects[1], **{field: value})
    raises_saying(rf"project 2 \(Membership benefits\): {field}", allocate_budget, projects, 1_000_000)


@pytest.mark.parametrize("budget", [0, -1, float("inf"), "abc"])
def test_bad_budget_rejected(budget):
    raises_saying("budget", allocate_budget, spec_case_projects(), budget)


def test_bad_projects_rejected():
    raises_saying("at least one project", allocate_budget, [], 100)
    raises_saying(
        "project 2.*name appears twice", allocate_budget, [Project("A", 1, 1, 1), Project("A", 2, 2, 2)], 100
    )
    raises_saying("project 1: name must not be empty", allocate_budget, [Project("  ", 1, 1, 1)], 100)
    raises_saying(
        "both locked and excluded", allocate_budget, [Project("A", 1, 1, 1, locked=True, excluded=True)], 100
    )
    raises_saying(
        "tier 'pilot'.*investment",
        allocate_budget,
        [Project("A", 1, 1, 1, tiers=(Tier("pilot", 0, 1, 1),))],
        100,
    )


# -- the budget–value curve ---------------------------------------------------------------
def test_curve_events_spec_case_by_hand():
    curve = budget_value_curve(spec_case_projects())
    assert curve.method == "frontier" and curve.exact_steps
    assert curve.max_budget == pytest.approx(1_000_000)
    ev = curve.events
    got = [(round(b), p, c) for b, p, c in ev[["budget", "project", "change"]].itertuples(index=False)]
    # Going up in budget: service (200k), + membership (450k), + mobile (700k); at 750k
    # churn warning replaces mobile; at 1,000,000 everything fits.
    assert got == [
        (200_000, "Service experience", "enters"),
        (450_000, "Membership benefits", "enters"),
        (700_000, "Mobile service", "enters"),
        (750_000, "Churn warning system", "enters"),
        (750_000, "Mobile service", "leaves"),
        (1_000_000, "Mobile service", "enters"),
    ]
    # Net value: service 6.2M, + membership 10.45M, + churn (750k) 14.15M, all four 15.4M.
    assert curve.value_at(0) == 0
    assert curve.value_at(199_999) == 0
    assert curve.value_at(450_000) == pytest.approx(10_450_000)
    assert curve.value_at(999_999) == pytest.approx(14_150_000)
    assert curve.value_at(1_000_000) == pytest.approx(15_400_000)
    assert curve.points["gain"].iloc[-1] == pytest.approx(16_400_000)
    assert curve.entry_budget("Churn warning system") == pytest.approx(750_000)


@pytest.mark.parametrize("seed", range(8))
def test_curve_matches_brute_force_everywhere(seed):
    rng = random.Random(500 + seed)
    projects = random_projects(rng, 6)
    if seed % 3 == 0:
        projects[0] = replace(projects[0], locked=True, divisible=False)
    if seed % 4 == 1:
        projects[1] = replace(projects[1], excluded=True)
    curve = budget_value_curve(projects, n_grid=21)
    pts = curve.points
    # Net value never falls with more budget: what no project uses well stays unspent.
    assert pts["budget"].is_monotonic_increasing and pts["net"].is_monotonic_increasing
    budgets = pts["budget"].tolist()
    for b, g, c, gain in zip(budgets, pts["net"], pts["cost"], pts["gain"]):
        assert g == pytest.approx(brute_force_best(projects, b), rel=1e-9, abs=1e-6)
        assert c <= b + 1e-6
        assert gain - c == pytest.approx(g, rel=1e-9, abs=1e-6)
    if curve.exact_steps:
        # With exact steps nothing happens between points: check the midpoints.
        for lo, hi, g in zip(budgets, budgets[1:], pts["net"]):
            assert brute_force_best(projects, (lo + hi) / 2) == pytest.approx(g)


def test_curve_fallback_grid_agrees_with_brute_force():
    projects = random_projects(random.Random(7), 5)
    curve = budget_value_curve(projects, n_grid=11, max_frontier=1)
    assert curve.method == "milp-grid" and not curve.exact_steps
    for b, g in zip(curve.points["budget"], curve.points["net"]):
        assert g == pytest.approx(brute_force_best(projects, b), rel=1e-9)


def test_curve_starts_at_locked_floor():
    projects = spec_case_projects()
    projects[0] = replace(projects[0], locked=True)  # churn warning, 300,000
    curve = budget_value_curve(projects)
    assert curve.points["budget"].iloc[0] == pytest.approx(300_000)
    assert curve.points["gain"].iloc[0] == pytest.approx(4_000_000)
    assert curve.points["net"].iloc[0] == pytest.approx(3_700_000)
    assert all("Churn warning system" in {name for name, _ in f} for f in curve.points["funded"])


# -- reasons ------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["auto", "per_project", "milp"])
def test_verdicts_spec_case_700k_by_hand(method):
    projects = spec_case_projects()
    alloc = allocate_budget(projects, 700_000)
    v = {x.project: x for x in project_verdicts(projects, alloc, method=method)}
    churn = v["Churn warning system"]
    assert churn.status == "left_out"
    # Net values: service 6.2M, membership 4.25M, churn 3.7M, mobile 1.25M; best 11.7M.
    # Forced in: churn + service = 9.9M vs 11.7M, so it needs 1.8M more (900 a customer).
    assert churn.gain_needed == pytest.approx(1_800_000)
    assert churn.uplift_needed == pytest.approx(900)
    # At a cost y ≤ 250,000 it fits beside service + membership: 4.0M − y + 10.45M ≥ 11.7M
    # holds up to y = 2.75M, so the budget (700k − 450k) is what binds; above 250,000 only
    # service fits beside it: 4.0M − y + 6.2M < 11.7M for every y ≥ 0.
    assert churn.max_cost == pytest.approx(250_000)
    # Dropping a funded one: membership → service + churn (9.9M); service → membership +
    # churn (7.95M); mobile → service + membership (10.45M).
    assert v["Membership benefits"].contribution == pytest.approx(1_800_000)
    assert v["Service experience"].contribution == pytest.approx(3_750_000)
    assert v["Mobile service"].contribution == pytest.approx(1_250_000)
    en = reason_text(churn, "en")
    zh = reason_text(churn, "zh")
    assert "¥1.80M more gain" in en and "¥900 more uplift" in en and "¥250,000" in en
    assert "net ¥3.70M" in en
    assert "180万" in zh and "¥25万" in zh and "净值" in zh
    assert "¥1.80M less net value" in reason_text(v["Membership benefits"], "en")


def option_of(p: Project, label: str) -> Tier:
    return next(o for o in p.options if o.label == label)


def with_option(
    p: Project, label: str, gain: float | None = None, investment: float | None = None
) -> Project:
    """``p`` with one option's gain (through its uplift) or investment changed."""
    o = option_of(p, label)
    o = replace(
        o,
        uplift_per_customer=o.uplift_per_customer if gain is None else gain / o.reach,
        investment=o.investment if investment is None else investment,
    )
    if label == FULL:
        return replace(p, investment=o.investment, uplift_per_customer=o.uplift_per_customer)
    return replace(p, tiers=tuple(o if t.label == label else t for t in p.tiers))


@pytest.mark.parametrize("method", ["auto", "milp"])
@pytest.mark.parametrize("seed", range(8))
def test_thresholds_are_tight(seed, method):
    """A left-out project enters just above its gain threshold and not just below it."""
    rng = random.Random(900 + seed)
    projects = random_projects(rng, 6, features=seed % 2 == 0)
    budget = sum(p.investment for p in projects) * 0.45
    alloc = allocate_budget(projects, budget)
    checked = 0
    for v in project_verdicts(projects, alloc, method=method):
        if v.status != "left_out" or math.isnan(v.gain_needed):
            continue
        i = next(k for k, p in enumerate(projects) if p.name == v.project)
        p = projects[i]
        tier = v.extra["tier"]
        # A divisible project's thresholds are for funding it in full; a share of it may come
        # in earlier, so only the "enters above the threshold" half applies to it.
        checks = ((1.001, True),) if p.divisible else ((1.001, True), (0.999, False))
        for factor, expect_in in checks:
            bumped = list(projects)
            bumped[i] = with_option(p, tier, gain=option_of(p, tier).gain + v.gain_needed * factor)
            assert (v.project in optimal_portfolio(bumped, budget).names) is expect_in
        cut = list(projects)
        cut[i] = with_option(p, tier, investment=v.max_cost * 0.999)
        assert v.project in optimal_portfolio(cut, budget).names
        if not p.divisible:
            # Cost just above the threshold: nothing beats today's optimum any more.
            over = list(projects)
            over[i] = with_option(p, tier, investment=v.max_cost * 1.001 + 1)
            assert brute_force_best(over, budget) == pytest.approx(alloc.optimum.total_net)
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("seed", range(12))
def test_verdict_routes_agree(seed):
    """Prefix/suffix frontiers, a frontier per project and one MILP per question agree."""
    rng = random.Random(1300 + seed)
    projects = random_projects(rng, 7)
    k = rng.randrange(7)
    projects[k] = replace(projects[k], locked=True)
    if seed % 2:
        projects[(k + 1) % 7] = replace(projects[(k + 1) % 7], excluded=True)
    budget = sum(p.investment for p in projects) * rng.uniform(0.3, 0.7)
    alloc = allocate_budget(projects, budget)
    routes = [project_verdicts(projects, alloc, method=m) for m in ("auto", "per_project", "milp")]
    fields = ("contribution", "gain_needed", "max_cost", "lock_cost")
    for a, b, c in zip(*routes):
        assert a.status == b.status == c.status
        for f in fields:
            x, y, z = getattr(a, f), getattr(b, f), getattr(c, f)
            if math.isnan(x):
                assert math.isnan(y) and math.isnan(z), (a.project, f)
            else:
                assert x == pytest.approx(y, abs=1e-3) and x == pytest.approx(z, abs=1e-3), (a.project, f)


@pytest.mark.parametrize("method", ["auto", "per_project", "milp"])
def test_locked_and_excluded_reasons(method):
    projects = spec_case_projects()
    projects[3] = replace(projects[3], locked=True)  # mobile
    projects[0] = replace(projects[0], excluded=True)  # churn
    alloc = allocate_budget(projects, 700_000)
    v = {x.project: x for x in project_verdicts(projects, alloc, method=method)}
    assert v["Churn warning system"].status == "excluded"
    assert reason_text(v["Churn warning system"]) == "Left out: you excluded it."
    mobile = v["Mobile service"]
    assert mobile.status == "locked"
    # Unlocked (churn still excluded) the best at 700k is the same three: the lock costs 0.
    assert mobile.lock_cost == pytest.approx(0)
    alloc = allocate_budget(projects, 450_000)
    mobile = next(
        x for x in project_verdicts(projects, alloc, method=method) if x.project == "Mobile service"
    )
    # Locked: mobile + service (450k) = net 7.45M; unlocked: service + membership = 10.45M.
    assert mobile.lock_cost == pytest.approx(3_000_000)
    assert alloc.lock_cost == pytest.approx(3_000_000)
    assert "The lock costs ¥3.00M of net value" in reason_text(mobile)
    assert "300万" in reason_text(mobile, "zh")


def test_reason_marks_where_ranking_differs():
    projects = [Project("A", 60, 600, 1), Project("B", 50, 450, 1), Project("C", 50, 450, 1)]
    alloc = allocate_budget(projects, 100)
    v = {x.project: x for x in project_verdicts(projects, alloc)}
    assert "Sorting by ROI would have left it out" in reason_text(v["B"])
    assert "Sorting by ROI would have funded it" in reason_text(v["A"])
    assert "按ROI排序" in reason_text(v["A"], "zh")


def test_partly_funded_reason():
    a = Project("A", 60, 600, 1)
    d = Project("D", 80, 8, 80, divisible=True)
    alloc = allocate_budget([a, d], 100)
    v = {x.project: x for x in project_verdicts([a, d], alloc)}
    assert v["D"].status == "partly_funded"
    assert "Partly funded (50%" in reason_text(v["D"])


def test_left_out_divisible_reason_by_hand():
    projects = [
        Project("A", 60, 600, 1),
        Project("B", 40, 400, 1),
        Project("D", 50, 2, 50, divisible=True),
    ]  # gain 100, net 50
    alloc = allocate_budget(projects, 100)
    assert set(alloc.optimum.names) == {"A", "B"}  # 1,000 for 100: net 900
    d = next(v for v in project_verdicts(projects, alloc) if v.project == "D")
    # In full, D fits only beside B: net 50 + 360 = 410, so it needs 490 more.
    assert d.status == "left_out" and d.gain_needed == pytest.approx(490)
    assert "Funded in full it would need ¥490 more gain" in reason_text(d)


# -- the greedy ranking on its own ----------------------------------------------------------
def test_roi_ranking_honours_locks_and_splits():
    projects = [
        Project("A", 60, 600, 1),
        Project("B", 50, 100, 1, locked=True),
        Project("D", 40, 4, 40, divisible=True),
    ]
    # Ranking: A (900%), D (300%), B (100%). B's 50 is held back, so A (60) does not fit in
    # 100 − 50; D takes all 40 of 50 left; B gets its 50.
    got = roi_ranking(projects, 100)
    assert set(got.names) == {"B", "D"}
    assert got.line("D").fraction == pytest.approx(1.0)
    assert got.total_cost == pytest.approx(90)


# -- the editable table ---------------------------------------------------------------------
def test_frame_round_trip_and_errors():
    projects = spec_case_projects()
    projects[0] = replace(projects[0], tiers=(Tier("pilot", 100_000, 1_500, 800),), locked=True)
    frame = projects_to_frame(projects)
    assert projects_from_frame(frame) == projects
    blank = pd.concat([frame, pd.DataFrame([{"name": None}])], ignore_index=True)
    assert len(projects_from_frame(blank)) == 4
    bad = frame.copy()
    bad.loc[2, "reach"] = 0
    raises_saying(r"project 3 \(Service experience\): reach", projects_from_frame, bad)
    bad = frame.copy()
    bad.loc[1, "name"] = ""
    raises_saying("project 2: name must not be empty", projects_from_frame, bad)


def test_every_allocator_string_exists_in_both_languages():
    """Keys named in the engine and the page (literal or built from a known set) exist."""
    from pathlib import Path

    from wording import CATALOGUE

    root = Path(__file__).resolve().parent.parent
    files = [
        root / "wording" / "allocation.py",
        root / "app_pages" / "allocator.py",
        *sorted((root / "clv_engine" / "allocation").glob("*.py")),
        *sorted((root / "ui").glob("allocation*.py")),
    ]
    text = "".join(f.read_text("utf-8") for f in files)
    literal = set(re.findall(r'"(allocator\.[a-z_.]+[a-z_])"', text))
    literal.discard("allocator.page")  # a prefix: the scenario panel's words (allocator.page.save ...)
    built = {
        f"allocator.status.{s}"
        for s in (
            "funded",
            "partly_funded",
            "locked",
            "left_out",
            "below_cost",
            "too_expensive",
            "no_room",
            "excluded",
        )
    }
    built |= {f"allocator.page.segment.{d}" for d in ("all", *SEGMENT_COLUMNS)}
    for change in ("retention", "frequency"):
        built |= {
            f"allocator.page.change.{change}",
            f"allocator.page.derived_name.{change}",
            f"allocator.page.derive.method.{change}",
        }
    built |= {f"allocator.page.event.{c}" for c in ("enters", "leaves", "tier")}
    built |= {"allocator.reason.gain_needed_full", "allocator.reason.cost_needed_full"}
    missing = sorted(k for k in literal | built if k not in CATALOGUE)
    assert len(literal) > 50 and not missing, missing
