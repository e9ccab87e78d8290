"""Property test of the lossless .xlsx patch: random small workbooks (xlsxwriter and openpyxl,
which serialise differently) go through ``read_table`` -> ``write_output`` with random tier
columns; everything that was there is still there, the new cells hold exactly what was given,
both openpyxl and calamine agree, and a second run replaces instead of appending."""

from __future__ import annotations

import datetime as dt
import random
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import openpyxl
import python_calamine as pc
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from iofixtures import parts_of, sheet_cells

from tierkit.io import (
    NewColumn,
    RawTable,
    SummaryTable,
    column_index,
    column_letter,
    read_table,
    write_output,
    xlsxpatch,
)
from tierkit.io.sheetpatch import SheetPatcher

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DATA = "Data"
SUMMARY = "Tier summary"

# ----------------------------------------------------------------------------- strategies

_TEXT = st.text(alphabet=st.sampled_from(list("aZ09 _-.<&>\"'=;/\\%é中文客户层级😀\t")), min_size=1, max_size=12)
_TEXT = _TEXT.filter(lambda s: s.strip() != "")
_LATIN_HEADERS = ["Name", "Revenue", "Region", "Orders", "Since", "Margin", "Note", "Code"]
_CJK_HEADERS = ["客户", "收入", "地区", "订单", "日期", "利润", "备注", "编号"]
_NUMBER = st.one_of(st.integers(-10**9, 10**9),
                    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 6)))
_DATE = st.datetimes(dt.datetime(1950, 1, 1), dt.datetime(2090, 12, 31)).map(lambda d: d.replace(microsecond=0))
# one data cell: (kind, value)
_CELL = st.one_of(
    st.tuples(st.just("num"), _NUMBER),
    st.tuples(st.just("text"), _TEXT),
    st.tuples(st.just("text"), st.sampled_from(["=SUM(A1)", "=1+1", " padded ", "<b>&amp;</b>", "a\nb", "+x"])),
    st.tuples(st.just("bool"), st.booleans()),
    st.tuples(st.just("date"), _DATE),
    st.tuples(st.just("formula"), st.just(None)),
    st.tuples(st.just("blank"), st.just(None)),
    st.tuples(st.just("styled_blank"), st.just(None)),
)
_FILLS = ["#FFD700", "#c0c0c0", "#CD7F32", "#0f0", "FF336699"]


@dataclass
class Book:
    writer: str                        # "xlsxwriter" | "xlsxwriter-inline" | "openpyxl"
    title: bool                        # a title row (merged sometimes) above the header
    headers: list[str]
    rows: list[list[tuple[str, object]]]   # [] = a whole blank row
    beyond: dict[int, tuple[int, object]]  # data-row index -> (columns right of the table, value)
    comment: bool
    other_sheet: str | None            # None, "before", "after"
    merge_below: bool
    strip_r: int | None                # seed: drop r= from some cells and rows whose position is implied


@st.composite
def books(draw: st.DrawFn) -> Book:
    ncols = draw(st.integers(2, 5))
    pool = draw(st.sampled_from([_LATIN_HEADERS, _CJK_HEADERS, _LATIN_HEADERS[:4] + _CJK_HEADERS[4:]]))
    headers = draw(st.permutations(pool))[:ncols]
    if draw(st.booleans()):
        headers[draw(st.integers(0, ncols - 1))] = draw(st.sampled_from(["A & B <x>", '"q" \'s\'', "  Spaced  "]))
    nrows = draw(st.integers(1, 40))
    rows: list[list[tuple[str, object]]] = []
    for i in range(nrows):
        if i and i < nrows - 1 and draw(st.integers(0, 9)) == 0:
            rows.append([])
            continue
        row = draw(st.lists(_CELL, min_size=ncols, max_size=ncols))
        if all(k in {"blank", "styled_blank"} for k, _ in row):
            row[0] = ("num", i)
        rows.append(row)
    beyond: dict[int, tuple[int, object]] = {}
    if draw(st.booleans()):
        filled = [i for i, r in enumerate(rows) if r]
        for i in draw(st.lists(st.sampled_from(filled), max_size=3, unique=True)):
            beyond[i] = (draw(st.integers(1, 3)), draw(st.one_of(_TEXT, _NUMBER)))
    return Book(
        writer=draw(st.sampled_from(["xlsxwriter", "xlsxwriter-inline", "openpyxl"])),
        title=draw(st.booleans()), headers=headers, rows=rows, beyond=beyond,
        comment=draw(st.booleans()), other_sheet=draw(st.sampled_from([None, "before", "after"])),
        merge_below=draw(st.booleans()),
        strip_r=draw(st.none() | st.integers(0, 1000)),
    )


