"""Labels of a programme in the reader's language: its name, lines, groups and drivers.

A programme's name is text only: the user's, drawn as typed, or empty for a preset's own case,
which is drawn as the label of its stable id (``mobile_van``). A preset's cost lines and
groups carry catalogue keys (``evaluator.line.labour``) that are drawn in the reader's
language; a line or group the user adds is named in text.
"""

from __future__ import annotations

from clv_engine.evaluation import Programme, ProgrammeError
from wording.catalogue import CATALOGUE, t


def label(name: str, lang: str = "en") -> str:
    """A preset's key in the reader's language; a typed custom name as typed."""
    return t(name, lang) if name in CATALOGUE else name


def programme_label(p: Programme, lang: str = "en") -> str:
    """The programme's name as typed; a preset's own case by the label of its id."""
    return p.name or t(f"evaluator.preset.{p.preset}", lang)


def driver_label(p: Programme, key: str, lang: str = "en") -> str:
    """What the reader calls a driver: "Labour", "Lapsed (came back): take-up"."""
    if key.startswith("cost."):
        return label(p.cost_lines[int(key.split(".")[1])].name, lang)
    if key.startswith("group."):
        _, index, attr = key.split(".")
        return t(f"evaluator.driver.{attr}", lang, group=label(p.groups[int(index)].name, lang))
    if key in ("volume", "unit_revenue", "discount_rate"):
        return t(f"evaluator.driver.{key}", lang)
    raise ProgrammeError("unknown_driver", field="driver", value=key)


def typed_name(p: Programme) -> str:
    """The name the user typed; empty for a preset's own case."""
    return p.name
