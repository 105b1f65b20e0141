"""Customer lookup: find one customer by id, VIN or name, and everything known about them.

Search rules (case-insensitive, surrounding spaces ignored), best match first:
  0 the exact customer id        1 the exact VIN
  2 part of a VIN (≥ 4 characters: dealers read out the last six)
  3 part of a customer id (≥ 3 characters)
  4 part of the name (any length: one Chinese character is a surname)
The text is a bound parameter and matched with ``contains`` (no LIKE wildcards), so ``%`` or
``_`` typed by a user match themselves.

The customer's network value (seed 002: "a customer is a family and a circle of friends"):
the customers they referred and the CLV those bring, plus the customers those referred in
turn, up to ``max_depth`` links away. In a store scope (clv_engine/scope.py) a referral to a
customer of another store is counted (``Network.outside_scope``), never named.

No sentence here: the engine returns ids, codes and figures; wording/lookup.py words them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from clv_engine import churn, clv, errors, predictive
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.derived import store as derived
from clv_engine.errors import InputError
from clv_engine.scope import OUTSIDE, OUTSIDE_REFERRED, group_database, scope_of

CODES = errors.declare("lookup", "empty", "too_long", "limit", "depth", "no_rule")

MATCH_KINDS: tuple[str, ...] = ("id", "vin", "vin_part", "id_part", "name")
MAX_QUERY_LENGTH = 100
MIN_VIN_PART = 4
MIN_ID_PART = 3

SEARCH_SQL = """
WITH q AS (SELECT lower(trim(CAST(? AS VARCHAR))) AS q),
m AS (
    SELECT c.customer_id, c.name, c.vin, c.home_store_id, c.vehicle_model, c.purchase_date,
           CASE WHEN lower(c.customer_id) = q.q THEN 0
                WHEN lower(c.vin) = q.q THEN 1
                WHEN length(q.q) >= ? AND contains(lower(c.vin), q.q) THEN 2
                WHEN length(q.q) >= ? AND contains(lower(c.customer_id), q.q) THEN 3
                WHEN contains(lower(c.name), q.q) THEN 4
           END AS match_rank
    FROM customers c, q
    WHERE true {store_filter}
)
SELECT *, count(*) OVER () AS matches
FROM m
WHERE match_rank IS NOT NULL
ORDER BY match_rank, customer_id
LIMIT ?
"""


def find_customers(
    db: Database, query: str, store_ids: Sequence[str] | None = None, limit: int = 20
) -> pd.DataFrame:
    """Customers matching ``query``, best match first (see the module note).

    Columns: customer_id, name, vin, home_store_id, vehicle_model, purchase_date, match
    (one of MATCH_KINDS); ``attrs["matches"]`` is the number of matches before ``limit``.
    """
    text = (query or "").strip()
    if not text:
        raise InputError(CODES["empty"])
    if len(text) > MAX_QUERY_LENGTH:
        raise InputError(CODES["too_long"], n=MAX_QUERY_LENGTH)
    if limit < 1:
        raise InputError(CODES["limit"], limit=limit)
    where, extra = "", []
    if store_ids:
        where = " AND c.home_store_id IN (" + ", ".join("?" for _ in store_ids) + ")"
        extra = list(store_ids)
    frame = db.query_df(
        SEARCH_SQL.format(store_filter=where), [text, MIN_VIN_PART, MIN_ID_PART, *extra, limit]
    )
    matches = int(frame["matches"].iloc[0]) if len(frame) else 0
    frame["match"] = [MATCH_KINDS[int(r)] for r in frame["match_rank"]]
    frame = frame.drop(columns=["match_rank", "matches"])
    frame.attrs["matches"] = matches
    return frame


def customer_record(db: Database, customer_id: str) -> dict | None:
    """The customer's master data (customers table and home store), or None."""
    frame = db.query_df(
        """
        SELECT c.customer_id, c.name, c.vin, c.vehicle_model, c.purchase_date, c.purchase_price,
               c.channel, c.home_store_id, s.name AS store_name, s.region
        FROM customers c LEFT JOIN stores s ON s.store_id = c.home_store_id
        WHERE c.customer_id = ?
        """,
        [customer_id],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def service_history(db: Database, customer_id: str, as_of: date) -> pd.DataFrame:
    """Every service order of the customer up to ``as_of``, newest first."""
    return db.query_df(
        """
        SELECT o.order_id, o.order_date, o.store_id, s.name AS store_name, o.kind,
               o.revenue, o.gross_profit
        FROM orders o LEFT JOIN stores s ON s.store_id = o.store_id
        WHERE o.customer_id = ? AND o.order_date <= ?
        ORDER BY o.order_date DESC, o.order_id
        """,
        [customer_id, as_of],
    )


def service_by_year(db: Database, customer_id: str, as_of: date) -> pd.DataFrame:
    """Revenue, gross profit and visits per year and kind of work (for the history chart)."""
    return db.query_df(
        """
        SELECT year(order_date) AS year, coalesce(kind, 'other') AS kind,
               count(*) AS visits, sum(revenue) AS revenue, sum(gross_profit) AS gross_profit
        FROM orders
        WHERE customer_id = ? AND order_date <= ?
        GROUP BY ALL
        ORDER BY year, kind
        """,
        [customer_id, as_of],
    )


def customer_complaints(db: Database, customer_id: str, as_of: date) -> pd.DataFrame:
    """Complaints opened up to ``as_of``, newest first, with status as of that date."""
    if "complaints" not in db.tables():
        return pd.DataFrame(columns=["complaint_id", "store_id", "opened", "resolved", "open", "days"])
    return db.query_df(
        """
        SELECT complaint_id, store_id, opened,
               CASE WHEN resolved <= CAST(? AS DATE) THEN resolved END AS resolved,
               (resolved IS NULL OR resolved > CAST(? AS DATE)) AS open,
               date_diff('day', opened, CASE WHEN resolved <= CAST(? AS DATE) THEN resolved
                                             ELSE CAST(? AS DATE) END) AS days
        FROM complaints
        WHERE customer_id = ? AND opened <= ?
        ORDER BY opened DESC, complaint_id
        """,
        [as_of, as_of, as_of, as_of, customer_id, as_of],
    )


# -- referral network -------------------------------------------------------------------------

NETWORK_SQL = """
WITH RECURSIVE chain(referrer_id, referred_id, referral_date, depth) AS (
    SELECT referrer_id, referred_id, referral_date, 1
    FROM referrals
    WHERE referrer_id = ? AND referral_date <= ?
    UNION ALL
    SELECT r.referrer_id, r.referred_id, r.referral_date, chain.depth + 1
    FROM referrals r JOIN chain ON r.referrer_id = chain.referred_id
    WHERE chain.depth < ? AND r.referral_date <= ?
)
SELECT referred_id AS customer_id, min(depth) AS depth,
       arg_min(referrer_id, depth) AS via, arg_min(referral_date, depth) AS referral_date
FROM chain
WHERE referred_id <> ?
GROUP BY referred_id
ORDER BY depth, referral_date, customer_id
"""


@dataclass(frozen=True)
class Network:
    """Who a customer brought in, and what those customers are worth."""

    customers: pd.DataFrame  # customer_id, name, depth, via, referral_date, clv
    direct_customers: int
    direct_clv: float  # CLV of the customers they referred themselves
    further_customers: int
    further_clv: float  # CLV of the customers those referred in turn (depth ≥ 2)
    # Referrals the customer made to customers outside the reader's store scope: counted only.
    outside_scope: int = 0

    @property
    def total_clv(self) -> float:
        return self.direct_clv + self.further_clv


def referral_network(
    db: Database,
    customer_id: str,
    as_of: date,
    values: pd.DataFrame | Callable[[list[str]], pd.DataFrame],
    max_depth: int = 3,
) -> Network:
    """The customers ``customer_id`` referred (depth 1) and those they referred (2, 3, ...).

    ``values`` (clv.customer_values over every store: a referred friend may belong to
    another store; or a function giving those rows of it for a list of customer ids) gives
    each one's name and CLV; a customer counts once, at their nearest depth, and a referral
    loop cannot count the customer themself.
    """
    if max_depth < 1:
        raise InputError(CODES["depth"], depth=max_depth)
    columns = ["customer_id", "name", "depth", "via", "referral_date", "clv"]
    outside = 0
    if "referrals" not in db.tables():
        frame = pd.DataFrame(columns=columns)
    else:
        frame = db.query_df(NETWORK_SQL, [customer_id, as_of, max_depth, as_of, customer_id])
        # A scoped database marks the party outside the scope (clv_engine/scope.py): no row.
        frame = frame[~frame["customer_id"].isin(OUTSIDE)]
        outside = int(
            db.query_value(
                "SELECT count(*) FROM referrals WHERE referrer_id = ? AND referral_date <= ? AND referred_id = ?",
                [customer_id, as_of, OUTSIDE_REFERRED],
            )
        )
        if callable(values):
            values = values(frame["customer_id"].tolist())
        keep = [c for c in ("customer_id", "name", "clv") if c in values.columns]
        # The network's rows of ``values`` first: a merge with every customer's row would
        # factorise a million ids on each rerun of the page (the same rows come out).
        linked = values.loc[values["customer_id"].isin(frame["customer_id"]), keep]
        frame = frame.merge(linked, on="customer_id", how="left")
        frame = frame.reindex(columns=columns)
    direct = frame[frame["depth"] == 1]
    further = frame[frame["depth"] > 1]
    return Network(
        customers=frame.reset_index(drop=True),
        direct_customers=int(len(direct)),
        direct_clv=float(direct["clv"].fillna(0).sum()),
        further_customers=int(len(further)),
        further_clv=float(further["clv"].fillna(0).sum()),
        outside_scope=outside,
    )


def kept_values_of(
    db: Database, as_of: date, customer_ids: Sequence[str], clv_params: clv.CLVParams, clv_model: str
) -> pd.DataFrame | None:
    """The rows of these customers in the values every page uses (``clv.customer_values`` over
    every store ``db`` holds, with ``model``'s CLV: ``predictive.values_for_model``), read from
    the derived tables alone: a few rows, not the ten million of the whole frame. The same
    figures (every column is the customer's own, the rates are the group's kept ones) and
    ``attrs``; None when the tables cannot stand in (another date, or the predictive model at
    parameters not kept): the caller picks them from the whole frame."""
    model, params = clv_model, clv_params
    group = group_database(db)
    if model == "predictive":
        if not derived.predictions_kept(group, as_of, params.horizon_years, params.discount_rate):
            return None
    elif derived.kept_date(group, as_of) is None:
        return None
    params.validate()
    picked = derived.value_columns(group)
    extra = list(derived.PREDICTED) if model == "predictive" else []
    frame = derived.values_frame(group, as_of, scope_of(db), [*picked, *extra], customer_ids=customer_ids)
    if frame is None:
        return None
    if scope_of(db) is not None and len(frame):  # the scope's own customers (clv_engine.scope.in_scope)
        ids = frame["customer_id"].tolist()
        mine = db.query_df(
            f"SELECT customer_id FROM customers WHERE customer_id IN ({', '.join('?' for _ in ids)})", ids
        )
        frame = frame[frame["customer_id"].isin(set(mine["customer_id"]))].reset_index(drop=True)
    retention, source = clv.retention_for(group, as_of, params)
    frame["status"] = clv.status_column(frame["recency_days"])
    frame.attrs["return_rates"] = clv.return_rates(group, as_of)
    frame = clv.add_historical_clv(frame, retention, params)
    frame.attrs["retention_source"] = source
    if model != "predictive":
        return predictive.values_for_model(frame, model, None)
    predicted = pd.DataFrame({"customer_id": frame["customer_id"].array})
    for column in derived.PREDICTED:
        predicted[column] = frame[column].to_numpy()
    values = frame.drop(columns=list(derived.PREDICTED))
    values.attrs = dict(frame.attrs)
    return predictive.values_for_model(values, model, predicted)


def kept_customer(
    db: Database,
    customer_id: str,
    as_of: date,
    clv_params: clv.CLVParams,
    clv_model: str,
    max_depth: int = 3,
) -> tuple[pd.DataFrame, Network, str] | None:
    """(the customer's row of the values, their referral network, the values' model) from the
    kept tables (:func:`kept_values_of`), or None (then from the whole frame)."""
    mine = kept_values_of(db, as_of, [customer_id], clv_params, clv_model)
    if mine is None:
        return None
    network = referral_network(
        db, customer_id, as_of, lambda ids: kept_values_of(db, as_of, ids, clv_params, clv_model), max_depth
    )
    return mine, network, mine.attrs.get("model", "historical")


# -- complaint rule and recommended action ------------------------------------------------------


def complaint_rule_for(tier: str, scheme: str = "rfml") -> seg.ComplaintRule:
    """SPEC §2d: how a complaint from a customer of this tier is handled."""
    levels = seg.COMPLAINT_LEVEL.get(scheme)
    if levels is None or tier not in levels:
        raise InputError(CODES["no_rule"], tier=tier, scheme=scheme)
    return seg.COMPLAINT_RULES[levels[tier]]


@dataclass(frozen=True)
class Action:
    """One recommended action: ``code`` (complaint, intervene, intervene_loses, lapsed,
    playbook, network) and its figures and ids; wording/lookup.py words it."""

    code: str
    details: dict = field(default_factory=dict)


def recommended_actions(
    risk: pd.Series | None,
    tier: str | None,
    open_complaints: int,
    network: Network | None = None,
    own_clv: float | None = None,
) -> list[Action]:
    """What to do for this customer now, most urgent first.

    ``risk`` is the customer's row of churn.call_list (level, expected_value, cost) or of
    churn.score_risk when they are not on the list (level none / lapsed). With ``network``
    and ``own_clv``: when the customers they referred are worth more than they are, say so
    (seed 002: their value is the family and friends they bring).
    """
    actions: list[Action] = []
    if open_complaints > 0 and tier is not None:
        actions.append(Action("complaint", {"n": open_complaints, "rule": complaint_rule_for(tier)}))
    level = None if risk is None else risk.get("level")
    if level in churn.LEVELS:
        ev = float(risk.get("expected_value", float("nan")))
        actions.append(
            Action(
                "intervene" if ev > 0 else "intervene_loses",
                {"level": level, "ev": ev, "cost": float(risk.get("cost", 0.0))},
            )
        )
    elif level == churn.LAPSED:
        actions.append(Action("lapsed"))
    if tier is not None and level not in churn.LEVELS and level != churn.LAPSED:
        actions.append(Action("playbook", {"tier": tier}))
    if (
        network is not None
        and own_clv is not None
        and network.direct_customers > 0
        and network.direct_clv > max(own_clv, 0.0)
    ):
        actions.append(Action("network", {"network": network.direct_clv, "own": own_clv}))
    return actions
