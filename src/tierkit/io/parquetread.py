"""Read a parquet file within the limits of :mod:`tierkit.io.limits`.

A parquet file is compressed and dictionary-encoded, so a 2 MB file can hold 100 million rows, or ten
thousand copies of a one-megabyte string (10 GB once decoded).  Before anything is decoded, the footer's
row and column counts are held to the cell limit, and the string columns are read still
dictionary-encoded, so their decoded size can be summed (and refused) before it is ever allocated.

The reader keeps the decoded Arrow table beside the pandas frame it makes (:class:`ArrowColumns`), so the
binder and the parquet writer take the columns as they were read instead of converting the frame's back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tierkit.errors import InputFileError, Where, display_path, msg

from .limits import max_cells, max_part_bytes

_HINT = msg("raise the limit with TIERKIT_MAX_CELLS or TIERKIT_MAX_PART_BYTES if the file is genuine (see README, "
            "Limits)")


if TYPE_CHECKING:
    import pyarrow as pa

    from .table import RawTable


@dataclass(frozen=True, eq=False)
class ArrowColumns:
    """The Arrow columns a frame was made from, in the frame's column order (``RawTable.arrow``).

    They stand for ``frame`` only, the very object: a table made from another frame (rows left out, a
    derived table) is not described by them, and :func:`arrow_columns` then gives None."""

    frame: pd.DataFrame
    table: pa.Table


def arrow_columns(table: RawTable) -> pa.Table | None:
    """The Arrow table ``table.frame`` was made from (same rows, same column order), or None."""
    cols = getattr(table, "arrow", None)
    if isinstance(cols, ArrowColumns) and cols.frame is table.frame and cols.table.num_rows == len(table.frame) \
            and cols.table.num_columns == table.frame.shape[1]:
        return cols.table
    return None


def arrow_column(table: RawTable, column: Any) -> Any:
    """The Arrow array of the frame's column ``column`` as read (a ChunkedArray), or None."""
    arrow = arrow_columns(table)
    if arrow is None:
        return None
    pos = table.frame.columns.get_loc(column)
    return arrow.column(pos) if isinstance(pos, int) else None


def read_parquet_bounded(path: Path) -> pd.DataFrame:
    """The parquet file as a pandas frame (:func:`read_parquet_arrow`, converted)."""
    return read_parquet_arrow(path).to_pandas()


def read_parquet_arrow(path: Path) -> pa.Table:
    """The parquet file as an Arrow table, its text decoded (no dictionary columns), within the limits.

    The table :func:`tierkit.readahead.read_ahead` read on a second thread is taken when there is one (and held
    to the limits here all the same); else the file is read now (:func:`tierkit.readahead.read_arrow`)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .. import readahead

    where = Where(file=display_path(path))
    cap, limit = max_cells(), max_part_bytes()
    try:
        table = readahead.take(path)
    except readahead.OverLimit:  # over a default limit: read (and refuse) against the limits in force
        table = None
    try:
        if table is None:
            return readahead.read_arrow(path, cap, limit)
        meta = pq.ParquetFile(path).metadata  # the table read ahead, held to the limits in force
        if meta.num_rows * max(meta.num_columns, 1) > cap:
            raise readahead.OverLimit("cells", cap, rows=meta.num_rows, columns=meta.num_columns)
        total = 0
        for name in _text_columns(table):
            total += int(pc.sum(pc.binary_length(table.column(name))).as_py() or 0)
            if total > limit:
                raise readahead.OverLimit("text", limit, column=name)
        return table
    except readahead.OverLimit as over:
        if over.kind == "cells":
            raise InputFileError(msg("the parquet file holds {num_rows:,} rows x {num_columns:,} columns, over the "
                                     "limit of {cap:,} cells; refusing to read it",
                                     num_rows=over.rows, num_columns=over.columns, cap=cap),
                                 where=where, hint=_HINT) from None
        raise InputFileError(msg("the text in the parquet file decodes to more than {limit:,} bytes (column "
                                 "'{name}'); refusing to read it", limit=limit, name=over.column),
                             where=where, hint=_HINT) from None


def _text_columns(table: pa.Table) -> list[str]:
    import pyarrow as pa

    return [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
            or pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]


def arrow_raw_table(arrow: pa.Table, path: Path, frame: pd.DataFrame | None = None) -> RawTable:
    """An Arrow table (and ``frame``, its pandas conversion, when already made) as a RawTable whose header is its
    column names: how parquet files and DuckDB tables are read."""
    import numpy as np

    from .header import duplicate_headers, unique_names
    from .table import RawTable, column_letter

    frame = (arrow.to_pandas() if frame is None else frame).reset_index(drop=True)
    letters = [column_letter(i + 1) for i in range(frame.shape[1])]
    texts = [str(c).strip() for c in frame.columns]
    frame.columns = pd.Index(unique_names([t or f"Column_{column_letter(i + 1)}" for i, t in enumerate(texts)]),
                             dtype=object)
    n = len(frame)
    # the columns as read, for the binder and the parquet writer (not when pandas' metadata made an index)
    same = arrow.num_columns == frame.shape[1] and arrow.num_rows == n
    return RawTable(frame=frame, path=path, sheet=None, header_row=1,
                    row_numbers=np.arange(2, n + 2, dtype=np.int64), column_letters=letters,
                    duplicates=duplicate_headers(texts, letters), arrow=ArrowColumns(frame, arrow) if same else None)
