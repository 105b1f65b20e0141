"""Strings of the churn early warning: signals, levels, interventions, reasons, page, export."""

STRINGS = {
    # -- signals -------------------------------------------------------------------------
    "churn.signal.spend_drop": ("Drop in spend, last 3 months", "近3个月消费下降"),
    "churn.signal.frequency_drop": ("Drop in visit frequency", "到店频次下降"),
    "churn.signal.complaints": ("Unresolved complaints", "未解决投诉"),
    "churn.signal.competitor": ("Competitor attention", "竞品接触"),
    "churn.signal.cancellations": ("Appointment cancellation rate", "预约取消率"),
    "churn.signal.spend_drop.def": (
        "1 − spend in the last 3 months ÷ the spend their pace in the 12 months before predicts, "
        "clipped to 0..1, × evidence = min(1, visits that pace predicts in 3 months).",
        "1 − 近3个月消费 ÷ 按此前12个月节奏应有的消费，截断到0..1，再乘以证据权重 = min(1, 按该节奏3个月内应到店次数)。",
    ),
    "churn.signal.frequency_drop.def": (
        "1 − visits in the last 12 months ÷ visits expected from the 12 months before, "
        "clipped to 0..1, × evidence = min(1, expected visits).",
        "1 − 近12个月到店次数 ÷ 按此前12个月应有的次数，截断到0..1，再乘以证据权重 = min(1, 应到店次数)。",
    ),
    "churn.signal.complaints.def": (
        "min(1, open complaints ÷ {cap}): any complaint still open on the as-of date counts.",
        "min(1, 未结投诉数 ÷ {cap})：基准日仍未解决的投诉计入。",
    ),
    "churn.signal.competitor.def": (
        "1 − days since the latest sighting at a competitor ÷ {days}: seen today 1, never 0.",
        "1 − 距最近一次被发现在竞品处的天数 ÷ {days}：今天为1，从未为0。",
    ),
    "churn.signal.cancellations.def": (
        "Cancelled ÷ booked appointments in 12 months, × min(1, booked ÷ {n}) so one "
        "cancelled booking is not a 100% rate.",
        "12个月内取消预约数 ÷ 预约总数，再乘以 min(1, 预约数 ÷ {n})，避免一次取消就算100%。",
    ),
    # -- levels and interventions ----------------------------------------------------------
    "churn.level.high": ("High", "高"),
    "churn.level.mid": ("Mid", "中"),
    "churn.level.low": ("Low", "低"),
    "churn.level.none": ("No sign", "无风险迹象"),
    "churn.level.lapsed": ("Lapsed", "已流失"),
    "churn.action.high": ("GM call + offer + home inspection", "总经理致电 + 专属优惠 + 上门检测"),
    "churn.action.mid": ("Account manager visit + service offer", "客户经理拜访 + 服务优惠"),
    "churn.action.low": ("Automated care + survey", "自动关怀 + 满意度调查"),
    "churn.lead": ("act {n} months ahead", "提前{n}个月干预"),
    # -- reasons ---------------------------------------------------------------------------
    "churn.reason.spend_drop": (
        "spend {fall} below their usual pace over {months} months (usually {visits:.1f} visits a year)",
        "近{months}个月消费比平常节奏低{fall}（平常每年到店{visits:.1f}次）",
    ),
    "churn.reason.spend_none": (
        "no spend in {months} months (usually {visits:.1f} visits a year)",
        "近{months}个月没有消费（平常每年到店{visits:.1f}次）",
    ),
    "churn.reason.frequency_drop": (
        "{recent} visits in {months} months against {expected:.1f} expected",
        "近{months}个月到店{recent}次，按平常应为{expected:.1f}次",
    ),
    "churn.reason.complaints": (
        "{n} unresolved complaint(s), oldest open {days} days",
        "{n}起投诉未解决，最早已{days}天",
    ),
    "churn.reason.competitor": ("seen at a competitor {days} days ago", "{days}天前被发现在竞品处"),
    "churn.reason.cancellations": (
        "cancelled {cancelled} of {appointments} appointments in {months} months",
        "近{months}个月取消了{appointments}次预约中的{cancelled}次",
    ),
    "churn.reason.none": ("no warning sign", "无预警信号"),
    # -- P(churn) ----------------------------------------------------------------------------
    "churn.p.calibrated": ("Backtest: fitted on what happened after an earlier date", "回测：按历史结果拟合"),
    "churn.p.score": ("Risk score read as a probability", "风险分直接作为概率"),
    "churn.p.model": ("Predictive model: 1 − P(alive)", "预测模型：1 − 存活概率"),
    # -- export columns ------------------------------------------------------------------------
    "churn.col.rank": ("Rank", "排名"),
    "churn.col.customer": ("Customer", "客户编号"),
    "churn.col.name": ("Name", "姓名"),
    "churn.col.store": ("Store", "门店"),
    "churn.col.phone": ("Phone", "电话"),
    "churn.col.owner": ("Owner", "负责人"),
    "churn.col.due": ("Due", "截止日期"),
    "churn.col.last_visit": ("Last visit", "最近到店"),
    "churn.col.vehicle": ("Vehicle", "车辆"),
    "churn.col.open": ("Lookup", "客户查询"),
    "churn.open": ("Open", "打开"),
    "churn.owner.gm": ("General manager", "总经理"),
    "churn.owner.account_manager": ("Account manager", "客户经理"),
    "churn.owner.automated": ("Automated", "自动执行"),
    "churn.col.tier": ("Tier", "等级"),
    "churn.col.score": ("Risk score", "风险分"),
    "churn.col.level": ("Risk level", "风险等级"),
    "churn.col.p_churn": ("P(churn)", "流失概率"),
    "churn.col.clv": ("Remaining CLV", "剩余 CLV"),
    "churn.col.action": ("Intervention", "干预措施"),
    "churn.col.cost": ("Cost", "成本"),
    "churn.col.success": ("Success rate", "成功率"),
    "churn.col.ev": ("Expected value", "期望价值"),
    "churn.col.reasons": ("Reasons", "原因"),
    # -- page --------------------------------------------------------------------------------
    "churn.title": ("Churn early warning: who to call this week", "流失预警：本周该联系谁"),
    "churn.intro": (
        "Each customer's risk score combines five warning signs. The call list ranks "
        "the customers by the expected value of their level's intervention: "
        "P(churn) × success × remaining CLV − cost.",
        "每位客户的风险分由五项预警信号加权得出。呼叫名单按该等级干预措施的期望价值排序："
        "流失概率 × 成功率 × 剩余 CLV − 成本。",
    ),
    "churn.empty": ("No customers in this scope and as-of date.", "当前范围和基准日下没有客户。"),
    "churn.computing": (
        "Reading every customer's warning signs…",
        "正在读取每位客户的预警信号…",
    ),
    "churn.scoring": (
        "Scoring every customer's risk and ranking the call list…",
        "正在为每位客户计算风险并排序呼叫名单…",
    ),
    "churn.weights": ("Signal weights", "信号权重"),
    "churn.weights.caption": (
        "Weights must sum to 100% (defaults 30 / 25 / 20 / 15 / 10).",
        "权重合计须为100%（默认 30 / 25 / 20 / 15 / 10）。",
    ),
    "churn.weights.sum": ("Sum of weights: {sum}", "权重合计：{sum}"),
    "churn.weights.reset": ("Reset to the default weights", "恢复默认权重"),
    "churn.weights.error": (
        "The weights sum to {sum}, not 100%. Adjust them so they add up to 100%.",
        "权重合计为{sum}，不是100%。请调整到合计100%。",
    ),
    "churn.signal.na": (
        "{signal}: not available. Import the {file} file to enable it; its {weight} weight is "
        "shared out over the available signals in proportion to their weights.",
        "{signal}：暂无数据。导入{file}文件即可启用；其{weight}权重按比例分摊到已有信号。",
    ),
    "churn.signal.na.file.complaints": ("complaints", "投诉"),
    "churn.signal.na.file.competitor_sightings": ("competitor sightings", "竞品接触"),
    "churn.signal.na.file.appointments": ("appointments", "预约"),
    "churn.signal.na.file.orders": ("service orders", "工单"),
    "churn.effective": ("Weights used", "实际权重"),
    "churn.chart.best": ("best: the first {n}", "最优：前{n}位"),
    "churn.chart.hover": ("First {n} called: {value} expected", "前{n}位：期望价值 {value}"),
    "churn.evidence.note": (
        "Many owners come once a year, so a quiet quarter alone is weak evidence: the two "
        "drop signals compare the customer with their own pace in the 12 months before and "
        "are weighted by how many visits that pace predicts. A once-a-year owner who skipped "
        "a quarter scores at most 0.25 on the spend drop; one who skipped the yearly service "
        "scores the full visit-frequency drop.",
        "很多车主一年只来一次，一个季度没来本身证据不足：两项下降信号都与该客户此前12个月自己的节奏比较，"
        "并按该节奏应到店次数加权。一年来一次的车主一个季度没来，消费下降信号最多0.25；错过年度保养则"
        "计满到店频次下降。",
    ),
    "churn.levels": ("Levels and interventions", "风险等级与干预措施"),
    "churn.levels.caption": (
        "A score at or above a threshold is in that level; below the low threshold there is "
        "no action. Cost and success rate per level are editable (defaults from the reference case).",
        "风险分达到阈值即进入该等级；低于低风险阈值不采取行动。各等级成本和成功率可调整（默认值取自参考案例）。",
    ),
    "churn.threshold.high": ("High risk from score", "高风险起始分"),
    "churn.threshold.mid": ("Mid risk from score", "中风险起始分"),
    "churn.threshold.low": ("Low risk from score", "低风险起始分"),
    "churn.cost": ("Cost, {level}", "成本（{level}）"),
    "churn.success": ("Success rate, {level}", "成功率（{level}）"),
    "churn.p.method": ("P(churn) from", "流失概率来源"),
    "churn.p.calibrated.caption": (
        "Customers were scored as of {ref} on what was known then; P(churn) = 1 / (1 + e^−(a + b × "
        "score)) is fitted on whether each came back in the next {days} days (a = {a}, b = {b}). "
        "{n} customers, {base} did not come back. AUC {auc}: the chance a churner scores above "
        "a customer who stayed (0.5 is a coin toss).",
        "以{ref}当时已知的信息给客户打分；流失概率 = 1 / (1 + e^−(a + b × 风险分))，按此后{days}天内是否再到店拟合"
        "（a = {a}，b = {b}）。共{n}位客户，其中{base}未再到店。AUC {auc}：流失客户得分高于留存客户的概率（0.5 相当于随机）。",
    ),
    "churn.p.calibrated.weak": (
        "In the backtest these weights rank churners no better than chance (AUC {auc}): "
        "reconsider them before acting on the list.",
        "回测显示这组权重对流失客户的排序不优于随机（AUC {auc}）：据此行动前请重新考虑权重。",
    ),
    "churn.p.calibrated.none": (
        "Not enough history for a backtest (fewer than 100 customers watched 18 months back, or "
        "no churner among them): P(churn) is the risk score read as a probability.",
        "历史数据不足，无法回测（18个月前可观察的客户少于100位，或其中没有流失客户）：流失概率直接取风险分。",
    ),
    "churn.p.score.caption": (
        "P(churn) = the risk score. Simple, but not checked against what happened.",
        "流失概率 = 风险分。简单，但未经历史验证。",
    ),
    "churn.p.model.caption": (
        "P(churn) = 1 − P(alive) from the predictive CLV model.",
        "流失概率 = 1 − 预测型 CLV 模型给出的存活概率。",
    ),
    "churn.p.model.disabled": (
        "1 − P(alive) is not offered: on these data the visit model cannot tell customers who left "
        "from those who did not ({reasons}), so it would say almost nobody churns.",
        "未提供“1 − 存活概率”：在当前数据上，到店模型无法区分已离开与未离开的客户（{reasons}），"
        "用它会得出几乎没有人流失的结论。",
    ),
    "churn.p.calibrated.all": (
        "Calibrated on every customer, whatever the store scope: a customer's P(churn) and expected "
        "value are the same here, in lookup and in the exports.",
        "校准基于全部客户，与门店范围无关：同一客户的流失概率和期望价值在本页、客户查询和导出文件中一致。",
    ),
    "churn.calibration": ("Backtest: churn rate by score band", "回测：各分数段流失率"),
    "churn.calibration.band": ("Score band", "分数段"),
    "churn.calibration.customers": ("Customers", "客户数"),
    "churn.calibration.rate": ("Observed churn", "实际流失率"),
    "churn.calibration.p": ("Fitted P(churn)", "拟合流失概率"),
    "churn.filter.stores": ("Home store", "归属门店"),
    "churn.filter.tiers": ("Tier (RFM+L)", "等级（RFM+L）"),
    "churn.filter.levels": ("Risk level", "风险等级"),
    "churn.filter.all": ("All", "全部"),
    "churn.filter.paying": (
        "Only customers where acting pays (expected value > 0)",
        "仅显示干预有正期望价值的客户",
    ),
    "churn.totals": ("Acting on the whole list", "对整份名单采取行动"),
    "churn.m.customers": ("Customers on the list", "名单客户数"),
    "churn.m.cost": ("Intervention cost", "干预成本"),
    "churn.m.saved_customers": ("Customers kept", "预计挽留客户"),
    "churn.m.saved": ("Expected CLV saved", "预计挽回 CLV"),
    "churn.m.multiple": ("Benefit/cost multiple", "收益成本倍数"),
    "churn.m.saved.help": (
        "Σ P(churn) × success × remaining CLV over the list.",
        "名单上 Σ 流失概率 × 成功率 × 剩余 CLV。",
    ),
    "churn.m.multiple.help": (
        "Expected CLV saved ÷ intervention cost (a multiple, not net ROI: net ROI = multiple − 1).",
        "预计挽回 CLV ÷ 干预成本（倍数，不是净 ROI：净 ROI = 倍数 − 1）。",
    ),
    "churn.m.customers_saved.help": ("Σ P(churn) × success.", "Σ 流失概率 × 成功率。"),
    "churn.by_level": ("By level", "按等级"),
    "churn.col.customers_saved": ("Customers kept", "挽留客户"),
    "churn.col.clv_saved": ("CLV saved", "挽回 CLV"),
    "churn.col.multiple": ("Multiple", "倍数"),
    "churn.chart.title": ("Where to stop calling", "打到第几位为止"),
    "churn.chart.called": ("Customers called, in rank order", "按排名依次联系的客户数"),
    "churn.chart.cumulative": ("Cumulative expected value", "累计期望价值"),
    "churn.list": ("Call list", "呼叫名单"),
    "churn.list.caption": (
        "{n} customers, ranked by expected value; the first {shown} are shown. The downloads "
        "hold the whole filtered list with the reasons for each score.",
        "共{n}位客户，按期望价值排序，显示前{shown}位。下载文件包含完整筛选名单及每位客户的评分原因。",
    ),
    "churn.list.empty": ("No customer matches these filters.", "没有符合筛选条件的客户。"),
    "churn.lapsed.note": (
        "{n} customers with no visit or purchase for over {days} days are lapsed: a win-back "
        "case, not an early warning, and not on the list.",
        "{n}位客户已超过{days}天未到店或购车，视为已流失：属于召回而非预警，不在名单中。",
    ),
    "churn.download.csv": ("Download CSV", "下载 CSV"),
    "churn.download.xlsx": ("Download Excel", "下载 Excel"),
    "churn.sheet.list": ("Call list", "呼叫名单"),
    "churn.sheet.levels": ("By level", "按等级"),
    "churn.sheet.method": ("Method", "方法说明"),
    "churn.method.item": ("Item", "项目"),
    "churn.method.value": ("Value", "取值"),
    "churn.method.as_of": ("As-of date", "基准日"),
    "churn.method.p": ("P(churn)", "流失概率"),
    "churn.method.weight": ("Weight used: {signal}", "实际权重：{signal}"),
    "churn.method.formula": ("Expected value", "期望价值"),
    "churn.method.formula.value": (
        "P(churn) × success × remaining CLV − cost",
        "流失概率 × 成功率 × 剩余 CLV − 成本",
    ),
    "churn.file": ("churn_call_list", "流失预警名单"),
    "churn.file.all_stores": ("all stores", "全部门店"),
    "churn.method.success": ("Success rate used: {level}", "采用的成功率：{level}"),
    "churn.method.due": ("as-of date + {days} days (a working week)", "基准日 + {days}天（一个工作周）"),
    "churn.method.capacity.calls": (
        "{n} calls per store: the most valuable customers of each store",
        "每店{n}次联系：各店期望价值最高的客户",
    ),
    "churn.method.capacity.budget": (
        "{budget} per store: the combination of customers with the most expected value within it",
        "每店{budget}：预算内期望价值合计最高的客户组合",
    ),
    "churn.list.due": (
        "Due: within a working week of the as-of date ({days} days, by {due}). Owner: the store's "
        "account owner where the stores file names one, else who the level's intervention belongs to. "
        "Open a row's lookup for the customer's history.",
        "截止日期：基准日起一个工作周内（{days}天，{due}前）。负责人：门店文件中有客户负责人时为该负责人，"
        "否则为该等级干预措施的执行人。点击“打开”查看客户详情。",
    ),
    # -- a week's capacity per store -------------------------------------------------------
    "churn.capacity": ("Weekly capacity per store", "每店每周产能"),
    "churn.capacity.none": ("No limit", "不限"),
    "churn.capacity.calls": ("Number of calls", "联系次数"),
    "churn.capacity.budget": ("Budget", "预算"),
    "churn.capacity.help": (
        "Each home store gets this capacity. Within it the list keeps the customers whose "
        "interventions add the most expected value: with a number of calls, the most valuable "
        "ones; with a budget, the best combination whose cost fits (not simply the top of the list).",
        "每家归属门店各有此产能。名单在产能内保留期望价值合计最高的客户：按联系次数时取价值最高者；"
        "按预算时取成本不超预算、价值合计最高的组合（而非简单截取名单前几位）。",
    ),
    "churn.store.none": ("No home store", "无归属门店"),
    "churn.capacity.by_store": ("Capacity of each store", "各门店产能"),
    "churn.capacity.by_store.caption": (
        "Leave a store empty to give it the capacity above; type a number to give it its own.",
        "留空即采用上方的统一产能；输入数字即为该店单独设定。",
    ),
    "churn.capacity.calls.value": ("Calls per store this week", "每店本周联系次数"),
    "churn.capacity.budget.value": ("Budget per store this week ({currency})", "每店本周预算（{currency}）"),
    "churn.capacity.next.calls": (
        "The next call would be worth {value} (the best customer left out, at {store}).",
        "再多联系一位可增加{value}（未入选的最佳客户，{store}）。",
    ),
    "churn.capacity.next.budget": (
        "The best customer left out is worth {value} (at {store}, cost {cost}); raising that store's "
        "budget by {cost} would add {gain} after choosing again.",
        "未入选的最佳客户价值{value}（{store}，成本{cost}）；该店预算增加{cost}，重新选择后可增加{gain}。",
    ),
    "churn.capacity.all_in": (
        "Every customer whose intervention pays fits within the capacity.",
        "所有有正期望价值的客户都在产能之内。",
    ),
    "churn.capacity.col.calls": ("Calls allowed", "可联系次数"),
    "churn.capacity.col.budget": ("Budget", "预算"),
    "churn.capacity.col.calls_made": ("Customers picked", "入选客户"),
    "churn.capacity.col.net": ("Expected value", "期望价值"),
    "churn.capacity.col.next": ("Next call worth", "下一位价值"),
    "churn.capacity.col.gain": ("Gain of one more call's budget", "再增加一次联系预算的收益"),
    # -- measured success --------------------------------------------------------------------
    "churn.measured": ("Success rates: typed and measured", "成功率：设定值与实测值"),
    "churn.measured.use": (
        "Use the measured success rate where the evidence is enough",
        "证据充分时使用实测成功率",
    ),
    "churn.measured.help": (
        "Measured on the issued call lists: the share of the control group's non-returners the "
        "calls brought back. Used once both groups are large enough, the return window is over "
        "and the interval excludes no effect.",
        "基于已下发名单实测：对照组中未回店者里被回访带回的比例。两组人数足够、观察窗口结束且区间不含零时采用。",
    ),
    "churn.measured.typed": ("Typed", "设定值"),
    "churn.measured.measured": ("Measured", "实测值"),
    "churn.measured.interval": ("95% interval", "95% 区间"),
    "churn.measured.treated": ("Called", "联系组"),
    "churn.measured.control": ("Control", "对照组"),
    "churn.measured.evidence": ("Evidence", "证据"),
    "churn.measured.used": ("Used", "采用"),
    "churn.measured.source.typed": ("typed: {rate}", "设定值：{rate}"),
    "churn.measured.source.measured": ("measured: {rate}", "实测值：{rate}"),
    "churn.measured.caption": (
        "A measured rate needs at least {n} customers in the called and the control group of the "
        "level; a negative measured rate counts as 0%.",
        "实测值要求该等级联系组和对照组各至少{n}位客户；实测为负时按0%计。",
    ),
    "churn.spec_seed": (
        "Reference case: 1,240 customers kept × ¥21,000 = ¥26,040,000 against a cost of ¥980,000 = 26.6×.",
        "参考案例：挽回1,240位客户 × ¥21,000 = ¥2,604万，成本¥98万，倍数26.6×。",
    ),
    # Input errors of clv_engine.churn (codes declared in clv_engine/churn/rules.py).
    "error.churn.weight_range": (
        "The weight of {signal} must be between 0% and 100%, got {value:.0%}.",
        "信号 {signal} 的权重须在 0% 到 100% 之间，当前为 {value:.0%}。",
    ),
    "error.churn.weights_sum": (
        "The risk weights must sum to 100%, they sum to {total:.0%}.",
        "风险权重之和须为 100%，当前为 {total:.0%}。",
    ),
    "error.churn.rule_whole": (
        "{field} must be a whole number of at least 1, got {value}.",
        "{field} 须为不小于 1 的整数，当前为 {value}。",
    ),
    "error.churn.baseline_rule": (
        "The shortest usual-pace history ({min_days} days) cannot exceed the baseline ({days} days).",
        "最短的常规节奏历史（{min_days}天）不能超过基准期（{days}天）。",
    ),
    "error.churn.thresholds": (
        "The risk level thresholds must rise (0 < low ≤ mid ≤ high ≤ 1), got low {low}, mid {mid}, high {high}.",
        "风险等级阈值须递增（0 < 低 ≤ 中 ≤ 高 ≤ 1），当前为 低 {low}、中 {mid}、高 {high}。",
    ),
    "error.churn.no_signal_weight": (
        "The weights put 100% on signals with no data ({signals}): give weight to an available signal "
        "or import the data.",
        "权重全部落在没有数据的信号上（{signals}）：请给有数据的信号分配权重，或导入相应数据。",
    ),
    "error.churn.intervention_cost": (
        "The intervention cost ({level}) cannot be negative.",
        "干预成本（{level}）不能为负。",
    ),
    "error.churn.intervention_success": (
        "The intervention success rate ({level}) must be between 0% and 100%.",
        "干预成功率（{level}）须在 0% 到 100% 之间。",
    ),
    "error.churn.capacity_negative": (
        "The capacity of store {store} cannot be negative.",
        "门店 {store} 的产能不能为负。",
    ),
}
