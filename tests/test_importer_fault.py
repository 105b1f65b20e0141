"""Fault test: an import process killed midway leaves the previous database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from clv_engine.db import Database
from clv_engine.imports import ImportOptions, Source, run_import

ROOT = Path(__file__).resolve().parent.parent

# A separate process runs a real import and stops at a step (so the kill lands there, not
# by luck of timing); the test then kills it with SIGKILL, which nothing can clean up after.
HOLDER = """
import sys, time
from datetime import date
from pathlib import Path
from clv_engine.imports import ImportOptions, Source, run_import

csv, db, step, marker = sys.argv[1:5]

def progress(fraction, current):
    if current == step:
        Path(marker).write_text(current)
        time.sleep(600)

run_import([Source("orders", Path(csv))], Path(db), ImportOptions(today=date(2026, 12, 1)), progress=progress)
"""


def fingerprint(db_path: Path) -> tuple:
    # Attached: the app's reader in this process may hold the file with another configuration.
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(db_path)])
    con.execute("USE d")
    try:
        return con.execute(
            "SELECT count(*), sum(revenue), md5(string_agg(order_id || customer_id, ',' ORDER BY order_id)), "
            "(SELECT count(*) FROM customers), (SELECT count(*) FROM complaints) FROM orders"
        ).fetchone()
    finally:
        con.close()


def new_orders(path: Path, rows: int = 3000) -> Path:
    lines = ["工单号,客户编号,工单日期,金额,毛利"]
    lines += [f"N{i},K{i % 300},2024-0{1 + i % 9}-1{i % 10},{100 + i},{40 + i % 50}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("step", ["writing", "loaded", "replacing"])
def test_killed_import_leaves_the_previous_data_intact(writable_db_path, tmp_path, step):
    before = fingerprint(writable_db_path)
    csv = new_orders(tmp_path / "orders.csv")
    marker = tmp_path / "marker"
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    process = subprocess.Popen(
        [sys.executable, str(script), str(csv), str(writable_db_path), step, str(marker)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 120
    while not marker.exists():
        assert process.poll() is None, process.stdout.read().decode()
        assert time.time() < deadline, "the import did not reach the step"
        time.sleep(0.05)
    if step == "loaded":  # rows written to the new file, not yet checkpointed
        assert Path(str(writable_db_path) + ".importing").exists()
    process.send_signal(signal.SIGKILL)
    process.wait(30)

    # The previous data still opens, through the app's reader too, and is unchanged.
    assert fingerprint(writable_db_path) == before
    reader = Database(writable_db_path)
    assert reader.query_value("SELECT count(*) FROM orders") == before[0]
    # The next import is not blocked by the dead one's lock and clears what it left behind.
    run_import([Source("orders", csv)], writable_db_path, ImportOptions(today=date(2026, 12, 1)))
    assert not Path(str(writable_db_path) + ".importing").exists()
    assert reader.query_value("SELECT count(*) FROM orders") == 3000
    reader.close()
