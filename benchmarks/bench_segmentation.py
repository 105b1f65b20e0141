"""How fast segmentation answers: scoring and tiering 1,000,000 customers, and a page rerun
after a threshold change on the sample data.

Run: python benchmarks/bench_segmentation.py [--db /tmp/bench_1m.duckdb] [--skip-page]
The 1M database is generated on first use (python -m sample_data.generate --customers 1000000
--out /tmp/bench_1m.duckdb) and reused after; it is never committed. Prints the best of a few
runs for each figure, customers per second, and the page rerun against its 1 s budget.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clv_engine import clv, kpi  # noqa: E402
from clv_engine import segmentation as seg  # noqa: E402
from clv_engine.db import Database  # noqa: E402

BIG = Path("/tmp/bench_1m.duckdb")
PAGE_BUDGET_SECONDS = 1.0


def timed(fn, repeats: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def ensure_big(path: Path) -> None:
    if path.exists():
        return
    print(f"generating {path} (1,000,000 customers) ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "sample_data.generate", "--customers", "1000000", "--out", str(path)],
        cwd=ROOT,
        check=True,
    )


def bench_engine(path: Path) -> None:
    db = Database(path)
    as_of: date = db.query_value("SELECT max(order_date) FROM orders")
    n = db.query_value("SELECT count(*) FROM customers")
    orders = db.query_value("SELECT count(*) FROM orders")
    print(f"database {path}: {n:,} customers, {orders:,} orders, as of {as_of}")
    print(f"{'step':<52}{'best (s)':>10}{'customers/s':>14}")

    def row(name: str, seconds: float) -> None:
        print(f"{name:<52}{seconds:>10.3f}{n / seconds:>14,.0f}")

    t, scores = timed(lambda: seg.score_customers(db, as_of))
    row("score_customers (R, F, M, L, total, tier in SQL)", t)
    edited = seg.RfmlRules(gold_min=13, spend=(1_000, 2_500, 5_000, 12_000))
    t, _ = timed(lambda: seg.score_customers(db, as_of, rules=edited))
    row("score_customers, edited thresholds", t)
    t, _ = timed(lambda: seg.score_customers(db, as_of, store_ids=["S01"]))
    row("score_customers, one store", t)
    t, values = timed(lambda: clv.customer_values(db, as_of), repeats=1)
    row("clv.customer_values (for the six groups, not mine)", t)
    t, joined = timed(lambda: seg.with_values(scores, values))
    row("with_values (join scores to CLV)", t)
    t, groups = timed(lambda: seg.six_groups(joined))
    row("six_groups (levels, grid, CLV cut in SQL)", t)
    t, _ = timed(lambda: seg.tier_breakdown(joined))
    row("tier_breakdown (RFM+L)", t)
    t, _ = timed(lambda: seg.tier_breakdown(groups, "six", by=["home_store_id"]))
    row("tier_breakdown (six groups by store)", t)
    a = date(as_of.year - 1, as_of.month, min(as_of.day, 28))
    t, mig = timed(lambda: seg.migration(db, a, as_of), repeats=1)
    row("migration (two scorings + flows)", t)
    shares = scores["tier"].value_counts(normalize=True)
    print("tier shares: " + ", ".join(f"{tier} {shares.get(tier, 0):.1%}" for tier in seg.RFML_TIERS))
    print(f"migration: {mig.counts()}")
    db.close()


def bench_kpi(path: Path) -> None:
    db = Database(path)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    t, raw = timed(lambda: kpi.raw_kpis(db, kpi.month_ends(as_of, 12)), repeats=1)
    print(f"{'kpi.raw_kpis, 12 months, sample':<52}{t:>10.3f}")
    t, _ = timed(lambda: kpi.score(raw, kpi.KpiWeights()))
    print(f"{'kpi.score (weights changed), sample':<52}{t:>10.3f}")
    db.close()


def bench_page(customers: int) -> None:
    from sample_data.generate import generate
    from tests.helpers import run_app

    tmp = Path(tempfile.mkdtemp()) / "sample.duckdb"
    generate(customers, 7, tmp)
    os.environ["CLV_DB"] = str(tmp)
    at = run_app(tmp, "app_pages/segmentation.py")
    changed, unchanged = [], []
    for value in (13, 12, 14, 11) * 3:  # each a new threshold: scores, groups and migration again
        start = time.perf_counter()
        at.number_input(key="seg_t_gold").set_value(value).run()
        changed.append(time.perf_counter() - start)
        assert not at.exception
        start = time.perf_counter()
        at.run()
        unchanged.append(time.perf_counter() - start)
    median = statistics.median(changed)
    print(f"page rerun after a threshold change, {customers:,} customers (AppTest, app frame included):")
    print(
        f"  best {min(changed):.3f} s, median {median:.3f} s "
        f"({PAGE_BUDGET_SECONDS / median:.1f}× under the 1 s budget at the median)"
    )
    print(
        f"  rerun with nothing changed: best {min(unchanged):.3f} s, median {statistics.median(unchanged):.3f} s"
    )
    at.switch_page("app_pages/kpi.py").run()
    times = []
    for value in (30, 25) * 4:
        at.number_input(key="kpi_w_clv_growth").set_value(value)
        at.number_input(key="kpi_w_retention").set_value(45 - value)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    print(
        f"kpi page rerun after a weight change: best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s"
    )
    bench_kpi(tmp)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=BIG)
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--page-customers", type=int, default=10_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ensure_big(args.db)
    bench_engine(args.db)
    if not args.skip_page:
        bench_page(args.page_customers)


if __name__ == "__main__":
    main()
