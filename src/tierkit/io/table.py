"""The data classes shared by the readers and writers, and spreadsheet address helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tierkit.i18n import languages, trc

#: the summary sheet's English name; in another language see :func:`summary_sheet_name`
SUMMARY_SHEET = "Tier summary"


def summary_sheet_name(lang: str) -> str:
    """The summary sheet's name in ``lang`` (``Tier summary``, ``层级汇总``)."""
    return trc(lang, "sheet name", "Tier summary")


def is_summary_sheet(name: str) -> bool:
    """Whether ``name`` is the summary sheet's name in a language tierkit speaks (an output re-read is
    recognised whatever language wrote it)."""
    key = str(name).strip().casefold()
    return any(key == summary_sheet_name(lang).casefold() for lang in languages())
MAX_ROWS = 1_048_576
MAX_COLS = 16_384


def column_letter(index: int) -> str:
    """1-based column index -> Excel letters (1 -> 'A', 27 -> 'AA')."""
    if index < 1:
        raise ValueError(f"column index must be >= 1, got {index}")
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int:
    """Excel letters -> 1-based column index ('A' -> 1, 'AA' -> 27)."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column letter: {letters!r}")
        n = n * 26 + ord(ch) - 64
    return n


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file, before any type coercion.

    ``frame`` holds the data rows below the header; its columns are the header texts.  The
    addresses (``row_numbers``, ``column_letters``) let errors point at the cell in the
    user's sheet, and let the writer patch the tier columns into the right rows.  ``shape`` says
    where the table sat on its sheet (Excel Table, merged header, hidden rows, other tables).
    """

    frame: pd.DataFrame
    path: Path
    sheet: str | None
    header_row: int
    row_numbers: np.ndarray
    column_letters: list[str]
    shape: TableShape = field(default_factory=lambda: TableShape())
    #: header texts the sheet has more than once -> their column letters (the frame names the repeats
    #: ``Name (2)``, ``Name (3)``)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    #: the Arrow columns ``frame`` was made from, when the reader had them (parquet):
    #: :class:`tierkit.io.parquetread.ArrowColumns`, valid for this very frame only
    arrow: object = field(default=None, compare=False, repr=False)

    def duplicate_cells(self) -> dict[str, list[str]]:
        """Each repeated header text -> its header cells, e.g. ``{"销售额": ["C1", "F1"]}``."""
        return {text: [f"{letter}{self.header_row}" for letter in letters]
                for text, letters in self.duplicates.items()}

    def cell_ref(self, row_index: int, column: str) -> str:
        """Address of a frame cell, e.g. ``"C17"`` for frame row ``row_index`` and column ``column``."""
        pos = self.frame.columns.get_loc(column)
        if not isinstance(pos, int):
            raise KeyError(column)
        return f"{self.column_letters[pos]}{int(self.row_numbers[row_index])}"

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class NewColumn:
    """A column to add to the output: one value (and optionally one ``#RRGGBB`` fill) per frame row."""

    header: str
    values: Sequence[object]
    fills: Sequence[str | None] | None = None


@dataclass(frozen=True)
class SummaryTable:
    """A small table written on the summary sheet: a title line, a header and rows.

    ``fills``: per row, a ``#RRGGBB`` background (its text black or white, whichever contrasts more);
    ``number_formats``: per column, an Excel number format (``#,##0``, ``0.0%``, ``@``; None: General)."""

    title: str
    header: list[str]
    rows: list[list[object]]
    fills: list[str | None] | None = None
    number_formats: list[str | None] | None = None

    def number_format(self, column: int) -> str | None:
        formats = self.number_formats or []
        return formats[column] if column < len(formats) else None


@dataclass(frozen=True)
class TableShape:
    """How a table sat on its sheet, for the data report (:class:`tierkit.app.shapes.ShapeReport`).

    ``block``: the range read, header to last row, e.g. ``"A3:G20"`` ("" for csv/parquet).
    ``table_name``: the Excel Table (ListObject) read, if any; ``totals_row``: its totals row, left out.
    ``header_rows``: the rows of a header that spans two rows (merged group cells above sub-headers);
    ``merged_columns``: the letters of the header cells that took the text of a merge.
    ``hidden_rows``: the table's hidden Excel rows (by a filter or by hand); they are in the frame unless
    ``hidden_left_out`` (``visible_only=True``); ``filtered``: a filter with criteria is set.
    ``tables``: the range (``Name (A1:C9)`` for an Excel Table) of every table found on the sheet when
    there is more than one; ``chosen_by``: why this one was read (``"largest"``, ``"name"``, ``"range"``,
    ``"header row"``, or ``"fields"`` once :func:`tierkit.app.shapes.choose_table` chose it).
    """

    block: str = ""
    table_name: str | None = None
    totals_row: int | None = None
    header_rows: tuple[int, ...] = ()
    merged_columns: tuple[str, ...] = ()
    hidden_rows: tuple[int, ...] = ()
    hidden_left_out: bool = False
    filtered: bool = False
    tables: tuple[str, ...] = ()
    chosen_by: str = ""

    @property
    def label(self) -> str:
        """``"Customers (A3:G20)"`` for an Excel Table, else the range."""
        return f"{self.table_name} ({self.block})" if self.table_name else self.block