def _new_value() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        _TEXT,
        st.sampled_from(["Gold", "白银", "=HYPERLINK(1)", "a & <b> \"c\" 'd'", " lead", "trail ", "青铜 & <金>"]),
        st.sampled_from(["a\r\nb", "x\ry", "tab\there", "\n"]),
        st.booleans(),
        st.integers(-10**6, 10**6),
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 4)),
    )


@st.composite
def new_columns(draw: st.DrawFn, n: int) -> list[NewColumn]:
    k = draw(st.integers(1, 3))
    bases = draw(st.permutations(["Tier", "层级", "Seg <&> \"x\"", "=Score", "Reason 原因"]))[:k]
    cols = []
    for base in bases:
        values = draw(st.lists(_new_value(), min_size=n, max_size=n))
        fills = draw(st.none() | st.lists(st.none() | st.sampled_from(_FILLS), min_size=n, max_size=n))
        cols.append(NewColumn(base, values, fills))
    return cols


# ----------------------------------------------------------------------------- workbook builders

def _build_xlsxwriter(path: Path, b: Book) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": b.writer == "xlsxwriter-inline",
                                         "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    if b.other_sheet == "before":
        _xw_other(wb)
    ws = wb.add_worksheet(DATA)
    head = wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    shade = wb.add_format({"bg_color": "#FFF2CC"})
    r = 0
    if b.title:
        if b.merge_below:
            ws.merge_range(0, 0, 0, 1, "Title 标题 & <x>", wb.add_format({"bold": True}))
        else:
            ws.write_string(0, 0, "Title 标题 & <x>")
        r = 1
    ws.write_row(r, 0, b.headers, head)
    for i, row in enumerate(b.rows):
        rr = r + 1 + i
        for j, (kind, v) in enumerate(row):
            if kind == "num":
                ws.write_number(rr, j, v)
            elif kind == "text":
                ws.write_string(rr, j, v)
            elif kind == "bool":
                ws.write_boolean(rr, j, v)
            elif kind == "date":
                ws.write_datetime(rr, j, v, date)
            elif kind == "formula":
                ws.write_formula(rr, j, f"=ROW()*{j + 1}", None, (rr + 1) * (j + 1))
            elif kind == "styled_blank":
                ws.write_blank(rr, j, None, shade)
        if i in b.beyond:
            off, v = b.beyond[i]
            ws.write(rr, len(b.headers) - 1 + off, v)
        if b.comment and i == 0:
            ws.write_comment(rr, 0, "note — 备注 <&>")
    if b.merge_below and not b.title:
        ws.merge_range(r + len(b.rows) + 2, 0, r + len(b.rows) + 2, 1, "merged below", None)
    ws.freeze_panes(r + 1, 0)
    if b.other_sheet == "after":
        _xw_other(wb)
    wb.close()


def _xw_other(wb: object) -> None:
    ws = wb.add_worksheet("说明 Other")  # type: ignore[attr-defined]
    ws.write_string(0, 0, "keep me <&>")
    ws.write_formula(1, 0, f"=COUNTA('{DATA}'!A:A)", None, 3)


def _build_openpyxl(path: Path, b: Book) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA
    if b.other_sheet == "before":
        other = wb.create_sheet("说明 Other", 0)
        other["A1"] = "keep me <&>"
        other["A2"] = f"=COUNTA('{DATA}'!A:A)"
    r = 1
    if b.title:
        ws.cell(1, 1, "Title 标题 & <x>").font = Font(bold=True, size=14)
        if b.merge_below:
            ws.merge_cells("A1:B1")
        r = 2
    for j, h in enumerate(b.headers, start=1):
        c = ws.cell(r, j, h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="FFDDEBF7")
    shade = PatternFill("solid", fgColor="FFFFF2CC")
    for i, row in enumerate(b.rows):
        rr = r + 1 + i
        for j, (kind, v) in enumerate(row, start=1):
            c = ws.cell(rr, j)
            if kind == "text":
                c.value = v
                c.data_type = "s"          # text, even when it starts with '='
            elif kind == "formula":
                c.value = f"=ROW()*{j}"
            elif kind == "styled_blank":
                c.fill = shade
            elif kind != "blank":
                c.value = v
        if i in b.beyond:
            off, v = b.beyond[i]
            ws.cell(rr, len(b.headers) + off, v)
        if b.comment and i == 0:
            ws.cell(rr, 1).comment = Comment("note — 备注 <&>", "admin")
    if b.merge_below and not b.title:
        last = r + len(b.rows) + 2
        ws.cell(last, 1, "merged below")
        ws.merge_cells(f"A{last}:B{last}")
    ws.freeze_panes = f"A{r + 1}"
    if b.other_sheet == "after":
        other = wb.create_sheet("说明 Other")
        other["A1"] = "keep me <&>"
    wb.save(path)


