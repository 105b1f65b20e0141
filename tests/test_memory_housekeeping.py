"""Memory goes back when sessions close (issue 14): ui/housekeeping.py shuts down the sessions
Streamlit only lets expire, and trims glibc's heaps; deploy/cluster.py starts every process with
the malloc settings; app.py starts the housekeeping. The last test runs a real server."""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo

import deploy.cluster as cluster
from deploy.stclient import Session
from ui import housekeeping

ROOT = Path(__file__).resolve().parent.parent


class FakeSession:
    def __init__(self, sid: str) -> None:
        self.id = sid
        self.shutdowns = 0

    def shutdown(self) -> None:
        self.shutdowns += 1


class FakeRuntime:
    """What close_expired_sessions reads of Streamlit's Runtime: the session storage."""

    def __init__(self, storage) -> None:
        self._session_mgr = type("Manager", (), {"_session_storage": storage})()


def _storage_with_clock(ttl: float):
    clock = [1000.0]
    storage = MemorySessionStorage(ttl_seconds=ttl)
    storage._cache._timer = lambda: clock[0]
    return storage, clock


def test_an_expired_session_is_shut_down_and_a_kept_one_is_not():
    storage, clock = _storage_with_clock(ttl=120)
    old, young = FakeSession("old"), FakeSession("young")
    storage.save(SessionInfo(client=None, session=old, script_run_count=1))
    clock[0] += 100
    storage.save(SessionInfo(client=None, session=young, script_run_count=1))
    runtime = FakeRuntime(storage)

    assert housekeeping.close_expired_sessions(runtime) == 0  # both still within their 120 s
    clock[0] += 30  # old: 130 s after it disconnected, young: 30 s
    assert housekeeping.close_expired_sessions(runtime) == 1
    assert (old.shutdowns, young.shutdowns) == (1, 0)
    assert [info.session.id for info in storage.list()] == ["young"]
    assert "old" not in storage._cache._data  # gone from the storage, not only expired
    assert housekeeping.close_expired_sessions(runtime) == 0  # never shut down twice


def test_without_housekeeping_streamlit_keeps_an_expired_session_alive():
    """Why the hook exists: Streamlit's storage only hides an expired session; the session
    object (its state, its downloads) stays referenced until the next write to the storage."""
    storage, clock = _storage_with_clock(ttl=120)
    session = FakeSession("gone")
    storage.save(SessionInfo(client=None, session=session, script_run_count=1))
    clock[0] += 1000
    assert storage.get("gone") is None
    assert storage._cache._data["gone"].session is session
    assert session.shutdowns == 0


def test_trim_collects_and_calls_malloc_trim(monkeypatch):
    calls = []
    monkeypatch.setattr(housekeeping, "_MALLOC_TRIM", calls.append)
    assert housekeeping.trim() is True
    assert calls == [0]


def test_glibc_has_malloc_trim_here():
    """This machine (Debian, glibc): the trim is real, not skipped."""
    assert housekeeping._MALLOC_TRIM is not None


def test_trim_on_this_machines_libc_runs():
    assert housekeeping.trim() in (True, False)  # glibc: True; elsewhere nothing to trim


def test_app_starts_the_housekeeping_at_module_level():
    tree = ast.parse((ROOT / "app.py").read_text("utf-8"))
    calls = [
        node.value.func
        for node in tree.body
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ]
    assert any(
        isinstance(f, ast.Attribute) and f.attr == "start" and getattr(f.value, "id", "") == "housekeeping"
        for f in calls
    )


def test_start_is_once_per_process_and_can_be_turned_off(monkeypatch):
    monkeypatch.setattr(housekeeping, "_thread", None)
    started = []
    monkeypatch.setattr(housekeeping, "_loop", lambda seconds: started.append(seconds))
    monkeypatch.setenv("CLV_HOUSEKEEPING_SECONDS", "0")
    assert housekeeping.start() is False
    monkeypatch.setenv("CLV_HOUSEKEEPING_SECONDS", "7")
    assert housekeeping.start() is True
    housekeeping._thread.join(5)
    assert started == [7.0]


