"""Rows of a table that are not customers: total and subtotal lines, repeated headers, notes under the
table, blank rows.  :func:`clean_rows` leaves them out (or keeps them, with ``keep_all``) and says which
Excel rows it left out in a :class:`RowReport`.

A row is a **total line** only when it has no customer id (the id cell is blank, or holds a total word)
and either

* a text cell holds a total word (:data:`TOTAL_WORDS`, any case, with spaces or colons around it, e.g.
  ``合计``, ``华东 小计``, ``Subtotal:``, ``Grand total``); or
* its measure equals, within rounding, the sum of the rows above it since the previous total line, or the
  sum of the subtotals above it (a grand total).  Within rounding: each figure may be off by half its last
  shown digit (``12.3万`` by 500, ``1,234.50`` by 0.005; a number cell by half a cent).

A row with an id is never a total line.  Without an id column the numeric test is off (any customer's
figure could equal a sum), and a total word must stand alone or at the end of its cell (``合计``,
``华东小计``, ``East total``, ``Total:``) so that a customer called "Total Foods Ltd" stays.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import join, tr_n
from ..io import RawTable
from ..names import find_header, normalise_header
from ..values import BLANKS
from .rowscan import probe_candidates, word_candidates
from .rowsums import _figures, _Sums
from .rowsums import number_and_unit as number_and_unit  # part of this module's interface

#: the words that make a row without an id a total line (compared case-insensitively, NFKC-folded)
TOTAL_WORDS: tuple[str, ...] = ("合计", "总计", "小计", "合 计", "合計", "總計", "小計",
                                "Total", "Subtotal", "Sub-total", "Sub total", "Grand total", "Sum")
#: the ones that mark a subtotal (a total of one group); the others may be a subtotal or the grand total
SUBTOTAL_WORDS: tuple[str, ...] = ("小计", "小計", "Subtotal", "Sub-total", "Sub total")
#: the words that start a note under the table, followed by a colon (``制表人：张三``, ``Source: ERP``)
NOTE_WORDS: tuple[str, ...] = ("制表人", "制表", "制表日期", "备注", "說明", "说明", "注", "注意", "审核",
                               "审核人", "数据来源", "来源", "资料来源", "Source", "Sources", "Note", "Notes",
                               "Remark", "Remarks", "Prepared by", "Comment", "Comments")
#: the kinds of rows left out, in report order
KINDS: tuple[str, ...] = ("total", "header", "note", "blank")
#: the option that keeps every row (named in the report when it is on)
KEEP_OPTION = "--keep-all-rows"
#: rows listed in a report line before "…"
SHOWN_ROWS = 10


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _word_rx(word: str) -> str:
    body = r"\s*".join(re.escape(_fold(part)) for part in word.split())
    if word.isascii():
        return rf"(?<![a-z0-9]){body}(?![a-z0-9])"
    return body


_ANY = "|".join(_word_rx(w) for w in sorted(TOTAL_WORDS, key=len, reverse=True))
_PUNCT = r"[\s:：,，;；.。\-—=*()（）\[\]【】]*"
#: a total word anywhere in the cell (a row without an id in a table with ids)
_CONTAINS = re.compile(_ANY)
#: a run of punctuation (matched at the start of the reversed cell: its trailing punctuation)
_PUNCT_RUN = re.compile(_PUNCT)
#: a total word ending the cell (once its trailing punctuation is cut off)
_ENDS = re.compile(rf"(?:{_ANY})\Z")
#: a total word first in the cell, followed by a colon
_LEADS = re.compile(rf"{_PUNCT}(?:{_ANY})\s*[:：].*$")
_SUB = re.compile("|".join(_word_rx(w) for w in SUBTOTAL_WORDS))
_NOTE = re.compile(rf"^\s*(?:{'|'.join(_word_rx(w) for w in sorted(NOTE_WORDS, key=len, reverse=True))})\s*[:：]")


def total_word(value: object, *, strict: bool = False) -> str | None:
    """``"sub"`` when a cell holds a subtotal word, ``"total"`` for another total word, else None."""
    if not isinstance(value, str):
        return None
    text = _fold(value).strip()
    if not (_strict(text) if strict else _CONTAINS.search(text)):
        return None
    return "sub" if _SUB.search(text) else "total"


def _strict(text: str) -> bool:
    """A total word alone or ending the cell (then only punctuation), or first and followed by a colon (a
    table without ids).  Linear in the cell's length: the trailing punctuation is measured once on the
    reversed text, never by backtracking from every position (a 32k cell of dashes took minutes)."""
    run = _PUNCT_RUN.match(text[::-1])
    head = text[: len(text) - (run.end() if run else 0)]
    return _ENDS.search(head) is not None or _LEADS.match(text) is not None


def is_note(value: object) -> bool:
    """A cell that starts a note under the table: ``制表人：…``, ``备注：…``, ``Source: …``."""
    return isinstance(value, str) and bool(_NOTE.match(_fold(value)))


def _blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and value.strip().lower() in BLANKS


@dataclass(frozen=True)
class RowReport:
    """The rows :func:`clean_rows` left out (or kept, with ``kept=True``), by kind (:data:`KINDS`), as
    Excel rows."""

    rows: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    kept: bool = False

    def of(self, kind: str) -> tuple[int, ...]:
        return tuple(self.rows.get(kind, ()))

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.rows.values())

    def __bool__(self) -> bool:
        return self.count > 0

    def lines(self, lang: str = "en") -> list[str]:
        """One short line per kind, e.g. ``left out 5 rows: totals/subtotals (Excel rows 58, 114, …)``."""
        out = []
        for kind in KINDS:
            rows = self.of(kind)
            if not rows:
                continue
            listed = join(lang, rows[:SHOWN_ROWS]) + ("…" if len(rows) > SHOWN_ROWS else "")
            n = len(rows)
            kept = self.kept and kind != "blank"  # blank rows have nothing to keep
            if kind == "total":
                line = (tr_n(lang, "kept {n} row that looks like a total/subtotal (Excel row {rows}): "
                                   "{option} is on",
                             "kept {n} rows that look like totals/subtotals (Excel rows {rows}): "
                             "{option} is on", n, rows=listed, option=KEEP_OPTION) if kept else
                        tr_n(lang, "left out {n} row: a total/subtotal (Excel row {rows})",
                             "left out {n} rows: totals/subtotals (Excel rows {rows})", n, rows=listed))
            elif kind == "header":
                line = (tr_n(lang, "kept {n} row that repeats the header (Excel row {rows}): {option} is on",
                             "kept {n} rows that repeat the header (Excel rows {rows}): {option} is on",
                             n, rows=listed, option=KEEP_OPTION) if kept else
                        tr_n(lang, "left out {n} row: a repeated header (Excel row {rows})",
                             "left out {n} rows: repeated headers (Excel rows {rows})", n, rows=listed))
            elif kind == "note":
                line = (tr_n(lang, "kept {n} note row under the table (Excel row {rows}): {option} is on",
                             "kept {n} note rows under the table (Excel rows {rows}): {option} is on",
                             n, rows=listed, option=KEEP_OPTION) if kept else
                        tr_n(lang, "left out {n} row: a note under the table (Excel row {rows})",
                             "left out {n} rows: notes under the table (Excel rows {rows})", n, rows=listed))
            else:
                line = tr_n(lang, "left out {n} row: blank (Excel row {rows})",
                            "left out {n} rows: blank (Excel rows {rows})", n, rows=listed)
            out.append(line)
        return out


def clean_rows(raw: RawTable, *, id_column: str | None, measures: Sequence[str],
               keep_all: bool = False, sums: list[Any] | None = None,
               notes: bool = True) -> tuple[RawTable, RowReport]:
    """``raw`` without its total and subtotal lines, repeated headers and notes under the table, and the
    report of what was left out (with ``keep_all``: ``raw`` itself, and the report of what was kept).

    ``id_column`` and ``measures`` are headers of ``raw.frame`` (a name that is not one is matched as
    :func:`tierkit.names.find_header` does; one that matches nothing is ignored).  Blank rows were left out
    by the reader already; the gaps in ``raw.row_numbers`` are reported as blank rows.

    Only rows that may be one of these are looked at cell by cell (those without an id, or whose first
    cell repeats its header), so a clean table of a million rows costs a pass over its id column.

    A table read a batch at a time (:mod:`tierkit.app.stream`) passes the same ``sums`` list to every batch (the
    running sums of the numeric total test carry over), and ``notes`` only for the last batch.
    """
    frame = raw.frame
    columns = list(frame.columns)
    id_col = _column(columns, id_column)
    measure_cols = [c for c in dict.fromkeys(_column(columns, m) for m in measures) if c is not None]
    from ..io.parquetread import arrow_columns

    cells = _Cells(frame, arrow_columns(raw))
    n = len(frame)
    kind = np.zeros(n, dtype=np.int8)  # 0: a customer, else 1 + its index in KINDS
    probe = columns.index(id_col) if id_col is not None else 0
    has_id, heads = _scan_probe(cells, probe, str(columns[probe]) if columns else "", id_col is not None)
    if heads:
        rows = cells.rows(np.asarray(heads, dtype=np.int64))
        for k, i in enumerate(heads):
            if _repeats_header([c[k] for c in rows], columns):
                kind[i] = 1 + KINDS.index("header")
    if id_col is not None:
        _mark_totals(cells, kind, has_id, [columns.index(c) for c in measure_cols], sums)
    else:
        _mark_word_totals(cells, kind)
    if notes:
        _mark_notes(cells, kind)
    numbers = raw.row_numbers
    found = {k: tuple(int(r) for r in numbers[kind == 1 + j]) for j, k in enumerate(KINDS)}
    found["blank"] = _blank_rows(raw)
    report = RowReport({k: v for k, v in found.items() if v}, kept=keep_all)
    keep = kind == 0
    if keep_all or keep.all():
        return raw, report
    clean = replace(raw, frame=frame.loc[keep].reset_index(drop=True), row_numbers=numbers[keep])
    return clean, report


def spread_rows(values: Sequence[Any], clean: RawTable, full: RawTable, *, fill: Any = None) -> list[Any]:
    """Per row of ``full``: the value of the same Excel row in ``clean`` (a table :func:`clean_rows` made
    from it), ``fill`` for a row it left out."""
    order = np.argsort(full.row_numbers, kind="stable")
    at = order[np.searchsorted(full.row_numbers, clean.row_numbers, sorter=order)]
    out = np.full(len(full), fill, dtype=object)
    picked = np.empty(len(values), dtype=object)
    picked[:] = list(values)
    out[at] = picked
    return out.tolist()


# --------------------------------------------------------------------------- the kinds


def _column(columns: list[Any], name: str | None) -> Any:
    if name is None:
        return None
    if name in columns:
        return name
    return find_header(columns, name)


class _Cells:
    """The cells of a frame as Python objects (as ``Series.to_numpy(dtype=object)`` gives them), fetched only
    for the rows asked for; and its columns as the parquet reader had them in Arrow (``arrow``, or None)."""

    def __init__(self, frame: pd.DataFrame, arrow: Any = None) -> None:
        self.frame = frame
        self.width = frame.shape[1]
        self.arrow = arrow

    def column(self, j: int) -> pd.Series:
        return self.frame.iloc[:, j]

    def arrow_column(self, j: int) -> Any:
        """Column ``j`` as read into Arrow (the same cells), or None."""
        return None if self.arrow is None else self.arrow.column(j)

    def rows(self, at: np.ndarray) -> list[np.ndarray]:
        """Per column, the cells of the rows at positions ``at``."""
        return [self.column(j).take(at).to_numpy(dtype=object) for j in range(self.width)]


def _scan_probe(cells: _Cells, probe: int, header: str, is_id: bool) -> tuple[np.ndarray, list[int]]:
    """Which rows have an id (of the id column, else the first column), and which hold the column's header
    text (the rows that may repeat the header).  Only the cells :func:`rowscan.probe_candidates` picks (missing,
    or text short enough to be blank or the header, or holding 计/計/tot/sum) are looked at in Python."""
    n = len(cells.frame)
    has_id = np.ones(n if cells.width else 0, dtype=bool)
    heads: list[int] = []
    if not cells.width:
        return has_id, heads
    folded = _fold(header).strip()
    width = len(header.strip())
    at = probe_candidates(cells.column(probe), width, cells.arrow_column(probe))
    values = cells.column(probe).take(at).to_numpy(dtype=object).tolist() if len(at) else []
    for i, v in zip(at.tolist(), values, strict=True):
        if v is None or (type(v) is float and v != v):
            has_id[i] = False
        elif type(v) is str:
            text = v.strip()
            if len(text) == width and _fold(text) == folded:
                heads.append(i)
            if is_id:
                low = text.lower()
                if not text or low in BLANKS or (("计" in text or "計" in text or "tot" in low or "sum" in low)
                                                 and total_word(text, strict=True) is not None):
                    has_id[i] = False
    return has_id, heads


#: a cheap first look for a total word, before the full test
_QUICK = re.compile(r"计|計|(?i:total|sum)")


def _repeats_header(row: Sequence[Any], columns: list[Any]) -> bool:
    """Most filled cells hold their own column's header (at least two, or the one of a 1-column table)."""
    filled = same = 0
    for value, head in zip(row, columns, strict=True):
        if _blank(value):
            continue
        filled += 1
        if isinstance(value, str | int | float) and normalise_header(value) == normalise_header(head) != "":
            same += 1
    return same >= min(2, len(columns)) and same * 2 > filled


