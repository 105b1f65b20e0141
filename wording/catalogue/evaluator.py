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
    # -- page ----------------------------------------------------------------------
    "evaluator.page.title": ("Investment evaluator: the business case", "投资评估：项目商业论证"),
    "evaluator.page.caption": (
        "One programme, its costs over time and its effect on customers' lifetime value: the figures "
        "a CFO asks for, with the assumptions beside them. Every input is kept in the page link.",
        "一个项目、其分年成本及对客户终身价值的影响：给出财务负责人关心的各项指标，并列明假设。"
        "所有输入都保存在页面链接中。",
    ),
    "evaluator.page.preset": ("Case", "案例"),
    "evaluator.page.preset.help": (
        "Reference cases, ready to edit, or a blank programme.",
        "参考案例（可直接修改），或空白项目。",
    ),
    "evaluator.page.group.programme": ("Programme", "项目"),
    "evaluator.page.group.costs": ("Costs", "成本"),
    "evaluator.page.group.customers": ("Customers and CLV uplift", "客户与CLV提升"),
    "evaluator.page.group.sensitivity": ("Sensitivity settings", "敏感性设置"),
    "evaluator.page.name": ("Programme name", "项目名称"),
    "evaluator.page.horizon.help": (
        "Years over which costs run and the gain arises: match it to the period the CLV uplift was measured over (a 6-year LTV gap needs 6 years).",
        "成本发生与收益形成的年数：应与CLV提升的测算期间一致（6年LTV差额对应6年）。",
    ),
    "evaluator.page.rate.help": (
        "Yearly rate used to discount future cash flows (NPV, discounted payback) and for the MIRR.",
        "用于对未来现金流折现（净现值、折现回收期）以及计算修正内部收益率的年利率。",
    ),
    "evaluator.page.volume": ("Volume per year ({unit})", "年业务量（{unit}）"),
    "evaluator.page.volume.help": (
        "Services, visits or contracts a year: drives the per-unit costs and the unit cost.",
        "每年的服务台次、到店次数或合同份数：决定按量成本与单位成本。",
    ),
    "evaluator.page.price": ("Price paid by the customer per unit", "客户每单位支付的价格"),
    "evaluator.page.price.help": (
        "Income per unit that offsets the per-unit costs (the warranty price); 0 when the service is free.",
        "每单位收入，用于抵减按量成本（如延保售价）；免费服务填0。",
    ),
    "evaluator.page.extra_lines": ("Extra cost lines", "新增成本项"),
    "evaluator.page.line_name": ("Cost line {n}: name", "成本项{n}：名称"),
    "evaluator.page.line_default": ("Cost line {n}", "成本项{n}"),
    "evaluator.page.timing": ("Cost line {n}: when", "成本项{n}：发生方式"),
    "evaluator.page.line_amount": ("Cost line {n}: amount (¥)", "成本项{n}：金额（元）"),
    "evaluator.page.one_off_year": ("Cost line {n}: in year", "成本项{n}：发生年份"),
    "evaluator.page.timing.upfront.help": ("Paid once, today (year 0).", "当期一次性支付（第0年）。"),
    "evaluator.page.timing.yearly.help": ("Paid every year of the horizon.", "评估周期内每年支付。"),
    "evaluator.page.timing.per_unit.help": (
        "Paid per unit of volume, every year (volume × amount).",
        "按业务量每年支付（业务量 × 金额）。",
    ),
    "evaluator.page.timing.one_off.help": (
        "Paid once, at the end of the chosen year.",
        "在所选年份年末一次性支付。",
    ),
    "evaluator.page.extra_groups": ("Extra customer groups", "新增客户群"),
    "evaluator.page.group_name": ("Customer group {n}: name", "客户群{n}：名称"),
    "evaluator.page.group_default": ("Customer group {n}", "客户群{n}"),
    "evaluator.page.per_unit": ("One customer per unit ({unit})", "每单位业务量对应一位客户（{unit}）"),
    "evaluator.page.per_unit.help": (
        "Each unit of volume is a different customer (each warranty contract is one buyer).",
        "每单位业务量是一位不同的客户（每份延保合同对应一位买家）。",
    ),
    "evaluator.page.customers": ("Unique customers over the horizon", "周期内去重客户数"),
    "evaluator.page.customers.help": (
        "Counted once over the whole horizon (the van's 3,600 visits are 1,500 customers).",
        "整个周期内只计一次（移动服务车3,600台次对应1,500位客户）。",
    ),
    "evaluator.page.uplift": ("CLV uplift per customer (¥)", "每位客户CLV提升（元）"),
    "evaluator.page.uplift.help": (
        "Change in the customer's lifetime value that the programme causes, a present value as of today; the data section below can compute it.",
        "项目带来的客户终身价值变化（按今天计的现值）；可用下方“数据测算”部分计算。",
    ),
    "evaluator.page.take_up": ("Take-up", "转化比例"),
    "evaluator.page.take_up.help": (
        "Share of these customers who realise the uplift (30% of lapsed visitors stay).",
        "实现CLV提升的客户比例（如流失客户中30%留下）。",
    ),
    "evaluator.page.baseline": ("Baseline CLV (¥, optional)", "基准CLV（元，可选）"),
    "evaluator.page.baseline.help": (
        "CLV without the programme, to state the uplift in percent; 0 leaves it out.",
        "没有该项目时的CLV，用于以百分比表示提升；填0则不显示。",
    ),
    "evaluator.page.invalid": ("These inputs cannot be evaluated: {error}", "输入无法计算：{error}"),
    "evaluator.page.spread": ("Tornado range", "龙卷风图变动幅度"),
    "evaluator.page.spread.help": (
        "Each driver is moved down and up by this much, one at a time; the same range is the "
        "Monte Carlo default.",
        "每个驱动因素逐一上下变动该幅度；蒙特卡洛模拟默认使用相同范围。",
    ),
    "evaluator.page.seed": ("Monte Carlo seed", "蒙特卡洛随机种子"),
    "evaluator.page.seed.help": ("The same seed gives the same simulation.", "相同种子得到相同的模拟结果。"),
    "evaluator.page.key_driver": ("Most uncertain driver", "最不确定的驱动因素"),
    "evaluator.page.key_driver_short": ("key driver", "关键因素"),
    "evaluator.page.key_driver.help": (
        "Its break-even value is shown with the headline figures.",
        "其盈亏平衡值显示在主要指标中。",
    ),
    "evaluator.page.ranges.caption": (
        "Monte Carlo range of each driver (change from the input); each is drawn from a triangular "
        "distribution.",
        "各驱动因素的蒙特卡洛范围（相对输入值的变动）；按三角分布抽样。",
    ),
    "evaluator.page.unit_cost": ("Unit cost ({per})", "单位成本（{per}）"),
    "evaluator.page.break_even": ("Break-even ({driver})", "盈亏平衡（{driver}）"),
    "evaluator.page.break_even.caption": (
        "NPV reaches zero when {driver} is {value}, everything else held.",
        "其他条件不变时，{driver}为{value}时净现值为0。",
    ),
    "evaluator.page.export": ("Take the case to the CFO", "导出给财务负责人"),
    "evaluator.page.download_html": ("HTML report", "HTML报告"),
    "evaluator.page.download_xlsx": ("Excel workbook", "Excel工作簿"),
    "evaluator.page.data": ("CLV uplift from the data", "用数据测算CLV提升"),
    "evaluator.page.data.caption": (
        "Rather than a typed number: compare warranty buyers with non-buyers, or run a retention change "
        "on a segment through the CLV model, then use the result in the case above.",
        "不必手填：比较延保买家与非买家，或将某客群的留存率变化代入CLV模型，再把结果用于上方的案例。",
    ),
    "evaluator.page.warranty": ("Extended warranty: buyers against non-buyers", "延保：买家与非买家对比"),
    "evaluator.page.warranty.needs": (
        "No extended-warranty contracts in the data: import the warranties file to compare buyers with non-buyers.",
        "数据中没有延保合同：导入延保文件后即可比较买家与非买家。",
    ),
    "evaluator.page.warranty.none": ("Cannot compare: {error}", "无法比较：{error}"),
    "evaluator.page.w.buyers": ("Buyers", "买家"),
    "evaluator.page.w.non_buyers": ("Non-buyers", "非买家"),
    "evaluator.page.w.clv_buyers": ("CLV per buyer", "买家人均CLV"),
    "evaluator.page.w.clv_non": ("CLV per non-buyer", "非买家人均CLV"),
    "evaluator.page.w.uplift": ("Difference", "差额"),
    "evaluator.page.w.matched": ("Difference within the same vehicle model", "同车型内差额"),
    "evaluator.page.w.price": ("Price per contract", "每份合同售价"),
    "evaluator.page.w.claims": ("Claims cost per contract", "每份合同理赔成本"),
    "evaluator.page.w.per_year": ("Contracts in the last 12 months", "近12个月合同数"),
    "evaluator.page.warranty.caption": (
        "Claims cost from the {n} contracts whose term has ended (claims still come in on younger ones). "
        "Buyers may be better customers to begin with: the same-model difference removes the part due "
        "to the model mix.",
        "理赔成本取自已到期的{n}份合同（未到期合同的理赔仍在发生）。买家本身可能就是更好的客户："
        "同车型差额剔除了车型结构带来的部分。",
    ),
    "evaluator.page.warranty.matched": ("Use the same-model difference", "使用同车型差额"),
    "evaluator.page.warranty.apply": ("Use in the extended-warranty case", "用于延保案例"),
    "evaluator.page.retention": ("Retention change on a segment", "客群留存率变化"),
    "evaluator.page.retention.empty": ("No customers in the current scope.", "当前范围内没有客户。"),
    "evaluator.page.segment_by": ("Segment by", "客群维度"),
    "evaluator.page.segment.all": ("All customers", "全部客户"),
    "evaluator.page.segment.region": ("Region", "区域"),
    "evaluator.page.segment.channel": ("Acquisition channel", "获客渠道"),
    "evaluator.page.segment.vehicle_model": ("Vehicle model", "车型"),
    "evaluator.page.segment.home_store_id": ("Store", "门店"),
    "evaluator.page.segment_value": ("Segment", "客群"),
    "evaluator.page.retention_to": (
        "Yearly retention with the programme (now {now})",
        "项目实施后的年留存率（当前{now}）",
    ),
    "evaluator.page.r.customers": ("Customers", "客户数"),
    "evaluator.page.r.clv": ("CLV per customer now", "当前人均CLV"),
    "evaluator.page.r.uplift": ("CLV uplift per customer", "人均CLV提升"),
    "evaluator.page.retention.caption": (
        "The historical CLV model recomputed on these customers at the new retention (same discount "
        "rate and horizon as the rest of the dashboard).",
        "在新的留存率下，对这些客户重新计算历史模型CLV（折现率与周期与看板其他部分一致）。",
    ),
    "evaluator.page.retention.group": ("Apply to customer group", "应用到客户群"),
    "evaluator.page.retention.set_customers": (
        "Also set its customers to the segment size",
        "同时将该群客户数设为客群人数",
    ),
    "evaluator.page.retention.apply": ("Use in the case", "用于本案例"),
    "evaluator.page.scenarios": ("Saved cases", "已保存的案例"),
    "evaluator.page.scenario_name": ("Name to save under", "保存名称"),
    "evaluator.page.save": ("Save case", "保存案例"),
    "evaluator.page.saved": ("Saved “{name}”.", "已保存“{name}”。"),
    "evaluator.page.save_failed": ("Could not save: {error}", "保存失败：{error}"),
    "evaluator.page.no_scenarios": ("No saved cases yet.", "暂无已保存的案例。"),
    "evaluator.page.saved_list": ("Saved cases", "已保存的案例"),
    "evaluator.page.load": ("Load case", "载入案例"),
    "evaluator.page.loaded": ("Loaded “{name}”.", "已载入“{name}”。"),
    "evaluator.page.load_failed": ("Could not load: {error}", "载入失败：{error}"),
    "evaluator.page.compare": ("Compare saved cases side by side", "并排比较已保存的案例"),
    "evaluator.page.compare.placeholder": ("Choose two or more cases", "选择两个或以上案例"),
    "evaluator.page.compare.figure": ("Figure", "指标"),
    "evaluator.page.compare.now": ("This screen", "当前画面"),
    "evaluator.page.compare.invalid": ("cannot be evaluated", "无法评估"),
    "evaluator.page.compare.caption": (
        "Each saved case is evaluated on its own inputs, as saved; the first column is the case on "
        "the screen now.",
        "每个已保存案例按其保存时的输入单独评估；第一列为当前画面上的案例。",
    ),
}
