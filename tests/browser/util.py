"""Helpers for browser tests: wait the way Streamlit's own e2e tests do, take screenshots."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"


def wait_ready(pg) -> None:
    """Wait until the script finished and no skeleton is left (Streamlit's own e2e rule)."""
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    pg.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=90_000)
    pg.wait_for_timeout(300)


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path
