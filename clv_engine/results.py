"""Closing the loop, part two: did the calls work? Treated against control, per risk level.

For every member of an issued call list (clv_engine.contacts) the measure is objective and the
same for both groups: did the customer come back, i.e. is there an order dated in the window
after the list was issued (issue date < order date ≤ issue date + window days)? Control
customers were not called, so their return rate is what the treated would have done anyway.

The comparison is *intention to treat*: every member not held out counts as treated, reached
or not. Leaving out the customers nobody reached would compare the easy-to-reach with
everyone, and flatter the calls. The contact rate says how much of the list was reached.

    uplift          = return rate (treated) − return rate (control)
    interval        = Newcombe's hybrid score interval for a difference of two proportions
                      (Newcombe 1998, method 10: Wilson score limits of each rate, combined)
    customers kept  = uplift × treated customers
    cost per kept   = contact cost recorded for the treated / customers kept
    value realised  = customers kept × mean remaining CLV of the treated − contact cost
    value predicted = Σ expected value the list gave the treated (P(churn) × success × CLV − cost)

A level's evidence is "too thin to conclude" when either group has fewer than ``min_group``
customers or the interval spans 0; it is "window open" while the data does not yet reach the
end of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from clv_engine.db import Database

CONFIDENCE = 0.95
MIN_GROUP = 30  # customers in each of treated and control before a level is judged
ALL = "all"
LEVELS: tuple[str, ...] = ("high", "mid", "low")
CI_METHOD = "newcombe_hybrid_score"

# Verdicts, from the evidence (the page words them):
#   window_open  the window has not ended in the data yet
#   too_few      fewer than min_group customers in treated or control
#   too_thin     the interval spans 0: cannot tell the calls from no calls
#   kept         the interval is above 0: the calls brought customers back
#   lost         the interval is below 0: the called came back less than the control
VERDICTS: tuple[str, ...] = ("window_open", "too_few", "too_thin", "kept", "lost")


def z_value(confidence: float = CONFIDENCE) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    # The standard library's normal quantile (Wichura's AS241, to ~1e-16, as scipy's norm.ppf):
    # importing scipy.stats for one quantile costs a page's first render 0.4-2 s.
    return float(NormalDist().inv_cdf(0.5 + confidence / 2))


def wilson(k: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a proportion k / n (NaNs for n = 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    z = z_value(confidence)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def newcombe_interval(
    k_treated: float, n_treated: float, k_control: float, n_control: float, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """(difference, low, high) of p_treated − p_control, Newcombe's hybrid score interval."""
    if n_treated <= 0 or n_control <= 0:
        return float("nan"), float("nan"), float("nan")
    p1, p2 = k_treated / n_treated, k_control / n_control
    l1, u1 = wilson(k_treated, n_treated, confidence)
    l2, u2 = wilson(k_control, n_control, confidence)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    # Clipped: at 0/n against n/n rounding can step a hair outside −1..1.
    return float(d), float(max(-1.0, low)), float(min(1.0, high))


def verdict(
    low: float, high: float, n_treated: int, n_control: int, window_complete: bool, min_group: int = MIN_GROUP
) -> str:
    if not window_complete:
        return "window_open"
    if n_treated < min_group or n_control < min_group:
        return "too_few"
    if low > 0:
        return "kept"
    if high < 0:
        return "lost"
    return "too_thin"


# -- per member, from the database -------------------------------------------------------------

_MEMBERS_TEMPLATE = """
WITH data_end AS ({data_end}),
recorded AS (
    SELECT list_id, customer_id, count(*) AS contacts,
           bool_or(outcome <> 'unreachable') AS reached, sum(cost) AS contact_cost
    FROM contacts WHERE list_id IS NOT NULL GROUP BY list_id, customer_id
)
SELECT m.list_id, m.customer_id, m.store_id, m.level, m.control, m.p_churn, m.success, m.clv,
       m.cost AS planned_cost, m.expected_value, l.issued_on, l.window_days,
       (l.issued_on + l.window_days) <= e.data_end AS window_complete,
       {returned} AS returned,
       coalesce(r.contacts, 0) AS contacts,
       coalesce(r.reached, false) AS reached,
       coalesce(r.contact_cost, 0.0) AS contact_cost
FROM call_list_members m
JOIN call_lists l USING (list_id)
CROSS JOIN data_end e
LEFT JOIN recorded r USING (list_id, customer_id)
"""
_MEMBERS_SQL = _MEMBERS_TEMPLATE.format(
    data_end="SELECT max(order_date) AS data_end FROM orders",
    returned="""EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = m.customer_id
               AND o.order_date > l.issued_on AND o.order_date <= l.issued_on + l.window_days)""",
)
# What the counts read of the members without a pass over the orders (the returns kept per
# list: clv_engine.derived.lists; the data's end, the derived tables' date, a parameter). The
# contacts are summed per member row (grouped by its row number, joined on list and customer),
# not grouped by the list's and customer's texts first (ten million customers: a million
# and a half contacts): the same reached and cost per member.
_KEPT_MEMBERS_SQL = """
WITH data_end AS (SELECT CAST(? AS DATE) AS data_end),
recorded AS (
    SELECT m.rowid AS member, bool_or(c.outcome <> 'unreachable') AS reached, sum(c.cost) AS contact_cost
    FROM call_list_members m
    JOIN contacts c ON c.list_id = m.list_id AND c.customer_id = m.customer_id
    GROUP BY m.rowid
)
SELECT m.list_id, m.level, m.control, m.p_churn, m.success, m.clv, m.expected_value,
       (l.issued_on + l.window_days) <= e.data_end AS window_complete,
       FALSE AS returned,
       coalesce(r.reached, false) AS reached,
       coalesce(r.contact_cost, 0.0) AS contact_cost
FROM call_list_members m
JOIN call_lists l USING (list_id)
CROSS JOIN data_end e
LEFT JOIN recorded r ON r.member = m.rowid
"""


