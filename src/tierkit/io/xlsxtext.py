"""The one place where the text of an xlsx output is made fit for Excel: every text cell tierkit writes into
a workbook (data cells of a new workbook, the tier columns, the summary sheet with its About and Data notes
tables) goes through :func:`fit_parts` in :func:`~tierkit.io.write.write_workbook`, which runs
:func:`~tierkit.io.celltext.fit_cell` on it: C0 control characters dropped, text cut at Excel's 32,767
characters with a visible ``…``.  The cell encoders below it (:mod:`~tierkit.io.newbook`,
:mod:`~tierkit.io.sheetpatch`, :mod:`~tierkit.io.parts`) write what they are given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from .celltext import fit_cell
from .table import NewColumn, RawTable, SummaryTable


def fit_value(value: Any) -> Any:
    """A cell value as written to a workbook: text through :func:`fit_cell`, anything else as it is."""
    return fit_cell(value) if isinstance(value, str) else value


def fit_values(values: Sequence[Any] | np.ndarray) -> Sequence[Any] | np.ndarray:
    """``values`` with text fitted: the very same sequence when no text needed it (no copy of a long column).

    Each distinct value is looked at once (a column of a million cells holds a few tier names and reasons):
    the values are factorised, and only the cells of a text that fitting changes are replaced."""
    n = len(values)
    if isinstance(values, np.ndarray) and values.dtype.kind in "biufcmM":
        return values             # numbers, dates, bools: no text in them
    if n < _FACTORISE_FROM:
        return _fit_each(values)
    cells = values if isinstance(values, np.ndarray) and values.ndim == 1 else \
        np.fromiter(values, dtype=object, count=n)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:             # unhashable cells: each on its own
        return _fit_each(values)
    changed = {k: fitted for k, u in enumerate(uniques) if isinstance(u, str) and (fitted := fit_cell(u)) is not u}
    if not changed:
        return values
    out = np.array(cells, dtype=object)        # a copy: the caller's column stays as it was
    for k, fitted in changed.items():
        out[codes == k] = fitted
    return out if isinstance(values, np.ndarray) else list(out)


_FACTORISE_FROM = 64


def _fit_each(values: Sequence[Any] | np.ndarray) -> Sequence[Any] | np.ndarray:
    out: list[Any] | None = None
    for i, v in enumerate(values):
        if isinstance(v, str):
            fitted = fit_cell(v)
            if fitted is not v:
                if out is None:
                    out = list(values)
                out[i] = fitted
    return values if out is None else out


def fit_summary(tables: Sequence[SummaryTable]) -> list[SummaryTable]:
    """The summary tables (tier counts, features, Data notes, About this run) with every text cell fitted."""
    return [dataclasses.replace(t, title=fit_cell(str(t.title)), header=[fit_cell(str(h)) for h in t.header],
                                rows=[[fit_value(v) for v in row] for row in t.rows]) for t in tables]


def fit_columns(columns: Sequence[NewColumn]) -> list[NewColumn]:
    """The new columns (Tier, Tier ID, Tier reason, ...) with their header and text values fitted."""
    return [dataclasses.replace(nc, header=fit_cell(str(nc.header)),
                                values=cast(Sequence[object], fit_values(nc.values))) for nc in columns]


def fit_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its header texts and text cells fitted (a copy where anything changed)."""
    out = frame
    for j in range(frame.shape[1]):
        dtype = frame.dtypes.iloc[j]
        if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
            continue  # numbers, dates, bools: no text in them
        cells = frame.iloc[:, j].to_numpy(dtype=object)
        fitted = fit_values(cells)
        if fitted is not cells:
            out = out.copy() if out is frame else out
            out.isetitem(j, np.asarray(fitted, dtype=object))
    headers = [fit_cell(c) if isinstance(c, str) else c for c in frame.columns]
    if headers != list(frame.columns):
        out = out.copy() if out is frame else out
        out.columns = pd.Index(headers, dtype=object)
    return out


def fit_parts(table: RawTable, columns: Sequence[NewColumn], summary: Sequence[SummaryTable], *,
              data: bool) -> tuple[RawTable, list[NewColumn], list[SummaryTable]]:
    """Everything an xlsx writer will write as text, fitted: the summary tables, the new columns and, when
    ``data`` (a new workbook, not a patched copy of the input), the table's own cells."""
    if data:
        frame = fit_frame(table.frame)
        if frame is not table.frame:
            table = dataclasses.replace(table, frame=frame)
    return table, fit_columns(columns), fit_summary(summary)
