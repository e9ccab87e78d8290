"""The row index found while a sheet is read (tierkit.io.rowindex) and the patch cut at it: the sheet XML
written through the index is byte for byte the one written by scanning, the index holds every row where
it ends, and an index is made only for the layout it assumes and used only for the part it came from."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from iofixtures import build_openpyxl_xlsx, build_rich_xlsx, parts_of

from tierkit.io import NewColumn, read_table, rowindex, sheetpatch, write_output, xlsxpatch
from tierkit.io.rowindex import RowIndexBuilder, SheetKey

_ROW = st.lists(st.one_of(st.none(), st.integers(-5, 10**6), st.sampled_from(["a", "客户", "x y", "&<>"])),
                min_size=1, max_size=5)


def _book(path: Path, rows: list[list[object]], gaps: list[int]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Name", "Revenue", "Region", "Orders", "Note"])
    r = 1
    for row, gap in zip(rows, gaps, strict=False):
        r += gap                       # blank rows between (no <row> element), and rows of differing widths
        ws.write_row(r, 0, [("" if v is None else v) for v in row])
        r += 1
    wb.close()
    return path


def _sheet(path: Path) -> bytes:
    return parts_of(path)["xl/worksheets/sheet1.xml"]


def _write(table: object, out: Path, cols: list[NewColumn]) -> tuple[bytes, int]:
    used: list[int] = []
    real = sheetpatch.patch_indexed

    def spy(*args: object) -> object:
        done = real(*args)  # type: ignore[arg-type]
        used.append(done is not None)
        return done

    with mock.patch.object(sheetpatch, "patch_indexed", spy):
        write_output(table, out, cols, force=True, progress=False)  # type: ignore[arg-type]
    return _sheet(out), sum(used)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=2, max_size=40), gaps=st.lists(st.integers(0, 2), min_size=40, max_size=40),
       tiers=st.lists(st.sampled_from(["Gold", "Silver", None]), min_size=40, max_size=40),
       block=st.sampled_from([64, 300, 2000, 1 << 20]))
def test_indexed_patch_is_byte_for_byte_the_scanned_one(tmp_path: Path, rows: list[list[object]], gaps: list[int],
                                                        tiers: list[str | None], block: int) -> None:
    src = _book(tmp_path / "in.xlsx", rows, gaps)
    with mock.patch.object(xlsxpatch, "BLOCK", block), mock.patch.object(xlsxpatch, "FIRST_BLOCK", 400):
        table = read_table(src)
        n = len(table.frame)
        values = np.array(tiers[:n] + ["Gold"] * (n - len(tiers[:n])), dtype=object)
        fills = np.where(values == "Gold", "#FFD700", None).astype(object)
        cols = [NewColumn("Tier", values, fills), NewColumn("Tier ID", list(range(n)), fills)]
        indexed, hits = _write(table, tmp_path / "a.xlsx", cols)
        rowindex.remember(None)
        scanned, misses = _write(table, tmp_path / "b.xlsx", cols)
    assert misses == 0
    assert indexed == scanned
    if block < (1 << 20) and n > 12:
        assert hits > 0        # the index was used, for blocks past the header


def test_index_holds_every_row_where_it_ends(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "in.xlsx")
    read_table(src)
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        xml = zf.read(info)
    index = rowindex.recall(src, info)
    assert index is not None
    assert index.ends.tolist() == [m.end() for m in re.finditer(rb"</row>", xml)]
    assert index.rows.tolist() == [int(r) for r in re.findall(rb'<row r="(\d+)"', xml)]
    assert index.first == xml.index(b"<sheetData>") + len(b"<sheetData>")
    assert index.max_col >= 7


def test_an_index_is_used_only_for_its_own_part(tmp_path: Path) -> None:
    src = _book(tmp_path / "in.xlsx", [["a", 1]] * 5, [0] * 5)
    read_table(src)
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert rowindex.recall(src, info) is not None
    _book(src, [["b", 2]] * 6, [0] * 6)            # the same name, another workbook
    with zipfile.ZipFile(src) as zf:
        assert rowindex.recall(src, zf.getinfo("xl/worksheets/sheet1.xml")) is None
    other = build_openpyxl_xlsx(tmp_path / "other.xlsx")
    with zipfile.ZipFile(other) as zf:
        assert rowindex.recall(other, zf.infolist()[0]) is None


def _built(xml: bytes, cut: int = 40) -> rowindex.RowIndex | None:
    """Feed ``xml`` as SheetScan does: pieces ending after a </row> (at least ``cut`` bytes, but the last)."""
    b = RowIndexBuilder()
    ends = [m.end() for m in re.finditer(rb"</row>", xml)]
    pos = 0
    for i, end in enumerate(ends):
        if end - pos >= cut or i == len(ends) - 1:
            b.feed(xml[pos:end])
            pos = end
    return b.finish(SheetKey("p", "part", 0, 0, 0, 0, 0), 3)


_HEAD = b'<worksheet><dimension ref="A1:B3"/><sheetData>'


def test_only_the_tight_layout_is_indexed() -> None:
    good = _HEAD + b'<row r="1" spans="1:2"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
    index = _built(good + b"</sheetData></worksheet>")
    assert index is not None and index.rows.tolist() == [1, 2] and index.spans.tolist() == [0, -1]
    for bad in [
        good.replace(b'<row r="2">', b'\n<row r="2">'),                 # whitespace between rows
        good.replace(b'<row r="2">', b'<row ht="9" r="2">'),            # r= not first
        good.replace(b'<row r="2">', b'<row r="02">'),                  # a leading zero
        good.replace(b'<row r="2">', b'<row r="1">'),                   # a row number repeated
        good.replace(b'<c r="A2">', b"<c>"),                            # a cell without r=
        good.replace(b'<c r="A2">', b'<c s="1" r="A2">'),               # r= not first
        good + b'<row r="3"/>' + b'<row r="4"><c r="A4"/></row>',       # a self-closing row
        good.replace(b"<sheetData>", b"<x:sheetData>"),
    ]:
        assert _built(bad + b"</sheetData></worksheet>") is None, bad


def test_rows_beyond_excel_are_not_indexed() -> None:
    with mock.patch.object(rowindex, "MAX_ROWS", 5):
        rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 8))
        assert _built(_HEAD + rows + b"</sheetData>") is None
