"""RFM+L scoring (SPEC §2a): the rules, the scoring SQL and the tier of every customer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from clv_engine.clv import in_last_12_months
from clv_engine.db import Database
from clv_engine.errors import InputError
from clv_engine.segmentation.vocabulary import _FLAG_SOURCES, CODES, FLAG_TABLES, SCORE_MAX, SCORE_MIN

# -- RFM+L rules ------------------------------------------------------------------------------


def _listed(values: Sequence[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _increasing(values: Sequence[float]) -> bool:
    return all(a < b for a, b in zip(values, values[1:]))


@dataclass(frozen=True)
class RfmlRules:
    """Every threshold of SPEC §2a, with its defaults.

    ``recency_days``: the most days since the last visit for R = 5, 4, 3, 2 (beyond: 1).
    ``visits``: the fewest visits in 12 months for F = 2, 3, 4, 5 (fewer: 1).
    ``spend``: the least 12-month spend for M = 2, 3, 4, 5 (less: 1).
    """

    recency_days: tuple[int, int, int, int] = (30, 90, 180, 365)
    visits: tuple[int, int, int, int] = (1, 2, 4, 6)
    spend: tuple[float, float, float, float] = (1_000, 2_000, 5_000, 10_000)
    loyalty_base: int = 3
    warranty_weight: int = 1
    referral_weight: int = 1
    event_weight: int = 1
    complaint_weight: int = -1
    competitor_weight: int = -1
    platinum_min: int = 16
    gold_min: int = 12
    silver_min: int = 8
    churned_max_r: int = 1
    churned_max_total: int = 7

    def validate(self) -> None:
        for name in ("recency_days", "visits", "spend"):
            values = getattr(self, name)
            if len(values) != 4:
                raise InputError(CODES["cutoffs_count"], field=name, n=len(values))
            if min(values) < 0:
                raise InputError(CODES["cutoffs_negative"], field=name, values=_listed(values))
            if not _increasing(values):
                raise InputError(CODES["cutoffs_rising"], field=name, values=_listed(values))
        ranges = {
            "loyalty_base": (SCORE_MIN, SCORE_MAX),
            "warranty_weight": (-4, 4),
            "referral_weight": (-4, 4),
            "event_weight": (-4, 4),
            "complaint_weight": (-4, 4),
            "competitor_weight": (-4, 4),
        }
        for name, (low, high) in ranges.items():
            if not low <= getattr(self, name) <= high:
                raise InputError(
                    CODES["score_range"], field=name, value=getattr(self, name), low=low, high=high
                )
        if not 4 < self.silver_min < self.gold_min < self.platinum_min <= 20:
            raise InputError(
                CODES["tier_cutoffs"],
                field="silver_min < gold_min < platinum_min",
                silver=self.silver_min,
                gold=self.gold_min,
                platinum=self.platinum_min,
            )
        for name, (low, high) in {
            "churned_max_r": (SCORE_MIN, SCORE_MAX),
            "churned_max_total": (4, 20),
        }.items():
            if not low <= getattr(self, name) <= high:
                raise InputError(
                    CODES["score_range"], field=name, value=getattr(self, name), low=low, high=high
                )

    def sql_params(self) -> list:
        return [
            *self.recency_days,
            *self.visits,
            *(float(v) for v in self.spend),
            self.loyalty_base,
            self.warranty_weight,
            self.referral_weight,
            self.event_weight,
            self.complaint_weight,
            self.competitor_weight,
            self.platinum_min,
            self.gold_min,
            self.silver_min,
            self.churned_max_r,
            self.churned_max_total,
        ]


# The scoring in three parts: the parameters (p), the facts of each customer on the as-of
# date (o, base: what a rule reads) and the scores and tier from the facts. The facts may
# come from the derived table of the data version instead (clv_engine.derived.segments).
_SCORE_HEAD = """
WITH p AS (
    SELECT CAST(? AS DATE) AS as_of,
           ? AS r5, ? AS r4, ? AS r3, ? AS r2,
           ? AS f2, ? AS f3, ? AS f4, ? AS f5,
           CAST(? AS DOUBLE) AS m2, CAST(? AS DOUBLE) AS m3,
           CAST(? AS DOUBLE) AS m4, CAST(? AS DOUBLE) AS m5,
           ? AS l_base, ? AS w_warranty, ? AS w_referral, ? AS w_event,
           ? AS w_complaint, ? AS w_competitor,
           ? AS t_platinum, ? AS t_gold, ? AS t_silver,
           ? AS churn_r, ? AS churn_total,
           CAST(? AS VARCHAR) AS one_customer
),
"""

_SCORE_FACTS = """
o AS (
    SELECT customer_id,
           min(order_date) AS first_order,
           max(order_date) AS last_order,
           -- one service order is one visit, as clv.customer_values counts them
           count(*) FILTER (WHERE {in_12m}) AS freq_12m,
           coalesce(sum(revenue) FILTER (WHERE {in_12m}), 0) AS spend_12m
    FROM orders
    WHERE order_date <= (SELECT as_of FROM p){order_filter}
    GROUP BY customer_id
),
base AS (
    SELECT c.customer_id, c.home_store_id, s.region,
           -- a customer who has not come yet is measured from the purchase of the car
           date_diff('day', coalesce(o.last_order, c.purchase_date), p.as_of) AS recency_days,
           coalesce(o.freq_12m, 0) AS freq_12m,
           coalesce(o.spend_12m, 0) AS spend_12m,
           {flags}
    FROM customers c
    CROSS JOIN p
    LEFT JOIN o USING (customer_id)
    LEFT JOIN stores s ON s.store_id = c.home_store_id
    -- the same population as clv.customer_values: customers who existed on the as-of date
    WHERE coalesce(c.purchase_date, o.first_order) <= p.as_of {store_filter}{customer_filter}
),
"""

_SCORE_TAIL = """
scored AS (
    SELECT b.*,
           CASE WHEN recency_days IS NULL THEN 1
                WHEN recency_days <= r5 THEN 5 WHEN recency_days <= r4 THEN 4
                WHEN recency_days <= r3 THEN 3 WHEN recency_days <= r2 THEN 2 ELSE 1 END AS r,
           CASE WHEN freq_12m >= f5 THEN 5 WHEN freq_12m >= f4 THEN 4
                WHEN freq_12m >= f3 THEN 3 WHEN freq_12m >= f2 THEN 2 ELSE 1 END AS f,
           CASE WHEN spend_12m >= m5 THEN 5 WHEN spend_12m >= m4 THEN 4
                WHEN spend_12m >= m3 THEN 3 WHEN spend_12m >= m2 THEN 2 ELSE 1 END AS m,
           greatest(1, least(5, l_base
                + w_warranty * CAST(has_warranty AS INTEGER)
                + w_referral * CAST(referred_someone AS INTEGER)
                + w_event * CAST(attended_event AS INTEGER)
                + w_complaint * CAST(has_complaint AS INTEGER)
                + w_competitor * CAST(seen_at_competitor AS INTEGER))) AS l
    FROM base b CROSS JOIN p
)
SELECT customer_id, home_store_id, region, recency_days, freq_12m, spend_12m,
       r, f, m, l, r + f + m + l AS total,
       CASE WHEN r <= churn_r AND r + f + m + l <= churn_total THEN 'churned'
            WHEN r + f + m + l >= t_platinum THEN 'platinum'
            WHEN r + f + m + l >= t_gold THEN 'gold'
            WHEN r + f + m + l >= t_silver THEN 'silver'
            ELSE 'ordinary' END AS tier,
       has_warranty, referred_someone, attended_event, has_complaint, seen_at_competitor