def _blank_rows(raw: RawTable) -> tuple[int, ...]:
    """The sheet rows between the header and the last data row that the reader left out as blank."""
    rows = raw.row_numbers
    if len(rows) == 0:
        return ()
    first, last = int(raw.header_row) + 1, int(rows.max())
    if last - first + 1 == len(rows):
        return ()
    return tuple(int(r) for r in np.setdiff1d(np.arange(first, last + 1), rows))


def _mark_notes(cells: _Cells, kind: np.ndarray, block: int = 64) -> None:
    """Rows under the last data row whose only filled cell is a note (``制表人：…``)."""
    end = len(kind)
    while end > 0:
        start = max(0, end - block)
        rows = cells.rows(np.arange(start, end, dtype=np.int64))
        for i in range(end - 1, start - 1, -1):
            if kind[i]:
                continue  # a total or a header under the notes, or between them
            filled = [c[i - start] for c in rows if not _blank(c[i - start])]
            if len(filled) == 1 and is_note(filled[0]):
                kind[i] = 1 + KINDS.index("note")
                continue
            return
        end, block = start, block * 4


def _mark_word_totals(cells: _Cells, kind: np.ndarray) -> None:
    """A table without an id column: a row is a total line when a cell holds a total word standing alone or
    ending the cell."""
    total = 1 + KINDS.index("total")
    for j in range(cells.width):
        at = word_candidates(cells.column(j), cells.arrow_column(j))
        if not len(at):
            continue
        for i, v in zip(at.tolist(), cells.column(j).take(at).to_numpy(dtype=object).tolist(), strict=True):
            if type(v) is str and not kind[i] and _QUICK.search(v) and total_word(v, strict=True) is not None:
                kind[i] = total


