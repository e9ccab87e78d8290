"""Clean customer workbooks, and messy copies of them as sales teams keep them.

The mess is realistic and meaning-preserving: a title line, subtotal rows per region and a grand total,
amounts typed as text (``¥1,234.50``, ``1,234.50``, ``1.2万``), dates typed as text, ids that are numbers in
some rows and text in others, blank rows, a repeated header, note rows under the table, hidden and
reordered columns.  Every customer of the messy copy must get the tier of its clean copy.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

AS_OF = dt.date(2024, 12, 31)
HEADER = ["客户编号", "客户名称", "区域", "销售额", "订单数", "最近下单日期"]
ORDERS_HEADER = ["订单号", "客户编号", "下单日期", "金额"]
REGIONS = ["华东", "华北", "华南"]


@dataclass
class Clean:
    customers: list[list[Any]]  # rows under HEADER; ids are digit strings
    orders: list[list[Any]]  # rows under ORDERS_HEADER


def clean_data(rng: random.Random, n: int = 30, with_orders: bool = True) -> Clean:
    ids = rng.sample(range(10001, 99999), n)
    customers, orders = [], []
    order_no = 1
    for k, cid in enumerate(ids):
        region = REGIONS[k % len(REGIONS)]
        count = rng.randint(1, 6)
        days = sorted(rng.sample(range(1, 700), count))
        amounts = [round(rng.lognormvariate(7, 1.2) / 10) * 10 + 10 for _ in range(count)]  # whole tens
        for day, amount in zip(days, amounts, strict=True):
            orders.append([f"O{order_no:05d}", str(cid), AS_OF - dt.timedelta(days=day), float(amount)])
            order_no += 1
        customers.append([str(cid), f"客户{k:03d}", region, float(sum(amounts)), count,
                          AS_OF - dt.timedelta(days=days[0])])
    return Clean(customers, orders if with_orders else [])


def _money_text(rng: random.Random, value: float) -> Any:
    """A form a user types an amount in; every form reads back as exactly ``value``."""
    forms = [value, f"{value:,.2f}", f"¥{value:,.2f}", f"{value:.0f}", f" {value:,.0f} "]
    if value % 100 == 0 and value >= 10000:
        forms.append(f"{value / 10000:g}万")
    return rng.choice(forms)


def _date_text(rng: random.Random, day: dt.date) -> Any:
    forms: list[Any] = [day, f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
                        day.isoformat()]
    return rng.choice(forms)


def _id_cell(rng: random.Random, cid: str) -> Any:
    return rng.choice([int(cid), cid, f" {cid} ", float(cid)])


def write_clean(path: Path, data: Clean) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(HEADER)
    for row in data.customers:
        ws.append(row)
    if data.orders:
        wo = wb.create_sheet("Orders")
        wo.append(ORDERS_HEADER)
        for row in data.orders:
            wo.append(row)
    wb.save(path)
    return path


def write_messy(path: Path, data: Clean, rng: random.Random) -> Path:
    """The same customers and orders, the way a sales team's workbook looks."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    order = list(range(len(HEADER)))
    rng.shuffle(order)  # reordered columns
    id_col = order.index(0)

    def put(values: list[Any]) -> None:
        ws.append([values[j] for j in order])

    ws.append(["2024 年客户名单（销售部）"])  # a title line
    ws.append([])
    put(HEADER)
    grand = 0.0
    for region in REGIONS:
        rows = [r for r in data.customers if r[2] == region]
        subtotal = 0.0
        for r in rows:
            put([_id_cell(rng, r[0]), r[1], r[2], _money_text(rng, r[3]), rng.choice([r[4], str(r[4])]),
                 _date_text(rng, r[5])])
            subtotal += r[3]
            if rng.random() < 0.1:
                ws.append([])  # a blank row inside the table
        put(["", f"{region} 小计", "", subtotal, sum(int(r[4]) for r in rows), None])
        grand += subtotal
        if rng.random() < 0.3:
            put(HEADER)  # printed reports repeat the header
    put(["合计", "", "", grand, sum(int(r[4]) for r in data.customers), None])
    ws.append([])
    ws.append(["制表人：张三"])  # note rows under the table
    ws.append(["备注：金额单位为元"])
    hidden = rng.choice([j for j in range(len(HEADER)) if order[j] not in (0, 3)])
    ws.column_dimensions[openpyxl.utils.get_column_letter(hidden + 1)].hidden = True
    assert ws.cell(row=3, column=id_col + 1).value == "客户编号"
    if data.orders:
        wo = wb.create_sheet("Orders")
        wo.append(["订单明细"])
        wo.append(ORDERS_HEADER)
        total = 0.0
        for o in data.orders:
            wo.append([o[0], _id_cell(rng, o[1]), _date_text(rng, o[2]), _money_text(rng, o[3])])
            total += o[3]
        wo.append(["合计", "", "", total])
    wb.save(path)
    return path
