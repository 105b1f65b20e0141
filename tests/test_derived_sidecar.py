"""The data check of the tables a build has just written, kept beside the file (issue 14): after
``python -m cli.derive``, an import or the sample's generation, a NEW process checking the
tables reads ``<db>.derived-check.json`` (store.remembered) and makes no pass over the orders,
customers, side tables or flags; and what it reads is what the pass would have found."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cli import derive as cli
from clv_engine.db import Database
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import kpi as derived_kpi
from clv_engine.derived import segments, store
from tests.test_derived_dates import END, _make

ROOT = Path(__file__).resolve().parents[1]

# A new process whose fingerprints all fail: its checks pass only by reading the sidecar.
_NO_PASS = textwrap.dedent(
    """
    import sys
    from clv_engine.db import Database
    from clv_engine.derived import churn, kpi, segments, store

    def no_pass(*args, **kwargs):
        raise AssertionError("a pass over the data")

    store.fingerprint = kpi.fingerprint = no_pass
    churn.side_fingerprint = segments.flags_fingerprint = no_pass
    db = Database(sys.argv[1])
    try:
        assert store.stored(db) is not None and store.stored(db).as_of.isoformat() == sys.argv[2]
        assert kpi.kept(db) is not None
        assert churn._checked(db) is not None
        assert segments._checked(db)
    finally:
        db.close()
    print("read")
    """
)


def _new_process_reads(path: Path, end: str = END.isoformat()) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", _NO_PASS, str(path), end],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode == 0 and done.stdout.strip() == "read"


def _computed(path: Path) -> dict:
    """Every remembered check worked out by a pass over the data, as a reader would."""
    db = Database(path)
    try:
        return {
            "derived": store.fingerprint(db),
            "kpi": derived_kpi.fingerprint(db),
            "churn_side": derived_churn.side_fingerprint(db),
            "segment_flags": segments.flags_fingerprint(db),
        }
    finally:
        db.close()


def _sidecar(path: Path) -> dict:
    return json.loads(path.with_name(path.name + store.SIDECAR_SUFFIX).read_text())


def _checks(saved: dict) -> dict:
    """The data checks among the values kept (the figures primed beside them: test_derived_prime)."""
    return {
        k: v for k, v in saved["values"].items() if k in ("derived", "kpi", "churn_side", "segment_flags")
    }


def test_after_a_derive_a_new_process_reads_the_check(tmp_path):
    path = _make(tmp_path / "d.duckdb", seed=8, customers=40)
    assert not _new_process_reads(path)  # no table yet, no sidecar: the checks fail
    assert cli.main([str(path)]) == 0
    saved = _sidecar(path)
    assert _checks(saved) == json.loads(json.dumps(_computed(path)))  # what the pass finds
    assert _new_process_reads(path)


def test_a_change_after_the_derive_is_not_taken_for_the_check(tmp_path):
    path = _make(tmp_path / "c.duckdb", seed=9, customers=30)
    assert cli.main([str(path)]) == 0
    db = Database(path)
    try:
        with db.write_transaction() as con:
            con.execute(
                "UPDATE orders SET revenue = revenue + 1 WHERE order_id = (SELECT min(order_id) FROM orders)"
            )
        store.forget()
        assert store.stored(db) is None  # the file changed: the pass runs, and it differs
    finally:
        db.close()
        store.forget()
    assert not _new_process_reads(path)


def test_a_failed_derive_writes_no_check(tmp_path, monkeypatch):
    path = _make(tmp_path / "f.duckdb", seed=10, customers=20)

    def broken(*args, **kwargs):
        raise RuntimeError("the KPI step failed")

    monkeypatch.setattr(derived_kpi, "build", broken)
    with pytest.raises(RuntimeError):
        cli.derive(path, out=lambda line: None)
    assert not path.with_name(path.name + store.SIDECAR_SUFFIX).exists()


def test_the_sample_and_an_import_leave_the_check(tmp_path):
    from clv_engine.imports import ImportOptions, Source, run_import
    from sample_data.generate import generate

    sample = generate(customers=60, seed=3, out=tmp_path / "sample.duckdb")
    assert _checks(_sidecar(sample)) == json.loads(json.dumps(_computed(sample)))
    assert _new_process_reads(sample, _end(sample))
    csv = tmp_path / "orders.csv"
    con = duckdb.connect(str(sample), read_only=True)
    try:  # the same orders but the last one, imported again: new data, new tables, new check
        con.execute(
            f"COPY (SELECT * FROM orders WHERE order_id <> (SELECT max(order_id) FROM orders)) TO '{csv}' (HEADER)"
        )
    finally:
        con.close()
    before = _sidecar(sample)
    run_import([Source("orders", csv)], sample, ImportOptions(today=date(2030, 1, 1)))
    after = _sidecar(sample)
    assert after["identity"] != before["identity"]
    assert _checks(after) == json.loads(json.dumps(_computed(sample)))
    assert after["values"]["derived"] != before["values"]["derived"]
    assert _new_process_reads(sample, _end(sample))


def _end(path: Path) -> str:
    db = Database(path)
    try:
        return db.query_value("SELECT max(order_date) FROM orders").isoformat()
    finally:
        db.close()
