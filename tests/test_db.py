"""The shared reader: cursors per query, bound parameters, no file access, safe writes."""

import threading
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from clv_engine.db import Database, create_database


def test_concurrent_queries_on_one_reader(sample_db_path):
    db = Database(sample_db_path)
    expected = db.query_value("SELECT count(*) FROM orders")

    def count(_):
        return db.query_value("SELECT count(*) FROM orders WHERE revenue > ?", [-1e12])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(count, range(64)))
    assert results == [expected] * 64


def test_parameters_are_bound_not_formatted(sample_db_path):
    db = Database(sample_db_path)
    hostile = "x' OR '1'='1"
    assert db.query_value("SELECT count(*) FROM customers WHERE customer_id = ?", [hostile]) == 0


def test_reader_cannot_read_server_files(sample_db_path):
    db = Database(sample_db_path)
    with pytest.raises(duckdb.Error, match="disabled"):
        db.query_df("SELECT * FROM read_csv('/etc/passwd')")


def test_reader_is_read_only(sample_db_path):
    db = Database(sample_db_path)
    with pytest.raises(duckdb.Error):
        db.query_df("DELETE FROM orders")


def test_write_transaction_commits_and_reader_sees_it(writable_db_path):
    db = Database(writable_db_path)
    before = db.table_rows("scenarios")
    with db.write_transaction() as con:
        con.execute("INSERT INTO scenarios VALUES ('s1', 'allocator', 'a', now(), '{}')")
    assert db.table_rows("scenarios") == before + 1


def test_write_transaction_rolls_back_on_error(writable_db_path):
    db = Database(writable_db_path)
    with pytest.raises(RuntimeError):
        with db.write_transaction() as con:
            con.execute("INSERT INTO scenarios VALUES ('s2', 'allocator', 'b', now(), '{}')")
            raise RuntimeError("boom")
    assert db.query_value("SELECT count(*) FROM scenarios WHERE scenario_id = 's2'") == 0
    # The reader still works after the failed write.
    assert db.query_value("SELECT count(*) FROM customers") > 0


def test_reader_follows_a_replaced_file(tmp_path):
    path = tmp_path / "a.duckdb"
    create_database(path)
    db = Database(path)
    assert db.table_rows("stores") == 0
    new = tmp_path / "b.duckdb"
    create_database(new)
    con = duckdb.connect(str(new))
    con.execute("INSERT INTO stores VALUES ('S1', 'n', 'r', 'c')")
    con.close()
    new.replace(path)  # what an import does
    assert db.table_rows("stores") == 1


def test_a_reader_opened_after_a_swap_reads_the_new_file(tmp_path):
    # DuckDB keeps one instance per path in a process: a reader opened while another reader of
    # the path still holds the replaced file (a page's, not yet told of the swap) would be handed
    # that old file, and take it for the new one (an import's priming right after its swap).
    path = tmp_path / "a.duckdb"
    create_database(path)
    first = Database(path)
    assert first.table_rows("stores") == 0
    with first._cond:
        first._generation += 1  # its watcher stops: the swap is noticed at its next query only
    new = tmp_path / "b.duckdb"
    create_database(new)
    con = duckdb.connect(str(new))
    con.execute("INSERT INTO stores VALUES ('S1', 'n', 'r', 'c')")
    con.close()
    new.replace(path)  # what an import does
    second = Database(path)
    try:
        assert second.table_rows("stores") == 1
        assert first.table_rows("stores") == 1
    finally:
        second.close()
        first.close()


def test_writes_wait_for_readers(writable_db_path):
    db = Database(writable_db_path)
    errors = []

    def read():
        try:
            for _ in range(20):
                db.query_value("SELECT count(*) FROM orders")
        except Exception as e:  # pragma: no cover - the failure we look for
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for th in threads:
        th.start()
    for i in range(5):
        with db.write_transaction() as con:
            con.execute("INSERT INTO meta VALUES (?, 'v')", [f"k{i}"])
    for th in threads:
        th.join()
    assert not errors
    assert db.query_value("SELECT count(*) FROM meta WHERE key LIKE 'k%'") == 5


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.duckdb"):
        Database(tmp_path / "nothere.duckdb")


def test_the_database_path_comes_from_clv_db_else_the_demo(monkeypatch, tmp_path):
    from clv_engine.db import db_path_from_environment, default_db_path, sample_db_path

    monkeypatch.delenv("CLV_DB", raising=False)
    assert default_db_path() == sample_db_path() and not db_path_from_environment()
    monkeypatch.setenv("CLV_DB", str(tmp_path / "dealer.duckdb"))
    assert default_db_path() == tmp_path / "dealer.duckdb" and db_path_from_environment()


def test_settings_are_read_from_meta(sample_db_path, tmp_path):
    from clv_engine.db import assumed_margin_of, currency_of, read_settings

    settings = read_settings(Database(sample_db_path))
    # The demo's orders all carry gross profit: nothing assumed, money in yuan.
    assert assumed_margin_of(settings) is None and currency_of(settings) == "CNY"
    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()  # an old file without the meta table
    assert read_settings(Database(bare)) == {} and currency_of({}) == "CNY"
    assert assumed_margin_of({"assumed_margin": "0.3"}) == 0.3
