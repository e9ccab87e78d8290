from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from iofixtures import (
    add_pivot_cache,
    assert_untouched,
    build_openpyxl_xlsx,
    build_rich_xlsx,
    fake_vba_blob,
    parts_of,
    sheet_cells,
)

from tierkit.errors import DataError, InputFileError, OutputExistsError
from tierkit.io import NewColumn, RawTable, SummaryTable, read_table, write_output

TIERS = ["Gold", "Silver", "Bronze"]
FILLS = {"Gold": "#FFD700", "Silver": "#C0C0C0", "Bronze": "#CD7F32"}
TIER_HEADERS = ["Tier", "Tier ID", "Tier reason"]
SHEET1 = "xl/worksheets/sheet1.xml"
PACKAGE_EDITS = {SHEET1, "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}


def tier_columns(t: RawTable, shift: int = 0) -> list[NewColumn]:
    n = len(t.frame)
    tiers = [TIERS[(i + shift) % 3] for i in range(n)]
    return [
        NewColumn("Tier", tiers, [FILLS[x] for x in tiers]),
        NewColumn("Tier ID", [TIERS.index(x) + 1 for x in tiers], [FILLS[x] for x in tiers]),
        NewColumn("Tier reason", [f"rule {i} & <why> 层级" if i % 2 else None for i in range(n)]),
    ]


def summary_for(t: RawTable) -> list[SummaryTable]:
    return [SummaryTable("Tier counts 层级", ["Tier", "Customers", "Share"],
                         [[x, 2, 0.4] for x in TIERS], [FILLS[x] for x in TIERS])]


def check_new_cells(out: Path, t: RawTable, sheet: str, letters: list[str], shift: int = 0) -> None:
    wb = openpyxl.load_workbook(out)
    ws = wb[sheet]
    header_font = None
    for ref_cell in ws[t.header_row]:
        if ref_cell.value is not None:
            header_font = ref_cell.font.b
    for j, h in enumerate(TIER_HEADERS):
        c = ws[f"{letters[j]}{t.header_row}"]
        assert c.value == h
        assert c.font.b == header_font
    for i, r in enumerate(t.row_numbers.tolist()):
        tier = TIERS[(i + shift) % 3]
        a, b, c = (ws[f"{letters[k]}{r}"] for k in range(3))
        assert a.value == tier
        assert a.fill.fgColor.rgb == "FF" + FILLS[tier][1:]
        assert b.value == TIERS.index(tier) + 1
        assert c.value == (f"rule {i} & <why> 层级" if i % 2 else None)


def test_rich_workbook_lossless(tmp_path: Path) -> None:
    src = add_pivot_cache(build_rich_xlsx(tmp_path / "rich.xlsx"))
    t = read_table(src)
    out = write_output(t, tmp_path / "out.xlsx", tier_columns(t), summary=summary_for(t))
    assert_untouched(src, out, PACKAGE_EDITS)
    a, b = parts_of(src), parts_of(out)
    assert set(b) - set(a) == {"xl/worksheets/sheet3.xml"}
    assert "xl/pivotCache/pivotCacheDefinition1.xml" in b and "xl/charts/chart1.xml" in b
    # the workbook part differs only by the added <sheet>
    added = re.sub(rb'<sheet name="Tier summary" sheetId="3" r:id="rId\d+"/>', b"", b["xl/workbook.xml"])
    assert added == a["xl/workbook.xml"]
    assert b"<definedName" in b["xl/workbook.xml"] and b"<pivotCaches>" in b["xl/workbook.xml"]
    # every old cell is as it was: value, number format, font, fill
    old, new = sheet_cells(src, "Customers"), sheet_cells(out, "Customers")
    for ref, cell in old.items():
        assert new[ref] == cell, ref
    rows = t.row_numbers.tolist()
    expected = {f"{c}{r}" for c in "HI" for r in [1, *rows]} | {"J1"} | {f"J{r}" for i, r in enumerate(rows) if i % 2}
    assert set(new) - set(old) == expected
    check_new_cells(out, t, "Customers", ["H", "I", "J"])
    wb = openpyxl.load_workbook(out)
    ws = wb["Customers"]
    assert ws.freeze_panes == "B2"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A10:D10"]
    assert ws.conditional_formatting and ws.data_validations.dataValidation
    assert ws["B2"].comment is not None
    assert ws["D8"].value == "=SUM(D2:D6)"
    assert wb.sheetnames == ["Customers", "说明", "Tier summary"]
    assert [c.value for c in wb["Tier summary"]["A"]][:3] == ["Tier counts 层级", "Tier", "Gold"]
    # calamine reads the copy: old columns unchanged, new ones right
    t2 = read_table(out)
    assert t2.frame.iloc[:, :7].equals(t.frame)
    assert list(t2.frame.columns[7:]) == TIER_HEADERS
    assert t2.row_numbers.tolist() == t.row_numbers.tolist()
    dim = re.search(rb'<dimension ref="([^"]+)"', b[SHEET1])
    assert dim and dim.group(1) == b"A1:J10"


def test_xlsm_keeps_vba(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "macro.xlsm", vba=True)
    t = read_table(src)
    out = write_output(t, tmp_path / "out.xlsm", tier_columns(t), summary=summary_for(t))
    assert_untouched(src, out, PACKAGE_EDITS)
    b = parts_of(out)
    assert b["xl/vbaProject.bin"] == fake_vba_blob()
    assert b"macroEnabled" in b["[Content_Types].xml"]
    with pytest.raises(InputFileError, match=r"name the output \.xlsm"):
        write_output(t, tmp_path / "out.xlsx", tier_columns(t))


def test_rerun_replaces_tier_columns_and_summary(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "rich.xlsx")
    t = read_table(src)
    out1 = write_output(t, tmp_path / "out1.xlsx", tier_columns(t), summary=summary_for(t))
    t1 = read_table(out1)
    assert list(t1.frame.columns[-3:]) == TIER_HEADERS
    out2 = write_output(t1, tmp_path / "out2.xlsx", tier_columns(t1, shift=1),
                        summary=summary_for(t1)[:1] * 2, replace_headers=[*TIER_HEADERS, "层级"])
    t2 = read_table(out2)
    assert list(t2.frame.columns) == list(t1.frame.columns)
    check_new_cells(out2, t, "Customers", ["H", "I", "J"], shift=1)
    a, b = parts_of(out1), parts_of(out2)
    assert set(a) == set(b)
    for name in set(a) - {SHEET1, "xl/worksheets/sheet3.xml", "xl/styles.xml"}:
        assert a[name] == b[name], name
    wb = openpyxl.load_workbook(out2)
    assert wb.sheetnames == ["Customers", "说明", "Tier summary"]
    assert [c.value for c in wb["Tier summary"]["A"]].count("Tier counts 层级") == 2
    assert sheet_cells(out2, "说明") == sheet_cells(src, "说明")


def test_openpyxl_workbook_title_rows_blank_rows(tmp_path: Path) -> None:
    src = build_openpyxl_xlsx(tmp_path / "op.xlsx")
    t = read_table(src)
    out = write_output(t, tmp_path / "out.xlsx", tier_columns(t), summary=summary_for(t))
    assert_untouched(src, out, PACKAGE_EDITS)
    old, new = sheet_cells(src, "Data"), sheet_cells(out, "Data")
    for ref, cell in old.items():
        assert new[ref] == cell, ref
    check_new_cells(out, t, "Data", ["F", "G", "H"])
    ws = openpyxl.load_workbook(out)["Data"]
    assert ws["F1"].value is None and ws["F5"].value is None      # title and blank rows untouched
    assert ws.freeze_panes == "A4" and ws["A4"].comment.text == "first customer"
    assert sheet_cells(out, "Other") == sheet_cells(src, "Other")


def _hand_made(path: Path, sheet_xml: str) -> Path:
    """A minimal workbook whose sheet XML is given as is (no styles part)."""
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
            '/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><x:workbook {ns} xmlns:r="{rel}"><x:sheets>'
            '<x:sheet name="Hand" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'))
        zf.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet {ns}>'
                    f"<x:sheetData>{sheet_xml}</x:sheetData></x:worksheet>")
    return path


