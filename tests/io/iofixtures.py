"""Workbook builders and comparison helpers for the io tests (real files, no mocks)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pytest

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

HEADERS = ["客户 ID", "Name", "Region", "Revenue", "Orders", "Since", "Margin"]
ROWS = [
    [1001, "Alpha Ltd", "华东", 12500.5, 42, dt.datetime(2021, 3, 4), 0.25],
    [1002, "Beta & Co <x>", "North", 830.0, 3, dt.datetime(2022, 7, 1), -0.05],
    [1003, "甲乙丙 公司", "华南", 0.0, 0, dt.datetime(2023, 1, 15), 0.1],
    [1004, "  padded  ", "West", 99999.99, 120, dt.datetime(2020, 12, 31), 0.4],
    [1005, "=cmd|' /C calc'!A0", "East", 15.25, 1, dt.datetime(2024, 2, 29), 0.0],
]


def fake_vba_blob() -> bytes:
    """Bytes standing in for vbaProject.bin (an OLE compound file header and filler)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64


def build_rich_xlsx(path: Path, *, vba: bool = False, rows: list[list[object]] | None = None) -> Path:
    """A workbook holding most of what sales admins put in theirs (xlsxwriter)."""
    import xlsxwriter

    rows = ROWS if rows is None else rows
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Customers")
    intro = wb.add_worksheet("说明")
    head = wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1})
    money = wb.add_format({"num_format": "#,##0.00 [$¥-804]", "font_name": "Arial"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    pct = wb.add_format({"num_format": "0.0%", "italic": True, "bg_color": "#FFF2CC"})
    ws.write_row(0, 0, HEADERS, head)
    for i, row in enumerate(rows, start=1):
        ws.write_number(i, 0, row[0])
        ws.write_string(i, 1, row[1])
        ws.write_string(i, 2, row[2])
        ws.write_number(i, 3, row[3], money)
        ws.write_number(i, 4, row[4])
        ws.write_datetime(i, 5, row[5], date)
        ws.write_number(i, 6, row[6], pct)
    n = len(rows)
    ws.write_formula(n + 2, 2, "Total", None, "Total")
    ws.write_formula(n + 2, 3, f"=SUM(D2:D{n + 1})", money, sum(r[3] for r in rows))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, n, len(HEADERS) - 1)
    ws.conditional_format(1, 3, n, 3, {"type": "cell", "criteria": ">", "value": 1000,
                                        "format": wb.add_format({"font_color": "#9C0006"})})
    ws.data_validation(1, 2, n, 2, {"validate": "list", "source": ["华东", "华南", "North", "West", "East"]})
    ws.write_comment(1, 1, "Key account — 重点客户")
    ws.merge_range(n + 4, 0, n + 4, 3, "Notes: merged cell below the table", wb.add_format({"italic": True}))
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 24)
    wb.define_name("Revenue", f"=Customers!$D$2:$D${n + 1}")
    wb.define_name("Customers!LocalName", "=Customers!$A$1")
    intro.write(0, 0, "这个工作簿用于客户分层")
    intro.write_formula(1, 0, "=COUNTA(Customers!A:A)-1", None, n)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "Revenue", "categories": f"=Customers!$B$2:$B${n + 1}",
                      "values": f"=Customers!$D$2:$D${n + 1}"})
    intro.insert_chart("C3", chart)
    if vba:
        blob = path.with_suffix(".bin")
        blob.write_bytes(fake_vba_blob())
        wb.add_vba_project(str(blob))
    wb.close()
    return path


PIVOT_DEF = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<pivotCacheDefinition xmlns="{MAIN_NS}" xmlns:r="{REL_NS}" r:id="rId1" refreshOnLoad="1" '
    'createdVersion="6" refreshedVersion="6" minRefreshableVersion="3" recordCount="0">'
    '<cacheSource type="worksheet"><worksheetSource ref="A1:C6" sheet="Customers"/></cacheSource>'
    '<cacheFields count="3"><cacheField name="客户 ID" numFmtId="0"><sharedItems/></cacheField>'
    '<cacheField name="Name" numFmtId="0"><sharedItems/></cacheField>'
    '<cacheField name="Region" numFmtId="0"><sharedItems/></cacheField></cacheFields>'
    "</pivotCacheDefinition>"
)
PIVOT_RECORDS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<pivotCacheRecords xmlns="{MAIN_NS}" xmlns:r="{REL_NS}" count="0"/>'
)


