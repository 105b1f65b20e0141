"""Process housekeeping: closed sessions really go, and freed memory goes back to the system.

Two things keep a Streamlit process's memory after its sessions close (issue 14):

1. Streamlit keeps a disconnected session ``server.disconnectedSessionTTL`` seconds so a tab
   that reconnects finds it again. When that time has passed, the entry only *expires* in the
   session storage (a TTL cache reaped on its next write): nothing shuts the session down, so
   its session state, its download buttons' bytes (media file manager) and its lazy dataframe
   sources stay until another session happens to disconnect. :func:`close_expired_sessions`
   shuts down every expired session, as ``Runtime.close_session`` would have.
2. glibc's malloc keeps freed memory in its heaps (one per thread arena) instead of returning
   it; a 1M-row frame freed by a rerun or a closed session stays in the process's RSS.
   :func:`trim` asks glibc to return it (``malloc_trim(0)``), after a garbage collection
   (:func:`collect`: the survivors are frozen, so Python's own full collections between two
   rounds stop stalling every session for a quarter of a second).
3. The shared caches (a million customers' values and the model, 1.5 GB) stay while nobody
   uses them (their one-hour TTL is only checked on the next call): :func:`release_when_idle`
   empties them once the process has had no session for ``CLV_IDLE_RELEASE_SECONDS`` (900).

:func:`start` (called by app.py on every run, acting once per process) starts a daemon thread
that does all three every ``CLV_HOUSEKEEPING_SECONDS`` seconds (15 by default; 0 turns it off). The
environment set by deploy/cluster.py (``MALLOC_ARENA_MAX``, ``MALLOC_MMAP_THRESHOLD_``) keeps the
heaps few and sends large arrays to mmap, which is returned as soon as it is freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, field

_LOG = logging.getLogger("clv.housekeeping")
THREAD_NAME = "clv-housekeeping"
DEFAULT_SECONDS = 15.0
DEFAULT_IDLE_RELEASE = 900.0  # 15 minutes without any session: caches emptied
DEFAULT_FULL_COLLECTION = 60.0  # at most this long between two full garbage collections


@dataclass
class Stats:
    """What the housekeeping did in this process (read by tests and the memory benchmark)."""

    ticks: int = 0
    sessions_closed: int = 0
    trims: int = 0
    releases: int = 0
    full_collections: int = 0
    last_report: dict = field(default_factory=dict)


STATS = Stats()
_lock = threading.Lock()
_thread: threading.Thread | None = None
_idle_since: float | None = None  # when the process last had no session at all (-1: released)
_last_full = 0.0  # when the last full garbage collection ran (time.monotonic)


def _malloc_trim():
    """glibc's malloc_trim, or None (macOS, musl: nothing to trim)."""
    name = ctypes.util.find_library("c")
    try:
        func = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None
    if func is not None:
        func.argtypes = [ctypes.c_size_t]
        func.restype = ctypes.c_int
    return func


_MALLOC_TRIM = _malloc_trim()


def collect(full: bool = True, freeze: bool = False) -> None:
    """A garbage collection that does not stall every session: the objects that survive it are
    frozen (``gc.freeze``), so the collections Python starts by itself between two rounds, and
    the next round's, look only at what is new since.

    Without it a full collection walks every object of the process (modules, Plotly's
    validators, every session's state: 200,000 objects on the 10k sample) holding the GIL,
    0.25-0.6 s on this machine during which no session runs; Python starts one by itself every
    few page runs. ``full``: unfreeze first, so cycles among objects frozen earlier (a closed
    session's state) are found too. :func:`_tick` asks for a full one when a session was shut
    down, when the process has no session, and every ``CLV_GC_FULL_SECONDS`` (60) otherwise.
    ``freeze``: only a server's housekeeping round freezes (:func:`_tick`; under AppTest there
    is no runtime, so no round): a test's own ``gc.collect()`` still sees every object.
    """
    global _last_full
    if full:
        gc.unfreeze()
        _last_full = time.monotonic()
        STATS.full_collections += 1
    gc.collect()
    if freeze:
        gc.freeze()


def full_collection_due(closed: int, report: dict, now: float | None = None) -> bool:
    """A full collection this round: a session was shut down (its state may sit in cycles), the
    process has no session open (nobody waits), or the last full one is ``CLV_GC_FULL_SECONDS``
    old (a cycle frozen while in use, then dropped, waits no longer than that)."""
    now = time.monotonic() if now is None else now
    if closed or not report.get("active"):
        return True
    return now - _last_full >= full_collection_seconds()


def full_collection_seconds() -> float:
    try:
        return float(os.environ.get("CLV_GC_FULL_SECONDS", DEFAULT_FULL_COLLECTION))
    except ValueError:
        return DEFAULT_FULL_COLLECTION


def trim(full: bool = True, freeze: bool = False) -> bool:
    """Collect garbage (:func:`collect`), then return the free memory of glibc's heaps to the
    system.

    False where there is no glibc: nothing to do there."""
    collect(full, freeze)
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)  # ctypes releases the GIL: sessions keep running meanwhile
    STATS.trims += 1
    return True


