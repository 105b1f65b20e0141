"""A fitted model as plain JSON and back, exactly (``clv_engine.derived`` keeps it in the file).

Floats go through ``repr`` (json's own), so every parameter, standard error and covariance
entry comes back bit for bit; NaN is kept (json's ``NaN``). A restored fit predicts what the
fitted one predicts, without refitting.
"""

from __future__ import annotations

import json

import numpy as np

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


def fit_to_json(visits: BGNBDFit, spend: GammaGammaFit) -> str:
    return json.dumps(
        {
            "visits": {
                "params": list(visits.params),
                "standard_errors": list(visits.standard_errors),
                "log_likelihood": float(visits.log_likelihood),
                "n_customers": int(visits.n_customers),
                "n_unique_rows": int(visits.n_unique_rows),
                "method": visits.method,
                "covariance_log": np.asarray(visits.covariance_log, dtype=float).tolist(),
                "warnings": _notes(visits.warnings),
            },
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
    visits = BGNBDFit(
        params=BGNBDParams(*v["params"]),
        standard_errors=BGNBDParams(*v["standard_errors"]),
        log_likelihood=v["log_likelihood"],
        n_customers=v["n_customers"],
        n_unique_rows=v["n_unique_rows"],
        method=v["method"],
        covariance_log=np.array(v["covariance_log"], dtype=float),
        warnings=_notes_back(v["warnings"]),
    )
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