def member_outcomes(db: Database, list_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per list member: group, what the list predicted, whether they came back."""
    if "call_list_members" not in db.tables():
        return pd.DataFrame()
    sql, params = _MEMBERS_SQL, []
    if list_ids:
        sql += f" WHERE m.list_id IN ({', '.join('?' for _ in list_ids)})"
        params = list(list_ids)
    return db.query_df(sql + " ORDER BY m.list_id, m.customer_id", params)


# The first ``limit`` treated members of a list in rank order, each with their latest recorded
# contact: contacts.list_members' rows (those not held out, their first ``limit``), read without
# every member of the list (the page's table edits these; a hundred thousand at a million).
_TREATED_HEAD_SQL = """
WITH head AS (
    SELECT * FROM call_list_members
    WHERE list_id = ? AND NOT control
    ORDER BY rank, customer_id
    LIMIT ?
)
SELECT h.*, c.contact_id, c.contact_date, c.channel, c.owner, c.outcome, c.cost AS contact_cost
FROM head h
LEFT JOIN (
    SELECT * FROM contacts
    WHERE list_id = ? AND customer_id IN (SELECT customer_id FROM head)
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY contact_date DESC, contact_id DESC) = 1
) c USING (customer_id)
ORDER BY h.rank, h.customer_id
"""


def treated_head(db: Database, list_id: str, limit: int | None = None) -> pd.DataFrame:
    """The first ``limit`` members of the list not held out (None: all), in rank order, with
    each one's latest recorded contact: ``contacts.list_members(db, list_id)``'s treated rows,
    their first ``limit`` (index from 0)."""
    if "call_list_members" not in db.tables():
        return pd.DataFrame()
    return db.query_df(_TREATED_HEAD_SQL, [list_id, None if limit is None else int(limit), list_id])


# -- the results table -------------------------------------------------------------------------


def _group_row(part: pd.DataFrame, level: str, confidence: float, min_group: int) -> dict:
    treated = part[~part["control"].astype(bool)]
    control = part[part["control"].astype(bool)]
    counts = {
        "n1": len(treated),
        "n0": len(control),
        "k1": int(treated["returned"].sum()),
        "k0": int(control["returned"].sum()),
        "reached1": int(treated["reached"].sum()),
        "reached0": int(control["reached"].sum()),
        "cost": float(treated["contact_cost"].sum()),
        "clv_sum": float(treated["clv"].sum()),
        "clv_n": int(treated["clv"].count()),
        "predicted_kept": float((treated["p_churn"] * treated["success"]).sum()),
        "predicted_value": float(treated["expected_value"].sum()),
        "complete": bool(part["window_complete"].all()) if len(part) else False,
    }
    return _row_of_counts(counts, level, confidence, min_group)


def _row_of_counts(c: dict, level: str, confidence: float, min_group: int) -> dict:
    """One row of the results table from a group's counts and sums (``_group_row``'s, or
    :data:`_COUNTS_SQL`'s added up)."""
    n1, n0, k1, k0 = c["n1"], c["n0"], c["k1"], c["k0"]
    uplift, low, high = newcombe_interval(k1, n1, k0, n0, confidence)
    cost = float(c["cost"])
    kept = uplift * n1 if n1 else float("nan")
    mean_clv = c["clv_sum"] / c["clv_n"] if n1 and c["clv_n"] else float("nan")
    complete = bool(c["complete"])
    return {
        "level": level,
        "treated": n1,
        "control": n0,
        "contacted": c["reached1"],
        "contact_rate": c["reached1"] / n1 if n1 else float("nan"),
        "controls_contacted": c["reached0"],
        "returned_treated": k1,
        "returned_control": k0,
        "return_treated": k1 / n1 if n1 else float("nan"),
        "return_control": k0 / n0 if n0 else float("nan"),
        "uplift": uplift,
        "uplift_low": low,
        "uplift_high": high,
        "kept": kept,
        "kept_low": low * n1 if n1 else float("nan"),
        "kept_high": high * n1 if n1 else float("nan"),
        "cost": cost,
        # Only a positive number of customers kept has a cost per customer.
        "cost_per_kept": cost / kept if kept > 0 else float("nan"),
        "predicted_kept": float(c["predicted_kept"]),
        "predicted_value": float(c["predicted_value"]),
        "realised_value": kept * mean_clv - cost if n1 else float("nan"),
        "window_complete": complete,
        "verdict": verdict(low, high, n1, n0, complete, min_group),
    }


