"""The sheet's cells read by python-calamine, from the workbook or the halves of its stored copy
(:class:`~tierkit.io.sheetcopy.Halves`): calamine's parse releases the GIL, so the second half is parsed
on a thread while the first is parsed on the caller's, and the two grids are laid one above the other.

The halves are trusted only when the row index (:mod:`tierkit.io.rowindex`, built by the sheet scan at the
same time) records a row ending exactly at the cut: the index is made only for sheets whose rows follow one
another as ``<row r="N" ...>...</row>`` with nothing between them, in increasing order, every cell with its
reference, and no comment or CDATA section; then every ``</row>`` the index records closes a row, and the
rows above the cut are exactly the first half's.  Otherwise the whole sheet is parsed again, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .rowindex import RowIndex
from .sheetcopy import Halves

Grid = tuple[list[list[object]], tuple[int, int] | None]
"""calamine's ``to_python(skip_empty_area=True)`` rows and the 0-based (row, column) of their top-left."""


def sheet_of(book_path: str, name: str) -> object:
    """The parsed sheet ``name`` of the workbook at ``book_path`` (calamine's CalamineSheet)."""
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(book_path)
    names = book.sheet_names
    return book.get_sheet_by_name(name) if name in names else book.get_sheet_by_index(list(names).index(name))


def grid_of(sheet: object) -> Grid:
    rows = sheet.to_python(skip_empty_area=True)  # type: ignore[attr-defined]
    start = sheet.start  # type: ignore[attr-defined]
    return rows, (int(start[0]), int(start[1])) if start is not None else None


def read_grid(whole: str, name: str, halves: Halves | None, index: Callable[[], RowIndex | None]) -> Grid:
    """The grid of sheet ``name``: from ``halves`` when ``index()`` (called once both are parsed) confirms
    their cut, else from the workbook ``whole``."""
    if halves is None:
        return grid_of(sheet_of(whole, name))
    b = None
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="tierkit-calamine") as pool:
            first = pool.submit(sheet_of, halves.a.path, name)
            try:
                b = halves.second()          # written while the first half is parsed
                bottom_sheet = sheet_of(b.path, name) if b is not None else None
            finally:
                top_sheet = first.result()
                halves.a.close()
                if b is not None:
                    b.close()
        if bottom_sheet is None:
            raise ValueError("no second half")
        top = grid_of(top_sheet)
        del top_sheet
        bottom = grid_of(bottom_sheet)
        del bottom_sheet
        idx = index()
        if idx is not None and _ends_at(idx, halves.cut):
            return stitch(top, bottom)
        del top, bottom
    except Exception:   # whatever the halves made of it, the whole sheet decides (and reports)
        pass
    return grid_of(sheet_of(whole, name))


def _ends_at(index: RowIndex, offset: int) -> bool:
    k = int(np.searchsorted(index.ends, offset))
    return k < len(index.ends) and int(index.ends[k]) == offset


def stitch(top: Grid, bottom: Grid) -> Grid:
    """One grid of two whose rows do not overlap (``top``'s all above ``bottom``'s), padded with ``""``
    (calamine's blank) to the columns of both, with blank rows for any gap between them."""
    (rows_a, start_a), (rows_b, start_b) = top, bottom
    if start_a is None or not rows_a:
        return bottom
    if start_b is None or not rows_b:
        return top
    width_a, width_b = len(rows_a[0]), len(rows_b[0])
    c0 = min(start_a[1], start_b[1])
    c1 = max(start_a[1] + width_a, start_b[1] + width_b)
    if start_a[0] + len(rows_a) > start_b[0]:
        raise ValueError("the halves of the sheet overlap")
    out = _widened(rows_a, start_a[1] - c0, c1 - start_a[1] - width_a)
    out.extend([""] * (c1 - c0) for _ in range(start_b[0] - start_a[0] - len(rows_a)))
    out.extend(_widened(rows_b, start_b[1] - c0, c1 - start_b[1] - width_b))
    return out, (start_a[0], c0)


def _widened(rows: list[list[object]], left: int, right: int) -> list[list[object]]:
    if not left and not right:
        return rows
    pad_l, pad_r = [""] * left, [""] * right
    return [[*pad_l, *r, *pad_r] for r in rows]
