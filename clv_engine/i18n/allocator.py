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
        "Funded because you locked it in: {cost} for {gain} (net ROI {roi}).",
        "已锁定，必须投入：投入 {cost}，收益 {gain}（净ROI {roi}）。",
    ),
    "allocator.reason.lock_cost": (
        " Without the lock the best portfolio would gain {loss} more.",
        " 若不锁定，最优组合可多获收益 {loss}。",
    ),
    "allocator.reason.funded": (
        ("Funded: {cost} for {gain} (net ROI {roi}); without it the best portfolio "
        "would gain {loss} less."),
        "已投入：投入 {cost}，收益 {gain}（净ROI {roi}）；去掉它，最优组合收益将减少 {loss}。",
    ),
    "allocator.reason.partly": (
        ("Partly funded ({share}, {cost}): the budget left after better uses returns {gain} "
        "here (net ROI {roi}); without it the best portfolio would gain {loss} less."),
        ("部分投入（{share}，{cost}）：更优项目之后的剩余预算在此获得收益 {gain}（净ROI {roi}）；"
        "去掉它，最优组合收益将减少 {loss}。"),
    ),
    "allocator.reason.tier": (" Runs as the {tier} tier.", " 按「{tier}」档执行。"),
    "allocator.reason.ranking_misses": (
        " Sorting by ROI would have left it out.",
        " 若按ROI排序依次填充，它会被漏掉。",
    ),
    "allocator.reason.ranking_takes": (
        " Sorting by ROI would have funded it.",
        " 若按ROI排序依次填充，它会被选中。",
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
        ("Left out: {gain} for {cost} (net ROI {roi}), but the same money does more in the "
        "funded projects."),
        "未纳入：投入 {cost}，收益 {gain}（净ROI {roi}），但这笔钱投在已选项目上收益更高。",
    ),
    "allocator.reason.gain_needed": (
        " It would get in with {gain} more gain ({uplift} more uplift per customer).",
        " 若收益再增加 {gain}（每位客户提升再多 {uplift}），即可入选。",
    ),
    "allocator.reason.cost_needed": (
        " It would also get in if it cost {cost} or less.",
        " 若投入降至 {cost} 及以下，也可入选。",
    ),
    "allocator.reason.gain_needed_full": (
        " Funded in full it would need {gain} more gain ({uplift} more uplift per customer).",
        " 若要全额入选，收益需再增加 {gain}（每位客户提升再多 {uplift}）。",
    ),
    "allocator.reason.cost_needed_full": (
        " Funded in full it would also get in at a cost of {cost} or less.",
        " 若投入降至 {cost} 及以下，也可全额入选。",
    ),
}
