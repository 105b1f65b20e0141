"""deploy/: two Streamlit processes behind nginx on (a copy of) the 3,000-customer sample — health through
the proxy, Streamlit's websocket through the proxy, sticky routes, and both processes serving
sessions from the same database file."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import time
import urllib.request
from pathlib import Path

import pytest

from deploy.cluster import Cluster, nginx_binary
from deploy.stclient import Session

needs_nginx = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
    r"route=(?P<route>\S+) upstream=(?P<upstream>\S+)$"
)


def _requests(cluster: Cluster) -> list[dict[str, str]]:
    """The proxy's answered requests: method, path, status, route key, process address."""
    return [m.groupdict() for line in cluster.access_log().splitlines() if (m := LOG_LINE.search(line))]


def _get(url: str, cookie: str | None = None) -> tuple[int, list[str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get_all("Set-Cookie") or []


def _open_files(pid: int) -> set[Path]:
    fds = Path(f"/proc/{pid}/fd")
    out = set()
    for fd in fds.iterdir():
        try:
            out.add(Path(os.readlink(fd)))
        except OSError:
            pass
    return out


@pytest.fixture(scope="module")
def deployed_db(pristine_db_bytes, tmp_path_factory) -> Path:
    """A private copy of the 3,000-customer sample: no other test writes to it while it is open."""
    path = tmp_path_factory.mktemp("deployed") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    return path


@pytest.fixture(scope="module")
def cluster(deployed_db, tmp_path_factory):
    with Cluster(2, deployed_db, run_dir=tmp_path_factory.mktemp("nginx")) as running:
        yield running


@needs_nginx
def test_health_through_the_proxy(cluster):
    assert cluster.app_ports == [cluster.port + 1, cluster.port + 2]  # consecutive ports
    status, cookies = _get(cluster.url + "/_stcore/health")
    assert status == 200
    assert any(c.startswith("clv_route=") for c in cookies), cookies


@needs_nginx
def test_new_visitors_are_spread_and_a_visitor_stays_on_one_process(cluster):
    for _ in range(30):  # no cookie: a random route each time
        _get(cluster.url + "/_stcore/health")
    fresh = [r for r in _requests(cluster) if r["path"] == "/_stcore/health" and r["status"] == "200"]
    assert {r["upstream"] for r in fresh} == {f"127.0.0.1:{p}" for p in cluster.app_ports}

    route = fresh[-1]["route"]
    for _ in range(10):
        _get(cluster.url + "/_stcore/health", cookie=f"clv_route={route}")
    same = {r["upstream"] for r in _requests(cluster) if r["route"] == route}
    assert len(same) == 1


@needs_nginx
def test_websocket_sessions_through_the_proxy_on_both_processes(cluster, deployed_db):
    # A route key that the proxy sends to each process (from the spread above, or new ones).
    for _ in range(30):
        _get(cluster.url + "/_stcore/health")
    route_to = {}
    for r in _requests(cluster):
        if r["status"] == "200" and "," not in r["upstream"]:
            route_to.setdefault(r["upstream"], r["route"])
    assert len(route_to) == 2

    async def visit(route: str):
        session = await Session(cluster.url, cookie=f"clv_route={route}").connect()
        try:
            return await session.rerun(""), session.session_id  # the overview, as a browser's first load
        finally:
            await session.close()

    async def both():
        return await asyncio.gather(*(visit(route) for route in route_to.values()))

    # In its own thread: a browser test earlier in the same worker may leave an event loop
    # running in this one (Playwright's sync API), and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, both()).result()
    for result, session_id in results:
        assert result.status == 0, result  # FINISHED_SUCCESSFULLY
        assert not result.exceptions
        assert result.elements > 10  # the page was drawn, not only the frame
        assert session_id
    # Both processes drew the page from the one database file and still hold it (idle for
    # less than clv_engine.db.IDLE_SECONDS).
    db = deployed_db.resolve()
    for pid in cluster.app_pids():
        assert db in _open_files(pid)
    # The upgrade went through nginx (101) to the process the route key belongs to.
    for _ in range(40):  # nginx writes a websocket's log line once both sides closed
        streams = [r for r in _requests(cluster) if r["path"] == "/_stcore/stream"]
        if len(streams) == 2:
            break
        time.sleep(0.25)
    assert {(r["route"], r["upstream"], r["status"]) for r in streams} == {
        (route, upstream, "101") for upstream, route in route_to.items()
    }
    # A write from outside the processes goes through at once (each lets go of the file for
    # a waiting writer).
    from clv_engine import scenarios
    from clv_engine.db import Database

    start = time.monotonic()
    scenarios.save_scenario(Database(deployed_db), "allocator", "while deployed", {"budget": 1})
    assert time.monotonic() - start < 10
    assert Path(str(db) + ".lock").exists()  # the processes' lock file, next to the database


def test_a_write_while_another_process_reads(writable_db_path):
    """A process holding its reader does not block another process's write (clv_engine.db:
    it lets go of the file when a writer waits)."""
    import subprocess
    import sys

    from clv_engine.db import Database

    reader = Database(writable_db_path)
    assert reader.query_value("SELECT count(*) FROM customers") == 3_000
    code = (
        "import sys; from clv_engine.db import Database\n"
        f"with Database({str(writable_db_path)!r}).write_transaction() as w:\n"
        "    w.execute(\"INSERT INTO meta VALUES ('other process', 'v')\")\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-300:]
    assert reader.query_value("SELECT value FROM meta WHERE key = 'other process'") == "v"
    reader.close()


@needs_nginx
def test_warm_draws_the_page_on_every_process(cluster):
    """deploy.cluster.warm: every process drew the overview once (the first visitor finds the
    imports and the shared frames in place); a second warm-up is faster than a cold one."""
    from deploy.cluster import warm

    seconds = warm(cluster.app_urls)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)
    again = warm(cluster.app_urls)
    assert sum(again) < sum(seconds) + 1.0
