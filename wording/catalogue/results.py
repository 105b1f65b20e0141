"""Strings of the results page: call lists issued with a control group, outcomes, measured effect."""

STRINGS = {
    "page.results": ("Results of the calls", "回访效果"),
    "results.title": ("Results: did the calls bring customers back?", "回访效果：电话把客户带回来了吗？"),
    "results.intro": (
        "Issue a call list with a random control group that is not called, record what was done for "
        "each customer, and compare how many came back against the control group.",
        "下发回访名单时随机留出一组不回访的对照组，记录对每位客户做了什么，再与对照组比较回店的客户有多少。",
    ),
    # issuing
    "results.issue": ("Issue a call list", "下发回访名单"),
    "results.issue.caption": (
        "{n} customers at risk with a positive expected value, ranked by the churn early warning as of "
        "{as_of} (default weights, levels and interventions; P(churn): {method}).",
        "截至 {as_of}，流失预警按期望价值排序、期望价值为正的风险客户共 {n} 位（默认权重、等级与干预措施；"
        "流失概率：{method}）。",
    ),
    "results.name": ("List name", "名单名称"),
    "results.size": ("Customers on the list", "名单客户数"),
    "results.size.help": ("The top of the ranking by expected value.", "按期望价值排序取前若干位。"),
    "results.holdout": ("Control group", "对照组比例"),
    "results.holdout.help": (
        "This share of each risk level is drawn at random and not called: their return rate is what "
        "the others would have done without a call. The draw is recorded and can be repeated.",
        "每个风险等级随机抽取该比例的客户不回访：他们的回店率就是其他客户在不回访时的回店率。"
        "抽样被记录，可复现。",
    ),
    "results.window": ("Window (days)", "观察期（天）"),
    "results.window.help": (
        "A customer came back if they have a service order within this many days after the list was issued.",
        "名单下发后该天数内有服务工单的客户计为回店。",
    ),
    "results.issue.button": ("Issue the list of {n} customers", "下发 {n} 位客户的名单"),
    "results.issued": (
        "List issued: {n} customers, control group drawn.",
        "名单已下发：{n} 位客户，对照组已抽取。",
    ),
    "results.none": (
        "No call list has been issued yet. Issue one above: its results appear here once outcomes "
        "and new service orders come in.",
        "尚未下发回访名单。请在上方下发：录入回访结果并有新的服务工单后，效果会显示在这里。",
    ),
    "results.list": ("Call list", "回访名单"),
    "results.list.label": (
        "{name} · {date} · {n} customers ({control} control)",
        "{name} · {date} · {n} 位客户（对照组 {control} 位）",
    ),
    "results.list.caption": (
        "{share} of each risk level ({control} customers) is the control group: do not call them. "
        "Returns are counted over {days} days after the issue date.",
        "每个风险等级的 {share}（{control} 位客户）为对照组：请勿联系。回店按下发日后 {days} 天内统计。",
    ),
    # outcomes
    "results.outcomes": ("Outcomes", "回访结果"),
    "results.tab.table": ("Mark on the list", "在名单上标记"),
    "results.tab.one": ("One customer", "单个客户"),
    "results.tab.file": ("Import from the CRM", "从 CRM 导入"),
    "results.table.caption": (
        "The customers to call (the control group is not shown). Set the outcome of each contact and save.",
        "需要回访的客户（不含对照组）。为每次联系选择结果后保存。",
    ),
    "results.table.first": (
        "The first {shown} of {n} customers: mark the others one at a time or import them from the CRM.",
        "共 {n} 位客户，此处列出前 {shown} 位：其余客户请逐个标记或从 CRM 导入。",
    ),
    "results.save": ("Save the marked rows", "保存已标记的行"),
    "results.mark": ("Save this contact", "保存该次联系"),
    "results.saved": ("Contacts saved: {n}.", "已保存联系记录：{n} 条。"),
    "results.save.problem": (
        "Not saved: customer {customer}, {column}: {what}.",
        "未保存：客户 {customer}，{column}：{what}。",
    ),
    "results.file.caption": (
        "Download the list as a file, fill in date, channel, outcome, owner and cost in the CRM or a "
        "spreadsheet, and import it here. Headers in English or Chinese are recognised.",
        "下载名单文件，在 CRM 或表格中填写日期、方式、结果、负责人和费用后在此导入。可识别中英文表头。",
    ),
    "results.template": ("Download the list to fill in (CSV)", "下载待填写的名单（CSV）"),
    "results.template.file": ("call_outcomes", "回访结果"),
    "results.upload": ("Contacts file (CSV or Excel)", "联系记录文件（CSV 或 Excel）"),
    "results.file.unreadable": ("{file} cannot be read ({code}).", "无法读取 {file}（{code}）。"),
    "results.file.missing": ("{file} has no column for: {columns}.", "{file} 缺少以下列：{columns}。"),
    "results.file.read": (
        "{file}: {rows} rows, {clean} clean, {bad} problems (rows with a problem are not saved).",
        "{file}：共 {rows} 行，{clean} 行无误，{bad} 个问题（有问题的行不会保存）。",
    ),
    "results.file.save": ("Save the {n} clean rows", "保存 {n} 行无误数据"),
    "results.problem.file": ("File", "文件"),
    "results.problem.row": ("Row", "行"),
    "results.problem.column": ("Column", "列"),
    "results.problem.what": ("Problem", "问题"),
    "results.problem.value": ("Value", "值"),
    "results.problem.missing": ("empty", "为空"),
    "results.problem.bad_date": ("not a date (use 2026-06-30)", "不是日期（请用 2026-06-30 格式）"),
    "results.problem.future_date": ("in the future", "晚于今天"),
    "results.problem.bad_choice": ("not one of the allowed values", "不是允许的取值"),
    "results.problem.bad_number": ("not a number", "不是数字"),
    "results.problem.negative": ("negative", "为负数"),
    "results.problem.unknown_customer": ("not on this call list", "不在该回访名单中"),
    "results.problem.too_long": ("too long", "过长"),
    "results.field.customer_id": ("Customer", "客户编号"),
    "results.field.contact_date": ("Contact date", "联系日期"),
    "results.field.channel": ("Channel", "联系方式"),
    "results.field.outcome": ("Outcome", "结果"),
    "results.field.owner": ("Owner", "负责人"),
    "results.field.cost": ("Cost ({cur})", "费用（{cur}）"),
    "results.field.store_id": ("Store", "门店"),
    "results.field.intervention": ("Intervention", "干预措施"),
    "results.field.contact_id": ("Contact id", "联系编号"),
    "results.channel.call": ("Call", "电话"),
    "results.channel.visit": ("Visit", "上门"),
    "results.channel.message": ("Message", "短信/消息"),
    "results.outcome.reached": ("Reached", "已接通"),
    "results.outcome.booked": ("Booked", "已预约"),
    "results.outcome.came_back": ("Came back", "已回店"),
    "results.outcome.declined": ("Declined", "拒绝"),
    "results.outcome.unreachable": ("Unreachable", "未接通"),
    # results
    "results.results": ("Treated against control", "回访组与对照组对比"),
    "results.pooled": ("All issued lists together", "合并所有已下发名单"),
    "results.empty": ("No results yet.", "暂无效果数据。"),
    "results.level.all": ("All levels", "全部等级"),
    "results.m.uplift": ("Uplift in return rate", "回店率提升"),
    "results.m.uplift.help": (
        "Return rate of the customers to call minus that of the control group; 95% interval {low} to {high}.",
        "回访组回店率减对照组回店率；95% 区间 {low} 至 {high}。",
    ),
    "results.m.contact_rate": ("Contact rate", "接通率"),
    "results.m.cost_per_kept": ("Cost per customer kept", "每挽回一位客户的成本"),
    "results.m.cost_per_kept.help": (
        "Recorded contact cost / (uplift × customers to call). Shown only when the uplift is positive.",
        "已记录的联系费用 /（提升 × 回访组客户数）。仅在提升为正时显示。",
    ),
    "results.m.realised": ("Value realised", "实际实现价值"),
    "results.m.realised.help": (
        "Customers kept (uplift × customers to call) × their mean remaining CLV − recorded contact cost.",
        "挽回客户数（提升 × 回访组客户数）× 其平均剩余 CLV − 已记录联系费用。",
    ),
    "results.m.predicted": ("Value the list predicted", "名单预测价值"),
    "results.m.predicted.help": (
        "The expected value the list gave the customers to call when it was issued: "
        "Σ P(churn) × success × remaining CLV − cost.",
        "下发时名单对回访组客户给出的期望价值：Σ 流失概率 × 成功率 × 剩余 CLV − 成本。",
    ),
    "results.interval": (
        "95% interval of the uplift: {low} to {high} (Newcombe's score interval for a difference of two "
        "proportions). Every customer on the list counts as called, reached or not, so the comparison "
        "stays fair. A level needs at least {min} customers in each group before it is judged.",
        "提升的 95% 区间：{low} 至 {high}（两比例之差的 Newcombe 得分区间）。名单上每位客户无论是否接通都计入"
        "回访组，以保证对比公平。每组至少 {min} 位客户才作判断。",
    ),
    "results.verdict.window_open": (
        "The window is not over yet: figures are provisional.",
        "观察期尚未结束：数字为暂定。",
    ),
    "results.verdict.too_few": (
        "Too thin to conclude: too few customers in a group.",
        "证据不足，无法下结论：某组客户太少。",
    ),
    "results.verdict.too_thin": (
        "Too thin to conclude: the interval includes no effect.",
        "证据不足，无法下结论：区间包含零效果。",
    ),
    "results.verdict.kept": ("The calls brought customers back.", "回访确实带回了客户。"),
    "results.verdict.lost": (
        "The customers called came back less than the control group.",
        "被回访客户的回店率低于对照组。",
    ),
    "results.controls_contacted": (
        "{n} customers of the control group were contacted anyway: the measured uplift understates the effect.",
        "对照组中有 {n} 位客户仍被联系：测得的提升会低估实际效果。",
    ),
    "results.col.level": ("Risk level", "风险等级"),
    "results.col.action": ("Intervention", "干预措施"),
    "results.col.treated": ("To call", "回访组"),
    "results.col.control": ("Control", "对照组"),
    "results.col.contact_rate": ("Contact rate", "接通率"),
    "results.col.return_treated": ("Came back (called)", "回店率（回访组）"),
    "results.col.return_control": ("Came back (control)", "回店率（对照组）"),
    "results.col.uplift": ("Uplift", "提升"),
    "results.col.interval": ("95% interval", "95% 区间"),
    "results.col.kept": ("Customers kept", "挽回客户数"),
    "results.col.cost_per_kept": ("Cost per kept ({cur})", "每挽回成本（{cur}）"),
    "results.col.predicted_value": ("Value predicted ({cur})", "预测价值（{cur}）"),
    "results.col.realised_value": ("Value realised ({cur})", "实际价值（{cur}）"),
    "results.col.predicted_ev": ("Expected value ({cur})", "期望价值（{cur}）"),
    "results.col.verdict": ("Verdict", "结论"),
    "results.success": ("Success rates: typed against measured", "成功率：设定值与实测值"),
    "results.success.caption": (
        "The churn expected value uses a typed success rate per intervention. Measured: the share of the "
        "control group's non-returners the calls would have brought back (uplift / (1 − control return rate)).",
        "流失期望价值使用每项干预的设定成功率。实测值：回访能带回的对照组未回店客户比例"
        "（提升 /（1 − 对照组回店率））。",
    ),
    "results.col.typed": ("Typed", "设定值"),
    "results.col.measured": ("Measured", "实测值"),
    "results.col.evidence": ("Evidence", "证据"),
    "results.evidence": ("{treated} called, {control} control", "回访 {treated} 位，对照 {control} 位"),
}
