"""How fast the budget allocator answers: the exact optimum, the curve, the reasons.

Run: python benchmarks/bench_allocator.py
Random project lists (costs ¥50,000-¥600,000 in ¥10,000 steps, gain 0.5-41× the cost, so
about one in eighty returns less than it costs, a quarter with a pilot tier, a tenth
divisible), budget = 40% of the total. The allocator maximises net value Σ(gain − cost). Best of several runs per figure.
"A slider move" is what the page recomputes when only the budget changes: the optimum and
the ROI ranking, the reasons (the best portfolio without each project, exact) and the value of
the next ¥100,000; the curve does not depend on the budget and is cached by the page.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clv_engine import allocation as al  # noqa: E402
from wording.allocation import reason_text, spec_case_projects  # noqa: E402

BUDGET_SECONDS = 1.0


def projects(n: int, seed: int = 1, divisible_share: float = 0.10) -> list[al.Project]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        cost = rng.randrange(5, 61) * 10_000.0
        reach = float(rng.randrange(200, 5_000))
        uplift = round(cost * rng.uniform(0.5, 41) / reach, 2)
        tiers: tuple[al.Tier, ...] = ()
        divisible = False
        roll = rng.random()
        if roll < 0.25:
            share = rng.uniform(0.2, 0.5)
            tiers = (
                al.Tier("pilot", round(cost * share, -4) or 10_000.0, uplift * 1.2, round(reach * share)),
            )
        elif roll < 0.25 + divisible_share:
            divisible = True
        out.append(al.Project(f"P{k:03d}", cost, uplift, reach, divisible=divisible, tiers=tiers))
    return out


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def slider_move(ps: list[al.Project], budget: float) -> None:
    alloc = al.allocate_budget(ps, budget)
    for v in al.project_verdicts(ps, alloc):
        reason_text(v, "en")
    al.value_of_next(ps, budget)


def main() -> None:
    print(f"{'case':<58}{'best (ms)':>11}{'vs 1 s':>9}  notes")
    cases = [("SPEC §4 (4 projects)", spec_case_projects(), al.SPEC_CASE_BUDGET)]
    for n in (10, 20, 50, 200):
        ps = projects(n)
        cases.append((f"{n} projects", ps, 0.4 * sum(p.investment for p in ps)))
    # Without divisible projects the reasons take the prefix/suffix route (one pass).
    for n in (50, 200):
        ps = projects(n, divisible_share=0.0)
        cases.append((f"{n} projects, none divisible", ps, 0.4 * sum(p.investment for p in ps)))
    for label, ps, budget in cases:
        n = len(ps)
        reps = 3 if n >= 200 else 7
        solve = best_of(lambda ps=ps, b=budget: al.allocate_budget(ps, b), reps)
        print(f"{f'allocate_budget, {label}':<58}{solve * 1e3:>11.1f}{BUDGET_SECONDS / solve:>8.0f}×")
        curve_holder = {}

        def run_curve(ps=ps, holder=curve_holder):
            holder["c"] = al.budget_value_curve(ps)

        curve = best_of(run_curve, 1 if n >= 200 else 3)
        c = curve_holder["c"]
        note = (
            f"{c.method}, frontier {c.frontier_size:,} portfolios, {len(c.points):,} points,"
            f" exact steps: {c.exact_steps}"
        )
        print(
            f"{f'budget_value_curve, {label}':<58}{curve * 1e3:>11.1f}{BUDGET_SECONDS / curve:>8.1f}×  {note}"
        )
        move = best_of(lambda ps=ps, b=budget: slider_move(ps, b), 1 if n >= 50 else 3)
        print(
            f"{f'slider move (optimum, reasons, next ¥100k), {label}':<58}"
            f"{move * 1e3:>11.1f}{BUDGET_SECONDS / move:>8.1f}×"
        )
    # The exact frontier against the per-budget MILP on the same 101-point grid.
    ps = projects(20)
    grid = best_of(lambda: al.budget_value_curve(ps, max_frontier=0), 1)
    front = best_of(lambda: al.budget_value_curve(ps), 3)
    print(
        f"{'curve, 20 projects: MILP per grid budget':<58}{grid * 1e3:>11.1f}"
        f"{'':>9}  frontier is {grid / front:.0f}× faster"
    )


def page_slider_move(customers: int = 3_000, moves: int = 10) -> None:
    """The whole page (app frame, sidebar, allocator) rerun by a slider move, in AppTest."""
    import os
    import tempfile

    from streamlit.testing.v1 import AppTest

    from sample_data.generate import generate

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        generate(customers, 7, db)
        os.environ["CLV_DB"] = str(db)
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.session_state["lang"] = "en"
        at.run()
        at.switch_page("app_pages/allocator.py").run()
        times = []
        for k in range(moves):
            budget = 300_000 + 70_000 * k  # SPEC case, stops of ¥5,000
            start = time.perf_counter()
            at.select_slider(key="al_budget_slider").set_value(budget).run()
            times.append(time.perf_counter() - start)
        assert not at.exception, [e.message for e in at.exception]
    times.sort()
    median = times[len(times) // 2]
    print(
        f"{f'page rerun on a slider move (AppTest, {customers:,} customers), median':<58}"
        f"{median * 1e3:>11.1f}{BUDGET_SECONDS / median:>8.1f}×  worst {times[-1] * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
    page_slider_move()
