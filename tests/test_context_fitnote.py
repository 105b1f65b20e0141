"""The sidebar's note "the predictive model could not be fitted": drawn on the pages that show
customer figures (also one that stops early, waiting for a choice), and the model never fitted
for a page whose first render reads none (calculator, import, allocator, results, actions)."""

from __future__ import annotations

import pytest

import ui.context
from tests.helpers import app_on

FAILURE = {"reason": "too_few_customers", "details": {"n": 3, "minimum": 10}}
NOTE = "Too few customers to fit the visit model: 3"


@pytest.fixture
def failing_fit(monkeypatch):
    calls = []

    def fit_in_scope(db, as_of):
        calls.append(as_of)
        return FAILURE

    monkeypatch.setattr(ui.context, "fit_in_scope", fit_in_scope)
    return calls


def _run(db_path, page: str, model: str = "predictive"):
    at = app_on(db_path)
    at.session_state["lang"] = "en"
    at.session_state["clv_model"] = model
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _sidebar_warnings(at) -> list[str]:
    return [w.value for w in at.sidebar.warning]


def test_a_page_with_customer_figures_gets_the_note_in_the_sidebar(sample_db_path, failing_fit):
    at = _run(sample_db_path, "app_pages/lookup.py")
    assert failing_fit, "the fit was never looked up"
    assert any(NOTE in text for text in _sidebar_warnings(at)), _sidebar_warnings(at)
    assert not any(NOTE in w.value for w in at.main.warning)


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/calculator.py",
        "app_pages/import_data.py",
        "app_pages/allocator.py",
        "app_pages/results.py",
        "app_pages/actions.py",
    ],
)
def test_a_page_without_customer_figures_never_fits(sample_db_path, failing_fit, page):
    at = _run(sample_db_path, page)
    assert failing_fit == []
    assert not any(NOTE in text for text in _sidebar_warnings(at))


def test_the_allocator_notes_it_once_its_panel_reads_customer_values(sample_db_path, failing_fit):
    """The allocator's "projects made from data" panel, once opened, reads customer values:
    the note comes with them, once."""
    at = app_on(sample_db_path)
    at.session_state["lang"] = "en"
    at.session_state["clv_model"] = "predictive"
    at.session_state["al_derive_open"] = True
    at.switch_page("app_pages/allocator.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert failing_fit
    assert sum(NOTE in text for text in _sidebar_warnings(at)) == 1, _sidebar_warnings(at)


def test_the_historical_model_has_no_note(sample_db_path, failing_fit):
    at = _run(sample_db_path, "app_pages/lookup.py", model="historical")
    assert failing_fit == []
    assert not any(NOTE in text for text in _sidebar_warnings(at))
