"""A fitted model as plain JSON and back, exactly (``clv_engine.derived`` keeps it in the file).

Floats go through ``repr`` (json's own), so every parameter, standard error and covariance
entry comes back bit for bit; NaN is kept (json's ``NaN``). A restored fit predicts what the
fitted one predicts, without refitting.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd

from clv_engine.models.bg_nbd import BGNBDFit, BGNBDParams
from clv_engine.models.fitting import FitError, FitNote
from clv_engine.models.gamma_gamma import GammaGammaFit, GammaGammaParams


def _plain(value: object) -> object:
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    return value


def _notes(notes: tuple[FitNote, ...]) -> list[dict]:
    return [{"code": n.code, "details": {k: _plain(v) for k, v in n.details.items()}} for n in notes]


def _notes_back(items: list[dict]) -> tuple[FitNote, ...]:
    return tuple(FitNote(item["code"], dict(item["details"])) for item in items)


def _visits(visits: BGNBDFit) -> dict:
    return {
        "params": list(visits.params),
        "standard_errors": list(visits.standard_errors),
        "log_likelihood": float(visits.log_likelihood),
        "n_customers": int(visits.n_customers),
        "n_unique_rows": int(visits.n_unique_rows),
        "method": visits.method,
        "covariance_log": np.asarray(visits.covariance_log, dtype=float).tolist(),
        "warnings": _notes(visits.warnings),
    }


def _visits_back(v: dict) -> BGNBDFit:
    return BGNBDFit(
        params=BGNBDParams(*v["params"]),
        standard_errors=BGNBDParams(*v["standard_errors"]),
        log_likelihood=v["log_likelihood"],
        n_customers=v["n_customers"],
        n_unique_rows=v["n_unique_rows"],
        method=v["method"],
        covariance_log=np.array(v["covariance_log"], dtype=float),
        warnings=_notes_back(v["warnings"]),
    )


def fit_to_json(visits: BGNBDFit, spend: GammaGammaFit) -> str:
    return json.dumps(
        {
            "visits": _visits(visits),
            "spend": {
                "params": list(spend.params),
                "standard_errors": list(spend.standard_errors),
                "log_likelihood": float(spend.log_likelihood),
                "n_customers": int(spend.n_customers),
                "method": spend.method,
                "spend_frequency_pearson": float(spend.spend_frequency_pearson),
                "spend_frequency_spearman": float(spend.spend_frequency_spearman),
                "covariance_log": np.asarray(spend.covariance_log, dtype=float).tolist(),
                "warnings": _notes(spend.warnings),
            },
        }
    )


def fit_from_json(text: str) -> tuple[BGNBDFit, GammaGammaFit]:
    data = json.loads(text)
    v, s = data["visits"], data["spend"]
    visits = _visits_back(v)
    spend = GammaGammaFit(
        params=GammaGammaParams(*s["params"]),
        standard_errors=GammaGammaParams(*s["standard_errors"]),
        log_likelihood=s["log_likelihood"],
        n_customers=s["n_customers"],
        method=s["method"],
        spend_frequency_pearson=s["spend_frequency_pearson"],
        spend_frequency_spearman=s["spend_frequency_spearman"],
        covariance_log=np.array(s["covariance_log"], dtype=float),
        warnings=_notes_back(s["warnings"]),
    )
    return visits, spend


def failure_to_json(error: FitError) -> str:
    return json.dumps({"reason": error.reason, "details": {k: _plain(v) for k, v in error.details.items()}})


def failure_from_json(text: str) -> FitError:
    data = json.loads(text)
    return FitError(data["reason"], **data["details"])


def holdout_to_json(
    calibration_end: date,
    as_of: date,
    holdout_length: float,
    visits: BGNBDFit,
    table: pd.DataFrame,
    actual_total: float,
    predicted_total: float,
) -> str:
    """A holdout check's parts (``predictive.HoldoutCheck``) as JSON, the table's columns with
    their dtypes, every float exact."""
    return json.dumps(
        {
            "calibration_end": calibration_end.isoformat(),
            "as_of": as_of.isoformat(),
            "holdout_length": float(holdout_length),
            "visits": _visits(visits),
            "table": {
                "columns": [str(c) for c in table.columns],
                "dtypes": [str(t) for t in table.dtypes],
                "data": [[_plain(x) for x in table[c].tolist()] for c in table.columns],
            },
            "actual_total": float(actual_total),
            "predicted_total": float(predicted_total),
        }
    )


def holdout_from_json(text: str) -> dict:
    """The keyword arguments of ``predictive.HoldoutCheck`` back from :func:`holdout_to_json`."""
    data = json.loads(text)
    t = data["table"]
    table = pd.DataFrame(
        {c: pd.Series(values, dtype=dtype) for c, dtype, values in zip(t["columns"], t["dtypes"], t["data"])}
    )
    return {
        "calibration_end": date.fromisoformat(data["calibration_end"]),
        "as_of": date.fromisoformat(data["as_of"]),
        "holdout_length": data["holdout_length"],
        "visits": _visits_back(data["visits"]),
        "table": table,
        "actual_total": data["actual_total"],
        "predicted_total": data["predicted_total"],
    }
