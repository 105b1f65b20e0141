"""The layers of docs/ARCHITECTURE.md hold: who may import whom, and no module too long."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer -> top-level packages it must never import
FORBIDDEN = {
    "clv_engine": {"streamlit", "wording", "ui", "app_pages"},
    "wording": {"streamlit", "ui", "app_pages"},
    "ui": {"app_pages"},
}
MAX_MODULE_LINES = 500
MAX_PAGE_LINES = 250


def _python_files(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_the_layers_below_it(layer):
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) & FORBIDDEN[layer])
        for path in _python_files(layer)
    }
    assert not {k: v for k, v in wrong.items() if v}


def test_a_detector_of_forbidden_imports_finds_one(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom wording.fmt import money\nimport streamlit as st\n")
    assert _imported_packages(module) >= {"wording", "streamlit"}


@pytest.mark.parametrize("folder", ["clv_engine", "wording", "ui", "sample_data"])
def test_no_module_is_longer_than_about_500_lines(folder):
    long = {
        str(p.relative_to(ROOT)): n
        for p in _python_files(folder)
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long


def test_pages_read_like_a_storyboard():
    long = {
        p.name: n
        for p in _python_files("app_pages")
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_PAGE_LINES
    }
    assert not long


def _page_lambdas_kept_by_widgets(path: Path) -> list[int]:
    """Lines where a page passes a lambda as a widget's ``format_func``: Streamlit keeps the
    function with the widget after the run, and a lambda written in a page keeps the whole
    page namespace alive with it (every frame the page built; issue 14's memory per session)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.keyword) and node.arg == "format_func" and isinstance(node.value, ast.Lambda):
            lines.append(node.value.lineno)
    return lines


def test_no_page_hands_a_widget_a_lambda_that_keeps_the_page_alive():
    kept = {p.name: lines for p in _python_files("app_pages") if (lines := _page_lambdas_kept_by_widgets(p))}
    assert not kept


def test_the_lambda_detector_finds_one(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('st.radio("x", ["a"], format_func=lambda k: k.upper())\n', "utf-8")
    assert _page_lambdas_kept_by_widgets(page) == [1]
