"""The file side of an import (and of a restore): the lock, leftovers of a killed run, the
atomic swap of a new database file over the old one, and the clear error for a failed write.

A rename is atomic: a failure, a bad file or a killed process leaves the previous database as
it was, and a running app keeps reading the old file until the new one is in place
(clv_engine.db reopens on the new inode). A lock file refuses a second import (or restore) of
the same database while one runs.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clv_engine.imports.model import ImportBusy, ImportWriteError, Progress

try:  # POSIX: the lock dies with the process, so a killed import never blocks the next one
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def write_error(error: BaseException, target: Path) -> ImportWriteError:
    """The clear message for an OSError or a DuckDB I/O error met while writing ``target``."""
    number = getattr(error, "errno", None)
    text = str(error)
    if number in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text or "disk quota" in text.lower():
        return ImportWriteError("disk_full", target.name)
    if (
        number in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "Permission denied" in text
        or "Read-only" in text
    ):
        return ImportWriteError("read_only", target.name, str(target.parent))
    return ImportWriteError("failed", target.name, text.splitlines()[0] if text else type(error).__name__)


@contextmanager
def import_lock(target: Path) -> Iterator[None]:
    lock = target.with_name(target.name + ".import.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ImportBusy(target.name) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race a waiting import)


def remove_file(path: Path) -> None:
    for leftover in (path, Path(str(path) + ".wal")):
        leftover.unlink(missing_ok=True)


def remove_leftovers(target: Path) -> None:
    """What a killed import left behind (we hold the lock, so nobody else is using it)."""
    remove_file(target.with_name(target.name + ".importing"))
    target.with_name(target.name + ".bak.tmp").unlink(missing_ok=True)
    for work in target.parent.glob(f"{target.name}.work-*"):
        shutil.rmtree(work, ignore_errors=True)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_in(new: Path, target: Path, progress: Progress) -> str | None:
    """Keep the old file as ``<name>.bak`` and rename the new one over the target.

    The backup is a hard link to the old file (or a copy where links are not possible), so the
    target path exists at every moment; ``os.replace`` is atomic on the same file system.
    """
    wal = Path(str(new) + ".wal")
    if wal.exists():  # a checkpointed, closed database has no WAL: something went wrong
        raise RuntimeError(f"{new.name} was not fully written (a .wal file remains)")
    backup = None
    if target.exists():
        bak = target.with_name(target.name + ".bak")
        tmp = target.with_name(target.name + ".bak.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(target, tmp)
        except OSError:
            shutil.copy2(target, tmp)
        os.replace(tmp, bak)
        old_wal = Path(str(target) + ".wal")
        if old_wal.exists():  # belongs to the old file: it must not be replayed into the new one
            os.replace(old_wal, Path(str(bak) + ".wal"))
        backup = str(bak)
    if target.exists():
        # The new file is created with the process's umask: give it the old file's mode (a
        # database kept private, 600, must not become readable by everyone, 644).
        os.chmod(new, stat.S_IMODE(target.stat().st_mode))
    progress(0.95, "replacing")
    os.replace(new, target)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return backup
