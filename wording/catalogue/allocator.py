"""Strings of the budget allocator (engine reasons and page)."""

STRINGS = {
    # SPEC §4 preset project names
    "allocator.preset.churn": ("Churn warning system", "流失预警系统"),
    "allocator.preset.membership": ("Membership benefits", "会员权益优化"),
    "allocator.preset.service": ("Service experience", "服务体验提升"),
    "allocator.preset.mobile": ("Mobile service", "移动服务"),
    # reasons, one line per project
    "allocator.reason.excluded": ("Left out: you excluded it.", "未纳入：已手动排除。"),
    "allocator.reason.locked": (
        "Funded because you locked it in: {cost} for {gain}, net {net} (net ROI {roi}).",
        "已锁定，必须投入：投入 {cost}，收益 {gain}，净值 {net}（净ROI {roi}）。",
    ),
    "allocator.reason.lock_cost": (
        " The lock costs {loss} of net value: without it the best portfolio would earn {loss} more.",
        "锁定的代价是净值 {loss}：若不锁定，最优组合的净值可再多 {loss}。",
    ),
    "allocator.reason.lock_free": (
        " The lock costs nothing: the best portfolio funds it anyway.",
        "锁定没有代价：不锁定时最优组合同样会投入它。",
    ),
    "allocator.reason.funded": (
        (
            "Funded: {cost} for {gain}, net {net} (net ROI {roi}); without it the best "
            "portfolio would earn {loss} less net value."
        ),
        "已投入：投入 {cost}，收益 {gain}，净值 {net}（净ROI {roi}）；去掉它，最优组合净值将减少 {loss}。",
    ),
    "allocator.reason.partly": (
        (
            "Partly funded ({share}, {cost}): the budget left after better uses returns {gain} "
            "here, net {net} (net ROI {roi}); without it the best portfolio would earn {loss} "
            "less net value."
        ),
        (
            "部分投入（{share}，{cost}）：更优项目之后的剩余预算在此获得收益 {gain}，净值 {net}"
            "（净ROI {roi}）；去掉它，最优组合净值将减少 {loss}。"
        ),
    ),
    "allocator.reason.tier": (" Runs as the {tier} tier.", "按「{tier}」档执行。"),
    "allocator.reason.ranking_misses": (
        " Sorting by ROI would have left it out.",
        "若按ROI排序依次填充，它会被漏掉。",
    ),
    "allocator.reason.ranking_takes": (
        " Sorting by ROI would have funded it.",
        "若按ROI排序依次填充，它会被选中。",
    ),
    "allocator.reason.too_expensive": (
        "Left out: it costs {cost}, more than the whole budget.",
        "未纳入：投入 {cost}，超过全部预算。",
    ),
    "allocator.reason.no_room": (
        "Left out: it costs {cost}, more than the budget left after the locked projects.",
        "未纳入：投入 {cost}，超过锁定项目之后的剩余预算。",
    ),
    "allocator.reason.left_out": (
        (
            "Left out: {gain} for {cost}, net {net} (net ROI {roi}), but the same money earns "
            "more net value in the funded projects."
        ),
        "未纳入：投入 {cost}，收益 {gain}，净值 {net}（净ROI {roi}），但这笔钱投在已选项目上净值更高。",
    ),
    "allocator.reason.below_cost": (
        (
            "Left out: it returns {gain} for {cost}, less than it costs (net {net}); the money "
            "is worth more left unspent."
        ),
        "未纳入：投入 {cost} 只换来收益 {gain}，收益低于投入（净值 {net}）；这笔钱不花更划算。",
    ),
    "allocator.reason.gain_needed": (
        " It would get in with {gain} more gain ({uplift} more uplift per customer).",
        "若收益再增加 {gain}（每位客户提升再多 {uplift}），即可入选。",
    ),
    "allocator.reason.cost_needed": (
        " It would also get in if it cost {cost} or less.",
        "若投入降至 {cost} 及以下，也可入选。",
    ),
    "allocator.reason.gain_needed_full": (
        " Funded in full it would need {gain} more gain ({uplift} more uplift per customer).",
        "若要全额入选，收益需再增加 {gain}（每位客户提升再多 {uplift}）。",
    ),
    "allocator.reason.cost_needed_full": (
        " Funded in full it would also get in at a cost of {cost} or less.",
        "若投入降至 {cost} 及以下，也可全额入选。",
    ),
    # -- page -------------------------------------------------------------------------
    "allocator.page.title": ("Budget allocator: what to fund", "预算分配：钱投向哪些项目"),
    "allocator.page.caption": (
        "The portfolio of projects with the highest net value (gain − cost) for the budget, "
        "found exactly (not by sorting), beside what sorting by ROI would have funded. Gain = "
        "CLV uplift per customer × customers reached. Budget that no project turns into more "
        "than it costs is left unspent and stays in the company.",
        "在预算之内净值（收益 − 投入）最高的项目组合（精确求解，而非简单排序），并与按ROI排序依次填充的结果对比。"
        "收益 = 每位客户的CLV提升 × 覆盖客户数。没有项目能使其回报超过投入的预算不花，留在公司。",
    ),
    "allocator.page.scenario": ("Scenario", "方案"),
    "allocator.page.scenario.help": (
        "The reference case (four projects, a budget of ¥1,000,000), or a scenario saved below. The link in the address bar "
        "reproduces this screen: scenario, budget, locked and excluded projects.",
        "参考案例（4个项目，预算¥100万），或下方保存的方案。地址栏中的链接可复现当前画面：方案、预算、锁定与排除的项目。",
    ),
    # The same in both languages: the browser keeps showing a selectbox option's old text
    # when only its wording changes (the option is identified by its key).
    "allocator.page.preset": (
        "Reference case · 参考案例 · 4 projects / 4个项目 · ¥1,000,000",
        "Reference case · 参考案例 · 4 projects / 4个项目 · ¥1,000,000",
    ),
    "allocator.page.projects": ("Projects", "候选项目"),
    "allocator.page.invalid": ("The projects table needs a fix: {error}", "项目表需要修正：{error}"),
    "allocator.page.locked": ("Locked in (must fund)", "锁定（必须投入）"),
    "allocator.page.locked.help": (
        "A locked project is funded whatever it returns; the rest of the budget is then "
        "allocated as well as possible, and the page says how much net value the lock costs.",
        "锁定的项目无论回报如何都会投入，其余预算再做最优分配；页面会说明锁定损失了多少净值。",
    ),
    "allocator.page.excluded": ("Excluded (never fund)", "排除（不投入）"),
    "allocator.page.excluded.help": (
        "An excluded project stays in the table but is never funded.",
        "排除的项目仍保留在表中，但不会被投入。",
    ),
    "allocator.page.none": ("None", "无"),
    "allocator.page.budget": ("Budget ({cur})", "预算（{cur}）"),
    "allocator.page.budget_box": ("Budget, exact ({cur})", "预算精确值（{cur}）"),
    "allocator.page.budget_empty": (
        "The budget box is empty: type a budget (or move the slider) to see the best portfolio.",
        "预算输入框为空：请输入预算（或拖动滑块）以查看最优组合。",
    ),
    "allocator.page.save_no_budget": (
        "Not saved: the budget box is empty. Type a budget first.",
        "未保存：预算输入框为空，请先输入预算。",
    ),
    "allocator.page.budget.help": (
        "Move the slider, or type the exact amount in the box; both set the same budget.",
        "拖动滑块或在输入框中输入精确金额，两者设置的是同一个预算。",
    ),
    "allocator.page.answer": ("The best portfolio for {budget}", "预算 {budget} 的最优组合"),
    "allocator.fig.net": ("Net value", "净值"),
    "allocator.fig.gain": ("Total gain", "总收益"),
    "allocator.fig.combined_roi": ("Combined net ROI", "组合净ROI"),
    "allocator.fig.funded": ("Projects funded", "入选项目"),
    "allocator.fig.funded_of": ("{n} of {total}", "{n} / {total}"),
    "allocator.fig.unspent": ("Budget left unspent", "未用预算"),
    "allocator.fig.next": ("Next {step}: net value", "再加 {step} 的净值增量"),
    "allocator.fig.roi": ("Net ROI", "净ROI"),
    "allocator.def.net": (
        "What the allocator maximises: Σ over the funded projects of gain − cost (a divisible "
        "project counts its funded share). Unspent budget is not a cost: it stays in the "
        "company.",
        "分配器最大化的目标：入选项目「收益 − 投入」之和（可拆分项目按投入比例计）。未用预算不算投入，留在公司。",
    ),
    "allocator.def.gain": (
        "Σ over the funded projects of CLV uplift per customer × customers reached "
        "(a divisible project counts its funded share).",
        "入选项目的「每位客户CLV提升 × 覆盖客户数」之和（可拆分项目按投入比例计）。",
    ),
    "allocator.def.combined_roi": (
        "Net ROI of the portfolio = (total gain − total cost) / total cost; unspent budget "
        "is not counted as cost.",
        "组合净ROI =（总收益 − 总投入）/ 总投入；未用预算不计入投入。",
    ),
    "allocator.def.roi": (
        "Net ROI = (gain − cost) / cost. (The benefit/cost multiple, gain / cost, is one more: "
        "a net ROI of 1,540% is a 16.4× multiple.)",
        "净ROI =（收益 − 投入）/ 投入。（效益成本倍数 = 收益 / 投入，比净ROI多1：净ROI 1,540% 即 16.4 倍。）",
    ),
    "allocator.def.unspent": (
        "Budget minus the cost of the funded projects: it stays in the company, because no "
        "remaining project would return more than it costs with it.",
        "预算减去入选项目的投入：这部分留在公司，因为剩余项目用它都无法收回成本以上的回报。",
    ),
    "allocator.def.next": (
        "How much more net value the best portfolio makes if the budget grows by {step}.",
        "预算再增加 {step} 时，最优组合还能多获得的净值。",
    ),
    "allocator.page.unspent": (
        "Left unspent: {unspent} stays in the company; no remaining project would return "
        "more than it costs with it.",
        "未用预算：{unspent} 留在公司；剩余项目用它都无法收回成本以上的回报。",
    ),
    "allocator.page.locks_cost": (
        "The locks cost {loss} of net value: without them the best portfolio would earn "
        "{free} net instead of {now}.",
        "锁定的代价是净值 {loss}：若不锁定，最优组合净值为 {free}，而非现在的 {now}。",
    ),
    "allocator.page.locks_free": (
        "The locks cost no net value: the best portfolio funds those projects anyway.",
        "锁定没有净值代价：不锁定时最优组合同样会投入这些项目。",
    ),
    "allocator.page.ranking_same": (
        "Sorting by ROI and funding down the list gives the same portfolio here.",
        "此处按ROI排序依次投入，结果与最优组合相同。",
    ),
    "allocator.page.ranking_worse": (
        "Sorting by ROI and funding down the list would fund {ranking} for a net value of "
        "{ranking_net}: {missed} less net value than the best portfolio ({best}).",
        "若按ROI排序依次投入，会选 {ranking}，净值 {ranking_net}，比最优组合（{best}）少 {missed}。",
    ),
    "allocator.tier.pilot": ("pilot", "试点"),
    "allocator.page.chart_roi": ("Funded projects, ranked by net ROI", "入选项目（按净ROI排序）"),
    "allocator.page.chart_roi.hover": (
        "%{y}<br>Net ROI %{x:.0%}<br>Cost %{customdata[0]}<br>Gain %{customdata[1]}"
        "<br>Net value %{customdata[3]}<br>Funded %{customdata[2]}<extra></extra>",
        "%{y}<br>净ROI %{x:.0%}<br>投入 %{customdata[0]}<br>收益 %{customdata[1]}"
        "<br>净值 %{customdata[3]}<br>投入比例 %{customdata[2]}<extra></extra>",
    ),
    "allocator.page.nothing_funded": (
        "Nothing can be funded with this budget.",
        "该预算下没有可投入的项目。",
    ),
    "allocator.page.chart_curve": (
        "Budget–value curve: the best net value for every budget",
        "预算-价值曲线：各预算下的最优净值",
    ),
    "allocator.page.optimum": ("Best net value", "最优净值"),
    "allocator.page.chart_curve.hover": (
        "Budget {mark}%{{x:,.0f}}<br>Best net value {mark}%{{y:,.0f}}<extra></extra>",
        "预算 {mark}%{{x:,.0f}}<br>最优净值 {mark}%{{y:,.0f}}<extra></extra>",
    ),
    "allocator.page.enters": ("Portfolio changes", "组合变化点"),
    "allocator.page.chart_enters.hover": (
        "From {mark}%{{x:,.0f}}<br>%{{text}}<extra></extra>",
        "自 {mark}%{{x:,.0f}} 起<br>%{{text}}<extra></extra>",
    ),
    "allocator.page.event.enters": ("+ {name} enters", "+ {name} 入选"),
    "allocator.page.event.leaves": ("− {name} leaves", "− {name} 移出"),
    "allocator.page.event.tier": ("~ {name}: tier changes", "~ {name} 换档"),
    "allocator.page.current": ("Current budget", "当前预算"),
    "allocator.page.curve.caption": (
        "Exact: every step is a budget at which the best portfolio changes; hover a dot to see "
        "which projects come in or drop out there (a project can leave again when a better "
        "combination becomes affordable). Where the curve is flat, more budget stays unspent.",
        "精确曲线：每个台阶都是最优组合发生变化的预算；悬停圆点可查看在此入选或移出的项目（预算更高时若有更优组合，已入选项目可能被替换）。"
        "曲线平坦处，多出的预算不花。",
    ),
    "allocator.page.curve.caption_grid": (
        "Exact at each point drawn (a grid of budgets plus each project's cost); divisible "
        "projects make it rise smoothly between them.",
        "每个绘制点均为精确值（预算网格加各项目的投入额）；可拆分项目使曲线在点之间平滑上升。",
    ),
    "allocator.page.reasons": ("Why each project is in or out", "每个项目入选或落选的原因"),
    "allocator.page.table": ("All projects in figures", "全部项目明细"),
    "allocator.col.name": ("Project", "项目"),
    "allocator.col.investment": ("Investment ({cur})", "投入（{cur}）"),
    "allocator.col.investment.help": ("What the project costs in full.", "项目全额投入。"),
    "allocator.col.uplift": ("CLV uplift per customer ({cur})", "每位客户CLV提升（{cur}）"),
    "allocator.col.uplift.help": (
        "Extra customer lifetime value per customer reached (typed, or derived from the data below).",
        "每位覆盖客户增加的终身价值（手工输入，或在下方由数据推算）。",
    ),
    "allocator.col.reach": ("Customers reached", "覆盖客户数"),
    "allocator.col.reach.help": ("Customers whose CLV the project lifts.", "项目能提升其CLV的客户数。"),
    "allocator.col.divisible": ("Divisible", "可拆分"),
    "allocator.col.divisible.help": (
        "Can be funded in part, pro rata (cost and gain scale together). Otherwise all or nothing.",
        "可按比例部分投入（投入与收益同比例）。否则只能全投或不投。",
    ),
    "allocator.col.pilot_investment": ("Pilot investment ({cur})", "试点投入（{cur}）"),
    "allocator.col.pilot_uplift": ("Pilot uplift per customer ({cur})", "试点每位客户提升（{cur}）"),
    "allocator.col.pilot_reach": ("Pilot customers", "试点覆盖客户数"),
    "allocator.col.pilot.help": (
        "Optional smaller tier: fill all three pilot columns and the project can run as the "
        "pilot or in full (never both).",
        "可选的较小档位：三个试点列都填写后，项目可按试点或全额执行（二选一）。",
    ),
    "allocator.col.status": ("Status", "状态"),
    "allocator.col.option": ("Tier", "档位"),
    "allocator.col.cost": ("Cost", "投入"),
    "allocator.col.gain": ("Gain", "收益"),
    "allocator.col.net": ("Net value", "净值"),
    "allocator.col.rank": ("ROI rank", "ROI排名"),
    "allocator.status.funded": ("funded", "入选"),
    "allocator.status.partly_funded": ("partly funded", "部分入选"),
    "allocator.status.locked": ("locked in", "已锁定"),
    "allocator.status.left_out": ("left out", "落选"),
    "allocator.status.below_cost": ("gain below cost", "收益低于投入"),
    "allocator.status.too_expensive": ("over the budget", "超出预算"),
    "allocator.status.no_room": ("no room beside the locked", "锁定项目后无余额"),
    "allocator.status.excluded": ("excluded", "已排除"),
    "allocator.page.locked_over": (
        "The locked projects alone cost {cost}, more than the budget of {budget}: raise the "
        "budget or unlock one.",
        "仅锁定项目就需投入 {cost}，超过预算 {budget}：请提高预算或取消部分锁定。",
    ),
    # derive from data
    "allocator.page.derive": ("Derive a project's uplift from the data", "由数据推算项目的CLV提升"),
    "allocator.page.derive.caption": (
        "Instead of typing an uplift: say what the project changes for which customers, and "
        "the CLV engine computes the uplift per customer and the reach on those customers.",
        "不必手填提升值：说明项目改变哪些客户的什么指标，由CLV引擎在这些客户上算出每位客户的提升和覆盖人数。",
    ),
    "allocator.page.derive.empty": ("No customers in the current scope.", "当前范围内没有客户。"),
    "allocator.page.segment_by": ("Segment by", "客群维度"),
    "allocator.page.segment.all": ("All customers in scope", "范围内全部客户"),
    "allocator.page.segment.region": ("Region", "区域"),
    "allocator.page.segment.channel": ("Acquisition channel", "获客渠道"),
    "allocator.page.segment.vehicle_model": ("Vehicle model", "车型"),
    "allocator.page.segment.home_store_id": ("Home store", "归属门店"),
    "allocator.page.segment_value": ("Segment", "客群"),
    "allocator.page.change": ("The project raises", "项目提升"),
    "allocator.page.change.retention": ("Retention (percentage points)", "留存率（百分点）"),
    "allocator.page.change.frequency": ("Visit frequency (visits a year)", "到店频次（次/年）"),
    "allocator.page.points": ("Retention up by (percentage points)", "留存率提升（百分点）"),
    "allocator.page.points.help": (
        "Yearly retention now {r}; 3 points takes it to {r} + 3.",
        "当前年留存率 {r}；提升3个百分点即 {r} + 3。",
    ),
    "allocator.page.visits": ("Extra visits per customer a year", "每位客户每年多到店次数"),
    "allocator.page.visits.help": (
        "Each extra visit earns the customer's own gross profit per visit.",
        "每多一次到店，按该客户自己的单次毛利计。",
    ),
    "allocator.page.derived_name.retention": (
        "Retention +{amount} pp · {segment}",
        "留存率 +{amount} 个百分点 · {segment}",
    ),
    "allocator.page.derived_name.frequency": (
        "Visits +{amount}/yr · {segment}",
        "到店 +{amount} 次/年 · {segment}",
    ),
    "allocator.page.derive.failed": ("Cannot derive an uplift: {error}", "无法推算提升：{error}"),
    "allocator.page.d.uplift": ("CLV uplift per customer", "每位客户CLV提升"),
    "allocator.page.d.reach": ("Customers reached", "覆盖客户数"),
    "allocator.page.d.gain": ("Gain", "收益"),
    "allocator.page.derive.method.retention": (
        "Per customer: annual gross profit × survival to date × (A(r′) − A(r)), where "
        "A(r) = Σ r^t/(1+d)^t over the horizon is the DCF annuity of a customer who stays; "
        "r = {r}, d = {d}, {h} years. The mean over the segment's customers; reach = their number.",
        "每位客户：年毛利 × 至今存活概率 × (A(r′) − A(r))，其中 A(r) = Σ r^t/(1+d)^t（期限内）为留存客户的"
        "折现年金；r = {r}，d = {d}，{h} 年。取客群内客户的平均值；覆盖人数即客群人数。",
    ),
    "allocator.page.derive.method.frequency": (
        "Per customer: extra visits × gross profit per visit × survival to date × A(r), where "
        "A(r) = Σ r^t/(1+d)^t over the horizon; r = {r}, d = {d}, {h} years. The mean over the "
        "segment's customers; reach = their number.",
        "每位客户：多到店次数 × 单次毛利 × 至今存活概率 × A(r)，其中 A(r) = Σ r^t/(1+d)^t（期限内）；"
        "r = {r}，d = {d}，{h} 年。取客群内客户的平均值；覆盖人数即客群人数。",
    ),
    "allocator.page.reason_line": ("{icon} **{name}**: {text}", "{icon} **{name}**：{text}"),
    "allocator.page.add": ("Add to the projects", "加入项目表"),
    "allocator.page.added": ("Added “{name}” to the projects.", "已将「{name}」加入项目表。"),
    # scenarios
    "allocator.page.scenarios": ("Scenarios", "方案"),
    "allocator.page.scenario_name": ("Save this screen as", "将当前画面保存为"),
    "allocator.page.default_name": ("Budget {budget}", "预算 {budget}"),
    "allocator.page.save": ("Save scenario", "保存方案"),
    "allocator.page.save.caption": (
        "Saved in the database file with the projects, the budget and the locks; the same "
        "name again replaces it.",
        "与项目、预算和锁定一起保存在数据库文件中；同名再次保存会覆盖。",
    ),
    "allocator.page.saved": ("Saved “{name}”.", "已保存「{name}」。"),
    "allocator.page.save_failed": ("Not saved: {error}", "未保存：{error}"),
    "allocator.page.loaded": ("Loaded “{name}”.", "已载入「{name}」。"),
    "allocator.page.load_failed": ("Could not load the scenario: {error}", "无法载入方案：{error}"),
    "allocator.page.no_scenarios": (
        "No saved scenarios yet: save one to compare it later.",
        "还没有已保存的方案：保存后即可对比。",
    ),
    "allocator.page.compare": ("Compare with saved scenarios (up to 3)", "与已保存方案对比（最多3个）"),
    "allocator.page.compare.placeholder": ("Choose scenarios", "选择方案"),
    "allocator.page.compare.caption": (
        "Each saved scenario allocated again on its own projects, locks and budget; "
        "“This screen” is the answer above.",
        "每个已保存方案按其自身的项目、锁定和预算重新分配；“当前画面”即上方的结果。",
    ),
    "allocator.page.compare.figure": ("Figure", "指标"),
    "allocator.page.compare.now": ("This screen", "当前画面"),
    "allocator.page.compare.missed": ("Net value missed by sorting on ROI", "按ROI排序少得的净值"),
    "allocator.page.compare.funded": ("Funded projects", "入选项目"),
    "allocator.page.compare.invalid": ("cannot be allocated", "无法分配"),
    "allocator.page.unreadable": (
        "the saved data is not in a form the allocator can read",
        "保存的数据格式无法读取",
    ),
    # the fields an error names (English: the table's column ids, as before)
    "allocator.field.investment": ("investment", "投入"),
    "allocator.field.uplift_per_customer": ("uplift_per_customer", "每位客户CLV提升"),
    "allocator.field.reach": ("reach", "覆盖客户数"),
    "allocator.field.pilot_investment": ("pilot_investment", "试点投入"),
    "allocator.field.pilot_uplift": ("pilot_uplift", "试点每位客户提升"),
    "allocator.field.pilot_reach": ("pilot_reach", "试点覆盖客户数"),
    "allocator.field.step": ("step", "步长"),
    "allocator.field.points": ("points", "百分点"),
    "allocator.field.extra_visits": ("extra_visits", "每年新增到店次数"),
    # input errors (clv_engine.allocation CODES)
    "error.allocation.not_a_number": (
        "{field} must be a number (got {value})",
        "{field} 必须是数字（当前为 {value}）",
    ),
    "error.allocation.not_positive": (
        "{field} must be greater than zero (got {value})",
        "{field} 必须大于零（当前为 {value}）",
    ),
    "error.allocation.figure_not_a_number": (
        "project {row} ({name}): {field} must be a number (got {value})",
        "第 {row} 个项目（{name}）：{field} 必须是数字（当前为 {value}）",
    ),
    "error.allocation.figure_not_positive": (
        "project {row} ({name}): {field} must be greater than zero (got {value})",
        "第 {row} 个项目（{name}）：{field} 必须大于零（当前为 {value}）",
    ),
    "error.allocation.tier_not_a_number": (
        "project {row} ({name}), tier '{tier}': {field} must be a number (got {value})",
        "第 {row} 个项目（{name}）「{tier}」档：{field} 必须是数字（当前为 {value}）",
    ),
    "error.allocation.tier_not_positive": (
        "project {row} ({name}), tier '{tier}': {field} must be greater than zero (got {value})",
        "第 {row} 个项目（{name}）「{tier}」档：{field} 必须大于零（当前为 {value}）",
    ),
    "error.allocation.no_projects": ("projects: need at least one project", "至少需要一个项目"),
    "error.allocation.name_empty": ("project {row}: name must not be empty", "第 {row} 个项目：名称不能为空"),
    "error.allocation.name_twice": (
        "project {row} ({name}): name appears twice",
        "第 {row} 个项目（{name}）：名称重复",
    ),
    "error.allocation.tier_labels": (
        "project {row} ({name}): tier labels must be distinct and non-empty",
        "第 {row} 个项目（{name}）：各档名称必须互不相同且不能为空",
    ),
    "error.allocation.locked_and_excluded": (
        "project {row} ({name}): cannot be both locked and excluded",
        "第 {row} 个项目（{name}）：不能同时锁定和排除",
    ),
    "error.allocation.divisible_tiers": (
        "project {row} ({name}): a divisible project cannot also offer tiers",
        "第 {row} 个项目（{name}）：可拆分项目不能再设分档",
    ),
    "error.allocation.budget_not_a_number": (
        "budget: must be a number (got {value})",
        "预算必须是数字（当前为 {value}）",
    ),
    "error.allocation.budget_not_positive": (
        "budget: must be greater than zero (got {value})",
        "预算必须大于零（当前为 {value}）",
    ),
    "error.allocation.locked_over_budget": (
        "budget: the locked projects ({projects}) need at least {cost}, more than the budget of {budget}",
        "预算：锁定的项目（{projects}）至少需要 {cost}，超过预算 {budget}",
    ),
    "error.allocation.solver_failed": (
        "solver: no portfolio found ({message})",
        "求解器未找到组合（{message}）",
    ),
    "error.allocation.bad_method": (
        "method: 'auto', 'per_project' or 'milp' (got {value})",
        "方法须为 'auto'、'per_project' 或 'milp'（当前为 {value}）",
    ),
    "error.allocation.n_grid": (
        "n_grid: need at least 2 budgets (got {value})",
        "n_grid：至少需要 2 个预算点（当前为 {value}）",
    ),
    "error.allocation.missing_columns": (
        "projects table: missing column(s) {columns}",
        "项目表缺少列：{columns}",
    ),
    "error.allocation.clv_params_missing": (
        "customers: need retention, discount_rate and horizon_years "
        "(pass them, or use the frame from clv.customer_values)",
        "客户数据缺少留存率、折现率和年限（请传入，或使用 clv.customer_values 的结果）",
    ),
    "error.allocation.retention_range": (
        "retention: must be above 0% and at most 100% (got {value})",
        "留存率必须大于 0% 且不超过 100%（当前为 {value}）",
    ),
    "error.allocation.discount_range": (
        "discount_rate: must be between 0% and 100% (got {value})",
        "折现率必须在 0% 到 100% 之间（当前为 {value}）",
    ),
    "error.allocation.horizon_range": (
        "horizon_years: must be a whole number of years ≥ 1 (got {value})",
        "年限必须是不小于 1 的整数年（当前为 {value}）",
    ),
    "error.allocation.retention_above_100": (
        "retention change: {retention} + {points} points is above 100%",
        "留存率 {retention} 加 {points} 个百分点超过 100%",
    ),
    "error.allocation.customer_columns": (
        "customers: missing column(s) {columns}",
        "客户数据缺少列：{columns}",
    ),
    "error.allocation.segment_empty": ("segment: no customers in the chosen segment", "所选细分中没有客户"),
    "error.allocation.segment_no_visits": (
        "segment: its customers have no visits to learn a profit per visit",
        "该细分的客户没有到店记录，无法得出每次到店的利润",
    ),
    "error.allocation.segment_no_profit": (
        "segment: its customers bring no gross profit, so the uplift would not be positive",
        "该细分的客户没有带来毛利，提升不会为正",
    ),
    "error.allocation.measured_no_uplift": (
        "measured programme: the calls did not raise the return rate, so the uplift would not be positive",
        "实测项目：回访没有提高回店率，提升不会为正",
    ),
    "error.allocation.measured_no_cost": (
        "measured programme: no contact cost recorded or planned",
        "实测项目：没有记录或计划的联系成本",
    ),
}
