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
        (
            "Reference case: the van and equipment are bought today; labour and running costs are "
            "paid each year; 1,200 services a year reach 1,500 unique customers whose CLV rises by "
            "¥1,500 each (better convenience lifts retention by 3 points and visits by 0.5 a year). "
            "The reference case counts payback as total cost ÷ yearly gain = ¥1,400,000 ÷ ¥750,000 = "
            "1.87 yr; the payback shown here is read from the yearly cash flows."
        ),
        (
            "参考案例：车辆和设备今天购入；人工与运营费用每年支付；每年1,200台次服务覆盖去重1,500位"
            "客户，每位CLV提升1,500元（便利性提升带来留存率+3个百分点、到店频次+0.5次/年）。参考案例的"
            "回收期算法为总成本 ÷ 年均收益 = 1,400,000 ÷ 750,000 = 1.87年；此处的回收期取自逐年现金流。"
        ),
    ),
    "evaluator.note.member_day": (
        (
            "Reference case: 12% off on the day, 300 visits, ¥300,000 of discount given today. The "
            "100 high-frequency visits would have come anyway (no uplift); 150 low-frequency "
            "customers gain ¥3,000 of CLV each; 30% of the 50 lapsed customers stay, each worth "
            "¥15,000 of remaining CLV."
        ),
        (
            "参考案例：会员日全场8.8折，预计300台次，优惠额30万元（当天发生）。100台次高频客户"
            "本来就会来（无增量）；150位低频客户CLV各+3,000元；50位流失客户中30%留下，每位剩余CLV"
            "15,000元。"
        ),
    ),
    "evaluator.note.extended_warranty": (
        (
            "Reference case: a 3-year warranty sells for ¥5,800 and costs ¥6,200 in claims (a loss "
            "of ¥400); buyers' 6-year LTV is ¥23,400 against ¥13,800 for non-buyers (+¥9,600, "
            "+70%), so the case runs six years, the period over which that gap arises. Each "
            "contract is one buyer; 100 contracts a year is an illustrative volume. Buyers may be "
            "better customers to begin with: compare with the data below."
        ),
        (
            "参考案例：延保定价5,800元/3年，理赔成本6,200元（亏损400元）；购买延保客户6年LTV "
            "23,400元，未购买13,800元（+9,600元，+70%），因此评估周期为6年，即该差额形成的期间。"
            "每份合同即一位买家；每年100份为示意销量。购买者本身可能就是更好的客户：请对照下方的数据对比。"
        ),
    ),
    "evaluator.note.pickup_delivery": (
        (
            "Reference case: ¥150 per pickup, 1,000 a year; satisfaction 78% → 89% lifts retention "
            "85% → 92% and LTV ¥14,200 → ¥17,800 (+¥3,600) for the 1,000 customers served."
        ),
        (
            "参考案例：单次上门成本150元，每年1,000次；满意度78%→89%使留存率85%→92%，"
            "服务的1,000位客户LTV从14,200元增至17,800元（+3,600元）。"
        ),
    ),
    "evaluator.note.vip_complaint": (
        (
            "Reference case: a VIP's car failed again after a repair. The general manager visits, "
            "the repair is free and three services are given (¥30,000); the customer's remaining "
            "CLV of about ¥100,000 is kept."
        ),
        (
            "参考案例：VIP客户车辆维修后再次出问题。总经理登门道歉、免费维修并赠送3次保养"
            "（成本3万元），保住约10万元的剩余CLV。"
        ),
    ),
    "evaluator.note.custom": (
        "A blank programme: enter its costs, its volume and the customers it affects.",
        "空白项目：请填写成本、业务量以及受影响的客户。",
    ),
    "evaluator.note.edited": (
        "Inputs changed from the reference case “{case}”: every figure is for the inputs shown.",
        "输入已在参考案例“{case}”基础上修改：所有指标均按当前输入计算。",
    ),
    # -- timing ----------------------------------------------------------------------
    "evaluator.timing.upfront": ("Up-front (today)", "初始（当期）"),
    "evaluator.timing.yearly": ("Every year", "每年"),
    "evaluator.timing.per_unit": ("Per unit of volume", "按业务量"),
    "evaluator.timing.one_off": ("Once, in a later year", "某年一次性"),
    "evaluator.convention": (
        (
            "How the cash flows are timed: up-front costs fall today (year 0, not discounted); "
            "yearly and per-unit costs at the end of each year. A CLV uplift is already a present "
            "value, so it is counted once: it enters as the equal yearly gross profit over the "
            "horizon whose present value is the uplift, so NPV = CLV gain − present value of the "
            "costs. The horizon is the period over which the gain arises. Unique customers are "
            "counted over the whole horizon."
        ),
        (
            "现金流时点约定：初始成本发生在当期（第0年，不折现）；每年成本和按量成本在每年年末发生。"
            "CLV提升本身已是现值，只计一次：它以周期内每年相等的毛利计入，这些毛利的现值恰为CLV提升，"
            "因此净现值 = CLV收益 − 成本现值。评估周期即收益形成的期间。客户数为整个周期内的去重客户数。"
        ),
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
        "Σ customers × take-up × CLV uplift over the whole horizon: a present value, counted once.",
        "Σ 客户数 × 转化比例 × CLV提升，整个周期合计：已是现值，只计一次。",
    ),
    "evaluator.def.net_roi": ("Net ROI = (gain − cost) / cost.", "净投资回报率 =（收益 − 成本）÷ 成本。"),
    "evaluator.def.multiple": (
        'Benefit/cost multiple = gain / cost (an "ROI of 24×" is usually this multiple).',
        "收益成本倍数 = 收益 ÷ 成本（常说的“ROI 24倍”通常即此倍数）。",
    ),
    "evaluator.def.payback": (
        "When the cumulative yearly cash flow first turns non-negative (the J-curve crossing), read from the cash-flow table.",
        "逐年累计现金流首次转为非负的时间（J曲线穿越零点处），取自现金流表。",
    ),
    "evaluator.def.discounted_payback": (
        "The same on the cash flows discounted at the discount rate; never shorter than the payback.",
        "按折现率折现后的累计现金流首次转为非负的时间；不会短于回收期。",
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
    "evaluator.warn.unit_loss": (
        (
            "The product itself loses {loss} {per}: its costs of {cost} exceed the price of {price}. "
            "The case rests on the CLV uplift, not on the product."
        ),
        "产品本身{per}亏损{loss}：成本{cost}高于售价{price}。本案例依赖CLV提升，而非产品本身。",
    ),
    "evaluator.warn.dips": (
        "The cumulative cash flow turns negative again after the payback (a later cost): read the payback with the table.",
        "回收后累计现金流再次转负（后期成本所致）：请结合现金流表解读回收期。",
    ),
    "evaluator.warn.no_cost": (
        "No net cost: ROI and payback are not defined.",
        "无净成本：投资回报率和回收期无定义。",
    ),
    "evaluator.none": ("—", "—"),
    "evaluator.never": ("not within the horizon", "周期内无法回收"),
    "evaluator.nothing_to_recover": ("nothing to recover", "无需回收"),
    "evaluator.years": ("{n} yr", "{n}年"),
    # -- more figures --------------------------------------------------------------
    "evaluator.def.net_gain": (
        "CLV gain (a present value) − cost over the horizon (undiscounted); NPV discounts the costs too.",
        "CLV收益（现值）− 周期内成本（未折现）；净现值对成本同样折现。",
    ),
    "evaluator.def.rate": ("Discount rate {rate}.", "折现率{rate}。"),
    "evaluator.fig.mc_p10_p90": ("NPV P10 / P50 / P90", "净现值 P10 / P50 / P90"),
    "evaluator.fig.prob_loss": ("Probability of a loss", "亏损概率"),
    "evaluator.fig.p10": ("P10", "P10"),
    "evaluator.fig.p50": ("P50", "P50"),
    "evaluator.fig.p90": ("P90", "P90"),
    "evaluator.def.p10": ("NPV exceeded in 90% of the simulated cases.", "90%的模拟结果净现值高于此值。"),
    "evaluator.def.p50": ("The median simulated NPV.", "模拟净现值的中位数。"),
    "evaluator.def.p90": (
        "NPV exceeded in only 10% of the simulated cases.",
        "仅10%的模拟结果净现值高于此值。",
    ),
    "evaluator.def.monte_carlo": (
        "{draws} draws, seed {seed}: each driver drawn from a triangular distribution (low, input, high).",
        "{draws}次模拟，随机种子{seed}：每个驱动因素按三角分布（下限、输入值、上限）抽样。",
    ),
    "evaluator.def.prob_loss": (
        "Share of the simulated cases with NPV below zero.",
        "模拟结果中净现值小于0的比例。",
    ),
    # -- inputs in the exports -----------------------------------------------------
    "evaluator.in.programme": ("Programme", "项目"),
    "evaluator.in.horizon": ("Horizon", "评估周期"),
    "evaluator.in.discount_rate": ("Discount rate", "折现率"),
    "evaluator.in.volume": ("Volume", "业务量"),
    "evaluator.in.per_year": ("per year", "每年"),
    "evaluator.in.group_detail_per_unit": (
        "one customer per unit of volume · take-up {take_up}",
        "每单位业务量对应一位客户 · 转化比例{take_up}",
    ),
    "evaluator.in.group_detail": (
        "{customers} customers · take-up {take_up}",
        "{customers}位客户 · 转化比例{take_up}",
    ),
    "evaluator.in.baseline": ("baseline CLV {clv} ({pct} uplift)", "基准CLV {clv}（提升{pct}）"),
    # -- table columns -------------------------------------------------------------
    "evaluator.col.year": ("Year", "年份"),
    "evaluator.col.upfront_cost": ("Up-front", "初始投入"),
    "evaluator.col.one_off_cost": ("One-off", "一次性"),
    "evaluator.col.running_cost": ("Yearly costs", "每年成本"),
    "evaluator.col.unit_cost": ("Per-unit costs (net)", "按量成本（净）"),
    "evaluator.col.gain": ("CLV gain (yearly gross profit)", "CLV收益（年毛利）"),
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
    "evaluator.report.gain": ("CLV gain (yearly gross profit)", "CLV收益（年毛利）"),
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
    "evaluator.xl.mean": ("Mean", "均值"),
    "evaluator.xl.draws_seed": ("Draws / seed", "模拟次数 / 随机种子"),
    "evaluator.xl.range_down": ("Low (change)", "下限（变动）"),
    "evaluator.xl.range_up": ("High (change)", "上限（变动）"),
    "evaluator.xl.one_off_year": ("Year (one-off)", "年份（一次性）"),
    "evaluator.xl.customers": ("{group}: customers", "{group}：客户数"),
    "evaluator.xl.customers_per_unit": ("volume per year × horizon", "年业务量 × 评估周期"),
    "evaluator.xl.gain_pv": ("CLV uplift, all groups (present value)", "CLV提升合计（现值）"),
    "evaluator.xl.gain_pv_how": ("Σ customers × take-up × CLV uplift", "Σ 客户数 × 转化比例 × CLV提升"),
    "evaluator.xl.horizon_how": (
        "sets the rows of the cash-flow sheet: change it in the app",
        "决定现金流表的行数：请在应用中修改",
    ),
    "evaluator.xl.live": (
        "A live model: change any number in the Value column and the cash flows and every result "
        "recalculate (the horizon sets the rows of the cash-flow sheet).",
        "动态模型：修改“数值”列中的任意数字，现金流与各项结果随之重算（评估周期决定现金流表的行数）。",
    ),
    "evaluator.xl.crossing": ("Payback crossing (year)", "回收穿越点（年）"),
    "evaluator.xl.crossing_discounted": ("Discounted payback crossing (year)", "折现回收穿越点（年）"),
    "evaluator.xl.simulated": (
        "Simulated in the app at the inputs of this export; not recalculated in the workbook.",
        "在应用中按导出时的输入模拟；工作簿中不重算。",
    ),
    "evaluator.xl.yr_format": ('0.00 "yr"', '0.00"年"'),
}
