"""The imports package keeps its layers: no words, no Streamlit, no import cycle, no module over
about 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clv_engine.errors import InputError
from clv_engine.imports import ImportOptions
from clv_engine.imports.read import ImportFileError
from wording.errors import explain

PACKAGE = Path(__file__).resolve().parents[1] / "clv_engine" / "imports"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _imports(name: str) -> set[str]:
    """Top-level names of everything module ``name`` imports (``clv_engine.imports.x`` as ``x``)."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text("utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "clv_engine.imports":
                out |= {f"clv_engine.imports.{a.name}" for a in node.names}
            else:
                out.add(node.module)
    return out


def test_no_words_and_no_streamlit_in_the_imports_package():
    for name in MODULES + ["__init__"]:
        roots = {m.split(".")[0] for m in _imports(name)}
        assert not roots & {"wording", "streamlit"}, name


def test_the_modules_import_each_other_without_a_cycle():
    graph = {
        name: {m.rsplit(".", 1)[1] for m in _imports(name) if m.startswith("clv_engine.imports.")}
        for name in MODULES
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join(path + (name,))
        if name in done:
            return
        for below in graph[name]:
            visit(below, path + (name,))
        done.add(name)

    for name in MODULES:
        visit(name, ())


def test_no_module_is_much_over_500_lines():
    for name in MODULES:
        lines = len((PACKAGE / f"{name}.py").read_text("utf-8").splitlines())
        assert lines <= 520, f"{name}.py has {lines} lines"


def test_errors_are_input_errors_worded_in_both_languages(tmp_path):
    with pytest.raises(InputError) as refused:
        ImportOptions(default_margin=1.5).validate()
    assert "between 0 and 1" in explain(refused.value, "en")
    assert "0 到 1" in explain(refused.value, "zh")
    missing = ImportFileError("orders.csv", "missing")
    assert explain(missing, "en") == "orders.csv: file not found."
    assert explain(missing, "zh") == "orders.csv：找不到文件。"
