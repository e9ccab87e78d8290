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
    """The parquet file as an Arrow table, its text decoded (no dictionary columns), within the limits."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    where = Where(file=display_path(path))
    meta = pq.ParquetFile(path).metadata
    cells, cap = meta.num_rows * max(meta.num_columns, 1), max_cells()
    if cells > cap:
        raise InputFileError(msg("the parquet file holds {num_rows:,} rows x {num_columns:,} columns, over the "
                                 "limit of {cap:,} cells; refusing to read it",
                                 num_rows=meta.num_rows, num_columns=meta.num_columns, cap=cap),
                             where=where, hint=_HINT)
    schema = pq.read_schema(path)
    plain = {f.name: f.type.value_type if pa.types.is_dictionary(f.type) else f.type for f in schema}
    texts = [n for n, t in plain.items() if pa.types.is_string(t) or pa.types.is_large_string(t)
             or pa.types.is_binary(t) or pa.types.is_large_binary(t)]
    table = pq.read_table(path, read_dictionary=texts)
    limit, total = max_part_bytes(), 0
    for name in texts:
        for chunk in table.column(name).chunks:
            if isinstance(chunk, pa.DictionaryArray) and len(chunk):
                lengths = pc.binary_length(chunk.dictionary)
                total += int(pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0)
            else:
                total += chunk.nbytes
        if total > limit:
            raise InputFileError(msg("the text in the parquet file decodes to more than {limit:,} bytes (column "
                                     "'{name}'); refusing to read it", limit=limit, name=name), where=where, hint=_HINT)
    columns = [table.column(i).cast(plain[n]) if n in texts else table.column(i)
               for i, n in enumerate(table.column_names)]
    return pa.Table.from_arrays(columns, schema=pa.schema([table.schema.field(i).with_type(c.type)
                                                          for i, c in enumerate(columns)],
                                                         metadata=table.schema.metadata))
