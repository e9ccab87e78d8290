"""The movement workbook: a ``Tier movement`` sheet (matrices, value at risk, notes) and ``Customer moves``."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..i18n import tr
from ..io import column_letter
from ..io.atomic import atomic_write
from ..io.celltext import fit_cell
from .compute import Movement, ScaleMovement
from .texts import after_label, measure_name, moves_of, risk_lines, scale_title


def sheet_names(lang: str) -> tuple[str, str]:
    return tr(lang, "Tier movement"), tr(lang, "Customer moves")


def moves_header(mv: Movement, lang: str) -> list[str]:
    """The Customer moves sheet's headers (the first: the id column as the input named it)."""
    id_field = mv.after.ruleset.id_field or mv.before.ruleset.id_field
    first = mv.before.id_header or mv.after.id_header or (
        id_field.display(lang) if id_field is not None else tr(lang, "Customer ID"))
    return [first, tr(lang, "Tier before"), tr(lang, "Tier after"), tr(lang, "Tier ID before"),
            tr(lang, "Tier ID after"), tr(lang, "Move"), tr(lang, "Move (label)"), tr(lang, "Value before"),
            tr(lang, "Value after"), tr(lang, "Reason (tier after)")]


def moves_columns(mv: Movement, lang: str) -> list[Sequence[Any]]:
    """The Customer moves sheet's columns, one value per aligned customer."""

    def per(values: Sequence[Any] | None, pos: np.ndarray) -> list[Any]:
        if values is None:
            return [None] * len(pos)
        seq = list(values)
        return [seq[i] if i >= 0 else None for i in pos.tolist()]

    b, a = mv.before, mv.after
    codes, labels = moves_of(mv, lang)
    return [mv.ids, per(b.labels, mv.pos_before), per(a.labels, mv.pos_after), per(b.tier_ids, mv.pos_before),
            per(a.tier_ids, mv.pos_after), codes, labels,
            mv.value_before.tolist() if mv.value_before is not None else [None] * mv.n,
            mv.value_after.tolist() if mv.value_after is not None else [None] * mv.n,
            per(a.reasons, mv.pos_after)]


