"""Strings of the CLV calculator page (the worked models, each with its reference case)."""

STRINGS = {
    "page.calculator": ("CLV calculator", "CLV 计算器"),
    "calc.title": ("CLV calculator: the models side by side", "CLV 计算器：各模型对照"),
    "calc.intro": (
        "Each tab is one way to value a customer. Change any input; the reference case button puts back the worked example.",
        "每个标签页是一种客户价值算法。可修改任一输入；“参考案例”按钮恢复示例数值。",
    ),
    "calc.reference": ("Reference case", "参考案例"),
    "calc.reference.loaded": ("Showing the reference case: {case}.", "当前为参考案例：{case}。"),
    "calc.reference.edited": ("Your inputs (reference case: {case}).", "自定义输入（参考案例：{case}）。"),
    # inputs shared by several models
    "calc.in.annual_spend": ("Spend per year ({cur})", "年消费（{cur}）"),
    "calc.in.annual_revenue": ("Revenue per year ({cur})", "年收入（{cur}）"),
    "calc.in.years": ("Years as a customer", "客户关系年数"),
    "calc.in.margin": ("Gross margin (%)", "毛利率（%）"),
    "calc.in.customers": ("Customers", "客户数"),
    # tabs
    "calc.tab.simple": ("Simple", "简单模型"),
    "calc.tab.simple_net": ("Simple net", "简单净值"),
    "calc.tab.component": ("Component", "分项模型"),
    "calc.tab.dcf": ("Discounted (DCF)", "折现模型（DCF）"),
    "calc.tab.tier": ("Tier value", "层级价值"),
    "calc.tab.warranty": ("Extended warranty", "延保"),
    # simple
    "calc.simple.formula": ("CLV = spend per year × years × gross margin", "CLV = 年消费 × 年数 × 毛利率"),
    "calc.simple.case": ("{spend} a year for 6 years at a 35% margin", "年消费 {spend}、6 年、毛利率 35%"),
    "calc.simple.value": ("CLV per customer", "单客 CLV"),
    "calc.simple.value.help": (
        "Gross profit over the relationship, not discounted and with no chance of leaving early.",
        "关系期内的毛利合计，未折现，也未考虑客户提前流失。",
    ),
    "calc.simple.working": (
        "{spend} × {years} years × {margin} = {value}",
        "{spend} × {years} 年 × {margin} = {value}",
    ),
    # simple net
    "calc.net.formula": (
        "CLV = revenue per year × years − cost to win the customer − cost to serve them",
        "CLV = 年收入 × 年数 − 获客成本 − 服务成本",
    ),
    "calc.net.case": (
        "the simple model's customer, with the cost of serving them as the service cost",
        "简单模型中的同一客户，服务成本即服务该客户的成本",
    ),
    "calc.net.acquisition": ("Cost to win the customer ({cur})", "获客成本（{cur}）"),
    "calc.net.service": ("Cost to serve over the relationship ({cur})", "关系期内服务成本（{cur}）"),
    "calc.net.value": ("Net CLV per customer", "单客净 CLV"),
    "calc.net.value.help": (
        "Revenue less every cost of winning and serving the customer: a net value, not discounted.",
        "收入减去获客与服务的全部成本：净值，未折现。",
    ),
    "calc.net.working": (
        "{revenue} × {years} years − {acquisition} − {service} = {value}",
        "{revenue} × {years} 年 − {acquisition} − {service} = {value}",
    ),
    "calc.net.note": (
        "There is no published worked case for this formula. The preset is the simple model's customer "
        "(¥30,000 of revenue over 6 years) with the other 65% of that revenue, ¥19,500, as the cost to serve, "
        "so both models give the same ¥10,500. Add what it cost to win the customer to see the net.",
        "该公式没有公开的算例。预设沿用简单模型中的客户（6 年收入 ¥30,000），以其余 65% 的收入 ¥19,500 作为服务成本，"
        "因此两种模型结果同为 ¥10,500。填入获客成本即可看到净值。",
    ),
    # component
    "calc.comp.formula": (
        "CLV = margin on the car + after-sales margin + repurchase + referrals − extra service cost",
        "CLV = 整车毛利 + 售后毛利 + 复购价值 + 推荐价值 − 额外服务成本",
    ),
    "calc.comp.case": (
        "a {price} car at a 15% margin, kept 7 years",
        "售价 {price}、毛利率 15% 的车，使用 7 年",
    ),
    "calc.comp.price": ("Car price ({cur})", "车价（{cur}）"),
    "calc.comp.vehicle_margin": ("Margin on the car (%)", "整车毛利率（%）"),
    "calc.comp.after_sales": ("After-sales spend per year ({cur})", "年售后消费（{cur}）"),
    "calc.comp.after_sales_margin": ("After-sales margin (%)", "售后毛利率（%）"),
    "calc.comp.repurchase": ("Chance of buying the next car here (%)", "再次购车概率（%）"),
    "calc.comp.referrals": ("Referrals per customer", "人均推荐人数"),
    "calc.comp.conversion": ("Referrals who buy (%)", "推荐成交率（%）"),
    "calc.comp.extra": ("Extra service cost per year ({cur})", "每年额外服务成本（{cur}）"),
    "calc.comp.value": ("Component CLV", "分项 CLV"),
    "calc.comp.value.help": (
        "The sum of the parts in the table; repurchase and referrals are valued at the margin on one car.",
        "表中各项之和；复购与推荐均按一辆车的毛利计。",
    ),
    "calc.comp.col.part": ("Part", "分项"),
    "calc.comp.col.working": ("Working", "算式"),
    "calc.comp.col.value": ("Value", "金额"),
    "calc.comp.part.purchase": ("Margin on the car", "整车毛利"),
    "calc.comp.part.after_sales": ("After-sales margin", "售后毛利"),
    "calc.comp.part.repurchase": ("Repurchase", "复购价值"),
    "calc.comp.part.referral": ("Referrals", "推荐价值"),
    "calc.comp.part.extra": ("Extra service cost", "额外服务成本"),
    "calc.comp.part.total": ("Total", "合计"),
    "calc.comp.note": (
        'The reference case as published writes the extra service cost as "¥20,000 a year × 7 years = ¥14,000", '
        "which does not add up; ¥2,000 a year × 7 = ¥14,000 is what its total of about ¥139,400 uses. Exactly: ¥139,300.",
        "参考案例原始文字把额外服务成本写作“¥2万/年 × 7年 = ¥1.4万”，前后不一致；其合计（约 ¥13.94万）实际使用的是"
        "每年 ¥2,000 × 7 = ¥14,000。精确合计为 ¥139,300。",
    ),
    # DCF
    "calc.dcf.formula": (
        "CLV = Σ spend_t × margin × S_t / (1 + d)^t, S_t the chance the customer is still with us in year t",
        "CLV = Σ 年消费_t × 毛利率 × S_t / (1 + d)^t，S_t 为第 t 年客户仍留存的概率",
    ),
    "calc.dcf.case": (
        "a new-energy car owner spending {low} to {high} a year, 40% margin, 12% discount rate",
        "新能源车主，年消费 {low} 至 {high}，毛利率 40%，折现率 12%",
    ),
    "calc.dcf.mode": ("Survival", "留存方式"),
    "calc.dcf.mode.curve": ("A survival curve S_t", "留存曲线 S_t"),
    "calc.dcf.mode.constant": ("Constant yearly retention (S_t = r^t)", "固定年留存率（S_t = r^t）"),
    "calc.dcf.discount": ("Discount rate (%)", "折现率（%）"),
    "calc.dcf.table": (
        "Spend and survival by year (edit, add or remove years)",
        "各年消费与留存（可修改、增删年份）",
    ),
    "calc.dcf.col.spend": ("Spend", "消费"),
    "calc.dcf.col.survival": ("S_t", "S_t"),
    "calc.dcf.tail_step": ("After the last year, S falls by (per year)", "最后一年之后 S 每年下降"),
    "calc.dcf.tail_step.help": (
        "0: no years after the table. Otherwise the last spend carries on while S falls by this much a year until it reaches 0.",
        "0：表格之后不再计算。否则沿用最后一年的消费，S 每年下降该值直至为 0。",
    ),
    "calc.dcf.retention": ("Yearly retention r (%)", "年留存率 r（%）"),
    "calc.dcf.years": ("Years", "年数"),
    "calc.dcf.total": ("DCF CLV", "折现 CLV"),
    "calc.dcf.total.help": (
        "Present value of the gross profit the customer is expected to bring, year by year as in the table.",
        "客户预期带来的毛利的现值，逐年明细见下表。",
    ),
    "calc.dcf.table_years": ("Years 1-{n}", "第 1-{n} 年"),
    "calc.dcf.tail": ("Years {n}+", "第 {n} 年起"),
    "calc.dcf.empty": (
        "Enter at least one year with a spend and a survival between 0 and 1.",
        "请至少填写一年的消费和 0 到 1 之间的留存概率。",
    ),
    "calc.dcf.note": (
        "The reference case as published states about ¥18,207 with a tail of about ¥4,500; computed exactly under "
        "its own rule (S falls 0.05 a year after year 6) the tail is ¥4,998 and the total ¥18,702.",
        "参考案例原始文字给出约 ¥18,207（尾部约 ¥4,500）；按其自身规则（第 6 年后 S 每年下降 0.05）精确计算，"
        "尾部为 ¥4,998，总计 ¥18,702。",
    ),
    "calc.dcf.col.year": ("Year", "年份"),
    "calc.dcf.col.gp": ("Gross profit × S_t", "毛利 × S_t"),
    "calc.dcf.col.factor": ("Discount factor", "折现系数"),
    "calc.dcf.col.pv": ("Present value", "现值"),
    # tiers
    "calc.tier.formula": (
        "Value of a tier = spend per year × gross margin × years, per customer, times the customers in the tier",
        "层级价值 = 年消费 × 毛利率 × 年数（单客）× 该层级客户数",
    ),
    "calc.tier.case": ("500 platinum and 3,000 ordinary customers", "白金客户 500 位、普通客户 3,000 位"),
    "calc.tier.top": ("Platinum", "白金客户"),
    "calc.tier.base": ("Ordinary", "普通客户"),
    "calc.tier.per_customer": ("{tier}: value per customer", "{tier}：单客价值"),
    "calc.tier.total": ("{tier}: whole tier", "{tier}：层级合计"),
    "calc.tier.ratio": ("One platinum customer is worth", "一位白金客户相当于普通客户"),
    "calc.tier.ratio.help": (
        "Value per platinum customer ÷ value per ordinary customer.",
        "白金客户单客价值 ÷ 普通客户单客价值。",
    ),
    "calc.tier.ratio.none": (
        "An ordinary customer is worth nothing or less at these inputs, so there is no ratio.",
        "按当前输入，普通客户价值为零或为负，无法计算倍数。",
    ),
    "calc.tier.working": (
        "{spend} × {margin} × {years} years = {value} each; × {customers} = {total}",
        "{spend} × {margin} × {years} 年 = 每位 {value}；× {customers} 位 = {total}",
    ),
    # extended warranty
    "calc.war.formula": (
        "Net per buyer = (price − claims cost) + (lifetime value of buyers − lifetime value of non-buyers)",
        "每位买家净值 =（售价 − 理赔成本）+（购买者终身价值 − 未购买者终身价值）",
    ),
    "calc.war.case": (
        "a 3-year warranty sold at {price} that costs {claims} in claims",
        "3 年延保售价 {price}，理赔成本 {claims}",
    ),
    "calc.war.price": ("Price per contract ({cur})", "每份售价（{cur}）"),
    "calc.war.claims": ("Claims cost per contract ({cur})", "每份理赔成本（{cur}）"),
    "calc.war.ltv_buyers": ("Lifetime value of a buyer ({cur})", "购买者终身价值（{cur}）"),
    "calc.war.ltv_non_buyers": ("Lifetime value of a non-buyer ({cur})", "未购买者终身价值（{cur}）"),
    "calc.war.term": ("Warranty term (years)", "延保期限（年）"),
    "calc.war.ltv_years": ("Lifetime value measured over (years)", "终身价值计算年限（年）"),
    "calc.war.product": ("Product margin per contract", "每份产品毛利"),
    "calc.war.product.help": ("Price − claims cost.", "售价 − 理赔成本。"),
    "calc.war.uplift": ("Lifetime value added per buyer", "每位买家终身价值提升"),
    "calc.war.uplift.help": (
        "Lifetime value of a buyer − lifetime value of a non-buyer; below, as a share of a non-buyer's value.",
        "购买者终身价值 − 未购买者终身价值；下方为相对未购买者的提升比例。",
    ),
    "calc.war.net": ("Net value per buyer", "每位买家净值"),
    "calc.war.net.help": ("Product margin + lifetime value added.", "产品毛利 + 终身价值提升。"),
    "calc.war.working": (
        "({price} − {claims}) + ({buyers} − {non_buyers}) = {product} + {uplift} = {net}",
        "（{price} − {claims}）+（{buyers} − {non_buyers}）= {product} + {uplift} = {net}",
    ),
    "calc.war.claims_exceed": (
        "Claims ({claims}) exceed the price ({price}): the warranty loses {loss} on every contract and pays only "
        "through the buyers' higher lifetime value.",
        "理赔成本（{claims}）高于售价（{price}）：每份延保亏损 {loss}，只能依靠购买者更高的终身价值回本。",
    ),
    "calc.war.horizon": (
        "The lifetime value added arises over {ltv_years} years, not over the {term}-year term: judge the warranty "
        "against a {ltv_years}-year horizon. Part of the gap may only mean that better customers buy warranties; "
        "the investment evaluator compares buyers with non-buyers of the same car model in your data.",
        "终身价值提升在 {ltv_years} 年内实现，而非 {term} 年的延保期内：应按 {ltv_years} 年的期限评估延保。"
        "差距中可能有一部分只是因为优质客户更愿意购买延保；投资评估页会在您的数据中比较同车型的购买者与未购买者。",
    ),
}
