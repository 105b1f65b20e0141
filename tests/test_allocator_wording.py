"""The allocator's words: errors worded per language, the money axis in the reader's money."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from clv_engine.allocation import AllocationError, LockedOverBudget, allocate_budget
from ui.charts import money_axis
from wording.allocation import explain_error, spec_case_projects
from wording.fmt import money


def test_a_figure_error_names_the_row_project_and_field_in_both_languages():
    projects = spec_case_projects("zh")
    projects[1] = type(projects[1])(projects[1].name, 0, 1_500, 3_000)
    with pytest.raises(AllocationError) as err:
        allocate_budget(projects, 1_000_000)
    assert err.value.code == "allocation.figure_not_positive"
    assert err.value.details["row"] == 2 and err.value.details["field"] == "investment"
    assert explain_error(err.value, "en").startswith(
        "project 2 (会员权益优化): investment must be greater than zero"
    )
    assert explain_error(err.value, "zh").startswith("第 2 个项目（会员权益优化）：投入 必须大于零")


def test_locked_over_budget_is_worded_with_money():
    projects = [p for p in spec_case_projects("en")]
    projects = [
        type(p)(p.name, p.investment, p.uplift_per_customer, p.reach, locked=i < 2)
        for i, p in enumerate(projects)
    ]
    with pytest.raises(LockedOverBudget) as err:
        allocate_budget(projects, 500_000)
    # Churn warning 300,000 + membership 250,000 = 550,000 locked.
    text = explain_error(err.value, "en")
    assert "Churn warning system, Membership benefits" in text and "¥550,000" in text
    assert "¥500,000" in explain_error(err.value, "zh")


def test_anything_else_is_one_plain_sentence_not_its_english_text():
    assert "KeyError" not in explain_error(KeyError("projects"), "en")
    assert explain_error(KeyError("projects"), "zh") == "保存的数据格式无法读取"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_money_axis_ticks_in_the_readers_money(lang):
    fig = go.Figure()
    money_axis(fig, "y", 1_000_000, -200_000, lang=lang)
    axis = fig.layout.yaxis
    # Span 1.2M in at most 5 steps of 1-2-5 × 10^k: 500,000 (a 200,000 step would need 6).
    assert list(axis.tickvals) == [-500_000, 0, 500_000, 1_000_000]
    assert list(axis.ticktext) == [money(v, lang) for v in (-500_000, 0, 500_000, 1_000_000)]
