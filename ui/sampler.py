"""Where a server process's CPU goes, measured inside it (issue 14: fifty sessions on one core).

With ``CLV_PROFILE_SAMPLES=<file>`` in the environment (``{pid}`` in it: the process id), :func:`start` (called by the
housekeeping) runs a thread that looks at every thread's Python stack every 10 ms and charges
the CPU time each thread used since the last look to the functions on its stack. Every 10 s
it rewrites ``<file>`` with the functions that used the most CPU, inclusive (anywhere on the
stack) and self (the innermost Python function), across all threads: the event loop that
serialises messages, the script threads of every session, the cache. No dependency, no
restart of the server with a profiler; off (and free) unless the variable is set.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

THREAD_NAME = "clv-sampler"
_started = False
_lock = threading.Lock()


_PROJECT = str(Path(__file__).resolve().parent.parent)  # the app's folder


def _where(code) -> str:
    path = code.co_filename
    for marker in ("site-packages/", _PROJECT + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{code.co_firstlineno} {code.co_name}"


def _cpu(ident: int) -> float | None:
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(ident))
    except (OSError, AttributeError, OverflowError):
        return None


def _write(
    out: Path,
    inclusive: Counter,
    own: Counter,
    seconds: float,
    top: int = 100,
    by_line: Counter | None = None,
) -> None:
    total = sum(own.values()) or 1.0
    lines = [f"CPU seconds sampled: {total:.1f} over {seconds:.0f} s wall"]
    sections = [("inclusive", inclusive), ("self", own)]
    if by_line is not None:
        sections.append(("by the app's own line that led there (alone, and under a leaf)", by_line))
    for title, counts in sections:
        lines.append(f"\n-- {title} --")
        for name, cpu in counts.most_common(top):
            lines.append(f"{cpu:8.2f} s {100 * cpu / total:5.1f}%  {name}")
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", "utf-8")
    tmp.replace(out)


def sample_once(
    last_cpu: dict[int, float], inclusive: Counter, own: Counter, me: int, by_line: Counter | None = None
) -> None:
    """One look at every thread but ``me``: the CPU each used since ``last_cpu`` (updated)
    charged to its innermost function (``own``), to each function on its stack, and (``by_line``)
    to the innermost line of the app's own code that led there."""
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        cpu = _cpu(ident)
        if cpu is None:
            continue
        spent = cpu - last_cpu.get(ident, cpu)
        last_cpu[ident] = cpu
        if spent <= 0:
            continue
        leaf = _where(frame.f_code)
        own[leaf] += spent
        seen = set()
        ours = None  # the innermost line of the project's own code on the stack
        while frame is not None:
            seen.add(_where(frame.f_code))
            if ours is None and _PROJECT in frame.f_code.co_filename:
                ours = f"{_where(frame.f_code)} line {frame.f_lineno}"
            frame = frame.f_back
        for name in seen:
            inclusive[name] += spent
        if by_line is not None and ours is not None:
            by_line[ours] += spent
            by_line[f"{leaf}  <-  {ours}"] += spent


def _run(out: Path, every: float = 0.01, write_every: float = 10.0) -> None:
    me = threading.get_ident()
    last_cpu: dict[int, float] = {}
    inclusive: Counter = Counter()
    own: Counter = Counter()
    by_line: Counter = Counter()
    began = last_write = time.monotonic()
    while True:
        time.sleep(every)
        sample_once(last_cpu, inclusive, own, me, by_line)
        now = time.monotonic()
        if now - last_write >= write_every:
            _write(out, inclusive, own, now - began, by_line=by_line)
            last_write = now


def start() -> bool:
    """Start the sampler once per process when CLV_PROFILE_SAMPLES names a file."""
    global _started
    target = os.environ.get("CLV_PROFILE_SAMPLES")
    if not target:
        return False
    with _lock:
        if not _started:
            out = Path(target.replace("{pid}", str(os.getpid())))  # one file per process
            threading.Thread(target=_run, args=(out,), name=THREAD_NAME, daemon=True).start()
            _started = True
    return True
