"""The bound columns as an Arrow table: what a SQL backend reads (one typed column per name the rules use)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ..bind import Binding


def column_array(series: pd.Series, kind: str) -> pa.Array:
    """One typed column as Arrow: blanks (None, NaN, NaT) are nulls; date-times in microseconds, as
    rule-engine keeps them."""
    import pyarrow as pa

    if kind in ("float", "int"):
        return pa.array(series.to_numpy(dtype="float64"), type=pa.float64(), from_pandas=True)
    if kind in ("date", "datetime"):
        values = series.to_numpy(dtype="datetime64[ns]")
        ns = values.view(np.int64)
        null = ns == np.iinfo(np.int64).min
        us = np.where(null, 0, ns // 1000)
        return pa.array(us, type=pa.timestamp("us"), mask=null)
    objects: Any = series.to_numpy(dtype=object)
    if kind == "bool":
        return pa.array(objects, type=pa.bool_(), from_pandas=True)
    return pa.array(objects, type=pa.string(), from_pandas=True)


def bound_table(binding: Binding, names: dict[str, str]) -> pa.Table:
    """``binding.typed`` as Arrow, each name's column called ``names[name]``."""
    import pyarrow as pa

    arrays = [column_array(binding.typed[name], binding.types[name]) for name in names]
    if not arrays:
        return pa.table({"_tk_row": pa.array(np.zeros(binding.n, dtype=np.int8))})
    return pa.Table.from_arrays(arrays, names=list(names.values()))