def test_rows_and_cells_without_r_and_prefixed_namespace(tmp_path: Path) -> None:
    def t_(s: str) -> str:
        return f'<x:c t="inlineStr"><x:is><x:t>{s}</x:t></x:is></x:c>'

    rows = ("<x:row>" + t_("Name") + t_("Rev") + "</x:row>"
            + "<x:row>" + t_("a") + "<x:c><x:v>1</x:v></x:c></x:row>"
            + '<x:row r="4"/>'
            + '<x:row r="5">' + t_("b") + '<x:c><x:v>2.5</x:v></x:c><x:c r="C5"/></x:row>'
            + "<x:row>" + t_("c") + '<x:c r="B6"><x:v>3</x:v></x:c></x:row>')
    src = _hand_made(tmp_path / "hand.xlsx", rows)
    t = read_table(src)
    assert t.row_numbers.tolist() == [2, 5, 6]
    assert t.column_letters == ["A", "B"]          # the empty C5 is in the way of the first tier column
    out = write_output(t, tmp_path / "out.xlsx", tier_columns(t), summary=summary_for(t))
    check_new_cells(out, t, "Hand", ["C", "D", "E"])
    t2 = read_table(out)
    assert t2.frame.iloc[:, :2].equals(t.frame)
    assert b"x:styleSheet" not in parts_of(out)["xl/styles.xml"]        # a styles part was added
    assert openpyxl.load_workbook(out).sheetnames == ["Hand", "Tier summary"]


