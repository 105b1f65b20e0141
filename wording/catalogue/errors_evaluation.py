"""Input errors of the investment evaluator, saved scenarios and the measured call programme.

``error.<code>``: the same {placeholders} in both languages (tests/test_errors.py checks it).
"""

STRINGS = {
    # -- programme (clv_engine.evaluation) ------------------------------------------------
    "error.programme.not_object": ("{field}: expected an object of inputs.", "{field}：应为一组输入项。"),
    "error.programme.missing_part": (
        "The saved programme lacks {field}.",
        "保存的方案缺少 {field}。",
    ),
    "error.programme.unknown_fields": (
        "The programme has unknown field(s): {fields}.",
        "方案中有无法识别的字段：{fields}。",
    ),
    "error.programme.missing_field": (
        "The programme is missing the field {field}.",
        "方案缺少字段 {field}。",
    ),
    "error.programme.not_json": (
        "The programme is not valid JSON ({reason}).",
        "方案不是有效的 JSON（{reason}）。",
    ),
    "error.programme.whole_years": (
        "{field}: must be a whole number of years (got {value}).",
        "{field}：必须是整数年（现为 {value}）。",
    ),
    "error.programme.not_number": (
        "{field}: must be a number (got {value}).",
        "{field}：必须是数字（现为 {value}）。",
    ),
    "error.programme.not_finite": (
        "{field}: must be a finite number (got {value}).",
        "{field}：必须是有限的数字（现为 {value}）。",
    ),
    "error.programme.no_name": ("{field}: a name is needed.", "{field}：需要填写名称。"),
    "error.programme.horizon_range": (
        "{field}: must be between 1 and {max} years (got {value}).",
        "{field}：必须在 1 到 {max} 年之间（现为 {value}）。",
    ),
    "error.programme.negative": (
        "{field}: cannot be negative (income goes in the price per unit).",
        "{field}：不能为负数（收入请填在单价中）。",
    ),
    "error.programme.one_of": (
        "{field}: must be one of {allowed} (got {value}).",
        "{field}：必须是 {allowed} 之一（现为 {value}）。",
    ),
    "error.programme.rate_range": (
        "{field}: must be between -50% and 100% (got {value}).",
        "{field}：必须在 -50% 到 100% 之间（现为 {value}）。",
    ),
    "error.programme.one_off_year": (
        "{field}: a one-off cost falls in a year from 1 to the horizon {horizon} (got {value}).",
        "{field}：一次性成本必须发生在第 1 年到第 {horizon} 年之间（现为 {value}）。",
    ),
    "error.programme.share": (
        "{field}: must be a share between 0 and 1 (got {value}).",
        "{field}：必须是 0 到 1 之间的比例（现为 {value}）。",
    ),
    "error.programme.expected": ("{field}: expected a {kind}.", "{field}：应为 {kind}。"),
    "error.programme.not_a_driver": (
        "{field}: {value} is not an input of this programme.",
        "{field}：{value} 不是本方案的输入项。",
    ),
    "error.programme.unknown_driver": (
        "{field}: unknown driver {value}.",
        "{field}：未知的驱动因素 {value}。",
    ),
    "error.programme.follows_volume": (
        "{field}: this group's customers follow the volume.",
        "{field}：该客户组的人数随业务量而定。",
    ),
    "error.programme.spread": (
        "{field}: must be between 0 and 100% (got {value}).",
        "{field}：必须在 0 到 100% 之间（现为 {value}）。",
    ),
    "error.programme.draws": (
        "{field}: must be a whole number between 1 and 5,000,000 (got {value}).",
        "{field}：必须是 1 到 5,000,000 之间的整数（现为 {value}）。",
    ),
    "error.programme.range_excludes_input": (
        "{field}: the range must contain the input (down ≤ 0 ≤ up).",
        "{field}：区间必须包含输入值（下限 ≤ 0 ≤ 上限）。",
    ),
    "error.programme.unknown_preset": (
        "{field}: unknown case {value} (one of {allowed}).",
        "{field}：未知案例 {value}（可选：{allowed}）。",
    ),
    "error.programme.no_warranty": (
        "{field}: no extended-warranty contract sold up to {as_of}.",
        "{field}：截至 {as_of} 没有售出延保合同。",
    ),
    "error.programme.no_comparison": (
        "{field}: need both buyers and non-buyers among the customers to compare.",
        "{field}：客户中需要同时有购买者和未购买者才能比较。",
    ),
    "error.programme.no_claims_line": (
        "{field}: the warranty case needs a per-unit claims cost line.",
        "{field}：延保案例需要一条按单位计的理赔成本。",
    ),
    "error.programme.empty_segment": (
        "{field}: no customers in the chosen segment.",
        "{field}：所选细分中没有客户。",
    ),
    "error.programme.missing_columns": (
        "{field}: customer values lack column(s) {columns}.",
        "{field}：客户价值缺少列 {columns}。",
    ),
    "error.programme.no_retention": (
        "{field}: not given and not recorded on the values.",
        "{field}：未提供，且客户价值中也没有记录。",
    ),
    "error.programme.no_group": ("{field}: no such customer group.", "{field}：没有这个客户组。"),
    # -- saved scenarios (clv_engine.scenarios) -------------------------------------------
    "error.scenario.empty": ("{field}: must not be empty.", "{field}：不能为空。"),
    "error.scenario.too_long": (
        "{field}: at most {max} characters (got {length}).",
        "{field}：最多 {max} 个字符（现为 {length}）。",
    ),
    "error.scenario.not_dict": (
        "payload: must be a dict (got {kind}).",
        "payload：必须是字典（现为 {kind}）。",
    ),
    "error.scenario.not_json": (
        "payload: cannot be stored as JSON ({reason}).",
        "payload：无法保存为 JSON（{reason}）。",
    ),
    "error.scenario.not_found": (
        "scenario_id: no saved scenario {scenario_id}.",
        "scenario_id：没有已保存的方案 {scenario_id}。",
    ),
    # -- the measured call programme (clv_engine.measured) --------------------------------
    "error.measured.no_list": ("The chosen lists have no members.", "所选名单没有成员。"),
    "error.measured.no_treated": (
        "No called customers at this level (all held out).",
        "该等级没有被回访的客户（全部为对照组）。",
    ),
}
