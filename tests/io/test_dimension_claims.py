"""A sheet whose <dimension> claims the whole grid still gets its tier columns beside the table."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tierkit.cli import main


def _book(path: Path, dimension: str, extra: tuple[str, object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Revenue", "Region"])
    for i in range(1, 21):
        ws.append([f"C{i:03d}", 1000.0 * i, "East"])
    if extra:
        ws[extra[0]] = extra[1]
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                assert dimension.encode() in data
            zout.writestr(info, data)
    return path


def _apply(src: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["apply", str(src), "--rules", "abc", "-o", str(out), "-q"])
    return result.exit_code, result.output


def test_a_dimension_claiming_the_whole_grid_puts_the_tier_columns_after_the_table(tmp_path: Path) -> None:
    src = _book(tmp_path / "claims.xlsx", "A1:XFD1048576")
    code, output = _apply(src, tmp_path / "out.xlsx")
    assert code == 0, output
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Customers"]
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert header[:4] == ("Customer ID", "Revenue", "Region", "Tier")


def test_a_real_cell_right_of_the_table_is_kept_and_the_tier_columns_follow_it(tmp_path: Path) -> None:
    src = _book(tmp_path / "claims.xlsx", "A1:XFD1048576", extra=("D7", "a note"))
    code, output = _apply(src, tmp_path / "out.xlsx")
    assert code == 0, output
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Customers"]
    assert ws["D7"].value == "a note"
    assert ws["E1"].value == "Tier"
