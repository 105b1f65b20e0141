"""Strings of the segmentation engine and page: tier names, playbooks, complaint rules."""

STRINGS = {
    # -- tier names ---------------------------------------------------------------------
    "seg.tier.rfml.platinum": ("Platinum", "白金"),
    "seg.tier.rfml.gold": ("Gold", "黄金"),
    "seg.tier.rfml.silver": ("Silver", "白银"),
    "seg.tier.rfml.ordinary": ("Ordinary", "普通"),
    "seg.tier.rfml.churned": ("Churned", "流失"),
    "seg.tier.six.vip": ("VIP", "VIP"),
    "seg.tier.six.high_value": ("High value", "高价值"),
    "seg.tier.six.potential": ("Potential", "潜力"),
    "seg.tier.six.churn_risk": ("Churn risk", "流失风险"),
    "seg.tier.six.dormant": ("Dormant", "沉睡"),
    "seg.tier.six.invalid": ("Invalid", "无效"),
    "seg.tier.new": ("New customer", "新客户"),
    "seg.tier.gone": ("Not in scope", "不在范围内"),
    "seg.tier.standard": ("Standard", "普通"),
    "seg.scheme.rfml": ("RFM+L tiers", "RFM+L 分层"),
    "seg.scheme.six": ("RFM+CLV six groups", "RFM+CLV 六大客群"),
    "seg.level.high": ("high", "高"),
    "seg.level.mid": ("mid", "中"),
    "seg.level.low": ("low", "低"),
    # -- playbooks of the reference case for the five tiers ------------------------------------
    "seg.playbook.rfml.platinum": (
        "Goal: keep the relationship, raise loyalty, prevent churn.\n"
        "- A dedicated service advisor who knows the customer's preferences and reminds them of "
        "maintenance and insurance dates\n"
        "- VIP lane: no queue, private lounge, free courtesy car, pickup and delivery\n"
        "- Tailored maintenance plans; first response after an accident\n"
        "- Invitations to high-end brand events; gifts of real value, not promotional items",
        "核心目标：维护关系，提升忠诚度，防止流失。\n"
        "- 1对1专属服务顾问，记住客户所有偏好，主动提醒保养、保险到期\n"
        "- VIP通道：无需排队、专属休息室、免费代步车、上门取送车\n"
        "- 定制化保养方案；事故后第一时间响应\n"
        "- 邀请参加品牌高端活动；赠送高价值礼品（非促销品）",
    ),
    "seg.playbook.rfml.gold": (
        "Goal: a better experience, more visits and more spend; grow them into platinum.\n"
        "- Member rights: double or triple points, priority booking, member offers\n"
        "- Value packs: yearly maintenance bundle, free car wash, free inspection\n"
        "- Regular follow-up calls, holiday greetings, a small birthday gift\n"
        "- Up-sell: extended warranty, premium accessories, brand events",
        "核心目标：提升体验，增加消费频次和金额，培养成白金客户。\n"
        "- 会员权益：双倍或三倍积分、优先预约权、会员专属优惠\n"
        "- 增值服务包：年度保养套餐优惠、免费洗车、免费车辆检测\n"
        "- 定期电话回访、节日问候、生日小礼物\n"
        "- 向上营销：推荐延保、高端精品、邀请参加品牌活动",
    ),
    "seg.playbook.rfml.silver": (
        "Goal: keep them satisfied, prevent churn.\n"
        "- Follow the service standard strictly; stable quality; quick response\n"
        "- Moderate marketing: seasonal maintenance reminders, regular promotions, basic member rights\n"
        "- Efficiency: shorter waiting, faster repairs, transparent prices",
        "核心目标：保持满意度，防止流失。\n"
        "- 严格执行服务标准，保证服务质量稳定，及时响应\n"
        "- 适度营销：季节性保养提醒、常规促销通知、基础会员权益\n"
        "- 效率优化：缩短等待时间、提升维修效率、价格透明化",
    ),
    "seg.playbook.rfml.ordinary": (
        "Goal: control the cost to serve, find the customers with potential.\n"
        "- Standard, process-driven service at a controlled cost\n"
        "- Digital contact: app and WeChat messages instead of calls; self-service booking\n"
        "- Watch for changes in behaviour and give more care to those with potential",
        "核心目标：控制成本，筛选潜力客户。\n"
        "- 保证基本服务质量，流程化操作，控制服务成本\n"
        "- 数字化沟通：APP/微信推送，减少人工回访，自助预约和查询\n"
        "- 观察消费行为变化，对潜力客户加强关怀",
    ),
    "seg.playbook.rfml.churned": (
        "Goal: try to win them back at a controlled cost.\n"
        "- Find the reason: price (a time-limited offer), service (apologise and improve), "
        "distance (the nearest service point)\n"
        "- Win-back offers: a very cheap small service, a free inspection, an old-customer offer\n"
        "- Stop after three attempts without response; move the resources to other tiers",
        "核心目标：成本可控的前提下，尝试唤醒。\n"
        "- 分析流失原因：价格（限时优惠）、服务（道歉并改进）、距离（推荐就近服务点）\n"
        "- 唤醒活动：超低价保养套餐、免费检测、老客户专属优惠\n"
        "- 3次唤醒无效则不再投入，将资源转移到其他层级",
    ),
    # -- playbooks: SPEC §2b for the six groups -----------------------------------------------
    "seg.playbook.six.vip": (
        "Platinum service and a personal butler: a dedicated advisor, VIP lane, pickup and delivery.",
        "白金服务，专属管家：专属顾问、VIP通道、上门取送车。",
    ),
    "seg.playbook.six.high_value": (
        "Priority service and exclusive rights: priority booking, member offers, regular follow-up.",
        "优先服务，专属权益：优先预约、会员优惠、定期回访。",
    ),
    "seg.playbook.six.potential": (
        "Raise the visit frequency and build the habit: maintenance plans, reminders, a reason to come back.",
        "频次提升，培育习惯：保养套餐、到期提醒、给客户回店的理由。",
    ),
    "seg.playbook.six.churn_risk": (
        "Early warning and a win-back incentive: call before they go, a targeted offer.",
        "预警唤醒，专项激励：在流失前联系，提供针对性优惠。",
    ),
    "seg.playbook.six.dormant": (
        "Low-cost touch and wait for the wake-up: app and WeChat messages, seasonal campaigns.",
        "低成本触达，等待唤醒：APP/微信推送、季节性活动。",
    ),
    "seg.playbook.six.invalid": (
        "Stop investing; let them go naturally. Basic service only.",
        "放弃投入，自然流失；只提供基础服务。",
    ),
    # -- complaint handling (SPEC §2d) -------------------------------------------------------
    "seg.complaint.vip": ("VIP", "VIP客户"),
    "seg.complaint.high_value": ("High value", "高价值"),
    "seg.complaint.ordinary": ("Ordinary", "普通客户"),
    "seg.complaint.low_value": ("Low value", "低价值"),
    "seg.owner.general_manager": ("General manager", "总经理"),
    "seg.owner.service_manager": ("Service manager", "服务经理"),
    "seg.owner.cs_specialist": ("Customer-service specialist", "客服专员"),
    "seg.owner.standard": ("Standard process", "标准流程"),
    "seg.unlimited": ("unlimited", "无上限"),
}

