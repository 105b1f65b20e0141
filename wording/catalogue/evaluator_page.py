"""Strings of the investment evaluator's page (inputs, panels, scenarios)."""

STRINGS = {
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
    "evaluator.page.line_amount": ("Cost line {n}: amount ({cur})", "成本项{n}：金额（{cur}）"),
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
    "evaluator.page.uplift": ("CLV uplift per customer ({cur})", "每位客户CLV提升（{cur}）"),
    "evaluator.page.uplift.help": (
        "Change in the customer's lifetime value that the programme causes, a present value as of today; the data section below can compute it.",
        "项目带来的客户终身价值变化（按今天计的现值）；可用下方“数据测算”部分计算。",
    ),
    "evaluator.page.take_up": ("Take-up", "转化比例"),
    "evaluator.page.take_up.help": (
        "Share of these customers who realise the uplift (30% of lapsed visitors stay).",
        "实现CLV提升的客户比例（如流失客户中30%留下）。",
    ),
    "evaluator.page.baseline": ("Baseline CLV ({cur}, optional)", "基准CLV（{cur}，可选）"),
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
