"""Table shapes: Excel Tables, merged headers, hidden rows, several tables on one sheet (real workbooks
written with openpyxl, read back)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.table import Table

from tierkit.app.shapes import ShapeReport, choose_table
from tierkit.errors import InputFileError
from tierkit.io import read_table
from tierkit.io.read import read_tables
from tierkit.ruleset.model import Field

FIELDS = {"customer_id": Field("customer_id", aliases=("客户ID",)), "revenue": Field("revenue", "float",
                                                                                     aliases=("销售额",)),
          "orders": Field("orders", "int", aliases=("订单数",))}


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _list_object(tmp_path: Path, *, totals: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws["A1"] = "2024 客户表"
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["客户ID", "Name", "销售额"])
    for i in range(5):
        ws.append([1001 + i, f"c{i}", 100.0 * (i + 1)])
    if totals:
        ws.append(["合计", None, 1500.0])
    table = Table(displayName="Sales", ref=f"A3:C{8 + totals}")
    table.totalsRowCount = 1 if totals else None
    ws.add_table(table)
    ws["E20"] = "制表人：张三"
    return _save(wb, tmp_path / "lo.xlsx")


def test_list_object_below_a_title_with_a_totals_row(tmp_path: Path) -> None:
    t = read_table(_list_object(tmp_path))
    assert list(t.frame.columns) == ["客户ID", "Name", "销售额"]
    assert t.header_row == 3
    assert t.row_numbers.tolist() == [4, 5, 6, 7, 8]
    assert "合计" not in t.frame["客户ID"].tolist()
    assert t.shape.table_name == "Sales" and t.shape.totals_row == 9 and t.shape.block == "A3:C8"
    lines = ShapeReport.of(t).lines()
    assert "left out the Excel table's totals row (row 9)" in lines
    assert any("Sales" in line and "A3:C8" in line for line in lines)
    zh = ShapeReport.of(t).lines("zh")
    assert zh != lines and all(line for line in zh)


def test_list_object_without_totals_row_keeps_every_row(tmp_path: Path) -> None:
    t = read_table(_list_object(tmp_path, totals=False))
    assert t.row_numbers.tolist() == [4, 5, 6, 7, 8] and t.shape.totals_row is None


def test_table_by_name_and_unknown_name(tmp_path: Path) -> None:
    path = _list_object(tmp_path)
    assert read_table(path, table="sales").shape.table_name == "Sales"
    with pytest.raises(InputFileError, match="no table named 'Sale'") as err:
        read_table(path, table="Sale")
    assert "Sales" in str(err.value.hint)


def test_two_row_merged_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "Name", "销售", None, "Region"])
    ws.append([None, None, "金额", "数量", None])
    for ref in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        ws.merge_cells(ref)
    ws.append([1, "x", 10.0, 2, "华东"])
    ws.append([2, "y", 20.0, 3, "华南"])
    t = read_table(_save(wb, tmp_path / "m.xlsx"))
    assert list(t.frame.columns) == ["客户ID", "Name", "销售 金额", "销售 数量", "Region"]
    assert t.header_row == 2 and t.row_numbers.tolist() == [3, 4]
    assert t.shape.header_rows == (1, 2)
    assert any("rows 1-2" in line for line in ShapeReport.of(t).lines())


def test_two_row_header_found_by_its_lower_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "销售", None, None, None])
    ws.append([None, "金额", "数量", "单价", "折扣"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:E1")
    ws.append([7, 1.0, 2, 3.0, 0.1])
    t = read_table(_save(wb, tmp_path / "low.xlsx"))
    assert list(t.frame.columns) == ["客户ID", "销售 金额", "销售 数量", "销售 单价", "销售 折扣"]
    assert t.shape.header_rows == (1, 2) and t.row_numbers.tolist() == [3]


def test_one_row_header_with_a_merge_and_text_below_is_not_two_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "联系方式", None, "销售额"])
    ws.merge_cells("B1:C1")
    ws.append([1, "a@x.cn", "138", 10.0])
    ws.append([2, "b@x.cn", "139", 20.0])
    t = read_table(_save(wb, tmp_path / "m1.xlsx"))
    assert t.header_row == 1 and len(t) == 2
    assert list(t.frame.columns)[:2] == ["客户ID", "联系方式"]
    assert list(t.frame.columns)[2].startswith("联系方式")
    assert t.shape.merged_columns == ("C",)


def test_a_merged_title_right_above_the_header_is_no_group_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024 客户表"])
    ws.merge_cells("A1:C1")
    ws.append(["客户ID", "Name", "销售额"])
    ws.append([1, "a", 10.0])
    t = read_table(_save(wb, tmp_path / "title.xlsx"))
    assert list(t.frame.columns) == ["客户ID", "Name", "销售额"] and t.header_row == 2
    assert t.shape.header_rows == () and t.row_numbers.tolist() == [3]


def _hidden(tmp_path: Path, *, autofilter: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "销售额"])
    for i in range(6):
        ws.append([i + 1, float(i)])
    for r in (3, 5):
        ws.row_dimensions[r].hidden = True
    if autofilter:
        ws.auto_filter.ref = "A1:B7"
        ws.auto_filter.add_filter_column(1, ["0", "2", "4", "5"])
    return _save(wb, tmp_path / f"h{autofilter}.xlsx")


@pytest.mark.parametrize("autofilter", [False, True])
def test_hidden_rows_included_and_reported_or_left_out(tmp_path: Path, autofilter: bool) -> None:
    path = _hidden(tmp_path, autofilter=autofilter)
    t = read_table(path)
    assert t.row_numbers.tolist() == [2, 3, 4, 5, 6, 7]
    assert t.shape.hidden_rows == (3, 5) and not t.shape.hidden_left_out
    assert t.shape.filtered is autofilter
    (line,) = ShapeReport.of(t).lines()
    assert "2 " in line and "3, 5" in line and ("filter" in line) is autofilter
    v = read_table(path, visible_only=True)
    assert v.row_numbers.tolist() == [2, 4, 6, 7]
    assert v.frame["客户ID"].tolist() == [1, 3, 5, 6]
    assert ShapeReport.of(v).lines() == ["left out 2 hidden rows (Excel rows 3, 5)"]


def _side_by_side(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, None, None, "客户ID", "销售额", "订单数"])
    ws.append(["Region", "Target", None, 1, 10.0, 1])
    ws.append(["华东", 100.0, None, 2, 20.0, 2])
    ws.append(["华南", 200.0, None, 3, 30.0, 3])
    for i in range(4, 8):
        ws.append([None, None, None, i, 10.0 * i, i])
    return _save(wb, tmp_path / "side.xlsx")


def test_same_header_row_side_by_side_is_one_table_with_a_spacer(tmp_path: Path) -> None:
    """Tier columns written after a gap (or a small table beside, at the same header row) read as one table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "销售额", None, None, "Tier", "Tier ID"])
    ws.append([1, 10.0, None, None, "A", 1])
    ws.append([2, 20.0])
    ws.append([3, 30.0, None, None, "B", 2])
    t = read_table(_save(wb, tmp_path / "gap.xlsx"))
    assert list(t.frame.columns) == ["客户ID", "销售额", "Column_C", "Column_D", "Tier", "Tier ID"]
    assert t.shape.tables == () and len(t) == 3


