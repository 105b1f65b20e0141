"""Moved to the package ``clv_engine.models`` (one model per module).

Kept only for ``ui/context.py``'s ``from clv_engine.predictive_models import FitError``;
delete once that line imports from ``clv_engine.models``.
"""
from clv_engine.models import FitError

__all__ = ["FitError"]
