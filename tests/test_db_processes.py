"""Several processes on one DuckDB file (deploy/run.sh): a process lets go of the file when it
is idle or a writer waits, so a write from another process goes through; readers cannot
starve a writer; a writer that cannot get the file in time gets a clear error, nothing
written. Real processes (subprocess), each driven line by line through its stdin."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from clv_engine import db as dbmod
from clv_engine import scenarios
from clv_engine.db import Database
from clv_engine.errors import InputError
from wording.errors import explain

ROOT = Path(__file__).resolve().parent.parent

# A reading process. Commands: "count" (scenarios it reads), "open" (whether it has the file
# open), "loop" (4 threads query without pause until "stop", which answers how many queries
# ran and the last scenario count read), "flock" (holds <db>.lock shared, like a process in
# the middle of a long query), "raw" (a plain read-only DuckDB connection, outside the
# protocol), "quit".
CHILD = r"""
import fcntl, os, sys, threading
from pathlib import Path
from clv_engine import db as dbmod
path, idle = sys.argv[1], float(sys.argv[2])
dbmod.IDLE_SECONDS = idle
db = dbmod.Database(path)
held, stop, done, seen = [], threading.Event(), [0], [None]

def loop():
    while not stop.is_set():
        seen[0] = db.query_value("SELECT count(*) FROM scenarios WHERE kind <> ?", ["x"])
        db.query_value("SELECT count(*) FROM orders WHERE revenue > ?", [-1.0])
        done[0] += 1

threads = []
print("ready", flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "count":
        print(db.query_value("SELECT count(*) FROM scenarios"), flush=True)
    elif cmd == "open":
        fds = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
               if os.path.exists(f"/proc/self/fd/{fd}")]
        print(int(str(Path(path).resolve()) in fds), flush=True)
    elif cmd == "loop":
        threads = [threading.Thread(target=loop) for _ in range(4)]
        for t in threads:
            t.start()
        print("looping", flush=True)
    elif cmd == "stop":
        stop.set()
        for t in threads:
            t.join()
        print(done[0], seen[0], flush=True)
    elif cmd == "flock":
        fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_SH)
        held.append(fd)
        print("held", flush=True)
    elif cmd == "raw":
        import duckdb
        held.append(duckdb.connect(path, read_only=True))
        print("held", flush=True)
    elif cmd == "quit":
        break
