"""How fast the channels page's engine calls are on 1,000,000 customers.

Run: python benchmarks/bench_channels.py [--db /tmp/bench_1m.duckdb]
The database is generated once (``python -m sample_data.generate --customers 1000000 --out
/tmp/bench_1m.duckdb``) unless it exists; if another process is writing it (``.tmp`` beside it)
this waits for it. Prints the best of a few runs per call, customers per second, and the time of
everything one page view computes (a cold page, before Streamlit's cache holds the results).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clv_engine import channels as ch  # noqa: E402
from clv_engine import cohorts  # noqa: E402
from clv_engine.cohorts import LtvParams  # noqa: E402
from clv_engine.db import Database  # noqa: E402

DEFAULT_DB = Path("/tmp/bench_1m.duckdb")


def ensure_database(path: Path, customers: int = 1_000_000) -> None:
    tmp = path.with_name(path.name + ".tmp")
    waited = 0
    while tmp.exists() and not path.exists() and waited < 1800:
        print(f"waiting for {tmp} (another process is generating it)…", flush=True)
        time.sleep(15)
        waited += 15
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "sample_data.generate", "--customers", str(customers), "--out", str(path)],
            cwd=ROOT,
            check=True,
        )


def best_of(fn, repeats: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ensure_database(args.db)
    db = Database(args.db)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    customers = db.table_rows("customers")
    orders = db.table_rows("orders")
    retention = cohorts.resolved_retention(db, as_of, LtvParams())
    params = LtvParams(horizon_years=7, retention=retention)  # estimated once, as the page's cache does
    print(f"{args.db}: {customers:,} customers, {orders:,} orders, as of {as_of}, retention {retention:.3f}")
    print(f"{'call':<54}{'best (s)':>10}{'customers/s':>14}")

    cube = cohorts.cohort_cube(db, as_of, params)
    cases = [
        ("estimate_retention", lambda: cohorts.resolved_retention(db, as_of, LtvParams())),
        ("cohort_cube (one pass: every cohort table)", lambda: cohorts.cohort_cube(db, as_of, params)),
        ("channel_cac (all months)", lambda: ch.channel_cac(db, as_of)),
        ("cac_by_period (year)", lambda: ch.cac_by_period(db, as_of, "year")),
        ("channel_table (LTV + CAC, 6 channels)", lambda: ch.channel_table(db, as_of, params)),
    ]
    for dim in cohorts.DIMENSIONS:
        cases.append(
            (
                f"summary + years + mix from the cube: {dim}",
                lambda dim=dim: (
                    cohorts.summary_from_cube(cube, dim),
                    cohorts.years_from_cube(cube, dim),
                    cohorts.mix_from_cube(cube, dim),
                ),
            )
        )
    cases.append(("customer_ltv (1 row per customer)", lambda: cohorts.customer_ltv(db, as_of, params)))
    timings = {}
    for name, fn in cases:
        seconds, _ = best_of(fn, args.repeats)
        timings[name] = seconds
        print(f"{name:<54}{seconds:>10.2f}{customers / seconds:>14,.0f}")

    # What a cold page view computes (app_pages/channels.py): retention, the cube, two CAC windows,
    # CAC by year, and the tables of one cohort dimension.
    def page_view():
        c = cohorts.cohort_cube(db, as_of, LtvParams(horizon_years=7))
        ltv = ch.channel_ltv_from_cube(c)
        ch.combine_channel_table(ltv, ch.channel_cac(db, as_of))
        ch.data_simulator_base(ch.combine_channel_table(ltv, ch.channel_cac(db, as_of, 12)))
        ch.cac_by_period(db, as_of, "year")
        cohorts.summary_from_cube(c, "purchase_year")
        cohorts.years_from_cube(c, "purchase_year")
        cohorts.mix_from_cube(c, "purchase_year")

    seconds, _ = best_of(page_view, 1)
    print(f"{'cold page view (retention, cube, CAC, tables)':<54}{seconds:>10.2f}")
    # A simulator slider move recomputes only the shift: no database query.
    base = ch.data_simulator_base(ch.channel_table(db, as_of, params, cac_months=12))
    shift = ch.BudgetShift(ch.SPEC_SHIFT_FROM, ch.SPEC_SHIFT_TO, 0.3, "equal", 0.8)
    seconds, _ = best_of(lambda: ch.shift_budget(base, shift), 50)
    print(f"{'shift_budget (a simulator slider move)':<54}{seconds * 1e3:>9.2f}ms")


if __name__ == "__main__":
    main()
