"""Helpers for browser tests: start a server, wait the way Streamlit's own e2e suite does
(streamlit/streamlit e2e_playwright/conftest.py: ``wait_for_app_loaded``, ``wait_for_app_run``),
take screenshots.

The rule: never sleep a fixed time in a test. After an interaction, wait until the app says
it is done (connected, script not running, no skeleton, no "running" status widget), then
assert with Playwright's retrying ``expect(...)`` or ``wait_until``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
RUN_TIMEOUT_MS = 120_000  # two cores shared with other work: a rerun can take a while
# Streamlit's own suite waits ~210 ms before it looks at the script state: widgets debounce
# their change before the rerun request leaves, and until then the page still reads
# "notRunning" from the previous run. A loaded machine needs a little longer.
RERUN_START_MS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_url(url: str, what: str, process: subprocess.Popen, log: Path, timeout_s: float = 60) -> None:
    """Poll ``url`` until it answers (a server's health check); fail with its log if the
    process ends or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                pytest.fail(f"{what} did not start within {timeout_s:.0f} s:\n{text}")
            time.sleep(0.3)  # the poll interval of a server start, not a wait in a test


@contextmanager
def streamlit_server(
    db: Path, log_path: Path, extra_args: tuple[str, ...] = (), unset: tuple[str, ...] = ()
) -> Iterator[str]:
    """``streamlit run app.py`` on ``db``; yields its URL once it answers its health check.

    ``unset``: variables of the test's environment the server does not get (the test's own
    environment is left alone)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in unset}
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *extra_args,
            ],
            cwd=ROOT,
            env={**env, "CLV_DB": str(db)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_url(url + "/_stcore/health", "Streamlit server", server, log_path)
            yield url
        finally:
            server.terminate()
            server.wait(10)


def wait_for_app_run(pg, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the script has finished its run and everything it drew is on the page."""
    pg.wait_for_timeout(RERUN_START_MS)
    app = pg.get_by_test_id("stApp")
    # The websocket to the server is up (after a reconnect too) ...
    pg.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms
    )
    # ... the script went initial -> running -> notRunning ...
    pg.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms
    )
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)
    # ... no element is still a loading skeleton, and the "Running..." widget is gone.
    expect(pg.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout_ms)
    expect(pg.get_by_test_id("stStatusWidget").filter(has_text="Running")).to_have_count(
        0, timeout=timeout_ms
    )


def wait_for_app_loaded(pg, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """After ``goto``: the app's frame is there and its first run is over."""
    pg.wait_for_selector("[data-testid='stAppViewContainer']", state="attached", timeout=timeout_ms)
    wait_for_app_run(pg, timeout_ms)


# The name the tests use: after a goto or an interaction, the page is ready to be read.
wait_ready = wait_for_app_run


def wait_until(
    pg, check: Callable[[], bool | None], timeout_ms: int = 30_000, interval_ms: int = 100
) -> None:
    """Retry ``check`` until it returns True or None without an AssertionError (as
    Streamlit's suite does, adapted from panel), for conditions ``expect`` cannot state."""
    __tracebackhide__ = True
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            if check() in (None, True):
                return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"wait_until: not true within {timeout_ms} ms")
        pg.wait_for_timeout(interval_ms)


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def pick(pg, selectbox, text: str) -> None:
    """Choose the option containing ``text`` in a Streamlit selectbox.

    Typing filters the list, so the option is on screen even when a busy page re-rendered
    while the menu was opening (a plain click on the option was flaky under load).
    """
    selectbox.locator("input").click()
    option = pg.get_by_role("option").filter(has_text=text)
    try:
        option.first.wait_for(timeout=5_000)
    except Exception:
        selectbox.locator("input").click()
        pg.keyboard.type(text)
        option.first.wait_for(timeout=15_000)
    option.first.click()
