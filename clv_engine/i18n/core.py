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
    "coming": ("This page is coming in a later release.", "该页面将在后续版本提供。"),
}
