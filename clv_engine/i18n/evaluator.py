"""Strings of the investment evaluator: engine names, definitions, page and exports."""

STRINGS = {
    # -- presets ---------------------------------------------------------------------
    "evaluator.preset.mobile_van": ("Mobile service van", "移动服务车"),
    "evaluator.preset.member_day": ("Member day", "会员日"),
    "evaluator.preset.extended_warranty": ("Extended warranty", "延保"),
    "evaluator.preset.pickup_delivery": ("Pickup and delivery", "上门取送车"),
    "evaluator.preset.vip_complaint": ("VIP complaint recovery", "VIP客户投诉挽回"),
    "evaluator.preset.custom": ("Custom programme", "自定义项目"),
    # -- cost lines ------------------------------------------------------------------
    "evaluator.line.van_equipment": ("Van and equipment", "车辆+设备"),
    "evaluator.line.labour": ("Labour", "人工"),
    "evaluator.line.running": ("Running costs", "运营费用"),
    "evaluator.line.discount": ("Member-day discount (12% off, 8.8折)", "会员日优惠（8.8折）"),
    "evaluator.line.claims": ("Claims cost per contract", "每份延保理赔成本"),
    "evaluator.line.pickup": ("Cost per pickup", "单次上门成本"),
    "evaluator.line.recovery": ("Visit, free repair, 3 free services", "登门道歉+免费维修+3次免费保养"),
    "evaluator.line.investment": ("Up-front investment", "初始投资"),
    # -- customer groups -------------------------------------------------------------
    "evaluator.group.van_customers": ("Unique customers served", "覆盖客户（去重）"),
    "evaluator.group.high_frequency": ("High-frequency (would come anyway)", "高频客户（本来就会来）"),
    "evaluator.group.low_frequency": ("Low-frequency (drawn by the offer)", "低频客户（被活动吸引）"),
    "evaluator.group.lapsed": ("Lapsed (came back)", "流失客户（回来了）"),
    "evaluator.group.warranty_buyers": ("Warranty buyers", "购买延保客户"),
    "evaluator.group.pickup_customers": ("Customers using pickup", "使用上门服务的客户"),
    "evaluator.group.vip_customer": ("The VIP customer", "该VIP客户"),
    "evaluator.group.customers": ("Customers affected", "受影响客户"),
    # -- volume units ----------------------------------------------------------------
    "evaluator.unit.services": ("services", "台次"),
    "evaluator.unit.visits": ("visits", "次"),
    "evaluator.unit.contracts": ("contracts", "份"),
    "evaluator.unit.cases": ("cases", "件"),
    "evaluator.per_unit.services": ("per service", "每台次"),
    "evaluator.per_unit.visits": ("per visit", "每次"),
    "evaluator.per_unit.contracts": ("per contract", "每份"),
    "evaluator.per_unit.cases": ("per case", "每件"),
    "evaluator.unit.participants": ("participants", "人"),
    "evaluator.per_unit.participants": ("per participant", "每人"),
    # -- preset notes (the assumptions beside the figures) ---------------------------
    "evaluator.note.mobile_van": (
        ("Seed 000: the van and equipment are bought today; labour and running costs are paid "
        "each year; 1,200 services a year reach 1,500 unique customers whose CLV rises by 1,500 "
        "each (better convenience lifts retention by 3 points and visits by 0.5 a year)."),
        ("案例（文章000）：车辆和设备今天购入；人工与运营费用每年支付；每年1,200台次服务覆盖去重"
        "1,500位客户，每位CLV提升1,500元（便利性提升带来留存率+3%、到店频次+0.5次/年）。"),
    ),
    "evaluator.note.member_day": (
        ("Seed 000: 12% off on the day, 300 visits, 300,000 of discount given today. The 100 "
        "high-frequency visits would have come anyway (no uplift); 150 low-frequency customers "
        "gain 3,000 of CLV each; 30% of the 50 lapsed customers stay, each worth 15,000 of "
        "remaining CLV."),
        ("案例（文章000）：会员日全场8.8折，预计300台次，优惠额30万元（当天发生）。100台次高频客户"
        "本来就会来（无增量）；150位低频客户CLV各+3,000元；50位流失客户中30%留下，每位剩余CLV"
        "15,000元。"),
    ),
    "evaluator.note.extended_warranty": (
        ("Seed 001: a 3-year warranty sells for 5,800 and costs 6,200 in claims (a loss of 400); "
        "buyers' 6-year LTV is 23,400 against 13,800 for non-buyers (+9,600, +70%). Each "
        "contract is one buyer; 100 contracts a year is an illustrative volume. Buyers may be "
        "better customers to begin with: compare with the data below."),
        ("案例（文章001）：延保定价5,800元/3年，理赔成本6,200元（亏损400元）；购买延保客户6年LTV "
        "23,400元，未购买13,800元（+9,600元，+70%）。每份合同即一位买家；每年100份为示意销量。"
        "购买者本身可能就是更好的客户：请对照下方的数据对比。"),
    ),
    "evaluator.note.pickup_delivery": (
        ("Seed 001: 150 per pickup, 1,000 a year; satisfaction 78% → 89% lifts retention "
        "85% → 92% and LTV 14,200 → 17,800 (+3,600) for the 1,000 customers served."),
        ("案例（文章001）：单次上门成本150元，每年1,000次；满意度78%→89%使留存率85%→92%，"
        "服务的1,000位客户LTV从14,200元增至17,800元（+3,600元）。"),
    ),
    "evaluator.note.vip_complaint": (
        ("Seed 000: a VIP's car failed again after a repair. The general manager visits, the "
        "repair is free and three services are given (30,000); the customer's remaining CLV of "
        "about 100,000 is kept."),
        ("案例（文章000）：VIP客户车辆维修后再次出问题。总经理登门道歉、免费维修并赠送3次保养"
        "（成本3万元），保住约10万元的剩余CLV。"),
    ),
    "evaluator.note.custom": (
        "A blank programme: enter its costs, its volume and the customers it affects.",
        "空白项目：请填写成本、业务量以及受影响的客户。",
    ),
    # -- timing ----------------------------------------------------------------------
    "evaluator.timing.upfront": ("Up-front (today)", "初始（当期）"),
    "evaluator.timing.yearly": ("Every year", "每年"),
    "evaluator.timing.per_unit": ("Per unit of volume", "按业务量"),
    "evaluator.timing.one_off": ("Once, in a later year", "某年一次性"),
    "evaluator.convention": (
        ("Up-front costs fall today (year 0, not discounted); yearly and per-unit costs at the end "
        "of each year; the CLV gain is counted once over the horizon and realised in equal parts "
        "each year. Unique customers are counted over the whole horizon."),
        ("初始成本发生在当期（第0年，不折现）；每年成本和按量成本在每年年末发生；CLV收益在周期内只计"
        "一次，按年平均实现。客户数为整个周期内的去重客户数。"),
    ),
    # -- drivers (tornado, Monte Carlo, break-even) -----------------------------------
    "evaluator.driver.volume": ("Volume per year", "年业务量"),
    "evaluator.driver.unit_revenue": ("Price paid per unit", "每单位收入"),
    "evaluator.driver.discount_rate": ("Discount rate", "折现率"),
    "evaluator.driver.customers": ("{group}: customers", "{group}：客户数"),
    "evaluator.driver.clv_uplift": ("{group}: CLV uplift", "{group}：CLV提升"),
    "evaluator.driver.take_up": ("{group}: take-up", "{group}：转化比例"),
    # -- figures and their definitions -----------------------------------------------
    "evaluator.fig.cost": ("Total cost (horizon)", "总成本（周期）"),
    "evaluator.fig.unit_cost": ("Unit cost", "单位成本"),
    "evaluator.fig.gain": ("CLV gain (horizon)", "CLV收益（周期）"),
    "evaluator.fig.net_gain": ("Net gain (horizon)", "净收益（周期）"),
    "evaluator.fig.gain_per_year": ("Gain per year", "年均收益"),
    "evaluator.fig.net_roi": ("Net ROI", "净投资回报率"),
    "evaluator.fig.multiple": ("Benefit/cost multiple", "收益成本倍数"),
    "evaluator.fig.payback": ("Payback", "回收期"),
    "evaluator.fig.cashflow_payback": ("Cash-flow payback", "现金流回收期"),
    "evaluator.fig.discounted_payback": ("Discounted payback", "折现回收期"),
    "evaluator.fig.npv": ("NPV", "净现值"),
    "evaluator.fig.irr": ("IRR", "内部收益率"),
    "evaluator.fig.mirr": ("MIRR", "修正内部收益率"),
    "evaluator.fig.break_even": ("Break-even", "盈亏平衡点"),
    "evaluator.def.cost": (
        "Up-front + one-off + yearly costs × years + (per-unit cost − price) × volume over the horizon.",
        "初始 + 一次性 + 每年成本×年数 +（单位成本−单位收入）×周期业务量。",
    ),
    "evaluator.def.unit_cost": ("Total cost / volume over the horizon.", "总成本 ÷ 周期业务量。"),
    "evaluator.def.gain": (
        "Σ customers × take-up × CLV uplift, over the whole horizon.",
        "Σ 客户数 × 转化比例 × CLV提升，整个周期合计。",
    ),
    "evaluator.def.net_roi": ("Net ROI = (gain − cost) / cost.", "净投资回报率 =（收益 − 成本）÷ 成本。"),
    "evaluator.def.multiple": (
        "Benefit/cost multiple = gain / cost (the seeds' \"ROI 24×\" is this multiple).",
        "收益成本倍数 = 收益 ÷ 成本（文章中的“ROI 24倍”即此倍数）。",
    ),
    "evaluator.def.payback": (
        "Simple payback = total cost / gain per year (SPEC's definition).",
        "简单回收期 = 总成本 ÷ 年均收益。",
    ),
    "evaluator.def.cashflow_payback": (
        "When the cumulative yearly cash flow turns positive (the J-curve crossing).",
        "累计现金流转正的时间（J曲线穿越零点处）。",
    ),
    "evaluator.def.discounted_payback": (
        "When the cumulative discounted cash flow turns positive, at the discount rate.",
        "按折现率折现后，累计现金流转正的时间。",
    ),
    "evaluator.def.npv": (
        "NPV = Σ cash flow of year t / (1 + rate)^t; year 0 (today) is not discounted.",
        "净现值 = Σ 第t年现金流 ÷（1+折现率）^t；第0年（当期）不折现。",
    ),
    "evaluator.def.irr": (
        "IRR: the discount rate at which NPV = 0.",
        "内部收益率：使净现值为0的折现率。",
    ),
    "evaluator.def.mirr": (
        "MIRR: outflows financed and inflows reinvested at the discount rate ({rate}); always unique.",
        "修正内部收益率：支出按折现率（{rate}）融资、流入按折现率再投资；结果唯一。",
    ),
    "evaluator.def.break_even": (
        "The value of {driver} at which NPV = 0, all else held.",
        "其他条件不变时，使净现值为0的{driver}取值。",
    ),
    # -- warnings --------------------------------------------------------------------
    "evaluator.warn.irr_no_sign_change": (
        "No IRR: the cash flows never change sign (nothing is invested before the gains come in).",
        "无内部收益率：现金流从未变号（收益到来之前没有先期投入）。",
    ),
    "evaluator.warn.irr_none": (
        "No IRR exists for these cash flows; quote the MIRR instead.",
        "该现金流不存在内部收益率；请改用修正内部收益率（MIRR）。",
    ),
    "evaluator.warn.irr_multiple": (
        "The cash flows change sign {changes} times and have several IRRs ({roots}); quote the MIRR.",
        "现金流变号{changes}次，存在多个内部收益率（{roots}）；请使用修正内部收益率（MIRR）。",
    ),
    "evaluator.warn.irr_sign_changes": (
        "The cash flows change sign {changes} times, so the IRR may not be unique; the MIRR is safer.",
        "现金流变号{changes}次，内部收益率可能不唯一；修正内部收益率（MIRR）更可靠。",
    ),
    "evaluator.warn.no_cost": ("No net cost: ROI and payback are not defined.", "无净成本：投资回报率和回收期无定义。"),
    "evaluator.none": ("—", "—"),
    "evaluator.never": ("not within the horizon", "周期内无法回收"),
    "evaluator.years": ("{n} yr", "{n}年"),
    # -- more figures --------------------------------------------------------------
    "evaluator.def.net_gain": ("Gain − cost over the horizon, undiscounted.", "周期内收益 − 成本，未折现。"),
    "evaluator.def.rate": ("Discount rate {rate}.", "折现率{rate}。"),
    "evaluator.fig.mc_p10_p90": ("NPV P10 / P50 / P90", "净现值 P10 / P50 / P90"),
    "evaluator.fig.prob_loss": ("Probability of a loss", "亏损概率"),
    "evaluator.def.monte_carlo": (
        "{draws} draws, seed {seed}: each driver drawn from a triangular distribution (low, input, high).",
        "{draws}次模拟，随机种子{seed}：每个驱动因素按三角分布（下限、输入值、上限）抽样。",
    ),
    "evaluator.def.prob_loss": ("Share of the simulated cases with NPV below zero.", "模拟结果中净现值小于0的比例。"),
    # -- inputs in the exports -----------------------------------------------------
    "evaluator.in.programme": ("Programme", "项目"),
    "evaluator.in.horizon": ("Horizon", "评估周期"),
    "evaluator.in.discount_rate": ("Discount rate", "折现率"),
    "evaluator.in.volume": ("Volume", "业务量"),
    "evaluator.in.per_year": ("per year", "每年"),
    "evaluator.in.one_per_unit": ("one per unit of volume", "每单位业务量一位"),
    "evaluator.in.group_detail": ("{customers} customers · take-up {take_up}", "{customers}位客户 · 转化比例{take_up}"),
    "evaluator.in.baseline": ("baseline CLV {clv} ({pct} uplift)", "基准CLV {clv}（提升{pct}）"),
    # -- table columns -------------------------------------------------------------
    "evaluator.col.year": ("Year", "年份"),
    "evaluator.col.upfront_cost": ("Up-front", "初始投入"),
    "evaluator.col.one_off_cost": ("One-off", "一次性"),
    "evaluator.col.running_cost": ("Yearly costs", "每年成本"),
    "evaluator.col.unit_cost": ("Per-unit costs (net)", "按量成本（净）"),
    "evaluator.col.gain": ("CLV gain", "CLV收益"),
    "evaluator.col.net": ("Net cash flow", "净现金流"),
    "evaluator.col.cumulative": ("Cumulative", "累计"),
    "evaluator.col.discount_factor": ("Discount factor", "折现系数"),
    "evaluator.col.discounted_net": ("Discounted", "折现值"),
    "evaluator.col.cumulative_discounted": ("Cumulative discounted", "累计折现值"),
    "evaluator.col.driver": ("Driver", "驱动因素"),
    "evaluator.col.input": ("Input", "输入"),
    "evaluator.col.value": ("Value", "数值"),
    "evaluator.col.how": ("How it counts", "计算方式"),
    "evaluator.col.figure": ("Figure", "指标"),
    "evaluator.col.definition": ("Definition", "定义"),
    "evaluator.col.npv_down": ("NPV at −{pct}", "−{pct}时净现值"),
    "evaluator.col.npv_up": ("NPV at +{pct}", "+{pct}时净现值"),
    "evaluator.col.break_even": ("Break-even value", "盈亏平衡值"),
    "evaluator.col.margin": ("Distance to break-even", "距盈亏平衡"),
    "evaluator.be.none": ("none in range", "范围内无"),
    # -- charts --------------------------------------------------------------------
    "evaluator.chart.cash_flow": ("Yearly cash flow and cumulative (J-curve)", "年度现金流与累计（J曲线）"),
    "evaluator.chart.waterfall": ("From cost to gain (over the horizon)", "从成本到收益（整个周期）"),
    "evaluator.chart.tornado": ("NPV sensitivity, each driver ±{pct}", "净现值敏感性：各驱动因素±{pct}"),
    "evaluator.chart.driver_down": ("Driver −{pct}", "驱动因素−{pct}"),
    "evaluator.chart.driver_up": ("Driver +{pct}", "驱动因素+{pct}"),
    "evaluator.chart.monte_carlo": (
        "Monte Carlo NPV ({draws} draws) · probability of a loss {loss}",
        "蒙特卡洛模拟净现值（{draws}次）· 亏损概率{loss}",
    ),
    "evaluator.chart.draws": ("Draws", "次数"),
    # -- report --------------------------------------------------------------------
    "evaluator.report.title": ("Business case: {name}", "投资评估：{name}"),
    "evaluator.report.generated": ("Prepared {when}", "生成时间：{when}"),
    "evaluator.report.assumptions": ("Inputs and assumptions", "输入与假设"),
    "evaluator.report.results": ("Results", "结果"),
    "evaluator.report.cash_flows": ("Yearly cash flows", "年度现金流"),
    "evaluator.report.charts": ("Charts", "图表"),
    "evaluator.report.sensitivity": ("Sensitivity and break-even", "敏感性与盈亏平衡"),
    "evaluator.report.mc_method": (
        "Monte Carlo: {draws} draws with seed {seed}; each driver independently from a triangular "
        "distribution between its low and high value, most likely at the input. The same seed "
        "gives the same figures.",
        "蒙特卡洛模拟：{draws}次，随机种子{seed}；每个驱动因素在其下限与上限之间按三角分布独立抽样，"
        "众数为输入值。相同种子得到相同结果。",
    ),
    "evaluator.report.year_n": ("Year {n}", "第{n}年"),
    "evaluator.report.gain": ("CLV gain", "CLV收益"),
    "evaluator.report.costs": ("Costs", "成本"),
    "evaluator.report.cumulative": ("Cumulative", "累计现金流"),
    "evaluator.report.cumulative_discounted": ("Cumulative, discounted", "累计折现现金流"),
    "evaluator.report.file_stem": ("business_case", "投资评估"),
    # -- workbook ------------------------------------------------------------------
    "evaluator.sheet.inputs": ("Inputs", "输入"),
    "evaluator.sheet.cash_flows": ("Cash flows", "现金流"),
    "evaluator.sheet.results": ("Results", "结果"),
    "evaluator.sheet.sensitivity": ("Sensitivity", "敏感性"),
    "evaluator.sheet.monte_carlo": ("Monte Carlo", "蒙特卡洛"),
    "evaluator.xl.rate": ("Discount rate", "折现率"),
    "evaluator.xl.npv_formula": ("NPV (Excel formula)", "净现值（Excel公式）"),
    "evaluator.xl.irr_formula": ("IRR (Excel formula)", "内部收益率（Excel公式）"),
    "evaluator.xl.mirr_formula": ("MIRR (Excel formula)", "修正内部收益率（Excel公式）"),
    "evaluator.xl.mean": ("Mean", "均值"),
    "evaluator.xl.draws_seed": ("Draws / seed", "模拟次数 / 随机种子"),
    "evaluator.xl.range_down": ("Low (change)", "下限（变动）"),
    "evaluator.xl.range_up": ("High (change)", "上限（变动）"),
}
