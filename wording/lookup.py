"""The customer lookup's sentences: the engine (clv_engine/lookup.py) returns codes and figures."""

from __future__ import annotations

from clv_engine import segmentation as seg
from clv_engine.lookup import Action, Network
from wording import fmt, t
from wording.segmentation import tier_label


def _money(value: float, lang: str, currency: str) -> str:
    return fmt.money(value, lang, currency=currency)


def complaint_rule_text(rule: seg.ComplaintRule, lang: str, currency: str = "CNY") -> str:
    limit = (
        t("seg.unlimited", lang)
        if rule.compensation_limit is None
        else _money(rule.compensation_limit, lang, currency)
    )
    return t(
        "seg.complaint.rule",
        lang,
        hours=rule.respond_hours,
        limit=limit,
        owner=t(f"seg.owner.{rule.owner}", lang),
    )


def action_text(action: Action, lang: str, currency: str = "CNY") -> str:
    """One recommended action (clv_engine.lookup.recommended_actions) as a sentence."""
    d = action.details
    if action.code == "complaint":
        return t(
            "lookup.action.complaint", lang, n=d["n"], rule=complaint_rule_text(d["rule"], lang, currency)
        )
    if action.code in ("intervene", "intervene_loses"):
        return t(
            f"lookup.action.{action.code}",
            lang,
            action=t(f"churn.action.{d['level']}", lang),
            level=t(f"churn.level.{d['level']}", lang),
            ev=_money(d["ev"], lang, currency),
            cost=_money(d["cost"], lang, currency),
        )
    if action.code == "lapsed":
        return t("lookup.action.lapsed", lang)
    if action.code == "playbook":
        return t("lookup.action.playbook", lang, tier=tier_label("rfml", d["tier"], lang))
    if action.code == "network":
        return t(
            "lookup.action.network",
            lang,
            network=_money(d["network"], lang, currency),
            own=_money(d["own"], lang, currency),
        )
    raise KeyError(f"no wording for lookup action {action.code!r}")


def actions_text(actions: list[Action], lang: str, currency: str = "CNY") -> list[str]:
    return [action_text(a, lang, currency) for a in actions]


def outside_scope_text(network: Network, lang: str) -> str | None:
    """That the customer referred customers of other stores, without saying who; None if not."""
    if network.outside_scope <= 0:
        return None
    return t("lookup.network.outside", lang, n=network.outside_scope)