"""


class Child:
    def __init__(self, path: Path, idle: float = 3600.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(idle)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "ready", self.proc.stderr.read()[-500:]

    def ask(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer, self.proc.stderr.read()[-500:]
        return answer

    def close(self) -> None:
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:  # pragma: no cover - a hung child
                self.proc.kill()
                self.proc.wait()


@pytest.fixture()
def child(request, writable_db_path):
    children = []

    def start(idle: float = 3600.0) -> Child:
        children.append(Child(writable_db_path, idle))
        return children[-1]

    yield start
    for c in children:
        c.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_idle_process_lets_a_write_of_another_through_and_then_reads_it(child, writable_db_path):
    reader = child()  # never idle long enough to let go on its own: only a waiting writer moves it
    before = int(reader.ask("count"))
    assert reader.ask("open") == "1"
    start = time.monotonic()
    scenarios.save_scenario(Database(writable_db_path), "allocator", "from B", {"budget": 1})
    assert time.monotonic() - start < 5
    assert int(reader.ask("count")) == before + 1  # A reopened on its own and sees the new row


def test_a_process_lets_go_of_the_file_when_idle(child):
    reader = child(idle=0.3)
    reader.ask("count")
    deadline = time.monotonic() + 5
    while reader.ask("open") == "1":
        assert time.monotonic() < deadline, "the idle process kept the file open"
        time.sleep(0.1)
    assert int(reader.ask("count")) >= 0  # and reads again when asked


def test_readers_querying_without_pause_do_not_starve_a_writer(child, writable_db_path):
    reader = child()
    before = int(reader.ask("count"))
    assert reader.ask("loop") == "looping"
    time.sleep(1.0)
    start = time.monotonic()
    scenarios.save_scenario(Database(writable_db_path), "allocator", "while busy", {"budget": 2})
    waited = time.monotonic() - start
    time.sleep(1.0)
    queries, seen = (int(x) for x in reader.ask("stop").split())
    assert waited < 5, waited
    assert queries > 20  # the reader really was busy, before and after the write
    assert seen == before + 1  # and went on reading after it, the new row included


@pytest.mark.parametrize("hold", ["flock", "raw"])
def test_a_writer_that_cannot_get_the_file_gets_a_clear_error_and_nothing_changes(
    child, writable_db_path, monkeypatch, hold
):
    # "flock": a process of the app in the middle of a query that outlasts the timeout;
    # "raw": a process outside the protocol (a DuckDB shell) holding the file open.
    blocker = child()
    assert blocker.ask(hold) == "held"
    monkeypatch.setattr(dbmod, "WRITE_TIMEOUT", 1.0)
    before = _digest(writable_db_path)
    db = Database(writable_db_path)
    start = time.monotonic()
    with pytest.raises(InputError) as caught:
        scenarios.save_scenario(db, "allocator", "never saved", {"budget": 3})
    assert 0.9 <= time.monotonic() - start < 10
    assert caught.value.code == "database.busy"
    assert writable_db_path.name in explain(caught.value, "en")
    assert _digest(writable_db_path) == before
    # The failed writer let go of the turnstile: reading goes on at once.
    start = time.monotonic()
    assert db.query_value("SELECT count(*) FROM scenarios WHERE name = ?", ["never saved"]) == 0
    assert time.monotonic() - start < 2


def test_two_databases_of_one_process_behave_like_two_processes(writable_db_path, monkeypatch):
    monkeypatch.setattr(dbmod, "IDLE_SECONDS", 3600.0)
    a, b = Database(writable_db_path), Database(writable_db_path)
    before = a.query_value("SELECT count(*) FROM scenarios")
    with b.write_transaction() as con:
        con.execute("INSERT INTO scenarios VALUES ('p1', 'allocator', 'p', now(), '{}')")
    assert a.query_value("SELECT count(*) FROM scenarios") == before + 1


def test_a_nested_cursor_while_a_write_waits_does_not_deadlock(writable_db_path):
    db = Database(writable_db_path)
    wrote = threading.Event()

    def write():
        with db.write_transaction() as con:
            con.execute("INSERT INTO meta VALUES ('nested', 'v')")
        wrote.set()

    with db.cursor() as outer:
        outer.execute("SELECT 1").fetchone()
        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 5
        while not db._writers:  # the write is waiting for this query
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # The same thread, still in its query, asks for another cursor (ScopedDatabase and
        # helpers may): it gets one at once instead of waiting for the writer.
        assert db.query_value("SELECT count(*) FROM customers") == 3_000
        assert not wrote.is_set()
    writer.join(timeout=10)
    assert wrote.is_set()
    assert db.query_value("SELECT value FROM meta WHERE key = 'nested'") == "v"


def test_a_write_inside_a_query_of_the_same_thread_is_refused(writable_db_path):
    db = Database(writable_db_path)
    with db.cursor():
        with pytest.raises(RuntimeError, match="wait for itself"):
            with db.write_transaction():
                pass  # pragma: no cover


def test_without_lock_files_reading_and_a_lone_write_still_work(writable_db_path, monkeypatch):
    # A directory the app may not write to (and no lock file yet): no coordination, as before.
    real_open = os.open

    def refuse(path, flags, *args):
        if str(path).endswith((".lock", ".writer")):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(dbmod.os, "open", refuse)
    db = Database(writable_db_path)
    assert db.query_value("SELECT count(*) FROM customers") == 3_000
    with db.write_transaction() as con:
        con.execute("INSERT INTO meta VALUES ('lone', 'v')")
    assert db.query_value("SELECT value FROM meta WHERE key = 'lone'") == "v"
    assert not Path(str(writable_db_path) + ".lock").exists()


def test_the_premise_duckdb_refuses_a_writer_while_another_process_reads(writable_db_path):
    # Sanity of the premise: DuckDB itself refuses a second process's read-write connection
    # while a read-only one is open (what the lock files exist to avoid).
    code = f"import duckdb; duckdb.connect({str(writable_db_path)!r}).close()"
    con = duckdb.connect(str(writable_db_path), read_only=True)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    finally:
        con.close()
    assert done.returncode != 0 and "lock" in done.stderr.lower()


def _count_in_child(path, queue):  # runs in a forked child: a fresh reader of its own
    time.sleep(0.5)
    queue.put(Database(path).query_value("SELECT count(*) FROM customers"))
    time.sleep(30)


def test_a_forked_child_does_not_keep_the_parents_lock(writable_db_path, monkeypatch):
    import multiprocessing

    monkeypatch.setattr(dbmod, "IDLE_SECONDS", 3600.0)
    monkeypatch.setattr(dbmod, "WRITE_TIMEOUT", 5.0)
    db = Database(writable_db_path)
    assert db.query_value("SELECT count(*) FROM customers") == 3_000  # the reader is open
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_count_in_child, args=(writable_db_path, queue), daemon=True)
    child.start()
    try:
        assert queue.get(timeout=20) == 3_000
        with db.write_transaction() as con:  # the child lives on, without the parent's lock
            con.execute("INSERT INTO meta VALUES ('after fork', 'v')")
        assert db.query_value("SELECT value FROM meta WHERE key = 'after fork'") == "v"
    finally:
        child.terminate()
        child.join()
