"""Columns the method rule sets need, added to the generated sample workbooks (own fixed seed).

``make_samples.py`` calls :func:`extend` on every workbook's sheets just before writing them, so the
columns here are appended after the existing ones and the rest of each file stays as it was.

* distributor.xlsx, Orders: 数量 (quantity, for ABC by volume), 促销 (是 when the order was placed in
  a promotion; price-driven customers order in promotions far more often).
* distributor.xlsx, Customers: 平均库存 (average stock of our goods the customer holds, for turnover
  = revenue in the last 12 months / average stock), 业态 (trade format, for route_to_market),
  技术支持次数 (technical support requests in the last 12 months, for user_type), 用户类型
  (专业用户/普通用户, filled in for some customers).  About 2% of 获客渠道, 我方份额, 合作难度, 信用等级,
  高层关系, 服务成本, 业态 and 3% of 技术支持次数 are left blank, as in real customer lists, so the
  "unknown" tiers have customers.
* retail_members.xlsx, Transactions: Qty 数量, Promotion 促销.
* retail_members.xlsx, Members: about 2% of Age and Gender left blank; Monthly income 月收入, Main
  concern 关注点 (价格/品质, a survey answer, often blank), Usage 使用习惯 (门店为主/线上为主/线上线下),
  Feedback 反馈 (好评/建议/投诉, blank: none), Service rating 服务评价 (1-5, blank: not rated).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20251130
UNIT_PRICE = {"轴承": 85.0, "电机": 1200.0, "传感器": 320.0, "阀门": 260.0, "减速机": 1800.0, "变频器": 2400.0,
              "线缆": 12.0, "紧固件": 0.8, "工具": 150.0, "润滑油": 90.0}
FORMATS = ["工厂直供", "五金店", "批发商", "系统集成商"]
Sheets = list[tuple[str, pd.DataFrame]]


def extend(file_name: str, sheets: Sheets) -> Sheets:
    """``sheets`` of the workbook ``file_name`` with the method columns added (others unchanged)."""
    rng = np.random.default_rng([SEED, sum(map(ord, file_name))])
    frames = dict(sheets)
    if file_name == "distributor.xlsx":
        frames["Customers"], frames["Orders"] = _distributor(rng, frames["Customers"], frames["Orders"])
    elif file_name == "retail_members.xlsx":
        frames["Members"], frames["Transactions"] = _retail(rng, frames["Members"], frames["Transactions"])
    return [(name, frames[name]) for name, _ in sheets]


def _blank_some(rng: np.random.Generator, values: pd.Series, share: float) -> pd.Series:
    out = values.astype(object).copy()
    out[rng.random(len(out)) < share] = None
    return out


def _distributor(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers, orders = customers.copy(), orders.copy()
    n = len(customers)
    price = orders["产品"].map(UNIT_PRICE).to_numpy() * rng.normal(1.0, 0.08, len(orders))
    orders["数量"] = np.maximum(np.round(orders["金额"].to_numpy() / price), 1).astype(int)
    price_driven = dict(zip(customers["客户编号"], customers["购买偏好"] == "价格主导者", strict=True))
    p_promo = np.where(orders["客户编号"].map(price_driven).to_numpy(dtype=bool), 0.6, 0.06)
    orders["促销"] = np.where(rng.random(len(orders)) < p_promo, "是", None)
    for col in ("获客渠道", "我方份额", "合作难度", "信用等级", "高层关系", "服务成本"):
        customers[col] = _blank_some(rng, customers[col], 0.02)
    revenue = orders.groupby("客户编号")["金额"].sum().reindex(customers["客户编号"]).fillna(0.0).to_numpy()
    stock = revenue / 3 / rng.uniform(2.0, 14.0, n)  # three years of sales turn 2-14 times a year
    customers["平均库存"] = np.where(revenue > 0, np.round(stock, 0), None)
    customers["业态"] = _blank_some(rng, pd.Series(rng.choice(FORMATS, n, p=[0.3, 0.3, 0.25, 0.15])), 0.02).to_numpy()
    technical = customers["购买偏好"].eq("技术领导者").to_numpy()
    support = rng.poisson(np.where(technical, 5.0, 0.8)).astype(float)
    kind = np.where(support >= 3, "专业用户", "普通用户")
    customers["技术支持次数"] = np.where(rng.random(n) < 0.03, np.nan, support)
    customers["用户类型"] = np.where(rng.random(n) < 0.3, kind, None)
    return customers, orders


def _retail(rng: np.random.Generator, members: pd.DataFrame, tx: pd.DataFrame
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    members, tx = members.copy(), tx.copy()
    n = len(members)
    tx["Qty 数量"] = np.maximum(rng.poisson(tx["Amount"].to_numpy() / 25.0), 1)
    bargain = rng.random(n) < 0.35  # members who wait for promotions
    by_member = dict(zip(members["Member ID"], bargain, strict=True))
    p_promo = np.where(tx["Member ID"].map(by_member).to_numpy(dtype=bool), 0.55, 0.08)
    tx["Promotion 促销"] = np.where(rng.random(len(tx)) < p_promo, "Y", None)
    age = members["Age"].to_numpy()
    members["Age"] = np.where(rng.random(n) < 0.02, np.nan, age)
    members["Gender"] = _blank_some(rng, members["Gender"], 0.02).to_numpy()
    income = rng.lognormal(np.log(9000), 0.5, n) * np.where((age >= 30) & (age < 55), 1.3, 0.9)
    members["Monthly income 月收入"] = np.where(rng.random(n) < 0.05, np.nan, np.round(income, -2))
    concern = np.where(bargain, "价格", "品质")
    members["Main concern 关注点"] = np.where(rng.random(n) < 0.4, concern, None)
    members["Usage 使用习惯"] = _blank_some(
        rng, pd.Series(rng.choice(["门店为主", "线上为主", "线上线下"], n, p=[0.5, 0.2, 0.3])), 0.05).to_numpy()
    members["Feedback 反馈"] = rng.choice(np.array(["好评", "建议", "投诉", None], dtype=object), n,
                                         p=[0.2, 0.1, 0.06, 0.64])
    rating = rng.choice([5, 4, 3, 2, 1], n, p=[0.3, 0.35, 0.2, 0.1, 0.05]).astype(float)
    members["Service rating 服务评价"] = np.where(rng.random(n) < 0.3, np.nan, rating)
    return members, tx
