"""The Tier summary sheet a manager can hand out: number formats, widths, styled headers, readable fills.

Both writers are checked: the patched copy of a workbook (:mod:`tierkit.io.parts`) and the new workbook
written for csv input (:mod:`tierkit.io.newbook`); the data sheet's tier fills too.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tierkit.app import apply_rulesets, open_table, table_source
from tierkit.contrast import AA, contrast

SAMPLES = Path(__file__).parents[2] / "sample_workbooks"
INPUTS = {"patched": "distributor.xlsx", "new": "customers_simple.csv"}


@pytest.fixture(scope="module", params=sorted(INPUTS))
def output(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = SAMPLES / INPUTS[request.param]
    dst = tmp_path_factory.mktemp(request.param) / "out.xlsx"
    table = open_table(src)
    apply_rulesets(table, ["abc"], dst, source=table_source(table))
    return dst


def _rgb(colour: str) -> str:
    return "#" + colour[-6:]


def test_number_formats_and_widths(output: Path) -> None:
    ws = openpyxl.load_workbook(output)["Tier summary"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["Tier ID", "Tier", "Customers", "Share"]
    first = ws[3]
    formats = [c.number_format for c in first[:6]]
    assert formats[2] == "#,##0" and formats[3] == "0.0%" and formats[5] == "0.0%"
    assert "#,##0" in formats[4]  # revenue: thousands
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["A"] < 12, "a one-letter tier id needs no wide column"
    assert all(6 <= w <= 40 for w in widths.values())
    assert all(c.font.bold for c in ws[2] if c.value)  # styled header


def test_every_filled_cell_has_readable_text(output: Path) -> None:
    wb = openpyxl.load_workbook(output)
    checked = 0
    data = wb.worksheets[0]
    tier_columns = {c.column for c in data[1] if isinstance(c.value, str) and c.value.startswith("Tier")}
    assert tier_columns
    for ws in (wb["Tier summary"], data):
        for row in ws.iter_rows(max_row=60):
            for cell in row:
                if ws is data and (cell.column not in tier_columns or cell.row == 1):
                    continue  # the input's own cells, and the header styled as the input's header
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                if isinstance(fill, str) and cell.value not in (None, ""):
                    font = cell.font.color.rgb if cell.font.color is not None else "FF000000"
                    assert isinstance(font, str), cell.coordinate
                    assert contrast(_rgb(fill), _rgb(font)) >= AA, (ws.title, cell.coordinate, fill, font)
                    checked += 1
    assert checked > 10


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_shows_formatted_numbers(tmp_path: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.fail("LibreOffice (soffice) is not installed: scripts/test.sh installs it (apt-get)")
    out = tmp_path / "out.xlsx"
    apply_rulesets(open_table(SAMPLES / "customers_simple.csv"), ["abc"], out)
    # token 9 true: cell contents as shown; the 12th token -1: every sheet to its own file
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", filt, "--outdir", str(tmp_path / "csv"), str(out)],
                   capture_output=True, timeout=240, check=True, env={**os.environ, "HOME": str(tmp_path)})
    summary = next((tmp_path / "csv").glob("*Tier summary*.csv"))
    with summary.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    a_row = next(r for r in rows if r and r[0] == "A")
    assert a_row[3].endswith("%") and "." in a_row[3]  # 20.5%
    assert "," in a_row[4]  # 20,810,118.57
    total = next(r for r in rows if len(r) > 1 and r[1] == "Total")
    assert total[3] == "100.0%"
