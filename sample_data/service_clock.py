"""The sample's odometer readings and complaint clock (run by sample_data.generate after the
load): what is due from the vehicle, and complaints with the hours they were answered in."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from sample_data.world import END, STORES

KM_PER_DAY_MEDIAN = 38.0  # about 14,000 km a year; high-mileage drivers several times more
STORE_RESPONSE_SPEED = np.array([0.6, 1.0, 0.8, 1.6, 0.7, 2.2, 1.0, 1.3])  # slow stores answer later


def _odometer_and_complaint_clock(path: Path, seed: int) -> None:
    """Write the odometer on workshop visits and the times of every complaint.

    Mileage: each car has its own pace (km per day), so the km since purchase grow with the
    days; counter sales (parts, accessories) carry no reading. Complaints: logged in opening
    hours on their opened date, answered after a log-normal delay (median about three hours,
    longer at the slower stores), resolved during opening hours of their resolved date; a
    complaint still open may not have been answered yet. Dates already written are kept, so
    every other figure of the sample stays as it was.
    """
    rng = np.random.default_rng([seed, 17])
    con = duckdb.connect(str(path))
    try:
        # Per car a pace drawn here; the readings are written in SQL (10M orders stay in DuckDB).
        cars = con.execute("SELECT customer_id, purchase_date FROM customers ORDER BY customer_id").df()
        cars["pace"] = rng.lognormal(np.log(KM_PER_DAY_MEDIAN), 0.5, len(cars))
        con.register("cars", cars)
        con.execute(
            "UPDATE orders SET mileage = round(greatest(date_diff('day', k.purchase_date, orders.order_date), 0) "
            "* k.pace + hash(orders.order_id) % 50) FROM cars k "
            "WHERE orders.customer_id = k.customer_id AND orders.kind NOT IN ('parts', 'accessories')"
        )

        complaints = con.execute(
            "SELECT complaint_id, store_id, opened, resolved FROM complaints ORDER BY complaint_id"
        ).df()
        n = len(complaints)
        if n:
            opened = pd.to_datetime(complaints["opened"])
            opened_at = opened + pd.to_timedelta(rng.uniform(8.5, 19.5, n), unit="h")
            store = STORES["store_id"].tolist()
            speed = np.array(
                [STORE_RESPONSE_SPEED[store.index(s)] if s in store else 1.0 for s in complaints["store_id"]]
            )
            answered = opened_at + pd.to_timedelta(rng.lognormal(np.log(3.0), 1.0, n) * speed, unit="h")
            resolved = pd.to_datetime(complaints["resolved"])
            resolved_at = resolved + pd.to_timedelta(rng.uniform(9.0, 19.0, n), unit="h")
            resolved_at = resolved_at.where(resolved_at >= opened_at, opened_at + pd.Timedelta(hours=1))
            answered = answered.where(answered <= resolved_at, resolved_at)  # closing it answers it
            now = pd.Timestamp(END) + pd.Timedelta(days=1)
            # Still open: answered only if the answer came before the data ends, and a fifth of
            # them never got one (the list a store manager has to chase).
            ignored = resolved.isna().to_numpy() & (rng.random(n) < 0.2)
            answered = answered.where((resolved.notna() | (answered <= now)) & ~ignored)
            clock = pd.DataFrame(
                {
                    "complaint_id": complaints["complaint_id"],
                    "opened_at": opened_at.dt.floor("min"),
                    "responded_at": answered.dt.floor("min"),
                    "resolved_at": resolved_at.where(resolved.notna()).dt.floor("min"),
                    "status": np.where(resolved.notna(), "resolved", "open"),
                }
            )
            con.register("clock", clock)
            con.execute(
                "UPDATE complaints SET opened_at = k.opened_at, responded_at = k.responded_at, "
                "resolved_at = k.resolved_at, status = k.status FROM clock k "
                "WHERE complaints.complaint_id = k.complaint_id"
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