def test_every_server_process_starts_with_the_malloc_settings(monkeypatch, tmp_path):
    seen = {}

    class FakePopen:
        def __init__(self, command, cwd, env, stdout, stderr):
            seen.update(env)

    monkeypatch.setattr(cluster.subprocess, "Popen", FakePopen)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    cluster.streamlit_process(8501, tmp_path / "x.duckdb", None)
    assert seen["MALLOC_ARENA_MAX"] == "2"
    assert seen["MALLOC_MMAP_THRESHOLD_"] == str(1024 * 1024)

    seen.clear()
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # an operator's own choice wins
    cluster.streamlit_process(8501, tmp_path / "x.duckdb", None)
    assert seen["MALLOC_ARENA_MAX"] == "4"


def test_run_sh_goes_through_the_cluster():
    assert "python -m deploy.cluster" in (ROOT / "deploy" / "run.sh").read_text("utf-8")


@pytest.fixture()
def small_db(pristine_db_bytes, tmp_path) -> Path:
    path = tmp_path / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    return path


def test_a_real_server_shuts_a_closed_session_down(small_db, tmp_path, monkeypatch):
    """One Streamlit process, reconnect time 1 s, housekeeping every second: a session draws
    the overview and closes; the server's housekeeping reports it shut down and none kept."""
    monkeypatch.setenv("CLV_HOUSEKEEPING_SECONDS", "1")
    monkeypatch.setenv("CLV_MEMORY_LOG", "1")
    port = cluster.free_port_block(1)
    log_path = tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"

    async def visit() -> None:
        session = await Session(url).connect(fetch_cookie=False)
        result = await session.rerun("")
        assert not result.exceptions, result.exceptions
        await session.close()

    with open(log_path, "wb") as log:
        server = cluster.streamlit_process(port, small_db, log, ("--server.disconnectedSessionTTL", "1"))
        try:
            deadline = time.monotonic() + 90
            while not cluster.healthy(url):
                assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.25)
            with concurrent.futures.ThreadPoolExecutor(1) as pool:  # no nesting in a running loop
                pool.submit(asyncio.run, visit()).result()
            deadline = time.monotonic() + 30
            while True:
                lines = [
                    line
                    for line in log_path.read_text("utf-8", "replace").splitlines()
                    if "housekeeping closed=" in line
                ]
                closed = sum(int(line.split("closed=")[1].split()[0]) for line in lines)
                if closed >= 1 and "'active': 0, 'kept': 0, 'expired': 0" in lines[-1]:
                    break
                assert time.monotonic() < deadline, "\n".join(lines[-5:]) or log_path.read_text()
                time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(15)


