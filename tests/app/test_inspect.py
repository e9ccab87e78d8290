"""``tierkit inspect``: the data report says what will be read, converted and matched, in en and zh."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tierkit.cli import main

RULES = """
name: vip
title: {en: VIP, zh: 重点客户}
measure: revenue
fields:
  customer_id: {type: string, aliases: [客户编号]}
  revenue: {type: float, aliases: [销售额]}
  last_order: {type: date, aliases: [最近下单]}
segments:
  - {id: key, label: {en: Key, zh: 关键}, when: revenue >= 1000}
  - {id: recent, label: {en: Recent, zh: 近期}, when: 'last_order >= d"2024-02-01"'}
  - {id: other, label: {en: Other, zh: 其他}, default: true}
"""


def _book(path: Path, bad: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["2024 客户名单"])
    ws.append(["客户编号", "销售额", "最近下单"])
    ws.append(["C1", "¥1,234.50", "2024/1/5"])
    ws.append(["C2", 300, "2024年2月1日"])
    ws.append(["C3", "lots" if bad else "1.2万", None])
    wb.save(path)
    return path


def test_inspect_reports_header_columns_and_conversions(tmp_path: Path) -> None:
    rules = tmp_path / "vip.yaml"
    rules.write_text(RULES, encoding="utf-8")
    src = _book(tmp_path / "c.xlsx")
    before = src.read_bytes()
    res = CliRunner().invoke(main, ["inspect", str(src), "--rules", str(rules)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "header: row 2 (detected" in out and "data: 3 rows (Excel rows 3-5)" in out
    assert "columns for vip: revenue ← 销售额; last_order ← 最近下单" in out
    assert "column 销售额: 2 cells read from text, e.g. '¥1,234.50' → 1234.5" in out
    assert "column 最近下单: 2 cells read from text, e.g. '2024/1/5' → 2024-01-05" in out
    assert src.read_bytes() == before  # nothing is written
    zh = CliRunner().invoke(main, ["inspect", str(src), "--rules", str(rules), "--lang", "zh"]).output
    assert "表头：第 2 行" in zh and "由文字读取" in zh
    data = {"vip", "revenue", "last_order", "xlsx", "Excel"}  # field names, the file, a product name
    words = set(re.findall(r"[A-Za-z_]+", re.sub(r"'[^']*'|/\S+", "", zh))) - data
    assert not words, words


def test_inspect_reports_a_cell_that_cannot_be_read_instead_of_stopping(tmp_path: Path) -> None:
    rules = tmp_path / "vip.yaml"
    rules.write_text(RULES, encoding="utf-8")
    res = CliRunner().invoke(main, ["inspect", str(_book(tmp_path / "c.xlsx", bad=True)), "--rules", str(rules)])
    assert res.exit_code == 0, res.output
    assert re.search(r"vip: cannot read 'lots' as a number in column '销售额'.*cell 客户!B5", res.output), res.output
