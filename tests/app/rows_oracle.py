"""The row scan of tierkit.app.rows as it was before it was vectorised (every cell a Python object, every id
looked at in Python): the oracle tests/app/test_rowscan.py compares the vectorised scan with."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from tierkit.app.rows import (
    _QUICK,
    KINDS,
    RowReport,
    _blank,
    _blank_rows,
    _column,
    _fold,
    _repeats_header,
    is_note,
    total_word,
)
from tierkit.app.rowsums import _Sums, number_and_unit
from tierkit.io import RawTable
from tierkit.values import BLANKS


def clean_rows(raw: RawTable, *, id_column: str | None, measures: Sequence[str],
               keep_all: bool = False) -> tuple[RawTable, RowReport]:
    """``raw`` without its total and subtotal lines, repeated headers and notes under the table, and the
    report of what was left out (with ``keep_all``: ``raw`` itself, and the report of what was kept).

    ``id_column`` and ``measures`` are headers of ``raw.frame`` (a name that is not one is matched as
    :func:`tierkit.names.find_header` does; one that matches nothing is ignored).  Blank rows were left out
    by the reader already; the gaps in ``raw.row_numbers`` are reported as blank rows.

    Only rows that may be one of these are looked at cell by cell (those without an id, or whose first
    cell repeats its header), so a clean table of a million rows costs a pass over its id column.
    """
    frame = raw.frame
    columns = list(frame.columns)
    id_col = _column(columns, id_column)
    measure_cols = [c for c in dict.fromkeys(_column(columns, m) for m in measures) if c is not None]
    cols = [frame[c].to_numpy(dtype=object) for c in columns]
    n = len(frame)
    kind = np.zeros(n, dtype=np.int8)  # 0: a customer, else 1 + its index in KINDS
    probe = columns.index(id_col) if id_col is not None else 0
    has_id, heads = _scan_probe(cols[probe] if cols else np.empty(0, dtype=object), str(columns[probe]) if columns
                                else "", id_col is not None)
    for i in heads:
        if _repeats_header([c[i] for c in cols], columns):
            kind[i] = 1 + KINDS.index("header")
    if id_col is not None:
        _mark_totals(cols, kind, has_id, [columns.index(c) for c in measure_cols])
    else:
        _mark_word_totals(cols, kind)
    _mark_notes(cols, kind)
    numbers = raw.row_numbers
    found = {k: tuple(int(r) for r in numbers[kind == 1 + j]) for j, k in enumerate(KINDS)}
    found["blank"] = _blank_rows(raw)
    report = RowReport({k: v for k, v in found.items() if v}, kept=keep_all)
    keep = kind == 0
    if keep_all or keep.all():
        return raw, report
    clean = replace(raw, frame=frame.loc[keep].reset_index(drop=True), row_numbers=numbers[keep])
    return clean, report


def _scan_probe(values: np.ndarray, header: str, is_id: bool) -> tuple[np.ndarray, list[int]]:
    """One pass over the id column (else the first column): which rows have an id, and which hold the
    column's header text (the rows that may repeat the header)."""
    folded = _fold(header).strip()
    width = len(header.strip())
    has_id = np.ones(len(values), dtype=bool)
    heads: list[int] = []
    for i, v in enumerate(values.tolist()):
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


def _mark_notes(cols: list[np.ndarray], kind: np.ndarray) -> None:
    """Rows under the last data row whose only filled cell is a note (``制表人：…``)."""
    for i in range(len(kind) - 1, -1, -1):
        if kind[i]:
            continue  # a total or a header under the notes, or between them
        filled = [c[i] for c in cols if not _blank(c[i])]
        if len(filled) == 1 and is_note(filled[0]):
            kind[i] = 1 + KINDS.index("note")
            continue
        break


def _mark_word_totals(cols: list[np.ndarray], kind: np.ndarray) -> None:
    """A table without an id column: a row is a total line when a cell holds a total word standing alone or
    ending the cell."""
    total = 1 + KINDS.index("total")
    for col in cols:
        for i, v in enumerate(col.tolist()):
            if type(v) is str and not kind[i] and _QUICK.search(v) and total_word(v, strict=True) is not None:
                kind[i] = total


def _mark_totals(cols: list[np.ndarray], kind: np.ndarray, has_id: np.ndarray, measures: list[int]) -> None:
    """Rows without an id that hold a total word, or whose measure is a sum of the rows above."""
    candidates = np.flatnonzero(~has_id & (kind == 0))
    if not candidates.size:
        return
    figures = [_figures(cols[p]) for p in measures]
    # prefix sums of the rows with an id (customers): a run between two candidates is added at once
    prefix = []
    for values, tols in figures:
        ok = has_id & (kind == 0) & ~np.isnan(values)
        prefix.append(tuple(np.concatenate(([0.0], np.cumsum(np.where(ok, a, 0.0)))) for a in (values, tols, ok)))
    sums = [_Sums() for _ in measures]
    total, last = 1 + KINDS.index("total"), 0
    for i in candidates.tolist():
        for s, (cv, ct, cn) in zip(sums, prefix, strict=True):
            if cn[i] > cn[last]:
                s.add(cv[i] - cv[last], ct[i] - ct[last], int(cn[i] - cn[last]))
        last = i + 1
        row = [(float(v[i]), float(t[i])) for v, t in figures]
        words = [w for w in (total_word(c[i]) for c in cols) if w is not None]
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


def _figures(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A measure column as numbers (NaN where none) and their rounding allowances."""
    try:
        values = col.astype("float64")
        return values, np.where(np.isnan(values), 0.0, 0.005)
    except (TypeError, ValueError):
        pairs = [number_and_unit(v) for v in col.tolist()]
        return (np.array([np.nan if v is None else v for v, _ in pairs], dtype="float64"),
                np.array([t for _, t in pairs], dtype="float64"))
