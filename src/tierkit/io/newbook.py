"""A new .xlsx for tables that did not come from a workbook (csv/parquet input)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from tierkit.contrast import text_colour_for
from tierkit.errors import DataError, Where, display_path, msg

from .flat import output_frame
from .summarylayout import HEADER_FILL, column_widths
from .table import MAX_COLS, MAX_ROWS, NewColumn, RawTable, SummaryTable


def write_new_xlsx(table: RawTable, fh: BinaryIO, columns: Sequence[NewColumn], *,
                   summary: Sequence[SummaryTable], summary_sheet: str, replace_headers: Iterable[str]) -> None:
    import xlsxwriter

    frame = output_frame(table, columns, replace_headers)
    where = Where(file=display_path(table.path))
    if len(frame) + 1 > MAX_ROWS or frame.shape[1] > MAX_COLS:
        raise DataError(msg("the table ({n_frame:,} rows x {shape:,} columns) does not fit in an Excel sheet "
                            "(1,048,576 rows x 16,384 columns)", n_frame=len(frame), shape=frame.shape[1]),
                        where=where,
                        hint=msg("write .csv or .parquet output instead"))
    wb = xlsxwriter.Workbook(fh, {"constant_memory": True, "strings_to_formulas": False,
                                  "strings_to_urls": False, "nan_inf_to_errors": True})
    ws = wb.add_worksheet((table.path.stem or "Data")[:31].translate(str.maketrans("[]:*?/\\", "_______")))
    head = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    formats: dict[tuple[str | None, str | None, bool], object] = {}

    def style(fill: str | None = None, num_format: str | None = None, bold: bool = False) -> object:
        """A cell format: a ``fill`` with text in the colour that contrasts with it, a number format, bold."""
        key = (fill, num_format, bold)
        if key not in formats:
            props: dict[str, object] = {"bold": True} if bold else {}
            if fill:
                props.update(bg_color=fill, font_color=text_colour_for(fill))
            if num_format:
                props["num_format"] = num_format
            formats[key] = wb.add_format(props)
        return formats[key]

    fill_of = {nc.header: nc.fills for nc in columns}
    ws.write_row(0, 0, [str(c) for c in frame.columns], head)  # text fitted by xlsxtext.fit_parts
    ws.freeze_panes(1, 0)
    data = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    col_fills = [fill_of.get(str(c)) for c in frame.columns]
    for i in range(len(frame)):
        for j, col in enumerate(data):
            v = col[i]
            fills_j = col_fills[j]
            f = fills_j[i] if fills_j is not None else None
            _write(ws, i + 1, j, v, style(f) if f else None, date_fmt)
    if summary:
        _write_summary(wb.add_worksheet(summary_sheet), summary, style, date_fmt)
    wb.close()


def _write_summary(ss: Any, summary: Sequence[SummaryTable], style: Callable[..., object], date_fmt: object) -> None:
    """The summary tables one below the other: a bold title, a styled header, number formats per column,
    tier fills with contrasting text, widths from what the cells show (:mod:`tierkit.io.summarylayout`)."""
    title = style(bold=True)
    head = style(HEADER_FILL, None, True)
    for j, width in column_widths(summary).items():
        ss.set_column(j, j, width)
    r = 0
    for table_ in summary:
        ss.write_string(r, 0, str(table_.title), title)
        for j, h in enumerate(table_.header):
            ss.write_string(r + 1, j, str(h), head if str(h) else None)
        for k, row in enumerate(table_.rows):
            f = table_.fills[k] if table_.fills and k < len(table_.fills) else None
            for j, v in enumerate(row):
                num = table_.number_format(j)
                _write(ss, r + 2 + k, j, v, style(f, num) if f or num else None, date_fmt)
        r += len(table_.rows) + 3


def _write(ws: object, r: int, c: int, v: object, fmt: object, date_fmt: object) -> None:
    if isinstance(v, np.generic):  # numpy scalars from a frame: bool_, int64, float64, datetime64
        v = v.item()
    if v is pd.NaT:
        v = None
    elif isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)  # type: ignore[attr-defined]
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)  # type: ignore[attr-defined]
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt)  # type: ignore[attr-defined]
    elif isinstance(v, dt.datetime | dt.date):
        ws.write_datetime(r, c, v, fmt or date_fmt)  # type: ignore[attr-defined]
    else:
        ws.write_string(r, c, str(v), fmt)  # type: ignore[attr-defined]
