"""Every page at a given database size: cold first render, warm rerun, rerun after a widget change,
peak RSS; each page in a fresh Python process (AppTest, the app frame included).

    python benchmarks/bench_pages.py --customers 100000        # generates benchmarks/out/c100k.duckdb once
    python benchmarks/bench_pages.py --db /tmp/bench_1m.duckdb --pages overview segmentation

cold   = the first run of app.py on the page in a new process (imports, first queries, model fit
         unless a derived table has it);
warm   = median of 3 reruns with nothing changed;
rerun  = median of 5 reruns, each after changing the page's main widget (the issue-14 table's);
RSS    = the process's peak resident memory (getrusage) after all of it.
The machine's load average is printed with every row: on a shared machine the seconds scale with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"

# page -> the widgets whose change is timed (keys, or regular expressions for generated keys).
# One number moves one step and back; with two, a step moves from the second to the first and
# back (weights that must add up to 100%); a text input gets the listed values in turn. A page
# whose widget is not found uses its first slider or number input (marked *).
WIDGETS: dict[str, tuple] = {
    "overview": ("dcf_margin",),
    "segmentation": ("seg_t_gold",),
    "churn": ("churn_w_spend_drop", "churn_w_frequency_drop"),
    "lookup": ("lookup_query", ["C0000001", "C0000002"]),
    "kpi": ("kpi_w_clv_growth", "kpi_w_retention"),
    "model": ("model_age",),
    "calculator": ("calc_simple_spend",),
    "actions": ("act_tier_referrals",),
    "allocator": ("al_budget",),
    "evaluator": (r"ev_\w+_rate",),
    "channels": ("ch_sim_share",),
    "results": ("results_size",),
    "import_data": ("imp_margin",),
    "users": (),
}
KINDS = ("slider", "number_input", "select_slider", "text_input")
NUMERIC = ("slider", "number_input")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def find_widget(at, pattern: str | None, kinds: tuple[str, ...] = KINDS):
    for kind in kinds:
        for widget in getattr(at, kind):
            if widget.key and (pattern is None or re.fullmatch(pattern, widget.key)):
                return widget
    return None


def plan(at, page: str) -> tuple[list, list | None, bool]:
    """(widgets to change, text values or None, whether it is the fallback widget)."""
    spec = WIDGETS.get(page, ())
    texts = next((x for x in spec if isinstance(x, list)), None)
    widgets = [find_widget(at, p) for p in spec if isinstance(p, str)]
    if widgets and all(w is not None for w in widgets):
        return widgets, texts, False
    fallback = find_widget(at, None, NUMERIC)
    return ([fallback] if fallback is not None else []), None, True


def step_of(widget) -> float:
    return getattr(widget, "step", None) or 1


def moved(widget, delta: float):
    low, high = getattr(widget, "min", None), getattr(widget, "max", None)
    value = widget.value if widget.value is not None else (low if low is not None else 0)
    new = value + delta
    if (high is not None and new > high) or (low is not None and new < low):
        new = value - delta
    return new


def change(at, keys: list[tuple[str, str]], turn: int, texts: list | None) -> None:
    """Turn ``turn`` of the timed change: set the widgets (looked up again after each run)."""
    widgets = [next(w for w in getattr(at, kind) if w.key == key) for key, kind in keys]
    if texts:
        widgets[0].set_value(texts[turn % len(texts)])
        return
    sign = 1 if turn % 2 == 0 else -1
    step = step_of(widgets[0])
    widgets[0].set_value(moved(widgets[0], sign * step))
    if len(widgets) > 1:
        widgets[1].set_value(moved(widgets[1], -sign * step))


def first_render(page: str, db: Path, root: Path = ROOT, timeout: float = 1800, state: dict | None = None):
    """In a fresh process: the first render of ``page`` on ``db`` by the app of checkout ``root``,
    as (the AppTest, {page, cold seconds, metrics shown, the error if any}); ``state``: session
    state set before it (the lookup page opened on a customer's link)."""
    os.environ["CLV_DB"] = str(db)
    os.environ["CLV_RAISE_PAGE_ERRORS"] = "1"
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "app.py"), default_timeout=timeout)
    at.session_state["lang"] = "en"
    at.switch_page(f"app_pages/{page}.py")
    for key, value in (state or {}).items():
        at.session_state[key] = value
    result: dict = {"page": page}
    start = time.perf_counter()
    at.run()
    result["cold"] = time.perf_counter() - start
    result["metrics"] = len(at.metric)
    if at.exception:
        result["error"] = at.exception[0].message[:200]
    return at, result


def child(page: str, db: Path) -> dict:
    """Runs in the fresh process: time one page and print its figures as JSON."""
    at, result = first_render(page, db)
    if "error" in result:
        return result
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    result["warm"] = statistics.median(warm)
    widgets, texts, fallback = plan(at, page)
    if widgets:
        keys = [(w.key, w.type) for w in widgets]
        result["widget"] = "+".join(k for k, _ in keys) + ("*" if fallback else "")
        reruns = []
        for turn in range(6):
            change(at, keys, turn, texts)
            start = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - start)
            if at.exception:
                result["error"] = at.exception[0].message[:200]
                break
            if at.error:
                result["error"] = "st.error: " + at.error[0].value[:150]
        result["rerun"] = statistics.median(reruns)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def ensure_db(path: Path, customers: int) -> Path:
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from sample_data.generate import generate

        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ({customers:,} customers) ...", flush=True)
        started = time.perf_counter()
        generate(customers, 42, path)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--pages", nargs="+", default=list(WIDGETS))
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db)))
        return
    db = ensure_db(args.db or OUT / f"c{args.customers // 1000}k.duckdb", args.customers)
    sys.path.insert(0, str(ROOT))
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    customers, orders = (
        con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("customers", "orders")
    )
    con.close()
    print(
        f"database {db}: {customers:,} customers, {orders:,} orders, {db.stat().st_size / 1e6:.0f} MB; "
        f"{os.cpu_count()} cores; load average 1/5 min at start {load()}"
    )
    print(
        f"{'page':<13}{'cold s':>8}{'warm s':>8}{'rerun s':>9}{'peak RSS':>10}  {'widget':<38} load before/after"
    )
    for page in args.pages:
        if not (ROOT / "app_pages" / f"{page}.py").exists():
            continue
        before = load()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", page, "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print(f"{page:<13} failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        r = json.loads(lines[-1])

        def cell(name: str, width: int, r: dict = r) -> str:
            return f"{r[name]:>{width}.2f}" if name in r else f"{'-':>{width}}"

        rss = f"{r['rss_mb'] / 1024:>7.2f} GB" if "rss_mb" in r else f"{'-':>10}"
        print(
            f"{page:<13}{cell('cold', 8)}{cell('warm', 8)}{cell('rerun', 9)}{rss}  "
            f"{r.get('widget', '-'):<38} {before} -> {load()}"
            + (f"  ERROR {r['error']}" if "error" in r else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
