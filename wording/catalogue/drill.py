"""Strings of the CLV bridge (change against an earlier date) and of the click-through lists."""

STRINGS = {
    "bridge.compare": ("Compare with", "对比"),
    "bridge.period.year": ("the same date a year earlier (YoY)", "一年前同日（同比）"),
    "bridge.period.quarter": ("the same date a quarter earlier (QoQ)", "一个季度前同日（环比）"),
    # Short, so the delta's note fits under a metric at 1280 px; the date is in the choice above.
    "bridge.vs.year": ("YoY", "同比"),
    "bridge.vs.quarter": ("QoQ", "环比"),
    "bridge.title": ("What moved the total CLV since {date}", "自 {date} 以来 CLV 合计的变化来源"),
    "bridge.caption": (
        "Every customer is compared with themselves at both dates. Start + customers gained − customers lost "
        "+ value per customer = end, exactly. Active: last visit or car purchase within {active} days.",
        "每位客户与其自身在两个日期的价值对比。期初 + 新增客户 − 流失客户 + 单客价值变化 = 期末，分毫不差。"
        "活跃：最近一次到店或购车在 {active} 天以内。",
    ),
    "bridge.start": ("Total CLV on {date}", "{date} CLV 合计"),
    "bridge.end": ("Total CLV on {date}", "{date} CLV 合计"),
    "bridge.gained": ("Customers gained ({n})", "新增客户（{n} 位）"),
    "bridge.lost": ("Customers lost ({n})", "流失客户（{n} 位）"),
    "bridge.per_customer": ("Value per customer", "单客价值变化"),
    "bridge.help.start": (
        "The CLV of every customer known on {date} (car bought or first visit by then), summed, in the same "
        "store scope and with the same model and inputs as today.",
        "{date} 已有的全部客户（当时已购车或已到店）的 CLV 之和，门店范围、模型与参数与今天相同。",
    ),
    "bridge.help.end": (
        "The CLV of every customer known on {date}, summed: the Total CLV shown above.",
        "{date} 全部客户的 CLV 之和，即上方的 CLV 合计。",
    ),
    "bridge.help.gained": (
        "Customers active at the end and not active at the start: new customers (worth 0 at the start) and "
        "customers who came back after an absence. Their CLV at the end less their CLV at the start.",
        "期末活跃、期初不活跃的客户：新客户（期初价值计为 0）和离开后回店的客户。其期末 CLV 减去期初 CLV。",
    ),
    "bridge.help.lost": (
        "Customers active at the start and not active at the end (they lapsed in between). Their CLV at the "
        "start less their CLV at the end: what lapsing cost.",
        "期初活跃、期末不活跃的客户（期间沉默或流失）。其期初 CLV 减去期末 CLV，即流失造成的价值损失。",
    ),
    "bridge.help.per_customer": (
        "Everyone else (active at both dates, or at neither): the change in their CLV, from more or less "
        "spend and gross profit per customer, a longer history and the measured retention.",
        "其余客户（两个日期均活跃或均不活跃）的 CLV 变化：来自单客消费与毛利的增减、更长的历史以及实测留存率的变化。",
    ),
    "bridge.models_differ": (
        "The predictive model could not be fitted on the data to {date}, so no like-for-like bridge is shown.",
        "截至 {date} 的数据无法拟合预测模型，因此不显示同口径的变化分解。",
    ),
    "bridge.no_start": (
        "No customer was known on {date}: nothing to compare with.",
        "{date} 尚无客户，无可对比。",
    ),
}

STRINGS.update(
    {
        "kpi.leader_score.delta_help": (
            "The change is against the same store's score on the earlier date, scored then among the same stores "
            "with today's weights.",
            "变化为与同一门店在对比日的得分相比；对比日得分按当时同一批门店、采用今天的权重计算。",
        ),
        "kpi.scope.clv": (
            "Total CLV of the stores in scope (historical model)",
            "所选门店 CLV 合计（历史模型）",
        ),
        "kpi.scope.clv.help": (
            "The historical-model CLV of every customer whose home store is in scope, summed.",
            "归属所选门店的全部客户的历史模型 CLV 之和。",
        ),
        "kpi.scope.growth.help": (
            "The stores' total CLV against their total CLV a year before that date, less 100%. "
            "Its change is in percentage points.",
            "所选门店 CLV 合计相对一年前的 CLV 合计的增长率。变化以百分点表示。",
        ),
        "kpi.scope.retention.help": (
            "Of the stores' customers with a visit in the year before last, the share who visited again in the "
            "last 12 months (all stores pooled, not averaged). Its change is in percentage points.",
            "所选门店客户中，前一年有到店记录者在最近12个月再次到店的比例（各门店合并计算，而非平均）。变化以百分点表示。",
        ),
        "kpi.scope.gp.help": (
            "Gross profit of the orders the stores in scope served in the last 12 months.",
            "所选门店最近12个月所服务工单的毛利合计。",
        ),
    }
)

STRINGS.update(
    {
        "drill.hint": (
            "Click a bar or cell to list the customers behind it.",
            "点击柱形或单元格，查看其背后的客户名单。",
        ),
        "drill.title": ("{n} customers behind the selection:", "所选部分背后的 {n} 位客户："),
        "drill.none": ("No customer in the current store scope.", "当前门店范围内没有客户。"),
        "drill.csv": ("Download the list (CSV)", "下载名单（CSV）"),
        "drill.xlsx": ("Download the list (Excel)", "下载名单（Excel）"),
        "drill.sheet": ("Customers", "客户"),
        "drill.col.customer_id": ("Customer id", "客户编号"),
        "drill.col.name": ("Name", "姓名"),
        "drill.col.home_store_id": ("Home store", "归属门店"),
        "drill.col.region": ("Region", "区域"),
        "drill.col.channel": ("Channel", "获客渠道"),
        "drill.col.vehicle_model": ("Vehicle model", "车型"),
        "drill.col.status": ("Status", "状态"),
        "drill.col.recency_days": ("Days since last activity", "距最近活动天数"),
        "drill.col.orders": ("Orders", "工单数"),
        "drill.col.gross_profit": ("Gross profit to date", "累计毛利"),
        "drill.col.gp_12m": ("Gross profit, last 12 months", "近12个月毛利"),
        "drill.col.clv": ("CLV", "CLV"),
        "drill.col.tier": ("Tier", "等级"),
    }
)

STRINGS.update(
    {
        "drill.first_n": ("the first {n} of the ranking", "排名前 {n} 位"),
    }
)

STRINGS.update(
    {
        "drill.year_k": ("year {k}", "第 {k} 年"),
        "drill.col.purchase_year": ("Purchase year", "购车年份"),
        "drill.col.completed_years": ("Completed years", "已满年数"),
        "drill.col.ordered_in_year": ("Came in that year", "当年是否到店"),
    }
)

STRINGS.update(
    {
        "drill.hint.row": ("Select a store's row to list its customers.", "选中门店所在行，查看其客户名单。"),
    }
)
