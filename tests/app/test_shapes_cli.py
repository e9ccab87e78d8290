"""Table shapes reach every command: the table with the rule set's fields is chosen, hidden rows are reported
(or left out with --visible-only), and the console says which table was read."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tierkit.cli import main


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["地区", "目标"])  # a small table of targets, then the customers under it
    ws.append(["华东", 100])
    ws.append(["华北", 200])
    ws.append([])
    ws.append(["客户编号", "销售额"])
    ws.append(["C1", 90000])
    ws.append(["C2", 500])
    ws.append(["C3", 30000])
    ws.append(["C4", 100])
    ws.row_dimensions[9].hidden = True
    wb.save(path)
    return path


def test_apply_reads_the_table_with_the_fields_and_reports_hidden_rows(tmp_path: Path) -> None:
    src = _book(tmp_path / "two.xlsx")
    runner = CliRunner()
    res = runner.invoke(main, ["apply", str(src), "--rules", "abc", "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 0, res.output
    assert "abc: 4 rows" in res.output and "one of 2 tables" in res.output and "hidden" in res.output
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["Sheet1"]
    assert [ws.cell(row=r, column=4).value for r in range(5, 10)] == ["Tier ID", "A", "C", "A", "C"]
    assert ws.cell(row=1, column=4).value is None  # the targets table is left as it was
    res = runner.invoke(main, ["apply", str(src), "--rules", "abc", "--visible-only", "-o", str(tmp_path / "v.xlsx")])
    assert res.exit_code == 0 and "abc: 3 rows" in res.output, res.output