def _number(expression: str) -> str:
    """``expression`` with NaN read as NULL: pandas' sums and means skip both (fixed text)."""
    return f"CASE WHEN isnan({expression}) THEN NULL ELSE {expression} END"


# The counts and sums _group_row takes from the members, per level and group, in DuckDB: a few
# rows instead of every member of every issued list (hundreds of thousands at a million).
_COUNTS_COLUMNS = f"""
       count(*) AS n, count(*) FILTER (WHERE returned) AS k,
       count(*) FILTER (WHERE reached) AS reached,
       coalesce(sum({_number("contact_cost")}), 0) AS cost,
       coalesce(sum({_number("clv")}), 0) AS clv_sum, count({_number("clv")}) AS clv_n,
       coalesce(sum({_number("p_churn * success")}), 0) AS predicted_kept,
       coalesce(sum({_number("expected_value")}), 0) AS predicted_value,
       bool_and(window_complete) AS complete
"""
_COUNTS_SQL = f"SELECT level, control, {_COUNTS_COLUMNS} FROM ({_MEMBERS_SQL}) AS members"
_KEPT_COUNTS_SQL = f"SELECT list_id, level, control, {_COUNTS_COLUMNS} FROM ({_KEPT_MEMBERS_SQL}) AS members"


def _table_of_counts(counts: pd.DataFrame, confidence: float, min_group: int) -> pd.DataFrame:
    """results_table's frame from _COUNTS_SQL's rows (one per level and group)."""

    def row(part: pd.DataFrame, level: str) -> dict:
        treated, control = part[~part["control"]], part[part["control"]]
        c = {
            "n1": int(treated["n"].sum()),
            "n0": int(control["n"].sum()),
            "k1": int(treated["k"].sum()),
            "k0": int(control["k"].sum()),
            "reached1": int(treated["reached"].sum()),
            "reached0": int(control["reached"].sum()),
            "cost": float(treated["cost"].sum()),
            "clv_sum": float(treated["clv_sum"].sum()),
            "clv_n": int(treated["clv_n"].sum()),
            "predicted_kept": float(treated["predicted_kept"].sum()),
            "predicted_value": float(treated["predicted_value"].sum()),
            "complete": bool(part["complete"].all()),
        }
        return _row_of_counts(c, level, confidence, min_group)

    rows = [row(counts[counts["level"] == lv], lv) for lv in LEVELS if (counts["level"] == lv).any()]
    if len(counts):
        rows.append(row(counts, ALL))
    frame = pd.DataFrame(rows)
    frame.attrs.update(confidence=confidence, min_group=min_group, ci_method=CI_METHOD)
    return frame


