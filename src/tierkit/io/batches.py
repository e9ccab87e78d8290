"""Read a table a batch of rows at a time, each batch a :class:`RawTable` read by the same rules as the whole file.

What the whole-file readers (:mod:`tierkit.io.read`, :mod:`tierkit.io.parquetread`, :mod:`tierkit.io.duckdbread`)
decide over the whole table is decided here from the first batch:

* parquet and DuckDB tables come as Arrow record batches (``ParquetFile.iter_batches``,
  ``fetch_record_batch``): their header is their schema; each batch becomes a RawTable by
  :func:`tierkit.io.parquetread.arrow_raw_table`, the function the whole-file reader uses;
* CSV (read line by line with the csv module, in the encoding and delimiter the whole-file reader finds from
  the first 64 KiB) and xlsx (python-calamine's row iterator) go through :func:`tierkit.io.read.table_from_block`:
  the first batch finds the header row (a title line above it is skipped); every later batch is read with that
  header row put on top, so its cells are read exactly as the whole file's.

Row numbers are the file's (sheet rows, CSV lines; parquet rows counted from 2) across batches, so the row
report and cell addresses read the same as on the whole-file path.  Each batch's ``header_row`` is the row before
its first row, so blank rows between two batches are still reported.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputFileError, Where, display_path, msg
from .table import RawTable

#: rows per batch unless told
BATCH_ROWS = 100_000


class NotOneTable(Exception):
    """The sheet holds several tables in its first rows: the whole-file reader chooses among them."""


@dataclass(frozen=True)
class Batch:
    """One batch of rows: ``table`` (its own frame), and whether it is the last (notes under the table are
    looked for there only)."""

    table: RawTable
    last: bool


def batches(path: str | Path, *, batch_rows: int = BATCH_ROWS, sheet: str | int | None = None) -> Iterator[Batch]:
    """The table of ``path`` (csv, parquet, xlsx/xlsm, ``duckdb:PATH.db#table``) as batches of at most
    ``batch_rows`` rows, each marked whether it is the last."""
    from .duckdbread import is_duckdb_spec

    if is_duckdb_spec(path):
        tables = _duckdb_tables(str(path), batch_rows)
    else:
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".parquet":
            tables = _parquet_tables(p, batch_rows)
        elif suffix in (".csv", ".txt", ".tsv"):
            tables = _block_tables(p, _csv_lines(p), batch_rows, sheet=None)
        elif suffix in (".xlsx", ".xlsm"):
            name, rows = _xlsx_rows(p, sheet)
            tables = _block_tables(p, rows, batch_rows, sheet=name, one_table=True)
        else:
            raise InputFileError(msg("--engine duckdb streams csv, parquet and xlsx files"),
                                 where=Where(file=display_path(p)))
    yield from _lookahead(tables)


def _lookahead(tables: Iterator[RawTable]) -> Iterator[Batch]:
    held: RawTable | None = None
    for table in tables:
        if held is not None:
            yield Batch(held, last=False)
        held = table
    if held is not None:
        yield Batch(held, last=True)


def _arrow_tables(path: Path, reader: Iterator[Any]) -> Iterator[RawTable]:
    import pyarrow as pa

    from .parquetread import arrow_raw_table

    offset = 0
    for record in reader:
        if not record.num_rows:
            continue
        table = arrow_raw_table(pa.Table.from_batches([record]), path)
        yield replace(table, row_numbers=table.row_numbers + offset, header_row=offset + 1)
        offset += record.num_rows


def _parquet_tables(path: Path, batch_rows: int) -> Iterator[RawTable]:
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except Exception as err:  # pyarrow's errors have no common base
        raise InputFileError(msg("cannot read the parquet file: {error}", error=str(err).splitlines()[0]),
                             where=Where(file=display_path(path)), hint=msg("check the file")) from err
    yield from _arrow_tables(path, file.iter_batches(batch_size=batch_rows))


def _duckdb_tables(spec: str, batch_rows: int) -> Iterator[RawTable]:
    from .duckdbread import open_database, parse_spec, resolve_table

    source = parse_spec(spec)
    with open_database(source.path) as con:
        name = resolve_table(con, source)
        relation = con.sql(f"SELECT * FROM {name}")
        reader = (relation.to_arrow_reader(batch_rows) if hasattr(relation, "to_arrow_reader")
                  else relation.fetch_arrow_reader(batch_rows))
        yield from _arrow_tables(source.path, reader)


def _csv_lines(path: Path) -> Iterator[list[str]]:
    """The CSV's rows (lists of text), read line by line in the encoding and with the delimiter the whole-file
    reader would find."""
    from .read import _sniff_delimiter as sniff_delimiter
    from .read import decode_text

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(msg("is not a text (CSV) file"), where=Where(file=display_path(path)),
                             hint=msg("export the table as CSV (comma-separated) or .xlsx"))
    encoding = _encoding(path, head)
    delimiter = sniff_delimiter(decode_text(path, head), path)
    with open(path, encoding=encoding, errors="replace", newline="") as text:
        try:
            yield from csv.reader(text, delimiter=delimiter)
        except csv.Error as err:
            raise InputFileError(msg("cannot parse the CSV: {err}", err=err), where=Where(file=display_path(path)),
                                 hint=msg("check the quoting of the line it names, or re-export the file")) from err


def _encoding(path: Path, head: bytes) -> str:
    """The encoding :func:`tierkit.io.read.decode_text` picks, judged from the file's first bytes (a multi-byte
    character cut at the end of the sample is not held against UTF-8)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for enc in ("utf-8-sig", "gb18030"):
        try:
            io.TextIOWrapper(io.BytesIO(head), encoding=enc).read()
            return enc
        except UnicodeDecodeError as err:
            if err.start >= len(head) - 4:
                return enc
            continue
    return "cp1252"


