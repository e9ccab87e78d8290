"""The sheet inflated once (tierkit.io.sheetcopy) and parsed in two halves (tierkit.io.calread): reading and
writing through the stored copy, whole or cut in two, give the very tables and output bytes of reading the
original, the copy holds the original's members and CRC, and it leaves no file and no open handle behind."""

from __future__ import annotations

import gc
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from iofixtures import build_openpyxl_xlsx, build_rich_xlsx, parts_of

from tierkit.io import NewColumn, rowindex, sheetcopy, write_output
from tierkit.io.calread import stitch
from tierkit.io.extent import sheet_extent
from tierkit.io.read import read_tables

SAMPLES = sorted((Path(__file__).parents[2] / "sample_workbooks").glob("*.xlsx"))
_CELL = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
                  st.booleans(), st.sampled_from(["a", "客户", "x y", "&<>", " 12 ", "2024-01-05", "#N/A", "小计"]))


def _open_fds() -> int:
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def _copy(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    monkeypatch.setattr(sheetcopy, "MIN_BYTES", 0 if on else 1 << 62)
    monkeypatch.setattr(sheetcopy, "SPLIT_BYTES", 0 if on else 1 << 62)


@pytest.fixture
def copy_always(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _copy(monkeypatch, True)
    yield
    rowindex.remember(None)


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    _copy(monkeypatch, False)
    plain = read_tables(path)
    _copy(monkeypatch, True)
    copied = read_tables(path)
    return plain, copied


def _same_tables(plain: list, copied: list) -> None:
    assert len(plain) == len(copied)
    for a, b in zip(plain, copied, strict=True):
        pd.testing.assert_frame_equal(a.frame, b.frame)
        assert np.array_equal(a.row_numbers, b.row_numbers)
        assert (a.sheet, a.header_row, a.column_letters, a.duplicates) == (b.sheet, b.header_row, b.column_letters,
                                                                          b.duplicates)


pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="the copy is made on Linux only")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_read_alike(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain, copied = _read_both(sample, monkeypatch)
    _same_tables(plain, copied)
    rowindex.remember(None)


def test_rich_and_openpyxl_books_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for book in (build_rich_xlsx(tmp_path / "rich.xlsx"), build_openpyxl_xlsx(tmp_path / "opx.xlsx")):
        plain, copied = _read_both(book, monkeypatch)
        _same_tables(plain, copied)
    rowindex.remember(None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, min_size=1, max_size=6), min_size=1, max_size=30),
       gaps=st.lists(st.integers(0, 2), min_size=30, max_size=30))
def test_generated_books_read_and_write_alike(tmp_path_factory: pytest.TempPathFactory,
                                              monkeypatch: pytest.MonkeyPatch, rows: list[list[object]],
                                              gaps: list[int]) -> None:
    import xlsxwriter

    d = tmp_path_factory.mktemp("gen")
    path = d / "gen.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Name", "Revenue", "Region", "Orders", "Note", "Flag"])
    r = 1
    for row, gap in zip(rows, gaps, strict=False):
        r += gap
        ws.write_row(r, 0, [("" if v is None else v) for v in row])
        r += 1
    wb.close()
    try:
        _copy(monkeypatch, False)
        plain = read_tables(path)
    except Exception as err:   # the same refusal is expected of both paths
        _copy(monkeypatch, True)
        with pytest.raises(type(err)) as again:
            read_tables(path)
        assert str(again.value) == str(err)
        return
    outs = []
    for floor in (1 << 62, 0):
        _copy(monkeypatch, not floor)
        tables = read_tables(path)
        _same_tables(plain, tables)
        t = tables[0]
        out = d / f"out{floor}.xlsx"
        write_output(t, out, [NewColumn("Tier", np.array(["A"] * len(t.frame), dtype=object))], force=True,
                     progress=False)
        outs.append(parts_of(out))
    assert outs[0] == outs[1]
    rowindex.remember(None)


