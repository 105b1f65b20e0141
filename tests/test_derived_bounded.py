"""The derived build bounded for 10M customers (issue 14): DuckDB's memory limit on the build's
connection, and the tables committed a step at a time. A build that fails after a committed
step leaves the data as it was and no usable derived table (the pages compute)."""

from __future__ import annotations

import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import clv
from clv_engine.db import Database
from clv_engine.derived import build as derived_build
from clv_engine.derived import store
from tests.test_derived_dates import END, _make


def _orders(path):
    db = Database(path)
    try:
        return db.query_df("SELECT * FROM orders ORDER BY order_id")
    finally:
        db.close()


def test_memory_limit_is_checked_and_used(tmp_path, capsys):
    path = _make(tmp_path / "m.duckdb", seed=3, customers=30)
    assert cli.main([str(path), "--memory-limit", "lots"]) == 1
    assert "memory limit" in capsys.readouterr().err
    assert cli.main([str(path), "--memory-limit", "256MB"]) == 0
    store.forget()
    db = Database(path)
    try:
        assert store.stored(db) is not None and store.stored(db).as_of == END
    finally:
        db.close()


def test_a_failure_after_a_committed_step_leaves_no_usable_table(tmp_path, monkeypatch):
    path = _make(tmp_path / "f.duckdb", seed=4, customers=30)
    before = _orders(path)
    first = Database(path)
    try:
        expected = clv.customer_values(first, END)  # computed: no table yet
    finally:
        first.close()

    def broken(*args, **kwargs):
        raise RuntimeError("the churn step failed")

    monkeypatch.setattr(derived_build.derived_churn, "build", broken)
    with pytest.raises(RuntimeError):
        cli.derive(path, out=lambda line: None)
    store.forget()
    db = Database(path)
    try:
        assert store.stored(db) is None  # the dates' tables were committed, derived_meta never
        assert store.META_TABLE not in db.tables()
        pd.testing.assert_frame_equal(_orders(path), before)
        pd.testing.assert_frame_equal(clv.customer_values(db, END), expected)
    finally:
        db.close()
    monkeypatch.undo()
    assert cli.main([str(path)]) == 0  # the next build replaces the leftovers
    store.forget()
    db = Database(path)
    try:
        assert store.stored(db) is not None
    finally:
        db.close()
