"""Predictive per-customer CLV from the order table: BG/NBD visits × Gamma-Gamma value.

The historical and DCF models say what a customer has been worth on average; this one
ranks individual customers by expected future gross profit and says who has probably gone
(P(alive)). The models are in ``clv_engine.models``; this module turns the ``orders`` table
into their inputs (in DuckDB), fits them and lays out what the product shows.

Definitions used throughout:
- a *visit* is a day with an order whose total is not negative, whatever the amount (several
  orders on one day are one visit; a free inspection or warranty job at zero revenue is a
  visit; a refund-only day is not). A zero or negative value per visit leaves a customer out
  of the spend model only, with a count (``predictive.note.left_out``);
- the customer's clock starts at the first visit: ``frequency`` counts the visits after it,
  ``recency`` is the time from the first to the last visit and ``T`` from the first visit
  to the end of observation, both in ``time_unit_days`` (7: weeks);
- value per visit is the gross profit of the visit; its mean is taken over repeat visits
  (the first visit is excluded, as in Fader, Hardie & Lee 2005).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clv_engine.cells import as_date
from clv_engine.db import Database
from clv_engine.derived import store as derived
from clv_engine.models import (
    BGNBDFit,
    BGNBDParams,
    FitError,
    FitNote,
    GammaGammaFit,
    GammaGammaParams,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
    p_visit_within,
    predict_customers,
)
from clv_engine.models.backtest import VisitGrid, holdout_table, visit_grid
from clv_engine.models.fitted import DAYS_PER_YEAR, PredictiveModel
from clv_engine.models.store import failure_from_json, fit_from_json, holdout_from_json
from clv_engine.scope import scope_of

__all__ = [
    "BGNBDFit",
    "BGNBDParams",
    "FitError",
    "FitNote",
    "GammaGammaFit",
    "GammaGammaParams",
    "PredictiveModel",
    "HoldoutCheck",
    "VisitGrid",
    "rfm_summary",
    "fit_predictive_model",
    "customer_predictions",
    "predictive_customer_values",
    "holdout_table",
    "holdout_check",
    "visit_grid",
    "p_alive_drops",
    "p_visit_within",
    "DAYS_PER_YEAR",
    "CLV_MODELS",
    "with_predictive_clv",
    "stored_predictions",
    "values_for_model",
]


RFM_SQL = """
WITH visits AS (
    SELECT customer_id, order_date AS visit_date,
           sum(gross_profit) AS gross_profit, sum(revenue) AS revenue
    FROM orders
    WHERE order_date <= CAST($end AS DATE)
    GROUP BY customer_id, order_date
    HAVING sum(revenue) >= 0
),
summary AS (
    SELECT customer_id,
           min(visit_date) AS first_visit,
           max(visit_date) FILTER (WHERE visit_date <= CAST($cal AS DATE)) AS last_visit,
           count(*) FILTER (WHERE visit_date <= CAST($cal AS DATE)) - 1 AS frequency,
           -- Repeat visits = the calibration visits less the first one (no window needed).
           (sum(gross_profit) FILTER (WHERE visit_date <= CAST($cal AS DATE))
               - arg_min(gross_profit, visit_date)) AS repeat_gp,
           (sum(revenue) FILTER (WHERE visit_date <= CAST($cal AS DATE))
               - arg_min(revenue, visit_date)) AS repeat_revenue,
           count(*) FILTER (WHERE visit_date > CAST($cal AS DATE)) AS holdout_visits,
           coalesce(sum(gross_profit) FILTER (WHERE visit_date > CAST($cal AS DATE)), 0)
               AS holdout_gp
    FROM visits
    GROUP BY customer_id
    HAVING min(visit_date) <= CAST($cal AS DATE)
)
SELECT s.customer_id, c.name, c.home_store_id,
       s.frequency,
       date_diff('day', s.first_visit, s.last_visit) / $unit AS recency,
       date_diff('day', s.first_visit, CAST($cal AS DATE)) / $unit AS "T",
       CASE WHEN s.frequency > 0 THEN s.repeat_gp / s.frequency ELSE 0 END AS mean_gp_per_visit,
       CASE WHEN s.frequency > 0 THEN s.repeat_revenue / s.frequency ELSE 0 END AS mean_revenue_per_visit,
       s.first_visit, s.last_visit, s.holdout_visits, s.holdout_gp