def test_two_tables_side_by_side_chosen_by_fields(tmp_path: Path) -> None:
    path = _side_by_side(tmp_path)
    tables = read_tables(path)
    assert [t.shape.block for t in tables] == ["D1:F8", "A2:B4"]
    small = choose_table(tables, {"region": Field("region"), "target": Field("target", "float")})
    assert small.shape.block == "A2:B4" and small.shape.chosen_by == "fields"
    t = choose_table(path, FIELDS)
    assert t.shape.block == "D1:F8" and t.column_letters == ["D", "E", "F"]
    assert t.row_numbers.tolist() == list(range(2, 9))
    (line,) = ShapeReport.of(t, FIELDS).lines()
    assert "D1:F8" in line and "3 of the rule set's 3 fields" in line


def test_tables_one_under_another(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "销售额", "订单数"])
    for i in range(3):
        ws.append([i + 1, 10.0 * i, i])
    ws.append([])
    ws.append(["合计", 30.0, 3])             # stays with the table above (no header of its own)
    ws.append([])
    ws.append([])
    ws.append(["Region", "Target"])
    ws.append(["华东", 100.0])
    ws.append(["华南", 200.0])
    ws.append(["华北", 300.0])
    ws.append(["西南", 400.0])
    ws.append(["西北", 500.0])
    path = _save(wb, tmp_path / "under.xlsx")
    tables = read_tables(path)
    assert [t.shape.block for t in tables] == ["A1:C6", "A9:B14"]
    assert read_table(path).shape.block == "A1:C6"  # the largest (4 rows x 3 columns > 5 x 2)
    t = choose_table(path, FIELDS)
    assert t.row_numbers.tolist() == [2, 3, 4, 6] and t.shape.chosen_by == "fields"
    lines = ShapeReport.of(t, FIELDS).lines("zh")
    assert lines and "A1:C6" in lines[0]
    assert read_table(path, table="A9:B14").frame["Region"].tolist()[0] == "华东"
    assert read_table(path, header_row=9).shape.block == "A9:B14"


