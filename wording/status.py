"""Customer status in words: why P(alive) cannot be read (the codes of clv_engine.status)."""

from __future__ import annotations

from clv_engine.status import STATUSES, DropoutCheck, StatusRules
from wording.catalogue import t
from wording.fmt import pct


def dropout_reasons_text(check: DropoutCheck, lang: str = "en") -> str:
    """Why P(alive) is not informative, in the reader's language (empty when it is)."""
    parts = []
    for reason in check.reasons:
        if reason == "ab_large":
            parts.append(
                t(
                    "status.reason.ab_large",
                    lang,
                    ab=f"{check.a_plus_b:,.0f}",
                    p=pct(check.dropout_per_visit, 2),
                )
            )
        else:
            parts.append(
                t(
                    "status.reason.p_alive_near_one",
                    lang,
                    share=pct(check.near_one_share, 1),
                    near=pct(check.rules.near_one),
                )
            )
    return ("；" if lang == "zh" else "; ").join(parts)


def status_definition(status: str, lang: str = "en", rules: StatusRules = StatusRules()) -> str:
    """The definition of one status (active / lapsing / lapsed) under ``rules``: its hover."""
    return t(
        f"status.{status}.help",
        lang,
        active=rules.active_days,
        active_next=rules.active_days + 1,
        lapsed=rules.lapsed_days,
    )


def status_definitions(lang: str = "en", rules: StatusRules = StatusRules()) -> str:
    """Every status's definition, one after the other: the hover of a "Status" column."""
    return " ".join(status_definition(s, lang, rules) for s in STATUSES)