FROM summary s
LEFT JOIN customers c USING (customer_id)
ORDER BY s.customer_id
"""


def _as_date(value: object, name: str) -> date:
    if (day := as_date(value)) is not None:
        return day
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{name}: expected a date (YYYY-MM-DD), got {value!r}")


def _check_unit(time_unit_days: float) -> float:
    if not np.isfinite(time_unit_days) or time_unit_days <= 0:
        raise ValueError(f"time_unit_days: must be a positive number of days, got {time_unit_days!r}")
    return float(time_unit_days)


def rfm_summary(
    db: Database,
    as_of: date,
    *,
    time_unit_days: float = 7.0,
    calibration_end: date | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per customer with a visit by the end of calibration (``calibration_end``,
    else ``as_of``): customer_id, name, home_store_id, frequency, recency, T (in
    ``time_unit_days``), mean_gp_per_visit and mean_revenue_per_visit over repeat visits
    (0 without one), first_visit, last_visit (in calibration), and holdout_visits /
    holdout_gp after ``calibration_end`` up to ``as_of`` (0 without a holdout). ``columns``:
    only these (a narrower read of the kept summary)."""
    end = _as_date(as_of, "as_of")
    cal = end if calibration_end is None else _as_date(calibration_end, "calibration_end")
    if cal > end:
        raise ValueError(f"calibration_end: {cal} is after as_of ({end})")
    unit = _check_unit(time_unit_days)
    if cal == end and unit == derived.TIME_UNIT_DAYS and derived.rfm_kept(db, end):
        # Built once for this date and data (clv_engine.derived): the same rows, same order.
        frame = derived.rfm_frame(db, end, columns)
    else:
        frame = db.query_df(RFM_SQL, {"end": end, "cal": cal, "unit": unit})
        frame = frame if columns is None else frame[list(columns)]
    return typed_rfm(frame)


def typed_rfm(frame: pd.DataFrame) -> pd.DataFrame:
    """RFM_SQL's rows as ``rfm_summary`` returns them (counts as floats, for the models)."""
    for column in ("frequency", "holdout_visits"):
        if column in frame.columns:
            frame[column] = frame[column].astype(float)
    return frame


def fit_predictive_model(db: Database, as_of: date, *, time_unit_days: float = 7.0) -> PredictiveModel:
    """Fit BG/NBD on every customer's visits to ``as_of`` and Gamma-Gamma on the gross
    profit per repeat visit. Raises FitError (a ``models.*`` code) when the data
    cannot support a fit."""
    as_of = _as_date(as_of, "as_of")
    stored = (
        scope_of(db) is None
        and float(time_unit_days) == derived.TIME_UNIT_DAYS
        and derived.kept_date(db, as_of)
    )
    if stored:
        # Fitted when the tables were built, on this very summary: the same parameters. The
        # summary is read when first used (a page showing customers), not to restore the fit.
        kind, payload = derived.model_json(db, as_of)
        if kind == "failure":
            raise failure_from_json(payload)
        visits, spend = fit_from_json(payload)
        summary = lambda: rfm_summary(db, as_of, time_unit_days=time_unit_days)  # noqa: E731
        kept = stored.predictions and (lambda: derived.rfm_predictions_frame(db, as_of))
        return PredictiveModel(
            as_of, float(time_unit_days), summary, visits, spend, kept or None, stored.predictions
        )
    summary = rfm_summary(db, as_of, time_unit_days=time_unit_days)
    visits, spend = fit_on_summary(summary, as_of)
    return PredictiveModel(as_of, float(time_unit_days), summary, visits, spend)


def fit_on_summary(summary: pd.DataFrame, as_of: date) -> tuple[BGNBDFit, GammaGammaFit]:
    """Both fits on an RFM summary (``rfm_summary``); FitError when none is possible."""
    if summary.empty:
        raise FitError("no_customers", as_of=as_of.isoformat())
    visits = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    spend = fit_gamma_gamma(summary["frequency"], summary["mean_gp_per_visit"])
    return visits, spend


