"""``write_output``: the tier columns into a copy of the input; the output's suffix picks the
format (:mod:`tierkit.io.formats`) and the format's kind the writer (:data:`WRITERS`)."""

from __future__ import annotations

import contextlib
import dataclasses
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tierkit.errors import InputFileError, Where, display_path, msg
from tierkit.i18n import mark
from tierkit.progress import phase

from .atomic import atomic_write
from .flat import output_frame, write_csv, write_table_as_parquet
from .formats import Format, format_named, format_of
from .sniff import sniff
from .table import SUMMARY_SHEET, NewColumn, RawTable, SummaryTable
from .xlsxtext import fit_parts


@dataclass(frozen=True)
class WriteJob:
    """What a writer is asked to write: ``table`` plus ``columns`` (and the summary sheet) as ``fmt``."""

    table: RawTable
    dst: Path
    fmt: Format
    columns: Sequence[NewColumn]
    summary: Sequence[SummaryTable] = ()
    summary_sheet: str = SUMMARY_SHEET
    replace_headers: tuple[str, ...] = ()
    progress: bool = False


Writer = Callable[[WriteJob, BinaryIO], None]


def write_output(table: RawTable, dst: str | Path, columns: Sequence[NewColumn], *,
                 summary: Sequence[SummaryTable] = (), summary_sheet: str = SUMMARY_SHEET,
                 replace_headers: Iterable[str] = (), force: bool = False,
                 progress: bool | None = None) -> Path:
    """Write ``table`` plus the new ``columns`` to ``dst``; the suffix of ``dst`` picks the format.

    .xlsx/.xlsm from a workbook: a byte-for-byte copy of the input in which only the data
    sheet (new cells), styles and the summary sheet differ.  .csv/.tsv/.txt: UTF-8 with BOM,
    formula injection escaped.  .parquet.  The file is written atomically
    (:func:`~tierkit.io.atomic.atomic_write`); the input is never opened for writing.  The writing is
    reported to :mod:`tierkit.progress` (the CLI shows it on a terminal) unless ``progress`` is False.
    """
    dst = Path(dst)
    for nc in columns:
        if len(nc.values) != len(table.frame):
            raise ValueError(f"column '{nc.header}' has {len(nc.values)} values for {len(table.frame)} rows")
        if nc.fills is not None and len(nc.fills) != len(table.frame):
            raise ValueError(f"column '{nc.header}' has {len(nc.fills)} fills for {len(table.frame)} rows")
    fmt = format_of(dst, purpose="write")
    writer = WRITERS[fmt.kind]
    if fmt.kind not in ARROW_KINDS:
        columns = [_plain(nc) for nc in columns]
    job = WriteJob(table, dst, fmt, columns, summary=summary, summary_sheet=summary_sheet,
                   replace_headers=tuple(replace_headers),
                   progress=progress is not False)
    with atomic_write(dst, force=force, inputs=[table.path]) as fh:
        writer(job, fh)
    return dst


def write_workbook(job: WriteJob, fh: BinaryIO) -> None:
    """.xlsx/.xlsm: the input workbook patched losslessly, or a new workbook for csv/parquet input."""
    table = job.table
    patch = table.sheet is not None and sniff(table.path) == "xlsx"
    # the one place every text cell of an xlsx output is fitted for Excel (controls dropped, cut at 32,767)
    table, columns, summary = fit_parts(job.table, job.columns, job.summary, data=not patch)
    job = dataclasses.replace(job, table=table, columns=columns, summary=summary)
    if patch:
        _check_macro_suffix(table.path, job.dst)
        from .xlsxpatch import patch_xlsx

        with _progress(job.progress, job.dst.name) as tick:
            patch_xlsx(table, fh, job.columns, summary=job.summary, summary_sheet=job.summary_sheet,
                       replace_headers=job.replace_headers, progress=tick)
    else:
        from .newbook import write_new_xlsx

        with _progress(job.progress, job.dst.name):
            write_new_xlsx(table, fh, job.columns, summary=job.summary, summary_sheet=job.summary_sheet,
                           replace_headers=job.replace_headers)


def write_text(job: WriteJob, fh: BinaryIO) -> None:
    """.csv/.tsv/.txt: the format's delimiter, a comma where it has none."""
    with _progress(job.progress, job.dst.name):
        write_csv(output_frame(job.table, job.columns, job.replace_headers), fh, sep=job.fmt.delimiter or ",")


def write_table_parquet(job: WriteJob, fh: BinaryIO) -> None:
    with _progress(job.progress, job.dst.name):
        write_table_as_parquet(job.table, job.columns, fh, job.replace_headers)


WRITERS: dict[str, Writer] = {"xlsx": write_workbook, "csv": write_text, "parquet": write_table_parquet}
"""The writer of each format kind (:attr:`Format.kind`) tierkit writes tables in."""

ARROW_KINDS = frozenset({"parquet"})
"""The format kinds whose writer takes a new column's values as an Arrow array; the others get them as an
object array (:func:`write_output` converts)."""


def _plain(nc: NewColumn) -> NewColumn:
    """``nc`` with Arrow values as an object array of Python values."""
    import pyarrow as pa

    if isinstance(nc.values, pa.Array | pa.ChunkedArray):
        return NewColumn(nc.header, nc.values.to_numpy(zero_copy_only=False), nc.fills)
    return nc


def _check_macro_suffix(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(src) as zf:
        ct = zf.read("[Content_Types].xml")
    macro = b"macroEnabled" in ct
    want = format_named("xlsm" if macro else "xlsx").suffix
    rule = format_of(dst).macros
    have = dst.suffix.lower()
    if rule is not None and rule != macro:
        what = "holds macros (it is a macro-enabled workbook)" if macro else "is a workbook without macros"
        raise InputFileError(msg("the input {what}; Excel refuses to open it under a {have} name",
                                 what=what, have=have),
                             where=Where(file=display_path(dst)), hint=msg("name the output {want}", want=want))


@contextlib.contextmanager
def _progress(show: bool, name: str) -> Iterator[Callable[[int, int], None] | None]:
    """Report writing ``name`` to whoever listens (:mod:`tierkit.progress`: the CLI on a terminal); the tick
    (bytes done, bytes in all) moves its bar."""
    if not show:
        yield None
        return
    with phase(mark("progress", "writing {name}"), name=name) as step:
        yield step.update
