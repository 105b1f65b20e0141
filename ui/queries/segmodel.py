"""Cached queries of the segmentation and model pages (issue 14: by integer customer key for
the whole group where the derived tables are kept; ids and names for the rows listed)."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.models import FitError, kept
from clv_engine.predictive import HoldoutCheck, holdout_check, p_alive_drops
from clv_engine.segmentation import grouped, moves
from clv_engine.status import P_ALIVE_LIKELY, StatusRules
from ui.queries.values import (
    _customer_values,
    cached,
    dropout,
    fit_failure,
    fitted_model,
    shared,
)


# -- model --
@cached
def model_headline(db: Database, as_of: date, store_ids, params: clv.CLVParams) -> kept.KeptHeadline | None:
    """The model page's headline summed in DuckDB from the kept predictions (the whole group
    only; None: the page computes from the predictions frame)."""
    if store_ids:
        return None
    active_days = StatusRules().active_days
    return kept.headline(db, as_of, params.horizon_years, params.discount_rate, P_ALIVE_LIKELY, active_days)


@cached
def model_predictions_of(
    db: Database, as_of: date, params: clv.CLVParams, customer_ids: tuple[str, ...]
) -> pd.DataFrame | None:
    """customer_id, p_visit_12m and predictive_clv of a few customers as kept (None: not kept)."""
    return kept.predictions_of(db, as_of, params.horizon_years, params.discount_rate, customer_ids)


@cached
def alive_drops(
    db: Database, as_of: date, lookback_days: int, stores: tuple | None, top: int
) -> pd.DataFrame:
    """The ``top`` customers (of ``stores``'s, None: all) whose P(alive) by the shared fit fell
    most over ``lookback_days``: a short frame, not a million rows kept per process."""
    model = fitted_model(db, as_of)
    if stores is None and not isinstance(model, dict):  # the whole group, both dates kept: by
        drops = kept.remembered_drops(db, model, lookback_days, top)  # key, once per file version
        if drops is not None:
            return drops
    return p_alive_drops(db, model, lookback_days, top=top, stores=stores)


@cached
def model_summary_facts(db: Database, as_of: date) -> tuple[int, float, float] | None:
    """(customers in the fit's summary, their longest T, the 99th percentile of their visits),
    summed in DuckDB when kept, else from the summary; None without a fit."""
    model = fitted_model(db, as_of)
    if isinstance(model, dict):
        return None
    facts = kept.summary_facts(db, model)
    if facts is not None:
        return facts
    summary = model.summary
    if summary.empty:
        return 0, float("nan"), float("nan")
    return len(summary), float(summary["T"].max()), float(np.quantile(summary["frequency"], 0.99))


@cached
def model_dropout(db: Database, as_of: date):
    """``dropout(db, as_of)`` (the shared fit's DropoutCheck, None without a fit), counted over
    the kept P(alive) of the whole group when there is."""
    model = fitted_model(db, as_of)
    check = None if isinstance(model, dict) else kept.dropout(db, model)
    return dropout(db, as_of) if check is None else check


@cached
def customers_with_orders(db: Database, as_of: date) -> int:
    """Distinct customers with an order to ``as_of`` (the model page's refund-only count)."""
    return kept.customers_with_orders(db, as_of)


@cached
def holdout(db: Database, calibration_end: date, as_of: date) -> HoldoutCheck | dict:
    """The holdout check, or the failure dict of its fit."""
    try:
        return holdout_check(db, calibration_end, as_of)
    except FitError as error:
        return fit_failure(error)


# -- segmentation --
# Scoring SQL once per (data, scope, date), other rules are arithmetic on it (seg.rescore).
@shared
def _seg_scores(db: Database, as_of: date, store_ids) -> pd.DataFrame:
    return seg.score_customers(db, as_of, list(store_ids) if store_ids else None)


@shared
def _seg_base(db: Database, as_of: date, store_ids, params: clv.CLVParams) -> pd.DataFrame:
    return seg.with_values(_seg_scores(db, as_of, store_ids), _customer_values(db, as_of, store_ids, params))


# The whole group with the derived tables kept for the date: the same frame by integer key
# (seg.keyed: no text id of a million customers); None: the scope or date computes as above.
@shared
def _seg_keyed_scores(db: Database, as_of: date) -> pd.DataFrame | None:
    return seg.keyed_scores(db, as_of)


@shared
def _seg_keyed_base(db: Database, as_of: date, params: clv.CLVParams) -> pd.DataFrame | None:
    scores = _seg_keyed_scores(db, as_of)
    if scores is None:
        return None
    return seg.with_keyed_values(scores, seg.keyed_values(db, as_of, params))


@shared(max_entries=4)
def _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params, keyed=True) -> pd.DataFrame:
    """The page's frame: keyed (cust_key, no name) for the whole group when kept, else with ids."""
    base = _seg_keyed_base(db, as_of, params) if keyed and store_ids is None else None
    if base is None:
        base = _seg_base(db, as_of, store_ids, params)
    frame = seg.rescore(base, rules)
    return seg.six_groups(frame, six_rules) if scheme == "six" else frame


def seg_customers(db, as_of, store_ids, scheme, rules, six_rules, params) -> pd.DataFrame:
    """The page's frame with customer ids and names (what a customer list reads): the keyed
    frame's figures, computed with the text ids (a click through, not the first render)."""
    return _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params, keyed=False).copy(deep=False)


@cached
def _seg_breakdowns(db, as_of, store_ids, scheme, rules, six_rules, params):
    frame = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params)
    if seg.is_keyed(frame):  # by array sums over the codes
        return seg.breakdowns(frame, scheme)
    return (
        seg.tier_breakdown(frame, scheme),
        seg.tier_breakdown(frame, scheme, by=["home_store_id"]),
        seg.tier_breakdown(frame, scheme, by=["region"]),
    )


# The whole group's RFM+L tiers and six groups by key, as small arrays
# (clv_engine.segmentation.grouped): the page's breakdowns, migration and clicked customers
# without a frame of its customers; None: not kept.
@shared
def _seg_places(db: Database, as_of: date):
    return grouped.places(db, as_of)


@shared
def _seg_facts(db: Database, as_of: date):
    return grouped.facts(db, as_of)


@shared(max_entries=6)
def _seg_ranks(db: Database, as_of: date, rules):
    """The tiers under ``rules``: arithmetic on the shared facts (another rule: no SQL)."""
    return grouped.ranks_of(_seg_facts(db, as_of), rules)


@shared
def _seg_money(db: Database, as_of: date, params: clv.CLVParams):
    return grouped.values(db, as_of, params)


@shared(max_entries=8)
def _seg_clv_cut(db: Database, as_of: date, params: clv.CLVParams, share: float) -> float | None:
    """The six groups' CLV cut (a quantile of a million CLVs: once per share, not per rule)."""
    money = _seg_money(db, as_of, params)
    return None if money is None else grouped.clv_cut(money, share)


@shared(max_entries=6)
def _seg_six(db: Database, as_of: date, rules, six_rules, params: clv.CLVParams):
    """The six groups under ``rules`` and ``six_rules``: arithmetic on the shared tiers' scores
    and values (another rule: no SQL, no frame)."""
    ranks, money = _seg_ranks(db, as_of, rules), _seg_money(db, as_of, params)
    if ranks is None or money is None:
        return None
    cut = _seg_clv_cut(db, as_of, params, six_rules.invalid_clv_share)
    return grouped.six_of(ranks, money, six_rules, cut)


def _seg_tiers(db: Database, as_of: date, scheme, rules, six_rules, params: clv.CLVParams):
    """The scheme's tiers (groups) of the whole group by key (None: not kept)."""
    if scheme == "six":
        return _seg_six(db, as_of, rules, six_rules, params)
    return _seg_ranks(db, as_of, rules)


def _by_arrays(store_ids) -> bool:
    """Whether the page's figures come from the arrays: the whole group, either scheme."""
    return store_ids is None


@cached
def seg_summary(db, as_of, store_ids, scheme, rules, six_rules, params):
    """(customers scored, breakdown, by store, by region): seg_analysis' figures, summed from
    the arrays for the whole group's tiers or groups where kept (no frame), else from the frame."""
    if _by_arrays(store_ids):
        found = grouped.breakdowns(
            _seg_places(db, as_of),
            _seg_tiers(db, as_of, scheme, rules, six_rules, params),
            _seg_money(db, as_of, params),
        )
        if found is not None:
            return found
    frame, *parts = seg_analysis(db, as_of, store_ids, scheme, rules, six_rules, params)
    return (len(frame), *parts)


@cached(max_entries=8)
def seg_cell_customers(
    db, as_of, rules, params, cells: tuple, scheme: str = "rfml", six_rules=None
) -> pd.DataFrame | None:
    """The whole group's customers in the clicked ``cells`` (tier or group under "tier", and
    store or region), read by key for them only (None: not kept; then the frame with ids)."""
    six_rules = seg.SixGroupRules() if six_rules is None else six_rules
    return grouped.customers_in(
        db,
        as_of,
        _seg_places(db, as_of),
        _seg_tiers(db, as_of, scheme, rules, six_rules, params),
        _seg_money(db, as_of, params),
        [dict(c) for c in cells],
    )


def seg_analysis(db, as_of, store_ids, scheme, rules, six_rules, params):
    """(customers with scores, CLV and tier or group; breakdown; by store; by region)."""
    frame = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params).copy(deep=False)
    return (frame, *_seg_breakdowns(db, as_of, store_ids, scheme, rules, six_rules, params))


