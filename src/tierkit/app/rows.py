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

from ..i18n import join, tr_n
from ..io import RawTable
from ..names import find_header, normalise_header
from ..values import BLANKS, parse_number

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
#: a total word alone or ending the cell, or followed by a colon (a table without ids)
_STRICT = re.compile(rf"^(?:.*?{_PUNCT})?(?:{_ANY}){_PUNCT}$|^{_PUNCT}(?:{_ANY})\s*[:：].*$")
_SUB = re.compile("|".join(_word_rx(w) for w in SUBTOTAL_WORDS))
_NOTE = re.compile(rf"^\s*(?:{'|'.join(_word_rx(w) for w in sorted(NOTE_WORDS, key=len, reverse=True))})\s*[:：]")


def total_word(value: object, *, strict: bool = False) -> str | None:
    """``"sub"`` when a cell holds a subtotal word, ``"total"`` for another total word, else None."""
    if not isinstance(value, str):
        return None
    text = _fold(value).strip()
    if not (_STRICT if strict else _CONTAINS).search(text):
        return None
    return "sub" if _SUB.search(text) else "total"


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
               keep_all: bool = False) -> tuple[RawTable, RowReport]:
    """``raw`` without its total and subtotal lines, repeated headers and notes under the table, and the
    report of what was left out (with ``keep_all``: ``raw`` itself, and the report of what was kept).

    ``id_column`` and ``measures`` are headers of ``raw.frame`` (a name that is not one is matched as
    :func:`tierkit.names.find_header` does; one that matches nothing is ignored).  Blank rows were left out
    by the reader already; the gaps in ``raw.row_numbers`` are reported as blank rows.
    """
    frame = raw.frame
    columns = list(frame.columns)
    id_col = _column(columns, id_column)
    measure_cols = [c for c in dict.fromkeys(_column(columns, m) for m in measures) if c is not None]
    n = len(frame)
    cells = frame.to_numpy(dtype=object) if n else np.empty((0, len(columns)), dtype=object)
    kind: list[str | None] = [None] * n
    for i in range(n):
        if _repeats_header(cells[i], columns):
            kind[i] = "header"
    _mark_totals(cells, kind, columns, id_col, measure_cols)
    _mark_notes(cells, kind)
    numbers = raw.row_numbers
    found: dict[str, list[int]] = {k: [] for k in KINDS}
    for i, k in enumerate(kind):
        if k is not None:
            found[k].append(int(numbers[i]))
    found["blank"] = _blank_rows(raw)
    report = RowReport({k: tuple(v) for k, v in found.items() if v}, kept=keep_all)
    left_out = np.array([k is not None for k in kind], dtype=bool)
    if keep_all or not left_out.any():
        return raw, report
    keep = ~left_out
    clean = replace(raw, frame=frame.loc[keep].reset_index(drop=True), row_numbers=numbers[keep])
    return clean, report


def spread_rows(values: Sequence[Any], clean: RawTable, full: RawTable, *, fill: Any = None) -> list[Any]:
    """Per row of ``full``: the value of the same Excel row in ``clean`` (a table :func:`clean_rows` made
    from it), ``fill`` for a row it left out."""
    at = {int(r): i for i, r in enumerate(full.row_numbers.tolist())}
    out = [fill] * len(full)
    for value, row in zip(values, clean.row_numbers.tolist(), strict=True):
        out[at[int(row)]] = value
    return out


# --------------------------------------------------------------------------- the kinds


def _column(columns: list[Any], name: str | None) -> Any:
    if name is None:
        return None
    if name in columns:
        return name
    return find_header(columns, name)


def _repeats_header(row: np.ndarray, columns: list[Any]) -> bool:
    """Most filled cells hold their own column's header (at least two, or the one of a 1-column table)."""
    filled = same = 0
    for value, head in zip(row, columns, strict=True):
        if _blank(value):
            continue
        filled += 1
        if isinstance(value, str | int | float) and normalise_header(value) == normalise_header(head) != "":
            same += 1
    return same >= min(2, len(columns)) and same * 2 > filled


def _blank_rows(raw: RawTable) -> list[int]:
    """The sheet rows between the header and the last data row that the reader left out as blank."""
    rows = raw.row_numbers
    if len(rows) == 0:
        return []
    first, last = int(raw.header_row) + 1, int(rows.max())
    if last - first + 1 == len(rows):
        return []
    return sorted(set(range(first, last + 1)) - {int(r) for r in rows.tolist()})


