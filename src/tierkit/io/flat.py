"""Writing a table as CSV/TSV text or parquet: the input columns (earlier tier columns left out)
plus the new ones."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .celltext import clean_cell
from .header import header_key
from .table import NewColumn, RawTable

_NUMBER = re.compile(r"\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?\s*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP CSV injection).

    Text starting with ``= + - @`` (or tab/CR) gets a leading single quote, except plain
    numbers such as ``-12.5`` which stay numbers.
    """
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def kept_columns(table: RawTable, columns: Sequence[NewColumn], replace_headers: Iterable[str] = ()) -> list[object]:
    """The input's columns an output keeps: all but earlier tier columns and those the new ones replace."""
    drop = {header_key(h) for h in replace_headers} | {header_key(c.header) for c in columns}
    return [c for c in table.frame.columns if header_key(c) not in drop]


def output_frame(table: RawTable, columns: Sequence[NewColumn], replace_headers: Iterable[str] = ()) -> pd.DataFrame:
    """The input frame without earlier tier columns, plus the new columns."""
    frame = table.frame[kept_columns(table, columns, replace_headers)].copy()
    for nc in columns:
        frame[nc.header] = pd.Series(python_values(nc.values), index=frame.index, dtype=object)
    return frame


def python_values(values: Sequence[object]) -> list[object]:
    """A new column's values as a list of Python objects (an Arrow array's too)."""
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.to_pylist()
    return list(values)


def _csv_cell(v: object) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
        return ""
    if isinstance(v, str):
        return escape_formula(clean_cell(v))
    if isinstance(v, bool | np.bool_):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def write_csv(frame: pd.DataFrame, fh: BinaryIO, sep: str = ",") -> None:
    """UTF-8 with a BOM (Excel then opens it right), CRLF, text that could run as a formula escaped,
    control characters other than tab, LF and CR dropped (:func:`~tierkit.io.celltext.clean_cell`)."""
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="", write_through=False)
    w = csv.writer(text, delimiter=sep, lineterminator="\r\n")
    w.writerow([escape_formula(clean_cell(str(c))) for c in frame.columns])
    cols = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    for row in zip(*cols, strict=True):
        w.writerow([_csv_cell(v) for v in row])
    text.flush()
    text.detach()


#: the C0 controls :func:`~tierkit.io.celltext.clean_cell` drops, as an RE2 class for pyarrow's kernels
_CONTROLS_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def write_parquet(frame: pd.DataFrame, fh: BinaryIO) -> None:
    """Parquet, text cleaned as in CSV and xlsx: column names and text cells without NUL and the other C0
    control characters (tab, LF and CR stay), whatever format the text was read from."""
    import pyarrow.parquet as pq

    names = [str(c) for c in frame.columns]
    pq.write_table(_arrow_table(names, [frame[c] for c in frame.columns]), fh)


def write_table_as_parquet(table: RawTable, columns: Sequence[NewColumn], fh: BinaryIO,
                           replace_headers: Iterable[str] = ()) -> None:
    """The input's columns (earlier tier columns left out) plus ``columns`` as a parquet file, each column
    handed to Arrow as it is: the input's columns as the parquet reader had them (or from the frame, not
    copied), and a new column that is an Arrow array (the reasons) without a Python object per cell.

    Written in one piece: writing a row group while the next one's reasons were made on a second thread
    cost more CPU and time on two cores than making the reasons first (bench/bench_apply_parquet.py)."""
    import pyarrow.parquet as pq

    from .parquetread import arrow_columns

    keep = kept_columns(table, columns, replace_headers)
    names = [clean_cell(n) for n in [*(str(c) for c in keep), *(nc.header for nc in columns)]]
    read = arrow_columns(table)
    if read is not None:
        where: dict[object, int] = {c: i for i, c in enumerate(table.frame.columns)}
        data: list[Any] = [_blank_nan(read.column(where[c])) for c in keep]
    else:
        data = [table.frame[c] for c in keep]
    pq.write_table(_arrow_table(names, [*data, *(nc.values for nc in columns)]), fh)


def _blank_nan(column: Any) -> Any:
    """A float column's NaN as null, as the frame's path writes it (pandas reads NaN as blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_floating(column.type) or not pc.any(pc.is_nan(column)).as_py():
        return column
    return pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)


def _clean_text(array: Any) -> Any:
    """A text column without the C0 controls (RE2, in Arrow); any other column as it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)) and _has_controls(array):
        return pc.replace_substring_regex(array, pattern=_CONTROLS_RE2, replacement="")
    return array


#: the bytes of :data:`_CONTROLS_RE2` (in UTF-8 no other character has a byte below 0x20)
_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CONTROL_BYTES[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] = True


def _has_controls(array: Any) -> bool:
    """Whether a text array's character data holds a control byte (a look at the bytes, no regex; the
    whole buffer is read, so a control character outside a sliced array only costs the regex)."""
    for chunk in getattr(array, "chunks", [array]):
        data = chunk.buffers()[2]
        if data is None or not data.size:
            continue
        raw = np.frombuffer(data, dtype=np.uint8)
        if raw.min() >= 0x20:  # no byte below 0x20 at all: the usual case, one pass without a copy
            continue
        low = raw < 0x20  # tab, line feed, carriage return are kept: the rare bytes below 0x20 are looked up
        if _CONTROL_BYTES[raw[low]].any():
            return True
    return False


def _arrow_table(names: list[str], data: Sequence[Any]) -> Any:
    import pyarrow as pa

    return pa.table([_arrow_array(values) for values in data], names=[clean_cell(n) for n in names])


def _arrow_array(values: Any) -> Any:
    """A column's values as an Arrow array, text without the C0 controls (:func:`_clean_text`)."""
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        return _clean_text(values)
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):   # mixed types: keep the text of each cell
        array = pa.array([None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                          for v in values], type=pa.string())
    return _clean_text(array)
