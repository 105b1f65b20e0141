"""How fast the evaluator answers: Monte Carlo draws, the tornado and a full evaluation.

Run: python benchmarks/bench_evaluator.py
Prints the best of several runs for each figure, and the Monte Carlo's time against the
issue's budget (10,000 draws "in well under a second").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clv_engine import evaluation as ev

BUDGET_SECONDS = 1.0


def best_of(fn, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"{'case':<44}{'best (ms)':>12}{'vs 1 s budget':>16}")
    for key in ("mobile_van", "member_day"):
        p = ev.preset(key)
        for draws in (10_000, 100_000, 1_000_000):
            seconds = best_of(
                lambda p=p, draws=draws: ev.monte_carlo(p, draws=draws, seed=1),
                repeats=3 if draws >= 1_000_000 else 7,
            )
            print(
                f"{f'monte_carlo {key} {draws:,} draws':<44}{seconds * 1e3:>12.2f}"
                f"{BUDGET_SECONDS / seconds:>15.0f}×"
            )
        tornado = best_of(lambda p=p: ev.tornado(p))
        print(f"{f'tornado {key} ({len(ev.driver_keys(p))} drivers)':<44}{tornado * 1e3:>12.2f}")
        full = best_of(lambda p=p: (ev.evaluate_programme(p), ev.break_even_table(p)))
        print(f"{f'evaluate + break-even table {key}':<44}{full * 1e3:>12.2f}")
    # One slider move on the page recomputes all of it:
    p = ev.preset("mobile_van")
    move = best_of(
        lambda: (
            ev.evaluate_programme(p),
            ev.tornado(p),
            ev.break_even_table(p),
            ev.monte_carlo(p, draws=10_000, seed=0),
        )
    )
    print(
        f"{'one input change (all figures, 10k draws)':<44}{move * 1e3:>12.2f}{BUDGET_SECONDS / move:>15.0f}×"
    )


if __name__ == "__main__":
    main()
