"""Strings of the predictive model (BG/NBD + Gamma-Gamma) and its page (app_pages/model.py).

``error.models.<reason>`` translate a FitError by its code (formatted with its
``details``); ``predictive.note.<code>`` translate a fit's FitNote warnings.
"""

STRINGS = {
    "predictive.title": ("Predictive CLV model", "预测型 CLV 模型"),
    "predictive.intro": (
        "Each customer's future visits follow the BG/NBD model (a visit rate that differs by "
        "customer, and a chance of leaving after every visit); the gross profit of a visit "
        "follows the Gamma-Gamma model. Both are fitted by maximum likelihood on every "
        "customer's visits up to {as_of}, in weeks (Fader, Hardie & Lee 2005; Fader & Hardie 2013).",
        "每位客户未来的到店次数服从 BG/NBD 模型（到店频率因人而异，每次到店后都有一定概率流失）；"
        "每次到店的毛利服从 Gamma-Gamma 模型。两个模型均以截至 {as_of} 的全部客户到店记录、"
        "按周为单位做最大似然估计（Fader、Hardie 与 Lee 2005；Fader 与 Hardie 2013）。",
    ),
    "predictive.scope": (
        "The models are fitted on all {n} customers with a visit; the figures below cover the "
        "stores selected in the sidebar.",
        "模型基于全部 {n} 位有到店记录的客户拟合；下列数字仅覆盖侧栏所选门店。",
    ),
    # -- why no fit -------------------------------------------------------------------------
    "predictive.fit_error.title": ("The predictive model cannot be fitted", "无法拟合预测模型"),
    "error.models.too_few_customers": (
        "Too few customers to fit the visit model: {n} (at least {minimum} are needed).",
        "客户太少，无法拟合到店模型：{n} 位（至少需要 {minimum} 位）。",
    ),
    "error.models.no_repeat_visits": (
        "No customer has come back for a second visit yet, so there is nothing to learn the "
        "visit rate or the dropout from. Choose a later date or load more history.",
        "尚无客户第二次到店，无法估计到店频率和流失。请选择更晚的日期或导入更多历史数据。",
    ),
    "error.models.no_history": (
        "Every customer was first seen on the as-of date: there is no history to fit.",
        "所有客户都是在基准日当天首次到店，没有可用于拟合的历史。",
    ),
    "error.models.did_not_converge": (
        "The model fit did not converge on these data.",
        "模型在这些数据上未能收敛。",
    ),
    "error.models.too_few_repeat_customers": (
        "Too few repeat customers with a positive gross profit per visit to fit the spend "
        "model: {n} (at least {minimum} are needed).",
        "单次到店毛利为正的回头客太少，无法拟合消费模型：{n} 位（至少需要 {minimum} 位）。",
    ),
    "error.models.no_customers": (
        "No customer has a visit on or before {as_of}.",
        "{as_of} 及之前没有任何客户到店记录。",
    ),
    # -- warnings about a fit ---------------------------------------------------------------
    "predictive.note.visits_edge": (
        "The data do not pin down {names} of the visit model (the fit is at the edge of the "
        "parameter space, typically too little history to tell leaving from slow visiting). "
        "Predictions are usable; standard errors are not.",
        "数据无法确定到店模型的参数 {names}（拟合值落在参数空间边缘，通常是历史太短，"
        "分不清客户是流失了还是到店间隔长）。预测仍可使用，标准误不可用。",
    ),
    "predictive.note.homogeneous_dropout": (
        "The chance of leaving after a visit comes out nearly the same for every customer "
        "(a + b = {total:,.0f}, mean {mean:.2%}): a and b are not separately meaningful, only "
        "their ratio.",
        "每次到店后的流失概率对所有客户几乎相同（a + b = {total:,.0f}，均值 {mean:.2%}）："
        "a 与 b 单独没有意义，只有二者之比有意义。",
    ),
    "predictive.note.no_standard_errors": (
        "Standard errors are unavailable: the likelihood is flat at the optimum.",
        "标准误不可用：似然函数在最优点附近过于平坦。",
    ),
    "predictive.refunds_only": (
        "{n} customers with orders to this date have only refund days (net negative) and no "
        "visit, so the model leaves them out.",
        "{n} 位客户截至此日只有退款（净额为负）而没有到店，模型未纳入这些客户。",
    ),
    "predictive.note.left_out": (
        "{n} repeat customers have a zero or negative gross profit per visit on average and were "
        "left out of the spend model (it needs positive values).",
        "{n} 位回头客的单次到店平均毛利为零或负，未纳入消费模型（该模型要求取值为正）。",
    ),
    "predictive.note.q_constrained": (
        "Gross profit per visit is so dispersed that the best fit has no finite average (q ≤ 1); "
        "the average for a new customer was held at the observed {mean:,.2f} per visit.",
        "单次毛利离散程度过大，最优拟合没有有限均值（q ≤ 1）；新客户的单次平均毛利固定为观测均值 {mean:,.2f}。",
    ),
    "predictive.note.spend_edge": (
        "The spend data do not pin down {names} (the fit is at the edge of the parameter space); "
        "standard errors are not available.",
        "消费数据无法确定参数 {names}（拟合值落在参数空间边缘）；标准误不可用。",
    ),
    "predictive.note.correlated": (
        "Gross profit per visit and number of visits are correlated (Pearson {pearson:.2f}, "
        "Spearman {spearman:.2f}); the spend model assumes they are independent, so treat the "
        "expected gross profit per visit with care.",
        "单次到店毛利与到店次数存在相关（Pearson {pearson:.2f}，Spearman {spearman:.2f}）；"
        "消费模型假设二者独立，预期单次毛利需谨慎解读。",
    ),
    # -- headline ---------------------------------------------------------------------------
    "predictive.m.customers": ("Customers in scope", "范围内客户"),
    "predictive.m.active": ("P(alive) 50% or more", "存活概率 ≥ 50%"),
    "predictive.m.active.help": (
        "Share of customers with P(alive) of 50% or more. P(alive) is the visit model's "
        "probability, given how often and how recently they came, that they have not left for "
        "good; it is not the status (active: last visit or car purchase within {active} days), "
        "which {status} of these customers have.",
        "存活概率不低于 50% 的客户占比。存活概率是到店模型根据到店频次和最近一次到店时间，"
        "推算客户尚未永久离开的概率；它不同于状态（活跃：最近一次到店或购车在 {active} 天以内），"
        "这些客户中处于活跃状态的占 {status}。",
    ),
    "predictive.dropout.title": ("The visit model cannot tell who has left", "到店模型无法判断谁已离开"),
    "predictive.m.visits": ("Expected visits, next {years} yr", "未来 {years} 年预期到店"),
    "predictive.m.visits.help": (
        "Sum over the customers of the visits the BG/NBD model expects in the horizon set in "
        "the sidebar, given each customer's frequency, recency and age.",
        "按 BG/NBD 模型，根据每位客户的频次、最近到店和客龄，汇总侧栏所设期限内的预期到店次数。",
    ),
    "predictive.m.clv": ("Predictive CLV, total", "预测型 CLV 合计"),
    "predictive.m.clv.help": (
        "Sum of expected gross profit over the horizon, each year's visits discounted at the "
        "sidebar's rate (end of year): expected visits × expected gross profit per visit.",
        "期限内预期毛利之和：预期到店次数 × 预期单次毛利，每年的到店按侧栏折现率在年末折现。",
    ),
    "predictive.m.gp": ("Gross profit per visit, new customer", "新客户单次毛利"),
    "predictive.m.gp.help": (
        "The spend model's population mean p·γ/(q−1): what a customer with no repeat visit is "
        "expected to bring per visit. Repeat customers are shrunk from it towards their own average.",
        "消费模型的总体均值 p·γ/(q−1)：尚无回头到店的客户每次到店的预期毛利。"
        "回头客的估计会从该均值向其自身平均值收缩。",
    ),
    # -- parameters -------------------------------------------------------------------------
    "predictive.params.title": ("Fitted parameters", "拟合参数"),
    "predictive.params.caption": (
        "Maximum likelihood estimates with standard errors (inverse Hessian of the "
        "log-likelihood in log-parameters, then the delta method). Log-likelihood: visit "
        "model {ll_visits}, spend model {ll_spend} ({n_spend} repeat customers).",
        "最大似然估计及标准误（对数参数下似然函数 Hessian 矩阵之逆，再经 delta 方法换算）。"
        "对数似然：到店模型 {ll_visits}，消费模型 {ll_spend}（{n_spend} 位回头客）。",
    ),
    "predictive.params.model": ("Model", "模型"),
    "predictive.params.name": ("Parameter", "参数"),
    "predictive.params.estimate": ("Estimate", "估计值"),
    "predictive.params.se": ("Std. error", "标准误"),
    "predictive.params.meaning": ("What it says", "含义"),
    "predictive.params.visits": ("Visits (BG/NBD)", "到店（BG/NBD）"),
    "predictive.params.spend": ("Gross profit per visit (Gamma-Gamma)", "单次毛利（Gamma-Gamma）"),
    "predictive.param.r": (
        "Shape of the visit rates across customers; r/α = {rate} visits a week on average",
        "客户间到店频率分布的形状参数；平均每周 r/α = {rate} 次",
    ),
    "predictive.param.alpha": ("Scale of the visit rates (weeks)", "到店频率分布的尺度参数（周）"),
    "predictive.param.a": (
        "With b: chance of leaving after a visit, a/(a+b) = {p} on average",
        "与 b 共同决定每次到店后的流失概率，平均 a/(a+b) = {p}",
    ),
    "predictive.param.b": (
        "With a: spread of that chance across customers",
        "与 a 共同决定该流失概率在客户间的差异",
    ),
    "predictive.param.p": (
        "Shape of one customer's visit values; their variation is 1/√p = {cv}",
        "单个客户各次毛利的形状参数；变异系数 1/√p = {cv}",
    ),
    "predictive.param.q": ("Shape of the average values across customers", "客户间平均毛利分布的形状参数"),
    "predictive.param.gamma": (
        "Scale of the average values across customers",
        "客户间平均毛利分布的尺度参数",
    ),
    # -- maps -------------------------------------------------------------------------------
    "predictive.map.title": (
        "Frequency and recency: what the model makes of them",
        "频次与最近到店：模型如何解读",
    ),
    "predictive.map.caption": (
        "For a customer first seen {years} years ago: expected visits in the next 12 months and "
        "P(alive), by repeat visits so far and months since the last visit. Frequent customers "
        "who have not come for a while are the ones the model thinks have gone.",
        "针对 {years} 年前首次到店的客户：按迄今回头次数与距最近到店的月数，展示未来 12 个月的预期到店次数"
        "与 P(存活)。到店频繁却已有一段时间没来的客户，模型认为最可能已流失。",
    ),
    "predictive.map.age": ("Customer age (years since first visit)", "客龄（距首次到店年数）"),
    "predictive.map.visits": ("Expected visits, next 12 months", "未来 12 个月预期到店"),
    "predictive.map.alive": ("P(alive)", "P(存活)"),
    "predictive.map.x": ("Months since the last visit", "距最近一次到店（月）"),
    "predictive.map.y": ("Repeat visits so far", "迄今回头到店次数"),
    # -- holdout ----------------------------------------------------------------------------
    "predictive.holdout.title": ("Does it predict? Holdout check", "预测准不准？留出期检验"),
    "predictive.holdout.caption": (
        "The visit model is refitted on the visits up to {cal} only, then its forecast for "
        "{cal} to {end} is compared with what those customers actually did, grouped by how "
        "many repeat visits they had made by {cal}.",
        "仅用 {cal} 之前的到店记录重新拟合到店模型，再将其对 {cal} 至 {end} 的预测与这些客户的实际到店比较，"
        "按截至 {cal} 的回头次数分组。",
    ),
    "predictive.holdout.months": ("Holdout length (months)", "留出期长度（月）"),
    "predictive.holdout.actual": ("Actual visits", "实际到店"),
    "predictive.holdout.predicted": ("Predicted visits", "预测到店"),
    "predictive.holdout.error": ("Forecast error", "预测误差"),
    "predictive.holdout.error.help": (
        "(predicted − actual) / actual, over all customers of the calibration period.",
        "（预测 − 实际）/ 实际，基于校准期全部客户。",
    ),
    "predictive.holdout.x": ("Repeat visits in the calibration period", "校准期回头到店次数"),
    "predictive.holdout.y": ("Visits per customer in the holdout", "留出期人均到店"),
    "predictive.holdout.more": ("{n}+", "{n}+"),
    "predictive.holdout.unavailable": (
        "No holdout check for this period: {reason}",
        "该期间无法做留出期检验：{reason}",
    ),
    # -- P(alive) drops ---------------------------------------------------------------------
    "predictive.drops.title": ("Whose P(alive) fell most", "P(存活) 降幅最大的客户"),
    "predictive.drops.caption": (
        "P(alive) now against {days} days ago, with the same fitted model: these customers "
        "were expected back and have not come. A call may still reach them.",
        "同一模型下，当前 P(存活) 与 {days} 天前相比：这些客户本应回来却没有来，现在联系或许还来得及。",
    ),
    "predictive.drops.lookback": ("Compared with (days ago)", "对比（天前）"),
    "predictive.drops.empty": (
        "No customer's P(alive) fell in this period.",
        "该期间没有客户的 P(存活) 下降。",
    ),
    "predictive.col.customer": ("Customer", "客户编号"),
    "predictive.col.name": ("Name", "姓名"),
    "predictive.col.store": ("Store", "门店"),
    "predictive.col.visits": ("Repeat visits", "回头次数"),
    "predictive.col.last_visit": ("Last visit", "最近到店"),
    "predictive.col.before": ("P(alive) then", "当时 P(存活)"),
    "predictive.col.now": ("P(alive) now", "当前 P(存活)"),
    "predictive.col.change": ("Change", "变化"),
    "predictive.col.visit_12m": ("Chance of a visit, next 12 months", "未来 12 个月到店概率"),
    "predictive.col.clv": ("Predictive CLV", "预测型 CLV"),
}
