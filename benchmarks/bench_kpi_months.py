"""The KPI page's months of history and comparison, timed in one fresh AppTest session.

    python benchmarks/bench_kpi_months.py --db /tmp/final_c1m.duckdb

Prints the cold render, then each change in turn (months 12 → 6 → 9: within the first span;
→ 18: the 24-month span, computed once; → 24 → 13: within it; the comparison a quarter before,
then a year), with the machine's load. Server-side time of ``at.run()``, as bench_pages.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    os.environ["CLV_DB"] = str(args.db)
    os.environ["CLV_RAISE_PAGE_ERRORS"] = "1"
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.session_state["lang"] = "en"
    at.switch_page("app_pages/kpi.py")

    def timed(label: str, action=None) -> None:
        if action is not None:
            action()
        start = time.perf_counter()
        at.run()
        took = time.perf_counter() - start
        problem = at.exception[0].message[:120] if at.exception else ""
        print(f"{label:<34}{took:>8.2f} s   load {load()}  {problem}", flush=True)

    print(f"KPI page on {args.db}")
    timed("cold (12 months)")
    for months in (6, 9, 18, 24, 13):
        timed(f"months → {months}", lambda m=months: at.slider(key="kpi_months").set_value(m))
    compare = at.radio(key="kpi_compare.en")
    for option in compare.options[1:] + compare.options[:1]:
        timed(f"compare → {option[:24]}", lambda o=option: at.radio(key="kpi_compare.en").set_value(o))

    def weights() -> None:  # two weights in opposite directions: still 100% in all
        at.number_input(key="kpi_w_nps").set_value(20)
        at.number_input(key="kpi_w_clv_growth").set_value(20)

    timed("weights change", weights)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