# -- the page ---------------------------------------------------------------------------------
STRINGS.update(
    {
        "seg.title": ("Segmentation: who is worth what", "客户分层：不是所有客户都值得同样对待"),
        "seg.caption": (
            "Every customer scored in the database as of {as_of}. Thresholds, weights and rules "
            "are editable under “Rules”.",
            "截至 {as_of}，数据库中每位客户均已评分。阈值、权重和规则可在“规则”中修改。",
        ),
        "seg.scheme": ("Scheme", "分层方案"),
        "seg.computing": (
            "Scoring every customer with these rules…",
            "正在按这些规则为每位客户评分…",
        ),
        "seg.migration.computing": (
            "Scoring every customer on the earlier date to see who moved…",
            "正在按较早日期为每位客户评分，找出层级变化…",
        ),
        "seg.empty": (
            "No customers in this scope yet: import customers and orders to segment them.",
            "当前范围内还没有客户：导入客户和工单数据后即可分层。",
        ),
        "seg.no_orders": (
            "No service orders yet: R, F and M need the orders file. Import it to segment customers.",
            "还没有工单：R、F、M 需要工单数据，导入后即可分层。",
        ),
        "seg.missing_flags": (
            "Loyalty flags need complaints, warranties, referrals, events and competitor data: "
            "import those files to use them. Missing now: {tables}. Until then L counts the "
            "missing flags as “no”.",
            "忠诚度（L）需要投诉、延保、转介绍、活动和竞品数据：导入这些文件后才能使用。"
            "当前缺少：{tables}。在此之前，缺失的项按“否”计。",
        ),
        "seg.table.warranties": ("warranties", "延保"),
        "seg.table.referrals": ("referrals", "转介绍"),
        "seg.table.event_attendance": ("event attendance", "活动参与"),
        "seg.table.complaints": ("complaints", "投诉"),
        "seg.table.competitor_sightings": ("competitor sightings", "竞品到店"),
        "seg.rules.invalid": ("These rules cannot be used: {error}", "规则无效：{error}"),
        # rules
        "seg.rules": ("Rules: thresholds, weights and tiers", "规则：阈值、权重与分层"),
        "seg.rules.reset": ("Reset to the defaults", "恢复默认值"),
        "seg.rules.r": (
            "R: most days since the last visit for a score of",
            "R：最近一次到店距今天数上限，对应得分",
        ),
        "seg.rules.f": ("F: fewest visits in 12 months for a score of", "F：近12个月到店次数下限，对应得分"),
        "seg.rules.m": (
            "M: least spend in 12 months ({cur}) for a score of",
            "M：近12个月消费金额下限（{cur}），对应得分",
        ),
        "seg.rules.score": ("score {n}", "{n} 分"),
        "seg.rules.l": ("L: loyalty, clamped to 1-5", "L：忠诚度，限定在 1-5 分"),
        "seg.rules.l_base": ("Start at", "基础分"),
        "seg.rules.w.warranty": ("Extended warranty", "购买延保"),
        "seg.rules.w.referral": ("Referred a customer", "推荐过新客户"),
        "seg.rules.w.event": ("Attended a brand event", "参加过品牌活动"),
        "seg.rules.w.complaint": ("Complaint on record", "有投诉记录"),
        "seg.rules.w.competitor": ("Seen at a competitor", "去过竞争对手处"),
        "seg.rules.tiers": ("Tier by total R+F+M+L (4-20)", "按总分 R+F+M+L（4-20）分层"),
        "seg.rules.platinum_min": ("Platinum from", "白金起点"),
        "seg.rules.gold_min": ("Gold from", "黄金起点"),
        "seg.rules.silver_min": ("Silver from", "白银起点"),
        "seg.rules.churned": (
            "Churned when R is at most … and the total at most …",
            "流失：R 不高于……且总分不高于……",
        ),
        "seg.rules.churned_r": ("R at most", "R 不高于"),
        "seg.rules.churned_total": ("Total at most", "总分不高于"),
        "seg.rules.six": (
            "Six groups: score levels and the group of each cell",
            "六大客群：得分档位与各格对应客群",
        ),
        "seg.rules.high_min": ("“High” from score", "“高”：得分不低于"),
        "seg.rules.low_max": ("“Low” up to score", "“低”：得分不高于"),
        "seg.rules.invalid_share": ("Invalid: CLV in the bottom", "无效：CLV 处于最低的"),
        "seg.rules.invalid_share.help": (
            "An all-low customer is invalid only when their CLV is negative or in this bottom "
            "share of customers; otherwise they go to the fallback group.",
            "R/F/M 均低的客户，只有当 CLV 为负或处于最低的这一比例时才算无效；否则归入备选客群。",
        ),
        "seg.rules.fallback": ("All-low but worth keeping goes to", "均低但仍有价值的客户归入"),
        "seg.rules.grid": (
            "Group by R level (rows) and the level of F and M together (columns: high when both "
            "are high, low when both are low). The reference case's patterns are the defaults.",
            "按 R 档位（行）与 F、M 综合档位（列：两者均高为高，均低为低）确定客群，默认即参考案例规则。",
        ),
        "seg.rules.r_level": ("R {level}", "R {level}"),
        "seg.rules.fm_level": ("F and M {level}", "F、M {level}"),
        # headline
        "seg.customers": ("Customers scored", "已评分客户"),
        "seg.top_share": ("{tiers}: share of customers", "{tiers}：客户占比"),
        "seg.top_profit": ("{tiers}: share of profit", "{tiers}：毛利占比"),
        "seg.top_clv": ("{tiers}: share of CLV", "{tiers}：CLV 占比"),
        "seg.profit.help": (
            "Gross profit of the last 12 months to the as-of date.",
            "截至基准日近 12 个月的毛利。",
        ),
        # breakdown
        "seg.breakdown": ("Breakdown by tier", "分层明细"),
        "seg.col.tier": ("Tier", "层级"),
        "seg.col.customers": ("Customers", "客户数"),
        "seg.col.share": ("Share", "占比"),
        "seg.col.typical": ("Typical share (reference)", "典型占比（参考）"),
        "seg.col.revenue": ("Revenue, 12 months", "近12个月收入"),
        "seg.col.gp": ("Gross profit, 12 months", "近12个月毛利"),
        "seg.col.profit_share": ("Share of profit", "毛利占比"),
        "seg.col.avg_clv": ("Average CLV", "平均 CLV"),
        "seg.col.total_clv": ("Total CLV", "CLV 合计"),
        "seg.col.clv": ("CLV", "CLV"),
        "seg.col.respond": ("Respond within", "响应时限"),
        "seg.col.compensation": ("Compensation authority", "补偿权限"),
        "seg.col.owner": ("Owner", "负责人"),
        "seg.col.store": ("Store", "门店"),
        "seg.col.from": ("From", "原层级"),
        "seg.col.to": ("To", "现层级"),
        "seg.col.customer": ("Customer", "客户"),
        "seg.col.name": ("Name", "姓名"),
        "seg.col.total_a": ("Score then", "原总分"),
        "seg.col.total_b": ("Score now", "现总分"),
        "seg.col.cost_each": ("Cost per customer / yr", "单客年成本"),
        "seg.col.budget": ("Budget / yr", "年预算"),
        "seg.col.budget_share": ("Share of budget", "预算占比"),
        "seg.col.customer_share": ("Share of customers", "客户占比"),
        "seg.hours": ("{n} h", "{n} 小时内"),
        "seg.chart.share_vs_profit": ("Share of customers vs share of profit", "客户占比 vs 毛利占比"),
        "seg.chart.customers": ("Share of customers", "客户占比"),
        "seg.chart.profit": ("Share of gross profit", "毛利占比"),
        "seg.chart.typical": ("Typical share (reference)", "典型占比（参考）"),
        "seg.chart.by_store": ("Customers by store and tier", "各门店分层客户数"),
        "seg.no_store": (
            "No customer has a home store: import the orders with a store column (or a customers "
            "file with a home store) to compare stores.",
            "没有客户带有归属门店：导入含门店列的工单（或含归属门店的客户文件）后即可按门店比较。",
        ),
        "seg.typical.note.rfml": (
            "Typical shares are the reference cases' illustrations, not targets: a young, growing customer "
            "base has more silver and churned customers than the reference case's mature dealer.",
            "典型占比来自参考案例中的示例，并非目标：年轻、快速增长的客户群中白银和流失客户会多于参考案例中的成熟经销商。",
        ),
        "seg.typical.note.six": (
            "Typical shares are the reference case's illustrations, not targets. Customers who match no "
            "pattern of the reference case exactly go to the group of their cell in the rules' grid.",
            "典型占比来自参考案例中的示例，并非目标。与参考案例规则不完全吻合的客户，按规则网格中所在格归入相应客群。",
        ),
        # store / region
        "seg.by_store": ("By store and region", "按门店与区域"),
        "seg.by": ("Compare", "比较维度"),
        "seg.by.home_store_id": ("Stores", "门店"),
        "seg.by.region": ("Regions", "区域"),
        "seg.pick": ("Show the breakdown of", "查看明细"),
        "seg.by.none.home_store_id": (
            "No customer has a home store: import the orders with a store column (or a customers "
            "file with a home store) to compare stores.",
            "没有客户带有归属门店：导入含门店列的工单（或含归属门店的客户文件）后即可按门店比较。",
        ),
        "seg.by.none.region": (
            "No store has a region: import a stores file with a region column to compare regions.",
            "没有门店带有区域信息：导入含区域列的门店文件后即可按区域比较。",
        ),
        "seg.by.unassigned": (
            "{n} customers without a {one} are left out of this comparison.",
            "{n} 位客户没有{one}信息，未计入此比较。",
        ),
        "seg.pick.caption": (
            "{name}: {n} customers; {tiers} bring {profit} of its gross profit (all in scope: {all}).",
            "{name}：{n} 位客户；{tiers}贡献其毛利的 {profit}（当前范围合计：{all}）。",
        ),
        "seg.compare.share": ("Tier mix across {by}", "各{by}的层级构成"),
        "seg.compare.profit": ("Share of each {one}'s gross profit by tier", "各{one}毛利按层级的占比"),
        "seg.by.name.home_store_id": ("stores", "门店"),
        "seg.by.name.region": ("regions", "区域"),
        "seg.by.one.home_store_id": ("store", "门店"),
        "seg.by.one.region": ("region", "区域"),
        # migration
        "seg.migration": ("Tier migration", "层级迁移"),
        "seg.migration.from": ("Compare with the tiers on", "与以下日期的层级比较"),
        "seg.migration.caption": (
            "Same rules at both dates: {a} → {b}.",
            "两个日期使用同一套规则：{a} → {b}。",
        ),
        "seg.migration.bad_dates": (
            "Pick a date before the as-of date ({b}).",
            "请选择早于分析基准日（{b}）的日期。",
        ),
        "seg.moved_up": ("Moved up", "升级"),
        "seg.slipped": ("Slipped", "降级"),
        "seg.stayed": ("Stayed", "保持"),
        "seg.new": ("New since then", "新增客户"),
        "seg.matrix": ("From (rows) → to (columns), customers", "原层级（行）→ 现层级（列），客户数"),
        "seg.movers": ("Who moved", "迁移客户"),
        "seg.movers.kind": ("Show", "显示"),
        "seg.movers.none": ("Nobody in this list.", "没有符合条件的客户。"),
        "seg.movers.shown": (
            "Showing {shown} of {n}, highest tier then first.",
            "显示 {n} 位中的 {shown} 位，按原层级从高到低。",
        ),
        # budget
        "seg.budget": ("Care budget by tier", "按层级的客户关怀预算"),
        "seg.budget.preset": ("Case", "案例"),
        "seg.budget.preset.data": ("Our customers", "我们的客户"),
        "seg.budget.preset.2b": ("Reference case: a dealer of 10,000 cars", "参考案例：拥有1万台车的经销商"),
        "seg.budget.preset.2c": (
            "Reference case: ¥2,000,000 over 30,000 customers",
            "参考案例：¥200万 / 3万客户",
        ),
        "seg.budget.cost_each": ("{tier}: cost per customer / yr", "{tier}：单客年成本"),
        "seg.budget.count": ("{tier}: customers", "{tier}：客户数"),
        "seg.budget.amount": ("{tier}: budget / yr", "{tier}：年预算"),
        "seg.budget.flat": ("Flat cost per customer / yr", "统一单客年成本"),
        "seg.budget.total": ("Tiered budget / yr", "分层预算 / 年"),
        "seg.budget.flat_total": ("Flat budget / yr", "统一预算 / 年"),
        "seg.budget.difference": ("Tiered − flat", "分层 − 统一"),
        "seg.budget.top": ("Top two tiers: share of budget", "前两层：预算占比"),
        "seg.budget.caption": (
            "{top} of the budget goes to the top two tiers, which are {share} of customers.",
            "{top} 的预算投向前两层客户，他们占客户的 {share}。",
        ),
        "seg.budget.case_2b": (
            "Reference case: before, 10,000 cars × ¥500 = ¥5,000,000 a year; after, the same ¥5,000,000 splits "
            "¥1.5M / ¥1.5M / ¥0.9M / ¥0.6M / ¥0.45M / ¥0.05M (30/30/18/12/9/1%).",
            "参考案例：分层前 1万台车 × ¥500 = ¥500万/年；分层后同样的 ¥500万 分为 ¥150万/¥150万/¥90万/¥60万/¥45万/¥5万（30/30/18/12/9/1%）。",
        ),
        "seg.budget.case_2c": (
            "Reference case: ¥2,000,000 over 30,000 customers: platinum 1,500 get ¥1,000,000 (¥667 each), gold "
            "4,500 get ¥700,000 (¥156 each), standard 24,000 get ¥300,000 (¥12.5 each).",
            "参考案例：¥200万预算覆盖 3万客户：白金 1,500 人 ¥100万（每人 ¥667），黄金 4,500 人 ¥70万（每人 ¥156），普通 24,000 人 ¥30万（每人 ¥12.5）。",
        ),
        "seg.budget.chart": ("Share of customers vs share of budget", "客户占比 vs 预算占比"),
        "seg.budget.promotion": (
            "Promotion rules of the reference case: standard → gold on reaching a spend threshold; gold → "
            "platinum after 3 referrals; platinum → gold after 2 years without a visit.",
            "参考案例的升降级规则：普通客户消费达到门槛升为黄金；黄金客户推荐 3 位新客户升为白金；白金客户 2 年未到店降为黄金。",
        ),
        # playbook and complaints
        "seg.playbook": ("Playbook and complaint handling by tier", "各层级运营策略与投诉处理"),
        "seg.playbook.text": ("Service playbook (editable)", "服务策略（可编辑）"),
        "seg.playbook.reset": ("Reset the playbooks", "恢复默认策略"),
        "seg.complaint.level": ("Complaint handling level", "投诉处理级别"),
        "seg.complaint.rule": (
            "Respond within {hours} h · compensation authority {limit} · owner: {owner}",
            "{hours} 小时内响应 · 补偿权限 {limit} · 负责人：{owner}",
        ),
        "seg.complaint.case": (
            "Reference case: a VIP complaint cost ¥30,000 (visit, free repair, 3 free services) and "
            "kept a remaining CLV of ¥100,000: ROI (¥100,000 − ¥30,000) / ¥30,000 = {roi}.",
            "参考案例：一起 VIP 投诉花费 ¥3万（上门、免费维修、3次免费保养），保住剩余 CLV ¥10万：ROI =（¥10万 − ¥3万）/ ¥3万 = {roi}。",
        ),
        "seg.tier.summary": (
            "{n} customers ({share}) · average CLV {clv} · {profit} of gross profit",
            "{n} 位客户（{share}）· 平均 CLV {clv} · 毛利占比 {profit}",
        ),
    }
)

