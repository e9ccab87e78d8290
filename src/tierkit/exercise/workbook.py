"""The student's exercise workbook (openpyxl): Instructions, Data, Thresholds (level 3), hidden metadata.

Only the answer cells are unlocked; every sheet is protected without a password.  The very hidden
``_tierkit`` sheet (and the custom document properties) carry the exercise id, the student and a
fingerprint of the data, so grading recognises the file whatever it is renamed to, and notices
other exercises and changed data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import languages, mark, tr, trc
from ..io.atomic import atomic_write
from ..textwidth import has_wide
from .build import ClassExercise
from .model import FORMAT, Column, StudentExercise, answer_token, from_serial
from .plugin import AS_OF
from .texts import as_of_text, language_name, level_text, task_text, word

META_SHEET = "_tierkit"
CHOICES_COL = "H"
TOKENS_COL = "J"
NUMBER_FORMATS = {"money": "#,##0", "int": "0", "score": "0", "share": "0.0000", "date": "yyyy-mm-dd"}
ANSWER_FILL = PatternFill("solid", start_color="FFF9C4", end_color="FFF9C4")
HEAD_FILL = PatternFill("solid", start_color="E3F2FD", end_color="E3F2FD")
BOLD = Font(bold=True)
UNITS = {"money": mark("threshold unit", "revenue"), "int": mark("threshold unit", "number"),
         "date": mark("threshold unit", "date (yyyy-mm-dd)")}


_wide = has_wide


def _display_width(text: str) -> int:
    return len(text) * (2 if _wide(text) else 1)


def _unit(kind: str, lang: str) -> str:
    return trc(lang, "threshold unit", UNITS[kind]) if kind in UNITS else ""  # i18n: marked


def _cell_value(value: Any, kind: str) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind in ("money", "int", "score"):
        number = float(value)
        return int(number) if number == int(number) else number
    if kind == "share":
        return float(value)
    return str(value)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True  # no password: against accidents, not against the determined
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _instructions(ws: Worksheet, cls: ClassExercise, ex: StudentExercise) -> None:
    lang = ex.lang
    rs = cls.ruleset
    title = rs.title.get(lang)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 60
    wrap = Alignment(wrap_text=True, vertical="top")
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    rows: list[tuple[str, str]] = [
        (word("student", lang), ex.student),
        (word("exercise", lang), cls.exercise_id),
        (word("as_of", lang), AS_OF.isoformat()),
        ("", ""),
        (task_text(title, lang, len(ex.frame)), ""),
        (level_text(cls.level, lang), ""),
        (cls.plugin.text(rs, lang), ""),
    ]
    if cls.plugin.dated:
        rows.append((as_of_text(lang), ""))
    scores = cls.score_columns()
    if scores:
        rows.append((tr(lang, "Beside each tier, write the customer's {scores} in the yellow columns: each score "
                              "earns its own credit.", scores=trc(lang, "list of values", ", ").join(
                                  c.label.get(lang) for c in scores)), ""))
    if cls.level == 3:
        rows.append((tr(lang, "Write each cut-off in the yellow cells of the {sheet} sheet.",
                        sheet=word("thresholds", lang)), ""))
    r = 3
    for left, right in rows:
        if right:
            ws.cell(r, 1, left).font = BOLD
            ws.cell(r, 2, right)
        elif left:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            cell = ws.cell(r, 1, left)
            cell.alignment = wrap
            ws.row_dimensions[r].height = 16 * max(1, math.ceil(len(left) / (52 if _wide(left) else 105)))
        r += 1
    r += 1
    codes = languages()  # the tiers in every language, then every name an answer may use
    heads = [*(tr(lang, "Tier ({language})", language=language_name(code, lang)) for code in codes),
             trc(lang, "instructions: tier names", "accepted")]
    for col, text in enumerate(heads, 1):
        cell = ws.cell(r, col, text)
        cell.font, cell.fill = BOLD, HEAD_FILL
    for seg in rs.segments:
        r += 1
        names = [seg.label.get(code) for code in codes]
        for col, name in enumerate(names, 1):
            ws.cell(r, col, name)
        ws.cell(r, len(names) + 1, ", ".join(dict.fromkeys([seg.id, *names])))
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    _protect(ws)


def score_header(label: str, lang: str) -> str:
    """The header of a score answer column: ``R score (your answer)``."""
    return tr(lang, "{score} (your answer)", score=label)


def _data(ws: Worksheet, ex: StudentExercise, choices_ref: str, scores: tuple[Column, ...] = (),
          most: int = 5) -> None:
    lang = ex.lang
    headers = [word("no", lang), *(c.label.get(lang) for c in ex.columns), word("answer", lang),
               *(score_header(c.label.get(lang), lang) for c in scores)]
    for col, text in enumerate(headers, 1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        chars = _display_width(text)
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(28, chars + 4))
    answer_col = len(headers) - len(scores)
    ws.column_dimensions[get_column_letter(answer_col)].width = 26
    for i, row in enumerate(ex.frame.itertuples(index=False), start=2):
        ws.cell(i, 1, i - 1)
        for j, (value, column) in enumerate(zip(row, ex.columns, strict=True), start=2):
            cell = ws.cell(i, j, _cell_value(value, column.kind))
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
        for col in range(answer_col, len(headers) + 1):
            answer = ws.cell(i, col)
            answer.protection = Protection(locked=False)
            answer.fill = ANSWER_FILL
    last = len(ex.frame) + 1
    if scores:
        whole = DataValidation(type="whole", operator="between", formula1="1", formula2=str(most), allow_blank=True,
                               showErrorMessage=True, errorStyle="stop",
                               error=tr(lang, "A whole number from {lo} to {hi}", lo=1, hi=most))
        whole.add(f"{get_column_letter(answer_col + 1)}2:{get_column_letter(len(headers))}{last}")
        ws.add_data_validation(whole)
    letter = get_column_letter(answer_col)
    dv = DataValidation(type="list", formula1=choices_ref, allow_blank=True, showDropDown=False,
                        showErrorMessage=True, errorStyle="stop", showInputMessage=True,
                        errorTitle=word("dv_title", lang), error=word("dv_error", lang),
                        promptTitle=word("dv_title", lang), prompt=word("dv_prompt", lang))
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "C2"
    _protect(ws)


def _thresholds(ws: Worksheet, ex: StudentExercise) -> None:
    lang = ex.lang
    headers = ["#", word("question", lang), word("unit", lang), word("your_value", lang)]
    for col, (text, width) in enumerate(zip(headers, (16, 60, 20, 18), strict=True), 1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill = BOLD, HEAD_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    numbers = DataValidation(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                             allow_blank=True, showErrorMessage=True, errorStyle="stop",
                             error=tr(lang, "A number"))
    dates = DataValidation(type="date", operator="between", formula1="1", formula2="73050", allow_blank=True,
                           showErrorMessage=True, errorStyle="stop", error=tr(lang, "A date"))
    for i, t in enumerate(ex.thresholds, start=2):
        ws.cell(i, 1, t.key)
        ws.cell(i, 2, t.label.get(lang)).alignment = Alignment(wrap_text=True)
        ws.cell(i, 3, _unit(t.kind, lang))
        cell = ws.cell(i, 4)
        cell.protection = Protection(locked=False)
        cell.fill = ANSWER_FILL
        if t.kind == "date":
            cell.number_format = "yyyy-mm-dd"
            dates.add(cell.coordinate)
        else:
            numbers.add(cell.coordinate)
    for dv in (numbers, dates):
        if dv.sqref:
            ws.add_data_validation(dv)
    _protect(ws)


def metadata(cls: ClassExercise, ex: StudentExercise, data_sheet: str, thresholds_sheet: str | None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "exercise_id": cls.exercise_id,
        "method": cls.method,
        "level": cls.level,
        "student": ex.student,
        "lang": ex.lang,
        "fingerprint": ex.fingerprint,
        "data_sheet": data_sheet,
        "thresholds_sheet": thresholds_sheet or "",
        "answer_header": word("answer", ex.lang),
        "score_columns": json.dumps([[c.name, score_header(c.label.get(ex.lang), ex.lang)]
                                     for c in cls.score_columns()], ensure_ascii=False),
        "id_header": ex.columns[0].label.get(ex.lang),
        "columns": json.dumps([[c.name, c.kind, c.label.get(ex.lang)] for c in ex.columns], ensure_ascii=False),
        "self_check": cls.self_check,
        "as_of": AS_OF.isoformat(),
    }


def write_exercise(cls: ClassExercise, ex: StudentExercise, path: str | Path, *, force: bool = True,
                   inputs: Iterable[str | Path] = ()) -> Path:
    """Write one student's workbook (an existing file only with ``force``; never one of ``inputs``)."""
    wb = Workbook()
    ws_info = wb.active
    assert ws_info is not None
    ws_info.title = word("instructions", ex.lang)
    ws_data = wb.create_sheet(word("data", ex.lang))
    ws_thr = wb.create_sheet(word("thresholds", ex.lang)) if ex.thresholds else None
    meta_ws = wb.create_sheet(META_SHEET)
    meta_ws.sheet_state = "veryHidden"
    meta = metadata(cls, ex, ws_data.title, ws_thr.title if ws_thr else None)
    for i, (key, value) in enumerate(meta.items(), start=1):
        meta_ws.cell(i, 1, key)
        meta_ws.cell(i, 2, value)
    choices = cls.answers.choices()
    meta_ws[f"{CHOICES_COL}1"] = "choices"
    for i, choice in enumerate(choices, start=2):
        meta_ws[f"{CHOICES_COL}{i}"] = choice
    choices_ref = f"'{META_SHEET}'!${CHOICES_COL}$2:${CHOICES_COL}${len(choices) + 1}"
    if cls.self_check:
        meta_ws[f"{TOKENS_COL}1"] = "customer_id"
        meta_ws.cell(1, 11, "token")
        for i, (cid, tier) in enumerate(zip(ex.ids, ex.expected, strict=True), start=2):
            meta_ws[f"{TOKENS_COL}{i}"] = cid
            meta_ws.cell(i, 11, answer_token(cls.exercise_id, cid, tier))
    _protect(meta_ws)
    _instructions(ws_info, cls, ex)
    _data(ws_data, ex, choices_ref, cls.score_columns(), most=_most(ex))
    if ws_thr is not None:
        _thresholds(ws_thr, ex)
    wb.defined_names["TIERKIT_CHOICES"] = DefinedName("TIERKIT_CHOICES", attr_text=choices_ref)
    wb.defined_names["TIERKIT_EXERCISE"] = DefinedName("TIERKIT_EXERCISE", attr_text=f'"{cls.exercise_id}"')
    for name in ("exercise_id", "student", "fingerprint", "method"):
        wb.custom_doc_props.append(StringProperty(name=f"tierkit_{name}", value=str(meta[name])))
    wb.properties.title = f"{cls.ruleset.title.get(ex.lang)} · {ex.student}"
    wb.properties.creator = "tierkit"
    wb.active = 0
    path = Path(path)
    with atomic_write(path, force=force, inputs=inputs) as fh:
        wb.save(fh)
    return path


def _most(ex: StudentExercise) -> int:
    """The highest score a score column takes (the bins of the quantile scores: 5)."""
    return max([5, *(v for values in ex.scores.values() for v in values if v is not None)])


def threshold_cell_value(serial_or_number: float, kind: str) -> Any:
    """How the key writes a threshold value (dates as dates, infinities as blanks)."""
    if math.isinf(serial_or_number):
        return None
    if kind == "date":
        return from_serial(serial_or_number)
    return serial_or_number
