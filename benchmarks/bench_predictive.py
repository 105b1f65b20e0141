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

from clv_engine.models import (  # noqa: E402
    BGNBDParams,
    GammaGammaParams,
    expected_visits,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
    predict_customers,
    simulate_bgnbd,
)

CDNOW = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "cdnow"
    / "cdnow_customers_summary_with_transactions.csv"
)
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
    recency = np.round(sim["recency"] * 7.0) / 7.0  # whole days, in weeks
    recency = np.where(x > 0, np.clip(recency, 1 / 7, sim["T"]), 0.0)
    nu = rng.gamma(CDNOW_SPEND.q, 1 / CDNOW_SPEND.gamma, n)
    zbar = np.where(x > 0, rng.gamma(CDNOW_SPEND.p * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return pd.DataFrame({"x": x, "t_x": recency, "T": sim["T"], "zbar": np.round(zbar, 2)})


def tasks(data: pd.DataFrame, use_lifetimes: bool) -> dict[str, dict[str, object]]:
    """{"ours" | "lifetimes": {step: callable}}; a step's callable may use an earlier step's
    result through the dict it is given."""
    x, t_x, T, m = (data[c].to_numpy() for c in ("x", "t_x", "T", "zbar"))
    ours = {
        "fit": lambda r: fit_bgnbd(x, t_x, T),
        "gg": lambda r: fit_gamma_gamma(x, m),
        "predict": lambda r: (p_alive(r["fit"], x, t_x, T), expected_visits(r["fit"], 52.0, x, t_x, T)),
        "clv": lambda r: predict_customers(
            r["fit"], r["gg"], x, t_x, T, m, horizon_years=5, discount_rate=0.12, units_per_year=52.0
        ),
    }
    out = {"ours": ours}
    if not use_lifetimes:
        return out
    try:
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    except ImportError:
        return out
    xs, ts, Ts = data["x"], data["t_x"], data["T"]
    repeat = data[data["x"] > 0]

    def fit(_):
        model = BetaGeoFitter()
        model.fit(xs, ts, Ts)
        return model

    def fit_gg(_):
        model = GammaGammaFitter()
        model.fit(repeat["x"], repeat["zbar"])
        return model

    out["lifetimes"] = {
        "fit": fit,
        "gg": fit_gg,
        "predict": lambda r: (
            r["fit"].conditional_probability_alive(xs, ts, Ts),
            r["fit"].conditional_expected_number_of_purchases_up_to_time(52.0, xs, ts, Ts),
        ),
    }
    return out


def run(data: pd.DataFrame, repeats: int, use_lifetimes: bool) -> dict[str, dict[str, object]]:
    """Best time of each step; the two libraries take turns within each repeat, so a busy
    machine slows both alike."""
    work = tasks(data, use_lifetimes)
    times = {lib: {step: float("inf") for step in steps} for lib, steps in work.items()}
    results: dict[str, dict[str, object]] = {lib: {} for lib in work}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeats):
            for step in ("fit", "gg", "predict", "clv"):
                for lib, steps in work.items():
                    if step in steps:
                        start = time.perf_counter()
                        results[lib][step] = steps[step](results[lib])
                        times[lib][step] = min(times[lib][step], time.perf_counter() - start)
    fit = results["ours"]["fit"]
    times["ours"]["params"] = np.array(fit.params)
    times["ours"]["unique"] = fit.n_unique_rows
    if "lifetimes" in results:
        model = results["lifetimes"]["fit"]
        times["lifetimes"]["params"] = np.array([model.params_[k] for k in ("r", "alpha", "a", "b")])
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-lifetimes", action="store_true")
    args = parser.parse_args(argv)

    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"best of {args.repeats} runs, the two libraries taking turns; times in seconds"
    )
    datasets = [("CDNOW", pd.read_csv(CDNOW))]
    datasets += [(f"{n:,} simulated", simulated(n)) for n in args.sizes]
    header = (
        f"{'data':>20} {'rows':>9} {'fit':>8} {'GG fit':>8} {'predict':>8} {'5y CLV':>8}"
        f" | {'lifetimes fit':>13} {'GG fit':>8} {'predict':>8} | {'fit x':>6} {'GG x':>6}"
        f" {'pred x':>6} {'max param diff':>14}"
    )
    print(header)
    print("-" * len(header))
    for name, data in datasets:
        times = run(data, args.repeats, not args.no_lifetimes)
        mine, other = times["ours"], times.get("lifetimes")
        line = (
            f"{name:>20} {mine['unique']:>9,} {mine['fit']:>8.3f} {mine['gg']:>8.3f}"
            f" {mine['predict']:>8.3f} {mine['clv']:>8.3f}"
        )
        if other is None:
            line += " | lifetimes not installed"
        else:
            difference = np.max(np.abs(mine["params"] / other["params"] - 1))
            line += (
                f" | {other['fit']:>13.3f} {other['gg']:>8.3f} {other['predict']:>8.3f}"
                f" | {other['fit'] / mine['fit']:>6.1f} {other['gg'] / mine['gg']:>6.1f}"
                f" {other['predict'] / mine['predict']:>6.1f} {difference:>14.1e}"
            )
        print(line, flush=True)
    print(
        "rows: distinct (x, t_x, T) rows our fit evaluates; x: lifetimes time / our time; "
        "param diff: largest relative difference of r, alpha, a, b between the two fits."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
