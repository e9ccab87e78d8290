"""Generate the sample workbooks in this folder (fixed seed: the output is byte-for-byte reproducible).

    python sample_workbooks/make_samples.py            # writes next to this script
    python sample_workbooks/make_samples.py OUT_DIR

* ``distributor.xlsx``: a B2B distributor (2,000 customers, ~40,000 orders 2022-2024) with a
  Customers sheet (ids, Chinese and English names, region, industry, acquisition channel,
  source, preference, credit and risk columns, service cost, share of wallet, executive
  relationship) and an Orders sheet (id, customer, date, amount, gross margin, product,
  channel).  Revenue is long-tailed: the top 20% of customers bring about 80%.
* ``retail_members.xlsx``: a supermarket membership programme (3,000 members, ~30,000
  transactions 2023-2024) with English headers and some Chinese.
* ``customers_simple.xlsx`` / ``.csv``: 200 customers as one flat table (revenue, orders, first
  and last order date, gross profit, service cost, region): works with ``abc``, ``value``,
  ``rfm``, ``lifecycle`` and ``profit`` directly.
Each workbook has a README sheet (the last sheet) saying what it is.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import samples_grouping  # next to this script
import xlsxwriter
from samples_methods import extend as methods_columns

SEED = 20240601
START, END = dt.date(2022, 1, 1), dt.date(2024, 12, 31)
CREATED = dt.datetime(2025, 1, 1, 9, 0, 0)

CITIES = [  # zh, en, region zh
    ("上海", "Shanghai", "华东"),
    ("苏州", "Suzhou", "华东"),
    ("杭州", "Hangzhou", "华东"),
    ("南京", "Nanjing", "华东"),
    ("宁波", "Ningbo", "华东"),
    ("北京", "Beijing", "华北"),
    ("天津", "Tianjin", "华北"),
    ("石家庄", "Shijiazhuang", "华北"),
    ("广州", "Guangzhou", "华南"),
    ("深圳", "Shenzhen", "华南"),
    ("东莞", "Dongguan", "华南"),
    ("成都", "Chengdu", "西南"),
    ("重庆", "Chongqing", "西南"),
    ("武汉", "Wuhan", "华中"),
    ("长沙", "Changsha", "华中"),
    ("沈阳", "Shenyang", "东北"),
    ("西安", "Xi'an", "西北"),
]
BRANDS = [
    ("恒达", "Hengda"),
    ("华信", "Huaxin"),
    ("宏远", "Hongyuan"),
    ("金鼎", "Jinding"),
    ("联创", "Lianchuang"),
    ("启明", "Qiming"),
    ("瑞丰", "Ruifeng"),
    ("盛世", "Shengshi"),
    ("天宇", "Tianyu"),
    ("新锐", "Xinrui"),
    ("永安", "Yong'an"),
    ("中科", "Zhongke"),
    ("博源", "Boyuan"),
    ("东方", "Dongfang"),
    ("海纳", "Haina"),
    ("嘉禾", "Jiahe"),
    ("凯达", "Kaida"),
    ("隆鑫", "Longxin"),
    ("明泰", "Mingtai"),
    ("鹏程", "Pengcheng"),
    ("润泽", "Runze"),
    ("泰和", "Taihe"),
    ("万通", "Wantong"),
    ("远航", "Yuanhang"),
    ("卓越", "Zhuoyue"),
]
INDUSTRIES = [  # zh, en, name suffix zh, suffix en
    ("制造业", "Manufacturing", "机电有限公司", "Electromechanical Co., Ltd."),
    ("建筑", "Construction", "建设工程有限公司", "Construction Engineering Co., Ltd."),
    ("医疗", "Healthcare", "医疗器械有限公司", "Medical Devices Co., Ltd."),
    ("零售", "Retail", "商贸有限公司", "Trading Co., Ltd."),
    ("物流", "Logistics", "物流有限公司", "Logistics Co., Ltd."),
    ("能源", "Energy", "能源科技有限公司", "Energy Technology Co., Ltd."),
    ("信息技术", "IT", "信息技术有限公司", "Information Technology Co., Ltd."),
    ("食品", "Food", "食品有限公司", "Food Co., Ltd."),
]
PRODUCTS = [  # name, margin rate
    ("轴承", 0.18),
    ("电机", 0.22),
    ("传感器", 0.32),
    ("阀门", 0.20),
    ("减速机", 0.24),
    ("变频器", 0.28),
    ("线缆", 0.10),
    ("紧固件", 0.15),
    ("工具", 0.26),
    ("润滑油", 0.30),
]
CHANNELS = ["直销", "经销商", "线上商城", "电话订购"]
ACQUISITION = ["自然流量", "推销", "强推"]
SOURCES = ["展会", "转介绍", "官网", "电话营销", "招投标"]
PREFERENCES = ["技术领导者", "价值取向者", "价格主导者"]
REPS = ["王磊", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄勇"]
MONTH_WEIGHT = np.array([0.55, 0.45, 1.1, 1.15, 1.05, 1.0, 0.85, 0.8, 1.15, 1.2, 1.25, 1.3])


def _days(rng: np.random.Generator, lo: dt.date, hi: dt.date, growth: float, n: int) -> np.ndarray:
    """``n`` order dates in [lo, hi], seasonal, with a yearly trend ``growth`` (log scale)."""
    span = pd.date_range(lo, hi, freq="D")
    t = (span - pd.Timestamp(START)).days.to_numpy() / 365.0
    w = MONTH_WEIGHT[span.month.to_numpy() - 1] * np.exp(growth * t)
    return np.sort(rng.choice(span.to_numpy(), size=n, p=w / w.sum()))


def distributor(
    rng: np.random.Generator, n_customers: int = 2000, n_orders: int = 40000
) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"KH{i:04d}" for i in range(1, n_customers + 1)]
    city = rng.integers(0, len(CITIES), n_customers)
    brand = rng.integers(0, len(BRANDS), n_customers)
    industry = rng.integers(0, len(INDUSTRIES), n_customers)
    size = rng.lognormal(0.0, 1.55, n_customers)
    window = (END - START).days
    is_new = rng.random(n_customers) < 0.25
    start = np.where(is_new, rng.integers(0, window - 20, n_customers), 0)
    churn = rng.random(n_customers) < 0.18
    stop = np.where(churn, start + (rng.random(n_customers) * (window - start) * 0.7).astype(int), window)
    never = rng.random(n_customers) < 0.05
    growth = rng.normal(0.0, 0.45, n_customers)
    active = (stop - start + 1) / (window + 1)
    lam = size**0.6 * active
    lam = lam / lam[~never].sum() * n_orders
    counts = np.where(never, 0, np.maximum(rng.poisson(lam), 1))
    breadth = np.clip(
        np.round(1 + rng.random(n_customers) * 2 * np.log1p(size * 3)), 1, len(PRODUCTS)
    ).astype(int)
    main_channel = rng.integers(0, len(CHANNELS), n_customers)
    rows = []
    order_no = 0
    for i in range(n_customers):
        if counts[i] == 0:
            continue
        lo = START + dt.timedelta(days=int(start[i]))
        hi = START + dt.timedelta(days=int(max(stop[i], start[i])))
        dates = _days(rng, lo, hi, float(growth[i]), int(counts[i]))
        prods = rng.choice(len(PRODUCTS), size=breadth[i], replace=False)
        pick = prods[rng.integers(0, len(prods), counts[i])]
        amount = np.round(rng.lognormal(np.log(2500 * size[i] ** 0.4), 0.55, counts[i]), 2)
        rate = np.array([PRODUCTS[p][1] for p in pick]) * rng.normal(1.0, 0.25, counts[i])
        chan = np.where(
            rng.random(counts[i]) < 0.85, main_channel[i], rng.integers(0, len(CHANNELS), counts[i])
        )
        for d, p, a, r, c in zip(dates, pick, amount, rate, chan, strict=True):
            order_no += 1
            rows.append(
                (
                    f"SO{order_no:06d}",
                    ids[i],
                    pd.Timestamp(d).date(),
                    a,
                    round(a * r, 2),
                    PRODUCTS[p][0],
                    CHANNELS[c],
                )
            )
    orders = pd.DataFrame(rows, columns=["订单号", "客户编号", "下单日期", "金额", "毛利", "产品", "渠道"])
    orders = orders.sort_values(["下单日期", "订单号"], kind="stable").reset_index(drop=True)

    def risk(p_high: float, p_mid: float) -> list[str | None]:
        u = rng.random(n_customers)
        return ["高" if x < p_high else "中" if x < p_high + p_mid else None for x in u]

    credit = rng.choice(["高", "普通", "低"], n_customers, p=[0.35, 0.5, 0.15])
    customers = pd.DataFrame(
        {
            "客户编号": ids,
            "客户名称": [
                f"{CITIES[c][0]}{BRANDS[b][0]}{INDUSTRIES[k][2]}"
                for c, b, k in zip(city, brand, industry, strict=True)
            ],
            "Customer name": [
                f"{CITIES[c][1]} {BRANDS[b][1]} {INDUSTRIES[k][3]}"
                for c, b, k in zip(city, brand, industry, strict=True)
            ],
            "区域": [CITIES[c][2] for c in city],
            "城市": [CITIES[c][0] for c in city],
            "行业": [INDUSTRIES[k][0] for k in industry],
            "客户经理": rng.choice(REPS, n_customers),
            "获客渠道": rng.choice(ACQUISITION, n_customers, p=[0.45, 0.4, 0.15]),
            "客户来源": rng.choice(SOURCES, n_customers),
            "购买偏好": rng.choice(PREFERENCES, n_customers, p=[0.2, 0.45, 0.35]),
            "信用等级": credit,
            "逾期次数": np.where(credit == "低", rng.poisson(4, n_customers), rng.poisson(0.4, n_customers)),
            "我方份额": np.round(np.clip(rng.beta(2, 3, n_customers), 0.02, 1.0), 2),
            "服务成本": np.round(rng.lognormal(np.log(2000), 0.7, n_customers) + 70 * counts, 0),
            "高层关系": np.where(rng.random(n_customers) < 0.12 + 0.2 * (size > 3), "有", "无"),
            "合作难度": np.where(rng.random(n_customers) < 0.25, "错位合作", "对等合作"),
            "产品风险": risk(0.01, 0.04),
            "财务风险": risk(0.015, 0.05),
            "信用风险": [("高" if c == "低" and rng.random() < 0.2 else None) for c in credit],
            "管理风险": risk(0.01, 0.03),
            "政治风险": risk(0.004, 0.01),
        }
    )
    return customers, orders


def retail(
    rng: np.random.Generator, n_members: int = 3000, n_tx: int = 30000
) -> tuple[pd.DataFrame, pd.DataFrame]:
    first = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Tao", "Hui", "Jun", "Li", "Xin", "Yu"]
    last = [
        ("Wang", "王"),
        ("Li", "李"),
        ("Zhang", "张"),
        ("Liu", "刘"),
        ("Chen", "陈"),
        ("Yang", "杨"),
        ("Zhao", "赵"),
        ("Huang", "黄"),
        ("Zhou", "周"),
        ("Wu", "吴"),
    ]
    given_zh = {
        "Wei": "伟",
        "Fang": "芳",
        "Min": "敏",
        "Jing": "静",
        "Lei": "磊",
        "Yan": "艳",
        "Tao": "涛",
        "Hui": "慧",
        "Jun": "军",
        "Li": "丽",
        "Xin": "欣",
        "Yu": "宇",
    }
    stores = ["Shanghai Xuhui 徐汇店", "Shanghai Pudong 浦东店", "Hangzhou Xihu 西湖店", "Suzhou SIP 园区店"]
    cats = [
        ("Fresh 生鲜", 0.22),
        ("Grocery 粮油", 0.12),
        ("Snacks 零食", 0.30),
        ("Beauty 美妆", 0.40),
        ("Household 日用", 0.25),
        ("Baby 母婴", 0.28),
        ("Wine 酒水", 0.35),
    ]
    start, end = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
    window = (end - start).days
    ids = [f"M{i:05d}" for i in range(1, n_members + 1)]
    joined = rng.integers(-400, window - 10, n_members)
    spend = rng.lognormal(0.0, 1.1, n_members)
    lapse = rng.random(n_members) < 0.3
    stop = np.where(lapse, np.maximum(joined, 0) + (rng.random(n_members) * window * 0.6).astype(int), window)
    stop = np.minimum(stop, window)
    lam = spend**0.7 * (stop - np.maximum(joined, 0) + 1) / (window + 1)
    counts = rng.poisson(lam / lam.sum() * n_tx)
    rows = []
    for i in range(n_members):
        if counts[i] == 0:
            continue
        lo = start + dt.timedelta(days=int(max(joined[i], 0)))
        hi = start + dt.timedelta(days=int(max(stop[i], joined[i], 0)))
        for d in _days(rng, lo, hi, 0.0, int(counts[i])):
            c = int(rng.integers(0, len(cats)))
            amount = round(float(rng.lognormal(np.log(80 * spend[i] ** 0.3), 0.7)), 2)
            rows.append(
                (
                    ids[i],
                    pd.Timestamp(d).date(),
                    amount,
                    round(amount * cats[c][1], 2),
                    cats[c][0],
                    stores[int(rng.integers(0, len(stores)))],
                )
            )
    tx = pd.DataFrame(rows, columns=["Member ID", "Date", "Amount", "Gross margin", "Category 品类", "Store"])
    tx = tx.sort_values(["Date", "Member ID"], kind="stable").reset_index(drop=True)
    fn = rng.integers(0, len(first), n_members)
    ln = rng.integers(0, len(last), n_members)
    members = pd.DataFrame(
        {
            "Member ID": ids,
            "Name": [f"{first[f]} {last[k][0]}" for f, k in zip(fn, ln, strict=True)],
            "姓名": [f"{last[k][1]}{given_zh[first[f]]}" for f, k in zip(fn, ln, strict=True)],
            "Gender": rng.choice(["F", "M"], n_members, p=[0.62, 0.38]),
            "Age": rng.integers(18, 75, n_members),
            "City 城市": rng.choice(["Shanghai", "Hangzhou", "Suzhou"], n_members, p=[0.6, 0.25, 0.15]),
            "Joined": [start + dt.timedelta(days=int(j)) for j in joined],
            "Signup channel": rng.choice(["Store 门店", "App", "WeChat 微信"], n_members, p=[0.5, 0.2, 0.3]),
            "Email opt-in": rng.choice(["Yes", "No"], n_members, p=[0.4, 0.6]),
        }
    )
    return members, tx


def simple(
    customers: pd.DataFrame, orders: pd.DataFrame, rng: np.random.Generator, n: int = 200
) -> pd.DataFrame:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tierkit.features import customer_features

    f = customer_features(orders, customer="客户编号", date="下单日期", amount="金额", margin="毛利")
    f = f.merge(
        customers[["客户编号", "客户名称", "Customer name", "区域", "行业", "服务成本"]], on="客户编号"
    )
    pick = np.sort(rng.choice(len(f), size=n, replace=False))
    f = f.iloc[pick].reset_index(drop=True)
    return pd.DataFrame(
        {
            "Customer ID": f["客户编号"],
            "Customer": f["Customer name"],
            "客户名称": f["客户名称"],
            "Region 区域": f["区域"],
            "Industry 行业": f["行业"],
            "Revenue": f["monetary"].round(2),
            "Orders": f["frequency"].astype(int),
            "First order": f["first_purchase"].dt.date,
            "Last order": f["last_purchase"].dt.date,
            "Gross profit": f["gross_profit"].round(2),
            "Service cost": f["服务成本"],
        }
    )


def write_xlsx(path: Path, sheets: list[tuple[str, pd.DataFrame]], readme: list[str]) -> None:
    sheets = methods_columns(path.name, sheets)  # the method rule sets' columns (samples_methods.py)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"title": path.stem, "author": "tierkit make_samples.py", "created": CREATED})
    bold = wb.add_format({"bold": True, "bg_color": "#e8eaf6", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    for name, frame in sheets:
        ws = wb.add_worksheet(name)
        ws.freeze_panes(1, 0)
        for c, col in enumerate(frame.columns):
            ws.write_string(0, c, str(col), bold)
            kind = frame[col].dtype
            width = max(
                10, min(40, int(frame[col].astype(str).str.len().quantile(0.9)) + 4, len(str(col)) * 2 + 2)
            )
            fmt = money if kind == "float64" else None
            ws.set_column(c, c, width, fmt)
        values = frame.to_numpy(dtype=object)
        for r, row in enumerate(values, start=1):
            for c, v in enumerate(row):
                if v is None or (isinstance(v, float) and np.isnan(v)):
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, (int, float, np.integer, np.floating)):
                    ws.write_number(r, c, float(v))
                else:
                    ws.write_string(r, c, str(v))
    ws = wb.add_worksheet("README")
    ws.set_column(0, 0, 120)
    title = wb.add_format({"bold": True, "font_size": 14})
    for r, line in enumerate(readme):
        ws.write_string(r, 0, line, title if r == 0 else None)
    wb.close()


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    customers, orders = distributor(rng)
    write_xlsx(
        out_dir / "distributor.xlsx",
        [("Customers", samples_grouping.add_grouping_columns(customers)), ("Orders", orders)],  # own seed
        [
            "Sample: B2B industrial-parts distributor 示例：工业品分销商 (generated data, fixed seed)",
            f"Customers 客户: {len(customers):,} rows, one per customer (客户编号 is the key). "
            "Orders 订单: {:,} order lines {} to {}.".format(len(orders), START, END),
            "Customers columns: 客户编号 id, 客户名称 / Customer name, 区域 region, "
            "城市 city, 行业 industry, "
            "客户经理 account manager, 获客渠道 acquisition "
            "(自然流量 organic / 推销 sales-pushed / 强推 hard-push), "
            "客户来源 source, 购买偏好 preference, 信用等级 credit (高/普通/低), 逾期次数 overdue payments, "
            "我方份额 our share of the customer's purchases (0-1), "
            "服务成本 service cost over the same 3 years, "
            "高层关系 executive relationship (有/无), 合作难度 cooperation (对等/错位), "
            "产品/财务/信用/管理/政治风险 risk flags (高/中/blank).",
            "Grouping columns: " + "; ".join(f"{k} {v}" for k, v in samples_grouping.COLUMNS.items()) + ".",
            "Orders columns: 订单号 order no, 客户编号 customer id, 下单日期 date, "
            "金额 amount (CNY), 毛利 gross margin, "
            "产品 product, 渠道 channel.",
            "About 5% of customers have no orders (potential customers); about 18% stopped buying (churned); "
            "revenue is long-tailed (the top 20% of customers bring about 80%).",
            "Try: tierkit apply sample_workbooks/distributor.xlsx --sheet Customers --rules abc --rules rfm",
            "Made by sample_workbooks/make_samples.py; the same seed always gives the same file.",
        ],
    )
    members, tx = retail(rng)
    write_xlsx(
        out_dir / "retail_members.xlsx",
        [("Members", members), ("Transactions", tx)],
        [
            "Sample: supermarket membership programme 示例：超市会员 (generated data, fixed seed)",
            f"Members: {len(members):,} members (Member ID is the key); Transactions: {len(tx):,} purchases "
            "2023-01-01 to 2024-12-31 (Member ID, Date, Amount, Gross margin, Category 品类, Store).",
            "Some members never bought (joined, no purchase); about 30% lapsed. Use rfm, lifecycle or value.",
            "Try: tierkit apply sample_workbooks/retail_members.xlsx --sheet Members --rules rfm",
            "Made by sample_workbooks/make_samples.py; the same seed always gives the same file.",
        ],
    )
    flat = simple(customers, orders, rng)
    readme = [
        "Sample: a flat customer list 示例：客户清单 (200 customers of the distributor sample, one row each)",
        "Columns: Customer ID, Customer, 客户名称, Region 区域, Industry 行业, Revenue (3 years), Orders, "
        "First order, Last order, Gross profit, Service cost.",
        "Works directly with the abc, value, rfm, lifecycle and profit rule sets (no orders sheet needed).",
        "Try: tierkit apply sample_workbooks/customers_simple.xlsx --rules abc",
    ]
    write_xlsx(out_dir / "customers_simple.xlsx", [("Customers", flat)], readme)
    flat.to_csv(out_dir / "customers_simple.csv", index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
