"""Benchmark: import a 10,000,000-row order export from CSV.

    python benchmarks/bench_import.py [--rows 10000000] [--dir /tmp/clv_bench_import]

Writes a dealer-style CSV (Chinese headers, 工单号/客户编号/工单日期/金额/毛利/门店/维修类型,
a few refunds and thousands separators) to --dir (never the repository), imports it with
clv_engine.imports.run_import into a fresh database there, and prints the time of each step,
rows per second and peak memory. Peak memory is the process's maximum resident set size
(getrusage), which includes DuckDB's own buffers (DuckDB allocates outside Python, so
tracemalloc, also printed, sees only the Python side). The generated files are deleted at
the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clv_engine.imports import ImportOptions, Source, run_import  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_csv(path: Path, rows: int) -> None:
    """A CSV like a DMS export: 1 customer per 10 orders, 8 stores, 2019-2026."""
    con = duckdb.connect()
    con.execute(
        """
        COPY (
            SELECT 'RO' || lpad(CAST(i AS VARCHAR), 9, '0') AS 工单号,
                   'C' || lpad(CAST(hash(i) % ? AS VARCHAR), 7, '0') AS 客户编号,
                   strftime(DATE '2019-01-01' + CAST(hash(i * 7) % 2890 AS INTEGER), '%Y-%m-%d') AS 工单日期,
                   -- one amount in 500 is a refund, one in 50 has a thousands separator
                   CASE WHEN i % 500 = 0 THEN '-' || CAST(round(100 + (hash(i * 3) % 90000) / 100.0, 2) AS VARCHAR)
                        WHEN i % 50 = 0 THEN format('{:,}', CAST(1000 + hash(i * 3) % 9000 AS INTEGER))
                        ELSE CAST(round(100 + (hash(i * 3) % 900000) / 100.0, 2) AS VARCHAR) END AS 金额,
                   CAST(round((hash(i * 5) % 300000) / 100.0, 2) AS VARCHAR) AS 毛利,
                   'S0' || CAST(1 + hash(i * 11) % 8 AS VARCHAR) AS 门店,
                   ['保养', '维修', '事故', '配件', '精品'][1 + CAST(hash(i * 13) % 5 AS INTEGER)] AS 维修类型
            FROM range(?) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')
        """.replace("{path}", str(path).replace("'", "''")),
        [max(rows // 10, 1), rows],
    )
    con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", default="/tmp/clv_bench_import")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB")
    parser.add_argument("--keep", action="store_true", help="keep the CSV and database")
    args = parser.parse_args(argv)

    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    csv_path, db_path = work / "orders.csv", work / "bench.duckdb"
    for old in (db_path, Path(str(db_path) + ".bak")):
        old.unlink(missing_ok=True)

    started = time.perf_counter()
    write_csv(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"wrote {args.rows:,} rows, {size_mb:,.0f} MB CSV in {time.perf_counter() - started:.1f} s")

    steps: list[tuple[str, float, float]] = []
    t0, cpu0 = time.perf_counter(), _cpu()

    def progress(fraction: float, step: str) -> None:
        if not steps or steps[-1][0] != step:
            steps.append((step, time.perf_counter() - t0, _cpu() - cpu0))

    tracemalloc.start()
    report = run_import(
        [Source("orders", csv_path)],
        db_path,
        ImportOptions(today=date(2026, 12, 31), memory_limit=args.memory_limit),
        accept_clean_rows=True,
        progress=progress,
    )
    elapsed, cpu = time.perf_counter() - t0, _cpu() - cpu0
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print("steps: wall seconds (CPU seconds, all threads)")
    for (step, at, c), (_, nxt, c_next) in zip(steps, steps[1:] + [("end", elapsed, cpu)]):
        print(f"  {step:<10} {nxt - at:6.1f} s  ({c_next - c:6.1f} s CPU)")
    orders = report.written.get("orders", 0)
    print(
        f"imported {orders:,} orders, {report.written.get('customers', 0):,} customers "
        f"({report.warning_count:,} warnings, {report.rejected_rows:,} rows rejected)"
    )
    print(
        f"total {elapsed:.1f} s wall, {cpu:.1f} s CPU on {os.cpu_count()} cores; "
        f"{args.rows / elapsed:,.0f} rows/s, {size_mb / elapsed:,.1f} MB/s"
    )
    print(
        f"load average during the run: {os.getloadavg()[0]:.1f} (wall time grows when other work shares the cores)"
    )
    print(
        f"peak resident memory {rss_peak_mb:,.0f} MB (process, includes DuckDB); "
        f"Python allocations peak {python_peak / 1e6:,.0f} MB"
    )
    print(f"database {db_path.stat().st_size / 1e6:,.0f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
