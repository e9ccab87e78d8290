"""Finding things in a returned workbook: the hidden metadata, the Data sheet and its columns (the answer column
by its header, else by its data-validation list or its place in the fingerprinted layout), and the cut-offs."""

from __future__ import annotations

import json
import math
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from ..i18n import languages
from .cells import Column, to_serial
from .keybook import KeyStudent
from .texts import word_in_every_language
from .workbook import CHOICES_COL, META_SHEET


def read_meta(wb: Any) -> dict[str, Any]:
    """The exercise information: the very hidden sheet, else the custom document properties."""
    if META_SHEET in wb.sheetnames:
        ws = wb[META_SHEET]
        return {str(r[0]): r[1] for r in ws.iter_rows(min_col=1, max_col=2, values_only=True) if r and r[0] is not None}
    props = {}
    try:
        for prop in wb.custom_doc_props.props:
            if prop.name.startswith("tierkit_"):
                props[prop.name[len("tierkit_"):]] = prop.value
    except AttributeError:  # pragma: no cover - older openpyxl
        pass
    return props


def norm(text: Any) -> str:
    return "".join(str(text or "").split()).casefold()


def find_table(wb: Any, meta: dict[str, Any], columns: tuple[Column, ...]) -> tuple[Any, int, dict[str, int]] | None:
    """The Data sheet (by name, else any sheet with the id and answer headers), its header row and columns."""
    id_names = {*(norm(columns[0].label.get(lang)) for lang in languages()), norm(meta.get("id_header"))}
    id_names.discard("")
    sheets = [wb[meta["data_sheet"]]] if meta.get("data_sheet") in wb.sheetnames else []
    sheets += [ws for ws in wb.worksheets if ws.title != META_SHEET and ws not in sheets]
    fallback = None
    for ws in sheets:
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=10, values_only=True), start=1):
            headers = {norm(v): c for c, v in enumerate(row) if v is not None}
            if id_names & headers.keys():
                if answer_by_header(headers) is not None:
                    return ws, r, headers
                fallback = fallback or (ws, r, headers)  # a scratch copy, or a renamed answer header
                break
    return fallback


def column_at(headers: dict[str, int], column: Column, meta: dict[str, Any]) -> int | None:
    """Where a key column is: by its label in either language, else by the header the workbook was written
    with (its metadata lists them), so a rule file's relabelled field still finds older workbooks' columns."""
    try:
        written = {str(c[0]): str(c[2]) for c in json.loads(str(meta.get("columns") or "[]"))}
    except (ValueError, TypeError, IndexError):
        written = {}
    for text in (*(column.label.get(lang) for lang in languages()), written.get(column.name)):
        if text and norm(text) in headers:
            return headers[norm(text)]
    return None


def answer_by_header(headers: dict[str, int]) -> int | None:
    for text in word_in_every_language("answer"):
        col = headers.get(norm(text))
        if col is not None:
            return col
    return None


def answer_by_layout(ws: Any, header_row: int, headers: dict[str, int], columns: tuple[Column, ...],
                     col_index: list[int | None]) -> int | None:
    """The answer column whose header was renamed: the column the tier list validates, else the column after
    the data columns (the layout the workbook was handed out with: No., the data columns, the answer)."""
    try:
        validations = list(ws.data_validations.dataValidation)
    except AttributeError:
        validations = []
    for dv in validations:
        formula = str(dv.formula1 or "")
        if dv.type == "list" and (META_SHEET in formula or "TIERKIT_CHOICES" in formula
                                  or f"${CHOICES_COL}$" in formula):
            for ref in str(dv.sqref).split():
                min_col, min_row, _max_col, _max_row = range_boundaries(ref)
                if min_col is not None and (min_row or 0) > header_row:
                    return min_col - 1
    known = [c for c in col_index if c is not None]
    if len(known) == len(columns):
        after = max(known) + 1
        width = max(headers.values(), default=-1) + 1
        if after < max(width, ws.max_column):
            return after
    return None


def score_columns_at(headers: dict[str, int], scores: tuple[Column, ...], meta: dict[str, Any],
                     answer_col: int | None) -> dict[str, int | None]:
    """Where each score answer column is: by its header (either language, or as the workbook was written), else
    by its place after the tier answer column (the layout handed out: the tier, then the scores in order)."""
    from .workbook import score_header

    try:
        written = {str(c[0]): str(c[1]) for c in json.loads(str(meta.get("score_columns") or "[]"))}
    except (ValueError, TypeError, IndexError):
        written = {}
    out: dict[str, int | None] = {}
    for k, column in enumerate(scores):
        texts = [*(score_header(column.label.get(lang), lang) for lang in languages()), written.get(column.name)]
        found = next((headers[norm(t)] for t in texts if t and norm(t) in headers), None)
        if found is None and answer_col is not None:
            found = answer_col + 1 + k
        out[column.name] = found
    return out


def letter_of(col: int) -> str:
    """The Excel letter of a 0-based column."""
    return get_column_letter(col + 1)


def _threshold_value(raw: Any, kind: str) -> float | None:
    from ..values import parse_date, parse_number

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        if kind == "date":
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return float(raw)
            return to_serial(parse_date(raw))
        number = parse_number(raw)
        return None if number is None else float(number)
    except (TypeError, ValueError):
        return None


def threshold_answers(wb: Any, meta: dict[str, Any], student: KeyStudent) -> list[tuple[Any, float | None, bool]]:
    """``(as written, value, right)`` of each cut-off the student was asked for."""
    found: dict[str, Any] = {}
    wanted = {t.key for t in student.thresholds}
    sheets = [wb[meta["thresholds_sheet"]]] if meta.get("thresholds_sheet") in wb.sheetnames else []
    sheets += [ws for ws in wb.worksheets if ws.title not in (META_SHEET,) and ws not in sheets]
    for ws in sheets:
        for row in ws.iter_rows(min_row=1, max_row=200, max_col=8, values_only=True):
            if row and row[0] in wanted and row[0] not in found:
                found[str(row[0])] = row[3] if len(row) > 3 else None
        if found:
            break
    out = []
    for t in student.thresholds:
        raw = found.get(t.key)
        value = _threshold_value(raw, t.kind)
        out.append((raw, value, t.accepts(value if value is not None else math.nan)))
    return out

