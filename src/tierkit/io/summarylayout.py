"""How the summary sheet is laid out, for both of its writers (a patched workbook: :mod:`tierkit.io.parts`;
a new one: :mod:`tierkit.io.newbook`): column widths from what the cells show, and the header's style.

A column is as wide as its widest header or cell as shown (numbers in their number format, CJK characters
counted twice), between :data:`MIN_WIDTH` and :data:`MAX_WIDTH`.  A table of one column (Data notes,
Features and cut-points) and the last column of a table (About this run's values) do not widen the sheet:
their long texts run on into the empty cells to their right, so column A stays as wide as the tier ids.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from .table import SummaryTable

#: the narrowest and widest summary column, in Excel's character units
MIN_WIDTH, MAX_WIDTH = 6.0, 40.0
#: how much of a table's last column counts (its text runs on to the right)
LAST_COLUMN_WIDTH = 16.0
#: the header row: white bold text (chosen by contrast) on this fill
HEADER_FILL = "#1F4E78"


def text_width(text: str) -> int:
    """Characters as Excel's default font spends them: East Asian wide and full-width ones count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value: object, number_format: str | None) -> str:
    """Roughly what a cell shows under ``number_format`` (for widths only)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    code = number_format or ""
    decimals = len(code.rsplit(".", 1)[1].rstrip("%")) if "." in code else 0
    if code.endswith("%"):
        return f"{value * 100:,.{decimals}f}%"
    if "," in code:
        return f"{value:,.{decimals}f}"
    return str(value)


def column_widths(tables: Sequence[SummaryTable]) -> dict[int, float]:
    """0-based column -> width for the summary sheet holding ``tables``."""
    widths: dict[int, float] = {}
    for table in tables:
        ncols = max([len(table.header), *(len(r) for r in table.rows)], default=0)
        if ncols < 2:
            continue
        for j in range(ncols):
            cells = [table.header[j] if j < len(table.header) else ""]
            cells += [shown(r[j], table.number_format(j)) for r in table.rows if j < len(r)]
            need = max(text_width(str(c)) for c in cells) + 2
            cap = LAST_COLUMN_WIDTH if j == ncols - 1 else MAX_WIDTH
            widths[j] = max(widths.get(j, MIN_WIDTH), min(float(need), cap))
    return widths


__all__ = ["HEADER_FILL", "LAST_COLUMN_WIDTH", "MAX_WIDTH", "MIN_WIDTH", "column_widths", "shown", "text_width"]
