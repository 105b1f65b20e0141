"""Speed of the predictive CLV engine, and the same work done by `lifetimes` where installed.

    python benchmarks/bench_predictive.py [--sizes 200000 1000000] [--repeats 3]

Data: the CDNOW cohort (2,357 customers), then customers simulated from BG/NBD with the
CDNOW parameters, first seen on a random day of 78 weeks and observed to its end, times in
weeks at day resolution (as the order table gives them), and a Gamma-Gamma spend for the
repeat customers. Each figure is the best of ``--repeats`` runs (the machine is shared).

Timed:
- fit: BG/NBD maximum likelihood (with standard errors for ours), then Gamma-Gamma;
- predict: P(alive) and expected visits in the next 52 weeks for every customer;
- CLV: ours only, the full per-customer forecast of `predict_customers` (P(alive), visits,
  value per visit and 5-year CLV discounted yearly at 12%).

`lifetimes` (0.11.3) is not a dependency of the product: install it by hand to compare
(`pip install lifetimes==0.11.3`).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clv_engine.predictive_models import (  # noqa: E402
    BGNBDParams,
    GammaGammaParams,
    expected_visits,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
    predict_customers,
    simulate_bgnbd,
)

CDNOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "cdnow" / \
    "cdnow_customers_summary_with_transactions.csv"
CDNOW_VISITS = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_SPEND = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)


def best_of(repeats: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def simulated(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age_days = rng.integers(1, 78 * 7 + 1, n)
    sim = simulate_bgnbd(n, CDNOW_VISITS, age_days / 7.0, rng)
    x = sim["frequency"]
    recency = np.round(sim["recency"] * 7.0) / 7.0          # whole days, in weeks
    recency = np.where(x > 0, np.clip(recency, 1 / 7, sim["T"]), 0.0)
    nu = rng.gamma(CDNOW_SPEND.q, 1 / CDNOW_SPEND.gamma, n)
    zbar = np.where(x > 0, rng.gamma(CDNOW_SPEND.p * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return pd.DataFrame({"x": x, "t_x": recency, "T": sim["T"], "zbar": np.round(zbar, 2)})


def ours(data: pd.DataFrame, repeats: int) -> dict[str, float]:
    x, t_x, T, m = (data[c].to_numpy() for c in ("x", "t_x", "T", "zbar"))
    fit_time, visits = best_of(repeats, lambda: fit_bgnbd(x, t_x, T))
    gg_time, spend = best_of(repeats, lambda: fit_gamma_gamma(x, m))
    predict_time, _ = best_of(repeats, lambda: (p_alive(visits, x, t_x, T),
                                                expected_visits(visits, 52.0, x, t_x, T)))
    clv_time, _ = best_of(repeats, lambda: predict_customers(
        visits, spend, x, t_x, T, m, horizon_years=5, discount_rate=0.12, units_per_year=52.0))
    return {"fit": fit_time, "gg": gg_time, "predict": predict_time, "clv": clv_time,
            "params": np.array(visits.params), "unique": visits.n_unique_rows}


def theirs(data: pd.DataFrame, repeats: int) -> dict[str, float] | None:
    try:
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    except ImportError:
        return None
    x, t_x, T = data["x"], data["t_x"], data["T"]
    repeat = data[data["x"] > 0]

    def fit():
        model = BetaGeoFitter()
        model.fit(x, t_x, T)
        return model

    def fit_gg():
        model = GammaGammaFitter()
        model.fit(repeat["x"], repeat["zbar"])
        return model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_time, model = best_of(repeats, fit)
        gg_time, _ = best_of(repeats, fit_gg)
        predict_time, _ = best_of(repeats, lambda: (
            model.conditional_probability_alive(x, t_x, T),
            model.conditional_expected_number_of_purchases_up_to_time(52.0, x, t_x, T)))
    params = np.array([model.params_[k] for k in ("r", "alpha", "a", "b")])
    return {"fit": fit_time, "gg": gg_time, "predict": predict_time, "params": params}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-lifetimes", action="store_true")
    args = parser.parse_args(argv)

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"best of {args.repeats} runs; times in seconds")
    datasets = [("CDNOW", pd.read_csv(CDNOW))]
    datasets += [(f"{n:,} simulated", simulated(n)) for n in args.sizes]
    header = (f"{'data':>20} {'rows':>9} {'fit':>8} {'GG fit':>8} {'predict':>8} {'5y CLV':>8}"
              f" | {'lifetimes fit':>13} {'GG fit':>8} {'predict':>8} | {'fit x':>6} {'GG x':>6}"
              f" {'pred x':>6} {'max param diff':>14}")
    print(header)
    print("-" * len(header))
    for name, data in datasets:
        mine = ours(data, args.repeats)
        other = None if args.no_lifetimes else theirs(data, args.repeats)
        line = (f"{name:>20} {mine['unique']:>9,} {mine['fit']:>8.3f} {mine['gg']:>8.3f}"
                f" {mine['predict']:>8.3f} {mine['clv']:>8.3f}")
        if other is None:
            line += " | lifetimes not installed"
        else:
            difference = np.max(np.abs(mine["params"] / other["params"] - 1))
            line += (f" | {other['fit']:>13.3f} {other['gg']:>8.3f} {other['predict']:>8.3f}"
                     f" | {other['fit'] / mine['fit']:>6.1f} {other['gg'] / mine['gg']:>6.1f}"
                     f" {other['predict'] / mine['predict']:>6.1f} {difference:>14.1e}")
        print(line, flush=True)
    print("rows: distinct (x, t_x, T) rows our fit evaluates; x: lifetimes time / our time; "
          "param diff: largest relative difference of r, alpha, a, b between the two fits.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
