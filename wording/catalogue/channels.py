"""Strings of the channels and cohorts page (SPEC §6): channel names, bands, simulator, cohorts."""

STRINGS = {
    # -- channel names (codes in customers.channel and channel_spend.channel) --------------
    "channels.name.referral": ("Referral", "老客户转介绍"),
    "channels.name.social": ("Social media", "社交媒体种草"),
    "channels.name.store": ("Experience store", "线下体验店"),
    "channels.name.search": ("Search ads", "搜索广告"),
    "channels.name.show": ("Auto shows", "展会活动"),
    "channels.name.ecommerce": ("E-commerce", "电商平台"),
    "channels.unrecorded": ("(not recorded)", "（未记录）"),
    # -- bands and the reference table's own advice per channel ---------------------------------
    "channels.band.stop": ("< 1 · loss-making: stop now", "< 1 · 亏损，立即停止"),
    "channels.band.marginal": ("1-3 · barely profitable: optimise", "1-3 · 勉强盈利，需优化"),
    "channels.band.healthy": ("3-5 · healthy", "3-5 · 健康水平"),
    "channels.band.excellent": ("> 5 · excellent: invest more", "> 5 · 优秀，可加大投入"),
    "channels.advice.invest_more": ("Invest more (raise referral rewards)", "加大激励"),
    "channels.advice.keep_investing": ("Keep investing", "持续投入"),
    "channels.advice.improve_conversion": ("Improve conversion", "优化转化率"),
    "channels.advice.test_optimise": ("Test and optimise", "测试优化"),
    "channels.advice.cut": ("Cut", "减少投入"),
    "channels.advice.phase_out": ("Phase out", "逐步退出"),
    # -- page: inputs ----------------------------------------------------------------------
    "channels.title": (
        "Channels and cohorts: which acquisition channels pay",
        "渠道与客群：哪些获客渠道值得投入",
    ),
    "channels.computing": (
        "Building every cohort's yearly figures (once for this data, date and horizon)…",
        "正在计算各客群的逐年数据（每份数据、日期和期限只算一次）…",
    ),
    "channels.horizon": ("LTV horizon (years)", "LTV 周期（年）"),
    "channels.cac_window": ("CAC measured over", "CAC 统计区间"),
    "channels.cac_window.all": ("All months", "全部月份"),
    "channels.cac_window.months": ("Last {n} months", "最近 {n} 个月"),
    "channels.ltv.definition": (
        "LTV per customer at {h} years, in money of the purchase date: the gross profit of the "
        "completed years since purchase (up to {h}), each year discounted at {d}, plus for "
        "customers younger than {h} years the expected remaining years: yearly gross profit so "
        "far (gross profit ÷ years since purchase, at least one year, so a first-year customer is "
        "valued cautiously) × chance still active × Σ r^t/(1+d)^t, with retention r = {r} "
        "estimated from the data.",
        "单客 LTV（{h} 年，折现到购车日）：购车后已满各年的毛利（至多 {h} 年），每年按 {d} 折现；"
        "未满 {h} 年的客户再加上剩余年份的期望值：迄今年均毛利（毛利 ÷ 购车后年数，至少按一年计，"
        "因此首年客户的估值偏保守）× 仍活跃概率 × Σ r^t/(1+d)^t，留存率 r = {r}（由数据估计）。",
    ),
    # -- page: LTV/CAC ---------------------------------------------------------------------
    "channels.ratio.header": ("LTV/CAC by channel", "各渠道 LTV/CAC"),
    "channels.source": ("Figures from", "数据来源"),
    "channels.source.data": ("This database", "本数据库"),
    "channels.source.spec": ("Reference table: a new-energy brand, 2023", "参考表：某造车新势力 2023 年"),
    "channels.needs_spend": (
        "CAC not available — import channel spend (month, channel, spend, new customers) to "
        "compute it. LTV per channel is shown below; cohorts work without it.",
        "暂无 CAC——请导入渠道投放数据（月份、渠道、投放金额、新增客户数）以计算。"
        "下方仍显示各渠道 LTV；客群分析不受影响。",
    ),
    "channels.scope_note": (
        "Spend is recorded for the whole group, so CAC covers every store; LTV covers the stores "
        "in the sidebar scope.",
        "投放金额按集团记录，CAC 覆盖全部门店；LTV 仅统计侧边栏所选门店。",
    ),
    "channels.blended": ("Blended LTV/CAC", "整体 LTV/CAC"),
    "channels.blended.help": (
        "LTV of the customers won ÷ all acquisition spend in the CAC window: Σ new customers × "
        "LTV ÷ Σ spend.",
        "CAC 区间内新增客户的 LTV 合计 ÷ 获客投放合计：Σ 新增客户 × LTV ÷ Σ 投放。",
    ),
    "channels.best": ("Best channel", "最佳渠道"),
    "channels.worst": ("Weakest channel", "最弱渠道"),
    "channels.spend_total": ("Acquisition spend", "获客投放"),
    "channels.chart.ratio": ("LTV/CAC", "LTV/CAC"),
    "channels.col.channel": ("Channel", "渠道"),
    "channels.col.customers": ("Customers", "客户数"),
    "channels.col.new_customers": ("New customers (spend table)", "新增客户（投放表）"),
    "channels.col.spend": ("Spend", "投放金额"),
    "channels.col.cac": ("CAC", "获客成本 CAC"),
    "channels.col.ltv": ("LTV per customer", "单客 LTV"),
    "channels.col.total_ltv": ("Total LTV", "LTV 合计"),
    "channels.col.ratio": ("LTV/CAC", "LTV/CAC"),
    "channels.col.band": ("Verdict", "结论"),
    "channels.col.seed_advice": ("Reference case's advice", "参考案例建议"),
    "channels.col.annual_gp": ("Yearly gross profit per customer", "单客年均毛利"),
    "channels.col.payback": ("CAC payback (months)", "CAC 回收期（月）"),
    "channels.payback.help": (
        "Months of gross profit that repay the CAC: CAC ÷ (yearly gross profit per customer ÷ 12).",
        "收回获客成本所需的毛利月数：CAC ÷（单客年均毛利 ÷ 12）。",
    ),
    "channels.spec.caption": (
        "Reference table (a new-energy brand, 2023). Edit CAC or LTV to explore; the ratio and "
        "verdict follow. The reference case's advice for shows (1.4) and e-commerce (1.6) is to cut and phase "
        "out, harsher than its own band for 1-3, 'barely profitable: optimise'.",
        "参考表（某造车新势力 2023 年）。可修改 CAC 或 LTV，比值与结论随之更新。"
        "参考案例建议对展会（1.4）减少投入、对电商（1.6）逐步退出，比其自身分档（1-3 为“勉强盈利，需优化”）更严厉。",
    ),
    "channels.by_period": ("CAC by year", "各年 CAC"),
    "channels.col.period": ("Year", "年份"),
    "channels.sheet.channels": ("Channels", "渠道"),
    "channels.sheet.cac_by_year": ("CAC by year", "各年CAC"),
    "channels.sheet.simulator": ("Budget shift", "预算调整"),
    "channels.sheet.cohorts": ("Cohorts", "客群"),
    "channels.sheet.retention": ("Retention", "留存"),
    "channels.sheet.cumulative": ("Cumulative GP", "累计毛利"),
    # -- page: simulator -------------------------------------------------------------------
    "channels.sim.header": ("Budget shift simulator", "预算调整模拟"),
    "channels.sim.base": ("Starting budget", "起始预算"),
    "channels.sim.base.data": ("This database, last 12 months", "本数据库，最近 12 个月"),
    "channels.sim.base.spec_customers": (
        "Reference table, equal customers per channel",
        "参考表，各渠道客户数相同",
    ),
    "channels.sim.base.spec_spend": ("Reference table, equal spend per channel", "参考表，各渠道投放相同"),
    "channels.sim.from": ("Take spend from", "调出渠道"),
    "channels.sim.placeholder": ("Choose channels", "选择渠道"),
    "channels.sim.to": ("Give it to", "调入渠道"),
    "channels.sim.share": ("Share of their spend moved", "调出比例"),
    "channels.sim.split": ("Split the moved spend", "调入分配方式"),
    "channels.sim.split.equal": ("Equally", "平均分配"),
    "channels.sim.split.spend": ("In proportion to current spend", "按当前投放比例"),
    "channels.sim.beta": ("Returns to extra spend β", "追加投放回报系数 β"),
    "channels.sim.beta.help": (
        "Customers won = current customers × (new spend ÷ current spend)^β. β = 1: every extra "
        "unit of money wins as many customers as the average one now (constant CAC, the reference case's "
        "reasoning). β < 1: each extra unit wins fewer customers than the last, and a cut loses "
        "the least productive customers first. New customers are assumed worth the channel's LTV.",
        "获客数 = 当前客户数 ×（新投放 ÷ 当前投放）^β。β = 1：每多投入一单位金额带来的客户与目前平均水平相同"
        "（CAC 不变，即参考案例的推理）。β < 1：每多投入一单位金额带来的客户比上一单位少，削减投放时先失去效率最低的客户。"
        "假定新客户的价值等于该渠道的 LTV。",
    ),
    "channels.sim.needs_spend": (
        "This database has no channel spend: pick a reference-table budget, or import channel spend "
        "(month, channel, spend, new customers).",
        "本数据库没有渠道投放数据：请选择参考表预算，或导入渠道投放数据（月份、渠道、投放金额、新增客户数）。",
    ),
    "channels.sim.error": ("Cannot simulate: {error}", "无法模拟：{error}"),
    "channels.sim.customers": ("New customers after the shift", "调整后新增客户"),
    "channels.sim.ltv": ("LTV won after the shift", "调整后获得的 LTV"),
    "channels.sim.ratio": ("Blended LTV/CAC, before → after", "整体 LTV/CAC（调整前 → 后）"),
    "channels.sim.before_after": ("{before} → {after}", "{before} → {after}"),
    "channels.sim.linear": (
        "With linear returns (β = 1) the same shift gives a blended LTV/CAC of {ratio} and "
        "{customers} new customers.",
        "若回报为线性（β = 1），同样的调整得到整体 LTV/CAC {ratio}，新增客户 {customers}。",
    ),
    "channels.sim.spend_chart": ("Spend before and after", "调整前后投放"),
    "channels.sim.before": ("Before", "调整前"),
    "channels.sim.after": ("After", "调整后"),
    "channels.col.spend_before": ("Spend before", "调整前投放"),
    "channels.col.spend_after": ("Spend after", "调整后投放"),
    "channels.col.customers_before": ("Customers before", "调整前客户"),
    "channels.col.customers_after": ("Customers after", "调整后客户"),
    "channels.col.ltv_before": ("LTV before", "调整前 LTV"),
    "channels.col.ltv_after": ("LTV after", "调整后 LTV"),
    "channels.col.cac_after": ("CAC after", "调整后 CAC"),
    "channels.sim.reconcile": (
        "The reference case's 3.2 → 4.8: it does not say how its budget is split across channels, and "
        "its table does not give 3.2. With equal customers per channel the blended ratio is "
        "{c_before} (Σ LTV ÷ Σ CAC); with equal spend it is {s_before} (the mean of the ratios). "
        "Moving 30% of shows' and e-commerce's spend, half each to referral and social, with "
        "linear returns, takes the equal-customer mix from {c_before} to {c_after} (the reference case's "
        "4.8) and total customer value up {c_value} (reference case: +50%); the equal-spend mix goes from "
        "{s_before} to {s_after}. Split in proportion to spend instead, the equal-customer mix "
        "reaches {p_after} and +{p_value}.",
        "参考案例的 3.2 → 4.8：参考案例未说明预算在各渠道如何分配，其表格也得不出 3.2。各渠道客户数相同时，"
        "整体比值为 {c_before}（Σ LTV ÷ Σ CAC）；各渠道投放相同时为 {s_before}（各比值的平均）。"
        "将展会和电商 30% 的投放平均转给转介绍和社交媒体（线性回报），客户数相同的组合从 {c_before} "
        "升至 {c_after}（即参考案例的 4.8），客户总价值提升 {c_value}（参考案例：+50%）；投放相同的组合从 "
        "{s_before} 升至 {s_after}。若按当前投放比例分配，客户数相同的组合升至 {p_after}，价值 +{p_value}。",
    ),
    # -- page: cohorts ---------------------------------------------------------------------
    "channels.cohort.header": ("Cohorts", "客群（队列）分析"),
    "channels.cohort.dimension": ("Cohort by", "客群维度"),
    "channels.dim.purchase_year": ("Purchase year", "购车年份"),
    "channels.dim.vehicle_model": ("Vehicle model", "车型"),
    "channels.dim.region": ("Region", "区域"),
    "channels.dim.channel": ("Channel", "渠道"),
    "channels.col.cohort": ("Cohort", "客群"),
    "channels.col.first_year_spend": ("First-year spend", "首年消费"),
    "channels.col.first_service_return": ("First-service return rate", "首保回厂率"),
    "channels.col.repeat_rate": ("Repeat purchase rate", "复购率"),
    "channels.col.cohort_cac": ("CAC", "获客成本 CAC"),
    "channels.col.payback_year": ("Payback year", "回本年份"),
    "channels.col.ltv_h": ("LTV at {h} years", "{h} 年 LTV"),
    "channels.col.year": ("Year since purchase", "购车后第几年"),
    "channels.cohort.definitions": (
        "First-year spend: revenue in the first year after purchase, customers who have completed "
        "it. First-service return rate: of customers whose first visit is at least 18 "
        "months old, the share who came back within 18 months. Repeat purchase rate: share with "
        "two or more orders so far. Retention in year k: of customers who have completed year k, "
        "the share with a visit in it. CAC of a cohort: its customers' channel CACs averaged. "
        "Payback year: the first year whose cumulative gross profit per customer reaches the CAC.",
        "首年消费：购车后第一年的消费，仅统计已满一年的客户。首保回厂率：首次到店已满 18 个月的客户中，"
        "18 个月内再次到店的比例。复购率：迄今有两次及以上订单的客户比例。第 k 年留存：已满 k 年的客户中，"
        "第 k 年有到店记录的比例。客群 CAC：按其客户所属渠道的 CAC 加权平均。回本年份：单客累计毛利首次达到 CAC 的年份。",
    ),
    "channels.cohort.retention": ("Retention by year since purchase", "购车后各年留存率"),
    "channels.cohort.cumulative": ("Cumulative gross profit vs CAC", "单客累计毛利与 CAC"),
    "channels.cohort.gp_axis": ("Gross profit per customer ({cur})", "单客毛利（{cur}）"),
    "channels.cohort.cumulative.caption": (
        "Solid: cumulative gross profit per customer (undiscounted). Dashed: the cohort's CAC; "
        "where a line crosses its CAC, the customer has paid back what it cost to win.",
        "实线：单客累计毛利（未折现）。虚线：该客群的 CAC；实线越过虚线之处即收回获客成本。",
    ),
    "channels.cohort.no_cac": (
        "No CAC line: import channel spend (month, channel, spend, new customers) to see payback.",
        "无 CAC 参考线：导入渠道投放数据（月份、渠道、投放金额、新增客户数）即可查看回本点。",
    ),
    "channels.cohort.empty": ("No customers in this scope yet.", "当前范围内还没有客户。"),
    "channels.cohort.cac_suffix": ("CAC", "CAC"),
    "channels.empty": ("No customers in this scope yet.", "当前范围内还没有客户。"),
    # -- why the budget shift cannot be simulated (clv_engine.channels CODES) ----------------
    "error.channels.unknown_channel": (
        "channel {channel} has no spend in the figures simulated.",
        "渠道 {channel} 在模拟数据中没有投放。",
    ),
    "error.channels.both_lists": (
        "channel {channel} is both a source and a destination.",
        "渠道 {channel} 不能同时是调出和调入渠道。",
    ),
    "error.channels.share_range": (
        "the share moved must be between 0% and 100% (got {share}).",
        "调整比例须在 0% 到 100% 之间（当前 {share}）。",
    ),
    "error.channels.split": ("unknown way to split the budget: {split}.", "未知的预算分配方式：{split}。"),
    "error.channels.returns_exponent": (
        "the returns exponent β must be above 0 and at most 1 (got {beta}).",
        "回报指数 β 须大于 0 且不超过 1（当前 {beta}）。",
    ),
    "error.channels.no_destination": (
        "choose at least one channel to receive the budget moved.",
        "请至少选择一个接收调出预算的渠道。",
    ),
    "error.channels.no_spend": (
        "channel {channel} needs spend and new customers above 0 to be shifted.",
        "渠道 {channel} 需有大于 0 的投放和新增客户才能调整。",
    ),
    "error.channels.no_ltv": (
        "channel {channel} has no LTV (no customers in scope).",
        "渠道 {channel} 没有 LTV（当前范围内无客户）。",
    ),
}
