"""The 10M-customer check of issue 14: each page's first render in a fresh process (cold) and the
process's peak resident memory, nothing else (bench_pages.py also times reruns: minutes each at
10M). A page passes within ``--seconds`` and ``--gb``.

    python benchmarks/bench_big.py --db /tmp/big3_c10m.duckdb --pages overview kpi
    python benchmarks/bench_big.py --db /tmp/big3_c10m.duckdb --pages lookup+ --query C0131787

Each page runs alone (one 10M process at a time). ``--timeout`` ends a page that runs too long.
The load average is printed with every row: on a shared machine the seconds scale with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pages import WIDGETS, first_render  # noqa: E402

PAGES = (*WIDGETS, "lookup+")  # every page, in bench_pages.py's order, and the lookup of a customer


# A page whose first render shows a prompt only is also timed on what a user asks of it:
# "lookup+" is the lookup page opened on a customer (a link with ?lookup_query=...).
ASKED = {"lookup+": ("lookup", {"lookup_query": "C0000001"})}


def child(page: str, db: Path, root: Path, query: str | None = None) -> dict:
    name, state = ASKED.get(page, (page, None))
    if state is not None and query:
        state = {key: query for key in state}
    _, result = first_render(name, db, root, timeout=3600, state=state)
    result["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return result


def _rss_gb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _run_guarded(command: list[str], root: Path, timeout: float, stop_gb: float):
    """The page's process, ended when it runs past ``timeout`` or its resident memory passes
    ``stop_gb`` (a shared machine: one page must not take the others' memory). The finished
    process (stdout) or why it was ended."""
    # Files, not pipes: a full pipe would stop the page while this loop only watches it.
    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(
        command,
        cwd=root,
        env=dict(os.environ, PYTHONPATH=str(root)),
        stdout=out_file,
        stderr=err_file,
        text=True,
    )
    started, peak = time.monotonic(), 0.0
    while proc.poll() is None:
        peak = max(peak, _rss_gb(proc.pid))
        if peak > stop_gb or time.monotonic() - started > timeout:
            proc.kill()
            proc.wait()
            why = f"over {stop_gb:.1f} GB" if peak > stop_gb else f"over {timeout:.0f} s"
            return f"ended: {why} (after {time.monotonic() - started:.0f} s, {peak:.1f} GB)"
        time.sleep(0.2)
    out_file.seek(0)
    err_file.seek(0)
    return subprocess.CompletedProcess(command, proc.returncode, out_file.read(), err_file.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", nargs="+", default=list(PAGES))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--gb", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument(
        "--stop-gb", type=float, default=9.0, help="end a page whose process passes this resident memory"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app runs (before/after)")
    parser.add_argument("--query", default=None, help="the customer lookup+ opens (default C0000001)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.root))
        print(json.dumps(child(args.child, args.db, args.root, args.query)))
        return
    print(f"{'page':<13}{'cold s':>8}{'peak GB':>9}  verdict  load 1/5 min before -> after", flush=True)
    for page in args.pages:
        before = "{:.1f}/{:.1f}".format(*os.getloadavg()[:2])
        status = _run_guarded(
            [sys.executable, __file__, "--child", page, "--db", str(args.db), "--root", str(args.root)]
            + (["--query", args.query] if args.query else []),
            args.root,
            args.timeout,
            args.stop_gb,
        )
        if isinstance(status, str):
            print(f"{page:<13} {status}", flush=True)
            continue
        proc = status
        after = "{:.1f}/{:.1f}".format(*os.getloadavg()[:2])
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print(f"{page:<13} failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        r = json.loads(lines[-1])
        ok = r["cold"] <= args.seconds and r["rss_gb"] <= args.gb and "error" not in r
        verdict = "pass" if ok else "FAIL"
        print(
            f"{page:<13}{r['cold']:8.1f}{r['rss_gb']:9.2f}  {verdict:<7}  {before} -> {after}"
            + (f"  error: {r['error']}" if "error" in r else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