def matrix_rows(sm: ScaleMovement, lang: str) -> tuple[list[list[Any]], list[list[Any]] | None]:
    """The customers matrix and the value matrix, each with its header row, New row, Gone column and totals."""
    corner = tr(lang, "From \\ To")
    cols = [s.label.get(lang) for s in sm.after] + [tr(lang, "Gone"), tr(lang, "Total")]
    names = [s.label.get(lang) for s in sm.before] + [tr(lang, "New")]
    counts = sm.counts
    rows: list[list[Any]] = [[corner, *cols]]
    for i, name in enumerate(names):
        rows.append([name, *(int(c) for c in counts[i]), int(counts[i].sum())])
    rows.append([tr(lang, "Total"), *(int(c) for c in counts.sum(axis=0)), int(counts.sum())])
    if sm.values is None or sm.after_totals is None:
        return rows, None
    values = sm.values
    vcols = [s.label.get(lang) for s in sm.after] + [tr(lang, "Gone"), tr(lang, "Total value before")]
    vrows: list[list[Any]] = [[corner, *vcols]]
    for i, name in enumerate(names):
        total = float(values[i].sum()) if i < len(sm.before) else None  # the New row holds after-values
        vrows.append([name, *(round(float(v), 2) for v in values[i]), _round(total)])
    after = sm.after_totals
    vrows.append([tr(lang, "Total value after"), *(round(float(v), 2) for v in after[:-1]), None,
                  round(float(after[-1]), 2)])
    return rows, vrows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def write_movement(mv: Movement, dst: Path, *, lang: str, notes: Sequence[str], title: str,
                   force: bool = False, inputs: Sequence[Path] = ()) -> Path:
    """Write the two sheets to ``dst`` atomically (never over an input; an existing file only with ``force``)."""
    import xlsxwriter

    movement_name, moves_name = sheet_names(lang)
    with atomic_write(dst, force=force, inputs=inputs) as fh:
        book = io.BytesIO()
        wb = xlsxwriter.Workbook(book, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
        bold = wb.add_format({"bold": True})
        fills: dict[str, Any] = {}

        def fill(color: str | None) -> Any:
            if not color:
                return bold
            if color not in fills:
                fills[color] = wb.add_format({"bold": True, "bg_color": color, "font_color": _ink(color)})
            return fills[color]

        ws = wb.add_worksheet(movement_name)
        ws.set_column(0, 0, 24)
        ws.write_string(0, 0, fit_cell(title), bold)
        r = 1
        for line in notes:
            ws.write_string(r, 0, fit_cell(line))
            r += 1
        measure = measure_name(mv.after.ruleset, lang) or measure_name(mv.before.ruleset, lang)
        for sm in mv.scales:
            r += 1
            head = scale_title(sm, lang)
            counts, values = matrix_rows(sm, lang)
            ws.write_string(r, 0, fit_cell(tr(lang, "Customers") + (f" ({head})" if head else "")), bold)
            width = len(counts[0]) + 1
            if values is not None:
                ws.write_string(r, width, fit_cell(tr(lang, "{measure}: before-value of moves out of a tier, "
                                                   "after-value of new customers", measure=measure)), bold)
            r += 1
            colours_after = [s.color for s in sm.after] + [None, None]
            colours_before = [s.color for s in sm.before] + [None, None]
            for k, row in enumerate(counts):
                for j, v in enumerate(row):
                    fmt = fill(colours_after[j - 1]) if k == 0 and j else fill(colours_before[k - 1]) \
                        if j == 0 and k else None
                    _cell(ws, r + k, j, v, fmt)
                if values is not None:
                    for j, v in enumerate(values[k]):
                        fmt = fill(colours_after[j - 1]) if k == 0 and j else fill(colours_before[k - 1]) \
                            if j == 0 and k else None
                        _cell(ws, r + k, width + j, v, fmt)
            r += len(counts) + 1
            for line in risk_lines(sm, lang, measure):
                ws.write_string(r, 0, fit_cell(line.strip()), bold if not line.startswith(" ") else None)
                r += 1
            if sm.at_risk:
                header = [tr(lang, "From"), tr(lang, "To"), tr(lang, "Customers"),
                          tr(lang, "{measure} before", measure=measure)]
                ws.write_row(r, 0, header, bold)
                for k, path in enumerate(sm.at_risk, 1):
                    _cell(ws, r + k, 0, sm.before[path.before].label.get(lang), fill(sm.before[path.before].color))
                    color = sm.after[path.after].color if path.after >= 0 else None
                    _cell(ws, r + k, 1, after_label(sm, path.after, lang), fill(color))
                    _cell(ws, r + k, 2, path.customers, None)
                    _cell(ws, r + k, 3, round(path.value, 2), None)
                total = len(sm.at_risk) + 1
                _cell(ws, r + total, 0, tr(lang, "Total"), bold)
                _cell(ws, r + total, 2, sum(p.customers for p in sm.at_risk), bold)
                _cell(ws, r + total, 3, round(sm.value_at_risk, 2), bold)
                r += total + 1
        ms = wb.add_worksheet(moves_name)
        header = moves_header(mv, lang)
        ms.write_row(0, 0, header, bold)
        ms.freeze_panes(1, 1)
        ms.set_column(0, len(header) - 1, 16)
        wb.close()
        _with_rows(book.getvalue(), fh, MOVES_PART, moves_columns(mv, lang))
    return dst


#: the part xlsxwriter writes the second sheet (Customer moves) to
MOVES_PART = "xl/worksheets/sheet2.xml"


def _with_rows(book: bytes, fh: BinaryIO, part: str, columns: Sequence[Sequence[Any]]) -> None:
    """Copy the workbook ``book`` to ``fh`` with ``columns`` as the data rows (from row 2) of ``part``.

    A million customers are ten million cells: each distinct (value) cell is rendered once by the patcher's
    :func:`~tierkit.io.sheetpatch.render_column`, and the rows are joined as bytes, several times faster than
    writing them cell by cell with xlsxwriter."""
    import re
    import zipfile

    from ..io.sheetpatch import render_column

    n = len(columns[0]) if columns else 0
    cells = [render_column(j + 1, "", list(col), None) for j, col in enumerate(columns)]
    with zipfile.ZipFile(io.BytesIO(book)) as zin, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != part:
                zout.writestr(info, data)
                continue
            last = column_letter(max(len(columns), 1)).encode()
            data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:%s%d"/>' % (last, n + 1), data, count=1)
            head, _, tail = data.partition(b"</sheetData>")
            with zout.open(zipfile.ZipInfo(part, date_time=info.date_time), "w", force_zip64=True) as out:
                out.write(head)
                for chunk in _rows(cells, n, first=2):
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)


def _rows(cells: Sequence[Any], n: int, *, first: int, batch: int = 20_000) -> Iterator[bytes]:
    letters = [c.letter for c in cells]
    tails = [c.tails for c in cells]
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        codes = [c.codes[start:stop].tolist() for c in cells]
        out = []
        for k in range(stop - start):
            r = b"%d" % (first + start + k)
            out.append(b'<row r="' + r + b'">')
            for letter, tail, code in zip(letters, tails, codes, strict=True):
                c = code[k]
                if c >= 0:
                    out.append(b'<c r="' + letter + r + tail[c])
            out.append(b"</row>")
        yield b"".join(out)


def _cell(ws: Any, r: int, c: int, v: Any, fmt: Any) -> None:
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt)
    else:
        ws.write_string(r, c, fit_cell(str(v)), fmt)


def _ink(color: str) -> str:
    """Black or white text, whichever reads better on ``color`` (#rrggbb)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"