def _mark_totals(cells: _Cells, kind: np.ndarray, has_id: np.ndarray, measures: list[int],
                 carried: list[Any] | None = None) -> None:
    """Rows without an id that hold a total word, or whose measure is a sum of the rows above.  ``carried``: the
    running sums of the batches above (filled on the first batch, brought to this batch's end)."""
    candidates = np.flatnonzero(~has_id & (kind == 0))
    if not candidates.size and carried is None:
        return
    figures = [_figures(cells.column(p)) for p in measures]
    cols = cells.rows(candidates)
    # prefix sums of the rows with an id (customers): a run between two candidates is added at once
    prefix = []
    for values, tols in figures:
        ok = has_id & (kind == 0) & ~np.isnan(values)
        prefix.append(tuple(np.concatenate(([0.0], np.cumsum(np.where(ok, a, 0.0)))) for a in (values, tols, ok)))
    if carried is not None and not carried:
        carried.extend(_Sums() for _ in measures)
    sums = carried if carried is not None else [_Sums() for _ in measures]
    total, last = 1 + KINDS.index("total"), 0
    for k, i in enumerate(candidates.tolist()):
        for s, (cv, ct, cn) in zip(sums, prefix, strict=True):
            if cn[i] > cn[last]:
                s.add(cv[i] - cv[last], ct[i] - ct[last], int(cn[i] - cn[last]))
        last = i + 1
        row = [(float(v[i]), float(t[i])) for v, t in figures]
        words = [w for w in (total_word(c[k]) for c in cols) if w is not None]
        numeric = [s.matches(v, t) for s, (v, t) in zip(sums, row, strict=True) if not math.isnan(v)]
        if words:
            grand = "sub" not in words and any(m == "grand" for m in numeric)
        elif numeric and all(m is not None for m in numeric):
            grand = all(m == "grand" for m in numeric)
        else:  # a customer without an id
            for s, (v, t) in zip(sums, row, strict=True):
                if not math.isnan(v):
                    s.add(v, t)
            continue
        kind[i] = total
        for s, (v, t) in zip(sums, row, strict=True):
            s.close(None if math.isnan(v) else v, t, grand)
    if carried is not None:  # the customers under the last candidate, for the next batch
        end = len(kind)
        for s, (cv, ct, cn) in zip(sums, prefix, strict=True):
            if cn[end] > cn[last]:
                s.add(cv[end] - cv[last], ct[end] - ct[last], int(cn[end] - cn[last]))
