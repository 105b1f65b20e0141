"""The predictive model's codes in the reader's language: why no fit, and warnings about a fit."""

from __future__ import annotations

from collections.abc import Mapping

from clv_engine.models import FitError, FitNote
from wording.catalogue import t
from wording.errors import explain


def fit_error_text(error: FitError | Mapping, lang: str) -> str:
    """Why the model could not be fitted: a FitError, or the failure dict a cached query
    returns in its place (``{"reason": ..., "details": ...}``)."""
    if isinstance(error, FitError):
        return explain(error, lang)
    return t(f"error.models.{error['reason']}", lang, **error["details"])


def note_text(note: FitNote, lang: str) -> str:
    """A warning about a fit (``predictive.note.<code>``)."""
    return t(f"predictive.note.{note.code}", lang, **note.details)
