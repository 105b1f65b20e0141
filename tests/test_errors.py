"""Every input error the engine can raise has a sentence in both languages."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import clv_engine
from clv_engine import errors
from clv_engine.errors import InputError
from wording import CATALOGUE
from wording.errors import explain


def _all_declared_codes() -> set[str]:
    for info in pkgutil.walk_packages(clv_engine.__path__, "clv_engine."):
        importlib.import_module(info.name)
    return set(errors.DECLARED)


def test_every_declared_code_has_a_catalogue_entry_in_both_languages():
    codes = _all_declared_codes()
    missing = sorted(c for c in codes if f"error.{c}" not in CATALOGUE)
    assert not missing, f"no catalogue entry for {missing}"
    for code in codes:
        english, chinese = CATALOGUE[f"error.{code}"]
        assert english.strip() and chinese.strip(), code
        # The same placeholders in both languages, so no detail is lost in translation.
        fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in (english, chinese)]
        assert fields[0] == fields[1], code


def test_an_undeclared_code_is_refused():
    with pytest.raises(KeyError):
        InputError("nobody.declared_this")


def test_explain_fills_the_details_in_the_readers_language(monkeypatch):
    monkeypatch.setattr(errors, "DECLARED", set(errors.DECLARED))  # the test code stays local
    code = errors.declare("test", "bad_row")["bad_row"]
    monkeypatch.setitem(CATALOGUE, f"error.{code}", ("Row {row} is bad", "第 {row} 行有误"))
    error = InputError(code, row=7)
    assert explain(error, "en") == "Row 7 is bad"
    assert explain(error, "zh") == "第 7 行有误"
