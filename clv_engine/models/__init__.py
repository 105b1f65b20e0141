"""Visit and spend models behind predictive CLV, one model per module (as ``lifetimes`` and
pymc-marketing's ``clv`` package lay them out). Numpy and scipy only; per-customer arrays:

- ``frequency`` x: repeat visits (visits after the first) in the observation window;
- ``recency`` t_x: time of the last visit, measured from the first visit;
- ``T``: age, time from the first visit to the end of the window;
- ``mean_value``: mean spend (or gross profit) per repeat visit.

Times are in one unit of the caller's choosing (weeks for CDNOW, weeks or days from the
order table).

- ``fitting``: input checks, row compression, maximum likelihood, FitError and FitNote;
- ``bg_nbd``: BG/NBD visits and dropout (Fader, Hardie & Lee 2005);
- ``gamma_gamma``: Gamma-Gamma value per visit (Fader & Hardie 2013);
- ``predict``: every per-customer prediction of both models in one pass;
- ``backtest``: the holdout check and the frequency/recency maps of a BG/NBD fit;
- ``simulate``: customers drawn from the BG/NBD story (tests, benchmarks).

``clv_engine.predictive`` turns the order table into their inputs and fits them.
"""

from clv_engine.models.bg_nbd import (
    BGNBDFit,
    BGNBDParams,
    bgnbd_log_likelihood,
    discounted_expected_visits,
    expected_visits,
    expected_visits_new_customer,
    fit_bgnbd,
    p_alive,
    p_visit_within,
)
from clv_engine.models.fitting import CODES, FitError, FitNote, check_rfm, compress_rows
from clv_engine.models.gamma_gamma import (
    GammaGammaFit,
    GammaGammaParams,
    expected_value_per_visit,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    spend_frequency_correlation,
)
from clv_engine.models.predict import predict_customers
from clv_engine.models.simulate import simulate_bgnbd

__all__ = [
    "BGNBDFit",
    "BGNBDParams",
    "CODES",
    "FitError",
    "FitNote",
    "GammaGammaFit",
    "GammaGammaParams",
    "bgnbd_log_likelihood",
    "check_rfm",
    "compress_rows",
    "discounted_expected_visits",
    "expected_value_per_visit",
    "expected_visits",
    "expected_visits_new_customer",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "p_alive",
    "p_visit_within",
    "predict_customers",
    "simulate_bgnbd",
    "spend_frequency_correlation",
]
