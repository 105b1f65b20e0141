"""A deck described once, independent of the file format: slides with text, a table and
native charts, and the text measurement that lays them out (a tall table runs on)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from wording.catalogue import t

GAIN_COLOUR = "2E7D32"
COST_COLOUR = "C62828"
LINE_COLOUR = "1F3A93"
DOWN_COLOUR = "EF6C00"
UP_COLOUR = "1565C0"
MUTED = "8A8F98"

# The slide, in inches (16:9), and the type sizes the layout is measured for.
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
TITLE_TOP, TITLE_H, TITLE_PT = 0.35, 0.8, 26
BODY_PT = 13
TABLE_PT = 11
CELL_PAD = 0.1  # inches of inner margin, left + right together ≈ 2 × 0.05
LINE_SPACING = 1.25
CONTENT_TOP = TITLE_TOP + TITLE_H + 0.15
CONTENT_W = SLIDE_W - 2 * MARGIN
CONTENT_BOTTOM = SLIDE_H - 0.4


# --------------------------------------------------------------------------------------
# The deck, independent of the file format
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    """A native chart. ``kind``: 'column' (categories across), 'bar' (categories down, the
    tornado), 'xy' (a line through (x, y) points: the budget–value curve)."""

    kind: str
    title: str
    categories: Sequence[str] = ()
    series: Sequence[tuple[str, Sequence[float]]] = ()
    colours: Sequence[str] = ()
    x: Sequence[float] = ()  # xy only
    x_title: str = ""
    y_title: str = ""
    money_axis: bool = True


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # relative column widths
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Slide:
    title: str
    subtitle: str = ""  # title slide only
    text: Sequence[str] = ()  # paragraphs above the table or charts
    table: Table | None = None
    charts: Sequence[Chart] = ()
    cover: bool = False


@dataclass(frozen=True)
class Deck:
    title: str
    slides: list[Slide] = field(default_factory=list)
    currency: str = "CNY"  # of the chart axes


# --------------------------------------------------------------------------------------
# Measuring text (the same estimate lays out the slides and the tests check them)
# --------------------------------------------------------------------------------------
def char_width(c: str) -> float:
    """Width of one character in ems: full-width CJK 1, Latin about a half."""
    if unicodedata.east_asian_width(c) in ("W", "F"):
        return 1.0
    return 0.6 if c.isupper() or c.isdigit() else 0.52


def text_width_in(text: str, size_pt: float) -> float:
    return sum(char_width(c) for c in text) * size_pt / 72


def lines_needed(text: str, width_in: float, size_pt: float) -> int:
    """Lines a text wraps to in a box ``width_in`` wide (10 % lost to word breaks)."""
    usable = max(width_in, 0.1) * 0.9
    return sum(max(1, math.ceil(text_width_in(part, size_pt) / usable)) for part in str(text).split("\n"))


def text_height_in(paragraphs: Sequence[str], width_in: float, size_pt: float) -> float:
    lines = sum(lines_needed(p, width_in, size_pt) for p in paragraphs)
    return lines * size_pt * LINE_SPACING / 72 + 0.1 * len(paragraphs)


def row_height_in(cells: Sequence[str], widths_in: Sequence[float], size_pt: float) -> float:
    lines = max(lines_needed(c, w - CELL_PAD, size_pt) for c, w in zip(cells, widths_in, strict=True))
    return lines * size_pt * LINE_SPACING / 72 + 0.1


def fitting_size(text: str, width_in: float, height_in: float, sizes: Sequence[float]) -> float:
    """The largest of ``sizes`` at which ``text`` fits the box (a long typed name shrinks)."""
    for size in sizes:
        if text_height_in([text], width_in, size) <= height_in:
            return size
    return sizes[-1]


def column_widths(table: Table, width_in: float = CONTENT_W) -> list[float]:
    total = sum(table.widths)
    return [width_in * w / total for w in table.widths]


def _paginate(title: str, text: Sequence[str], table: Table, lang: str) -> list[Slide]:
    """A table too tall for one slide goes on as many as it needs, header repeated."""
    widths = column_widths(table)
    head = row_height_in(table.headers, widths, TABLE_PT)
    slides: list[Slide] = []
    rows: list[Sequence[str]] = []
    top = CONTENT_TOP + (text_height_in(text, CONTENT_W, BODY_PT) + 0.1 if text else 0)
    used = head
    for row in table.rows:
        h = row_height_in(row, widths, TABLE_PT)
        if rows and top + used + h > CONTENT_BOTTOM:
            slides.append(
                Slide(
                    title if not slides else t("boardpack.continued", lang, title=title),
                    text=text if not slides else (),
                    table=Table(table.headers, rows, table.widths, table.numeric),
                )
            )
            rows, used, top = [], head, CONTENT_TOP
        rows.append(row)
        used += h
    slides.append(
        Slide(
            title if not slides else t("boardpack.continued", lang, title=title),
            text=text if not slides else (),
            table=Table(table.headers, rows, table.widths, table.numeric),
        )
    )
    return slides
