"""The lock files by which processes share the DuckDB file (clv_engine.db's module note):
open one, take or test a ``flock`` on it, give it back."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

try:  # POSIX: a lock dies with its process (or its file descriptor), never left behind
    import fcntl
except ImportError:  # pragma: no cover - Windows: no coordination between processes
    fcntl = None

POLL_SECONDS = 0.05  # how often a waiting thread, the watcher or a writer looks again


def _open_lock_file(path: Path) -> int | None:
    """A descriptor to ``flock`` on, or None when processes cannot coordinate (see above)."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        try:  # made by another user, or a read-only directory: flock works on a read-only fd
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None
    try:  # a file system without flock (some network mounts): no coordination either
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except BlockingIOError:
        pass  # flock works: a writer holds it right now
    except OSError:
        os.close(fd)
        return None
    return fd


def _close_fd(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # releases its lock


def _try_flock(fd: int | None, mode: int) -> bool:
    if fd is None:
        return True
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _flock_until(fd: int | None, mode: int, deadline: float) -> bool:
    """``mode`` on ``fd`` before ``deadline`` (time.monotonic()); False when it could not be had."""
    while not _try_flock(fd, mode):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def _is_lock_conflict(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower()
