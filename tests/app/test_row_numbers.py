"""One row-numbering convention: every command names a customer by the Excel row the user sees."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tierkit.cli import main

RULES = """
name: sizes
title: {en: Sizes, zh: 规模}
hit_policy: unique
fields:
  customer_id: {type: string, aliases: [客户编号]}
  revenue: {type: float, aliases: [销售额]}
segments:
  - {id: big, label: {en: Big, zh: 大}, when: revenue >= 1000}
  - {id: huge, label: {en: Huge, zh: 特大}, when: revenue >= 5000}
  - {id: small, label: {en: Small, zh: 小}, when: revenue < 100}
"""


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户名单"])          # row 1: a title
    ws.append([])                    # row 2: blank
    ws.append(["客户编号", "销售额"])  # row 3: the header
    ws.append(["C1", 500])           # row 4: a gap
    ws.append([])                    # row 5: blank inside the table
    ws.append(["C2", 9000])          # row 6: big and huge overlap
    ws.append(["C3", 50])            # row 7
    wb.save(path)
    return path


def test_every_command_names_the_excel_row(tmp_path: Path) -> None:
    src = _book(tmp_path / "c.xlsx")
    rules = tmp_path / "sizes.yaml"
    rules.write_text(RULES, encoding="utf-8")
    runner = CliRunner()

    check = runner.invoke(main, ["rules", "check", str(rules), "--data", str(src)])
    assert re.search(r"gap: 1 rows match no segment, e\.g\. rows 4\b", check.output), check.output
    assert re.search(r"overlap: 1 rows match several segments, e\.g\. rows 6\b", check.output), check.output

    applied = runner.invoke(main, ["apply", str(src), "--rules", str(rules), "-o", str(tmp_path / "o.xlsx")])
    assert applied.exit_code == 2 and "(rows 6; row 6 matches big, huge)" in applied.output, applied.output

    first = tmp_path / "first.yaml"
    first.write_text(RULES.replace("hit_policy: unique", "hit_policy: first"), encoding="utf-8")
    explained = runner.invoke(main, ["explain", str(src), "--rules", str(first), "--row", "7", "--lang", "zh"])
    assert explained.exit_code == 0, explained.output
    assert explained.output.startswith("第 7 行：小"), explained.output
    blank = runner.invoke(main, ["explain", str(src), "--rules", str(first), "--row", "5"])
    assert blank.exit_code == 2 and "is a blank row" in blank.output
