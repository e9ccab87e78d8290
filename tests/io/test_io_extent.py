"""The sheet extent found before calamine reads a sheet, and the parquet limits."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit.errors import InputFileError
from tierkit.io import read_table
from tierkit.io.extent import Extent, column_letters
from tierkit.io.limits import SheetTooLargeError

refs = st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384))


@given(st.lists(refs, min_size=1, max_size=40), st.integers(1, 200), st.sampled_from([" ", "\n", "\t"]))
def test_extent_is_the_largest_reference_however_the_xml_is_cut(cells: list[tuple[int, int]], cut: int,
                                                                 space: str) -> None:
    xml = "".join(f'<row r="{r}"><c{space}r="{column_letters(c)}{r}" s="1"><v>1</v></c></row>'
                  for r, c in cells).encode()
    whole, pieces = Extent(), Extent()
    whole.feed(xml)
    bounds = [m.end() for m in re.finditer(rb"</row>", xml)]
    at = bounds[min(cut, len(bounds)) - 1]
    pieces.feed(xml[:at])
    pieces.feed(xml[at:])
    expected = (max(r for r, _ in cells), max(c for _, c in cells))
    assert (whole.rows, whole.cols) == (pieces.rows, pieces.cols) == expected


def test_other_attributes_ending_in_r_are_not_references() -> None:
    e = Extent()
    e.feed(b'<row r="2"><c r="B2" spr="ZZ99999"><v>1</v></c></row><pageMargins header="0.3" footer="1"/>')
    assert (e.rows, e.cols) == (2, 2)


def test_references_past_the_sheet_count_as_past_it() -> None:
    e = Extent()
    e.feed(b'<row r="1"><c r="ABCD123456789"><v>1</v></c></row>')
    assert e.rows > 1_048_576 and e.cols > 16_384


def _sheet_book(path: Path, far: str) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile.zipgen import rows_xml, sheet_xml, xlsx

    extra = f'<row r="{far[1:] if far[0] == "A" else 9}"><c r="{far}"><v>1</v></c></row>'.encode()
    return xlsx(path, {"S": sheet_xml(rows_xml([["id", "revenue"], ["C1", 5]]) + extra)})


def test_far_flung_cell_is_refused_before_calamine(tmp_path: Path) -> None:
    with pytest.raises(SheetTooLargeError, match=r"row 1,048,576 and column 16,384"):
        read_table(_sheet_book(tmp_path / "far.xlsx", "XFD1048576"))
    assert len(read_table(_sheet_book(tmp_path / "ok.xlsx", "A1000")).frame) >= 1


def test_cell_limit_is_an_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = _sheet_book(tmp_path / "b.xlsx", "A1000")
    monkeypatch.setenv("TIERKIT_MAX_CELLS", "500")
    with pytest.raises(SheetTooLargeError, match="over the limit of 500"):
        read_table(book)


def test_parquet_row_claims_and_decoded_text_are_held_to_the_limits(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.parquet"
    ids = pa.DictionaryArray.from_arrays(pa.array(np.zeros(2000, np.int32)), pa.array(["C" * 10_000]))
    pq.write_table(pa.table({"id": ids.cast(pa.string()), "revenue": np.ones(2000)}), path)
    assert len(read_table(path).frame) == 2000
    monkeypatch.setenv("TIERKIT_MAX_PART_BYTES", "10000000")
    with pytest.raises(InputFileError, match="decodes to more than 10,000,000 bytes"):
        read_table(path)
    monkeypatch.setenv("TIERKIT_MAX_CELLS", "3999")
    with pytest.raises(InputFileError, match="2,000 rows x 2 columns"):
        read_table(path)


def test_rows_and_cells_without_references_count_past_the_last_reference() -> None:
    e = Extent()
    e.feed(b'<row r="5"><c><v>1</v></c></row><row><c r="C9"><v>2</v></c><c><v>3</v></c></row>')
    assert e.last_row >= 9 and e.last_col >= 4     # calamine puts the 3 at D6 and the 2 at C9
    e = Extent()
    row = b"<row>" + b"<c/>" * 300 + b"<c><v>1</v></c></row>"
    cut = row.find(b">", 600) + 1
    e.feed(b"<row/>" * 40)
    e.feed(row[:cut])
    e.feed(row[cut:])
    assert (e.last_row, e.last_col) == (41, 301)


def test_prefixed_rows_and_cells_without_references_are_bounded() -> None:
    e = Extent()
    e.feed(b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row><x:c><x:v>1</x:v></x:c><x:c/></x:row>')
    assert e.last_row >= 2 and e.last_col >= 2


def test_guard_package_checks_every_worksheet(tmp_path: Path) -> None:
    import sys

    from tierkit.io.guard import guard_package

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile.zipgen import rows_xml, sheet_xml, xlsx

    ok = sheet_xml(rows_xml([["id"], ["C1"]]))
    far = sheet_xml(rows_xml([["id"]]) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    guard_package(xlsx(tmp_path / "ok.xlsx", {"A": ok}))
    with pytest.raises(SheetTooLargeError, match=r"sheet2\.xml"):
        guard_package(xlsx(tmp_path / "far.xlsx", {"A": sheet_xml(rows_xml([["id"], ["C1"]])), "B": far}))
    for sample in (Path(__file__).resolve().parents[2] / "sample_workbooks").glob("*.xlsx"):
        guard_package(sample)
