"""Channel ids and LTV/CAC bands in the reader's language (the engine keeps the ids)."""

from __future__ import annotations

import math

from wording.catalogue import CATALOGUE, t


def channel_label(code: object, lang: str) -> str:
    """Display name of a channel id; a dealer's own code shows as itself, a missing one as
    "(not recorded)"."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("channels.unrecorded", lang)
    key = f"channels.name.{code}"
    return t(key, lang) if key in CATALOGUE else str(code)


def band_label(band: object, lang: str) -> str:
    """The verdict of an LTV/CAC band id (``clv_engine.channels.BANDS``); "—" without a ratio."""
    # pandas keeps a missing band as NaN, which is truthy: only a band id counts.
    return t(f"channels.band.{band}", lang) if isinstance(band, str) and band else "—"


def advice_label(advice: str, lang: str) -> str:
    """The reference case's own advice for a channel (``SPEC_CHANNELS.advice``)."""
    return t(f"channels.advice.{advice}", lang)