def test_copy_is_the_workbook_with_its_sheet_stored(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "rich.xlsx")
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    import tempfile

    fh = tempfile.TemporaryFile()
    writer = sheetcopy.CopyWriter(fh, f"/proc/self/fd/{fh.fileno()}", src, info)
    sheet_extent(src, info, sink=writer.write)
    copy = writer.finish()
    assert copy is not None
    with zipfile.ZipFile(copy.path) as zc, zipfile.ZipFile(src) as zs:
        assert sorted(zc.namelist()) == sorted(zs.namelist())
        assert zc.testzip() is None                                  # the original's CRC holds
        stored = zc.getinfo(info.filename)
        assert stored.compress_type == zipfile.ZIP_STORED and stored.CRC == info.CRC
        for name in zs.namelist():
            assert zc.read(name) == zs.read(name)
    copy.close()


def test_copy_only_for_big_deflated_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = build_rich_xlsx(tmp_path / "rich.xlsx")
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    monkeypatch.setattr(sheetcopy, "MIN_BYTES", info.file_size + 1)
    assert sheetcopy.writer_for(src, info) is None
    monkeypatch.setattr(sheetcopy, "MIN_BYTES", info.file_size)
    writer = sheetcopy.writer_for(src, info)
    assert writer is not None
    writer.discard()
    info.compress_type = zipfile.ZIP_STORED
    assert sheetcopy.writer_for(src, info) is None


def test_a_short_copy_is_dropped(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "rich.xlsx")
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    import tempfile

    fh = tempfile.TemporaryFile()
    writer = sheetcopy.CopyWriter(fh, f"/proc/self/fd/{fh.fileno()}", src, info)
    writer.write(b"<worksheet/>")          # not the whole part: no copy
    assert writer.finish() is None and fh.closed


def test_no_handle_left_behind(tmp_path: Path, copy_always: None) -> None:
    import weakref

    src = build_rich_xlsx(tmp_path / "rich.xlsx")
    rowindex.remember(None)
    before = _open_fds()
    read_tables(src)
    with zipfile.ZipFile(src) as zf:
        index = rowindex.recall(src, zf.getinfo("xl/worksheets/sheet1.xml"))
    assert index is not None and index.copy is not None          # kept for the writer
    copy = index.copy
    ref = weakref.ref(copy)
    assert not copy.closed
    del copy
    del index
    rowindex.remember(None)
    gc.collect()
    assert ref() is None
    assert _open_fds() == before


def test_stitch_lays_the_halves_in_place() -> None:
    top = ([["a", "b"], ["", "c"]], (2, 1))                  # rows 3-4, columns B-C
    bottom = ([["x"], [1.5]], (6, 3))                        # rows 7-8, column D
    rows, start = stitch(top, bottom)
    assert start == (2, 1)
    assert rows == [["a", "b", ""], ["", "c", ""], ["", "", ""], ["", "", ""], ["", "", "x"], ["", "", 1.5]]
    assert stitch(([], None), bottom) == bottom and stitch(top, ([], None)) == top
    with pytest.raises(ValueError):
        stitch(top, ([["x"]], (3, 1)))


def test_big_tight_sheet_read_in_halves_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet laid out as xlsxwriter writes it, with every cell kind, cut in two: the halves are used
    (the cut is a recorded row end) and the table is the one read whole."""
    import datetime

    import xlsxwriter

    path = tmp_path / "tight.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["Title of the report"])
    ws.write_row(2, 0, ["ID", "Name", "Revenue", "Day", "Flag", "Err", "Text number"])
    for i in range(3, 400):
        ws.write_row(i, 0, [i, f"客户 {i % 37}", i * 1.25, None, i % 3 == 0, None, f" {i} "])
        ws.write_datetime(i, 3, datetime.datetime(2024, 1, 1) + datetime.timedelta(days=i), day)
        if i % 50 == 0:
            ws.write_formula(i, 5, "=NA()", None, "#N/A")
        if i % 97 == 0:
            ws.write_string(i, 0, "小计")
    wb.close()
    used: list[bool] = []
    from tierkit.io import calread

    real = calread.stitch
    monkeypatch.setattr(calread, "stitch", lambda a, b: (used.append(True), real(a, b))[1])
    plain, copied = _read_both(path, monkeypatch)
    _same_tables(plain, copied)
    assert used == [True]
    rowindex.remember(None)
