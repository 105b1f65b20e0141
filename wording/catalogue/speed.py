"""Strings of the shared data path (ui/context.py): what long first computations say."""

STRINGS = {
    "speed.fitting": (
        "Fitting the predictive model on every customer (once for this data and date)…",
        "正在用全部客户拟合预测模型（每份数据和日期只做一次）…",
    ),
    "speed.values": (
        "Computing every customer's value (once for this data, date and settings)…",
        "正在计算每位客户的价值（每份数据、日期和设置只算一次）…",
    ),
}
