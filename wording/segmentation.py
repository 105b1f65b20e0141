"""Tiers and groups in words: a stable id (``platinum``, ``vip`` ...) is drawn as its label only here."""

from __future__ import annotations

from clv_engine.segmentation import tier_column
from wording.catalogue import t


def tier_label_key(scheme: str, tier: str) -> str:
    """Catalogue key of a tier's (or group's) name."""
    tier_column(scheme)
    return f"seg.tier.{scheme}.{tier}"


def playbook_key(scheme: str, tier: str) -> str:
    """Catalogue key of the default service playbook of a tier (SPEC §2b)."""
    tier_column(scheme)
    return f"seg.playbook.{scheme}.{tier}"


def tier_label(scheme: str, tier: object, lang: str) -> str:
    """The tier's (or group's) name in the reader's language; "" for a customer without one."""
    return t(tier_label_key(scheme, tier), lang) if isinstance(tier, str) and tier else ""


def playbook_text(scheme: str, tier: str, lang: str) -> str:
    """The default care playbook of a tier or group."""
    return t(playbook_key(scheme, tier), lang)
