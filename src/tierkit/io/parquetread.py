"""Read a parquet file within the limits of :mod:`tierkit.io.limits`.

A parquet file is compressed and dictionary-encoded, so a 2 MB file can hold 100 million rows, or ten
thousand copies of a one-megabyte string (10 GB once decoded).  Before anything is decoded, the footer's
row and column counts are held to the cell limit, and the string columns are read still
dictionary-encoded, so their decoded size can be summed (and refused) before it is ever allocated."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tierkit.errors import InputFileError, Where, display_path

from .limits import max_cells, max_part_bytes

_HINT = "raise the limit with TIERKIT_MAX_CELLS or TIERKIT_MAX_PART_BYTES if the file is genuine (see README, Limits)"


def read_parquet_bounded(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    where = Where(file=display_path(path))
    meta = pq.ParquetFile(path).metadata
    cells, cap = meta.num_rows * max(meta.num_columns, 1), max_cells()
    if cells > cap:
        raise InputFileError(f"the parquet file holds {meta.num_rows:,} rows x {meta.num_columns:,} columns, over "
                             f"the limit of {cap:,} cells; refusing to read it", where=where, hint=_HINT)
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
            raise InputFileError(f"the text in the parquet file decodes to more than {limit:,} bytes (column "
                                 f"'{name}'); refusing to read it", where=where, hint=_HINT)
    decoded = pa.table({n: (table.column(n).cast(plain[n]) if n in texts else table.column(n))
                        for n in table.column_names}, metadata=table.schema.metadata)
    return decoded.to_pandas()
