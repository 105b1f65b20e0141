"""The sample database: complete, deterministic, and shaped like a real after-sales book."""

import duckdb
import numpy as np
import pytest

from clv_engine.db import READER_CONFIG
from sample_data.generate import generate

TABLES = [
    "stores",
    "customers",
    "orders",
    "warranties",
    "referrals",
    "complaints",
    "event_attendance",
    "competitor_sightings",
    "appointments",
    "channel_spend",
    "store_kpis",
]


@pytest.fixture(scope="module")
def con(sample_db_path):
    c = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    yield c
    c.close()


def test_every_table_is_filled(con):
    for table in TABLES:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


def test_deterministic_for_a_seed(tmp_path):
    a = generate(300, 11, tmp_path / "a.duckdb")
    b = generate(300, 11, tmp_path / "b.duckdb")
    q = "SELECT count(*), sum(revenue), sum(gross_profit) FROM orders"
    ra = duckdb.connect(str(a), read_only=True).execute(q).fetchone()
    rb = duckdb.connect(str(b), read_only=True).execute(q).fetchone()
    assert ra == rb


def test_profit_is_concentrated_and_some_customers_lose_money(con):
    gp = np.array(
        [r[0] for r in con.execute("SELECT sum(gross_profit) FROM orders GROUP BY customer_id").fetchall()]
    )
    gp = np.sort(gp)[::-1]
    top20 = gp[: int(len(gp) * 0.2)].sum() / gp.sum()
    assert top20 > 0.5, top20
    assert (gp < 0).mean() > 0.005


def test_orders_reference_customers_and_stores(con):
    assert (
        con.execute(
            "SELECT count(*) FROM orders o LEFT JOIN customers c USING (customer_id) WHERE c.customer_id IS NULL"
        ).fetchone()[0]
        == 0
    )
    assert (
        con.execute(
            "SELECT count(*) FROM orders o LEFT JOIN stores s USING (store_id) WHERE s.store_id IS NULL"
        ).fetchone()[0]
        == 0
    )


def test_seasonality_february_dip(con):
    by_month = dict(
        con.execute(
            "SELECT month(order_date), count(*) FROM orders WHERE kind <> 'maintenance' GROUP BY 1"
        ).fetchall()
    )
    assert by_month[2] < 0.85 * by_month[10]


def test_channels_differ_in_cac(con):
    cac = dict(
        con.execute(
            "SELECT channel, sum(spend) / sum(new_customers) FROM channel_spend GROUP BY 1"
        ).fetchall()
    )
    assert cac["referral"] < cac["social"] < cac["store"] < cac["show"]


def test_rejects_too_few_customers(tmp_path):
    with pytest.raises(ValueError, match="customers"):
        generate(3, 1, tmp_path / "x.duckdb")


def test_failed_generation_keeps_the_old_file(tmp_path, monkeypatch):
    out = generate(100, 1, tmp_path / "keep.duckdb")
    before = out.read_bytes()
    import sample_data.generate as g

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(g, "_load", boom)
    with pytest.raises(RuntimeError):
        generate(100, 2, out)
    assert out.read_bytes() == before