def test_cell_in_the_way_and_gaps(tmp_path: Path) -> None:
    """Styled empty cells right of the data and rows with gaps go through the exact path."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["k", "v"])
    for i in range(2, 3000):
        if i % 7:
            ws.append([f"k{i}", i])
        else:
            ws.append([])
    from openpyxl.styles import PatternFill

    ws["D50"].fill = PatternFill("solid", fgColor="FF00FF00")   # styled, empty: in the way of column D
    wb.save(tmp_path / "s.xlsx")
    t = read_table(tmp_path / "s.xlsx")
    out = write_output(t, tmp_path / "o.xlsx", tier_columns(t))
    check_new_cells(out, t, "S", ["E", "F", "G"])   # after the used range (dimension A1:D2999)


def test_many_rows_fast_path(tmp_path: Path) -> None:
    import xlsxwriter

    p = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("Big")
    ws.write_row(0, 0, ["id", "name", "v"])
    for i in range(1, 60001):
        ws.write_row(i, 0, [i, f"n{i % 97}", i * 0.5])
    wb.close()
    t = read_table(p)
    cols = tier_columns(t)
    out = write_output(t, tmp_path / "o.xlsx", cols, progress=False)
    t2 = read_table(out)
    assert t2.frame["Tier"].tolist() == list(cols[0].values)
    assert t2.frame["Tier ID"].tolist() == [float(x) for x in cols[1].values]
    assert t2.frame["Tier reason"].tolist() == list(cols[2].values)
    assert t2.frame.iloc[:, :3].equals(t.frame)
    assert_untouched(p, out, {"xl/worksheets/sheet1.xml", "xl/styles.xml"})


def test_output_rules(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "rich.xlsx")
    t = read_table(src)
    before = src.read_bytes()
    with pytest.raises(InputFileError, match="overwrite the input"):
        write_output(t, src, tier_columns(t), force=True)
    out = write_output(t, tmp_path / "out.xlsx", tier_columns(t))
    with pytest.raises(OutputExistsError, match="pass --force to overwrite"):
        write_output(t, out, tier_columns(t))
    write_output(t, out, tier_columns(t), force=True, progress=True)
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx", "rich.xlsx"]   # no temp files left
    with pytest.raises(InputFileError, match="unsupported output"):
        write_output(t, tmp_path / "x.ods", tier_columns(t))


def test_too_wide(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", "b"])
    ws.append([1, 2])
    ws.cell(1, 16383, "far right")
    wb.save(tmp_path / "w.xlsx")
    t = read_table(tmp_path / "w.xlsx")
    with pytest.raises(DataError, match="16,384 columns"):
        write_output(t, tmp_path / "o.xlsx", tier_columns(t))
