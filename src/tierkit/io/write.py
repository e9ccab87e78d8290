"""``write_output``: the tier columns into a copy of the input, as .xlsx/.xlsm, .csv or .parquet."""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from tierkit.errors import InputFileError, OutputExistsError, Where, display_path

from .read import SUMMARY_SHEET
from .sniff import XLSX_SUFFIXES, sniff
from .table import NewColumn, RawTable, SummaryTable

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


def write_output(table: RawTable, dst: str | Path, columns: Sequence[NewColumn], *,
                 summary: Sequence[SummaryTable] = (), summary_sheet: str = SUMMARY_SHEET,
                 replace_headers: Iterable[str] = (), force: bool = False,
                 progress: bool | None = None) -> Path:
    """Write ``table`` plus the new ``columns`` to ``dst``; the suffix of ``dst`` picks the format.

    .xlsx/.xlsm from a workbook: a byte-for-byte copy of the input in which only the data
    sheet (new cells), styles and the summary sheet differ.  .csv: UTF-8 with BOM, formula
    injection escaped.  .parquet.  The file is written to a temporary name next to ``dst``
    and renamed into place; the input is never opened for writing.
    """
    dst = Path(dst)
    where = Where(file=display_path(dst))
    for nc in columns:
        if len(nc.values) != len(table.frame):
            raise ValueError(f"column '{nc.header}' has {len(nc.values)} values for {len(table.frame)} rows")
        if nc.fills is not None and len(nc.fills) != len(table.frame):
            raise ValueError(f"column '{nc.header}' has {len(nc.fills)} fills for {len(table.frame)} rows")
    if _same_file(dst, table.path):
        raise InputFileError("the output would overwrite the input file", where=where,
                             hint="write to another file name; tierkit never changes the input")
    if dst.exists() and not force:
        raise OutputExistsError("output file already exists", where=where, hint="pass --force to overwrite")
    if not dst.parent.is_dir():
        raise InputFileError("the output folder does not exist", where=where, hint="create it or pick another path")
    suffix = dst.suffix.lower()
    show = sys.stderr.isatty() if progress is None else progress
    if suffix in XLSX_SUFFIXES:
        if table.sheet is not None and sniff(table.path) == "xlsx":
            _check_macro_suffix(table.path, dst)
            from .xlsxpatch import patch_xlsx

            with _atomic(dst) as fh, _progress(show, f"writing {dst.name}") as tick:
                patch_xlsx(table, fh, columns, summary=summary, summary_sheet=summary_sheet,
                           replace_headers=replace_headers, progress=tick)
        else:
            from .newbook import write_new_xlsx

            with _atomic(dst) as fh:
                write_new_xlsx(table, fh, columns, summary=summary, summary_sheet=summary_sheet,
                               replace_headers=replace_headers)
        return dst
    frame = output_frame(table, columns, replace_headers)
    if suffix in {".csv", ".tsv", ".txt"}:
        with _atomic(dst) as fh:
            write_csv(frame, fh, sep="\t" if suffix == ".tsv" else ",")
    elif suffix in {".parquet", ".pq"}:
        with _atomic(dst) as fh:
            write_parquet(frame, fh)
    else:
        raise InputFileError(f"unsupported output type '{dst.suffix or dst.name}'", where=where,
                             hint="name the output .xlsx, .xlsm, .csv or .parquet")
    return dst


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _check_macro_suffix(src: Path, dst: Path) -> None:
    import zipfile

    with zipfile.ZipFile(src) as zf:
        ct = zf.read("[Content_Types].xml")
    macro = b"macroEnabled" in ct
    want = ".xlsm" if macro else ".xlsx"
    have = dst.suffix.lower()
    if have in {".xlsx", ".xlsm"} and have != want:
        what = "holds macros (it is a macro-enabled workbook)" if macro else "is a workbook without macros"
        raise InputFileError(f"the input {what}; Excel refuses to open it under a {have} name",
                             where=Where(file=display_path(dst)), hint=f"name the output {want}")


@contextlib.contextmanager
def _atomic(dst: Path) -> Iterator[BinaryIO]:
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _progress(show: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=1)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, 1))

        yield tick


# --------------------------------------------------------------------------- csv / parquet

def output_frame(table: RawTable, columns: Sequence[NewColumn], replace_headers: Iterable[str] = ()) -> pd.DataFrame:
    """The input frame without earlier tier columns, plus the new columns."""
    drop = {h.strip().casefold() for h in replace_headers} | {c.header.strip().casefold() for c in columns}
    keep = [c for c in table.frame.columns if str(c).strip().casefold() not in drop]
    frame = table.frame[keep].copy()
    for nc in columns:
        frame[nc.header] = pd.Series(list(nc.values), index=frame.index, dtype=object)
    return frame


def _csv_cell(v: object) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
        return ""
    if isinstance(v, str):
        return escape_formula(v)
    if isinstance(v, bool | np.bool_):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def write_csv(frame: pd.DataFrame, fh: BinaryIO, sep: str = ",") -> None:
    import csv
    import io

    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="", write_through=False)
    w = csv.writer(text, delimiter=sep, lineterminator="\r\n")
    w.writerow([escape_formula(str(c)) for c in frame.columns])
    cols = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    for row in zip(*cols, strict=True):
        w.writerow([_csv_cell(v) for v in row])
    text.flush()
    text.detach()


def write_parquet(frame: pd.DataFrame, fh: BinaryIO) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for c in frame.columns:
        s = frame[c]
        try:
            arrays[str(c)] = pa.array(s, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):   # mixed types: keep the text of each cell
            arrays[str(c)] = pa.array([None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                                       for v in s], type=pa.string())
    pq.write_table(pa.table(arrays), fh)