def _runtime():
    from streamlit.runtime import Runtime

    return Runtime.instance() if Runtime.exists() else None


def _stored_sessions(runtime) -> tuple[object, dict]:
    """(the session storage's TTL cache, every entry it holds, expired ones included)."""
    storage = getattr(getattr(runtime, "_session_mgr", None), "_session_storage", None)
    cache = getattr(storage, "_cache", None)
    data = getattr(cache, "_data", None)
    return cache, (dict(data) if data is not None else {})


def close_expired_sessions(runtime=None) -> int:
    """Shut down the disconnected sessions whose reconnect time has passed; how many.

    Run it on the runtime's event loop (:func:`_tick` does): Streamlit connects, reconnects and
    closes sessions there, so a tab reconnecting cannot race with this."""
    runtime = runtime or _runtime()
    if runtime is None:
        return 0
    cache, _ = _stored_sessions(runtime)
    if not hasattr(cache, "expire"):
        return 0
    # Streamlit's TTLCache reaps on demand: reap now, and shut down what it hands back.
    expired = [info for _, info in cache.expire()]
    for info in expired:
        try:
            info.session.shutdown()  # media files, dataframe sources, session caches, runner
        except Exception:  # one broken session must not stop the others from going
            _LOG.exception("shutting down expired session %s", getattr(info.session, "id", "?"))
    STATS.sessions_closed += len(expired)
    return len(expired)


def memory_report(runtime=None) -> dict:
    """Where a process's per-session memory sits: sessions open and kept for reconnect, the
    media file manager's bytes (download buttons, images) and its lazy dataframe sources."""
    runtime = runtime or _runtime()
    if runtime is None:
        return {}
    manager = runtime._session_mgr
    cache, entries = _stored_sessions(runtime)
    storage = getattr(runtime.media_file_mgr, "_storage", None)
    files = dict(getattr(storage, "_files_by_id", {}))
    sources = getattr(getattr(runtime, "dataframe_source_mgr", None), "_sources", {})
    return {
        "active": len(manager.list_active_sessions()),
        "kept": sum(1 for sid in entries if sid in cache),
        "expired": sum(1 for sid in entries if sid not in cache),
        "media_files": len(files),
        "media_mb": round(sum(len(getattr(f, "content", b"")) for f in files.values()) / 1e6, 1),
        "dataframe_sources": len(sources),
    }


def idle_release_seconds() -> float:
    try:
        return float(os.environ.get("CLV_IDLE_RELEASE_SECONDS", DEFAULT_IDLE_RELEASE))
    except ValueError:
        return DEFAULT_IDLE_RELEASE


def release_when_idle(report: dict, now: float | None = None) -> bool:
    """With no session open nor kept for reconnect for ``CLV_IDLE_RELEASE_SECONDS``, empty
    Streamlit's caches (the shared per-customer frames and the model: 1.5 GB at a million
    customers), so an idle process gives its memory back; the next visitor computes them again
    (a cold page). True when the caches were emptied. Runs on the event loop (:func:`_tick`)."""
    global _idle_since
    now = time.monotonic() if now is None else now
    if not report or report.get("active") or report.get("kept"):
        _idle_since = None
        return False
    if _idle_since is None:
        _idle_since = now
        return False
    wait = idle_release_seconds()
    if wait <= 0 or now - _idle_since < wait or _idle_since < 0:
        return False
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    _idle_since = -1.0  # released: not again until a session comes and goes
    STATS.releases += 1
    return True


def _tick(runtime) -> None:
    """One round: expired sessions shut down on the event loop, then a trim here."""
    done = threading.Event()
    closed = [0]

    def on_loop() -> None:
        try:
            closed[0] = close_expired_sessions(runtime)
            STATS.last_report = memory_report(runtime)
            release_when_idle(STATS.last_report)
        finally:
            done.set()

    loop = runtime._get_async_objs().eventloop
    loop.call_soon_threadsafe(on_loop)
    done.wait(30)
    trim(full=full_collection_due(closed[0], STATS.last_report), freeze=True)
    STATS.ticks += 1
    if os.environ.get("CLV_MEMORY_LOG"):
        _LOG.warning("housekeeping closed=%d released=%d %s", closed[0], STATS.releases, STATS.last_report)


def _loop(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        try:
            runtime = _runtime()
            if runtime is not None:
                _tick(runtime)
        except Exception:  # housekeeping never takes the server down
            _LOG.exception("housekeeping round failed")


def interval() -> float:
    try:
        return float(os.environ.get("CLV_HOUSEKEEPING_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS


def start() -> bool:
    """Start the housekeeping thread once per process (a no-op afterwards, or when turned
    off with CLV_HOUSEKEEPING_SECONDS=0). True when the thread runs."""
    global _thread
    from ui import sampler

    sampler.start()  # only with CLV_PROFILE_SAMPLES set: where the process's CPU goes
    seconds = interval()
    if seconds <= 0:
        return False
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, args=(seconds,), name=THREAD_NAME, daemon=True)
            _thread.start()
    return True
