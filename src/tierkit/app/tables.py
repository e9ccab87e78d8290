"""Open a table as people mean it: a file and sheet from the command line, or cells from Excel.

Both ways end in the same :class:`~tierkit.io.RawTable`, read by the same header detection, so the
CLI, the briefs, the add-in and the trainer kit see the same rows under the same headers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..bind import TableSource
from ..errors import InputFileError, TierkitError, Where, display_path, listing, msg
from ..io import RawTable, is_summary_sheet, list_sheets, read_table, supported
from ..io.duckdbread import is_duckdb_spec, read_duckdb
from ..io.read import table_from_block
from ..ruleset.model import RuleSet
from ..timings import phase
from .rowscan import BLANK_TEXT_RE2

#: sheets that hold notes or tierkit's own output, never the customer table (compared case-folded)
NOT_DATA_SHEETS = frozenset({"readme", "read me", "说明", "instructions", "notes", "about", "使用说明",
                             "tier summary", "tier check", "tierkit", "rules", "规则"})
_FIRST, _, _LAST = supported("read").rpartition(" or ")
READABLE = msg("tierkit reads {suffixes} or {last}", suffixes=listing(_FIRST.split(", ")), last=_LAST)


def sheet_arg(sheet: str | int | None) -> str | int | None:
    """A sheet as a user gives it: a name, or a 1-based number (``"2"``) -> 0-based index."""
    if isinstance(sheet, str) and sheet.strip().isdigit():
        return int(sheet) - 1
    return sheet


def choose_sheet(path: Path, sheet: str | int | None) -> str | int | None:
    """The sheet to read: the one given, else the first that is not a notes or summary sheet."""
    if sheet is not None:
        return sheet_arg(sheet)
    for name in list_sheets(path):  # [] for csv and parquet
        if name.strip().casefold() not in NOT_DATA_SHEETS and not is_summary_sheet(name):
            return name
    return None


@phase("read")
def open_table(path: str | Path, *, sheet: str | int | None = None, header_row: int | None = None,
               visible_only: bool = False, rulesets: Sequence[RuleSet] = ()) -> RawTable:
    """Read the customer table of a workbook, CSV or parquet file (one clear error when it can't).

    An Excel Table (ListObject) is read by its own range; merged header cells by their merged text; rows
    hidden by a filter are included unless ``visible_only``.  When the sheet holds several tables, the one
    with most of ``rulesets``' fields is read (``table.shape`` says which and why).

    ``duckdb:PATH.db#TABLE`` reads a table of a DuckDB database, opened read-only
    (:mod:`tierkit.io.duckdbread`); its ``path`` is the database file."""
    if is_duckdb_spec(path):
        return read_duckdb(str(path))
    p = Path(path)
    if not p.exists():
        raise InputFileError(msg("file not found"), where=Where(file=display_path(p)),
                             hint=msg("check the path; {readable}", readable=READABLE))
    if p.is_dir():
        raise InputFileError(msg("this is a folder, not a file"), where=Where(file=display_path(p)), hint=READABLE)
    if rulesets:
        from .shapes import choose_table

        fields = {name: f for rs in rulesets for name, f in rs.fields.items()}
        return choose_table(p, fields, sheet=choose_sheet(p, sheet), header_row=header_row, visible_only=visible_only)
    return read_table(p, sheet=choose_sheet(p, sheet), header_row=header_row, visible_only=visible_only)


def table_source(table: RawTable, *, other_sheets: bool = True) -> TableSource:
    """Where ``table`` came from, for error messages (``Customers!C17``) and row numbers (the Excel rows), and
    the workbook's other sheets (an Orders sheet for the features) as RawTables, so their cells have addresses
    too, each read once.  ``other_sheets=False`` for a table that did not come from a file (Excel's cells in
    the add-in)."""
    cache: dict[str, RawTable | None] = {}

    def sheets(name: str) -> RawTable | None:
        if not other_sheets or table.sheet is None or not Path(table.path).is_file():
            return None
        if name not in cache:
            try:
                cache[name] = read_table(table.path, sheet=name)
            except InputFileError:
                cache[name] = None
        return cache[name]

    prefix = f"{table.sheet}!" if table.sheet else ""
    numbers = table.row_numbers
    return TableSource(file=display_path(table.path), sheet=table.sheet,
                       cell_ref=lambda i, col: f"{prefix}{table.cell_ref(i, col)}", sheets=sheets,
                       row_number=lambda i: int(numbers[i]), duplicates=table.duplicate_cells())


def table_from_cells(rows: Sequence[Sequence[Any]], *, name: str, sheet: str | None = None,
                     header_row: int | None = None, first_row: int = 1, first_col: int = 1,
                     what: str = msg("table")) -> RawTable:
    """A RawTable from cells as Excel sends them (blanks as None), read exactly as ``open_table`` reads
    a file: the header is detected (a title line above it is skipped) unless ``header_row`` (1-based, in
    sheet rows) is given; blank rows are left out; ``row_numbers`` are sheet rows.

    ``first_row``/``first_col`` place the top-left cell on the sheet (1-based), for cell addresses.
    """
    width = max(map(len, rows), default=0)
    # blanks as the file readers see them ("", turned back into None by the reader)
    block, all_blank = _blanked(rows, width)
    where = Where(file=name, sheet=sheet)
    if len(block) == 0 or width == 0 or all_blank:
        raise TierkitError(msg("the {what} is empty", what=what), where=where,
                           hint=msg("select the table including its header row"))
    if header_row is not None:
        header = block[header_row - first_row] if 0 <= header_row - first_row < len(block) else []
        filled = [v for v in header if not blank(v)]
        if not filled:
            raise TierkitError(msg("the first row of the {what} is blank", what=what), where=where,
                               hint=msg("select the table including its header row"))
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in filled):
            raise TierkitError(
                msg("the first row of the {what} holds numbers, not column names", what=what),
                where=where,
                hint=msg("select the table including its header row"),
            )
    return table_from_block(block, path=Path(name), sheet=sheet, row0=first_row, col0=first_col,
                            header_row=header_row, where=where)


def spread(values: Sequence[Any], table: RawTable, *, n_rows: int, first_row: int, fill: Any = "") -> list[Any]:
    """Per sheet row from ``first_row`` (``n_rows`` of them, blank rows included): the value of its table
    row, or ``fill`` for a row the table left out."""
    out = [fill] * n_rows
    for value, row in zip(values, table.row_numbers.tolist(), strict=True):
        out[int(row) - first_row] = value
    return out




def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


def _blanked(rows: Sequence[Sequence[Any]], width: int) -> tuple[np.ndarray, bool]:
    """``rows`` padded to ``width`` with every :func:`blank` cell as ``""`` (a 2-D object array), and whether
    all cells are blank.
    The cells are sorted by type first (one C-level pass), so :func:`blank` runs only on the text cells'
    Arrow copy and the floats' NaN test, never once per cell."""
    lengths = set(map(len, rows))
    padded = rows if lengths <= {width} else [list(r) + [""] * (width - len(r)) for r in rows]
    count = len(padded) * width
    if not count:
        return np.empty((len(padded), width), dtype=object), True
    flat = np.fromiter(itertools.chain.from_iterable(padded), dtype=object, count=count)
    types = list(map(type, flat))
    ids = np.fromiter(map(id, types), dtype=np.intp, count=count)  # the types live in ``types``
    empty = np.zeros(count, dtype=bool)
    for kind in set(types):
        at = np.flatnonzero(ids == id(kind))
        if kind is type(None):
            empty[at] = True
        elif issubclass(kind, float):
            empty[at] = np.isnan(flat[at].astype("float64"))
        elif issubclass(kind, str):
            empty[at] = _blank_texts(flat[at])
    flat[empty] = ""
    return flat.reshape(len(padded), width), bool(empty.all())


def _blank_texts(texts: np.ndarray) -> np.ndarray:
    """Which texts are empty or only whitespace (``not text.strip()``), by RE2 with Python's whitespace."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = pa.array(texts, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):  # a lone surrogate: one by one
        return np.fromiter((not t.strip() for t in texts), dtype=bool, count=len(texts))
    return pc.match_substring_regex(array, pattern=BLANK_TEXT_RE2).to_numpy(zero_copy_only=False)
