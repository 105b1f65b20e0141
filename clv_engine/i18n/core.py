"""Strings of the app frame and the overview page."""

STRINGS = {
    "app.title": ("After-sales CLV decisions", "售后客户终身价值决策"),
    "nav.who": ("Customers", "客户"),
    "nav.budget": ("Budget and programmes", "预算与项目"),
    "nav.data": ("Data", "数据"),
    "page.overview": ("Overview", "总览"),
    "sidebar.language": ("Language", "语言"),
    "sidebar.as_of": ("As-of date", "分析基准日"),
    "sidebar.as_of.help": (
        "Recency, frequency and spend are measured back from this date.",
        "最近消费、频次和金额均从该日期往回计算。",
    ),
    "sidebar.stores": ("Store scope", "门店范围"),
    "sidebar.stores.all": ("All stores", "全部门店"),
    "sidebar.stores.placeholder": ("All stores", "全部门店"),
    "sidebar.database": ("Database", "数据库"),
    "building.sample": (
        "Building the sample database ({n:,} customers) on first start…",
        "首次启动，正在生成示例数据库（{n:,} 位客户）……",
    ),
    "building.done": ("Sample database ready.", "示例数据库已生成。"),
    "building.missing": (
        "The database file set in CLV_DB was not found: {path}. Check the path (or import your data into it "
        "from the command line), or unset CLV_DB to use the demo data.",
        "找不到 CLV_DB 指定的数据库文件：{path}。请检查路径（或用命令行将数据导入该文件），"
        "或取消设置 CLV_DB 以使用演示数据。",
    ),
    "assumed.margin": (
        "Some or all imported orders came without gross profit: for them it is assumed to be {margin} of the "
        "amount. Profit and CLV figures rest on this assumption (set at import).",
        "部分或全部导入的工单没有毛利：这些工单的毛利按金额的 {margin} 假设。利润和 CLV 数字基于此假设（导入时设定）。",
    ),
    "coming": ("This page is coming in a later release.", "该页面将在后续版本提供。"),
}

STRINGS.update(
    {
        "page.segmentation": ("Segmentation", "客户分层"),
        "page.churn": ("Churn early warning", "流失预警"),
        "page.lookup": ("Customer lookup", "客户查询"),
        "page.kpi": ("KPI scorecard", "KPI 计分卡"),
        "page.model": ("Predictive CLV model", "预测型 CLV 模型"),
        "page.allocator": ("Budget allocator", "预算分配"),
        "page.evaluator": ("Investment evaluator", "投资评估"),
        "page.channels": ("Channels and cohorts", "渠道与客群"),
        "page.import": ("Import data", "导入数据"),
    }
)

