"""Read a table from .xlsx/.xlsm (python-calamine), .csv or .parquet into a :class:`RawTable`."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tierkit import errors as _errors
from tierkit.errors import InputFileError, Where, did_you_mean, display_path, listing, msg

from . import calread, ooxml, rowindex, sheetcopy
from .extent import sheet_extent
from .formats import lookup
from .header import SCAN_ROWS, detect_header, duplicate_headers, make_headers
from .limits import check_extent, max_cells
from .locate import SheetFacts, default_table, locate_tables
from .parquetread import arrow_raw_table, read_parquet_arrow
from .shapes import list_objects
from .sheetscan import SheetScan
from .sniff import corrupt, file_error, open_zip, sniff
from .table import RawTable, column_letter, is_summary_sheet
from .zipio import guard_for_calamine


def list_sheets(path: str | Path) -> list[str]:
    """Names of the worksheets of a workbook in tab order (``[]`` for csv/parquet)."""
    path = Path(path)
    if sniff(path) != "xlsx":
        return []
    with open_zip(path) as zf:
        try:
            return [s.name for s in ooxml.sheets(zf) if s.kind == "worksheet"]
        except (KeyError, SyntaxError) as err:
            raise corrupt(path, err) from err


def read_table(path: str | Path, *, sheet: str | int | None = None, header_row: int | None = None,
               visible_only: bool = False, table: str | None = None) -> RawTable:
    """Read the data table of ``path``.

    ``sheet`` is a sheet name or a 0-based index (default: the first visible worksheet that
    is not a tier summary); ``header_row`` is the 1-based row of the header (default:
    detected).  Cell values are kept as read; blank cells are None.

    An Excel Table (ListObject) is read by its own range, without its totals row; when the sheet
    holds several tables, ``table`` names one (an Excel Table's name or a range such as ``"E3:H40"``),
    else the largest is read (:func:`tierkit.app.shapes.choose_table` chooses by a rule set's fields).
    Hidden rows are read unless ``visible_only``.  ``RawTable.shape`` tells what was done.
    """
    tables = read_tables(path, sheet=sheet, header_row=header_row, visible_only=visible_only, table=table)
    return tables[0] if table is not None else default_table(tables)


def read_tables(path: str | Path, *, sheet: str | int | None = None, header_row: int | None = None,
                visible_only: bool = False, table: str | None = None) -> list[RawTable]:
    """Every table of the sheet (see :func:`read_table`), in reading order; one for a sheet, CSV or parquet
    file holding one table."""
    path = Path(path)
    kind = sniff(path)
    if header_row is not None and header_row < 1:
        raise InputFileError(msg("header row must be 1 or more, got {header_row}", header_row=header_row),
                             where=Where(file=display_path(path)), hint=msg("rows are numbered from 1 as in Excel"))
    return TABLE_READERS[kind](path, sheet, header_row, table, visible_only)


# --------------------------------------------------------------------------- xlsx

def pick_sheet(path: Path, entries: Sequence[ooxml.SheetEntry], sheet: str | int | None) -> ooxml.SheetEntry:
    worksheets = [e for e in entries if e.kind == "worksheet"]
    names = [e.name for e in worksheets]
    listing = _errors.listing(f"'{n}'" for n in names) or msg("none")
    if not worksheets:
        raise file_error(path, msg("workbook has no worksheets"), msg("add a sheet holding the customer table"))
    if sheet is None:
        for e in worksheets:
            if e.state == "visible" and not is_summary_sheet(e.name):
                return e
        return worksheets[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(worksheets):
            return worksheets[sheet]
        raise InputFileError(msg("there is no sheet number {sheet} (sheets are counted from 0)", sheet=sheet),
                             where=Where(file=display_path(path)), hint=msg("the sheets are {listing}",
                                                                            listing=listing))
    for e in worksheets:
        if e.name == sheet:
            return e
    for e in worksheets:
        if e.name.strip().casefold() == str(sheet).strip().casefold():
            return e
    near = did_you_mean(str(sheet), names)
    raise InputFileError(msg("sheet '{sheet}' not found", sheet=sheet), where=Where(file=display_path(path)),
                         hint=msg("{near} the sheets are {listing}", near=near, listing=listing) if near
                         else msg("the sheets are {listing}", listing=listing))


def _read_xlsx(path: Path, sheet: str | int | None, header_row: int | None) -> RawTable:
    return default_table(_xlsx_tables(path, sheet, header_row))


def _xlsx_tables(path: Path, sheet: str | int | None, header_row: int | None, *, table: str | None = None,
                 visible_only: bool = False) -> list[RawTable]:
    import python_calamine as pc

    with open_zip(path) as zf:
        try:
            entry = pick_sheet(path, ooxml.sheets(zf), sheet)
        except (KeyError, SyntaxError) as err:
            raise corrupt(path, err) from err
        if entry.part is None or entry.part not in zf.namelist():
            raise corrupt(path, KeyError(f"sheet part for '{entry.name}' missing"))
        try:
            bad = zf.testzip() if zf.getinfo(entry.part).file_size < (1 << 20) else None
        except (zipfile.BadZipFile, OSError, EOFError) as err:  # pragma: no cover - depends on damage
            raise corrupt(path, err) from err
        if bad:
            raise corrupt(path, ValueError(f"bad CRC in {bad}"))
        try:
            guard_for_calamine(path, zf)
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            if isinstance(err, InputFileError):
                raise
            raise corrupt(path, err) from err
        sheet_info = zf.getinfo(entry.part)
        copier = sheetcopy.writer_for(path, sheet_info)   # the sheet inflated once, for all who read it
        try:   # before calamine: the sheet's true size and how far its cells reach, in one pass
            extent = sheet_extent(path, sheet_info, sink=copier.write if copier else None)
        except BaseException as err:
            if copier:
                copier.discard()
            if isinstance(err, zipfile.BadZipFile | OSError | EOFError) and not isinstance(err, InputFileError):
                raise corrupt(path, err) from err
            raise
    copy = copier.finish() if copier else None
    try:
        check_extent(path, entry.name, extent.last_row, extent.last_col)
    except InputFileError:
        if copy:
            copy.close()
        raise
    source = Path(copy.path) if copy else path
    scan = SheetScan(source, entry.part)
    scan.start()
    halves = sheetcopy.split(copy, path, sheet_info) if copy else None   # parsed on two cores
    kept: list[rowindex.RowIndex | None] = []

    def index() -> rowindex.RowIndex | None:
        if not kept:
            scan.join()
            kept.append(rowindex.keep(scan.index, path, sheet_info, extent.last_col, copy=copy))
        return kept[0]

    with _gc_paused():   # a million row lists: the collector would walk them again and again (~1 s of CPU)
        try:
            rows, start = calread.read_grid(str(source), entry.name, halves, index)
        except pc.PasswordError as err:
            raise file_error(path, msg("workbook is password-protected"),
                             msg("remove the password and save a copy")) from err
        except Exception as err:
            raise corrupt(path, err) from err
        finally:
            index()
            if copy is not None and (kept[0] is None or kept[0].copy is not copy):
                copy.close()       # not kept for the writer: closed now, not whenever a cycle is collected
        copy = halves = None
        where = Where(file=display_path(path), sheet=entry.name)
        if not rows or start is None:
            raise InputFileError(msg("sheet is empty"), where=where,
                                 hint=msg("choose the sheet that holds the table with --sheet{others}",
                                          others=_other_sheets_hint(path, entry.name)))
        row0, col0 = start[0] + 1, start[1] + 1
        cells = _object_block(rows)
        del rows
    for (r, c), text in scan.found.items():
        i, j = r - row0, c - col0
        if 0 <= i < cells.shape[0] and 0 <= j < cells.shape[1]:
            cells[i, j] = text
    with open_zip(path) as zf:
        los = list_objects(zf, entry.part, scan.table_rids)
    facts = SheetFacts(hidden=scan.hidden, merges=scan.merges, filtered=scan.filtered, list_objects=los)
    return locate_tables(cells, row0, col0, build=_build, path=path, sheet=entry.name, where=where, facts=facts,
                         header_row=header_row, table=table, visible_only=visible_only)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (the lists made there hold no cycles)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _other_sheets_hint(path: Path, current: str) -> str:
    try:
        others = [n for n in list_sheets(path) if n != current]
    except InputFileError:
        return ""
    return msg(" (other sheets: {names})", names=listing(repr(n) for n in others)) if others else ""


# --------------------------------------------------------------------------- shared table builder

def _build(path: Path, sheet: str | None, rows: list | np.ndarray, row0: int, col0: int, header_row: int | None,
           errors: dict[tuple[int, int], str], where: Where, filled: np.ndarray | None = None) -> RawTable:
    """Turn a rectangular block of cells (top-left at row0/col0, 1-based) into a RawTable.  ``filled``, when
    given, is ``rows != ""`` already computed (8M cells of objects: ~0.3 s a comparison)."""
    if header_row is None:
        h = detect_header(rows if isinstance(rows, list) else rows[:SCAN_ROWS].tolist())
        if h is None:
            raise InputFileError(msg("no header row found in the first {n} rows", n=SCAN_ROWS), where=where,
                                 hint=msg("the header is the row of column names; pass --header-row N to give it"))
    else:
        h = header_row - row0
        if h < 0 or h >= len(rows):
            last = row0 + len(rows) - 1
            raise InputFileError(msg("header row {header_row} is outside the data (rows {row0}-{last})",
                                     header_row=header_row, row0=row0, last=last),
                                 where=where, hint=msg("pass the row number that holds the column names"))
    block = _object_block(rows)
    del rows
    if errors or filled is None or filled.shape != block.shape:
        filled = None
    for (r, c), text in errors.items():
        i, j = r - row0, c - col0
        if 0 <= i < block.shape[0] and 0 <= j < block.shape[1]:
            block[i, j] = text
    header = block[h]
    data = block[h + 1:]
    empty = data == "" if filled is None else ~filled[h + 1:]
    if empty.any():
        data[empty] = None
    filled = ~empty
    keep_cols = filled.any(axis=0) | np.array([not _is_blank_header(v) for v in header], dtype=bool)
    idx = np.flatnonzero(keep_cols)
    if idx.size == 0:
        raise InputFileError(msg("the header row has no column names"), where=where,
                             hint=msg("pass --header-row N with the row of column names"))
    lo, hi = int(idx[0]), int(idx[-1]) + 1   # drop blank columns at both edges only
    if lo or hi < data.shape[1]:
        data, header, filled = data[:, lo:hi], header[lo:hi], filled[:, lo:hi]
    row_filled = filled.any(axis=1)
    row_numbers = np.arange(row0 + h + 1, row0 + h + 1 + data.shape[0], dtype=np.int64)
    if not row_filled.all():
        data, row_numbers = data[row_filled], row_numbers[row_filled]
    first_col = col0 + lo
    names = make_headers(list(header), first_col)
    letters = [column_letter(first_col + j) for j in range(len(names))]
    frame = pd.DataFrame(np.ascontiguousarray(data) if data.size else data.reshape(0, len(names)),
                         columns=pd.Index(names, dtype=object), dtype=object, copy=False)
    return RawTable(frame=frame, path=path, sheet=sheet, header_row=row0 + h, row_numbers=row_numbers,
                    column_letters=letters, duplicates=duplicate_headers(list(header), letters))


def table_from_block(rows: list | np.ndarray, *, path: Path, sheet: str | None = None, row0: int = 1, col0: int = 1,
                     header_row: int | None = None, where: Where | None = None) -> RawTable:
    """A RawTable from a rectangular block of cells already in memory (the add-in's sheets and ranges),
    read by the same rules as a file: header detection, blank rows and edge columns left out."""
    return _build(path, sheet, rows, row0, col0, header_row, {},
                  where or Where(file=display_path(path), sheet=sheet))


def _object_block(rows: list | np.ndarray) -> np.ndarray:
    """A 2-D object array of rectangular rows (calamine; csv is padded): flattened in one pass,
    about 3x faster than ``np.array(rows, dtype=object)``, which probes every cell for nesting."""
    if isinstance(rows, np.ndarray):
        return rows
    width = len(rows[0]) if rows else 0
    if not rows or set(map(len, rows)) != {width}:
        return np.array(rows, dtype=object)
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _is_blank_header(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# --------------------------------------------------------------------------- csv

def decode_text(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str, path: Path) -> str:
    sample = text[: 1 << 16]
    fmt = lookup(path)
    if fmt is not None and fmt.delimiter is not None:
        return fmt.delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_csv(path: Path, sheet: str | int | None, header_row: int | None) -> RawTable:
    return _build(path, None, _csv_rows(path), 1, 1, header_row, {}, Where(file=display_path(path)))


def _csv_rows(path: Path) -> list[list[str]]:
    where = Where(file=display_path(path))
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise file_error(path, msg("cannot read the file: {value}", value=err.strerror or err),
                         msg("check the file")) from err
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise file_error(path, msg("is not a text (CSV) file"),
                         msg("export the table as CSV (comma-separated) or .xlsx"))
    text = decode_text(path, raw)
    del raw
    delim = _sniff_delimiter(text, path)
    cap = max_cells()
    if text.count(delim) > cap:
        raise _csv_too_big(path, msg("more than {cap:,} fields", cap=cap))
    rows = []
    width = 0
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            rows.append(r)
            width = max(width, len(r))
            if len(rows) * width > cap:
                raise _csv_too_big(path, msg("{n_rows:,} rows x {width:,} columns, over the limit of {cap:,} cells",
                                             n_rows=len(rows), width=width, cap=cap))
    except csv.Error as err:
        raise InputFileError(msg("cannot parse the CSV: {err}", err=err), where=where,
                             hint=msg("check the quoting of the line it names, or re-export the file")) from err
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise InputFileError(msg("file has no rows"), where=where, hint=msg("export the table with its header row"))
    width = max(map(len, rows))
    return [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]


def _csv_too_big(path: Path, what: str) -> InputFileError:
    return InputFileError(msg("the file holds {what}; refusing to read it", what=what),
                          where=Where(file=display_path(path)),
                          hint=msg("check the delimiter and line ends, or raise the limit with TIERKIT_MAX_CELLS "
                                   "(see README, Limits)"))


def _csv_tables(path: Path, sheet: str | int | None, header_row: int | None, table: str | None = None,
                visible_only: bool = False) -> list[RawTable]:
    """Like :func:`_read_csv`, with the tables of a text file found as on a sheet."""
    rows = _csv_rows(path)
    return locate_tables(_object_block(rows), 1, 1, build=_build, path=path, sheet=None,
                         where=Where(file=display_path(path)), facts=SheetFacts(), header_row=header_row,
                         table=table)


# --------------------------------------------------------------------------- parquet

def _read_parquet(path: Path, sheet: str | int | None, header_row: int | None) -> RawTable:
    try:
        arrow = read_parquet_arrow(path)
        frame = arrow.to_pandas()
    except InputFileError:
        raise
    except Exception as err:
        raise file_error(path, msg("cannot read the parquet file ({kind}: {err})", kind=type(err).__name__, err=err),
                         msg("re-export it; tierkit reads Apache Parquet files written by pandas, pyarrow, "
                             "Spark or DuckDB")) from err
    return arrow_raw_table(arrow, path, frame)

Reader = Callable[[Path, str | int | None, int | None], RawTable]

READERS: dict[str, Reader] = {"xlsx": _read_xlsx, "csv": _read_csv, "parquet": _read_parquet}
"""The reader of each format kind (:attr:`~tierkit.io.formats.Format.kind`); csv ignores ``sheet``,
parquet also ``header_row`` (its column names are its header)."""

TableReader = Callable[[Path, str | int | None, int | None, str | None, bool], list[RawTable]]

TABLE_READERS: dict[str, TableReader] = {
    "xlsx": lambda p, s, h, t, v: _xlsx_tables(p, s, h, table=t, visible_only=v),
    "csv": _csv_tables,
    "parquet": lambda p, s, h, t, v: [_read_parquet(p, s, h)],
}
"""Every table of a file, per format kind (see :func:`read_tables`)."""
