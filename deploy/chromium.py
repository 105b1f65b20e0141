"""Debian's Chromium as the browser tests and browser benchmarks launch it (Playwright's own
browsers do not install here): its path and the flags that keep a headless run quiet."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