@shared(max_entries=2)
def seg_migration(
    db, date_a, as_of, store_ids, scheme, rules, six_rules, params, shown=None
) -> seg.Migration:
    """Who moved between tiers (shared: never changed by callers), both dates as the page scores;
    ``shown``: the first movers of each direction only as rows (``movers`` for a whole list)."""
    if _by_arrays(store_ids):  # the whole group's tiers (groups) by key, both dates kept
        then = _seg_tiers(db, date_a, scheme, rules, six_rules, params)
        mig = None
        if then is not None:
            now, where, money = (
                _seg_tiers(db, as_of, scheme, rules, six_rules, params),
                _seg_places(db, as_of),
                _seg_money(db, as_of, params),
            )
            mig = moves.migration(db, date_a, as_of, then, now, where, money, shown)
        if mig is not None:
            return mig
    now = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params)
    keyed = seg.is_keyed(now)
    if keyed:  # both dates by key, or both with ids
        if scheme == "rfml":
            then = _seg_keyed_scores(db, date_a)
            then = None if then is None else seg.rescore(then, rules)
        else:
            then = _seg_frame(db, date_a, store_ids, scheme, rules, six_rules, params)
            then = then if seg.is_keyed(then) else None
        if then is None:
            keyed = False
            now = _seg_frame(db, as_of, store_ids, scheme, rules, six_rules, params, keyed=False)
    if not keyed:
        if scheme == "rfml":  # the earlier tiers need the scores only (the values: the six groups)
            then = seg.rescore(_seg_scores(db, date_a, store_ids), rules)
        else:
            then = _seg_frame(db, date_a, store_ids, scheme, rules, six_rules, params, keyed=False)
        return seg.migration_between(then, now, scheme, date_a, as_of, shown)
    mig = seg.migration_between(seg.by_key(then), seg.by_key(now), scheme, date_a, as_of, shown)
    return dataclasses.replace(mig, moves=seg.named(db, as_of, mig.moves))


def seg_movers(db, as_of, mig: seg.Migration, kind: str) -> pd.DataFrame:
    """Every mover of ``kind`` of a :func:`seg_migration`, with ids and names (a download)."""
    rows = mig.movers(kind)
    if mig.sides is not None and pd.api.types.is_integer_dtype(mig.sides[1]["customer_id"]):
        return seg.named(db, as_of, rows)
    return rows


@cached
def first_order_date(db) -> date | None:
    return db.query_value("SELECT min(order_date) FROM orders")


@cached
def missing_flag_tables(db) -> list[str]:
    return seg.missing_flag_tables(db)
