"""The sample dealer group's world: its period, stores, channels, models, job kinds and
seasons, and the names its customers draw from (sample_data.generate builds on them)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

START = date(2019, 1, 1)
END = date(2026, 11, 30)
SPAN_DAYS = (END - START).days

STORES = pd.DataFrame(
    {
        "store_id": ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"],
        "name": [
            "上海浦东店",
            "杭州西湖店",
            "广州天河店",
            "深圳南山店",
            "北京朝阳店",
            "天津河西店",
            "成都高新店",
            "重庆渝北店",
        ],
        "region": ["华东", "华东", "华南", "华南", "华北", "华北", "西南", "西南"],
        "city": ["上海", "杭州", "广州", "深圳", "北京", "天津", "成都", "重庆"],
    }
)
STORE_WEIGHTS = np.array([1.4, 1.0, 1.2, 1.1, 1.3, 0.7, 0.9, 0.8])

# Acquisition channels: share of new customers, value multiplier, SPEC §6 CAC.
CHANNELS = pd.DataFrame(
    {
        "channel": ["referral", "social", "store", "search", "show", "ecommerce"],
        "share": [0.14, 0.22, 0.20, 0.20, 0.10, 0.14],
        "value": [1.30, 1.05, 1.15, 0.85, 1.00, 0.72],
        "spec_cac": [1200, 2800, 8500, 5200, 12000, 6800],
    }
)
# The sample's customers are worth less than the SPEC's illustrative 11k-25k LTVs (its tier
# economics in §2a are the ones the sample follows), so acquisition spend is the SPEC CAC
# scaled by this factor: LTV/CAC then lands in the SPEC's bands.
CAC_SCALE = 0.10

MODELS = pd.DataFrame(
    {
        "vehicle_model": ["S5 Sedan", "S7 Sedan", "X5 SUV", "X7 SUV", "M9 MPV"],
        "share": [0.26, 0.22, 0.25, 0.17, 0.10],
        "price": [180_000, 260_000, 300_000, 420_000, 520_000],
    }
)

KINDS = np.array(["maintenance", "repair", "accident", "parts", "accessories"])
KIND_SHARE = np.array([0.58, 0.20, 0.05, 0.10, 0.07])
KIND_MEDIAN_REVENUE = np.array([520.0, 1600.0, 6500.0, 450.0, 1000.0])
KIND_MARGIN = np.array([0.45, 0.35, 0.25, 0.30, 0.40])

# Monthly seasonality of workshop visits (Spring Festival dip in February, travel peaks).
MONTH_WEIGHT = np.array([1.15, 0.70, 1.00, 1.05, 1.00, 1.05, 1.15, 1.10, 0.95, 1.20, 0.95, 0.90])

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国浩宇晨欣怡子涵雨轩")
