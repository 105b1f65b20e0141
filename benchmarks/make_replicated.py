"""A database N times the size of a given one, built inside DuckDB (issue 14's 10M run: a fresh
10,000,000-customer generation does not fit this machine's time, a replicated 1M does).

    python benchmarks/make_replicated.py /tmp/speed_c1m.duckdb /tmp/c10m.duckdb --times 10

Copy k (k = 0 .. N-1) keeps every row of the source with its ids suffixed ``~k`` (copy 0 keeps
the ids as they are), so every customer, order, contract, complaint, referral and contact is a
distinct row with the same history as its original. Tables without customer rows (stores, store
KPIs, channel spend, settings, call-list headers, users) are copied once. Tables are created with
CREATE TABLE AS (no primary-key index: a benchmark file is never written by the app).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import duckdb

# Columns holding ids that must stay distinct across copies.
ID_COLUMNS = {
    "customer_id",
    "order_id",
    "contract_id",
    "referrer_id",
    "referred_id",
    "complaint_id",
    "appointment_id",
    "contact_id",
}


def replicate(source: Path, target: Path, times: int) -> None:
    if target.exists():
        target.unlink()
    con = duckdb.connect(str(target))
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(source)])
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = 'src' AND table_schema = 'main' ORDER BY table_name"
        ).fetchall()
    ]
    for table in tables:
        columns = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'src' "
                "AND table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
        quoted = f'"{table}"'
        started = time.perf_counter()
        if not ID_COLUMNS.intersection(columns):
            con.execute(f"CREATE TABLE {quoted} AS SELECT * FROM src.{quoted}")
        else:
            selects = []
            for k in range(times):
                parts = [
                    f'"{c}" || \'~{k}\' AS "{c}"' if (c in ID_COLUMNS and k) else f'"{c}"' for c in columns
                ]
                selects.append(f"SELECT {', '.join(parts)} FROM src.{quoted}")
            con.execute(f"CREATE TABLE {quoted} AS " + " UNION ALL ".join(selects))
        rows = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
        print(f"{table:<22} {rows:>12,} rows  {time.perf_counter() - started:6.1f} s", flush=True)
    con.execute("DETACH src")
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    one, five, _ = os.getloadavg()
    print(f"load {one:.1f}/{five:.1f}")
    started = time.perf_counter()
    replicate(args.source, args.target, args.times)
    size = args.target.stat().st_size / 2**30
    print(f"built {args.target} ({size:.1f} GiB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
