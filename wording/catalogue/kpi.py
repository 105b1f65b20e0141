"""Strings of the KPI scorecard page (SPEC §7)."""

STRINGS = {
    "kpi.title": ("KPI scorecard: stores ranked on what builds CLV", "KPI 计分卡：以 CLV 为导向的门店排名"),
    "kpi.caption": (
        "Each KPI covers the 12 months to the date, is normalised across the stores (best 100, "
        "worst 0) and weighted; the score is out of 100. As of {as_of}.",
        "每项 KPI 覆盖截至该日期的 12 个月，在门店间归一化（最好 100、最差 0）后加权，总分 100。基准日 {as_of}。",
    ),
    "kpi.name.clv_growth": ("CLV growth", "客户CLV增长率"),
    "kpi.name.retention": ("Retention", "客户留存率"),
    "kpi.name.nps": ("NPS", "NPS净推荐值"),
    "kpi.name.after_sales_gp": ("After-sales gross profit", "售后毛利额"),
    "kpi.name.ticket_frequency": ("Ticket size and frequency", "客单价/频次"),
    "kpi.name.first_time_fix": ("First-time-fix rate", "FTR首次修复率"),
    "kpi.name.technician_efficiency": ("Technician efficiency", "技师效率"),
    "kpi.raw.ticket_size": ("Ticket size", "客单价"),
    "kpi.raw.frequency": ("Visits / customer", "人均到店次数"),
    "kpi.help.clv_growth": (
        "Total CLV of the store's customers now against a year before.",
        "门店客户的 CLV 合计与一年前相比的增长。",
    ),
    "kpi.help.retention": (
        "Of the store's customers who visited in the year before last, the share who came back in the last year.",
        "前一年到过店的门店客户中，最近一年再次到店的比例。",
    ),
    "kpi.help.nps": (
        "Monthly NPS from the store KPI file, averaged over 12 months.",
        "门店 KPI 文件中的月度 NPS，12 个月平均。",
    ),
    "kpi.help.after_sales_gp": ("Gross profit of the orders served at the store.", "门店服务工单的毛利。"),
    "kpi.help.ticket_frequency": (
        "Revenue per order and orders per active customer; the KPI is the mean of their two normalised scores.",
        "单均收入与活跃客户人均工单数；该 KPI 为两者归一化得分的平均。",
    ),
    "kpi.help.first_time_fix": (
        "Share of repairs fixed at the first visit (store KPI file).",
        "首次到店即修复的比例（门店 KPI 文件）。",
    ),
    "kpi.help.technician_efficiency": (
        "Billed hours / attended hours (store KPI file).",
        "计费工时 / 出勤工时（门店 KPI 文件）。",
    ),
    "kpi.weights": ("Weights (must sum to 100%)", "权重（合计须为 100%）"),
    "kpi.weight": ("{kpi} (%)", "{kpi}（%）"),
    "kpi.weights.reset": ("Reset to the default weights", "恢复默认权重"),
    "kpi.weights.sum": ("Weights sum to {total}.", "权重合计 {total}。"),
    "kpi.weights.bad": (
        "The weights sum to {total}; they must sum to 100% before stores can be scored.",
        "权重合计为 {total}，须为 100% 才能计算得分。",
    ),
    "kpi.months": ("Months of trend", "趋势月数"),
    "kpi.no_orders": (
        "No service orders yet: CLV growth, retention, gross profit, ticket size and frequency need the orders file. Import it to score the stores.",
        "还没有工单：CLV 增长、留存、毛利、客单价和频次需要工单数据，导入后即可为门店评分。",
    ),
    "kpi.no_stores": (
        "No stores yet: import the stores file to build the scorecard.",
        "还没有门店：导入门店文件后即可生成计分卡。",
    ),
    "kpi.missing": (
        "{kpis}: no data. NPS, first-time-fix rate and technician efficiency need the store KPI "
        "file (store_kpis); import it to use them. Until then the score uses the other KPIs, "
        "their weights scaled up to 100%.",
        "{kpis}：暂无数据。NPS、首次修复率和技师效率需要门店 KPI 文件（store_kpis），导入后即可使用。"
        "在此之前，得分只用其余 KPI，其权重按比例放大到 100%。",
    ),
    "kpi.missing.orders": (
        "{kpis}: not enough order history (a year before the date is needed). The score uses the other KPIs.",
        "{kpis}：工单历史不足（需要该日期前一年的数据）。得分只用其余 KPI。",
    ),
    "kpi.leader": ("Top store", "排名第一"),
    "kpi.leader_score": ("Its score", "得分"),
    "kpi.spread": ("Gap first − last", "首尾差距"),
    "kpi.stores": ("Stores ranked", "参与排名门店"),
    "kpi.ranking": ("Ranking", "排名"),
    "kpi.scope_note": (
        "Stores are normalised and ranked against all {n} stores; the sidebar scope only filters what is shown.",
        "归一化与排名基于全部 {n} 家门店；侧边栏门店范围只影响显示。",
    ),
    "kpi.col.rank": ("Rank", "排名"),
    "kpi.col.store": ("Store", "门店"),
    "kpi.col.score": ("Score", "得分"),
    "kpi.col.kpi": ("KPI", "指标"),
    "kpi.col.value": ("Value", "数值"),
    "kpi.col.norm": ("Normalised (0-100)", "归一化（0-100）"),
    "kpi.col.weight": ("Weight", "权重"),
    "kpi.col.points": ("Points", "得分贡献"),
    "kpi.chart.parts": ("Score by store: points from each KPI", "各门店得分：各 KPI 的贡献"),
    "kpi.chart.trend": ("Score by month", "月度得分趋势"),
    "kpi.chart.rank": ("Rank by month", "月度排名"),
    "kpi.chart.kpi_trend": ("{kpi} by month", "{kpi} 月度趋势"),
    "kpi.store": ("Store detail", "门店明细"),
    "kpi.pick": ("Store", "门店"),
    "kpi.pick_kpi": ("KPI over time", "KPI 趋势"),
    "kpi.store.caption": (
        "{name}: rank {rank} of {n}, score {score}.",
        "{name}：第 {rank} 名（共 {n} 家），得分 {score}。",
    ),
    "kpi.na": ("no data", "无数据"),
    "kpi.computing": (
        "Computing every store's KPIs month by month (CLV at each month end)…",
        "正在逐月计算各门店 KPI（每个月末的 CLV）……",
    ),
    "kpi.median": ("Median of all stores", "全部门店中位数"),
    "kpi.trend_caption": (
        "Each point is the 12 months to that month's end (the last point: to the as-of date).",
        "每个点为截至该月末的 12 个月（最后一点截至基准日）。",
    ),
    # -- weights the engine refuses (clv_engine.kpi CODES) -------------------------------------
    "error.kpi.weight_range": (
        "The KPI weight {kpi} must be between 0% and 100% (it is {value:.1%}).",
        "KPI 权重 {kpi} 须在 0% 到 100% 之间（当前 {value:.1%}）。",
    ),
    "error.kpi.weights_sum": (
        "The KPI weights must sum to 100%; they sum to {total:.1%}.",
        "各 KPI 权重之和须为 100%，当前为 {total:.1%}。",
    ),
    "error.kpi.unknown_weights": ("Unknown KPI weights: {names}.", "未知的 KPI 权重：{names}。"),
}
