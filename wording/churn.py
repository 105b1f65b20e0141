"""The churn call list in words: why each customer scores what they score, and the list as it
leaves the room (translated headers, levels, actions, owners)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_engine.churn import DAYS_PER_YEAR, SIGNALS, SignalRules
from wording.catalogue import t
from wording.segmentation import tier_label


def _months(days: int) -> int:
    return max(1, round(days / 30.4))


def _reason_texts(frame: pd.DataFrame, signal: str, lang: str, rules: SignalRules) -> list[str]:
    """The sentence for one signal on every row (empty where it adds nothing)."""
    contribution = frame[f"c_{signal}"].to_numpy(dtype=float)
    points = [f" (+{c:.2f})" for c in contribution]
    if signal == "spend_drop":
        rows = zip(
            frame["spend_fall"],
            frame["expected_visits_spend_window"],
            frame["spend_baseline_visits"],
            frame["spend_baseline_days"],
        )
        months = _months(rules.spend_window_days)
        texts = [
            # A fall of 100% reads better as "no spend".
            t(
                "churn.reason.spend_none" if fall >= 0.995 else "churn.reason.spend_drop",
                lang,
                fall=f"{fall:.0%}",
                months=months,
                visits=visits / max(days, 1) * DAYS_PER_YEAR,
            )
            for fall, _, visits, days in rows
        ]
    elif signal == "frequency_drop":
        texts = [
            t(
                "churn.reason.frequency_drop",
                lang,
                recent=int(r),
                expected=e,
                months=_months(rules.frequency_window_days),
            )
            for r, e in zip(frame["visits_recent"], frame["expected_visits"])
        ]
    elif signal == "complaints":
        texts = [
            t("churn.reason.complaints", lang, n=int(n), days=0 if pd.isna(d) else int(d))
            for n, d in zip(frame["unresolved_complaints"], frame["oldest_open_days"])
        ]
    elif signal == "competitor":
        texts = [
            t("churn.reason.competitor", lang, days=0 if pd.isna(d) else int(d))
            for d in frame["days_since_sighting"]
        ]
    else:
        texts = [
            t(
                "churn.reason.cancellations",
                lang,
                cancelled=int(c),
                appointments=int(a),
                months=_months(rules.cancellation_window_days),
            )
            for c, a in zip(frame["cancelled"], frame["appointments"])
        ]
    return [text + p if c > 0.005 else "" for text, p, c in zip(texts, points, contribution)]


def risk_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Why each customer scores what they score: the signals that add to it, largest first."""
    rules: SignalRules = frame.attrs.get("rules", SignalRules())
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    texts = np.array([_reason_texts(frame, s, lang, rules) for s in SIGNALS], dtype=object).T
    contributions = frame[[f"c_{s}" for s in SIGNALS]].to_numpy(dtype=float)
    order = np.argsort(-contributions, axis=1, kind="stable")
    ordered = np.take_along_axis(texts, order, axis=1)
    separator = "；" if lang == "zh" else "; "
    none = t("churn.reason.none", lang)
    joined = [separator.join(x for x in row if x) or none for row in ordered]
    return pd.Series(joined, index=frame.index, dtype=object)


def export_frame(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The call list as it leaves the room: translated headers, reasons, action per level."""
    out = pd.DataFrame(
        {
            t("churn.col.rank", lang): frame["rank"].to_numpy(),
            t("churn.col.customer", lang): frame["customer_id"].to_numpy(),
            t("churn.col.name", lang): frame["name"].to_numpy() if "name" in frame else None,
        }
    )
    if "phone" in frame.columns:
        out[t("churn.col.phone", lang)] = frame["phone"].to_numpy()
    # The store's name (its code only when the stores file does not know it).
    if "store_name" in frame.columns:
        out[t("churn.col.store", lang)] = frame["store_name"].fillna(frame["home_store_id"]).to_numpy()
    else:
        out[t("churn.col.store", lang)] = frame["home_store_id"].to_numpy()
    if "owner_role" in frame.columns:
        roles = [t(f"churn.owner.{r}", lang) for r in frame["owner_role"]]
        owners = frame["store_owner"] if "store_owner" in frame.columns else pd.Series([None] * len(frame))
        out[t("churn.col.owner", lang)] = [
            o if isinstance(o, str) and o.strip() else r for o, r in zip(owners, roles)
        ]
    if "due_on" in frame.columns:
        out[t("churn.col.due", lang)] = frame["due_on"].to_numpy()
    if "last_visit" in frame.columns:
        out[t("churn.col.last_visit", lang)] = frame["last_visit"].to_numpy()
    if "vehicle" in frame.columns:
        out[t("churn.col.vehicle", lang)] = frame["vehicle"].fillna("").to_numpy()
    if "tier" in frame.columns:
        out[t("churn.col.tier", lang)] = [
            tier_label("rfml", x, lang) if isinstance(x, str) else "" for x in frame["tier"]
        ]
    out[t("churn.col.score", lang)] = frame["score"].round(3).to_numpy()
    out[t("churn.col.level", lang)] = [t(f"churn.level.{x}", lang) for x in frame["level"]]
    out[t("churn.col.p_churn", lang)] = frame["p_churn"].round(4).to_numpy()
    out[t("churn.col.clv", lang)] = frame["clv"].round(0).to_numpy()
    out[t("churn.col.action", lang)] = [t(f"churn.action.{x}", lang) for x in frame["level"]]
    out[t("churn.col.cost", lang)] = frame["cost"].to_numpy()
    out[t("churn.col.success", lang)] = frame["success"].to_numpy()
    out[t("churn.col.ev", lang)] = frame["expected_value"].round(0).to_numpy()
    out[t("churn.col.reasons", lang)] = risk_reasons(frame, lang).to_numpy()
    return out
