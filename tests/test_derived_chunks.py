"""The derived build a range of customers at a time (clv_engine.derived.chunks, issue 14: ten
million customers' values passed DuckDB's 4 GB limit in one statement). Built with ranges of a
few customers, every derived table holds the very rows, in the very order, of the build in one
range (the build before the ranges), on random small databases; and the range size follows
DuckDB's memory limit."""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from clv_engine import predictive
from clv_engine.derived import chunks
from clv_engine.derived.build import build
from tests.helpers import Table, make_db
from tests.test_derived_dates import END, _orders

WHOLE = 10**9  # one range: every customer in one statement, the build before the ranges


@pytest.fixture(autouse=True)
def _steady_spend_fit(monkeypatch):
    """The spend fit on the mean gross profits rounded to 1e-6. A customer's visits are summed
    in the order DuckDB's hash table yields them, which the other customers in the statement
    (and the run) change: the means differ in their last bits (1e-13) between two builds, even
    two in one range, and the Gamma-Gamma fit on a few customers, flat, turns that into 0.5 %
    on its parameters. Rounded, both builds fit the same numbers: what is compared is the
    rows, not the fit's conditioning."""
    fit = predictive.fit_gamma_gamma
    monkeypatch.setattr(
        predictive,
        "fit_gamma_gamma",
        lambda frequency, spend, *a, **k: fit(frequency, spend.round(6), *a, **k),
    )


def _random_db(path: Path, seed: int, customers: int) -> Path:
    """test_derived_dates' random visits, with ids of uneven lengths (text order is not the
    numbers' order), a few orders of customers missing from ``customers``, and a customer
    bought after the data's end."""
    orders, people = _orders(seed, customers, 3.0)
    rng = np.random.default_rng(seed)
    names = {f"C{i:03d}": f"K{int(n)}" for i, n in enumerate(rng.choice(10_000, customers, replace=False))}
    orders["customer_id"] = orders["customer_id"].map(names)
    orders["kind"] = rng.choice(["maintenance", "repair"], len(orders), p=[0.7, 0.3])  # the service days
    orders["mileage"] = np.where(
        rng.random(len(orders)) < 0.9, rng.integers(1_000, 90_000, len(orders)), np.nan
    )
    people = [(names[p[0]], *p[1:]) for p in people]
    orphans = orders.sample(frac=0.1, random_state=seed).copy()
    orphans["order_id"] = "X" + orphans["order_id"]
    orphans["customer_id"] = "Z" + orphans["customer_id"]  # no such customer
    people.append(("A-late", "late", "S1", "web", END + pd.Timedelta(days=30)))
    make_db(
        path,
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=Table(("customer_id", "name", "home_store_id", "channel", "purchase_date"), people),
        orders=pd.concat([orders, orphans], ignore_index=True),
    )
    return path


def _built(source: Path, target: Path, chunk: int) -> dict[str, pd.DataFrame]:
    """Every derived table of ``source`` built in ranges of ``chunk`` customers, in file order."""
    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    try:
        build(con, chunk=chunk)
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'derived%' "
                "AND NOT temporary ORDER BY table_name"
            ).fetchall()
        ]
        tables = {name: con.execute(f"SELECT * FROM main.{name}").df() for name in names}
        assert not con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal"
        ).fetchone()[0]
    finally:
        con.close()
    if "derived_meta" in tables:  # the time of the build differs, nothing else
        meta = tables["derived_meta"]
        tables["derived_meta"] = meta[meta["key"] != "built_at"].reset_index(drop=True)
    return tables


def _same_tables(chunked: dict[str, pd.DataFrame], whole: dict[str, pd.DataFrame]) -> None:
    """Row for row, column for column: equal, but for the last bits of a sum of doubles (see
    ``_steady_spend_fit``)."""
    assert sorted(chunked) == sorted(whole)
    assert {"derived_values", "derived_rfm", "derived_model", "derived_meta"} <= set(whole)
    for name, expected in whole.items():
        got = chunked[name]
        assert list(got.columns) == list(expected.columns) and len(got) == len(expected), name
        if not {"cust_key", "pos"} & set(expected.columns):  # aggregates: rows in no order
            got, expected = _sorted(got), _sorted(expected)
        for column in expected.columns:
            if expected[column].dtype.kind == "f":
                pd.testing.assert_series_equal(
                    got[column], expected[column], rtol=1e-12, atol=1e-9, obj=f"{name}.{column}"
                )
            elif expected[column].dtype.kind == "O" and name.endswith(("_model", "_meta")):
                for a, b in zip(got[column], expected[column], strict=True):  # JSON of figures
                    assert _close(_json(a), _json(b)), f"{name}.{column}: {a} != {b}"
            else:
                pd.testing.assert_series_equal(
                    got[column], expected[column], check_exact=True, obj=f"{name}.{column}"
                )


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in the order of their text and integer columns, then the rest."""
    exact = [c for c in frame.columns if frame[c].dtype.kind != "f"]
    order = exact + [c for c in frame.columns if c not in exact]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def _json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text


def _close(a: object, b: object) -> bool:
    """Equal JSON values, numbers to 1e-9 (a fit on sums equal but for their last bits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str) and a != b and _json(a) != a:
        return _close(_json(a), _json(b))  # JSON inside JSON (the holdout check's payload)
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a build is slow to shrink
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 10_000), customers=st.integers(12, 45), chunk=st.integers(1, 7))
def test_a_build_in_ranges_equals_the_build_in_one(seed, customers, chunk):
    with tempfile.TemporaryDirectory() as tmp:
        source = _random_db(Path(tmp) / "source.duckdb", seed, customers)
        whole = _built(source, Path(tmp) / "whole.duckdb", WHOLE)
        chunked = _built(source, Path(tmp) / "chunked.duckdb", chunk)
    _same_tables(chunked, whole)
    assert len(whole["derived_service"]) and len(whole["derived_values"])  # something compared
    values = whole["derived_values"]
    for _day, rows in values.groupby("as_of"):  # each date's rows in key order, every customer
        assert rows["cust_key"].is_monotonic_increasing and rows["cust_key"].is_unique


