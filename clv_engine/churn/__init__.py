"""Churn early warning (SPEC §3): a risk score per customer, levels, interventions, the call list.

Risk score = Σ weight × signal, each signal normalised to 0..1 (SPEC defaults):
    0.30 × drop in spend over the last 3 months
  + 0.25 × drop in visit frequency
  + 0.20 × unresolved complaints
  + 0.15 × competitor attention
  + 0.10 × appointment cancellation rate

An after-sales book is full of owners who come once a year, so a quiet quarter is not a sign
by itself. The two drop signals therefore compare the recent window with the customer's own
pace in the 12 months before it, and are weighted by the evidence: min(1, visits the customer
would be expected to make in the window). A once-a-year owner who skipped a quarter scores at
most 0.25 on the spend drop; a four-times-a-year owner who skipped one scores 1.

A signal whose table is empty (no complaints, competitor sightings or appointments imported)
is *not available*: its weight is shared out over the available signals in proportion to their
weights, so the score still runs 0..1 and reads "of the evidence we have". It is never counted
as zero risk; the page names the file that would enable it.

Expected value of an intervention on a customer = P(churn) × success × remaining CLV − cost.
P(churn) comes from the score by a backtest (see :func:`calibrate`), from the score read as a
probability, or from a predictive model's P(alive) when one is there.

The package, along its seams: ``rules`` (signals, levels, weights, interventions), ``signals``
(the facts from the database, each signal in 0..1, the score), ``calibration`` (backtest and
P(churn)), ``call_list`` (expected value, filters, totals, where to stop, what the caller
needs), ``capacity`` (a week's calls or budget per store). Its sentences are in wording.churn.
"""

from clv_engine.churn.calibration import (
    Calibration,
    backtest_groups,
    backtest_outcome_sql,
    backtest_signals,
    calibrate,
    calibrate_groups,
    calibration_from_backtest,
    calibration_from_groups,
    fit_logistic,
    group_backtest,
    kept_dropout,
    p_churn,
    p_churn_methods,
    ranking_auc,
)
from clv_engine.churn.call_list import (
    DUE_DAYS,
    NARROW_LIST_COLUMNS,
    NARROW_VALUE_COLUMNS,
    OWNER_ROLE,
    ListTotals,
    add_call_details,
    best_call_count,
    call_list,
    expected_value,
    filter_list,
    interventions_in_use,
    level_summary,
    list_base,
    list_file_name,
    list_totals,
    measured_interventions,
    per_level,
    rfml_tiers,
    with_ids,
    with_signals,
)
from clv_engine.churn.capacity import CAPACITY_KINDS, knapsack, top_n, within_capacity
from clv_engine.churn.details import (
    DETAIL_COLUMNS,
    STORE_OWNER_COLUMNS,
    VEHICLE_MODEL_COLUMNS,
    VEHICLE_PLATE_COLUMNS,
    VIN_TAIL,
    call_details,
    vehicle_text,
    with_details,
)
from clv_engine.churn.kept import kept_base
from clv_engine.churn.rules import (
    BACKTEST_HORIZON_DAYS,
    CODES,
    DAYS_PER_YEAR,
    INTERVENTIONS,
    LAPSED,
    LEVELS,
    NO_LEVEL,
    P_CHURN_METHODS,
    SIGNAL_TABLE,
    SIGNALS,
    Intervention,
    RiskLevels,
    RiskWeights,
    SignalRules,
)
from clv_engine.churn.signals import (
    CONTRIBUTIONS,
    LEVEL_CATEGORIES,
    available_signals,
    cancellation_signal,
    churn_signals,
    competitor_signal,
    complaint_signal,
    contributions_of,
    drop_signal,
    effective_weights,
    expected_in_window,
    risk_level,
    score_risk,
)

__all__ = [
    "BACKTEST_HORIZON_DAYS",
    "CAPACITY_KINDS",
    "CODES",
    "CONTRIBUTIONS",
    "Calibration",
    "DAYS_PER_YEAR",
    "DUE_DAYS",
    "INTERVENTIONS",
    "Intervention",
    "LAPSED",
    "DETAIL_COLUMNS",
    "LEVELS",
    "LEVEL_CATEGORIES",
    "NARROW_LIST_COLUMNS",
    "NARROW_VALUE_COLUMNS",
    "ListTotals",
    "NO_LEVEL",
    "OWNER_ROLE",
    "P_CHURN_METHODS",
    "RiskLevels",
    "RiskWeights",
    "SIGNALS",
    "SIGNAL_TABLE",
    "STORE_OWNER_COLUMNS",
    "SignalRules",
    "VEHICLE_MODEL_COLUMNS",
    "VEHICLE_PLATE_COLUMNS",
    "VIN_TAIL",
    "add_call_details",
    "available_signals",
    "backtest_groups",
    "backtest_outcome_sql",
    "backtest_signals",
    "best_call_count",
    "calibrate",
    "calibrate_groups",
    "calibration_from_backtest",
    "calibration_from_groups",
    "call_details",
    "call_list",
    "cancellation_signal",
    "churn_signals",
    "competitor_signal",
    "complaint_signal",
    "contributions_of",
    "drop_signal",
    "effective_weights",
    "expected_in_window",
    "expected_value",
    "filter_list",
    "fit_logistic",
    "group_backtest",
    "interventions_in_use",
    "kept_base",
    "kept_dropout",
    "knapsack",
    "level_summary",
    "list_base",
    "list_file_name",
    "list_totals",
    "measured_interventions",
    "p_churn",
    "p_churn_methods",
    "per_level",
    "ranking_auc",
    "rfml_tiers",
    "risk_level",
    "score_risk",
    "top_n",
    "vehicle_text",
    "with_details",
    "with_ids",
    "with_signals",
    "within_capacity",
]