PREDICTION_COLUMNS = [
    "customer_id",
    "frequency",
    "recency",
    "T",
    "p_alive",
    "expected_visits",
    "expected_gp_per_visit",
    "predictive_clv",
]


def customer_predictions(model: PredictiveModel, horizon_years: float, discount_rate: float) -> pd.DataFrame:
    """Per customer of the model's summary: the columns of PREDICTION_COLUMNS, plus
    p_visit_12m (chance of at least one visit in the next 12 months), name, home_store_id
    and last_visit for display."""
    s = model.summary
    kept = model.kept_predictions(horizon_years, discount_rate)
    if kept is not None and len(kept) == len(s) and kept["customer_id"].array.equals(s["customer_id"].array):
        # Computed by this very function when the tables were built (clv_engine.derived).
        frame = s[["customer_id", "frequency", "recency", "T"]].copy()
        for column in derived.RFM_PREDICTED:
            frame[column] = kept[column].to_numpy()
        for column in ("name", "home_store_id", "last_visit"):
            frame[column] = s[column].array  # positional, no text copied (the Arrow column)
        return frame
    out = predict_customers(
        model.visits,
        model.spend,
        s["frequency"],
        s["recency"],
        s["T"],
        s["mean_gp_per_visit"],
        horizon_years=horizon_years,
        discount_rate=discount_rate,
        units_per_year=model.units_per_year,
    )
    frame = s[["customer_id", "frequency", "recency", "T"]].copy()
    frame["p_alive"] = out["p_alive"]
    frame["expected_visits"] = out["expected_visits"]
    frame["expected_gp_per_visit"] = out["expected_value_per_visit"]
    frame["predictive_clv"] = out["predictive_clv"]
    frame["p_visit_12m"] = p_visit_within(
        model.visits, model.units_per_year, s["frequency"], s["recency"], s["T"]
    )
    for column in ("name", "home_store_id", "last_visit"):
        frame[column] = s[column].array  # positional, no text copied (the Arrow column)
    return frame


