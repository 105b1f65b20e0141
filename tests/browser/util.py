"""Helpers for browser tests: wait the way Streamlit's own e2e tests do, take screenshots."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db: Path, log_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on ``db``; yields its URL once it answers its health check."""
    port = _free_port()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=dict(os.environ, CLV_DB=str(db)), stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                    break
                except Exception:
                    if time.time() > deadline:
                        pytest.fail("Streamlit server did not start within 60 s")
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            server.wait(10)


def wait_ready(pg) -> None:
    """Wait until the script finished and no skeleton is left (Streamlit's own e2e rule).

    Called right after a click, the script may not have started yet (the state still reads
    notRunning), so give the rerun a moment to begin first.
    """
    pg.wait_for_timeout(500)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    pg.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=90_000)
    pg.wait_for_timeout(300)


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
