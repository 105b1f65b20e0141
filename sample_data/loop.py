"""Closing the loop in the sample: one issued call list with a control group, the contacts
made and the visits the calls brought back (run by sample_data.generate after the load)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sample_data.world import END, KIND_MARGIN, KIND_MEDIAN_REVENUE

LOOP_ISSUED_DAYS_BEFORE_END = 150  # the list was issued five months before the data ends
LOOP_WINDOW_DAYS = 90
LOOP_HOLDOUT = 0.20  # a pilot: a fifth of each level held out, so every level can be judged
# Per level: chance a call reaches the customer, and chance that a reached customer who would
# not have come back on their own comes back because of it (the simulated effect).
# Reach × win-back (0.50, 0.32, 0.18) is the measured success, below the typed 78% / 53% / 31%.
LOOP_REACH = {"high": 0.90, "mid": 0.80, "low": 0.70}
LOOP_WIN_BACK = {"high": 0.55, "mid": 0.40, "low": 0.25}
LOOP_CHANNEL = {"high": "visit", "mid": "call", "low": "message"}
LOOP_OWNER = {"high": "总经理", "mid": "客户经理", "low": "自动关怀"}


def _close_the_loop(path: Path, seed: int) -> None:
    """Issue the churn engine's call list as of five months before the data ends, hold out a
    control group, and write the contacts and the visits the calls brought back.

    The effect is known: a treated customer who would not have come back in the window comes
    back with LOOP_WIN_BACK of their level when reached. The realised effect (extra returns /
    treated customers, per level and overall) is written to ``meta`` as ``loop_simulated_uplift``
    so the measured uplift on the results page can be checked against it.
    """
    import json
    import uuid
    from datetime import timedelta

    from clv_engine import churn, clv, contacts
    from clv_engine.db import Database

    rng = np.random.default_rng([seed, 16])
    issued = END - timedelta(days=LOOP_ISSUED_DAYS_BEFORE_END)
    db = Database(path)
    try:
        scored = churn.score_risk(churn.churn_signals(db, issued))
        if scored.empty:
            return
        calibration = churn.calibrate(churn.backtest_signals(db, issued))
        method = "calibrated" if calibration is not None else "score"
        # The pilot called every customer at risk (not only those worth the cost), so each
        # level has enough customers to be judged.
        ranked = churn.call_list(scored, clv.customer_values(db, issued), method, calibration)
        if ranked.empty:
            return
        list_id = str(
            uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63)), version=4)
        )
        contacts.issue_call_list(
            db, ranked, issued, "试点回访 · 全部门店", LOOP_HOLDOUT, LOOP_WINDOW_DAYS, method, list_id
        )
        members = db.query_df(
            "SELECT m.customer_id, m.store_id, m.level, m.control, EXISTS (SELECT 1 FROM orders o "
            "WHERE o.customer_id = m.customer_id AND o.order_date > ? AND o.order_date <= ?) AS returned "
            "FROM call_list_members m WHERE m.list_id = ? ORDER BY m.customer_id",
            [issued, issued + timedelta(days=LOOP_WINDOW_DAYS), list_id],
        )
        treated = members[~members["control"]].reset_index(drop=True)
        n = len(treated)
        level = treated["level"].to_numpy()
        reached = rng.random(n) < np.vectorize(LOOP_REACH.get)(level)
        won_back = (
            reached
            & ~treated["returned"].to_numpy()
            & (rng.random(n) < np.vectorize(LOOP_WIN_BACK.get)(level))
        )
        contact_day = rng.integers(1, 15, n)
        # The reached who neither came back nor were won back either booked and did not come, or said no.
        other = np.where(rng.random(n) < 0.5, "declined", np.where(rng.random(n) < 0.5, "booked", "reached"))
        outcome = np.where(
            ~reached, "unreachable", np.where(won_back | treated["returned"].to_numpy(), "came_back", other)
        )
        cost = np.where(
            reached, np.vectorize({i.level: i.cost for i in churn.INTERVENTIONS}.get)(level), 10.0
        )
        log = pd.DataFrame(
            {
                "contact_id": [f"{list_id}:{c}" for c in treated["customer_id"]],
                "list_id": list_id,
                "customer_id": treated["customer_id"],
                "contact_date": [issued + timedelta(days=int(d)) for d in contact_day],
                "store_id": treated["store_id"],
                "channel": np.vectorize(LOOP_CHANNEL.get)(level),
                "intervention": level,
                "owner": np.vectorize(LOOP_OWNER.get)(level),
                "outcome": outcome,
                "cost": cost,
            }
        )
        back = treated[won_back].assign(day=contact_day[won_back] + rng.integers(3, 40, int(won_back.sum())))
        revenue = np.round(rng.lognormal(np.log(KIND_MEDIAN_REVENUE[0]), 0.4, len(back)), 2)
        visits = pd.DataFrame(
            {
                "order_id": [f"RL{i + 1:08d}" for i in range(len(back))],
                "customer_id": back["customer_id"],
                "order_date": [issued + timedelta(days=int(d)) for d in back["day"]],
                "store_id": back["store_id"],
                "kind": "maintenance",
                "revenue": revenue,
                "gross_profit": np.round(revenue * KIND_MARGIN[0], 2),
            }
        )
        effect = {lv: float(won_back[level == lv].sum() / max((level == lv).sum(), 1)) for lv in churn.LEVELS}
        effect["all"] = float(won_back.sum() / max(n, 1))
        with db.write_transaction() as con:
            con.register("loop_contacts", log)
            con.execute(
                "INSERT INTO contacts SELECT contact_id, list_id, customer_id, CAST(contact_date AS DATE), "
                "store_id, channel, intervention, owner, outcome, cost FROM loop_contacts"
            )
            con.register("loop_visits", visits)
            con.execute(
                "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) SELECT order_id, customer_id, CAST(order_date AS DATE), store_id, kind, "
                "revenue, gross_profit FROM loop_visits"
            )
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('loop_simulated_uplift', ?)", [json.dumps(effect)]
            )
    finally:
        db.close()
