"""The 10M-customer check of issue 14: each page's first render in a fresh process (cold) and the
process's peak resident memory, nothing else (bench_pages.py also times reruns: minutes each at
10M). A page passes within ``--seconds`` and ``--gb``.

    python benchmarks/bench_big.py --db /tmp/big3_c10m.duckdb --pages overview kpi

Each page runs alone (one 10M process at a time). ``--timeout`` ends a page that runs too long.
The load average is printed with every row: on a shared machine the seconds scale with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "overview",
    "segmentation",
    "churn",
    "lookup",
    "kpi",
    "model",
    "calculator",
    "actions",
    "allocator",
    "evaluator",
    "channels",
    "results",
    "import_data",
    "users",
)


def child(page: str, db: Path) -> dict:
    os.environ["CLV_DB"] = str(db)
    os.environ["CLV_RAISE_PAGE_ERRORS"] = "1"
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
    at.session_state["lang"] = "en"
    at.switch_page(f"app_pages/{page}.py")
    start = time.perf_counter()
    at.run()
    result = {"page": page, "cold": time.perf_counter() - start, "metrics": len(at.metric)}
    if at.exception:
        result["error"] = at.exception[0].message[:200]
    result["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", nargs="+", default=list(PAGES))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--gb", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db)))
        return
    print(f"{'page':<13}{'cold s':>8}{'peak GB':>9}  verdict  load 1/5 min before -> after", flush=True)
    for page in args.pages:
        before = "{:.1f}/{:.1f}".format(*os.getloadavg()[:2])
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", page, "--db", str(args.db)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=args.timeout,
            )
        except subprocess.TimeoutExpired:
            print(f"{page:<13} over {args.timeout:.0f} s (ended)", flush=True)
            continue
        after = "{:.1f}/{:.1f}".format(*os.getloadavg()[:2])
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print(f"{page:<13} failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        r = json.loads(lines[-1])
        ok = r["cold"] <= args.seconds and r["rss_gb"] <= args.gb and "error" not in r
        verdict = "pass" if ok else "FAIL"
        print(
            f"{page:<13}{r['cold']:8.1f}{r['rss_gb']:9.2f}  {verdict:<7}  {before} -> {after}"
            + (f"  error: {r['error']}" if "error" in r else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