def add_pivot_cache(path: Path) -> Path:
    """Add a pivot cache (definition + records, wired into the workbook) to an .xlsx in place."""
    src = zipfile.ZipFile(path)
    items = [(i, src.read(i)) for i in src.infolist()]
    src.close()
    ct_def = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"
    ct_rec = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"
    rel_def = REL_NS + "/pivotCacheDefinition"
    rel_rec = REL_NS + "/pivotCacheRecords"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    f'<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="{ct_def}"/>'
                    f'<Override PartName="/xl/pivotCache/pivotCacheRecords1.xml" ContentType="{ct_rec}"/>'
                    "</Types>").encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    f'<Relationship Id="rId99" Type="{rel_def}" Target="pivotCache/pivotCacheDefinition1.xml"/>'
                    "</Relationships>").encode())
            elif info.filename == "xl/workbook.xml":
                data = re.sub(rb"(<calcPr[^>]*/>)", rb'\1<pivotCaches><pivotCache cacheId="1" r:id="rId99"/>'
                              rb"</pivotCaches>", data)
            out.writestr(info, data)
        out.writestr("xl/pivotCache/pivotCacheDefinition1.xml", PIVOT_DEF)
        out.writestr("xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel_rec}" Target="pivotCacheRecords1.xml"/></Relationships>'))
        out.writestr("xl/pivotCache/pivotCacheRecords1.xml", PIVOT_RECORDS)
    return path


def build_openpyxl_xlsx(path: Path) -> Path:
    """A workbook saved by openpyxl: title rows above the header, a blank row inside the data."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Customer list 2024 (客户名单)"
    ws["A1"].font = Font(size=16, bold=True)
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["Name", "Revenue", "Name", None, "Region"])
    for c in ws[3]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="FFDDEBF7")
    ws.append(["Acme", 1200, "dup", None, "华东"])
    ws.append([])
    ws.append(["Globex", "=B4*2", "x", None, "North"])
    ws.append(["Initech", 50.5, None, None, "West"])
    ws["A4"].comment = Comment("first customer", "admin")
    ws.freeze_panes = "A4"
    other = wb.create_sheet("Other")
    other["A1"] = "keep me"
    other["B2"] = "=Data!B4"
    wb.save(path)
    return path


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def assert_untouched(src: Path, out: Path, changed: Iterable[str]) -> None:
    """Every part of ``src`` except ``changed`` is in ``out`` byte for byte."""
    a, b = parts_of(src), parts_of(out)
    allowed = set(changed)
    for name, data in a.items():
        assert name in b, f"{name} lost"
        if name not in allowed:
            assert b[name] == data, f"{name} changed"
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None


def sheet_cells(path: Path, sheet: str) -> dict[str, tuple[object, ...]]:
    """Every cell of a sheet with its value and formatting, as openpyxl reads it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (c.value, c.number_format, c.font.b, c.font.i, c.font.name,
                                 c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None)
    return out


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.fail("LibreOffice (soffice) is not installed: scripts/test.sh installs it (apt-get)")
    return exe


def lo_csv(soffice: str, path: Path, outdir: Path, sheet: int = 1) -> list[list[str]]:
    """Convert one sheet of ``path`` to CSV with LibreOffice headless and read it back."""
    import csv

    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    # 44=comma, 34=quote, 76=UTF-8, 1=first line; the 12th token picks the sheet (LibreOffice >= 7.2)
    filt = f'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}'
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", filt, "--outdir", str(outdir), str(path)],
        capture_output=True, text=True, timeout=240, env={**os.environ, "HOME": str(outdir)})
    produced = sorted(outdir.glob(path.stem + "*.csv"))
    assert produced, f"LibreOffice produced nothing: {proc.stdout} {proc.stderr}"
    with produced[0].open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))