def _mark_notes(cells: np.ndarray, kind: list[str | None]) -> None:
    """Rows under the last data row whose only filled cell is a note (``制表人：…``)."""
    for i in range(len(kind) - 1, -1, -1):
        if kind[i] is not None:
            continue  # a total or a header under the notes, or between them
        filled = [v for v in cells[i] if not _blank(v)]
        if len(filled) == 1 and is_note(filled[0]):
            kind[i] = "note"
            continue
        break


class _Sums:
    """Running sums of one measure: since the last total line, the subtotals since the last grand total,
    and every detail row since the last grand total (each with its rounding allowance)."""

    def __init__(self) -> None:
        self.run = self.run_tol = 0.0
        self.run_rows = 0
        self.subs: list[tuple[float, float]] = []
        self.all = self.all_tol = 0.0

    def add(self, value: float, tol: float) -> None:
        self.run += value
        self.run_tol += tol
        self.run_rows += 1
        self.all += value
        self.all_tol += tol

    def matches(self, value: float, tol: float) -> str | None:
        """``"sub"`` when ``value`` is the sum since the last total line, ``"grand"`` when it is the sum of the
        subtotals (or of every row since the last grand total), else None."""
        if value == 0:
            return None
        if self.run_rows and _close(value, self.run, tol + self.run_tol):
            return "sub"
        if self.subs and _close(value, self.all, tol + self.all_tol):
            return "grand"
        if len(self.subs) >= 2 and _close(value, sum(s for s, _ in self.subs), tol + sum(t for _, t in self.subs)):
            return "grand"
        return None

    def close(self, value: float | None, tol: float, grand: bool) -> None:
        if grand:
            self.subs, self.all, self.all_tol = [], 0.0, 0.0
        elif value is not None:
            self.subs.append((value, tol))
        self.run, self.run_tol, self.run_rows = 0.0, 0.0, 0


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + 1e-9 * max(abs(a), abs(b))


_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def number_and_unit(value: object) -> tuple[float | None, float]:
    """A measure cell as a number and half its last shown digit (``"12.3万"`` -> 123000 ± 500)."""
    try:
        number = parse_number(value)
    except (ValueError, TypeError):
        return None, 0.0
    if number is None or math.isnan(number):
        return None, 0.0
    if not isinstance(value, str):
        return number, 0.005
    text = unicodedata.normalize("NFKC", value)
    digits = _DIGITS.findall(text)
    decimals = len(digits[-1].rsplit(".", 1)[1]) if digits and "." in digits[-1] else 0
    scale = 1e8 if "亿" in text else 1e4 if "万" in text else 0.01 if "%" in text else 1.0
    return number, 0.5 * scale * 10.0 ** -decimals


def _mark_totals(cells: np.ndarray, kind: list[str | None], columns: list[Any], id_col: Any,
                 measure_cols: list[Any]) -> None:
    id_pos = columns.index(id_col) if id_col is not None else None
    m_pos = [columns.index(c) for c in measure_cols]
    sums = [_Sums() for _ in m_pos]
    for i, row in enumerate(cells):
        if kind[i] is not None:
            continue
        has_id = id_pos is not None and not _blank(row[id_pos]) and total_word(row[id_pos], strict=True) is None
        figures = [number_and_unit(row[p]) for p in m_pos]
        if has_id:
            for s, (v, t) in zip(sums, figures, strict=True):
                if v is not None:
                    s.add(v, t)
            continue
        words = [w for w in (total_word(v, strict=id_pos is None) for v in row) if w is not None]
        numeric = [s.matches(v, t) for s, (v, t) in zip(sums, figures, strict=True) if v is not None]
        if words:
            grand = "sub" not in words and any(m == "grand" for m in numeric)
        elif id_pos is not None and numeric and all(m is not None for m in numeric):
            grand = all(m == "grand" for m in numeric)
        else:  # a customer without an id
            for s, (v, t) in zip(sums, figures, strict=True):
                if v is not None:
                    s.add(v, t)
            continue
        kind[i] = "total"
        for s, (v, t) in zip(sums, figures, strict=True):
            s.close(v, t, grand)