def _strip_r(path: Path, seed: int) -> None:
    """Drop ``r`` from cells (and rows) whose position follows from the previous one, as some
    writers do; the workbook means the same."""
    rng = random.Random(seed)
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist()]
        part = _data_part(zf)

    def row(m: re.Match[bytes]) -> bytes:
        body = m.group(3)
        prev = 0

        def cell(c: re.Match[bytes]) -> bytes:
            nonlocal prev
            col = column_index(c.group(1).decode())
            keep = col != prev + 1 or rng.random() < 0.5
            prev = col
            return c.group(0) if keep else b"<c"
        body = re.sub(rb'<c r="([A-Z]+)\d+"', cell, body)
        return m.group(1) + m.group(2) + b">" + body + b"</row>"

    prev_row = 0

    def row_r(m: re.Match[bytes]) -> bytes:
        nonlocal prev_row
        n = int(m.group(1))
        keep = n != prev_row + 1 or rng.random() < 0.5
        prev_row = n
        return m.group(0) if keep else b"<row"

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename == part:
                data = re.sub(rb"(<row\b)([^>]*?)>(.*?)</row>", row, data, flags=re.S)
                data = re.sub(rb'<row r="(\d+)"', row_r, data)
            out.writestr(info, data)


def _data_part(zf: zipfile.ZipFile) -> str:
    from tierkit.io import ooxml

    return next(e.part for e in ooxml.sheets(zf) if e.name == DATA and e.part)


def build(path: Path, b: Book) -> Path:
    (_build_openpyxl if b.writer == "openpyxl" else _build_xlsxwriter)(path, b)
    if b.strip_r is not None:
        _strip_r(path, b.strip_r)
    return path


# ----------------------------------------------------------------------------- checks

def _summary(cols: list[NewColumn]) -> list[SummaryTable]:
    return [SummaryTable("Counts 计数 <&>", ["Tier", "n"], [[str(v), 1] for v in cols[0].values[:3]],
                         [f for f in (cols[0].fills or [None] * 3)[:3]])]


