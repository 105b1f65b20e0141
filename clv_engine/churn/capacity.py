"""A week's capacity per store: the calls (or the budget) that make the most expected value."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clv_engine.churn.rules import CODES, _as_float
from clv_engine.errors import InputError

CAPACITY_KINDS: tuple[str, ...] = ("calls", "budget")
_COMBINATIONS = 3_000_000  # counts per cost class tried by enumeration, at most
_DP_CELLS = 300_000_000  # above this much work the exact DP hands over to the MILP solver


def knapsack(
    values: Sequence[float] | np.ndarray, costs: Sequence[float] | np.ndarray, budget: float
) -> np.ndarray:
    """The 0/1 choice that maximises Σ value with Σ cost ≤ budget, exactly (a mask).

    Items of value ≤ 0 are never chosen (they cannot add). Costs are counted in whole fen
    (hundredths of a yuan). Items of equal cost are interchangeable but for their value, so
    an optimum takes the most valuable of each cost first, and only how many of each cost
    class remains to choose: by trying every combination of counts when there are few (one cost per risk
    level: at most three classes), else by a dynamic programme over the classes (budget in
    units of the costs' greatest common divisor). A budget that covers every item takes them
    all. Beyond ``_DP_CELLS`` of DP work, scipy's MILP with a zero optimality gap.
    """
    v = _as_float(values)
    c = np.round(_as_float(costs) * 100).astype(np.int64)
    if (c < 0).any():
        raise ValueError("a cost cannot be negative")
    chosen = np.zeros(len(v), dtype=bool)
    cap = int(np.floor(float(budget) * 100 + 1e-6))
    useful = np.flatnonzero(v > 0)
    if cap < 0 or len(useful) == 0:
        return chosen
    if c[useful].sum() <= cap:
        chosen[useful] = True
        return chosen
    classes = {}
    for i in useful[np.lexsort((useful, -v[useful]))]:  # best first within each cost
        classes.setdefault(int(c[i]), []).append(int(i))
    enumerated = _knapsack_by_counts(v, classes, cap)
    if enumerated is not None:
        chosen[enumerated] = True
        return chosen
    step = int(np.gcd.reduce([k for k in classes if k > 0])) if any(k > 0 for k in classes) else 1
    units = cap // step
    work = sum(min(len(items), units // max(k // step, 1)) for k, items in classes.items()) * (units + 1)
    if work > _DP_CELLS:
        return _knapsack_milp(v, c, cap, useful)
    best = np.zeros(units + 1)  # best value within b units of budget, over the classes so far
    picks = []
    for cost, items in classes.items():
        w = cost // step
        prefix = np.concatenate([[0.0], np.cumsum(v[items])])
        if w == 0:  # free: take every one
            best = best + prefix[-1]
            picks.append((cost, items, np.full(units + 1, len(items))))
            continue
        new, take = best.copy(), np.zeros(units + 1, dtype=np.int64)
        for k in range(1, min(len(items), units // w) + 1):
            candidate = np.full(units + 1, -np.inf)
            candidate[k * w :] = best[: units + 1 - k * w] + prefix[k]
            better = candidate > new
            new[better], take[better] = candidate[better], k
        best = new
        picks.append((cost, items, take))
    b = units
    for cost, items, take in reversed(picks):
        k = int(take[b])
        chosen[items[:k]] = True
        b -= k * (cost // step)
    return chosen


def _knapsack_by_counts(v: np.ndarray, classes: dict[int, list[int]], cap: int) -> list[int] | None:
    """Every combination of how many to take of each cost class but the largest, that one
    filled with as many as the rest of the budget buys (its items cost the same and are taken
    best first, so more is better). Exact for any costs; None when there are too many
    combinations (more than ``_COMBINATIONS``)."""
    costs = sorted(classes, key=lambda k: -min(len(classes[k]), cap // k if k else len(classes[k])))
    fill, others = costs[0], costs[1:]
    ranges = [min(len(classes[k]), cap // k if k else len(classes[k])) + 1 for k in others]
    if np.prod([float(r) for r in ranges]) > _COMBINATIONS:
        return None
    prefix = {k: np.concatenate([[0.0], np.cumsum(v[classes[k]])]) for k in costs}
    spent = np.zeros(1, dtype=np.int64)
    value = np.zeros(1)
    counts = np.zeros((1, 0), dtype=np.int64)
    for k, r in zip(others, ranges):
        n = np.arange(r)
        spent = (spent[:, None] + n[None, :] * k).ravel()
        value = (value[:, None] + prefix[k][n][None, :]).ravel()
        counts = np.concatenate([np.repeat(counts, r, axis=0), np.tile(n, len(counts))[:, None]], axis=1)
        keep = spent <= cap
        spent, value, counts = spent[keep], value[keep], counts[keep]
    n_fill = len(classes[fill])
    k_fill = np.full(len(spent), n_fill) if fill == 0 else np.minimum(n_fill, (cap - spent) // fill)
    total = value + prefix[fill][k_fill]
    best = int(np.argmax(total))
    picked = list(classes[fill][: int(k_fill[best])])
    for k, taken in zip(others, counts[best]):
        picked += classes[k][: int(taken)]
    return picked


def _knapsack_milp(v: np.ndarray, c: np.ndarray, cap: int, useful: np.ndarray) -> np.ndarray:
    from scipy.optimize import Bounds, LinearConstraint, milp

    result = milp(
        -v[useful],
        constraints=LinearConstraint(c[useful][None, :].astype(float), -np.inf, cap),
        integrality=np.ones(len(useful)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0},
    )
    chosen = np.zeros(len(v), dtype=bool)
    chosen[useful[np.round(result.x).astype(bool)]] = True
    return chosen


def top_n(values: Sequence[float] | np.ndarray, n: int) -> np.ndarray:
    """The n most valuable items of value > 0 (ties by position): the exact optimum of a call count."""
    v = _as_float(values)
    chosen = np.zeros(len(v), dtype=bool)
    order = [i for i in np.lexsort((np.arange(len(v)), -v)) if v[i] > 0][: max(int(n), 0)]
    chosen[order] = True
    return chosen


def within_capacity(
    frame: pd.DataFrame, kind: str, capacity: float | dict[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This week's calls per home store: the customers that make the most expected value
    within the store's capacity (``calls``: a number of calls; ``budget``: yuan of
    intervention cost), and per store what the next call would be worth.

    Returns (picked list in rank order, per-store table: store_id, capacity, calls, cost,
    net_value, next_value = the best expected value left out, next_cost = its cost,
    next_gain = budget only: what raising the budget by that cost adds, after re-choosing).
    """
    if kind not in CAPACITY_KINDS:
        raise ValueError(f"capacity must be one of {CAPACITY_KINDS}, got {kind!r}")
    stores = frame["home_store_id"].astype(object).fillna("").astype(str)  # codes (list_base) or text
    mask = np.zeros(len(frame), dtype=bool)
    rows = []
    for store in sorted(stores.unique()):
        at = np.flatnonzero((stores == store).to_numpy())
        limit = float(capacity.get(store, 0.0) if isinstance(capacity, dict) else capacity)
        if limit < 0:
            raise InputError(CODES["capacity_negative"], store=store)
        v = frame["expected_value"].to_numpy(dtype=float)[at]
        c = frame["cost"].to_numpy(dtype=float)[at]
        pick = top_n(v, int(limit)) if kind == "calls" else knapsack(v, c, limit)
        mask[at[pick]] = True
        left = np.flatnonzero(~pick & (v > 0))
        nxt = left[np.argmax(v[left])] if len(left) else None
        gain = float("nan")
        if kind == "budget" and nxt is not None:
            gain = float(v[knapsack(v, c, limit + c[nxt])].sum() - v[pick].sum())
        elif nxt is not None:
            gain = float(v[nxt])  # one more call takes the best one left
        rows.append(
            {
                "store_id": store,
                "capacity": limit,
                "calls": int(pick.sum()),
                "cost": float(c[pick].sum()),
                "net_value": float(v[pick].sum()),
                "next_value": float(v[nxt]) if nxt is not None else float("nan"),
                "next_cost": float(c[nxt]) if nxt is not None else float("nan"),
                "next_gain": gain,
            }
        )
    picked = frame[mask].reset_index(drop=True)
    picked.attrs.update(frame.attrs)
    picked.attrs["capacity"] = (kind, capacity)
    return picked, pd.DataFrame(rows)
