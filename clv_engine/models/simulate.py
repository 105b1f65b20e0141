"""Customers drawn from the BG/NBD story (tests, benchmarks)."""

from __future__ import annotations

import numpy as np

from clv_engine.models.bg_nbd import BGNBDParams


def simulate_bgnbd(
    n: int,
    params: BGNBDParams | tuple[float, float, float, float],
    T: object,
    rng: np.random.Generator,
    holdout: float = 0.0,
) -> dict[str, np.ndarray]:
    """Customers drawn from the BG/NBD generative story, observed for T, then ``holdout``.

    Each customer draws λ ~ Gamma(r, 1/α) and p ~ Beta(a, b); visits arrive as a Poisson
    process with rate λ, and after each repeat visit the customer drops out with
    probability p. The number of repeat visits up to dropout is therefore geometric, and
    the customer makes min(geometric, Poisson(λT)) visits in the window; given N arrivals,
    the time of the x-th is T times a Beta(x, N − x + 1) variate (an order statistic of
    uniforms). By memorylessness, a customer alive at T starts afresh in the holdout.
    """
    r, alpha, a, b = BGNBDParams(*params)
    age = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = np.clip(rng.beta(a, b, n), 1e-12, 1.0)
    visits_to_dropout = rng.geometric(drop)
    arrivals = rng.poisson(lam * age)
    x = np.minimum(visits_to_dropout, arrivals)
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = age[repeat] * rng.beta(x[repeat], arrivals[repeat] - x[repeat] + 1)
    alive = visits_to_dropout > arrivals
    out = {
        "frequency": x.astype(float),
        "recency": t_x,
        "T": age,
        "alive": alive,
        "rate": lam,
        "dropout": drop,
    }
    if holdout > 0:
        later = np.minimum(rng.geometric(drop), rng.poisson(lam * holdout))
        out["holdout_visits"] = np.where(alive, later, 0).astype(float)
    return out