def test_a_range_of_one_customer_and_a_range_past_the_end(tmp_path):
    source = _random_db(tmp_path / "s.duckdb", seed=11, customers=15)
    whole = _built(source, tmp_path / "w.duckdb", WHOLE)
    _same_tables(_built(source, tmp_path / "one.duckdb", 1), whole)
    _same_tables(_built(source, tmp_path / "most.duckdb", 14), whole)  # a last range of a few


def test_ranges_cover_the_keys_once():
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE derived_keys AS SELECT range + 1 AS cust_key FROM range(10)")
        assert chunks.key_ranges(con, 4) == [(1, 4), (5, 8), (9, 10)]
        assert chunks.key_ranges(con, 10) == [(1, 10)]
        assert chunks.key_ranges(con, 100) == [(1, 10)]
        con.execute("DELETE FROM temp.derived_keys")
        assert chunks.key_ranges(con, 4) == [(1, 0)]  # no key: one empty range, the table is made
        with pytest.raises(ValueError):
            chunks.key_ranges(con, 0)
    finally:
        con.close()


def test_the_range_follows_the_memory_limit():
    con = duckdb.connect()
    try:
        con.execute("SET memory_limit = '4GB'")
        four = chunks.chunk_size(con)
        con.execute("SET memory_limit = '400MB'")
        tenth = chunks.chunk_size(con)
        assert four == pytest.approx(4e9 / chunks.BYTES_PER_CUSTOMER, rel=0.1)
        assert tenth == pytest.approx(four / 10, rel=0.01)
        con.execute("SET memory_limit = '1MB'")
        assert chunks.chunk_size(con) == chunks.MIN_CHUNK
    finally:
        con.close()


def test_the_import_and_the_sample_report_each_range(tmp_path, monkeypatch):
    """The progress bar moves with the ranges: the import's "deriving" (0.6 to 0.8 of its bar)
    and the sample's first start (0.95 to 1.0) step forward once per range and date."""
    from clv_engine.imports import ImportOptions, Source, run_import
    from sample_data.generate import generate

    monkeypatch.setattr(chunks, "chunk_size", lambda con: 15)  # 60 customers: four ranges
    seen: list[tuple[float, str]] = []
    sample = generate(
        customers=60, seed=4, out=tmp_path / "s.duckdb", progress=lambda f, s: seen.append((f, s))
    )
    deriving = [f for f, s in seen if s == "deriving"]
    assert deriving == sorted(deriving) and 0.95 <= deriving[0] and deriving[-1] <= 1.0
    assert len(set(deriving)) > 3 * 2 * 4  # a step per range, for the values and RFM of three dates

    csv = tmp_path / "orders.csv"
    con = duckdb.connect(str(sample), read_only=True)
    try:
        con.execute(f"COPY (SELECT * FROM orders) TO '{csv}' (HEADER)")
    finally:
        con.close()
    seen.clear()
    run_import(
        [Source("orders", csv)],
        sample,
        ImportOptions(today=date(2030, 1, 1)),
        progress=lambda f, s: seen.append((f, s)),
    )
    deriving = [f for f, s in seen if s == "deriving"]
    assert deriving == sorted(deriving) and 0.6 <= deriving[0] and deriving[-1] <= 0.8
    assert len(set(deriving)) > 3 * 2 * 4


def test_the_first_start_shows_the_sample_built_range_by_range(tmp_path, monkeypatch):
    """The app's first start (no database yet) builds the sample under its progress bar; the
    bar is handed the ranges' steps (AppTest: the bar's own calls, through the generator)."""
    import sample_data.generate as generator
    import ui.context
    from tests.helpers import APP

    missing = tmp_path / "first" / "clv_sample.duckdb"
    monkeypatch.delenv("CLV_DB", raising=False)
    monkeypatch.setattr(ui.context, "default_db_path", lambda: missing)
    monkeypatch.setattr(ui.context, "SAMPLE_CUSTOMERS", 60)
    monkeypatch.setattr(chunks, "chunk_size", lambda con: 15)
    seen: list[tuple[float, str]] = []
    real = generator.generate

    def watched(customers, seed, out, progress):
        def both(fraction, step):
            seen.append((fraction, step))
            progress(fraction, step)  # the page's bar

        return real(customers, seed, out, both)

    monkeypatch.setattr(generator, "generate", watched)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert missing.exists()
    deriving = [f for f, s in seen if s == "deriving"]
    assert deriving == sorted(deriving) and len(set(deriving)) > 3 * 2 * 4
