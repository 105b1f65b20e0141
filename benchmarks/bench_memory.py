"""Server memory per browser session: one Streamlit process of the app, RSS with 0, 1, 5 and 10
sessions open on a page (each drew the page once and stays connected), then after they close.

    python benchmarks/bench_memory.py --customers 100000        # benchmarks/out/c100k.duckdb, made once
    python benchmarks/bench_memory.py --db /tmp/bench_1m.duckdb --page segmentation

Streamlit keeps a closed session for server.disconnectedSessionTTL (120 s by default) so a
reconnecting tab finds it again; RSS is printed right after closing and after that time
(--settle). The app's housekeeping (ui/housekeeping.py) shuts expired sessions down and trims
glibc's heaps; --plain turns it and the malloc settings of deploy/cluster.py off, for a before
and after. Sessions speak Streamlit's websocket protocol (deploy/stclient.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.cluster import free_port_block, healthy, streamlit_process  # noqa: E402
from deploy.stclient import Session  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of the process in MB, from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def housekeeping_line(log: Path) -> str:
    """The server's last housekeeping report (ui/housekeeping.py logs it with CLV_MEMORY_LOG)."""
    lines = [
        line for line in log.read_text("utf-8", "replace").splitlines() if "housekeeping closed=" in line
    ]
    return lines[-1].split("housekeeping ", 1)[1] if lines else ""


async def measure(
    url: str, pid: int, page: str, levels: list[int], settle: float, report=lambda: "", watch: float = 0
) -> None:
    def row(label: str) -> None:
        rss, peak = memory_mb(pid)
        print(f"{label:<34}{rss:>9,.0f} MB{peak:>11,.0f} MB   {load()}   {report()}", flush=True)

    print(f"{'':<34}{'RSS':>12}{'peak':>14}")
    row("server started, no session")
    sessions: list[Session] = []
    for level in levels:
        while len(sessions) < level:
            session = await Session(url).connect(fetch_cookie=False)
            result = await session.rerun(page)
            if result.exceptions:
                print(f"  page error: {result.exceptions[0][:120]}")
            sessions.append(session)
        await asyncio.sleep(2)
        row(f"{level} session(s) open on {page or 'overview'}")
    for session in sessions:
        await session.close()
    await asyncio.sleep(5)
    row("all closed, 5 s later")
    await asyncio.sleep(settle)
    row(f"all closed, {settle + 5:.0f} s later")
    waited = settle + 5
    while watch > 0:  # the idle release (--idle-release) comes after the sessions are gone
        await asyncio.sleep(15)
        watch -= 15
        waited += 15
        row(f"all closed, {waited:.0f} s later")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--page", default="", help='url path of the page ("" = overview)')
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument(
        "--settle",
        type=float,
        default=140.0,
        help="seconds to wait after closing (Streamlit keeps closed sessions 120 s; the "
        "housekeeping shuts them down within 15 s after that)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no housekeeping thread, glibc malloc defaults (the figures before issue 14's fix)",
    )
    parser.add_argument(
        "--idle-release",
        type=float,
        default=None,
        help="seconds without any session before the server empties its caches "
        "(CLV_IDLE_RELEASE_SECONDS; the app's default is 900)",
    )
    parser.add_argument("--watch", type=float, default=0, help="seconds of a row every 15 s after --settle")
    args = parser.parse_args()
    os.environ["CLV_MEMORY_LOG"] = "1"
    if args.idle_release is not None:
        os.environ["CLV_IDLE_RELEASE_SECONDS"] = str(args.idle_release)
    if args.plain:
        os.environ["CLV_HOUSEKEEPING_SECONDS"] = "0"
    from benchmarks.bench_pages import ensure_db

    db = ensure_db(args.db or OUT / f"c{args.customers // 1000}k.duckdb", args.customers)
    port = free_port_block(1)
    OUT.mkdir(exist_ok=True)
    with open(OUT / f"memory-{port}.log", "wb") as log:
        server = streamlit_process(port, db, log, tuned=not args.plain)
        try:
            url = f"http://127.0.0.1:{port}"
            while not healthy(url):
                if server.poll() is not None:
                    raise SystemExit(f"streamlit exited with {server.returncode}; see {log.name}")
                time.sleep(0.25)
            print(
                f"database {db} ({db.stat().st_size / 1e6:.0f} MB); one server, pid {server.pid}; "
                f"{os.cpu_count()} cores, {load()}"
            )
            log_path = Path(log.name)
            asyncio.run(
                measure(
                    url,
                    server.pid,
                    args.page,
                    args.sessions,
                    args.settle,
                    lambda: housekeeping_line(log_path),
                    args.watch,
                )
            )
        finally:
            server.terminate()
            server.wait(15)


if __name__ == "__main__":
    main()
