"""What a person sees in a real browser: time to the first figures, and to the new total after a
widget change (issue 14: "a real browser shows new totals within 0.5 s").

Starts ``streamlit run app.py`` on a database (the served settings of deploy/cluster.py, a free
port) and drives it with Playwright and Debian's Chromium at 1440x900. For each page:

- open: ``goto`` until the page's first figure (a metric) is on screen, and until the run is
  over (script not running, no skeleton, no "Running..." widget);
- change: one widget change (keys on a slider, a number typed into an input and Enter), timed
  from the last key press until the watched metric's text differs from before ("shown"), and
  until the app is idle again ("idle"). A slider waits ~200 ms (Streamlit's debounce) before it
  asks the server for a rerun: that wait is in the figure, as a person would see it.

The median over N changes (alternately up and down) is printed with the machine's load.

    python benchmarks/bench_browser.py --db /tmp/final_c100k.duckdb            # 4 pages, N=5
    python benchmarks/bench_browser.py --db /tmp/final_c1m.duckdb --repeats 5 --pages overview

One server at a time; a screenshot of each page after its last change goes to --shots.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from deploy.cluster import free_port_block, healthy, streamlit_process  # noqa: E402
from wording import t  # noqa: E402

VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 600_000  # a cold page at a million customers on a loaded machine

# The text of every metric whose text contains ``label`` ("" = every metric), joined.
_METRIC_TEXT = """label => Array.from(document.querySelectorAll("[data-testid='stMetric']"))
    .filter(e => e.innerText.includes(label)).map(e => e.innerText).join(' | ')"""
_IDLE = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
    if (document.querySelector("[data-testid='stSkeleton']")) return false;
    const s = document.querySelector("[data-testid='stStatusWidget']");
    return !(s && s.innerText.includes('Running'));
}"""
_CHANGED = (
    "([label, before]) => { const now = (" + _METRIC_TEXT + ")(label); return now !== '' && now !== before; }"
)


@dataclass
class Case:
    """One page and the widget change timed on it."""

    page: str  # url path; "" is the overview
    name: str
    first: str  # a metric label: the page's first figures are on screen
    watched: str  # the metric label whose text must change ("" = all metrics)
    widget: str  # what changes, for the table
    change: Callable  # (pg, step) -> None: perform change number ``step`` (0, 1, ...)
    prepare: Callable | None = None  # (pg) -> None: open the expander, ...


@dataclass
class Result:
    name: str
    widget: str
    open_first: float
    open_idle: float
    shown: list[float] = field(default_factory=list)
    idle: list[float] = field(default_factory=list)

    def row(self) -> str:
        med = statistics.median
        shown = f"{med(self.shown):6.2f} {max(self.shown):6.2f}" if self.shown else f"{'-':>6} {'-':>6}"
        idle = f"{med(self.idle):6.2f}" if self.idle else f"{'-':>6}"
        return (
            f"{self.name:<13} {self.open_first:7.2f} {self.open_idle:7.2f}  {shown} {idle} "
            f"{len(self.shown):>3}  {self.widget}"
        )


def _slider(pg, label: str):
    # visible: a page can hold a hidden twin of a widget (another tab, a folded panel)
    return (
        pg.get_by_test_id("stSlider").filter(has_text=label).filter(visible=True).first.get_by_role("slider")
    )


def _keys(pg, locator, key: str, times: int = 1) -> None:
    locator.focus()
    for _ in range(times):
        pg.keyboard.press(key)


def _expand(label: str) -> Callable:
    def prepare(pg) -> None:
        pg.get_by_test_id("stExpander").filter(has_text=label).first.locator("summary").click()

    return prepare


def _overview(pg, step: int) -> None:
    _keys(pg, _slider(pg, t("ov.dcf.margin", "en")), "ArrowRight" if step % 2 == 0 else "ArrowLeft")


def _evaluator(pg, step: int) -> None:
    _keys(
        pg, _slider(pg, t("evaluator.in.discount_rate", "en")), "ArrowRight" if step % 2 == 0 else "ArrowLeft"
    )


def _segmentation(pg, step: int) -> None:
    box = (
        pg.get_by_test_id("stNumberInput")
        .filter(has_text=t("seg.rules.gold_min", "en"))
        .filter(visible=True)
        .first.locator("input")
    )
    value = int(box.input_value())
    box.fill(str(value + 1 if step % 2 == 0 else value - 1))
    box.press("Enter")


CHURN_SHIFT = 10  # percentage points moved from one signal's weight to another's


def _churn_weight(pg, index: int):
    from clv_engine import churn

    signal = churn.SIGNALS[index]
    return _slider(pg, t(f"churn.signal.{signal}", "en"))


def _churn_untimed(pg, step: int) -> None:
    """Half of the change, not timed: one weight moves, the sum is no longer 100% (an error)."""
    _keys(pg, _churn_weight(pg, 0), "ArrowLeft" if step % 2 == 0 else "ArrowRight", CHURN_SHIFT)


def _churn(pg, step: int) -> None:
    """The timed half: a second weight takes the points, the sum is 100% again, new figures."""
    _keys(pg, _churn_weight(pg, 1), "ArrowRight" if step % 2 == 0 else "ArrowLeft", CHURN_SHIFT)


