"""A widget inside a fragment: the full rerun it used to cost against the fragment rerun the
browser now asks for (AppTest, server-side, one process, the app frame included).

    python benchmarks/bench_fragments.py --db /tmp/speed_c100k.duckdb --pages overview kpi

full     = median of 4 page reruns, each after changing the widget (what AppTest's run() does),
           after one pass over the same values (their queries cached: like for like);
fragment = median of 4 reruns of only the fragment holding the widget (found by rerunning each
           of the page's fragments alone), as the browser requests it (RerunData with the
           fragment's id: tests/test_fragments.py sends the same request).
The machine's load average is printed with every row: on a shared machine the seconds scale with it.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# page: (script, widget change, the values it takes in turn; None: the first four options)
CASES = {
    "overview": (
        "app_pages/overview.py",
        lambda at, v: at.slider(key="dcf_margin").set_value(v),
        [0.41, 0.42, 0.43, 0.44],
    ),
    "channels": (
        "app_pages/channels.py",
        lambda at, v: at.slider(key="ch_sim_share").set_value(v),
        [10, 20, 40, 50],
    ),
    "segmentation": (
        "app_pages/segmentation.py",
        lambda at, v: at.radio(key="seg_budget_preset.en").set_value(v),
        ["2b", "2c", "data", "2b"],
    ),
    "kpi": ("app_pages/kpi.py", lambda at, v: at.selectbox(key="kpi_store").set_value(v), None),
    "model": (
        "app_pages/model.py",
        lambda at, v: at.select_slider(key="model_lookback").set_value(v),
        [30, 60, 180, 90],
    ),
    "evaluator": (
        "app_pages/evaluator.py",
        lambda at, v: at.slider(key="ev_ret_to").set_value(v),
        [88.0, 90.0, 92.0, 94.0],
    ),
}


def bench(page: str) -> str:
    import streamlit.testing.v1.local_script_runner as runner
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.testing.v1 import AppTest

    script, change, values = CASES[page]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.session_state["lang"] = "en"
    start = time.perf_counter()
    at.run()
    at.switch_page(script).run()
    cold = time.perf_counter() - start
    assert not at.exception, [e.message for e in at.exception]
    if values is None:
        box = at.selectbox(key="kpi_store")
        values = list(box.options)[:4]
    for value in values:  # each value computed once: both timings below are of cached queries
        change(at, value).run()
    full = []
    for value in values:
        start = time.perf_counter()
        change(at, value).run()
        full.append(time.perf_counter() - start)
    at.run()
    probe = change(at, values[0])
    fragment = None
    try:
        for fid in list(at._fragment_storage._fragments):
            runner.RerunData = functools.partial(RerunData, fragment_id_queue=[fid])
            at.run()
            if any(getattr(w, "key", None) == probe.key for w in at.get(probe.type)):
                fragment = fid
                break
        assert fragment is not None, f"{page}: the widget is in no fragment"
        runner.RerunData = functools.partial(RerunData, fragment_id_queue=[fragment])
        alone = []
        for value in reversed(values):
            start = time.perf_counter()
            change(at, value).run()
            alone.append(time.perf_counter() - start)
            assert not at.exception, [e.message for e in at.exception]
    finally:
        runner.RerunData = RerunData
    load = os.getloadavg()[0]
    return (
        f"{page:13} cold {cold:6.1f} s   full rerun {statistics.median(full):6.3f} s   "
        f"fragment rerun {statistics.median(alone):6.3f} s   (load {load:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--pages", nargs="+", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    os.environ["CLV_DB"] = str(args.db)
    sys.path.insert(0, str(ROOT))
    for page in args.pages:
        print(bench(page), flush=True)


if __name__ == "__main__":
    main()
