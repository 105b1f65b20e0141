"""Strings of the "Actions due" page: services due, tier changes due, complaints against the clock."""

STRINGS = {
    "page.actions": ("Actions due", "待办行动"),
    "actions.title": ("Actions due", "待办行动"),
    "actions.caption": (
        "What to do next, from the vehicles, the tier rules and the complaint clock, as of {as_of}.",
        "截至 {as_of}，根据车辆、等级规则与投诉时限得出的下一步行动。",
    ),
    "actions.tab.service": ("Service due", "保养到期"),
    "actions.tab.tiers": ("Tier changes due", "等级调整"),
    "actions.tab.complaints": ("Complaints on the clock", "投诉时限"),
    "actions.rules": ("Rules", "规则"),
    "actions.reset": ("Back to the defaults", "恢复默认值"),
    "actions.no_customers": (
        "No customers in this scope. Import orders (and a customers file for purchase dates) to see what is due.",
        "当前范围内没有客户。导入工单（以及含购车日期的客户文件）后即可查看待办事项。",
    ),
    "actions.download.csv": ("Download CSV", "下载 CSV"),
    "actions.download.xlsx": ("Download Excel", "下载 Excel"),
    "actions.empty": ("Nothing due in this scope.", "当前范围内没有待办事项。"),
    "actions.shown": (
        "Showing the first {shown} of {n}; the downloads hold every one.",
        "显示 {n} 条中的前 {shown} 条；下载文件包含全部。",
    ),
    "actions.file.service": ("service_due", "保养到期"),
    "actions.file.warranty": ("warranty_offers", "延保推荐"),
    "actions.file.tiers": ("tier_changes", "等级调整"),
    "actions.file.open": ("open_complaints", "未结投诉"),
    "actions.file.breaches": ("complaint_breaches", "投诉超时"),
    "actions.file.rates": ("breach_rate_by_store", "各门店超时率"),
    # -- service due ------------------------------------------------------------------------
    "actions.svc.interval_months": ("Service interval (months)", "保养间隔（月）"),
    "actions.svc.interval_km": ("Service interval (km)", "保养间隔（公里）"),
    "actions.svc.interval_km.help": (
        "Where the orders carry the odometer, the pace between the last two services (km per day) "
        "sets the date the car reaches this distance; the earlier of the two dates counts.",
        "工单带有里程时，按最近两次保养之间的行驶速度（公里/天）推算达到该里程的日期；两个日期取较早者。",
    ),
    "actions.svc.first_months": ("First service after purchase (months)", "首保时间（购车后月数）"),
    "actions.svc.horizon": ("Due within (days)", "到期窗口（天）"),
    "actions.svc.overdue": ("Overdue by at most (days)", "最多逾期（天）"),
    "actions.svc.overdue.help": (
        "Cars overdue by longer have not come back for a long time: they belong on the churn call list, not "
        "on a service reminder.",
        "逾期更久的车辆已长期未回店，应列入流失回访名单，而非保养提醒。",
    ),
    "actions.svc.warranty_years": ("Factory warranty (years)", "原厂质保（年）"),
    "actions.svc.offer_months": ("Offer extended warranty in the last (months)", "质保到期前推荐延保（月）"),
    "actions.svc.overdue_count": ("Overdue", "已逾期"),
    "actions.svc.upcoming_count": ("Due within {days} days", "{days} 天内到期"),
    "actions.svc.offers_count": ("Warranty ending, no extended warranty", "质保将到期且未购延保"),
    "actions.svc.no_mileage": (
        "The orders carry no mileage: services are due by time only. Import orders with an odometer "
        "column (mileage, 里程) to pace them by distance.",
        "工单没有里程数据：仅按时间计算保养到期。导入带里程列（mileage、里程）的工单即可按里程推算。",
    ),
    "actions.svc.list": ("Services due", "保养到期名单"),
    "actions.svc.offers": ("Extended warranty: the moment to offer", "延保：推荐时机"),
    "actions.svc.offers.caption": (
        "Owners whose factory warranty ends within {months} months and who hold no extended warranty.",
        "原厂质保将在 {months} 个月内到期、且尚未购买延保的车主。",
    ),
    "actions.basis.time": ("Time", "按时间"),
    "actions.basis.mileage": ("Mileage", "按里程"),
    "actions.basis.first_service": ("First service", "首保"),
    "actions.col.customer": ("Customer", "客户编号"),
    "actions.col.name": ("Name", "姓名"),
    "actions.col.phone": ("Phone", "电话"),
    "actions.col.store": ("Store", "门店"),
    "actions.col.model": ("Vehicle", "车型"),
    "actions.col.vin": ("VIN", "车架号"),
    "actions.col.purchase": ("Purchased", "购车日期"),
    "actions.col.last_service": ("Last service", "上次保养"),
    "actions.col.last_km": ("Mileage at last service", "上次保养里程"),
    "actions.col.km_per_day": ("km per day", "日均公里"),
    "actions.col.basis": ("Due by", "到期依据"),
    "actions.col.due": ("Due date", "到期日"),
    "actions.col.days_to_due": ("Days to due (negative: overdue)", "距到期天数（负数为逾期）"),
    "actions.col.warranty_end": ("Warranty ends", "质保到期日"),
    "actions.col.days_left": ("Days left", "剩余天数"),
    # -- tier rules -------------------------------------------------------------------------
    "actions.tier.gold_spend": (
        "Standard → gold: 12-month spend of at least",
        "普通 → 黄金：近 12 个月消费至少",
    ),
    "actions.tier.referrals": ("Gold → platinum: referrals", "黄金 → 白金：推荐人数"),
    "actions.tier.no_visit_years": ("Platinum → gold: years without a visit", "白金 → 黄金：未到店年数"),
    "actions.tier.caption": (
        "Tiers come from the RFM+L scoring (silver, ordinary and churned are the standard tier). Upgrades "
        "read the tier scored on {as_of}; a downgrade reads the tier scored on {held_on}, when the period "
        "without a visit began.",
        "等级来自 RFM+L 评分（白银、普通、流失均属普通等级）。升级依据 {as_of} 的评分；降级依据无到店期开始时"
        "（{held_on}）的评分。",
    ),
    "actions.tier.up_count": ("Upgrades due", "待升级"),
    "actions.tier.down_count": ("Downgrades due", "待降级"),
    "actions.tier.platinum": ("Platinum", "白金"),
    "actions.tier.gold": ("Gold", "黄金"),
    "actions.tier.standard": ("Standard", "普通"),
    "actions.dir.up": ("Upgrade", "升级"),
    "actions.dir.down": ("Downgrade", "降级"),
    "actions.reason.spend": (
        "Spent {figure} in 12 months (rule: {threshold})",
        "近 12 个月消费 {figure}（规则：{threshold}）",
    ),
    "actions.reason.referrals": (
        "{figure} referrals (rule: {threshold})",
        "推荐 {figure} 位新客户（规则：{threshold} 位）",
    ),
    "actions.reason.no_visit": (
        "No visit for {figure} days (rule: {threshold} days)",
        "{figure} 天未到店（规则：{threshold} 天）",
    ),
    "actions.col.tier_scored": ("Tier scored now", "当前评分等级"),
    "actions.col.from": ("From", "原等级"),
    "actions.col.to": ("To", "新等级"),
    "actions.col.direction": ("Change", "调整"),
    "actions.col.reason": ("Reason", "原因"),
    "actions.col.last_visit": ("Last visit", "最近到店"),
    # -- complaints -------------------------------------------------------------------------
    "actions.q.needs": (
        "No complaints in the data. Import a complaints file (customer, date opened, date resolved) to "
        "see deadlines and breaches.",
        "数据中没有投诉记录。导入投诉文件（客户、受理日期、解决日期）即可查看时限与超时情况。",
    ),
    "actions.q.hours": ("{level}: respond within (hours)", "{level}：响应时限（小时）"),
    "actions.q.since": ("Breaches over the last (days)", "超时统计区间（最近天数）"),
    "actions.q.caption": (
        "The deadline runs from the moment a complaint is logged; the customer's tier sets it (platinum: "
        "VIP, gold: high value, silver: ordinary, ordinary and churned: low value). A complaint closed "
        "without a logged response counts as answered when it was closed.",
        "时限从投诉登记时起算，由客户等级决定（白金：VIP，黄金：高价值，白银：普通，普通与流失：低价值）。"
        "未记录响应而直接结案的投诉，以结案时间为响应时间。",
    ),
    "actions.q.by_day": (
        "This data has complaint dates but no times: deadlines are judged by whole days (2 h, 4 h and 24 h "
        "by the next day; 48 h within two days).",
        "数据只有投诉日期、没有时间：时限按整天判断（2、4、24 小时为次日内，48 小时为两天内）。",
    ),
    "actions.q.open_count": ("Open complaints", "未结投诉"),
    "actions.q.overdue_count": ("Open and past the deadline, unanswered", "未响应且已超时"),
    "actions.q.rate": ("Breach rate, last {days} days", "近 {days} 天超时率"),
    "actions.q.rate.help": (
        "Breaches / complaints judged: answered, or past their deadline.",
        "超时数 / 已判定投诉数（已响应或已过时限）。",
    ),
    "actions.q.open": ("Open complaints and their deadlines", "未结投诉及其时限"),
    "actions.q.breaches": ("Breaches", "超时投诉"),
    "actions.q.by_store": ("Breach rate by store", "各门店超时率"),
    "actions.q.unlimited": ("Unlimited", "不限"),
    "actions.q.none_open": ("No open complaints in this scope.", "当前范围内没有未结投诉。"),
    "actions.q.none_breached": ("No breaches in this period.", "该期间没有超时投诉。"),
    "actions.col.complaint": ("Complaint", "投诉编号"),
    "actions.col.level": ("Handling level", "处理级别"),
    "actions.col.opened": ("Opened", "受理时间"),
    "actions.col.deadline": ("Respond by", "响应截止"),
    "actions.col.responded": ("Answered", "响应时间"),
    "actions.col.resolved": ("Resolved", "解决时间"),
    "actions.col.hours_left": ("Hours left (negative: late)", "剩余小时（负数为超时）"),
    "actions.col.late_hours": ("Hours late", "超时小时"),
    "actions.col.owner": ("Owner", "负责人"),
    "actions.col.authority": ("Compensation authority", "补偿权限"),
    "actions.col.judged": ("Complaints judged", "已判定投诉"),
    "actions.col.breaches": ("Breaches", "超时数"),
    "actions.col.rate": ("Breach rate", "超时率"),
}
