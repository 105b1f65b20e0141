"""Real start-up: a Streamlit server on a database that does not exist yet (the app builds the
10,000-customer sample), then a second server on the same file; time until the overview's
figures are on screen in Debian's Chromium.

    python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_overview(db: Path, browser) -> float:
    port = _port()
    started = time.perf_counter()
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
        ],
        cwd=ROOT,
        env=dict(os.environ, CLV_DB=str(db)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = browser.new_page()
        for _ in range(120):
            try:
                page.goto(f"http://127.0.0.1:{port}", timeout=2_000)
                break
            except Exception:
                time.sleep(0.25)
        page.locator("[data-testid='stMetric']").filter(has_text="DCF CLV").wait_for(timeout=120_000)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        db = Path(tmp) / "fresh.duckdb"
        first = time_to_overview(db, browser)
        later = time_to_overview(db, browser)
        browser.close()
    print(
        f"first start (server + building the 10k sample + predictive fit) to overview figures: {first:.1f} s"
    )
    print(f"later start (server, file exists) to overview figures: {later:.1f} s")


if __name__ == "__main__":
    main()
