"""The customer lookup in words: the recommended actions and a tier's complaint rule."""

from __future__ import annotations

import pandas as pd

from clv_engine import lookup
from clv_engine.segmentation import ComplaintRule
from wording.catalogue import t
from wording.fmt import money
from wording.segmentation import tier_label


def complaint_rule_text(rule: ComplaintRule, lang: str) -> str:
    """SPEC §2d: respond within, compensation authority, owner."""
    limit = t("seg.unlimited", lang) if rule.compensation_limit is None else money(rule.compensation_limit, lang)
    return t("seg.complaint.rule", lang, hours=rule.respond_hours, limit=limit, owner=t(f"seg.owner.{rule.owner}", lang))


def action_text(action: lookup.Action, lang: str) -> str:
    """One recommended action (``clv_engine.lookup.Action``) as a sentence."""
    d = action.details
    key = f"lookup.action.{action.code}"
    if action.code == "complaint":
        return t(key, lang, n=d["n"], rule=complaint_rule_text(d["rule"], lang))
    if action.code in ("intervene", "intervene_loses"):
        level = d["level"]
        return t(
            key,
            lang,
            action=t(f"churn.action.{level}", lang),
            level=t(f"churn.level.{level}", lang),
            ev=money(d["ev"], lang),
            cost=money(d["cost"], lang),
        )
    if action.code == "playbook":
        return t(key, lang, tier=tier_label("rfml", d["tier"], lang))
    if action.code == "network":
        return t(key, lang, network=money(d["network"], lang), own=money(d["own"], lang))
    return t(key, lang)


def recommended_actions(
    risk: pd.Series | None,
    tier: str | None,
    open_complaints: int,
    lang: str = "en",
    network: lookup.Network | None = None,
    own_clv: float | None = None,
) -> list[str]:
    """``clv_engine.lookup.recommended_actions`` in the reader's language, most urgent first."""
    return [action_text(a, lang) for a in lookup.recommended_actions(risk, tier, open_complaints, network, own_clv)]
