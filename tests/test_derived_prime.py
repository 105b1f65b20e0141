"""The figures the pages' first renders keep beside the file, worked out right after a build
(clv_engine.derived.prime, issue 14): the first page after ``cli.derive``, an import or the
sample works out nothing new, and what was primed is what the pages would have worked out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli import derive as cli
from clv_engine.derived import prime, store
from sample_data.generate import generate
from tests.helpers import run_app

# The pages whose first render works out a figure kept beside the file.
PAGES = ("model", "actions", "overview", "churn", "segmentation", "results")


def _kept(path: Path) -> dict:
    sidecar = path.with_name(path.name + store.SIDECAR_SUFFIX)
    return json.loads(sidecar.read_text())["values"] if sidecar.exists() else {}


def _run_pages(path: Path) -> None:
    for page in PAGES:
        run_app(path, f"app_pages/{page}.py")
        store.forget()


@pytest.fixture(scope="module")
def primed(tmp_path_factory) -> Path:
    return generate(customers=500, seed=4, out=tmp_path_factory.mktemp("primed") / "s.duckdb")


def test_the_primed_figures_are_the_pages_own(primed, tmp_path):
    kept = _kept(primed)
    names = {name.split(".")[0] for name in kept}
    assert {"model_headline", "model_summary_facts", "model_dropout", "model_alive_drops"} <= names
    assert {"customers_with_orders", "service_1", "results_counts"} <= names
    # A copy of the file is another file: nothing kept for it; the pages work the figures out.
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(primed, copy)
    assert _kept(copy) == {}
    _run_pages(copy)
    worked_out = _kept(copy)
    assert {name.split(".")[0] for name in worked_out} >= {
        "model_headline",
        "model_dropout",
        "service_1",
        "results_counts",
    }
    # Every figure the pages worked out was primed under the same name, with the same value.
    assert set(worked_out) <= set(kept), set(worked_out) - set(kept)
    for name, value in worked_out.items():
        assert kept[name] == value, name


def test_the_first_pages_after_a_build_work_out_nothing(primed):
    before = _kept(primed)
    _run_pages(primed)
    assert _kept(primed) == before


def test_cli_derive_primes_and_says_so(tmp_path, capsys):
    path = generate(customers=300, seed=6, out=tmp_path / "d.duckdb")
    path.with_name(path.name + store.SIDECAR_SUFFIX).unlink()
    assert cli.main([str(path)]) == 0
    assert "prime model" in capsys.readouterr().out
    assert any(name.startswith("model_headline.") for name in _kept(path))


def test_a_failed_prime_loses_nothing(tmp_path, monkeypatch, capsys):
    path = generate(customers=300, seed=7, out=tmp_path / "f.duckdb")

    def broken(*args, **kwargs):
        raise RuntimeError("no memory left")

    monkeypatch.setattr(prime, "_prime", broken)
    assert cli.main([str(path)]) == 0  # the tables are built all the same
    assert "not primed (RuntimeError: no memory left)" in capsys.readouterr().err
    assert "derived" in _kept(path)  # the build's own check is kept


def test_after_an_import_or_the_sample_a_failed_prime_is_logged_not_raised(primed, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("no memory left")

    monkeypatch.setattr(prime, "_prime", broken)
    with caplog.at_level("WARNING"):
        prime.prime_or_log(primed)  # the import has landed: nothing raised
    assert "not primed" in caplog.text and "no memory left" in caplog.text
