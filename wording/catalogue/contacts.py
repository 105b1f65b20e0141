"""Input errors of issued call lists and recorded contacts (codes declared in clv_engine/contacts.py)."""

STRINGS = {
    "error.contacts.missing": ("The {field} must not be empty.", "{field} 不能为空。"),
    "error.contacts.too_long": (
        "The {field} is longer than {limit} characters.",
        "{field} 超过 {limit} 个字符。",
    ),
    "error.contacts.bad_window": (
        "The window must be at least one day ({days}).",
        "观察期至少为 1 天（{days}）。",
    ),
    "error.contacts.empty_list": ("The list is empty: nothing to issue.", "名单为空，无法下发。"),
    "error.contacts.bad_holdout": (
        "The control group must be between 0% and 99%, got {share:.0%}.",
        "对照组比例须在 0% 到 99% 之间，当前为 {share:.0%}。",
    ),
    "error.contacts.missing_columns": ("The list lacks columns: {columns}.", "名单缺少列：{columns}。"),
    "error.contacts.duplicate_customers": ("A customer appears twice on the list.", "名单中有重复客户。"),
    "error.contacts.duplicate_contacts": ("Two contacts have the same id.", "两条联系记录编号相同。"),
}
