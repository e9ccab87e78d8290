"""The load pass of :mod:`tierkit.app.stream`: the input, batch by batch, cleaned and typed, into a DuckDB table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..ruleset.model import RuleSet
from .rows import KINDS, RowReport

POS = "_tk_pos"
KEEP = "_tk_keep"


@dataclass
class Loaded:
    """What the load pass learnt: the DuckDB table's columns (the input's headers), each batch's kept-row mask,
    and the rows left out by kind (Excel rows)."""

    columns: list[str]
    masks: list[np.ndarray] = field(default_factory=list)
    left_out: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in KINDS})
    rows: int = 0
    #: CSV and xlsx columns: the Arrow types their cells made, batch by batch (the output's type per column)
    cell_types: dict[str, set[Any]] = field(default_factory=dict)

    def output_type(self, name: str) -> Any:
        """The Arrow type the whole-table path gives a CSV/xlsx column in a parquet output: the one type every
        batch's cells made (blank batches aside), else text."""
        import pyarrow as pa

        seen = {t for t in self.cell_types.get(name, set()) if not pa.types.is_null(t)}
        if len(seen) == 1:
            return seen.pop()
        if seen and all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in seen):
            return pa.float64()
        return pa.string()

    def report(self, kept: bool) -> RowReport:
        return RowReport({k: tuple(v) for k, v in self.left_out.items() if v}, kept=kept)

    def kept(self) -> Iterator[np.ndarray]:
        yield from self.masks



def field_types(frame_columns: Sequence[Any], rulesets: Sequence[RuleSet]) -> dict[str, str]:
    """Header -> declared type of the rule sets' fields found in the table (through their aliases; the first
    rule set that declares a field decides)."""
    import pandas as pd

    from ..names import find_column

    probe = pd.DataFrame(columns=list(frame_columns))
    out: dict[str, str] = {}
    for rs in rulesets:
        for name, fdef in rs.fields.items():
            header = find_column(probe, name, rs.fields)
            if header is not None and str(header) not in out:
                out[str(header)] = fdef.type
    return out


def load(con: Any, input: str | Path, rulesets: Sequence[RuleSet], *, sheet: str | int | None,
         id_column: str | None, keep_all: bool, batch_rows: int) -> Loaded:
    """Read ``input`` in batches into the DuckDB table ``_tk_in`` (``_tk_pos``, ``_tk_keep`` and the input's
    columns, those of declared fields typed) and make the view ``_tk_kept`` of the kept rows."""
    from ..io.batches import batches
    from ..io.parquetread import arrow_columns
    from .apply import id_header, measure_headers
    from .rows import clean_rows

    sums: list[Any] = []
    loaded: Loaded | None = None
    types: dict[str, str] = {}
    for batch in batches(input, batch_rows=batch_rows, sheet=sheet):
        raw = batch.table
        if loaded is None:
            loaded = Loaded(columns=[str(c) for c in raw.frame.columns])
            types = field_types(list(raw.frame.columns), rulesets)
        clean, report = clean_rows(raw, id_column=id_header(raw, rulesets, id_column),
                                   measures=measure_headers(raw, rulesets), keep_all=keep_all, sums=sums,
                                   notes=batch.last)
        for kind in KINDS:
            loaded.left_out[kind].extend(report.of(kind))
        keep = np.isin(raw.row_numbers, clean.row_numbers) if clean is not raw else np.ones(len(raw.frame), bool)
        loaded.masks.append(keep)
        if arrow_columns(raw) is None:
            for j, header in enumerate(raw.frame.columns):
                loaded.cell_types.setdefault(str(header), set()).add(cell_array(raw.frame.iloc[:, j]).type)
        arrow = typed_batch(raw, types, loaded.rows, keep)
        con.register("_tk_batch", arrow)
        if loaded.rows == 0 and len(loaded.masks) == 1:
            con.execute("CREATE TABLE _tk_in AS SELECT * FROM _tk_batch")
        else:
            con.execute("INSERT INTO _tk_in SELECT * FROM _tk_batch")
        con.unregister("_tk_batch")
        loaded.rows += len(raw.frame)
    if loaded is None:
        from ..errors import InputFileError, Where, display_path, msg

        raise InputFileError(msg("file has no rows"), where=Where(file=display_path(Path(str(input)))),
                             hint=msg("export the table with its header row"))
    con.execute(f'CREATE VIEW _tk_kept AS SELECT * EXCLUDE ("{KEEP}") FROM _tk_in WHERE "{KEEP}" '
                f'ORDER BY "{POS}"')
    return loaded


def typed_batch(raw: Any, types: dict[str, str], start: int, keep: np.ndarray) -> Any:
    """One batch as Arrow: its position and kept flag, the columns of declared fields read as people mean them
    (:func:`tierkit.values.coerce_column`, as the binder reads them), the others as read (parquet) or as text."""
    import pyarrow as pa

    from ..backends.arrow import column_array
    from ..io.parquetread import arrow_columns
    from ..values import coerce_column

    frame = raw.frame
    arrow = arrow_columns(raw)
    names = [POS, KEEP]
    arrays: list[Any] = [pa.array(np.arange(start, start + len(frame), dtype=np.int64)), pa.array(keep)]
    for j, header in enumerate(frame.columns):
        name = str(header)
        kind = types.get(name)
        series = frame.iloc[:, j]
        if kind is not None:
            ftype = "float" if kind == "int" else kind
            kept = series.where(keep, None) if not keep.all() else series  # a total line's text is no number
            typed = coerce_column(kept.astype(object) if ftype in ("float", "date", "datetime") and not keep.all()
                                  else kept, ftype, column=name)
            arrays.append(column_array(typed, ftype if ftype != "int" else "float"))
        elif arrow is not None:
            arrays.append(arrow.column(j))
        else:
            arrays.append(text_array(series))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def cell_array(series: Any, target: Any = None) -> Any:
    """Cells of a CSV or xlsx column as Arrow, as the whole-table parquet writer makes them (numbers, dates,
    text; a column of mixed cells as the text of each), cast to ``target`` when given (text when they do not
    fit it)."""
    import pyarrow as pa

    values = series.to_numpy(dtype=object)
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values],
                         type=pa.string())
    if target is None or array.type == target:
        return array
    try:
        return array.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values],
                        type=pa.string()).cast(target) if pa.types.is_string(target) else array


def text_array(series: Any) -> Any:
    """Cells as text (blank: null): a column whose type no field declares, read from CSV or xlsx."""
    import pyarrow as pa

    values = series.to_numpy(dtype=object)
    out = [None if v is None or v == "" or (isinstance(v, float) and v != v) else _text(v) for v in values]
    return pa.array(out, type=pa.string())


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
