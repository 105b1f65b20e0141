"""Strings of the earlier versions of the database (kept on replace imports, restored on the
Import page) and of figures a store manager sees about the whole group."""

STRINGS = {
    "versions.title": ("Earlier versions: restore one", "历史版本：恢复"),
    "versions.intro": (
        "Each import that replaces the data first keeps the current data as a version; the last "
        "{keep} are kept. Restoring one brings back its customers and orders; users, the audit "
        "log and saved scenarios stay as they are now, and the current data is kept as a "
        "version first.",
        "每次替换数据的导入都会先把当前数据保存为一个版本，保留最近 {keep} 个。恢复某个版本会找回"
        "其中的客户和工单；用户、审计日志和已保存的方案保持不变，当前数据会先另存为一个版本。",
    ),
    "versions.none": (
        "No earlier version yet: one is kept when an import replaces the data.",
        "暂无历史版本：导入替换数据时会自动保存一个版本。",
    ),
    "versions.col.number": ("Version", "版本"),
    "versions.col.saved_at": ("Put aside", "保存时间"),
    "versions.col.saved_by": ("Replaced by", "替换操作人"),
    "versions.col.reason": ("Replaced through", "替换方式"),
    "versions.col.customers": ("Customers", "客户数"),
    "versions.col.orders": ("Orders", "工单数"),
    "versions.col.dates": ("Order dates", "工单日期范围"),
    "versions.col.imported_at": ("Imported", "导入时间"),
    "versions.reason.import": ("an import", "导入"),
    "versions.reason.restore": ("a restore", "恢复"),
    "versions.pick": ("Version to restore", "要恢复的版本"),
    "versions.option": (
        "Version {n} · put aside {when} · {orders} orders",
        "版本 {n} · 保存于 {when} · {orders} 条工单",
    ),
    "versions.restore": ("Restore this version…", "恢复此版本…"),
    "versions.warning": (
        "Restoring version {n} replaces every customer and order in the database with the ones "
        "of that version. Users, the audit log and saved scenarios are kept, and the current "
        "data is kept as a version first.",
        "恢复版本 {n} 将用该版本的客户和工单替换数据库中的全部客户和工单。用户、审计日志和已保存的"
        "方案会保留，当前数据会先另存为一个版本。",
    ),
    "versions.after": ("After the restore", "恢复后"),
    "versions.confirm": ("Restore version {n}", "恢复版本 {n}"),
    "versions.cancel": ("Keep the current data", "保留当前数据"),
    "versions.running": ("Restoring…", "正在恢复…"),
    "versions.done": (
        "Version {n} restored. The data it replaced is kept as version {kept}.",
        "已恢复版本 {n}。被替换的数据已保存为版本 {kept}。",
    ),
    "versions.busy": (
        "An import of this database is running; try again when it has finished.",
        "该数据库正在导入，请在导入完成后再试。",
    ),
    "error.versions.unknown": (
        "Version {version} is not in the list of kept versions; nothing was changed.",
        "版本 {version} 不在保留的版本列表中；数据未作任何改动。",
    ),
    "error.versions.missing": (
        "The file of version {version} is missing; nothing was changed.",
        "版本 {version} 的文件已不存在；数据未作任何改动。",
    ),
    "error.versions.corrupt": (
        "Version {version} cannot be read as a database ({reason}); nothing was changed.",
        "版本 {version} 无法作为数据库读取（{reason}）；数据未作任何改动。",
    ),
    "error.versions.no_orders": (
        "Version {version} holds no orders; nothing was changed.",
        "版本 {version} 中没有工单；数据未作任何改动。",
    ),
    "error.versions.write": (
        "The restore could not be written: {reason}. Nothing was changed.",
        "恢复未能写入：{reason}。数据未作任何改动。",
    ),
    # A figure over every store, shown to a store manager next to their own stores' figures.
    "group.average": ("Group average (all stores)", "集团平均（全部门店）"),
    "group.median": ("Group median (all stores)", "集团中位数（全部门店）"),
    "group.rank": ("Rank in the group (all stores)", "集团排名（全部门店）"),
    "group.store_caption": (
        "{name}: rank {rank} of the group's {n} stores (all stores), score {score}.",
        "{name}：在集团全部 {n} 家门店中排第 {rank} 名，得分 {score}。",
    ),
    "group.chart_rank": ("Rank in the group (all stores) over time", "集团排名（全部门店）变化"),
    "group.churn_calibration": (
        "Backtest: churn rate by score band, group (all stores)",
        "回测：各分数段流失率，集团（全部门店）",
    ),
    "group.spend_total": ("Acquisition spend: group (all stores)", "获客投放：集团（全部门店）"),
    "group.spend": ("Spend: group (all stores)", "投放金额：集团（全部门店）"),
    "group.cac": ("CAC: group (all stores)", "获客成本 CAC：集团（全部门店）"),
    "group.new_customers": ("New customers: group (all stores)", "新增客户：集团（全部门店）"),
    "group.stores_ranked": ("Stores ranked in the group (all stores)", "集团参与排名门店（全部门店）"),
    "group.model_gp": (
        "Gross profit per visit, new customer: group average (all stores)",
        "新客户单次毛利：集团平均（全部门店）",
    ),
}
