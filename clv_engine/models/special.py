"""scipy's special functions and optimiser, imported the first time one is called.

Importing scipy costs a page's first render ~0.7 s; most pages read the figures the build kept
and never fit nor predict, so the models' modules import these names from here instead: each
is scipy's own function, looked up when called (a dictionary lookup after the first call).
"""

from __future__ import annotations


def digamma(*args, **kwargs):
    from scipy.special import digamma as f

    return f(*args, **kwargs)


def expit(*args, **kwargs):
    from scipy.special import expit as f

    return f(*args, **kwargs)


def gammaln(*args, **kwargs):
    from scipy.special import gammaln as f

    return f(*args, **kwargs)


def hyp2f1(*args, **kwargs):
    from scipy.special import hyp2f1 as f

    return f(*args, **kwargs)


def minimize(*args, **kwargs):
    from scipy.optimize import minimize as f

    return f(*args, **kwargs)
