"""Many people at once: K browser sessions through nginx in front of 1 and 2 Streamlit processes.

Each session speaks Streamlit's websocket protocol (deploy/stclient.py): it asks for a page,
waits for the run to finish, thinks (10 s), asks for the next page of the rotation. Printed per
(processes, sessions): p50 / p95 / max of "rerun request -> script finished", runs, failed
runs, the servers' CPU seconds per run (a figure the machine's other work hardly moves: the
latencies do), how the sessions were spread over the processes, and the machine's load.

    python benchmarks/bench_load.py                          # 10k sample; 10 and 25 sessions; 1 and 2 processes
    python benchmarks/bench_load.py --sessions 10 25 50 --duration 120 --db /tmp/bench_100k.duckdb

To compare two versions, run them AT THE SAME TIME from two checkouts (each has its own
benchmarks/out/): on a shared machine the load moves the latencies more than most changes do
(a 1 ms switch interval looked 3x better run after the default, and was no better side by side).
The sessions send back their widgets' values as a browser does (deploy/stclient.py).

The database is generated into benchmarks/out/ on first use (never committed). Before measuring,
one session per process visits every page once, so the figures are warm-cache reruns.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.cluster import Cluster  # noqa: E402
from deploy.stclient import Session  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
# url paths of st.navigation ("" is the overview, the default page): what people look at.
PAGES = ["", "segmentation", "churn", "lookup", "kpi", "model", "evaluator", "channels", "allocator"]


def ensure_db(path: Path, customers: int) -> Path:
    if not path.exists():
        from sample_data.generate import generate

        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ({customers:,} customers) ...", flush=True)
        generate(customers, 42, path)
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


async def warm(url: str, pages: list[str]) -> float:
    session = await Session(url).connect(fetch_cookie=False)
    started = time.perf_counter()
    try:
        for page in pages:
            await session.rerun(page)
    finally:
        await session.close()
    return time.perf_counter() - started


async def user(
    url: str, index: int, pages: list[str], think: float, until: float, times: list[float], failures: Counter
) -> None:
    await asyncio.sleep(random.uniform(0, think))  # people do not all click at the same second
    session = await Session(url).connect()
    try:
        turn = index
        while time.perf_counter() < until:
            page = pages[turn % len(pages)]
            turn += 1
            try:
                result = await session.rerun(page, timeout=max(30.0, until - time.perf_counter() + 60))
            except (TimeoutError, ConnectionError) as err:
                failures[type(err).__name__] += 1
                return
            if result.exceptions:
                failures["page error"] += 1
            else:
                times.append((page or "overview", result.seconds))
            await asyncio.sleep(think)
    finally:
        await session.close()


async def run_sessions(url: str, sessions: int, pages: list[str], think: float, duration: float):
    times: list[tuple[str, float]] = []
    failures: Counter = Counter()
    until = time.perf_counter() + duration
    await asyncio.gather(*(user(url, i, pages, think, until, times, failures) for i in range(sessions)))
    return times, failures


def spread(cluster: Cluster, since: int) -> str:
    """Websocket sessions per process, from the proxy's log lines after ``since``."""
    lines = cluster.access_log().splitlines()[since:]
    per = Counter(
        m.group(1)
        for line in lines
        if "/_stcore/stream" in line and (m := re.search(r"upstream=127\.0\.0\.1:(\d+)$", line))
    )
    return " ".join(f":{port}={n}" for port, n in sorted(per.items())) or "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--customers", type=int, default=10_000, help="for the generated database")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 25])
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measuring per row")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="Streamlit's and glibc's defaults, no housekeeping (the figures before issue 14's fixes)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="where each process's CPU goes, to this file ({pid}: the process id; ui/sampler.py)",
    )
    args = parser.parse_args()
    if args.plain:
        os.environ["CLV_HOUSEKEEPING_SECONDS"] = "0"
        os.environ["CLV_SERVING_TUNED"] = "0"  # Streamlit's locked config reads (ui/serving.py)
    if args.profile:
        os.environ["CLV_PROFILE_SAMPLES"] = str(args.profile)
    db = ensure_db(args.db or OUT / f"c{args.customers // 1000}k.duckdb", args.customers)
    random.seed(7)
    print(
        f"database {db} ({db.stat().st_size / 1e6:.0f} MB); pages {', '.join(p or 'overview' for p in args.pages)}; "
        f"think {args.think:.0f} s; {args.duration:.0f} s per row; {load()}"
    )
    print(
        f"{'processes':>9} {'sessions':>8} {'runs':>5} {'failed':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
        f"{'cpu/run':>7}  sessions per process, load"
    )
    for processes in args.processes:
        with Cluster(processes, db, run_dir=OUT / f"nginx-{processes}", tuned=not args.plain) as cluster:
            for url in cluster.app_urls:
                seconds = asyncio.run(warm(url, args.pages))
                print(f"  warm-up {url}: every page once in {seconds:.1f} s", flush=True)
            for sessions in args.sessions:
                mark = len(cluster.access_log().splitlines())
                pids = [app.pid for app in cluster.apps]
                cpu_before = cpu_seconds(pids)
                times, failures = asyncio.run(
                    run_sessions(cluster.url, sessions, args.pages, args.think, args.duration)
                )
                cpu = cpu_seconds(pids) - cpu_before  # the servers' CPU, whatever else the machine runs
                time.sleep(0.5)  # nginx logs a websocket when it closes
                failed = sum(failures.values())
                by_page: dict[str, list[float]] = {}
                for page, seconds in times:
                    by_page.setdefault(page, []).append(seconds)
                times = [seconds for _, seconds in times]
                if times:
                    figures = (
                        f"{percentile(times, 0.5):>7.2f} {percentile(times, 0.95):>7.2f} {max(times):>7.2f}"
                    )
                else:
                    figures = f"{'-':>7} {'-':>7} {'-':>7}"
                print(
                    f"{processes:>9} {sessions:>8} {len(times):>5} {failed:>6} {figures} "
                    f"{cpu / max(1, len(times)):>7.3f}  "
                    f"{spread(cluster, mark)}, {load()}" + (f" {dict(failures)}" if failures else ""),
                    flush=True,
                )
                slowest = sorted(by_page.items(), key=lambda kv: -percentile(kv[1], 0.5))[:3]
                print(
                    "          slowest pages (p50 / p95 s): "
                    + ", ".join(
                        f"{page} {percentile(v, 0.5):.2f} / {percentile(v, 0.95):.2f}" for page, v in slowest
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
