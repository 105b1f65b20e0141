"""benchmarks/bench_browser.py cannot silently break: its measuring function, once per page, on
the test sample (its own server and browser)."""

from pathlib import Path

from benchmarks.bench_browser import CASES, measure


def test_browser_benchmark_measures_every_page(browser, sample_db_path: Path, tmp_path: Path):
    db = tmp_path / "bench.duckdb"
    db.write_bytes(sample_db_path.read_bytes())
    results = measure(
        db, list(CASES), repeats=1, shots=tmp_path, log_path=tmp_path / "streamlit.log", browser=browser
    )
    assert [r.name for r in results] == list(CASES)
    for r in results:
        assert 0 < r.open_first <= r.open_idle, r
        # one change each, seen on screen (the watched metric's text changed), then idle
        assert len(r.shown) == len(r.idle) == 1, r
        assert 0 < r.shown[0] <= r.idle[0], r
        assert (tmp_path / f"bench_{r.name}.png").stat().st_size > 0
        assert r.row().startswith(r.name)