def predictive_customer_values(
    db: Database,
    as_of: date,
    horizon_years: float = 5.0,
    discount_rate: float = 0.12,
    *,
    time_unit_days: float = 7.0,
    store_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per customer (with a visit by ``as_of``): customer_id, frequency, recency, T,
    p_alive, expected_visits (over the horizon), expected_gp_per_visit, predictive_clv
    (expected gross profit over ``horizon_years``, discounted at ``discount_rate`` a year).

    recency and T are in ``time_unit_days`` (weeks by default): recency is the time from
    the first to the last visit, T from the first visit to ``as_of``. The models are fitted
    on every customer; ``store_ids`` only selects the rows returned (by home store).
    Raises FitError when no fit is possible.
    """
    model = fit_predictive_model(db, as_of, time_unit_days=time_unit_days)
    frame = customer_predictions(model, horizon_years, discount_rate)
    if store_ids:
        frame = frame[frame["home_store_id"].isin(list(store_ids))].reset_index(drop=True)
    return frame[PREDICTION_COLUMNS]


# ---------------------------------------------------------------------------------------
# Which CLV the whole app uses
# ---------------------------------------------------------------------------------------

CLV_MODELS = ("predictive", "historical")


def stored_predictions(
    db: Database, as_of: date, store_ids: Sequence[str] | None, horizon_years: float, discount_rate: float
) -> pd.DataFrame | None:
    """customer_id, p_alive, expected_visits and predictive_clv as kept in the file for
    ``as_of`` at these parameters (clv_engine.derived), in the rows and order of
    ``clv.customer_values(db, as_of, store_ids)``; None when not kept (then compute)."""
    if not derived.predictions_kept(db, as_of, horizon_years, discount_rate):
        return None
    return derived.predictions_frame(db, as_of, store_ids)


def with_predictive_clv(values: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """The per-customer frame (``clv.customer_values``) with ``clv`` taken from the predictive
    model, the historical figure kept as ``historical_clv``, and ``p_alive`` and
    ``expected_visits`` beside it. A customer with no visit yet has nothing to fit on; they
    keep the historical figure."""
    if len(predictions) == len(values) and predictions["customer_id"].array.equals(
        values["customer_id"].array
    ):
        # The same customers in the same order (the stored predictions): columns side by side,
        # what the merge would give, without matching a million text ids.
        merged = values.reset_index(drop=True)
        for column in ("p_alive", "expected_visits", "predictive_clv"):
            merged[column] = predictions[column].to_numpy()
    else:
        merged = values.merge(
            predictions[["customer_id", "p_alive", "expected_visits", "predictive_clv"]],
            on="customer_id",
            how="left",
        )
    merged["historical_clv"] = merged["clv"]
    merged["clv"] = merged["predictive_clv"].fillna(merged["historical_clv"])
    merged.attrs = dict(values.attrs, model="predictive")
    return merged


def values_for_model(values: pd.DataFrame, model: str, predictions: pd.DataFrame | None) -> pd.DataFrame:
    """The per-customer CLV every page uses: the predictive CLV when ``model`` is
    "predictive" and a fit exists (``predictions``, from ``customer_predictions``), else the
    historical one. ``attrs["model"]`` says which model the figures come from."""
    if model not in CLV_MODELS:
        raise ValueError(f"model must be one of {', '.join(CLV_MODELS)}, got {model!r}")
    if model == "predictive" and predictions is not None:
        return with_predictive_clv(values, predictions)
    out = values.copy(deep=False)  # copy-on-write: the caller's frame stays as it was
    out.attrs = dict(values.attrs, model="historical")
    return out


# ---------------------------------------------------------------------------------------
# Calibration / holdout diagnostic
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldoutCheck:
    calibration_end: date
    as_of: date
    holdout_length: float  # in time units
    visits: BGNBDFit  # fitted on the calibration period only
    table: pd.DataFrame  # holdout_table
    actual_total: float
    predicted_total: float


# The model page's defaults, kept computed in the file (clv_engine.derived).
HOLDOUT_DEFAULT_MONTHS = 12
HOLDOUT_MAX_VISITS = 7
DROPS_DEFAULT_DAYS = 90
DROPS_SHOWN = 20  # the customers the page lists


def holdout_calibration_end(as_of: date, months: int) -> date:
    """The calibration end ``months`` before ``as_of`` (the model page's holdout choice)."""
    return (pd.Timestamp(as_of) - pd.DateOffset(months=months)).date()


def holdout_check(
    db: Database,
    calibration_end: date,
    as_of: date,
    *,
    time_unit_days: float = 7.0,
    max_visits: int = HOLDOUT_MAX_VISITS,
) -> HoldoutCheck:
    """Fit BG/NBD on the visits up to ``calibration_end`` and compare its forecast of the
    visits in (calibration_end, as_of] with what the customers actually did."""
    cal = _as_date(calibration_end, "calibration_end")
    end = _as_date(as_of, "as_of")
    if cal >= end:
        raise ValueError(f"calibration_end: {cal} must be before as_of ({end})")
    if (kept := derived.holdout_json(db, cal, end, time_unit_days, max_visits)) is not None:
        if kept[0] == "failure":  # computed when the tables were built, on this very data
            raise failure_from_json(kept[1])
        return HoldoutCheck(**holdout_from_json(kept[1]))
    summary = rfm_summary(db, end, time_unit_days=time_unit_days, calibration_end=cal)
    if summary.empty:
        raise FitError("no_customers", as_of=cal.isoformat())
    fit = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    length = (end - cal).days / _check_unit(time_unit_days)
    table = holdout_table(
        fit,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        summary["holdout_visits"],
        length,
        max_visits,
    )
    return HoldoutCheck(
        calibration_end=cal,
        as_of=end,
        holdout_length=length,
        visits=fit,
        table=table,
        actual_total=float((table["actual"] * table["customers"]).sum()),
        predicted_total=float((table["predicted"] * table["customers"]).sum()),
    )


# ---------------------------------------------------------------------------------------
# Frequency / recency maps and P(alive) drops
# ---------------------------------------------------------------------------------------


DROP_COLUMNS = ["customer_id", "name", "home_store_id", "frequency", "last_visit"]
DROP_COLUMNS += ["p_alive_before", "p_alive", "change"]


def p_alive_drops(
    db: Database,
    model: PredictiveModel,
    lookback_days: int = 90,
    top: int | None = 20,
    stores: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Customers whose P(alive) fell most over the last ``lookback_days``: the model's
    parameters applied to each customer's history as it was then and as it is now.

    Columns: customer_id, name, home_store_id, frequency, last_visit, p_alive_before,
    p_alive, change (now − before; most negative first). A customer seen for the first
    time within the lookback has no "before" and is left out. ``stores``: only the customers
    whose home store is one of these (the rows of the whole ranking that are theirs).
    """
    if not isinstance(lookback_days, (int, np.integer)) or lookback_days < 1:
        raise ValueError(f"lookback_days: must be a whole number of days >= 1, got {lookback_days!r}")
    earlier = model.as_of - timedelta(days=int(lookback_days))
    rfm = ["customer_id", "frequency", "recency", "T"]
    before = rfm_summary(db, earlier, time_unit_days=model.time_unit_days, columns=rfm)
    now = model.summary
    if before.empty or now.empty:  # no customer yet at the earlier date (its ids have no type)
        return pd.DataFrame(columns=DROP_COLUMNS)
    # The customers in both (an inner join on the ids, in ``now``'s order), matched by Arrow's
    # hash of the text ids: a pandas merge of a million ids took a second.
    at = pc.index_in(_ids(now["customer_id"]), value_set=_ids(before["customer_id"]))
    found = at.is_valid().to_numpy(zero_copy_only=False)
    rows = at.drop_null().to_numpy().astype(np.int64)
    if not found.any():
        return pd.DataFrame(columns=DROP_COLUMNS)
    then = [before[c].to_numpy()[rows] for c in rfm[1:]]
    p_before = p_alive(model.visits, *then)
    p_now = p_alive(model.visits, *(now[c].to_numpy()[found] for c in rfm[1:]))
    change = p_now - p_before
    at_rows = np.flatnonzero(found)  # the rows of ``now`` in both
    keep = None
    if stores is not None:
        keep = now["home_store_id"].isin(list(stores)).to_numpy()[found]
    if top is not None and not np.isnan(change).any():
        # Only the ``top`` most negative changes are kept: a partition picks every row at or
        # below the top-th change (ties included), and only those are sorted below, without
        # a frame of a million rows (the same rows and order as the full sort's head).
        eligible = np.flatnonzero(keep) if keep is not None else np.arange(len(change))
        if len(eligible) > top:
            kth = np.partition(change[eligible], top - 1)[top - 1] if top > 0 else -np.inf
            eligible = eligible[change[eligible] <= kth]
        keep = np.zeros(len(change), dtype=bool)
        keep[eligible] = True
    if keep is not None:
        at_rows, p_before, p_now, change = at_rows[keep], p_before[keep], p_now[keep], change[keep]
    merged = now.iloc[at_rows][DROP_COLUMNS[:5]].reset_index(drop=True)
    merged["p_alive_before"] = p_before
    merged["p_alive"] = p_now
    merged["change"] = change
    ids = _ids(merged["customer_id"])
    if len(ids) < 2 or pc.all(pc.less(ids[:-1], ids[1:])).as_py():
        # ids ascending (the summary's order): a stable sort on the change alone is the order
        # of (change, customer_id), without comparing a million texts
        merged = merged.take(np.argsort(merged["change"].to_numpy(), kind="stable")).reset_index(drop=True)
    else:
        merged = merged.sort_values(["change", "customer_id"]).reset_index(drop=True)
    if top is not None:
        merged = merged.head(top)
    return merged[DROP_COLUMNS]


def _ids(column: pd.Series) -> pa.Array:
    ids = pa.array(column)
    return ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
