"""The larger run of tests/test_any_data.py: many generated dealers, every page, both languages,
as-of dates inside and outside the data.

    python scripts/any_data_run.py --examples 20 [--minutes 30] [--seed 1] [--out problems.txt]

Prints how many databases and page renders it covered and every problem found (grouped).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.test_any_data import LANGS, PAGES, as_of_dates, check_dealer, dealers  # noqa: E402


class TimeUp(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10, help="generated databases")
    parser.add_argument("--minutes", type=float, default=None, help="stop starting databases after this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write every problem to this file")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    covered = Counter()
    problems: dict[str, list[str]] = {}
    started = time.time()
    work = Path(tempfile.mkdtemp(prefix="any_data_"))

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=["generate"],
    )
    @given(d=dealers)
    def explore(d):
        if args.minutes is not None and time.time() - started > args.minutes * 60:
            raise TimeUp
        n = covered["databases"]
        dates = as_of_dates(d)
        found = check_dealer(d, work / f"db{n}", dates=dates)
        covered["databases"] += 1
        covered["renders"] += len(dates) * len(LANGS) * len(PAGES)
        if found:
            problems[repr(d)] = found
        print(f"[{time.time() - started:6.0f}s] database {n + 1}: {len(found)} problems  {d}", flush=True)
        for line in found:
            print(f"    {line[:300]}", flush=True)

    try:
        explore()
    except (TimeUp, KeyboardInterrupt):
        print("stopped: time is up", flush=True)
    kinds = Counter(
        line.split("]: ", 1)[0].split(" [")[0] + ": " + line.split("]: ", 1)[1][:110]
        for lines in problems.values()
        for line in lines
    )
    print(
        f"\n{covered['databases']} databases, {covered['renders']} page renders "
        f"({len(PAGES)} pages x {len(LANGS)} languages x as-of dates) in {time.time() - started:.0f} s"
    )
    print(f"{sum(len(v) for v in problems.values())} problems in {len(problems)} databases")
    for kind, n in kinds.most_common():
        print(f"{n:5d}  {kind}")
    if args.out:
        args.out.write_text(
            "\n".join(f"{d}\n  " + "\n  ".join(lines) for d, lines in problems.items()) + "\n"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
