"""Strings of the board pack (PowerPoint and PDF) of the evaluator and the allocator."""

STRINGS = {
    "boardpack.subtitle": ("Board pack · prepared {when}", "董事会材料 · 生成时间：{when}"),
    "boardpack.figures": ("Figures and what they mean", "关键指标及其定义"),
    "boardpack.continued": ("{title} (continued)", "{title}（续）"),
    "boardpack.tornado.note": (
        "Each bar is the change in NPV from the base case ({base}) when one input moves by "
        "±{pct}, the others held; largest swing on top.",
        "每根条形表示单个输入变动±{pct}（其余不变）时，净现值相对基准（{base}）的变化；波动最大的在最上方。",
    ),
    "boardpack.tornado.axis": ("Change in NPV", "净现值变化"),
    "boardpack.cash_flows.note": (
        "Costs below zero, the CLV gain above; net = gain − costs. Payback {payback}; NPV {npv}.",
        "成本为负、CLV收益为正；净现金流 = 收益 − 成本。回收期 {payback}；净现值 {npv}。",
    ),
    "boardpack.cumulative": ("Cumulative cash flow", "累计现金流"),
    "boardpack.al.budget": ("Budget", "预算"),
    "boardpack.al.locked": ("Locked in: {names}", "锁定：{names}"),
    "boardpack.al.excluded": ("Excluded: {names}", "排除：{names}"),
    "boardpack.al.funded": ("Funded projects", "入选项目"),
    "boardpack.al.share": ("Funded share", "投入比例"),
    "boardpack.al.comparison": ("Best portfolio against sorting by ROI", "最优组合与按ROI排序的对比"),
    "boardpack.al.optimum": ("Best portfolio", "最优组合"),
    "boardpack.al.ranking": ("Sorted by ROI", "按ROI排序"),
    "boardpack.al.projects_funded": ("Projects funded", "入选项目"),
    "boardpack.al.curve_note": (
        "The best net value for every budget; the budget of this pack is {budget} (net value {net}).",
        "各预算下的最优净值；本材料的预算为 {budget}（净值 {net}）。",
    ),
    "boardpack.al.lock_cost": ("Net value the locks give up", "锁定放弃的净值"),
    "boardpack.al.def.lock_cost": (
        "The best net value without the locks minus the best net value with them.",
        "不锁定时的最优净值减去锁定后的最优净值。",
    ),
    "boardpack.al.title": ("Budget allocation: {budget}", "预算分配：{budget}"),
    "boardpack.file_stem.evaluator": ("board_pack", "董事会材料"),
    "boardpack.file_stem.allocator": ("board_pack_allocation", "董事会材料_预算分配"),
    "boardpack.download_pptx": ("Board pack (PowerPoint)", "董事会材料（PowerPoint）"),
    "boardpack.download_pdf": ("Board pack (PDF)", "董事会材料（PDF）"),
    "boardpack.unavailable": (
        "Not available here: the package {package} is not installed (pip install -r requirements.txt).",
        "此处不可用：未安装 {package} 软件包（请运行 pip install -r requirements.txt）。",
    ),
    "table.download.csv": ("Download CSV", "下载CSV"),
    "table.download.xlsx": ("Download Excel", "下载Excel"),
    "boardpack.page": ("Page {n}", "第{n}页"),
}