STRINGS.update(
    {
        "ov.title": ("Overview: what our customers are worth", "总览：我们的客户价值几何"),
        "ov.customers": ("Customers", "客户数"),
        "ov.active": ("Active (visit in 12 months)", "活跃客户（12个月内到店）"),
        "ov.total_clv": ("Total CLV", "CLV 合计"),
        "ov.avg_clv": ("Average CLV", "平均 CLV"),
        "ov.gp12": ("Gross profit, last 12 months", "近12个月毛利"),
        "ov.clv.help": (
            "Historical-model CLV: yearly gross profit × survival × Σ r^t/(1+d)^t over {h} years, "
            "retention r = {r}, discount rate d = {d}.",
            "历史模型 CLV：年均毛利 × 存活概率 × Σ r^t/(1+d)^t（{h} 年），"
            "留存率 r = {r}，折现率 d = {d}。",
        ),
        "ov.clv.help.predictive": (
            "Predictive CLV: expected visits over {h} years (BG/NBD) × expected gross profit per visit (Gamma-Gamma), "
            "discounted at d = {d}; customers with no visit yet keep the historical figure (retention r = {r}).",
            "预测型 CLV：未来 {h} 年预期到店次数（BG/NBD）× 每次预期毛利（Gamma-Gamma），按 d = {d} 折现；"
            "尚未到店的客户沿用历史型数值（留存率 r = {r}）。",
        ),
        "ov.retention.data": ("{r} estimated from the data", "{r}（由数据估计）"),
        "ov.retention.given": ("{r} as set", "{r}（设定值）"),
        "ov.retention.default": (
            "{r}, a default: no customer in these data had a visit in the year before last, so retention cannot be measured yet",
            "{r}（默认值：数据中没有客户在前一年到店，暂无法测算留存率）",
        ),
        "ov.concentration": ("Profit concentration", "利润集中度"),
        "ov.concentration.caption": (
            "The top 20% of customers bring {share} of all gross profit; {loss} of customers have lost us money so far.",
            "前 20% 的客户贡献了 {share} 的毛利；{loss} 的客户至今是亏损的。",
        ),
        "ov.customer_share": ("Share of customers (ranked by gross profit)", "客户占比（按毛利排序）"),
        "ov.profit_share": ("Share of gross profit", "毛利占比"),
        "ov.top20": ("Top 20%", "前 20%"),
        "ov.distribution": ("CLV distribution", "CLV 分布"),
        "ov.clv_axis": ("CLV per customer", "单客 CLV"),
        "ov.count_axis": ("Customers", "客户数"),
        "ov.dcf": ("DCF explorer", "折现 CLV 计算器"),
        "ov.dcf.caption": (
            "CLV = Σ spend_t × margin × S_t / (1+d)^t. S_t is the probability the customer is still with us in year t.",
            "CLV = Σ 年消费_t × 毛利率 × S_t / (1+d)^t，S_t 为第 t 年客户仍留存的概率。",
        ),
        "ov.dcf.preset": ("Survival curve", "留存曲线"),
        "ov.dcf.preset.spec": ("Reference case (seed 001)", "参考案例（文章 001）"),
        "ov.dcf.preset.constant": ("Constant yearly retention", "固定年留存率"),
        "ov.dcf.spend": ("Yearly spend (CNY)", "年消费（元）"),
        "ov.dcf.margin": ("Gross margin", "毛利率"),
        "ov.dcf.discount": ("Discount rate", "折现率"),
        "ov.dcf.retention": ("Yearly retention r (S_t = r^t)", "年留存率 r（S_t = r^t）"),
        "ov.dcf.years": ("Years", "年数"),
        "ov.dcf.total": ("DCF CLV", "折现 CLV"),
        "ov.dcf.first6": ("Years 1-6", "第 1-6 年"),
        "ov.dcf.tail": ("Years 7+", "第 7 年起"),
        "ov.dcf.note": (
            "The source article states ≈18,207 with a tail of ~4,500; computed exactly under its own rule (S falls 0.05 a year after year 6) the tail is 4,998 and the total 18,702.",
            "原文给出约 18,207（尾部约 4,500）；按其自身规则（第 6 年后 S 每年下降 0.05）精确计算，尾部为 4,998，总计 18,702。",
        ),
        "ov.col.year": ("Year", "年份"),
        "ov.col.spend": ("Spend", "消费"),
        "ov.col.survival": ("S_t", "S_t"),
        "ov.col.gp": ("Gross profit × S_t", "毛利 × S_t"),
        "ov.col.factor": ("Discount factor", "折现系数"),
        "ov.col.pv": ("Present value", "现值"),
        "ov.empty": ("No customers in this scope.", "当前范围内没有客户。"),
    }
)

STRINGS.update(
    {
        "sidebar.clv": ("CLV model", "CLV 模型"),
        "sidebar.clv_model": ("Model", "模型"),
        "sidebar.clv_model.predictive": ("Predictive (BG/NBD + Gamma-Gamma)", "预测型（BG/NBD + Gamma-Gamma）"),
        "sidebar.clv_model.historical": ("Historical (average yearly profit)", "历史型（年均毛利）"),
        "sidebar.clv_model.help": (
            "Predictive: each customer's expected visits (BG/NBD) × expected gross profit per visit (Gamma-Gamma), discounted. "
            "Historical: yearly gross profit × retention estimated from the data, discounted.",
            "预测型：每位客户的预期到店次数（BG/NBD）× 每次预期毛利（Gamma-Gamma），折现。"
            "历史型：年均毛利 × 由数据估计的留存率，折现。",
        ),
        "sidebar.horizon": ("Horizon (years)", "预测期（年）"),
        "sidebar.discount": ("Discount rate", "折现率"),
        "sidebar.clv_model.fallback": (
            "The predictive model could not be fitted here ({reason}); figures use the historical model.",
            "无法在当前数据上拟合预测模型（{reason}），数值改用历史模型。",
        ),
    }
)
