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

import os
import threading
from typing import Any

_lock = threading.Lock()


def tune() -> bool:
    """What a served process changes, once per process; ``CLV_SERVING_TUNED=0`` leaves
    Streamlit as it is (the benchmarks' before). True when something was installed now."""
    if os.environ.get("CLV_SERVING_TUNED", "1") == "0":
        return False
    return lock_free_config_reads()


def lock_free_config_reads() -> bool:
    """Install the lock-free ``streamlit.config.get_option`` once per process; True if this
    call installed it."""
    from streamlit import config

    if getattr(config.get_option, "_clv_lock_free", False):
        return False
    with _lock:
        if getattr(config.get_option, "_clv_lock_free", False):
            return False
        locked = config.get_option
        if getattr(locked, "__module__", None) != config.__name__ or locked.__name__ != "get_option":
            # Someone else's stand-in (AppTest patches it around each run to answer
            # global.appTest): leave it, the real server never has one.
            return False

        def get_option(key: str) -> Any:
            options = config._config_options
            if options:
                option = options.get(key)
                if option is not None:
                    return option.value
            return locked(key)

        get_option.__doc__ = locked.__doc__
        get_option.__wrapped__ = locked  # type: ignore[attr-defined]
        get_option._clv_lock_free = True  # type: ignore[attr-defined]
        config.get_option = get_option
        return True
