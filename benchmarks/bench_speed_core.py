"""The shared data path at scale (issue 14): what every page pays for its customer values.

Run: python benchmarks/bench_speed_core.py --db /tmp/c100k.duckdb [--kpi-months 12] [--src DIR]

Prints, for one database, in this process (Streamlit's caches work without a server):
- ``Context.customer_values()`` cold (the first call: customer values, the predictive fit,
  the predictions and the merge) and warm (median of the next calls: what each rerun of every
  page pays);
- the same for a second model choice ("historical") and a second caller that adds a column;
- the KPI raw table (``kpi.raw_kpis`` over ``--kpi-months`` month ends, 0 to skip);
- peak RSS of the process and the machine's load.

``--src`` runs the code of another checkout (e.g. an export of the previous commit) with the
same script, so before and after are measured alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def _load() -> str:
    return " ".join(os.getloadavg().__repr__().strip("()").split(", "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a DuckDB file (a copy: it is opened for reading)")
    parser.add_argument(
        "--src",
        default=str(Path(__file__).resolve().parent.parent),
        help="the checkout whose code is measured (default: this one)",
    )
    parser.add_argument("--warm", type=int, default=5, help="warm calls (median reported)")
    parser.add_argument("--kpi-months", type=int, default=12, help="KPI months (0: skip the KPI)")
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    from streamlit import logger

    from clv_engine import clv, kpi
    from clv_engine.db import Database
    from ui import context as uc

    logger.set_log_level("error")  # no "no runtime" warnings

    db = Database(args.db)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    customers = db.query_value("SELECT count(*) FROM customers")
    print(f"database {args.db}: {customers:,} customers, as of {as_of}; code {args.src}")
    print(f"load at start {_load()}")
    ctx = uc.Context(
        lang="en", db=db, as_of=as_of, store_ids=None, clv_params=clv.CLVParams(), clv_model="predictive"
    )

    def timed(call):
        start = time.perf_counter()
        out = call()
        return time.perf_counter() - start, out

    cold, frame = timed(ctx.customer_values)
    print(
        f"customer_values predictive  cold {cold:7.2f} s  ({len(frame):,} rows, model {frame.attrs.get('model')})"
    )
    warm = [timed(ctx.customer_values)[0] for _ in range(args.warm)]
    print(f"customer_values predictive  warm {statistics.median(warm):7.3f} s  (median of {len(warm)})")

    def caller_adds_column():
        values = ctx.customer_values()
        values["x"] = 1.0
        values["clv"] = 0.0
        return values

    other = [timed(caller_adds_column)[0] for _ in range(args.warm)]
    print(f"customer_values + a column  warm {statistics.median(other):7.3f} s")
    hist = uc.Context(
        lang="en", db=db, as_of=as_of, store_ids=None, clv_params=clv.CLVParams(), clv_model="historical"
    )
    cold_h, _ = timed(hist.customer_values)
    warm_h = [timed(hist.customer_values)[0] for _ in range(args.warm)]
    print(f"customer_values historical  cold {cold_h:7.2f} s  warm {statistics.median(warm_h):.3f} s")
    print(
        f"peak RSS after customer values {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
    )
    if args.kpi_months:
        dates = kpi.month_ends(as_of, args.kpi_months)
        took, raw = timed(lambda: kpi.raw_kpis(db, dates, clv.CLVParams()))
        print(f"kpi.raw_kpis {args.kpi_months} months  {took:7.2f} s  ({len(raw)} rows)")
    print(
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; load at end {_load()}"
    )


if __name__ == "__main__":
    main()
