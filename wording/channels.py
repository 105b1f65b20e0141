"""Channel ids and LTV/CAC bands in the reader's language (the engine keeps the ids)."""

from __future__ import annotations

import math

import pandas as pd

from wording.catalogue import CATALOGUE, t


def channel_label(code: object, lang: str) -> str:
    """Display name of a channel id; a dealer's own code shows as itself, a missing one as
    "(not recorded)"."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("channels.unrecorded", lang)
    key = f"channels.name.{code}"
    return t(key, lang) if key in CATALOGUE else str(code)


def cohort_label(value: object, dimension: str, lang: str) -> str:
    """A cohort of the channels page as drawn: a channel's name by ``channel_label``, a missing
    value of another dimension as "(not recorded)", any other value as itself."""
    if dimension == "channel":
        return channel_label(value, lang)
    if value is None or pd.isna(value):
        return t("channels.unrecorded", lang)
    return str(value)


def band_label(band: object, lang: str) -> str:
    """The verdict of an LTV/CAC band id (``clv_engine.channels.BANDS``); "—" without a ratio."""
    # pandas keeps a missing band as NaN, which is truthy: only a band id counts.
    return t(f"channels.band.{band}", lang) if isinstance(band, str) and band else "—"


def advice_label(advice: str, lang: str) -> str:
    """The reference case's own advice for a channel (``SPEC_CHANNELS.advice``)."""
    return t(f"channels.advice.{advice}", lang)
