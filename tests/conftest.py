"""Shared fixtures: one small generated database for the whole test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from sample_data.generate import generate
from tests import helpers

# The suite is a gate: it must give the same verdict on every run, so property tests draw
# the same examples each time. `HYPOTHESIS_PROFILE=explore pytest ...` draws fresh random
# ones (and more of them) to hunt for new failures; add what it finds as explicit examples.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TEST_CUSTOMERS = 3_000
TEST_SEED = 7


@pytest.fixture(scope="session")
def pristine_db_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The ~3,000-customer sample as generated, before any test ran on it."""
    path = tmp_path_factory.mktemp("pristine") / "sample.duckdb"
    generate(TEST_CUSTOMERS, TEST_SEED, path)
    return path.read_bytes()


@pytest.fixture(scope="session")
def sample_db_path(tmp_path_factory: pytest.TempPathFactory, pristine_db_bytes: bytes) -> Path:
    """The sample database shared by the session (read-only use: copy it before writing).

    A page test can still write to it (the audit log records a downloaded customer list), so
    a test that writes starts from the pristine bytes instead (``writable_db_path``)."""
    path = tmp_path_factory.mktemp("db") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    return path


@pytest.fixture(autouse=True)
def _test_environment(monkeypatch: pytest.MonkeyPatch):
    """Environment changes a test makes (the app's CLV_DB through tests.helpers) go through its
    monkeypatch, and are undone after it."""
    helpers.use_monkeypatch(monkeypatch)
    yield
    helpers.use_monkeypatch(None)


@pytest.fixture(scope="session", autouse=True)
def _session_environment():
    """A page error reaches AppTest as an exception (app.py otherwise shows a short message with
    an error id, which every `assert not at.exception` would miss). tests/test_text_safety.py
    unsets it to test what a reader sees; browser servers are started without it there."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLV_RAISE_PAGE_ERRORS", os.environ.get("CLV_RAISE_PAGE_ERRORS", "1"))
        yield
    helpers.session_monkeypatch.undo()


@pytest.fixture()
def writable_db_path(pristine_db_bytes: bytes, tmp_path: Path) -> Path:
    """A private copy of the sample as generated, that a test may write to."""
    copy = tmp_path / "writable.duckdb"
    copy.write_bytes(pristine_db_bytes)
    return copy


# .streamlit/config.toml hides error details from readers ("none"), which AppTest honours too:
# a failing page test would only say "This app has encountered an error". Tests want the
# message and the trace (browser tests run their own server, which reads the file).
from streamlit import config as _streamlit_config  # noqa: E402

_streamlit_config.set_option("client.showErrorDetails", "full")
