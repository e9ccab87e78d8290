"""The extent's shortcuts (:meth:`Extent.feed`) against its one-by-one decoding (:meth:`Extent.feed_exact`),
on sheet XML as Excel writes it and as a hostile file might: the same numbers, however the XML is cut."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.io.extent import Extent, column_letters, sheet_extent

_FIELDS = ("rows", "cols", "refless_rows", "refless_cols", "after_ref_cols", "last_row", "last_col")

digits = st.one_of(st.integers(0, 1_048_576).map(str), st.integers(0, 10**12).map(str),
                   st.text("0123456789", min_size=1, max_size=12))
letters = st.one_of(st.integers(1, 16_384).map(column_letters), st.text("ABCXYZ", min_size=1, max_size=5),
                    st.just(""))
blank = st.sampled_from([" ", "\n", "\t", "\r", "  "])
prefix = st.sampled_from(["", "", "", "x:"])


@st.composite
def cell(draw: st.DrawFn, p: str) -> str:
    kind = draw(st.integers(0, 5))
    ref = f'r="{draw(letters)}{draw(digits)}"'
    if kind == 0:
        return f"<{p}c{draw(blank)}{ref}><{p}v>1</{p}v></{p}c>"
    if kind == 1:
        return f'<{p}c s="1"{draw(blank)}{ref} t="n"><{p}v>2</{p}v></{p}c>'   # r not first
    if kind == 2:
        style = draw(st.sampled_from(["", ' s="3"']))
        return f"<{p}c{style}><{p}v>3</{p}v></{p}c>"   # no reference
    if kind == 3:
        return f"<{p}c/>" if draw(st.booleans()) else f"<{p}c {ref}/>"
    if kind == 4:
        return f'<{p}c r="{draw(letters)}{draw(digits)}" t="inlineStr"><{p}is><{p}t> r="ZZ9" :c </{p}t></{p}is></{p}c>'
    return f'<{p}c spr="{draw(letters)}{draw(digits)}"><{p}v>1</{p}v></{p}c>'


@st.composite
def sheet(draw: st.DrawFn) -> bytes:
    p = draw(prefix)
    out = [f'<{p}worksheet xmlns:r="rel"><{p}dimension ref="A1:XFD1048576"/><{p}sheetData>']
    for _ in range(draw(st.integers(0, 12))):
        cells = "".join(draw(cell(p)) for _ in range(draw(st.integers(0, 6))))
        head = draw(st.sampled_from(["r", "r", "none", "late", "self"]))
        r = draw(digits)
        if head == "r":
            out.append(f'<{p}row{draw(blank)}r="{r}" spans="1:8">{cells}</{p}row>')
        elif head == "late":
            out.append(f'<{p}row spans="1:8" r="{r}">{cells}</{p}row>')
        elif head == "self":
            out.append(f'<{p}row r="{r}"/>')
        else:
            out.append(f"<{p}row>{cells}</{p}row>")
    out.append(f'</{p}sheetData><{p}rowBreaks count="1"/><{p}colBreaks/></{p}worksheet>')
    return "".join(out).encode()


def _state(e: Extent) -> tuple[int, ...]:
    return tuple(getattr(e, f) for f in _FIELDS)


@settings(max_examples=400, deadline=None)
@given(sheet(), st.lists(st.integers(0, 10_000), max_size=4))
def test_shortcuts_agree_with_the_exact_decoding(xml: bytes, cuts: list[int]) -> None:
    bounds = [m.end() for m in re.finditer(rb">", xml)]
    at = sorted({bounds[c % len(bounds)] for c in cuts}) if bounds else []
    pieces = [xml[i:j] for i, j in zip([0, *at], [*at, len(xml)], strict=True)]
    fast, exact = Extent(), Extent()
    for piece in pieces:
        fast.feed(piece)
        exact.feed_exact(piece)
    assert _state(fast) == _state(exact)


def test_a_plain_sheet_takes_the_shortcuts_and_finds_the_last_cell() -> None:
    rows = "".join(f'<row r="{r}" spans="1:3"><c r="A{r}"><v>1</v></c><c r="C{r}" t="s"><v>0</v></c></row>'
                   for r in range(1, 2000))
    e = Extent()
    e.feed(f'<worksheet xmlns:r="x"><sheetData>{rows}<row r="7"><c r="AB7"><v>1</v></c></row></sheetData>'
           "</worksheet>".encode())
    assert (e.last_row, e.last_col, e.refless_rows) == (1999, 28, 0)


def test_leading_zeros_and_long_letters_are_decoded_one_by_one() -> None:
    for xml in (b'<row r="1"><c r="A0000000099"/></row>', b'<row r="1"><c r="ABCD1"/></row>'):
        fast, exact = Extent(), Extent()
        fast.feed(xml)
        exact.feed_exact(xml)
        assert _state(fast) == _state(exact)


def test_the_threaded_pass_over_a_file_equals_the_exact_decoding(tmp_path: Path) -> None:
    """Several MB of XML (pieces inflated and scanned on threads, taken in order), with rows and cells
    without references that run on across pieces and a far cell in the middle."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile.zipgen import Piece, sheet_xml, xlsx

    plain = b"".join(b'<row r="%d" spans="1:3"><c r="A%d"><v>1</v></c><c r="C%d" t="s"><v>0</v></c></row>'
                     % (r, r, r) for r in range(1, 40_001))
    refless = b"<row>" + b"<c><v>1</v></c>" * 150_000 + b"</row>"
    far = b'<row r="900"><c r="AAB900"><v>1</v></c></row>'
    path = xlsx(tmp_path / "big.xlsx", {"S": sheet_xml([Piece(plain), Piece(far), Piece(refless), Piece(plain)])})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        xml = zf.read(info)
    assert len(xml) > 4 << 20
    exact = Extent()
    exact.feed_exact(xml)
    for threads in (1, 2, 3):
        assert _state(sheet_extent(path, info, threads=threads)) == _state(exact)
    assert (exact.last_row, exact.last_col) == (40_001, 150_000)   # row 40,000 and one row without a reference


def test_long_runs_count_past_anything_calamine_can_place(tmp_path: Path) -> None:
    """calamine reads a reference's letters and digits whole: AAAAA1 is column 475,255 and
    A000000000000000000002000 row 2,000, so neither may be read as less."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile.zipgen import sheet_xml, xlsx
    from tierkit.io import read_table
    from tierkit.io.limits import SheetTooLargeError

    for ref, far in ((b"AAAAA1", "column 4,294,967,296"), (b"B0000000000000000000002000", "row 4,294,967,296"),
                     (b"A123456789", "row 4,294,967,296")):
        xml = b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="%s"><v>1</v></c></row>' % ref
        fast, exact = Extent(), Extent()
        fast.feed(xml)
        exact.feed_exact(xml)
        assert _state(fast) == _state(exact) and fast.cells >= 1 << 32
        book = xlsx(tmp_path / "far.xlsx", {"S": sheet_xml(xml)})
        with pytest.raises(SheetTooLargeError, match=far):
            read_table(book)
