"""The rows left out and the orders-sheet notes reach the user: console, Tier summary and the brief's cover."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pdfplumber
from click.testing import CliRunner

from tierkit.cli import main

from .messy import clean_data, write_messy


def test_apply_and_brief_say_what_was_left_out(tmp_path: Path) -> None:
    src = write_messy(tmp_path / "messy.xlsx", clean_data(random.Random(5), n=12), random.Random(6))
    runner = CliRunner()
    res = runner.invoke(main, ["apply", str(src), "--sheet", "Customers", "--rules", "abc", "--as-of", "2024-12-31",
                               "-o", str(tmp_path / "out.xlsx")])
    assert res.exit_code == 0, res.output
    assert "totals/subtotals (Excel rows" in res.output and "notes under the table" in res.output
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    try:
        summary = [str(v) for row in wb["Tier summary"].iter_rows(values_only=True) for v in row if v]
    finally:
        wb.close()
    assert any("totals/subtotals" in v for v in summary)

    res = runner.invoke(main, ["brief", str(src), "--sheet", "Customers", "--rules", "abc", "--lang", "zh",
                               "--as-of", "2024/12/31", "-o", str(tmp_path / "b.pdf")])
    assert res.exit_code == 0, res.output
    with pdfplumber.open(tmp_path / "b.pdf") as pdf:
        cover = pdf.pages[0].extract_text() or ""
    flat = cover.replace(" ", "")
    assert "数据说明" in flat and "合计/小计行" in flat and "Excel第" in flat, cover
