"""Strings of the app frame and the overview page."""

STRINGS = {
    "nav.who": ("Customers", "客户"),
    "nav.budget": ("Budget and programmes", "预算与项目"),
    "nav.data": ("Data", "数据"),
    "page.overview": ("Overview", "总览"),
    "sidebar.as_of": ("As-of date", "分析基准日"),
    "sidebar.as_of.help": (
        "Recency, frequency and spend are measured back from this date.",
        "最近消费、频次和金额均从该日期往回计算。",
    ),
    "sidebar.stores": ("Store scope", "门店范围"),
    "sidebar.stores.all": ("All stores", "全部门店"),
    "sidebar.stores.placeholder": ("All stores", "全部门店"),
    "sidebar.database": ("Database", "数据库"),
    "sidebar.present": ("Presentation mode", "演示模式"),
    "sidebar.present.help": (
        "For a projector: the menu folds away, headline figures are larger, and the decision's "
        "inputs sit beside its totals. A link with ?present=1 opens in this mode.",
        "用于投影：菜单收起，关键数字放大，决策的输入与结果并排显示。链接带 ?present=1 时直接进入此模式。",
    ),
    "building.sample": (
        "Building the sample database ({n:,} customers) on first start…",
        "首次启动，正在生成示例数据库（{n:,} 位客户）……",
    ),
    "building.done": ("Sample database ready.", "示例数据库已生成。"),
    # Drawn over Streamlit's own English words of a file uploader (ui.widgets.uploader_style).
    "upload.button": ("Upload", "上传"),
    "upload.limit": ("{mb} MB per file", "单个文件不超过 {mb} MB"),
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
    "error.with_id": (
        "Something went wrong on this page. The details are in the server log under error id {id}: "
        "please quote it when you report the problem.",
        "本页面出现错误。详细信息已记录在服务器日志中，错误编号 {id}；反馈问题时请提供该编号。",
    ),
    # clv_engine.db: a write waited for the other processes to let go of the file, in vain.
    "error.database.busy": (
        "The database {file} stayed busy for {seconds} seconds (other users' work, or an import), so "
        "nothing was saved. Please try again in a moment.",
        "数据库 {file} 在 {seconds} 秒内一直被占用（其他用户正在使用或正在导入数据），因此没有保存任何内容。请稍后重试。",
    ),
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
        "ov.active": ("Active customers", "活跃客户"),
        "ov.lapsing": ("Lapsing customers", "沉默客户"),
        "ov.lapsed": ("Lapsed customers", "已流失客户"),
        "ov.return": ("Come-back rate", "回店率"),
        "ov.return.help": (
            "The chance that a customer away one to two years comes back within a year. "
            "Measured on the data one year back ({ref}): of the {n} customers then absent 1-2 years, "
            "{returned} visited in the following year. The historical CLV gives a lapsing customer "
            "this chance of coming back instead of an active customer's retention ({r}), so they keep "
            "{weight} of an active customer's value.",
            "离开一至两年的客户在一年内回店的概率。"
            "以一年前（{ref}）为基准在数据上回测：当时已离开 1-2 年的 {n} 位客户中，"
            "{returned} 位在随后一年内回店。历史型 CLV 对沉默客户采用这一回店概率，"
            "而非活跃客户的留存率（{r}），因此其价值为活跃客户的 {weight}。",
        ),
        "ov.return.none": ("not measurable yet", "暂无法测算"),
        "ov.return.title": (
            "How the historical CLV values absent customers",
            "历史型 CLV 如何计算离开的客户",
        ),
        "ov.return.caption": (
            "Backtest at {ref}: customers grouped by whole years since their last activity, and the share "
            "who visited within the next year. A customer absent k years is worth (chance of coming back) "
            "÷ (active retention {r}) of an active customer; later comebacks are not counted.",
            "以 {ref} 为基准回测：按距最近一次活动的整年数分组，统计随后一年内回店的比例。"
            "离开 k 年的客户价值 = 活跃客户价值 ×（回店概率 ÷ 活跃留存率 {r}）；不计更晚的回归。",
        ),
        "ov.return.col.years": ("Years absent", "离开年数"),
        "ov.return.col.customers": ("Customers then", "当时客户数"),
        "ov.return.col.returned": ("Came back", "回店人数"),
        "ov.return.col.rate": ("Come-back rate", "回店率"),
        "ov.return.col.used": ("Rate used", "采用的比例"),
        "ov.return.col.weight": ("Share of an active customer's CLV", "相当于活跃客户 CLV 的比例"),
        "ov.return.years": ("{k} years", "{k} 年"),
        "ov.return.years.more": ("{k} years or more", "{k} 年及以上"),
        "ov.return.source.fewer_years": (
            "too few customers: the rate for a shorter absence is used",
            "客户过少：沿用离开时间更短的一组",
        ),
        "ov.return.source.none": (
            "not measurable: the retention rule r^(years beyond one) is used",
            "无法测算：沿用留存率规则 r^(超过一年的年数)",
        ),
        "ov.total_clv": ("Total CLV", "CLV 合计"),
        "ov.avg_clv": ("Average CLV", "平均 CLV"),
        "ov.gp12": ("Gross profit, last 12 months", "近12个月毛利"),
        "ov.clv.help": (
            "Historical-model CLV: yearly gross profit × Σ r^t/(1+d)^t over {h} years, retention r = {r}, "
            "discount rate d = {d}; a customer absent a year or more is weighted by their measured "
            "chance of coming back ÷ r.",
            "历史模型 CLV：年均毛利 × Σ r^t/(1+d)^t（{h} 年），留存率 r = {r}，折现率 d = {d}；"
            "离开一年及以上的客户按实测回店概率 ÷ r 加权。",
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
        "ov.top_bin": ("{value} and above", "{value}及以上"),
        "ov.dcf": ("DCF explorer", "折现 CLV 计算器"),
        "ov.dcf.caption": (
            "CLV = Σ spend_t × margin × S_t / (1+d)^t. S_t is the probability the customer is still with us in year t.",
            "CLV = Σ 年消费_t × 毛利率 × S_t / (1+d)^t，S_t 为第 t 年客户仍留存的概率。",
        ),
        "ov.dcf.preset": ("Survival curve", "留存曲线"),
        "ov.dcf.preset.spec": ("Reference case: a new-energy car owner", "参考案例：新能源车主"),
        "ov.dcf.preset.constant": ("Constant yearly retention", "固定年留存率"),
        "ov.dcf.spend": ("Yearly spend ({cur})", "年消费（{cur}）"),
        "ov.dcf.margin": ("Gross margin", "毛利率"),
        "ov.dcf.discount": ("Discount rate", "折现率"),
        "ov.dcf.retention": ("Yearly retention r (S_t = r^t)", "年留存率 r（S_t = r^t）"),
        "ov.dcf.years": ("Years", "年数"),
        "ov.dcf.total": ("DCF CLV", "折现 CLV"),
        "ov.dcf.first6": ("Years 1-6", "第 1-6 年"),
        "ov.dcf.tail": ("Years 7+", "第 7 年起"),
        "ov.dcf.note": (
            "The reference case as published states ≈¥18,207 with a tail of ~¥4,500; computed exactly under its own rule (S falls 0.05 a year after year 6) the tail is ¥4,998 and the total ¥18,702.",
            "参考案例原始文字给出约 ¥18,207（尾部约 ¥4,500）；按其自身规则（第 6 年后 S 每年下降 0.05）精确计算，尾部为 ¥4,998，总计 ¥18,702。",
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
        "sidebar.clv_model.predictive": (
            "Predictive (BG/NBD + Gamma-Gamma)",
            "预测型（BG/NBD + Gamma-Gamma）",
        ),
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

# One vocabulary of customer status (clv_engine.status), shared by every page.
STRINGS.update(
    {
        "status.label": ("Status", "状态"),
        "status.active": ("Active", "活跃"),
        "status.lapsing": ("Lapsing", "沉默"),
        "status.lapsed": ("Lapsed", "已流失"),
        "status.active.help": (
            "Active: last visit (or, for a customer who has not come yet, the car purchase) within "
            "the last {active} days.",
            "活跃：最近一次到店（尚未到店的客户按购车日）在 {active} 天以内。",
        ),
        "status.lapsing.help": (
            "Lapsing: last visit or car purchase {active_next}-{lapsed} days ago: one yearly service "
            "missed. Still on the churn early-warning list.",
            "沉默：最近一次到店或购车在 {active_next}-{lapsed} 天前，错过了一次年度保养；仍在流失预警名单内。",
        ),
        "status.lapsed.help": (
            "Lapsed: no visit and no car purchase for over {lapsed} days: a win-back case, no longer "
            "early warning.",
            "已流失：超过 {lapsed} 天没有到店也没有购车：属于召回对象，不再是预警对象。",
        ),
        "status.p_alive": ("P(alive), visit model", "存活概率（到店模型）"),
        "status.p_alive.help": (
            "The BG/NBD visit model's probability that the customer has not left for good, given how "
            "often and how recently they came. It is not the chance of a visit next year, and it is "
            "not the status (which counts days since the last visit).",
            "BG/NBD 到店模型根据到店频次和最近到店时间估计的“客户尚未永久离开”的概率。"
            "它不是明年到店的概率，也不同于按距上次到店天数划分的状态。",
        ),
        "status.p_alive.uninformative": (
            "On these data the visit model cannot tell customers who left from those who did not "
            "({reasons}): P(alive) is near 100% for nearly everyone, so read the status instead.",
            "在当前数据上，到店模型无法区分已离开与未离开的客户（{reasons}）："
            "几乎所有客户的存活概率都接近 100%，请以状态为准。",
        ),
        "status.reason.ab_large": (
            "the visit model's dropout parameters a + b = {ab}: every customer has nearly the same "
            "{p} chance of leaving after a visit",
            "到店模型的流失参数 a + b = {ab}：每位客户到店后离开的概率几乎相同，均约为 {p}",
        ),
        "status.reason.p_alive_near_one": (
            "{share} of customers have P(alive) of {near} or more",
            "{share} 的客户存活概率不低于 {near}",
        ),
        "status.tier_is_not_status": (
            "The tier is a score band (RFM+L), not the status: a customer can be in the churned tier "
            "while still active, or have a high P(alive) while lapsed.",
            "分层是 RFM+L 评分档位，不是状态：客户可能处于“流失”档但仍活跃，也可能已流失但存活概率很高。",
        ),
    }
)
