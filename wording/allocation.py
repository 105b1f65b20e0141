"""The allocator in words: reasons, labels, column names and error sentences (SPEC §4).

The engine (``clv_engine.allocation``) returns status codes, figures and error codes; this
module words them in the reader's language. Preset projects have stable ids (``churn``,
``membership`` ...) and take their names from the catalogue here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace

import pandas as pd

from clv_engine.allocation import FULL, PILOT, SPEC_CASE, Project, Verdict
from clv_engine.allocation import spec_case_projects as _spec_case_projects
from clv_engine.allocation.model import _EPS as EPS
from clv_engine.errors import InputError
from wording import fmt
from wording.catalogue import t
from wording.errors import explain

STATUSES = (
    "funded",
    "partly_funded",
    "locked",
    "left_out",
    "below_cost",
    "too_expensive",
    "no_room",
    "excluded",
)
"""Every status a verdict can have (``allocator.status.<status>`` in the catalogue)."""


# -- names --------------------------------------------------------------------------------
def preset_names(lang: str = "en") -> dict[str, str]:
    """{preset id: its name in ``lang``} for the SPEC §4 case."""
    return {pid: t(f"allocator.preset.{pid}", lang) for pid in SPEC_CASE}


def spec_case_projects(lang: str = "en") -> list[Project]:
    """The reference budget case (SPEC §4), its projects named in ``lang``."""
    return _spec_case_projects(preset_names(lang))


def tier_label(option: str, lang: str = "en") -> str:
    """A tier's name: the pilot from the catalogue, any other tier as it was given."""
    return t("allocator.tier.pilot", lang) if option == PILOT else option


def option_label(project: str, option: str | None, lang: str = "en") -> str:
    """ "Project" for the full project, "Project (pilot)" for a tier."""
    if option in (None, FULL):
        return project
    return f"{project} ({tier_label(option, lang)})"


def status_label(status: str, lang: str = "en") -> str:
    return t(f"allocator.status.{status}", lang)


# -- errors -------------------------------------------------------------------------------
def explain_error(error: Exception, lang: str = "en", currency: str = "CNY") -> str:
    """An allocation error in the reader's words: the field named in ``lang`` and money
    formatted; any other InputError as ``wording.errors.explain`` words it; anything else
    (a saved scenario that does not parse) as one plain sentence, never its English text."""
    if not isinstance(error, InputError):
        return t("allocator.page.unreadable", lang)
    details = dict(error.details)
    if "field" in details:
        details["field"] = t(f"allocator.field.{details['field']}", lang)
    for key in ("cost", "budget"):
        if isinstance(details.get(key), int | float):
            details[key] = fmt.money_full(details[key], currency)
    if "retention" in details:
        details["retention"] = fmt.pct(details["retention"])
    if "tier" in details:
        details["tier"] = tier_label(str(details["tier"]), lang)
    return explain(SimpleNamespace(code=error.code, details=details), lang)  # type: ignore[arg-type]


# -- reasons ------------------------------------------------------------------------------
def reason_text(verdict: Verdict, lang: str = "en", currency: str = "CNY") -> str:
    """The verdict as one line of plain words, money formatted for ``lang``."""

    def money(value: float, lang: str) -> str:
        return fmt.money(value, lang, currency)

    v = verdict
    roi = fmt.pct(v.net_roi)
    figures = {
        "cost": money(v.cost, lang),
        "gain": money(v.gain, lang),
        "net": money(v.net, lang),
        "roi": roi,
    }
    if v.status == "excluded":
        return t("allocator.reason.excluded", lang)
    if v.status == "locked":
        text = t("allocator.reason.locked", lang, **figures)
        if v.lock_cost > EPS:
            text += t("allocator.reason.lock_cost", lang, loss=money(v.lock_cost, lang))
        else:
            text += t("allocator.reason.lock_free", lang)
        return text
    if v.status in ("funded", "partly_funded"):
        key = "allocator.reason.funded" if v.status == "funded" else "allocator.reason.partly"
        text = t(key, lang, share=fmt.pct(v.fraction), loss=money(v.contribution, lang), **figures)
        if v.option not in (None, FULL):
            text += t("allocator.reason.tier", lang, tier=tier_label(v.option, lang))
        if not v.in_ranking:
            text += t("allocator.reason.ranking_misses", lang)
        return text
    cost_cut = v.extra.get("tier_cost", v.cost) - v.max_cost
    if v.status == "below_cost":
        text = t("allocator.reason.below_cost", lang, **figures)
    elif v.status == "too_expensive":
        text = t("allocator.reason.too_expensive", lang, cost=money(v.cost, lang))
    elif v.status == "no_room":
        text = t("allocator.reason.no_room", lang, cost=money(v.cost, lang))
    else:
        text = t("allocator.reason.left_out", lang, **figures)
    if v.status != "too_expensive" and not math.isnan(v.gain_needed):
        # A divisible project's thresholds are for funding it in full (a share of it
        # may come in sooner), and the sentence says so.
        key = "allocator.reason.gain_needed" + ("_full" if v.divisible else "")
        text += t(key, lang, gain=money(v.gain_needed, lang), uplift=money(v.uplift_needed, lang))
    if cost_cut > EPS and v.max_cost > EPS:
        key = "allocator.reason.cost_needed" + ("_full" if v.divisible else "")
        text += t(key, lang, cost=money(v.max_cost, lang))
    if v.in_ranking:
        text += t("allocator.reason.ranking_takes", lang)
    return text


# -- the verdicts as a table -----------------------------------------------------------------
def verdict_table(
    verdicts: Sequence[Verdict],
    lang: str = "en",
    currency: str = "CNY",
    numbers: bool = False,
) -> pd.DataFrame:
    """One row per project with translated column names: status, option, cost, gain, net,
    ROI, ROI rank. Amounts as text (``numbers`` False: the screen) or as numbers (a download
    a spreadsheet sums)."""
    rows = []
    for v in verdicts:
        amounts = (v.cost, v.gain, v.net, v.net_roi)
        if not numbers:
            amounts = (*(fmt.money_full(a, currency) for a in amounts[:3]), fmt.pct(v.net_roi))
        rows.append(
            {
                t("allocator.col.name", lang): v.project,
                t("allocator.col.status", lang): status_label(v.status, lang),
                t("allocator.col.option", lang): tier_label(v.option, lang)
                if v.option not in (None, FULL)
                else "",
                t("allocator.col.cost", lang): amounts[0],
                t("allocator.col.gain", lang): amounts[1],
                t("allocator.col.net", lang): amounts[2],
                t("allocator.fig.roi", lang): amounts[3],
                t("allocator.col.rank", lang): v.roi_rank,
            }
        )
    return pd.DataFrame(rows)
