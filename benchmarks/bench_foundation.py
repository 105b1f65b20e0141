"""Foundation benchmark: sample generation, per-customer CLV, file size, peak memory, startup.

    python benchmarks/bench_foundation.py [--sizes 100000 1000000] [--keep]

Each generation runs in a child process so its peak memory (max RSS) is its own.
Databases go to /tmp and are deleted unless --keep.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from sample_data.generate import generate
t = time.perf_counter()
generate({n}, 1, {out!r})
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_generate(n: int, out: Path) -> tuple[float, float]:
    code = CHILD.format(root=str(ROOT), n=n, out=str(out))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, rss_kb = result.stdout.split()[-2:]
    return float(seconds), float(rss_kb) / 1024


def bench_clv(out: Path) -> tuple[float, int, int]:
    from clv_engine import clv
    from clv_engine.db import Database

    db = Database(out)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    started = time.perf_counter()
    values = clv.customer_values(db, as_of)
    seconds = time.perf_counter() - started
    orders = db.query_value("SELECT count(*) FROM orders")
    return seconds, len(values), orders


def bench_first_start() -> tuple[float, float]:
    """AppTest of app.py with no database (builds the 10k sample), then a second start."""
    from streamlit.testing.v1 import AppTest

    from clv_engine import db as db_module

    with tempfile.TemporaryDirectory() as tmp:
        # The demo is built only when CLV_DB is unset (a missing CLV_DB file is an error): point
        # the demo's own path at a fresh file instead.
        os.environ.pop("CLV_DB", None)
        db_module.sample_db_path = lambda: Path(tmp) / "fresh.duckdb"
        times = []
        for _ in range(2):
            started = time.perf_counter()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
            assert not at.exception, at.exception
            times.append(time.perf_counter() - started)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"{'customers':>10} {'orders':>10} {'gen s':>7} {'peak MB':>8} {'file MB':>8} {'CLV s':>7}")
    for n in args.sizes:
        out = Path(tempfile.gettempdir()) / f"bench_foundation_{n}.duckdb"
        gen_s, peak_mb = bench_generate(n, out)
        clv_s, customers, orders = bench_clv(out)
        size_mb = out.stat().st_size / 1e6
        print(f"{customers:>10,} {orders:>10,} {gen_s:>7.1f} {peak_mb:>8.0f} {size_mb:>8.0f} {clv_s:>7.2f}")
        if not args.keep:
            out.unlink()
    first, second = bench_first_start()
    print(f"first start incl. building the 10k sample: {first:.1f} s; later start: {second:.1f} s")


if __name__ == "__main__":
    main()
