"""Every catalogue key is used by the product: no dead strings to translate and keep.

A key counts as used when it appears literally (as a whole string) in app.py, app_pages/,
ui/, wording/ (outside the catalogue) or cli/, or when it starts with one of the prefixes
below, each of which the code completes at run time (the prefix itself must still be in the
code, so the list cannot go stale).
"""

from __future__ import annotations

import ast
import pathlib

from tests.test_errors import _all_declared_codes
from wording import CATALOGUE

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Prefixes completed at run time by an f-string, a concatenation or a stored code/id.
PREFIXES: tuple[str, ...] = (
    "access.local_only",  # ui/access.py: f"access.{result}" for the four refusals
    "access.no_login",
    "access.no_stores",
    "access.unknown_user",
    "access.role.",
    "actions.basis.",
    "actions.dir.",
    "actions.file.",
    "actions.reason.",
    "actions.tier.",
    "allocator.field.",
    "allocator.page.change.",
    "allocator.page.derive.method.",
    "allocator.page.derived_name.",
    "allocator.page.event.",
    "allocator.page.segment.",
    "allocator.preset.",
    "allocator.reason.cost_needed",  # + "_full" when the project is divisible
    "allocator.reason.gain_needed",
    "allocator.status.",
    "audit.action.",
    "boardpack.download_",
    "boardpack.file_stem.",
    "bridge.period.",
    "calc.comp.part.",
    "calc.dcf.col.",
    "calc.dcf.mode.",
    "calc.tab.",
    "calc.tier.",
    "channels.advice.",
    "channels.band.",
    "channels.dim.",
    "channels.name.",
    "channels.sim.base.",
    "channels.sim.split.",
    "channels.source.",
    "churn.action.",
    "churn.capacity.",
    "churn.col.",
    "churn.level.",
    "churn.measured.source.",
    "churn.owner.",
    "churn.p.",
    "churn.signal.",
    "cost.",
    "drill.col.",
    "evaluator.col.",
    "evaluator.def.",
    "evaluator.driver.",
    "evaluator.fig.",
    "evaluator.page.",  # ui/scenario_panel.py: words="evaluator.page" + "." + name
    "allocator.page.",  # the same panel with words="allocator.page"
    "evaluator.page.segment.",
    "evaluator.page.timing.",
    "evaluator.page.w.",
    "evaluator.preset.",
    "evaluator.timing.",
    "evaluator.warn.",
    "group.",
    "imp.blocking.",  # wording/imports.py: message_text(..., prefix) + "." + code
    "imp.code.",
    "imp.delimiter.",
    "imp.enables.",
    "imp.field.",
    "imp.kind.",
    "imp.note.",
    "imp.page.mode.",
    "imp.problem.",
    "imp.severity.",
    "imp.step.",
    "kpi.help.",
    "kpi.name.",
    "kpi.raw.",
    "lookup.action.",
    "lookup.flag.",
    "lookup.kind.",
    "lookup.m.clv.help.",
    "lookup.match.",
    "ov.dcf.preset.",
    "ov.retention.",
    "ov.return.source.",
    "predictive.col.",
    "predictive.fit_error.",
    "predictive.note.",
    "results.channel.",
    "results.col.",
    "results.field.",
    "results.outcome.",
    "results.problem.",
    "results.verdict.",
    "seg.budget.case_",
    "seg.budget.preset.",
    "seg.by.",
    "seg.complaint.",
    "seg.level.",
    "seg.owner.",
    "seg.playbook.",
    "seg.rules.",
    "seg.scheme.",
    "seg.table.",
    "seg.tier.",
    "seg.typical.note.",
    "sidebar.clv_model.",
    "status.",
    "users.error.",
    "versions.reason.",
)

# Keys the engine still names (clv_engine/evaluation: a reference case's cost lines, groups,
# volume unit and note, saved with scenarios); the wording layer draws them as labels, and
# wording/report/texts.py turns a unit key into its per-unit key.
ENGINE_NAMED: tuple[str, ...] = (
    "evaluator.line.",
    "evaluator.group.",
    "evaluator.unit.",
    "evaluator.per_unit.",
    "evaluator.note.",
)


def _sources() -> list[pathlib.Path]:
    files = [ROOT / "app.py"]
    for folder in ("app_pages", "ui", "wording", "cli"):
        files += [p for p in (ROOT / folder).rglob("*.py") if "catalogue" not in p.parts]
    return files


def _strings() -> tuple[set[str], set[str]]:
    """Every string constant, and every leading constant part of an f-string."""
    whole: set[str] = set()
    starts: set[str] = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                whole.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                starts.add(node.values[0].value)
    return whole, starts


def test_every_catalogue_key_is_used():
    whole, starts = _strings()
    errors_used = {f"error.{code}" for code in _all_declared_codes()}
    unused = sorted(
        key
        for key in CATALOGUE
        if key not in whole and key not in errors_used and not key.startswith(PREFIXES + ENGINE_NAMED)
    )
    assert not unused, f"catalogue keys nothing uses: {unused}"


def _completed(prefix: str, whole: set[str], starts: set[str]) -> bool:
    """Some string in the code begins with ``prefix``, or is ``prefix`` without its final
    dot ("imp.blocking" + "." + code), or an f-string begins with a shorter prefix of it
    (f"access.{result}" for "access.no_login")."""
    return any(
        s.startswith(prefix) or (s and prefix.startswith(s) and len(prefix) - len(s) <= 1)
        for s in whole | starts
    ) or any(s.endswith(".") and prefix.startswith(s) for s in starts)


def test_every_listed_prefix_is_still_in_the_code():
    whole, starts = _strings()
    stale = [p for p in PREFIXES if not _completed(p, whole, starts)]
    assert not stale, f"prefixes no code completes any more: {stale}"