def test_a_blank_row_inside_one_table_does_not_split_it(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户ID", "Name", "Region", "销售额"])
    ws.append(["C1", "a", "华东", 10.0])
    ws.append([])
    ws.append(["C2", "b", "华南", 20.0])     # text-heavy data after a blank row: still the same table
    ws.append(["C3", "c", "华北", 30.0])
    t = read_table(_save(wb, tmp_path / "gap.xlsx"))
    assert t.row_numbers.tolist() == [2, 4, 5] and t.shape.tables == ()


def test_csv_with_two_tables_side_by_side(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["客户ID", "销售额", "", "", ""])
        w.writerows([[1, 10, "", "Region", "Target"], [2, 20, "", "华南", 2], [3, 30, "", "华北", 3]])
    t = choose_table(path, FIELDS)
    assert list(t.frame.columns) == ["客户ID", "销售额"] and len(t) == 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 8), m=st.integers(1, 5), gap=st.integers(1, 3), beside=st.booleans(),
       title=st.booleans(), other_first=st.booleans(), shift=st.integers(0, 2))
def test_the_table_with_the_fields_is_found_wherever_it_sits(tmp_path: Path, n: int, m: int, gap: int,
                                                            beside: bool, title: bool, other_first: bool,
                                                            shift: int) -> None:
    customers = [["客户ID", "销售额", "订单数"], *[[1000 + i, 10.0 * i + 0.5, i] for i in range(n)]]
    other = [["Region", "Target"], *[[f"R{i}", 100.0 * i] for i in range(m)]]
    first, second = (other, customers) if other_first else (customers, other)
    wb = openpyxl.Workbook()
    ws = wb.active
    top = 3 if title else 1
    if title:
        ws.cell(1, 1, "2024 销售")
    for k, r in enumerate(first):
        for j, v in enumerate(r):
            ws.cell(top + k, 1 + j, v)
    r2, c2 = (top + shift, 1 + len(first[0]) + gap) if beside else (top + len(first) + gap, 1)
    for k, r in enumerate(second):
        for j, v in enumerate(r):
            ws.cell(r2 + k, c2 + j, v)
    path = _save(wb, tmp_path / "place.xlsx")
    t = choose_table(path, FIELDS)
    assert [x for x in t.frame["客户ID"].tolist() if x is not None] == [1000 + i for i in range(n)]
    if beside and shift == 0:   # same header row, rows within each other's: one table with a spacer column
        assert t.shape.tables == () and {"客户ID", "销售额", "订单数", "Region", "Target"} <= set(t.frame.columns)
    else:
        assert list(t.frame.columns) == ["客户ID", "销售额", "订单数"] and len(t) == n
        assert len(t.shape.tables) == 2 and t.shape.chosen_by == "fields"


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_round_trip_keeps_the_table_and_hidden_rows(tmp_path: Path) -> None:
    """LibreOffice re-saves the workbook its own way (table part, row attributes): read the same."""
    from iofixtures import soffice

    src = _list_object(tmp_path)
    wb = openpyxl.load_workbook(src)
    wb.active.row_dimensions[5].hidden = True
    wb.save(src)
    out = tmp_path / "lo"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   capture_output=True, timeout=240, env={**os.environ, "HOME": str(out)}, check=False)
    t = read_table(out / src.name)
    assert t.shape.table_name == "Sales" and t.shape.totals_row == 9
    assert t.row_numbers.tolist() == [4, 5, 6, 7, 8] and t.shape.hidden_rows == (5,)
    assert t.frame["客户ID"].tolist() == [1001, 1002, 1003, 1004, 1005]