def results_table(
    members: pd.DataFrame, confidence: float = CONFIDENCE, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Per risk level (its intervention) and for all levels together: the measured effect.

    ``members`` as from :func:`member_outcomes` (needs level, control, returned, reached,
    contact_cost, clv, p_churn, success, expected_value, window_complete)."""
    rows = []
    for level in LEVELS:
        part = members[members["level"] == level] if len(members) else members
        if len(part):
            rows.append(_group_row(part, level, confidence, min_group))
    if len(members):
        rows.append(_group_row(members, ALL, confidence, min_group))
    frame = pd.DataFrame(rows)
    frame.attrs.update(confidence=confidence, min_group=min_group, ci_method=CI_METHOD)
    return frame


def results(
    db: Database,
    list_ids: Sequence[str] | None = None,
    confidence: float = CONFIDENCE,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """The results table of the given lists (all issued lists when None): results_table of
    their members, from the members' counts and sums per level and group (_COUNTS_SQL)."""
    if "call_list_members" not in db.tables():
        return results_table(pd.DataFrame(), confidence, min_group)
    if list_ids is None:
        # Every list's counts: a function of the file alone (the windows end at the data's last
        # day), so worked out once per file version whatever the number of processes (beside
        # the file: store.remembered; a scoped reader counts its own). Seconds at ten million.
        from clv_engine.derived import store

        kept = store.remembered(db, "results_counts", lambda r: _counts(r, None).to_dict("list"))
        counts = pd.DataFrame(kept)
    else:
        counts = _counts(db, list_ids)
    counts["control"] = counts["control"].astype(bool)
    return _table_of_counts(counts, confidence, min_group)


def _counts(db: Database, list_ids: Sequence[str] | None) -> pd.DataFrame:
    """_COUNTS_SQL's rows (per level and group) of the given lists (all when None)."""
    counts = _kept_counts(db, list_ids)
    if counts is None:
        sql, params = _COUNTS_SQL, []
        if list_ids:
            sql += f" WHERE list_id IN ({', '.join('?' for _ in list_ids)})"
            params = list(list_ids)
        counts = db.query_df(sql + " GROUP BY level, control ORDER BY level, control", params)
    return counts


def _kept_counts(db: Database, list_ids: Sequence[str] | None) -> pd.DataFrame | None:
    """_COUNTS_SQL's rows with the returns kept per list (clv_engine.derived.lists): the
    members' contacts and sums read as before, no pass over the orders; None when the lists'
    returns are not all kept (then _COUNTS_SQL)."""
    from clv_engine.derived import lists, store

    found = store.stored(db)
    if found is None or "call_lists" not in db.tables():
        return None
    ids = list(list_ids) if list_ids else db.query_df("SELECT list_id FROM call_lists")["list_id"].tolist()
    kept = lists.returned(db, ids)
    if kept is None:
        return None
    marks = ", ".join("?" for _ in ids)
    per_list = db.query_df(
        _KEPT_COUNTS_SQL
        + f" WHERE list_id IN ({marks}) GROUP BY list_id, level, control ORDER BY list_id, level, control",
        [found.as_of, *ids],
    )
    per_list = per_list.drop(columns=["k"]).merge(kept, on=["list_id", "level", "control"], how="left")
    per_list["k"] = per_list.pop("returned")
    if per_list.empty:
        return per_list.drop(columns=["list_id"])
    sums = ["n", "k", "reached", "cost", "clv_sum", "clv_n", "predicted_kept", "predicted_value"]
    grouped = per_list.groupby(["level", "control"], sort=False)
    counts = grouped[sums].sum().join(grouped["complete"].all()).reset_index()
    return counts


# -- measured success beside the typed prior -------------------------------------------------------


@dataclass(frozen=True)
class MeasuredSuccess:
    """The success rate of one level's intervention, typed and measured.

    Success (SPEC §3) is the share of would-be churners the intervention keeps. Measured:
    the share of the control's non-returners that the calls turned into returners,
    uplift / (1 − control return rate); its interval is the uplift's divided by the same
    number (the control's rate taken as known: a slight understatement of the uncertainty).
    """

    level: str
    typed: float
    measured: float
    low: float
    high: float
    treated: int
    control: int
    verdict: str

    @property
    def usable(self) -> bool:
        """Enough evidence to put the measured figure in place of the typed one."""
        return self.verdict in ("kept", "lost")


def measured_success(table: pd.DataFrame, typed: dict[str, float]) -> list[MeasuredSuccess]:
    """Per level with a typed success rate: the measured figure and the evidence behind it."""
    out = []
    for level, prior in typed.items():
        row = table[table["level"] == level] if len(table) else table
        if row.empty:
            out.append(
                MeasuredSuccess(level, prior, float("nan"), float("nan"), float("nan"), 0, 0, "too_few")
            )
            continue
        r = row.iloc[0]
        not_returning = 1.0 - float(r["return_control"])
        if not not_returning > 0:
            measured = low = high = float("nan")
        else:
            measured = float(r["uplift"]) / not_returning
            low, high = float(r["uplift_low"]) / not_returning, float(r["uplift_high"]) / not_returning
        out.append(
            MeasuredSuccess(
                level, prior, measured, low, high, int(r["treated"]), int(r["control"]), str(r["verdict"])
            )
        )
    return out


def success_evidence(
    db: Database, typed: dict[str, float], list_ids: Sequence[str] | None = None, min_group: int = MIN_GROUP
) -> list[MeasuredSuccess]:
    """Measured success per level over the given lists (all when None), beside ``typed``
    ({level: success}, e.g. from churn.INTERVENTIONS): what the churn page can show, and
    replace the typed rate with where ``usable``."""
    return measured_success(results(db, list_ids, min_group=min_group), typed)