def _xlsx_rows(path: Path, sheet: str | int | None) -> tuple[str, Iterator[list[Any]]]:
    """The sheet's rows from python-calamine's iterator, after the checks the whole-file reader makes before
    calamine (the sheet picked the same way, a zip bomb or a sheet past the cell limit refused)."""
    import zipfile

    import python_calamine as pc

    from . import ooxml
    from .extent import sheet_extent
    from .limits import check_extent
    from .read import pick_sheet
    from .sniff import corrupt, file_error, open_zip
    from .zipio import guard_for_calamine

    with open_zip(path) as zf:
        try:
            entry = pick_sheet(path, ooxml.sheets(zf), sheet)
            if entry.part is None or entry.part not in zf.namelist():
                raise KeyError(f"sheet part for '{entry.name}' missing")
            guard_for_calamine(path, zf)
            extent = sheet_extent(path, zf.getinfo(entry.part))
        except InputFileError:
            raise
        except (KeyError, SyntaxError, zipfile.BadZipFile, OSError, EOFError) as err:
            raise corrupt(path, err) from err
    check_extent(path, entry.name, extent.last_row, extent.last_col)
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
        ws = book.get_sheet_by_name(entry.name)
    except pc.PasswordError as err:
        raise file_error(path, msg("workbook is password-protected"),
                         msg("remove the password and save a copy")) from err
    except Exception as err:  # calamine's errors have no common base
        raise corrupt(path, err) from err
    skip = ws.start[0] if ws.start else 0  # calamine starts at the first used row: the rows above, blank

    def rows() -> Iterator[list[Any]]:
        for _ in range(skip):
            yield []
        for row in ws.iter_rows():
            yield [("" if v is None else v) for v in row]

    return entry.name, rows()


def _block_tables(path: Path, lines: Iterator[list[Any]], batch_rows: int, *, sheet: str | None,
                  one_table: bool = False) -> Iterator[RawTable]:
    """RawTables of ``batch_rows`` lines: the first finds the header; the later ones are read with it on top.
    ``one_table`` (a sheet): :class:`NotOneTable` when the first batch holds two tables of two rows or more
    (side by side, or one under the other with blank rows between)."""
    from .read import table_from_block

    where = Where(file=display_path(path), sheet=sheet)
    first = [list(r) for r in itertools.islice(lines, max(batch_rows, 200))]
    while first and not any(str(c).strip() for c in first[-1]):
        first.pop()
    if not first:
        raise InputFileError(msg("file has no rows"), where=where, hint=msg("export the table with its header row"))
    if one_table:
        _one_table(_padded(first))
    head = table_from_block(_padded(first), path=path, sheet=sheet, where=where)
    h = head.header_row - 1
    header = first[h]
    width = max(len(header), head.frame.shape[1])
    columns = list(head.frame.columns)
    yield head
    row0 = len(first) + 1
    while True:
        chunk = [list(r) for r in itertools.islice(lines, batch_rows)]
        if not chunk:
            return
        n = len(chunk)
        while chunk and not any(str(c).strip() for c in chunk[-1]):
            chunk.pop()
        if chunk:
            block = _padded([header, *chunk], width)
            table = table_from_block(block, path=path, sheet=sheet, row0=row0 - 1, header_row=row0 - 1, where=where)
            if list(table.frame.columns) != columns:
                table = _same_columns(table, columns)
            yield replace(table, header_row=row0 - 1)
        row0 += n


def _one_table(rows: list[list[Any]]) -> None:
    import numpy as np

    from .shapes import find_blocks

    cells = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    cells[:] = rows
    filled = np.frompyfunc(lambda v: not (v is None or v == ""), 1, 1)(cells).astype(bool)
    blocks = [b for b in find_blocks(cells, filled) if b[1] - b[0] > 1]
    if len(blocks) > 1:
        raise NotOneTable(len(blocks))


def _same_columns(table: RawTable, columns: list[Any]) -> RawTable:
    """A batch whose blank edge columns were trimmed differently: given the first batch's columns."""
    return replace(table, frame=table.frame.reindex(columns=columns), column_letters=_letters(len(columns)))


def _letters(n: int) -> list[str]:
    from .table import column_letter

    return [column_letter(i + 1) for i in range(n)]


def _padded(rows: list[list[Any]], width: int | None = None) -> list[list[Any]]:
    w = max(width or 0, max(map(len, rows), default=0))
    return [r if len(r) == w else [*r, *([""] * (w - len(r)))] for r in rows]


__all__ = ["BATCH_ROWS", "Batch", "NotOneTable", "batches"]
