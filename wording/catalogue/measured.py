"""Strings of the measured call programme (allocator and evaluator)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "measured.page.title": ("From a measured call programme", "来自已实测的回访计划"),
    "measured.page.caption": (
        "A call list that was issued with a control group, and its recorded contacts: what the "
        "calls did is measured against the customers held out. The measured figure replaces the "
        "typed one only when the evidence is enough.",
        "已下发并留有对照组的回访名单及其联系记录：以未被联系的对照客户为基准实测回访效果。"
        "只有证据充分时，实测数字才替代预设数字。",
    ),
    "measured.page.no_list": (
        "No call list has been issued yet: issue one with a control group on the churn page, "
        "record the contacts, and come back when its window is over.",
        "尚未下发回访名单：请在流失预警页下发带对照组的名单、记录联系结果，待观察期结束后再来。",
    ),
    "measured.page.lists": ("Issued call lists", "已下发的回访名单"),
    "measured.page.lists.all": ("All issued lists", "全部已下发名单"),
    "measured.page.level": ("Risk level", "风险等级"),
    "measured.col.figure": ("Figure", "指标"),
    "measured.col.typed": ("Typed prior", "预设值"),
    "measured.col.measured": ("Measured", "实测值"),
    "measured.col.interval": ("95% interval", "95%区间"),
    "measured.col.used": ("Used", "采用"),
    "measured.used.measured": ("measured", "实测值"),
    "measured.used.typed": ("typed prior", "预设值"),
    "measured.row.return_uplift": ("Return rate uplift (called − control)", "回店率提升（回访组 − 对照组）"),
    "measured.row.success": (
        "Success rate (share of would-be churners kept)",
        "挽回成功率（本会流失者中被挽回的比例）",
    ),
    "measured.row.per_customer": ("CLV uplift per customer called", "每位被回访客户的CLV提升"),
    "measured.page.evidence": (
        "Evidence: {treated} customers called, {control} held out as control; returned "
        "{rt} against {rc}. Mean remaining CLV of the called {clv}; contact cost {cost}.",
        "证据：回访 {treated} 位客户，对照组 {control} 位；回店率 {rt} 对比 {rc}。"
        "被回访客户平均剩余CLV {clv}；联系成本 {cost}。",
    ),
    "measured.page.uses_measured": (
        "Enough evidence: the measured uplift is used.",
        "证据充分：采用实测提升。",
    ),
    "measured.page.uses_typed": (
        "Too thin to conclude: the typed prior is used until the evidence is enough.",
        "证据不足，无法下结论：在证据充分之前采用预设值。",
    ),
    "measured.page.cost_from_plan": (
        "No contact cost was recorded for these lists: the planned cost per contact is used.",
        "这些名单没有记录联系成本：采用计划的单次联系成本。",
    ),
    "measured.page.name": ("Measured calls · {level}", "实测回访 · {level}"),
    "measured.page.failed": ("Cannot make a project of it: {error}", "无法据此生成项目：{error}"),
    "measured.page.apply": ("Use as the case", "用作评估方案"),
    "measured.page.method": (
        "Uplift per customer = return-rate uplift × mean remaining CLV of the called; reach = "
        "customers called (reached or not); investment = contact cost recorded.",
        "每位客户提升 = 回店率提升 × 被回访客户平均剩余CLV；覆盖人数 = 被回访客户数（无论是否接通）；"
        "投入 = 记录的联系成本。",
    ),
}