FROM scored CROSS JOIN p
"""

SCORE_SQL = _SCORE_HEAD + _SCORE_FACTS + _SCORE_TAIL

# The facts alone (the derived table's rows for one date).
FACTS_SQL = _SCORE_HEAD + _SCORE_FACTS.rstrip().rstrip(",") + "\nSELECT * FROM base\n"


def _store_filter(store_ids: Sequence[str] | None, column: str) -> tuple[str, list]:
    if not store_ids:
        return "", []
    marks = ", ".join("?" for _ in store_ids)
    return f" AND {column} IN ({marks})", list(store_ids)


def missing_flag_tables(db: Database) -> list[str]:
    """The loyalty tables with no rows: their flags read False for everyone."""
    return [table for table in FLAG_TABLES.values() if db.table_rows(table) == 0]


# One customer only (the lookup): fixed fragments, the id itself is p.one_customer (a parameter).
_ONE_ORDER_FILTER = " AND customer_id = (SELECT one_customer FROM p)"
_ONE_CUSTOMER_FILTER = " AND c.customer_id = p.one_customer"


def score_query(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: RfmlRules = RfmlRules(),
    customer_id: str | None = None,
    facts_only: bool = False,
) -> tuple[str, list]:
    """(SQL, parameters) of :func:`score_customers`' rows, for a query that reads them as a
    subquery (its own ``?`` in order) and brings back only what it needs.

    The facts the rules read come from the data version's ``derived_segments`` when it holds
    them for ``as_of`` (clv_engine.derived.segments: same SQL, computed once), else from the
    orders and the flag tables. ``facts_only``: the facts, not the scores (what that table
    keeps; always computed)."""
    from clv_engine.derived import segments

    stored = None if (facts_only or customer_id is not None) else segments.facts_table(db, as_of)
    if stored is not None:
        where, extra = _store_filter(store_ids, "home_store_id")
        flag_columns = ", ".join(FLAG_TABLES)
        base = (
            "base AS (\n"
            "    SELECT customer_id, home_store_id, region, recency_days, freq_12m, spend_12m,\n"
            f"           {flag_columns}\n"
            f"    FROM {stored}\n"
            f"    WHERE as_of = (SELECT as_of FROM p){where}\n"
            "),\n"
        )
        return _SCORE_HEAD + base + _SCORE_TAIL, [as_of, *rules.sql_params(), customer_id, *extra]
    present = db.tables()
    flags = ",\n           ".join(
        # A table absent from the file (an old database) counts as empty; the fragment is
        # chosen from fixed text, never built from a value.
        f"c.customer_id IN ({_FLAG_SOURCES[flag]}) AS {flag}" if table in present else f"FALSE AS {flag}"
        for flag, table in FLAG_TABLES.items()
    )
    where, extra = _store_filter(store_ids, "c.home_store_id")
    one = customer_id is not None
    sql = (FACTS_SQL if facts_only else SCORE_SQL).format(
        flags=flags,
        store_filter=where,
        in_12m=in_last_12_months("order_date", "(SELECT as_of FROM p)"),
        order_filter=_ONE_ORDER_FILTER if one else "",
        customer_filter=_ONE_CUSTOMER_FILTER if one else "",
    )
    return sql, [as_of, *rules.sql_params(), customer_id, *extra]


def score_customers(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: RfmlRules = RfmlRules(),
    customer_id: str | None = None,
) -> pd.DataFrame:
    """R, F, M, L, total and tier for every customer who existed on ``as_of`` (SPEC §2a).

    Rows come in customer_id order, the order of ``clv.customer_values``, so that
    :func:`with_values` lines the two up without a join (a million-row merge costs more than
    the sort). They are read through Arrow (``derived.store._read_frame``: text columns five
    times faster, the same dtypes as ``query_df``).
    With ``customer_id``, that customer's row only (none if absent): a score depends on the
    customer's own facts and the rules, never on the other customers, so it is the row the
    whole-population scoring gives.

    ``frame.attrs["missing_tables"]`` lists the loyalty tables that had no rows, so a page can
    say which flags could not be used rather than show L as if nobody had them.
    """
    rules.validate()
    missing = missing_flag_tables(db)
    from clv_engine.derived.store import _read_frame

    sql, params = score_query(db, as_of, store_ids, rules, customer_id)
    # The facts only (the scores are arithmetic on them, below, as SCORE_SQL computes them):
    # fewer text columns to hand over, the first eight of the output.
    facts = _read_frame(db, f"SELECT {', '.join(_FACTS)} FROM ({sql}) ORDER BY customer_id", params)
    return scores_of_facts(facts, rules, missing, as_of)


def scores_of_facts(facts: pd.DataFrame, rules: RfmlRules, missing: list[str], as_of: date) -> pd.DataFrame:
    """:func:`score_customers`' frame from the facts: the columns before the flags (the id and
    where the customer belongs, recency_days, freq_12m, spend_12m), then R, F, M, L, total and
    tier, then the five flags."""
    facts = facts.copy(deep=False)
    for flag in FLAG_TABLES:
        facts[flag] = facts[flag].astype(bool)
    facts["freq_12m"] = facts["freq_12m"].astype("int64")
    scores = _score_arrays(facts, rules)
    tier = pa.DictionaryArray.from_arrays(pa.array(scores.pop("tier")), pa.array(_TIERS)).dictionary_decode()
    lead = [c for c in facts.columns if c not in FLAG_TABLES]
    frame = pd.DataFrame(
        {
            **{c: facts[c] for c in lead},
            **scores,
            "tier": pd.Series(tier, dtype="str", index=facts.index),
            **{c: facts[c] for c in FLAG_TABLES},
        },
        copy=False,
    )
    frame.attrs["missing_tables"] = missing
    frame.attrs["rules"] = rules
    frame.attrs["as_of"] = as_of
    return frame


# What score_customers reads of SCORE_SQL's rows, in the order of its output.
_FACTS = ("customer_id", "home_store_id", "region", "recency_days", "freq_12m", "spend_12m", *FLAG_TABLES)
# The tiers by their code in _score_arrays (the order of SCORE_SQL's CASE).
_TIERS = ("churned", "platinum", "gold", "silver", "ordinary")


def _bands_up(values: np.ndarray, cutoffs: Sequence[float]) -> np.ndarray:
    """1 + the number of cut-offs reached (value >= cut-off): F and M (rising cut-offs; NaN
    reaches none)."""
    cuts = np.asarray(cutoffs, dtype=float)
    reached = np.searchsorted(cuts, values, side="right")  # cut-offs <= value (NaN: all)
    return 1 + np.where(np.isnan(values), 0, reached)


def _score_arrays(facts: pd.DataFrame, rules: RfmlRules) -> dict[str, np.ndarray]:
    """R, F, M, L, total (int64) and the tier's code in _TIERS from the facts (recency_days,
    freq_12m, spend_12m and the five flags), column by column, as SCORE_SQL computes them."""
    recency = facts["recency_days"].to_numpy(dtype=float, na_value=np.nan)
    # R: 5 within r5 days, ..., 2 within r2, else 1 (and 1 when unknown)
    cuts = np.asarray(rules.recency_days, dtype=float)
    # cut-offs >= the days (rising cut-offs): 4 - those below them
    r = 1 + len(cuts) - np.searchsorted(cuts, recency, side="left")
    r = np.where(np.isnan(recency), 1, r).astype("int64")
    f = _bands_up(facts["freq_12m"].to_numpy(dtype=float), rules.visits).astype("int64")
    m = _bands_up(facts["spend_12m"].to_numpy(dtype=float, na_value=0.0), rules.spend).astype("int64")
    weight = {
        "has_warranty": rules.warranty_weight,
        "referred_someone": rules.referral_weight,
        "attended_event": rules.event_weight,
        "has_complaint": rules.complaint_weight,
        "seen_at_competitor": rules.competitor_weight,
    }
    loyalty = np.full(len(facts), rules.loyalty_base, dtype="int64")
    for flag, w in weight.items():
        loyalty += w * facts[flag].to_numpy(dtype=bool).astype("int64")
    l_score = np.clip(loyalty, SCORE_MIN, SCORE_MAX)
    total = r + f + m + l_score
    tier = np.select(
        [
            (r <= rules.churned_max_r) & (total <= rules.churned_max_total),
            total >= rules.platinum_min,
            total >= rules.gold_min,
            total >= rules.silver_min,
        ],
        [0, 1, 2, 3],
        default=4,
    ).astype("int8")
    return {"r": r, "f": f, "m": m, "l": l_score, "total": total, "tier": tier}


def rescore(scores: pd.DataFrame, rules: RfmlRules) -> pd.DataFrame:
    """The scores of :func:`score_customers` under other ``rules``, without SQL: R, F, M, L,
    total and tier recomputed from the facts the scoring kept (recency_days, freq_12m,
    spend_12m and the five flags), column by column, as SCORE_SQL computes them."""
    rules.validate()
    out = scores.copy(deep=False)
    if scores.attrs.get("rules") == rules:  # scored with these very rules: nothing to redo
        out.attrs = dict(scores.attrs)
        return out
    arrays = _score_arrays(out, rules)
    codes = arrays.pop("tier")
    for col, values in arrays.items():
        out[col] = values
    if len(out):  # the tiers' texts from their codes by Arrow (no Python string per customer)
        tier = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(_TIERS)).dictionary_decode()
        out["tier"] = pd.Series(tier, dtype=scores["tier"].dtype, index=out.index)
    out.attrs = dict(scores.attrs)
    out.attrs["rules"] = rules
    return out


def with_values(scores: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Scores joined to clv.customer_values (revenue, gross profit, 12-month figures, CLV)."""
    keep = [
        c
        for c in (
            "customer_id",
            "name",
            "revenue",
            "gross_profit",
            "gp_12m",
            "clv",
            "orders",
            "channel",
            "vehicle_model",
        )
        if c in values.columns
    ]
    if _same_ids(scores["customer_id"], values["customer_id"]):
        # The same customers in the same order (score_customers and customer_values both in
        # customer_id order): the merge's result, column by column, without a join. The
        # columns are copy-on-write references to ``values`` (a shared frame stays unchanged).
        merged = scores.copy(deep=False)
        for column in keep[1:]:
            merged[column] = values[column].set_axis(merged.index)
    else:
        merged = scores.merge(values[keep], on="customer_id", how="left")
    merged.attrs.update(scores.attrs)
    return merged


def _same_ids(a: pd.Series, b: pd.Series) -> bool:
    """Whether two id columns hold the same ids in the same order (Arrow compares a million
    ids in milliseconds; a column Arrow cannot take is compared by numpy)."""
    if len(a) != len(b):
        return False
    try:
        left, right = pa.array(a, from_pandas=True), pa.array(b, from_pandas=True)
        if left.type != right.type:
            right = right.cast(left.type)
        return bool(left.null_count == 0 and left.equals(right))
    except (pa.ArrowException, TypeError, ValueError):
        return bool(a.notna().all() and (a.to_numpy() == b.to_numpy()).all())


def rules_from_dict(values: Mapping[str, object]) -> RfmlRules:
    """RfmlRules from a flat mapping (a saved scenario); unknown keys are an error."""
    names = {f.name for f in fields(RfmlRules)}
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"unknown RFM+L rule fields: {sorted(unknown)}")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return RfmlRules(**kwargs)
