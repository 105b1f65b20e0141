"""One Streamlit process serving many sessions: the shared locks every page run goes through.

Streamlit reads a config option through ``config.get_option``, which takes the process-wide
configuration lock (an ``RLock``) on every call; it calls it for every message a page sends
(``global.minCachedMessageSize``, when it hashes the message) and for every widget. With fifty
sessions on one process (issue 14) the thread holding that lock is often switched away from
the GIL while holding it; every other session's thread that sends a message then blocks on the
lock, gives the GIL away and waits for two hand-overs to get it back: a lock convoy. Sampled
under fifty sessions, a quarter of the server's CPU stood in ``get_option``; with one session,
none.

:func:`lock_free_config_reads` makes the read lock-free: the options are parsed once at start
(``streamlit run`` does it before the first session), a read of the parsed dict is atomic under
the GIL, and a served process never parses them again (no file watcher, deploy/cluster.py).
A key not parsed yet (or no options at all) falls back to Streamlit's own locked read, which
also parses them. ``st.get_option`` and ``set_option`` are unchanged. Only Streamlit's own
function is replaced: under AppTest, which stands in for it during each run, nothing changes.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import threading
import time
import types
from collections.abc import Callable
from typing import Any

_LOG = logging.getLogger("clv.serving")

_lock = threading.Lock()


def tune() -> bool:
    """What a served process changes, once per process; ``CLV_SERVING_TUNED=0`` leaves
    Streamlit as it is (the benchmarks' before). True when something was installed now."""
    if os.environ.get("CLV_SERVING_TUNED", "1") == "0":
        return False
    installed = lock_free_config_reads()
    installed = batched_session_events() or installed
    installed = fewer_flush_yields() or installed
    return batched_wakeups() or installed


def _install_once(
    owner: Any,
    name: str,
    mark: str,
    make: Callable[[Callable], Callable],
    usable: Callable[[Callable], bool] = bool,
) -> bool:
    """Replace ``owner.name`` by ``make(current)`` once per process, whatever the number of
    threads asking (checked again under the lock); the replacement carries ``mark`` and wraps
    the current one (``__wrapped__``). True if this call installed it; False if it was already
    there or ``usable(current)`` says to leave the current one alone."""
    if getattr(getattr(owner, name), mark, False):
        return False
    with _lock:
        current = getattr(owner, name)
        if getattr(current, mark, False) or not usable(current):
            return False
        replacement = make(current)
        replacement.__wrapped__ = current  # type: ignore[attr-defined]
        setattr(replacement, mark, True)
        setattr(owner, name, replacement)
        return True


def lock_free_config_reads() -> bool:
    """Install the lock-free ``streamlit.config.get_option`` once per process; True if this
    call installed it."""
    from streamlit import config

    def real(current: Callable) -> bool:
        # Someone else's stand-in (AppTest patches it around each run to answer
        # global.appTest): leave it, the real server never has one.
        return getattr(current, "__module__", None) == config.__name__ and current.__name__ == "get_option"

    def lock_free(locked: Callable) -> Callable:
        def get_option(key: str) -> Any:
            options = config._config_options
            if options:
                option = options.get(key)
                if option is not None:
                    return option.value
            return locked(key)

        get_option.__doc__ = locked.__doc__
        return get_option

    return _install_once(config, "get_option", "_clv_lock_free", lock_free, real)


def batched_session_events() -> bool:
    """One hand-over to the event loop per burst of a session's messages, not one per message.

    Every message a page run sends (an element, a block) goes from the session's script thread
    to the server's event loop through ``loop.call_soon_threadsafe``: a write to the loop's
    wake-up socket each time, a system call that gives the GIL away, and, under fifty sessions,
    a wait to get it back behind the other sessions' threads (sampled: a fifth of the server's
    time stood in that write). Here a session's callbacks go into its own queue, and only the
    first of a burst wakes the loop, which then runs them all in order. The order of one
    session's callbacks is kept (a FIFO, drained by one callback at a time on the loop); a
    callback that raises is reported to the loop's exception handler, as ``call_soon`` would,
    and the others still run."""
    from streamlit.runtime.app_session import AppSession

    def batched(one_by_one: Callable) -> Callable:
        def _call_soon_on_event_loop(self: AppSession, callback: Callable[[], None]) -> None:
            batch = self.__dict__.get("_clv_batch")
            if batch is None:
                batch = self.__dict__.setdefault("_clv_batch", _Batch(self._event_loop))
            batch.add(callback)

        return _call_soon_on_event_loop

    return _install_once(AppSession, "_call_soon_on_event_loop", "_clv_batched", batched)


# How long the loop waits before it looks again at a session that just sent messages: the
# messages of a page run go out in bursts at most this far apart, not one wake-up each.
HOLD = 0.003


class _Batch:
    """A session's callbacks waiting for the event loop, and whether the loop was woken for them."""

    __slots__ = ("loop", "pending", "woken")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: collections.deque[Callable[[], None]] = collections.deque()
        self.woken = False

    def add(self, callback: Callable[[], None]) -> None:
        # Queue first, look second: a drain that already cleared ``woken`` runs after this
        # append, or this call sees ``woken`` False and wakes the loop once more (harmless).
        self.pending.append(callback)
        if self.woken:
            return
        self.woken = True
        try:
            self.loop.call_soon_threadsafe(self.drain)
        except RuntimeError:
            # The loop is closed (process shutdown, a test's teardown): Streamlit drops the
            # events then too.
            self.woken = False
            if not self.loop.is_closed():
                raise
            self.pending.clear()

    def drain(self) -> None:
        """Run every callback queued so far. When there were some, the session is busy (a page
        run sends a message every few hundred microseconds): the loop looks again in
        ``HOLD`` seconds on its own, ``woken`` staying set, so the script thread's next
        messages wake nobody (each wake-up is a write from the script thread, a system call
        that gives the GIL away, and a turn of the loop). A look that finds nothing clears
        ``woken``: the session's next message wakes the loop again."""
        if self._run_pending():
            self.loop.call_later(HOLD, self.drain)
            return
        self.woken = False
        # A callback queued between the look and the line above saw ``woken`` still set and
        # woke nobody: run it now (a second drain scheduled by its thread is harmless).
        if self.pending:
            self.woken = True
            self.loop.call_soon(self.drain)

    def _run_pending(self) -> int:
        pending = self.pending
        ran = 0
        while pending:
            try:
                callback = pending.popleft()
            except IndexError:
                break
            ran += 1
            try:
                callback()
            except Exception as err:  # what the loop does with a callback that raises
                self.loop.call_exception_handler(
                    {"message": "Exception in a session's event callback", "exception": err}
                )
        return ran


def batched_wakeups() -> bool:
    """The runtime's "messages to send" flag set in place when the loop itself enqueued them.

    After each message a session enqueues (on the event loop, see above), Streamlit's runtime
    schedules ``need_send_data.set`` with ``call_soon_threadsafe``, from the loop thread too: a
    wake-up write and one more turn of the loop per message. On the loop thread the flag is
    set directly; once set, nothing is scheduled (the flush clears it before it flushes every
    session's queue, so a message queued while it is set goes out with that flush)."""
    from streamlit.runtime.runtime import Runtime

    def flag_in_place(scheduled: Callable) -> Callable:
        def _enqueued_some_message(self: Runtime) -> None:
            objs = self._get_async_objs()
            flag = objs.need_send_data
            if flag.is_set():
                return
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is objs.eventloop:
                flag.set()
            else:
                objs.eventloop.call_soon_threadsafe(flag.set)

        return _enqueued_some_message

    return _install_once(Runtime, "_enqueued_some_message", "_clv_batched", flag_in_place)


# Seconds the runtime may go on sending before it lets the loop's other work in (a browser's
# message, a session that connects).
YIELD_EVERY = 0.002


def fewer_flush_yields() -> bool:
    """The runtime's flush sends a burst of messages without a turn of the loop after each.

    Streamlit's runtime sends each session's queued messages with ``await asyncio.sleep(0)``
    after every one: a whole turn of the event loop per message, each with a ``select`` (a
    system call that gives the GIL away, and, with fifty sessions' script threads waiting for
    it, a wait to get it back). Here the runtime module sees an ``asyncio`` whose
    ``sleep(0)`` yields only once ``YIELD_EVERY`` seconds have passed since it last did, and
    otherwise returns at once; everything else is asyncio's own. The messages, their order and
    the other waits (``sleep`` of a longer delay) are unchanged."""
    from streamlit.runtime import runtime

    if isinstance(runtime.asyncio, _FlushAsyncio):
        return False
    with _lock:
        if isinstance(runtime.asyncio, _FlushAsyncio):
            return False
        if runtime.asyncio is not asyncio:  # someone else's stand-in: leave it
            return False
        runtime.asyncio = _FlushAsyncio()
        return True


class _FlushAsyncio(types.ModuleType):
    """``asyncio`` as ``streamlit.runtime.runtime`` sees it (see :func:`fewer_flush_yields`)."""

    def __init__(self) -> None:
        super().__init__("asyncio")
        self.last_yield = time.monotonic()

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        if delay <= 0 and time.monotonic() - self.last_yield < YIELD_EVERY:
            return result
        self.last_yield = time.monotonic()
        return await asyncio.sleep(delay, result)
