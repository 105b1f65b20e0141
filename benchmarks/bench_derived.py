"""The per-customer tables kept in the file (issue 14): what a fresh process pays at start.

Run: python benchmarks/bench_derived.py --with /tmp/derived_c1m.duckdb --without /tmp/speed_c1m.duckdb

Each measurement runs in a fresh process (nothing cached, as after a restart) on the data's end
date: ``clv.customer_values`` then ``predictive.fit_predictive_model``, cold. ``--with`` is a
file holding the derived tables (``python -m cli.derive``), ``--without`` one that lacks them
(the same data, or the same file: the tables are then set aside for the run). Prints both, the
ratio, and the machine's load (``uptime``) before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one(path: str, use_stored: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from clv_engine import clv, predictive
    from clv_engine.db import Database
    from clv_engine.derived import store

    if not use_stored:
        store.usable = lambda db, as_of: None  # the computation as before the tables
    started = time.perf_counter()
    db = Database(path)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    t0 = time.perf_counter()
    found = store.stored(db) if use_stored else None
    t1 = time.perf_counter()
    values = clv.customer_values(db, as_of)
    t2 = time.perf_counter()
    model = predictive.fit_predictive_model(db, as_of)
    t3 = time.perf_counter()
    return {
        "stored_tables_used": found is not None,
        "customers": len(values),
        "check_s": round(t1 - t0, 2),
        "customer_values_s": round(t2 - t1, 2),
        "fit_s": round(t3 - t2, 2),
        "total_s": round(t3 - started, 2),
        "r": model.visits.params.r,
    }


def _run(path: str, use_stored: bool) -> dict:
    flag = "--one-with" if use_stored else "--one-without"
    out = subprocess.run(
        [sys.executable, __file__, flag, path], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _uptime() -> str:
    return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--with", dest="with_path")
    parser.add_argument("--without", dest="without_path")
    parser.add_argument("--one-with")
    parser.add_argument("--one-without")
    args = parser.parse_args()
    if args.one_with or args.one_without:
        print(json.dumps(one(args.one_with or args.one_without, bool(args.one_with))))
        return 0
    print("before:", _uptime())
    stored = _run(args.with_path, True)
    print("with the stored tables:   ", stored)
    computed = _run(args.without_path or args.with_path, False)
    print("without (computed):       ", computed)
    print("after: ", _uptime())
    for key in ("customer_values_s", "fit_s", "total_s"):
        ratio = computed[key] / stored[key] if stored[key] else float("inf")
        print(f"{key}: {computed[key]:.2f} s -> {stored[key]:.2f} s  (x{ratio:.1f} faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
