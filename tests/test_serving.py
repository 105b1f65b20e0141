"""ui/serving.py: Streamlit's config read without its lock gives what the locked read gives."""

from __future__ import annotations

import threading

from streamlit import config

from ui import serving


def _locked():
    return getattr(config.get_option, "__wrapped__", config.get_option)


def test_lock_free_read_answers_as_the_locked_read_for_every_option():
    serving.lock_free_config_reads()
    locked = _locked()
    assert locked is not config.get_option
    for key in config._config_options:
        assert config.get_option(key) == locked(key), key


def test_installed_once_and_a_set_option_is_seen():
    serving.lock_free_config_reads()
    installed = config.get_option
    assert serving.lock_free_config_reads() is False
    assert config.get_option is installed
    before = config.get_option("global.minCachedMessageSize")
    try:
        config.set_option("global.minCachedMessageSize", before + 1)
        assert config.get_option("global.minCachedMessageSize") == before + 1
    finally:
        config.set_option("global.minCachedMessageSize", before)
    assert config.get_option("global.minCachedMessageSize") == before


def test_an_unknown_key_still_raises_as_streamlit_does():
    serving.lock_free_config_reads()
    try:
        config.get_option("no.suchOption")
    except RuntimeError as err:
        assert "no.suchOption" in str(err)
    else:
        raise AssertionError("an unknown key was answered")


def test_no_lock_is_taken(monkeypatch):
    """The read does not wait for the configuration lock (held here by another thread)."""
    serving.lock_free_config_reads()
    held, release = threading.Event(), threading.Event()

    def hold():
        with config._config_lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    answered = []
    reader = threading.Thread(target=lambda: answered.append(config.get_option("global.appTest")))
    reader.start()
    reader.join(1)
    release.set()
    holder.join()
    assert answered, "the read waited for the configuration lock"


def test_turned_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("CLV_SERVING_TUNED", "0")
    assert serving.tune() is False


def test_a_stand_in_is_left_alone(monkeypatch):
    """AppTest stands in for get_option during a run (global.appTest): not replaced."""

    def stand_in(key):
        return True

    monkeypatch.setattr(config, "get_option", stand_in)
    assert serving.lock_free_config_reads() is False
    assert config.get_option is stand_in


def test_a_sessions_callbacks_run_once_each_in_order_from_many_threads():
    """The batched hand-over (ui/serving._Batch): every callback runs once, each thread's in
    the order it sent them, the loop woken far fewer times than callbacks were sent; one that
    raises goes to the loop's exception handler and the rest still run."""
    import asyncio

    loop = asyncio.new_event_loop()
    errors = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context["exception"]))
    wakeups = []
    real = loop.call_soon_threadsafe

    def counting(callback, *args):
        wakeups.append(1)
        return real(callback, *args)

    loop.call_soon_threadsafe = counting
    batch = serving._Batch(loop)
    seen: list[tuple[int, int]] = []
    threads_n, each = 4, 300

    def send(thread: int) -> None:
        for i in range(each):
            batch.add(lambda thread=thread, i=i: seen.append((thread, i)))

    def boom():
        raise ValueError("one bad callback")

    runner = threading.Thread(target=loop.run_forever)
    runner.start()
    try:
        senders = [threading.Thread(target=send, args=(n,)) for n in range(threads_n)]
        for s in senders:
            s.start()
        batch.add(boom)
        for s in senders:
            s.join()
        done = threading.Event()
        batch.add(done.set)
        assert done.wait(10)
    finally:
        real(loop.stop)
        runner.join(10)
        loop.close()
    assert sorted(seen) == [(n, i) for n in range(threads_n) for i in range(each)]
    for n in range(threads_n):
        assert [i for t, i in seen if t == n] == list(range(each))
    assert len(errors) == 1 and isinstance(errors[0], ValueError)
    assert len(wakeups) < threads_n * each + 2


def test_a_closed_loop_drops_the_callbacks():
    import asyncio

    loop = asyncio.new_event_loop()
    loop.close()
    batch = serving._Batch(loop)
    batch.add(lambda: None)
    assert not batch.pending and not batch.woken


def test_installed_on_streamlits_session_and_runtime():
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.runtime import Runtime

    serving.batched_session_events()
    serving.batched_wakeups()
    assert AppSession._call_soon_on_event_loop._clv_batched
    assert Runtime._enqueued_some_message._clv_batched
    assert serving.batched_session_events() is False and serving.batched_wakeups() is False


def test_the_runtime_yields_once_in_a_while_not_after_every_message():
    """ui/serving.fewer_flush_yields: the runtime's asyncio.sleep(0) returns at once within
    YIELD_EVERY of its last yield and yields after it; a longer sleep and the rest of asyncio
    are asyncio's own."""
    import asyncio
    import time

    from streamlit.runtime import runtime

    serving.fewer_flush_yields()
    seen = runtime.asyncio
    assert isinstance(seen, serving._FlushAsyncio)
    assert serving.fewer_flush_yields() is False and runtime.asyncio is seen
    assert seen.Event is asyncio.Event and seen.wait is asyncio.wait
    assert seen.FIRST_COMPLETED == asyncio.FIRST_COMPLETED

    async def count_turns(sends: int, pause: float = 0.0) -> int:
        turns = 0
        done = False

        async def ticker():
            nonlocal turns
            while not done:
                turns += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        turns = 0
        for _ in range(sends):
            if pause:
                time.sleep(pause)
            await seen.sleep(0)
        done = True
        await task
        return turns

    seen.last_yield = time.monotonic()
    assert asyncio.run(count_turns(200)) <= 2  # a burst: (almost) no turn of the loop
    assert asyncio.run(count_turns(5, pause=serving.YIELD_EVERY * 1.5)) >= 5  # slow sends yield
    started = time.monotonic()
    assert asyncio.run(seen.sleep(0.02, "r")) == "r"
    assert time.monotonic() - started >= 0.015
