"""The board pack: the evaluator's business case and the allocator's portfolio as slides.

One deck is described once (:class:`Slide` with text, a table and native charts) and drawn
twice: as PowerPoint with python-pptx (charts are chart objects the reader can edit, not
pictures) and as PDF with reportlab (its CID font STSong-Light draws Chinese without a font
file, so the PDF needs nothing beyond ``pip install -r requirements.txt``).

Every string comes from the catalogue and every amount from ``wording.fmt``; the
figures are the engine's (the evaluator's one cash-flow table, the allocator's optimum and
budget–value curve), never recomputed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from clv_engine import allocation as al
from clv_engine.evaluation import Analysis
from wording.boardpack.deck import Deck  # noqa: F401
from wording.boardpack.decks import allocator_deck, evaluator_deck
from wording.boardpack.slides_pdf import to_pdf
from wording.boardpack.slides_pptx import to_pptx
from wording.catalogue import t


# --------------------------------------------------------------------------------------
# What the pages call
# --------------------------------------------------------------------------------------
def evaluator_pptx(a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
    return to_pptx(evaluator_deck(a, lang, currency=currency))


def evaluator_pdf(a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
    return to_pdf(evaluator_deck(a, lang, currency=currency), lang)


def allocator_pptx(
    projects: Sequence[al.Project],
    alloc: al.Allocation,
    curve: al.BudgetCurve,
    lang: str = "en",
    verdicts: Sequence[al.Verdict] | None = None,
    currency: str = "CNY",
) -> bytes:
    return to_pptx(allocator_deck(projects, alloc, curve, lang, verdicts, currency=currency))


def allocator_pdf(
    projects: Sequence[al.Project],
    alloc: al.Allocation,
    curve: al.BudgetCurve,
    lang: str = "en",
    verdicts: Sequence[al.Verdict] | None = None,
    currency: str = "CNY",
) -> bytes:
    return to_pdf(allocator_deck(projects, alloc, curve, lang, verdicts, currency=currency), lang)


def evaluator_pack(kind: str, a: Analysis, lang: str = "en", currency: str = "CNY") -> bytes:
    """The evaluator's board pack as ``kind`` ('pptx' or 'pdf')."""
    deck = evaluator_deck(a, lang, currency=currency)
    return to_pptx(deck) if kind == "pptx" else to_pdf(deck, lang)


def allocator_pack(
    kind: str,
    projects: Sequence[al.Project],
    alloc: al.Allocation,
    curve: al.BudgetCurve,
    lang: str = "en",
    verdicts: Sequence[al.Verdict] | None = None,
    currency: str = "CNY",
) -> bytes:
    """The allocator's board pack as ``kind`` ('pptx' or 'pdf')."""
    deck = allocator_deck(projects, alloc, curve, lang, verdicts, currency=currency)
    return to_pptx(deck) if kind == "pptx" else to_pdf(deck, lang)


FORMATS = {"pptx": "pptx", "pdf": "reportlab"}  # file format -> the package that writes it
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def unavailable(lang: str = "en") -> dict[str, str]:
    """Formats this installation cannot write, with the sentence that says why (a machine
    that has not re-run ``pip install -r requirements.txt`` lacks the package)."""
    import importlib.util

    return {
        fmt_: t("boardpack.unavailable", lang, package={"pptx": "python-pptx"}.get(pkg, pkg))
        for fmt_, pkg in FORMATS.items()
        if importlib.util.find_spec(pkg) is None
    }


def filename(kind: str, lang: str, extension: str, stem: str = "") -> str:
    """``board_pack_mobile_van.pptx`` / ``board_pack_allocation.pdf``."""
    base = t(f"boardpack.file_stem.{kind}", lang)
    return f"{base}_{stem}.{extension}" if stem else f"{base}.{extension}"
