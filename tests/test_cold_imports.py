"""A cold start does not pay for scipy's import (~0.7 s) on pages that never fit nor solve.

Every page's own imports and the sidebar's context are imported in one fresh interpreter: none
may bring scipy in; the models and the allocator import it when they first fit, predict or
solve (clv_engine.models.special, the functions' own imports)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.name for p in (ROOT / "app_pages").glob("*.py") if p.name != "__init__.py")


def imported_modules(path: Path) -> list[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return sorted(names)


def loads_scipy(modules: list[str]) -> list[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.'))[:3])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_no_pages_imports_bring_scipy_in():
    # the union of every page's imports (one interpreter: none of them may bring scipy in)
    modules = sorted(
        {m for page in PAGES for m in imported_modules(ROOT / "app_pages" / page)} | {"ui.context"}
    )
    assert len(modules) > 10
    assert loads_scipy(modules) == []


def test_the_models_and_the_allocator_leave_scipy_out_until_used():
    modules = [
        "clv_engine.models",
        "clv_engine.models.bg_nbd",
        "clv_engine.models.gamma_gamma",
        "clv_engine.models.fitting",
        "clv_engine.predictive",
        "clv_engine.allocation.solve",
        "ui.queries",
    ]
    assert loads_scipy(modules) == []


def test_a_fit_still_finds_scipy():
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from clv_engine.models.special import gammaln\n"
        "assert 'scipy' not in sys.modules\n"
        "assert abs(float(gammaln(np.array([5.0]))[0]) - np.log(24.0)) < 1e-12\n"
        "print('scipy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True"