_churn.before = _churn_untimed  # type: ignore[attr-defined]


CASES = {
    "overview": Case(
        "",
        "overview",
        t("ov.dcf.total", "en"),
        t("ov.dcf.total", "en"),
        "DCF margin slider, 1 step",
        _overview,
    ),
    "segmentation": Case(
        "segmentation",
        "segmentation",
        t("seg.customers", "en"),
        ": share of customers",
        "gold tier threshold typed + Enter",
        _segmentation,
        _expand(t("seg.rules", "en")),
    ),
    "churn": Case(
        "churn",
        "churn",
        t("churn.m.customers", "en"),
        "",
        f"weight {CHURN_SHIFT} points to another signal",
        _churn,
        _expand(t("churn.weights", "en")),
    ),
    "evaluator": Case(
        "evaluator",
        "evaluator",
        t("evaluator.fig.npv", "en"),
        t("evaluator.fig.npv", "en"),
        "discount rate slider, 1 step",
        _evaluator,
    ),
}


def _wait_idle(pg, timeout_ms: int = TIMEOUT_MS) -> None:
    pg.wait_for_function(_IDLE, polling="raf", timeout=timeout_ms)


def _settle(pg) -> None:
    """After a change that is not timed: the rerun has started and ended."""
    pg.wait_for_timeout(500)  # the debounce before the rerun request (util.RERUN_START_MS)
    _wait_idle(pg)


def measure_case(pg, base_url: str, case: Case, repeats: int, shots: Path | None = None) -> Result:
    started = time.perf_counter()
    pg.goto(f"{base_url}/{case.page}", timeout=TIMEOUT_MS)
    pg.wait_for_function(
        "label => (" + _METRIC_TEXT + ")(label) !== ''", arg=case.first, polling="raf", timeout=TIMEOUT_MS
    )
    first = time.perf_counter() - started
    _wait_idle(pg)
    result = Result(case.name, case.widget, first, time.perf_counter() - started)
    if case.prepare is not None:
        case.prepare(pg)
        _settle(pg)
    for step in range(repeats):
        before_step = getattr(case.change, "before", None)
        if before_step is not None:
            before_step(pg, step)
            _settle(pg)
        before = pg.evaluate("label => (" + _METRIC_TEXT + ")(label)", case.watched)
        case.change(pg, step)
        pressed = time.perf_counter()
        pg.wait_for_function(_CHANGED, arg=[case.watched, before], polling="raf", timeout=TIMEOUT_MS)
        result.shown.append(time.perf_counter() - pressed)
        _wait_idle(pg)
        result.idle.append(time.perf_counter() - pressed)
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(shots / f"bench_{case.name}.png"))
    return result


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def measure(
    db: Path,
    pages: list[str],
    repeats: int = 5,
    shots: Path | None = None,
    log_path: Path | None = None,
    on_result: Callable[[Result], None] | None = None,
    browser=None,
) -> list[Result]:
    """Start a server on ``db``, time every page of ``pages`` (CASES keys) in one browser
    session each (a fresh context: a new tab's first visit), stop the server. ``browser``: a
    Playwright browser already running (the test suite's); otherwise Chromium is launched."""
    from playwright.sync_api import sync_playwright

    log_path = log_path or Path(tempfile.mkdtemp(prefix="bench_browser_")) / "streamlit.log"
    port = free_port_block(1)
    results: list[Result] = []
    with open(log_path, "w") as log:
        server = streamlit_process(port, Path(db), log)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while not healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
            if browser is not None:
                _measure_pages(browser, url, pages, repeats, shots, results, on_result)
            else:
                with sync_playwright() as p:
                    own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                    try:
                        _measure_pages(own, url, pages, repeats, shots, results, on_result)
                    finally:
                        own.close()
        finally:
            server.terminate()
            server.wait(30)
    return results


def _measure_pages(browser, url, pages, repeats, shots, results, on_result) -> None:
    for name in pages:
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
        try:
            pg = context.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            result = measure_case(pg, url, CASES[name], repeats, shots)
        finally:
            context.close()
        results.append(result)
        if on_result is not None:
            on_result(result)


HEADER = (
    f"{'page':<13} {'open':>7} {'idle':>7}  {'shown':>6} {'max':>6} {'idle':>6} {'n':>3}  widget\n"
    f"{'':<13} {'first s':>7} {'s':>7}  {'med s':>6} {'s':>6} {'med s':>6}"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--shots", type=Path, default=ROOT / "benchmarks" / "out" / "browser")
    args = parser.parse_args()
    # A timeout or Ctrl-C stops the server and the browser too (the finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"database {args.db} ({args.db.stat().st_size / 1e6:.0f} MB); {load()}")
    print("open: goto -> first metric / run over; shown: last key -> watched metric changed; idle: run over")
    print(HEADER, flush=True)
    measure(args.db, args.pages, args.repeats, args.shots, on_result=lambda r: print(r.row(), flush=True))
    print(load())


if __name__ == "__main__":
    main()
