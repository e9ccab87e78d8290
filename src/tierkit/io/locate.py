"""Build a :class:`~tierkit.io.table.RawTable` for each table on a sheet: the sheet's Excel Tables by
their own ranges, other tables found between blank rows and columns, with merged header cells read as
their merged text and hidden rows reported (or left out with ``visible_only``).  The rules are in
:mod:`tierkit.io.shapes`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tierkit.errors import InputFileError, Where, did_you_mean, msg

from .header import SCAN_ROWS, detect_header
from .shapes import ListObject, Region, find_blocks, merge_header
from .sheetscan import Merge
from .table import RawTable, TableShape, column_index, column_letter

Build = Callable[..., RawTable]
"""``build(path, sheet, cells, row0, col0, header_row, errors, where)``: the reader's table builder."""


@dataclass(frozen=True)
class SheetFacts:
    """What the sheet's XML says beyond the cell values (see :class:`~tierkit.io.sheetscan.SheetScan`)."""

    hidden: Collection[int] = frozenset()
    merges: Sequence[Merge] = ()
    filtered: bool = False
    list_objects: Sequence[ListObject] = ()


@dataclass(frozen=True)
class _Candidate:
    region: Region
    list_object: ListObject | None = None
    header_row: int | None = None


def locate_tables(cells: np.ndarray, row0: int, col0: int, *, build: Build, path: Path, sheet: str | None,
                  where: Where, facts: SheetFacts, header_row: int | None = None, table: str | None = None,
                  visible_only: bool = False) -> list[RawTable]:
    """Every table of the sheet whose cells (top-left at sheet ``row0``/``col0``) are ``cells`` (blanks
    ``""``), in reading order; only the one named by ``table`` (an Excel Table's name or a range such as
    ``"E3:H40"``) when given; only those whose header is ``header_row`` when that is given."""
    filled = cells != ""
    here = Region(row0, col0, row0 + cells.shape[0] - 1, col0 + cells.shape[1] - 1)
    los = [lo for lo in facts.list_objects if lo.region.overlaps(here)]
    candidates = [_Candidate(lo.region, lo, lo.region.r0 if lo.header_rows else None) for lo in los]
    blocks = [Region(row0 + a, col0 + c, row0 + b - 1, col0 + d - 1) for a, b, c, d in find_blocks(cells, filled)]
    candidates += [_Candidate(r) for r in blocks if not any(r.overlaps(c.region) for c in candidates)]
    candidates.sort(key=lambda c: (c.region.r0, c.region.c0))
    chosen_by = ""
    if table is not None:
        candidates, chosen_by = [_named(table, candidates, where)], "name"
        if candidates[0].list_object is None:
            chosen_by = "range"
    elif header_row is not None:
        at = [c for c in candidates if c.region.r0 <= header_row <= c.region.r1
              and (c.list_object is None or c.header_row == header_row)]
        candidates = [replace(c, header_row=header_row) for c in at] or [_Candidate(here, None, header_row)]
        chosen_by = "header row"
    labels = tuple(_label(c) for c in candidates) if len(candidates) > 1 else ()
    out = []
    for c in candidates:
        t = _read_one(cells, row0, col0, c, build=build, path=path, sheet=sheet, where=where, facts=facts,
                      visible_only=visible_only, filled=filled)
        out.append(replace(t, shape=replace(t.shape, tables=labels, chosen_by=chosen_by)))
    return out


def _label(c: _Candidate) -> str:
    return f"{c.list_object.name} ({c.region.ref})" if c.list_object else c.region.ref


def _named(table: str, candidates: list[_Candidate], where: Where) -> _Candidate:
    key = table.strip().casefold()
    for c in candidates:
        if c.list_object is not None and c.list_object.name.casefold() == key:
            return c
    region = Region.parse(table)
    if region is not None:
        for c in candidates:
            if c.region == region:
                return c
        return _Candidate(region)
    names = [c.list_object.name for c in candidates if c.list_object]
    near = did_you_mean(table, names)
    listing = ", ".join(_label(c) for c in candidates) or msg("none")
    raise InputFileError(msg("no table named '{table}' on the sheet", table=table), where=where,
                         hint=msg("{near} the tables are {listing}; or give a range such as A3:G40", near=near,
                                  listing=listing) if near
                         else msg("the tables are {listing}; or give a range such as A3:G40", listing=listing))