def _norm_cal(v: object) -> object:
    """calamine: blanks are '', numbers may come back as float."""
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _calamine(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    out: dict[str, dict[tuple[int, int], object]] = {}
    for name in book.sheet_names:
        sh = book.get_sheet_by_name(name)
        rows = sh.to_python(skip_empty_area=False)
        out[name] = {(i + 1, j + 1): _norm_cal(v) for i, row in enumerate(rows) for j, v in enumerate(row)
                     if _norm_cal(v) is not None}
    return out


def _fill_of(cell: object) -> str | None:
    fill = cell.fill  # type: ignore[attr-defined]
    return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None


def _argb(colour: str | None) -> str | None:
    if colour is None:
        return None
    h = colour.lstrip("#").upper()
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return h if len(h) == 8 else "FF" + h


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and float(a) == float(b)
    return (a == b and type(a) is type(b)) or (a is None and b is None)


def check_output(src: Path, out: Path, t: RawTable, cols: list[NewColumn], letters: list[str],
                 with_summary: bool) -> None:
    a, b = parts_of(src), parts_of(out)
    with zipfile.ZipFile(src) as zf:
        data_part = _data_part(zf)
    may_change = {data_part, "xl/styles.xml"}
    if with_summary:
        may_change |= {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    new_parts = set(b) - set(a)
    assert len(new_parts) == (1 if with_summary else 0), new_parts
    for name, data in a.items():
        assert name in b, f"{name} lost"
        if name not in may_change:
            assert b[name] == data, f"{name} changed"

    # the data sheet stays well-formed, and every row's spans (where given) covers its cells
    root = ET.fromstring(b[data_part])
    for row in root.iter(f"{{{MAIN}}}row"):
        spans = row.get("spans")
        cols_in_row = [column_index(re.match(r"[A-Z]+", c.get("r", "")).group(0))  # type: ignore[union-attr]
                       for c in row.iter(f"{{{MAIN}}}c") if c.get("r")]
        if spans and cols_in_row:
            lo, hi = map(int, spans.split(":"))
            assert lo <= min(cols_in_row) and max(cols_in_row) <= hi, (row.get("r"), spans, cols_in_row)

    # (b) openpyxl: old cells as they were (value and formatting), new cells exactly as given
    wb_in = openpyxl.load_workbook(src)
    wb_out = openpyxl.load_workbook(out)
    assert wb_out.sheetnames == wb_in.sheetnames + ([SUMMARY] if with_summary else [])
    for name in wb_in.sheetnames:
        old, new = sheet_cells(src, name), sheet_cells(out, name)
        for ref, cell in old.items():
            assert new.get(ref) == cell, (name, ref, cell, new.get(ref))
        if name != DATA:
            assert set(new) == set(old), name
    ws = wb_out[DATA]
    head_font = next(c.font.b for c in ws[t.header_row] if c.value is not None)
    new_refs = set()
    for letter, nc in zip(letters, cols, strict=True):
        hc = ws[f"{letter}{t.header_row}"]
        assert hc.value == nc.header
        assert hc.font.b == head_font
        new_refs.add(hc.coordinate)
        for i, r in enumerate(t.row_numbers.tolist()):
            c = ws[f"{letter}{r}"]
            want = nc.values[i]
            assert _same(c.value, want), (c.coordinate, c.value, want)
            assert _fill_of(c) == _argb(nc.fills[i] if nc.fills else None), (c.coordinate, _fill_of(c))
            new_refs.add(c.coordinate)
    old_data = sheet_cells(src, DATA)
    extra = set(sheet_cells(out, DATA)) - set(old_data) - new_refs
    assert not extra, extra

    # (c) calamine agrees: old cells unchanged, new cells as given
    ca, cb = _calamine(src), _calamine(out)
    for name, cells in ca.items():
        if name == DATA:
            old_cols = {k: v for k, v in cb[name].items() if k[1] < column_index(letters[0])}
            assert old_cols == cells
        else:
            assert cb[name] == cells, name
    for letter, nc in zip(letters, cols, strict=True):
        col = column_index(letter)
        assert cb[DATA].get((t.header_row, col)) == nc.header
        for i, r in enumerate(t.row_numbers.tolist()):
            want = nc.values[i]
            got = cb[DATA].get((int(r), col))
            assert _same(got, _norm_cal(want)) or (isinstance(want, float) and got == want), (letter, r, got, want)
        rows_with_cells = {k[0] for k in cb[DATA] if k[1] == col}
        assert rows_with_cells <= {t.header_row, *t.row_numbers.tolist()}


def check_reread(t: RawTable, t2: RawTable, cols: list[NewColumn], letters: list[str]) -> None:
    """(e) ``read_table`` of the output: the original frame plus the new columns."""
    assert t2.header_row == t.header_row
    assert t2.row_numbers.tolist() == t.row_numbers.tolist()
    assert t2.column_letters == t.column_letters + letters
    names = [str(c) for c in t.frame.columns]
    assert [str(c) for c in t2.frame.columns] == names + [nc.header for nc in cols]
    assert t2.frame[names].equals(t.frame), (t2.frame[names], t.frame)
    for nc in cols:
        got = t2.frame[nc.header].tolist()
        for g, w in zip(got, nc.values, strict=True):
            assert _same(_norm_cal(g), _norm_cal(w)) or (isinstance(w, float) and g == w), (nc.header, g, w)


# ----------------------------------------------------------------------------- the property

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(book=books(), data=st.data())
def test_patch_is_lossless(book: Book, data: st.DataObject) -> None:
    first_block = data.draw(st.sampled_from([xlsxpatch.FIRST_BLOCK, 120, 256, 600, 1500]), label="first_block")
    with tempfile.TemporaryDirectory() as tmp:
        paths = run_case(Path(tmp), book, lambda n: data.draw(new_columns(n), label="columns"),
                         lambda: data.draw(st.booleans(), label="summary"), first_block)
    event("fast path used" if "fast" in paths else "exact path only")


def run_case(tmp_path: Path, book: Book, make_columns: Callable[[int], list[NewColumn]],
             make_summary: Callable[[], bool], first_block: int = xlsxpatch.FIRST_BLOCK) -> list[str]:
    """Build ``book``, add the columns, check properties (a)-(e); the sheet blocks' paths taken."""
    paths: list[str] = []
    finish = SheetPatcher.finish

    def spy(self: SheetPatcher, chunk: bytes, end: int, fast: object) -> object:
        paths.append("fast" if fast is not None else "exact")
        return finish(self, chunk, end, fast)  # type: ignore[arg-type]

    with ExitStack() as stack:
        # a small first block puts the rows after it through the fast (Arrow) path
        stack.enter_context(mock.patch.object(xlsxpatch, "FIRST_BLOCK", first_block))
        stack.enter_context(mock.patch.object(SheetPatcher, "finish", spy))
        src = build(tmp_path / "in.xlsx", book)
        t = read_table(src, sheet=DATA)
        cols = make_columns(len(t.frame))
        with_summary = make_summary()
        summary = _summary(cols) if with_summary else []
        out = write_output(t, tmp_path / "out.xlsx", cols, summary=summary)
        with zipfile.ZipFile(out) as zf:
            assert zf.testzip() is None
        last = max([column_index(x) for x in t.column_letters] + [_dimension_col(src)])
        letters = [column_letter(last + 1 + i) for i in range(len(cols))]
        check_output(src, out, t, cols, letters, with_summary)
        t2 = read_table(out, sheet=DATA)
        check_reread(t, t2, cols, letters)

        # (d) again on the output, replacing the tier columns: same cells, no second set
        out2 = write_output(t2, tmp_path / "out2.xlsx", cols, summary=summary,
                            replace_headers=[nc.header for nc in cols])
        assert _cells(out2) == _cells(out)
        check_output(src, out2, t, cols, letters, with_summary)
    return paths


def _dimension_col(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(_data_part(zf))
    m = re.search(rb'<dimension ref="[A-Z]*\d*:?([A-Z]+)\d+"', xml)
    return column_index(m.group(1).decode()) if m else 0


def _cells(path: Path) -> dict[str, dict[str, tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {name: sheet_cells(path, name) for name in wb.sheetnames}



# ----------------------------------------------------------------------------- regressions found by the property

def _small_book() -> Book:
    return Book(writer="xlsxwriter", title=False, headers=["Name", "Revenue"], rows=[[("num", 1), ("num", 2)],
                [("text", "b"), ("num", 3)], [("text", "c"), ("num", 4)]], beyond={}, comment=False,
                other_sheet=None, merge_below=False, strip_r=None)


def test_carriage_return_in_new_text_survives(tmp_path: Path) -> None:
    """A literal CR in the sheet XML reads back as LF (XML line-end normalisation): it is written as &#13;."""
    cols = [NewColumn("Reason", ["a\r\nb", "x\ry", "\r"], ["#FFD700", None, None])]
    run_case(tmp_path, _small_book(), lambda n: cols, lambda: True)
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")[SUMMARY]["A3"].value == "a\r\nb"


def test_zero_and_false_in_one_column_stay_apart(tmp_path: Path) -> None:
    """False == 0 and True == 1 hash alike: a 0 written after a False came out as FALSE."""
    cols = [NewColumn("Flag", [False, 0, 1]), NewColumn("Flag 2", [1, True, 0.0], ["#0f0"] * 3)]
    run_case(tmp_path, _small_book(), lambda n: cols, lambda: False, first_block=120)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")[DATA]
    assert [(c.value, type(c.value)) for c in ws["C"][1:]] == [(False, bool), (0, int), (1, int)]
    assert [(c.value, type(c.value)) for c in ws["D"][1:]] == [(1, int), (True, bool), (0, int)]


def test_fast_path_widens_the_spans_of_every_row(tmp_path: Path) -> None:
    """xlsxwriter writes one spans per 16 rows; the fast path widened only the first and last
    row's value, leaving rows in between with spans that miss the new cells."""
    book = Book(writer="xlsxwriter", title=False, headers=["Name", "Revenue"],
                rows=[[("text", f"c{i}"), ("num", i)] for i in range(40)], beyond={20: (1, "wide")},
                comment=False, other_sheet=None, merge_below=False, strip_r=None)
    paths = run_case(tmp_path, book, lambda n: [NewColumn("Tier", ["Gold"] * n)], lambda: False, first_block=120)
    assert "fast" in paths
    xml = parts_of(tmp_path / "out.xlsx")["xl/worksheets/sheet1.xml"]
    assert set(re.findall(rb'spans="(\d+:\d+)"', xml)) == {b"1:4"}


def test_literal_ooxml_escape_pattern_survives_in_excel_readers(tmp_path: Path) -> None:
    """``_x0041_`` in cell text means "A" to Excel and calamine: a literal one is written as ``_x005F_x0041_``."""
    src = tmp_path / "in.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["id", "x"])
    wb.active.append(["a", 1])
    wb.save(src)
    table = read_table(src)
    write_output(table, tmp_path / "out.xlsx", [NewColumn("Tier", ["keep _x0041_ literal"], None)])
    rows = pc.CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[1][2] == "keep _x0041_ literal"
