"""Input errors in the reader's language: ``error.<code>`` from the catalogue."""

from __future__ import annotations

from clv_engine.errors import InputError
from wording.catalogue import t


def explain(error: InputError, lang: str) -> str:
    """The catalogue's sentence for the error, its placeholders filled from the details."""
    return t(f"error.{error.code}", lang, **error.details)