def _read_one(cells: np.ndarray, row0: int, col0: int, c: _Candidate, *, build: Build, path: Path,
              sheet: str | None, where: Where, facts: SheetFacts, visible_only: bool,
              filled: np.ndarray | None = None) -> RawTable:
    reg = c.region
    r0, c0 = max(reg.r0, row0), max(reg.c0, col0)
    sub = cells[r0 - row0:reg.r1 - row0 + 1, c0 - col0:reg.c1 - col0 + 1]
    fsub = None if filled is None else filled[r0 - row0:reg.r1 - row0 + 1, c0 - col0:reg.c1 - col0 + 1]
    lo = c.list_object
    header_row, totals_row = c.header_row, None
    header_rows: tuple[int, ...] = ()
    merged: tuple[str, ...] = ()
    if lo is not None and lo.totals_rows > 0:
        totals_row = reg.r1 - lo.totals_rows + 1
        sub = sub[:max(totals_row - r0, 0)]
        fsub = None if fsub is None else fsub[:sub.shape[0]]
    if lo is not None and lo.header_rows == 0:   # no header row on the sheet: the table's column names
        names = np.array([[*lo.columns, *[""] * sub.shape[1]][:sub.shape[1]]], dtype=object)
        sub, r0 = np.vstack([names, sub]) if sub.size else names, reg.r0 - 1
        fsub = None
        header_row = r0
    elif lo is None and sub.size:
        h = (header_row - r0) if header_row is not None else detect_header(sub[:SCAN_ROWS].tolist())
        if h is not None and 0 <= h < sub.shape[0]:
            mh = merge_header(sub, h, facts.merges, r0, c0)
            header_row = r0 + mh.row
            header_rows = tuple(r0 + i for i in mh.rows) if len(mh.rows) > 1 else ()
            merged = tuple(column_letter(c0 + j) for j in mh.columns)
    if sub.shape[0] == 0:
        raise InputFileError(msg("the table {label} has no rows", label=_label(c)), where=where,
                             hint=msg("choose another table, or the sheet, with --sheet"))
    t = build(path, sheet, sub, r0, c0, header_row, {}, where, filled=fsub)
    hidden: tuple[int, ...] = ()
    left_out = False
    if facts.hidden and len(t):
        is_hidden = np.isin(t.row_numbers, np.fromiter(facts.hidden, dtype=np.int64))
        hidden = tuple(int(x) for x in t.row_numbers[is_hidden])
        if visible_only and hidden:
            keep = ~is_hidden
            t = replace(t, frame=t.frame.loc[keep].reset_index(drop=True), row_numbers=t.row_numbers[keep])
            left_out = True
    last = int(t.row_numbers[-1]) if len(t) else t.header_row
    block = Region(min(header_rows or (t.header_row,)), column_index(t.column_letters[0]), last,
                   column_index(t.column_letters[-1]))
    filtered = facts.filtered or (lo is not None and lo.filtered)
    shape = TableShape(block=block.ref, table_name=lo.name if lo else None, totals_row=totals_row,
                       header_rows=header_rows, merged_columns=merged, hidden_rows=hidden,
                       hidden_left_out=left_out, filtered=filtered)
    return replace(t, shape=shape)


def default_table(tables: Sequence[RawTable]) -> RawTable:
    """The table to read when nothing says which: the one with the most cells (rows x columns); the first
    in reading order on a tie."""
    best = max(range(len(tables)), key=lambda i: (len(tables[i]) * tables[i].frame.shape[1], -i))
    t = tables[best]
    if len(tables) > 1 and not t.shape.chosen_by:
        t = replace(t, shape=replace(t.shape, chosen_by="largest"))
    return t