# Input errors of the segmentation rules (codes declared in clv_engine/segmentation/vocabulary.py).
STRINGS.update(
    {
        "error.segmentation.cutoffs_count": (
            "{field} needs four cut-offs, got {n}.",
            "{field} 需要四个分界值，当前为 {n} 个。",
        ),
        "error.segmentation.cutoffs_negative": (
            "{field} cut-offs must not be negative: {values}.",
            "{field} 的分界值不能为负：{values}。",
        ),
        "error.segmentation.cutoffs_rising": (
            "{field} cut-offs must be strictly increasing: {values}.",
            "{field} 的分界值须严格递增：{values}。",
        ),
        "error.segmentation.score_range": (
            "{field} must be between {low} and {high}, got {value}.",
            "{field} 须在 {low} 到 {high} 之间，当前为 {value}。",
        ),
        "error.segmentation.tier_cutoffs": (
            "Tier cut-offs must satisfy 4 < {field} ≤ 20, got silver {silver}, gold {gold}, platinum {platinum}.",
            "等级分界须满足 4 < {field} ≤ 20，当前为 白银 {silver}、黄金 {gold}、白金 {platinum}。",
        ),
        "error.segmentation.six_levels": (
            "The levels need 1 ≤ {field} < high_min ≤ 5, got low_max {low_max}, high_min {high_min}.",
            "等级须满足 1 ≤ {field} < high_min ≤ 5，当前为 low_max {low_max}、high_min {high_min}。",
        ),
        "error.segmentation.invalid_share": (
            "The invalid CLV share ({field}) must be between 0% and 100%, got {value:.0%}.",
            "无效客群的 CLV 比例（{field}）须在 0% 到 100% 之间，当前为 {value:.0%}。",
        ),
        "error.segmentation.fallback": (
            "The fallback ({field}) must be a group other than invalid, got {group}.",
            "备选客群（{field}）须为“无效”以外的客群，当前为 {group}。",
        ),
        "error.segmentation.grid_cells": (
            "The {field} needs exactly one group for each of the 9 (R, FM) cells.",
            "{field} 须为 9 个（R，FM）格各指定一个客群。",
        ),
        "error.segmentation.grid_group": (
            "{field} cell (R {r}, FM {fm}): unknown group {group}.",
            "{field} 格（R {r}，FM {fm}）：未知客群 {group}。",
        ),
    }
)
