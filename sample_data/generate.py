"""Generate the demo database: a young, growing dealer group's after-sales history.

    python -m sample_data.generate --customers 10000 --seed 42 --out sample_data/clv_sample.duckdb

Realism, not uniform noise (each choice below is there for a page that needs it):
- value is log-normal and visit rates are gamma-distributed, so the top 20% of customers bring
  most of the gross profit; goodwill jobs and "problem cars" make some customers lose money;
- visits follow a seasonal Poisson process and stop for good when a customer lapses (a yearly
  hazard that differs by customer), so recency, churn and P(alive) have something to find;
- channels differ in customer value and in acquisition cost, so LTV/CAC lands in the SPEC §6
  bands; referrals, warranties, events, complaints and competitor sightings feed loyalty.

Everything is vectorised numpy and bulk-loaded into DuckDB from Arrow; the file is written
next to the target and renamed over it at the end, so a crash never leaves half a database.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from clv_engine.db import apply_schema
from clv_engine.derived import store
from clv_engine.derived.build import build, kept_checks
from clv_engine.derived.prime import prime_or_log
from sample_data.loop import _close_the_loop
from sample_data.service_clock import _odometer_and_complaint_clock
from sample_data.world import (
    CAC_SCALE,
    CHANNELS,
    END,
    GIVEN,
    KIND_MARGIN,
    KIND_MEDIAN_REVENUE,
    KIND_SHARE,
    KINDS,
    MODELS,
    MONTH_WEIGHT,
    SPAN_DAYS,
    START,
    STORE_WEIGHTS,
    STORES,
    SURNAMES,
)

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    pass


def _customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    # A growing brand: purchase dates denser in recent years (about +25% a year).
    growth = np.log(1.25) / 365.0
    last_day = SPAN_DAYS - 30
    u = rng.random(n)
    purchase_day = np.log1p(u * np.expm1(growth * last_day)) / growth
    purchase_day = np.sort(purchase_day.astype(np.int64))  # ids follow purchase order

    channel = rng.choice(len(CHANNELS), size=n, p=CHANNELS["share"].to_numpy())
    model = rng.choice(len(MODELS), size=n, p=MODELS["share"].to_numpy())
    price = MODELS["price"].to_numpy()[model] * rng.uniform(0.92, 1.08, n)
    store = rng.choice(len(STORES), size=n, p=STORE_WEIGHTS / STORE_WEIGHTS.sum())

    value = rng.lognormal(0.0, 0.75, n) * CHANNELS["value"].to_numpy()[channel] * np.sqrt(price / 300_000)
    visit_rate = rng.gamma(1.6, 0.85, n) * value**0.6  # visits a year while active
    # Yearly chance of lapsing for good; a few "one and done" buyers never come back.
    # About 5% a year on average (beta(1, 20)) and 3% "one and done": SPEC §2a expects about
    # 10% churned (no visit for over a year), and only lapsed customers should be there. (The
    # measured yearly retention lands near 94%, leaving room for a "+5 points" programme.)
    hazard = rng.beta(1.0, 20.0, n)
    lapse_after = rng.exponential(1.0, n) / -np.log1p(-hazard) * 365.0
    one_and_done = rng.random(n) < 0.03
    lapse_after[one_and_done] = rng.uniform(30, 200, one_and_done.sum())
    problem_car = rng.random(n) < 0.03  # repeated warranty-type repairs at a loss
    return {
        "purchase_day": purchase_day,
        "channel": channel,
        "model": model,
        "price": price,
        "store": store,
        "value": value,
        "visit_rate": visit_rate,
        "lapse_day": purchase_day + lapse_after,
        "problem_car": problem_car,
    }


def _orders(rng: np.random.Generator, c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    n = len(c["purchase_day"])
    # Everyone comes to the first free service (seed 002: whether they come back after it is
    # the first sign of loyalty), unless the car was bought in the last weeks.
    first = c["purchase_day"] + rng.integers(20, 120, n)
    stop = np.minimum(c["lapse_day"], SPAN_DAYS)
    active_days = np.clip(stop - first, 0, None)

    # Maintenance is periodic (once, twice or three times a year by mileage), with jitter.
    # Service reminders go out at 12 months or 10,000 km, whichever comes first, so most owners
    # (low mileage) come back within the year; a few stretch it (late, or slow on reminders).
    # An interval over a year would leave these active customers "no visit in 365 days", i.e.
    # churned in SPEC §2a, which only lapsed customers should be.
    # Two or three services a year are for high-mileage drivers (ride-hailing, business use,
    # long commutes): few, and mostly the valuable customers, which is what fills the gold and
    # platinum tiers (F and M high) while the typical owner stays a yearly R2/F2/M1 visitor.
    high_mileage = rng.random(n) < np.clip(0.06 * c["value"] ** 3.5, 0, 0.9)
    per_year = np.where(high_mileage, rng.choice([2, 3], size=n, p=[0.75, 0.25]), 1)
    interval = 365.0 / per_year * rng.uniform(0.97, 1.02, n)
    services = np.floor(active_days / interval).astype(np.int64) + (first < SPAN_DAYS)
    m_cust = np.repeat(np.arange(n), services)
    step = np.arange(len(m_cust)) - np.repeat(np.cumsum(services) - services, services)
    m_day = first[m_cust] + step * interval[m_cust] + rng.normal(0, 12, len(m_cust)) * (step > 0)
    m_kind = np.zeros(len(m_cust), dtype=np.int64)

    # Other visits (repairs, parts, accessories, accidents) follow a seasonal Poisson process:
    # drawn at the peak rate, then thinned by the month's weight.
    # The rate is very skewed (gamma shape 0.1, mean 0.4): most owners have no repair in a given
    # year, a few "regulars" (accessories, repairs, bodywork) many, so extra visits add to the
    # frequent, high-spend customers rather than shortening everyone's recency.
    extra_rate = rng.gamma(0.1, 4.0, n) * c["value"] ** 0.6 * c["visit_rate"] / 1.36
    peak = MONTH_WEIGHT.max() / MONTH_WEIGHT.mean()
    counts = rng.poisson(extra_rate * active_days / 365.0 * peak)
    e_cust = np.repeat(np.arange(n), counts)
    e_day = first[e_cust] + rng.random(len(e_cust)) * active_days[e_cust]
    month = pd.to_datetime(np.datetime64(START) + e_day.astype("timedelta64[D]")).month.to_numpy()
    keep = rng.random(len(e_cust)) < MONTH_WEIGHT[month - 1] / MONTH_WEIGHT.max()
    e_cust, e_day = e_cust[keep], e_day[keep]
    other = KIND_SHARE[1:] / KIND_SHARE[1:].sum()
    e_kind = 1 + rng.choice(len(other), size=len(e_cust), p=other)

    cust = np.concatenate([m_cust, e_cust])
    day = np.clip(np.concatenate([m_day, e_day]), 0, SPAN_DAYS).astype(np.int64)
    kind = np.concatenate([m_kind, e_kind])
    inside = day <= np.minimum(stop, SPAN_DAYS)[cust] + 30
    cust, day, kind = cust[inside], day[inside], kind[inside]
    m = len(cust)

    value = c["value"][cust]
    revenue = KIND_MEDIAN_REVENUE[kind] * rng.lognormal(0.0, 0.45, m) * value**0.6
    margin = np.clip(KIND_MARGIN[kind] + rng.normal(0.0, 0.05, m), 0.05, 0.7)
    gross_profit = revenue * margin
    # Goodwill and warranty-type jobs: little revenue, a loss for the workshop.
    goodwill = rng.random(m) < np.where(c["problem_car"][cust], 0.45, 0.03)
    revenue[goodwill] *= 0.15
    gross_profit[goodwill] = -revenue[goodwill] * rng.uniform(2.0, 6.0, goodwill.sum())
    kind[goodwill] = 1

    elsewhere = rng.random(m) < 0.10
    store = np.where(elsewhere, rng.integers(0, len(STORES), m), c["store"][cust])
    order = np.lexsort((day, cust))
    return {
        "cust": cust[order],
        "day": day[order],
        "store": store[order],
        "kind": kind[order],
        "revenue": np.round(revenue[order], 2),
        "gross_profit": np.round(gross_profit[order], 2),
    }


def _pick(rng: np.random.Generator, n: int, probability: np.ndarray) -> np.ndarray:
    return np.flatnonzero(rng.random(n) < np.clip(probability, 0.0, 1.0))


def _side_tables(
    rng: np.random.Generator, c: dict[str, np.ndarray], o: dict[str, np.ndarray]
) -> dict[str, pd.DataFrame]:
    n = len(c["purchase_day"])
    value = c["value"]
    lapsed = c["lapse_day"] < SPAN_DAYS
    last_seen = np.minimum(c["lapse_day"], SPAN_DAYS).astype(np.int64)
    span = np.maximum(last_seen - c["purchase_day"], 1)

    # Referrals: every referral-channel customer was referred by an earlier customer, the
    # more valuable and frequent ones more often (weights drawn over the earlier prefix).
    referred = np.flatnonzero(c["channel"] == 0)
    referred = referred[referred > 0]
    weight = np.cumsum(value * c["visit_rate"])
    target = rng.random(len(referred)) * weight[referred - 1]
    referrer = np.minimum(np.searchsorted(weight, target, side="right"), referred - 1)
    referrals = pd.DataFrame(
        {"referrer": referrer, "referred": referred, "day": c["purchase_day"][referred] - 10}
    )

    # Extended warranties and brand events draw the valuable owners (value squared): about a
    # fifth of customers each, as before, but concentrated where the loyalty really is.
    buyers = _pick(rng, n, 0.10 * value**2)
    sold_day = np.minimum(c["purchase_day"][buyers] + rng.integers(0, 60, len(buyers)), SPAN_DAYS)
    elapsed = np.clip((SPAN_DAYS - sold_day) / (3 * 365.0), 0, 1)
    warranties = pd.DataFrame(
        {
            "cust": buyers,
            "day": sold_day,
            "price": 5800.0,
            "claims": np.round(rng.gamma(1.2, 6200 / 1.2, len(buyers)) * elapsed, 2),
        }
    )

    attendees = _pick(rng, n, 0.10 * value**2)
    events = pd.DataFrame(
        {
            "cust": attendees,
            "day": c["purchase_day"][attendees]
            + (rng.random(len(attendees)) * span[attendees]).astype(np.int64),
        }
    )

    # A complaint on record (any logged grievance over the years: waiting time, price, a repeat
    # fix) is common, and commonest among low spenders who feel they get the least for the
    # money: about 70% of customers. Problem cars' owners nearly always complain.
    complainers = _pick(rng, n, np.where(c["problem_car"], 0.9, np.minimum(0.8 * value**-1.3, 0.92)))
    opened = c["purchase_day"][complainers] + (rng.random(len(complainers)) * span[complainers]).astype(
        np.int64
    )
    unresolved = (rng.random(len(complainers)) < 0.15) & (opened > SPAN_DAYS - 365)
    resolved = np.where(unresolved, -1, np.minimum(opened + rng.integers(1, 30, len(complainers)), SPAN_DAYS))
    complaints = pd.DataFrame(
        {"cust": complainers, "store": c["store"][complainers], "opened": opened, "resolved": resolved}
    )

    # Out of the 3-year factory warranty and without an extended one, owners shop around at
    # independent garages more often.
    covered = np.zeros(n, dtype=bool)
    covered[buyers] = True
    out_of_warranty = (SPAN_DAYS - c["purchase_day"] > 3 * 365) & ~covered
    # Insurer data shows most low-spending owners having some work done at an independent garage
    # (about 75% of all customers); valuable owners stay in the network. Lapsing customers are
    # seen at least 70% of the time, shortly before they go.
    base_seen = np.where(out_of_warranty, 1.2, 0.85) * value**-1.5
    seen = _pick(rng, n, np.where(lapsed, np.maximum(base_seen, 0.7), base_seen))
    seen_day = np.clip(last_seen[seen] - rng.integers(0, 120, len(seen)), c["purchase_day"][seen], SPAN_DAYS)
    sightings = pd.DataFrame({"cust": seen, "day": seen_day})

    # Appointments: most visits were booked; customers about to lapse cancel more.
    booked = np.flatnonzero(rng.random(len(o["cust"])) < 0.6)
    kept = pd.DataFrame(
        {"cust": o["cust"][booked], "store": o["store"][booked], "day": o["day"][booked], "status": "kept"}
    )
    cancel_rate = np.where(lapsed, 0.35, 0.08)
    cancellers = _pick(rng, n, cancel_rate * 2)
    cancel_day = np.clip(
        last_seen[cancellers] - rng.integers(0, 200, len(cancellers)),
        c["purchase_day"][cancellers],
        SPAN_DAYS,
    )
    cancelled = pd.DataFrame(
        {"cust": cancellers, "store": c["store"][cancellers], "day": cancel_day, "status": "cancelled"}
    )
    appointments = pd.concat([kept, cancelled], ignore_index=True)

    return {
        "referrals": referrals,
        "warranties": warranties,
        "events": events,
        "complaints": complaints,
        "sightings": sightings,
        "appointments": appointments,
    }


def _channel_spend(rng: np.random.Generator, c: dict[str, np.ndarray]) -> pd.DataFrame:
    months = (np.datetime64(START) + c["purchase_day"].astype("timedelta64[D]")).astype("datetime64[M]")
    frame = pd.DataFrame({"month": months, "channel": c["channel"]})
    counts = frame.groupby(["month", "channel"]).size().rename("new_customers").reset_index()
    cac = CHANNELS["spec_cac"].to_numpy()[counts["channel"]] * CAC_SCALE
    counts["spend"] = np.round(counts["new_customers"] * cac * rng.uniform(0.85, 1.15, len(counts)), 0)
    return counts


def _store_kpis(rng: np.random.Generator) -> pd.DataFrame:
    months = pd.date_range(START, END, freq="MS")
    rows = []
    base_nps = rng.uniform(20, 60, len(STORES))
    base_fix = rng.uniform(0.82, 0.94, len(STORES))
    base_eff = rng.uniform(0.85, 1.05, len(STORES))
    trend = rng.normal(0, 0.15, len(STORES))
    for i, store_id in enumerate(STORES["store_id"]):
        k = np.arange(len(months))
        rows.append(
            pd.DataFrame(
                {
                    "month": months,
                    "store_id": store_id,
                    "nps": np.clip(base_nps[i] + trend[i] * k + rng.normal(0, 4, len(k)), -100, 100).round(1),
                    "first_time_fix_rate": np.clip(base_fix[i] + rng.normal(0, 0.02, len(k)), 0, 1).round(3),
                    "technician_efficiency": np.clip(base_eff[i] + rng.normal(0, 0.04, len(k)), 0, 1.5).round(
                        3
                    ),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    given1 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    given2 = np.where(rng.random(n) < 0.6, np.array(GIVEN)[rng.integers(0, len(GIVEN), n)], "")
    return np.char.add(np.char.add(surname, given1), given2)


def _load(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, c, o, side, seed: int) -> None:
    n = len(c["purchase_day"])
    con.register("stores_df", STORES)
    con.execute("INSERT INTO stores SELECT * FROM stores_df")
    store_ids = STORES["store_id"].to_numpy()

    customers = pd.DataFrame(
        {
            "i": np.arange(n),
            "name": _names(rng, n),
            "phone_tail": rng.integers(0, 10_000, n),
            "store_id": store_ids[c["store"]],
            "channel": CHANNELS["channel"].to_numpy()[c["channel"]],
            "model": MODELS["vehicle_model"].to_numpy()[c["model"]],
            "day": c["purchase_day"],
            "price": np.round(c["price"], -2),
        }
    )
    con.register("customers_df", customers)
    # Ids, dates and VINs are built in SQL: far faster than Python strings at 1M rows.
    con.execute(
        """
        INSERT INTO customers
        SELECT 'C' || lpad(CAST(i + 1 AS VARCHAR), 7, '0'), name,
               '138****' || lpad(CAST(phone_tail AS VARCHAR), 4, '0'),
               store_id, channel,
               'LVS' || upper(substr(md5(CAST(i AS VARCHAR) || ? ), 1, 14)),
               model, DATE '2019-01-01' + CAST(day AS INTEGER), price
        FROM customers_df
        """,
        [str(seed)],
    )
    orders = pd.DataFrame(
        {
            "i": np.arange(len(o["cust"])),
            "cust": o["cust"],
            "day": o["day"],
            "store_id": store_ids[o["store"]],
            "kind": KINDS[o["kind"]],
            "revenue": o["revenue"],
            "gross_profit": o["gross_profit"],
        }
    )
    con.register("orders_df", orders)
    con.execute(
        """
        INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit)
        SELECT 'RO' || lpad(CAST(i + 1 AS VARCHAR), 9, '0'),
               'C' || lpad(CAST(cust + 1 AS VARCHAR), 7, '0'),
               DATE '2019-01-01' + CAST(day AS INTEGER), store_id, kind, revenue, gross_profit
        FROM orders_df
        """
    )
    cid = "'C' || lpad(CAST({col} + 1 AS VARCHAR), 7, '0')"
    day = "DATE '2019-01-01' + CAST({col} AS INTEGER)"
    con.register("referrals_df", side["referrals"])
    con.execute(
        f"INSERT INTO referrals SELECT {cid.format(col='referrer')}, {cid.format(col='referred')}, "
        f"{day.format(col='day')} FROM referrals_df"
    )
    con.register("warranties_df", side["warranties"])
    con.execute(
        f"INSERT INTO warranties SELECT 'W' || lpad(CAST(row_number() OVER () AS VARCHAR), 7, '0'), "
        f"{cid.format(col='cust')}, {day.format(col='day')}, price, 3, claims FROM warranties_df"
    )
    con.register("events_df", side["events"])
    con.execute(
        f"INSERT INTO event_attendance SELECT {cid.format(col='cust')}, {day.format(col='day')}, "
        "'车主嘉年华' FROM events_df WHERE day <= ?",
        [SPAN_DAYS],
    )
    complaints = side["complaints"].assign(store_id=store_ids[side["complaints"]["store"]])
    con.register("complaints_df", complaints)
    con.execute(
        f"INSERT INTO complaints (complaint_id, customer_id, store_id, opened, resolved) SELECT 'Q' || lpad(CAST(row_number() OVER () AS VARCHAR), 7, '0'), "
        f"{cid.format(col='cust')}, store_id, {day.format(col='opened')}, "
        f"CASE WHEN resolved < 0 THEN NULL ELSE {day.format(col='resolved')} END FROM complaints_df"
    )
    con.register("sightings_df", side["sightings"])
    con.execute(
        f"INSERT INTO competitor_sightings SELECT {cid.format(col='cust')}, {day.format(col='day')}, "
        "'insurer' FROM sightings_df"
    )
    appointments = side["appointments"].assign(store_id=store_ids[side["appointments"]["store"]])
    con.register("appointments_df", appointments)
    con.execute(
        f"INSERT INTO appointments SELECT 'A' || lpad(CAST(row_number() OVER () AS VARCHAR), 9, '0'), "
        f"{cid.format(col='cust')}, store_id, {day.format(col='day')}, status FROM appointments_df"
    )
    spend = _channel_spend(rng, c)
    spend["channel"] = CHANNELS["channel"].to_numpy()[spend["channel"]]
    con.register("spend_df", spend)
    con.execute(
        "INSERT INTO channel_spend SELECT CAST(month AS DATE), channel, spend, new_customers FROM spend_df"
    )
    con.register("kpis_df", _store_kpis(rng))
    con.execute(
        "INSERT INTO store_kpis SELECT CAST(month AS DATE), store_id, nps, first_time_fix_rate, technician_efficiency FROM kpis_df"
    )
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ["source", "sample"],
            ["generator_seed", str(seed)],
            ["customers", str(n)],
            ["data_end_date", END.isoformat()],
            ["currency", "CNY"],
        ],  # every order carries its gross profit: no assumed_margin row
    )


def generate(
    customers: int = 10_000,
    seed: int = 42,
    out: str | Path = "sample_data/clv_sample.duckdb",
    progress: Progress = _no_progress,
) -> Path:
    """Write a complete sample database to ``out`` (atomically) and return its path."""
    if customers < 10:
        raise ValueError("customers must be at least 10")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)

    rng = np.random.default_rng(seed)
    progress(0.05, "customers")
    c = _customers(rng, customers)
    progress(0.20, "orders")
    o = _orders(rng, c)
    progress(0.45, "loyalty")
    side = _side_tables(rng, c, o)
    progress(0.55, "writing")
    con = duckdb.connect(str(tmp))
    try:
        apply_schema(con)
        con.execute("BEGIN TRANSACTION")
        _load(con, rng, c, o, side, seed)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    progress(0.90, "contacts")
    _close_the_loop(tmp, seed)
    _odometer_and_complaint_clock(tmp, seed)
    progress(0.95, "deriving")
    checks = _derive(tmp, lambda done, step: progress(0.95 + 0.05 * done, "deriving"))
    os.replace(tmp, out)
    store.remember(out, checks)  # the first start's data check: read, no pass over the orders
    prime_or_log(out)  # and the figures the pages' first renders would work out
    progress(1.0, "done")
    return out


def _derive(path: Path, progress: Progress = _no_progress) -> dict:
    """The per-customer tables of the finished sample (clv_engine.derived), in the file; returns
    their data check (``build.kept_checks``) to remember beside the file once it is in place."""
    con = duckdb.connect(str(path))
    try:
        build(con, progress)
        checks = kept_checks(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a sample after-sales CLV database.")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="sample_data/clv_sample.duckdb")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = generate(args.customers, args.seed, args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