def test_no_full_garbage_collection_after_every_run():
    """.streamlit/config.toml: Streamlit's post-run gc.collect(2) was a third of a warm rerun's
    CPU; the housekeeping thread collects instead (test_app_starts_the_housekeeping...)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_served_processes_do_not_watch_source_files(monkeypatch, tmp_path):
    seen = []

    class FakePopen:
        def __init__(self, command, cwd, env, stdout, stderr):
            seen.append(command)

    monkeypatch.setattr(cluster.subprocess, "Popen", FakePopen)
    cluster.streamlit_process(8501, tmp_path / "x.duckdb", None)
    cluster.streamlit_process(8501, tmp_path / "x.duckdb", None, tuned=False)
    served, plain = (" ".join(c) for c in seen)
    assert "--server.fileWatcherType none" in served
    assert "fileWatcherType" not in plain and "--runner.postScriptGC true" in plain


def test_the_sampler_charges_cpu_to_the_function_that_spends_it(tmp_path, monkeypatch):
    """ui/sampler.py (CLV_PROFILE_SAMPLES): a thread spinning in a known function shows up."""
    import threading

    from ui import sampler

    out = tmp_path / "cpu-{pid}.txt"
    monkeypatch.setenv("CLV_PROFILE_SAMPLES", str(out))
    monkeypatch.setattr(sampler, "_started", False)
    written = tmp_path / f"cpu-{os.getpid()}.txt"
    monkeypatch.setattr(
        sampler, "_run", lambda path: sampler._write(path, Counter({"f": 2.0}), Counter({"f": 2.0}), 1.0)
    )
    assert sampler.start() is True
    deadline = time.monotonic() + 5
    while not written.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "100.0%  f" in written.read_text("utf-8")

    stop = threading.Event()

    def busy_spinner():
        while not stop.is_set():
            sum(range(1000))

    spinner = threading.Thread(target=busy_spinner)
    spinner.start()
    try:
        inclusive, own, last = Counter(), Counter(), {}
        sampler.sample_once(last, inclusive, own, me=threading.get_ident())
        time.sleep(0.2)
        sampler.sample_once(last, inclusive, own, me=threading.get_ident())
    finally:
        stop.set()
        spinner.join()
    assert any("busy_spinner" in name for name in inclusive)


def test_an_idle_process_empties_its_caches_once(monkeypatch):
    import streamlit as st

    cleared = []
    monkeypatch.setattr(st.cache_data, "clear", lambda: cleared.append("data"))
    monkeypatch.setattr(st.cache_resource, "clear", lambda: cleared.append("resource"))
    monkeypatch.setattr(housekeeping, "_idle_since", None)
    monkeypatch.setenv("CLV_IDLE_RELEASE_SECONDS", "60")
    idle = {"active": 0, "kept": 0}
    release = housekeeping.release_when_idle

    assert not release({"active": 1, "kept": 0}, now=0)  # someone is here
    assert not release({"active": 0, "kept": 1}, now=10)  # a tab may come back
    assert not release(idle, now=20)  # idle from now on
    assert not release(idle, now=79)
    assert not release({"active": 1, "kept": 0}, now=80)  # a visitor: the clock starts over
    assert not release(idle, now=100)
    assert not release(idle, now=159)
    assert release(idle, now=160)  # 60 s without anyone
    assert cleared == ["data", "resource"]
    assert not release(idle, now=1000)  # once, until a session comes and goes
    assert not release({"active": 1, "kept": 0}, now=1001)
    assert not release(idle, now=1002)
    assert release(idle, now=1062)
    assert cleared == ["data", "resource"] * 2

    monkeypatch.setenv("CLV_IDLE_RELEASE_SECONDS", "0")  # turned off
    monkeypatch.setattr(housekeeping, "_idle_since", None)
    assert not release(idle, now=0) and not release(idle, now=10_000)


def test_a_round_freezes_survivors_and_a_full_one_finds_cycles_frozen_earlier():
    """A round's collection freezes what survives (Python's own collections then skip it); a
    cycle that was frozen while in use and dropped afterwards goes at the next full one."""
    import gc
    import weakref

    class Node:
        pass

    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: only the cyclic collector frees it
        alive = weakref.ref(a)
        housekeeping.collect(full=True, freeze=True)
        assert gc.get_freeze_count() > 0
        del a, b
        housekeeping.collect(full=False, freeze=True)
        assert alive() is not None  # frozen: a plain round does not look at it
        housekeeping.collect(full=True, freeze=True)
        assert alive() is None
    finally:
        gc.unfreeze()


def test_trim_alone_does_not_freeze():
    import gc

    gc.unfreeze()
    housekeeping.trim()
    assert gc.get_freeze_count() == 0


def test_when_a_full_collection_is_due(monkeypatch):
    monkeypatch.setattr(housekeeping, "_last_full", 1000.0)
    monkeypatch.delenv("CLV_GC_FULL_SECONDS", raising=False)
    busy = {"active": 3}
    assert housekeeping.full_collection_due(0, busy, now=1010.0) is False
    assert housekeeping.full_collection_due(1, busy, now=1010.0) is True  # a session shut down
    assert housekeeping.full_collection_due(0, {"active": 0}, now=1010.0) is True  # nobody waits
    assert housekeeping.full_collection_due(0, {}, now=1010.0) is True
    assert housekeeping.full_collection_due(0, busy, now=1060.0) is True  # 60 s since the last
    monkeypatch.setenv("CLV_GC_FULL_SECONDS", "300")
    assert housekeeping.full_collection_due(0, busy, now=1060.0) is False
