"""The grades workbook (xlsxwriter): scores, right/wrong per question, the class's confusion matrix and
most common mistakes, and every file that could not be graded, by name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import xlsxwriter

from ..errors import OutputExistsError, TierkitError, display_path
from ..i18n import join, mark, tr, trc
from ..io.atomic import atomic_write
from .breakdown import breakdown
from .grade import BLANK as BLANK_ANSWER
from .grade import DUPLICATE, MISSING, OK, RIGHT, WRONG, Submission, counted, status_text
from .identity import files_of
from .keybook import AnswerKey
from .model import format_value

#: the confusion matrix's columns of answers that name no tier
BLANK, NOT_TIER = mark("confusion column", "(blank)"), mark("confusion column", "(not a tier)")

#: the grades workbook's headers, by role
H: dict[str, str] = {
    "student": mark("grades header", "Student"), "file": mark("grades header", "File"),
    "status": mark("grades header", "Status"), "score": mark("grades header", "Score"),
    "correct": mark("grades header", "Right"), "total": mark("grades header", "Questions"),
    "blank": mark("grades header", "Blank"), "problem": mark("grades header", "Problem"),
    "expected": mark("grades header", "Right tier ↓ / answered →"),
    "mistakes": mark("grades header", "Most common mistakes"), "count": mark("grades header", "Count"),
    "missing": mark("grades header", "missing (no file)"), "no": mark("grades header", "Row"),
    "customer": mark("grades header", "Customer"), "answer": mark("grades header", "Answer"),
    "right_tier": mark("grades header", "Right tier"), "result": mark("grades header", "Result"),
    "threshold": mark("grades header", "Threshold"), "accepted": mark("grades header", "Accepted"),
    "question": mark("grades header", "Question"), "wrong": mark("grades header", "Wrong"),
    "share": mark("grades header", "Share right"),
    "scores_right": mark("grades header", "Scores right"), "score_cells": mark("grades header", "Score cells"),
}

#: the grades workbook's sheets, by role
SHEETS: dict[str, str] = {
    "grades": mark("grades sheet", "Grades"), "confusion": mark("grades sheet", "Confusion"),
    "answers": mark("grades sheet", "Answers"), "thresholds": mark("grades sheet", "Thresholds"),
    "problems": mark("grades sheet", "Problems"), "questions": mark("grades sheet", "Questions"),
}


def h(key: str, lang: str) -> str:
    return trc(lang, "grades header", H[key])  # i18n: marked


def sheet_name(key: str, lang: str) -> str:
    return trc(lang, "grades sheet", SHEETS[key])  # i18n: marked


def status(value: str, lang: str) -> str:
    """A file or answer status in the grades workbook's language."""
    return status_text(value, lang)


def confusion(subs: list[Submission], key: AnswerKey) -> pd.DataFrame:
    """Right tier (rows) x answered tier (columns, plus blank / not a tier), over the untampered files."""
    order = [s.id for s in key.ruleset.segments]
    counts: Counter[tuple[str, str]] = Counter()
    for sub in counted(subs):
        if sub.status != OK:
            continue
        for r in sub.rows:
            answered = r.answered or (BLANK if r.status == BLANK_ANSWER else NOT_TIER)
            counts[(r.expected, answered)] += 1
    columns = [*order, BLANK, NOT_TIER]
    return pd.DataFrame({ans: [counts[(exp, ans)] for exp in order] for ans in columns}, index=order, dtype=int)


def mistakes(matrix: pd.DataFrame, key: AnswerKey, lang: str = "en") -> list[tuple[int, str]]:
    """``(62, "put 62 B · Main customer customers into A · Key account")``, most frequent first."""
    amap = key.answers
    out: list[tuple[int, str]] = []
    for exp in matrix.index:
        for ans in matrix.columns:
            n = int(matrix.loc[exp, ans])
            if n == 0 or exp == ans:
                continue
            right = amap.label(exp, lang)
            if ans == BLANK:
                text = tr(lang, "left {n} {right} customers blank", n=n, right=right)
            elif ans == NOT_TIER:
                text = tr(lang, "wrote something that is not a tier for {n} {right} customers", n=n, right=right)
            else:
                text = tr(lang, "put {n} {right} customers into {wrong}", n=n, right=right,
                          wrong=amap.label(ans, lang))
            out.append((n, text))
    out.sort(key=lambda item: -item[0])
    return out


def _mark(right: bool, blank: bool) -> str:
    return "✓" if right else ("–" if blank else "✗")


def write_grades(subs: list[Submission], key: AnswerKey, path: str | Path, *, lang: str | None = None,
                 force: bool = True, inputs: Iterable[str | Path] = ()) -> Path:
    """Write the grades workbook atomically."""
    lang = lang or key.lang
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(tr(lang, "output exists: {path}", path=display_path(path)),
                                hint=tr(lang, "use {force} to overwrite it", force="--force"))
    if not path.parent.is_dir():
        raise TierkitError(tr(lang, "output folder not found: {path}", path=display_path(path.parent)),
                           hint=tr(lang, "create it first"))
    with atomic_write(path, force=force, inputs=inputs) as fh:
        _write(subs, key, fh, lang)
    return path


def _write(subs: list[Submission], key: AnswerKey, target: BinaryIO, lang: str) -> None:
    wb = xlsxwriter.Workbook(target)
    bold = wb.add_format({"bold": True, "bg_color": "#E3F2FD", "text_wrap": True, "valign": "top"})
    pct = wb.add_format({"num_format": "0%"})
    good = wb.add_format({"font_color": "#1B5E20", "bg_color": "#E8F5E9", "align": "center"})
    bad = wb.add_format({"font_color": "#B71C1C", "bg_color": "#FFEBEE", "align": "center"})
    diag = wb.add_format({"bg_color": "#E8F5E9"})
    warn = wb.add_format({"font_color": "#B71C1C"})
    amap = key.answers
    graded = counted(subs)
    n_q = max((len(s.rows) for s in graded), default=max((len(s.expected) for s in key.students.values()), default=0))
    t_keys = list(dict.fromkeys(t.key for s in key.students.values() for t in s.thresholds))
    scores = key.score_columns()  # RFM levels 2 and 3: the R, F, M scores written beside each tier
    score_label = {c.name: c.label.get(lang) for c in scores}

    ws = wb.add_worksheet(sheet_name("grades", lang))
    headers = [h("student", lang), h("file", lang), h("status", lang), h("score", lang), h("correct", lang),
               h("total", lang), h("blank", lang), h("problem", lang),
               *(tr(lang, "Q{n}", n=i) for i in range(1, n_q + 1)), *t_keys,
               *((h("scores_right", lang), h("score_cells", lang)) if scores else ())]
    ws.write_row(0, 0, headers, bold)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 1, 22)
    ws.set_column(2, 2, 14)
    ws.set_column(7, 7, 40)
    ws.set_column(8, 8 + n_q + len(t_keys), 5)
    row = 1
    seen = set()
    for sub in sorted(graded, key=lambda s: s.student.student if s.student else ""):
        assert sub.student is not None
        seen.add(sub.student.student)
        blanks = sum(r.status == BLANK_ANSWER for r in sub.rows)
        ws.write_row(row, 0, [sub.student.student, sub.name, status(sub.status, lang)])
        ws.write_number(row, 3, sub.score, pct)
        problem = sub.problem_text(lang)
        ws.write_row(row, 4, [sub.correct, sub.total, blanks, problem], warn if problem else None)
        for i, r in enumerate(sub.rows):
            ws.write(row, 8 + i, _mark(r.right, r.status == BLANK_ANSWER), good if r.right else bad)
        by_key = {t.threshold.key: t for t in sub.thresholds}
        for j, t_key in enumerate(t_keys):
            if t_key in by_key:
                t = by_key[t_key]
                ws.write(row, 8 + n_q + j, _mark(t.right, t.value is None), good if t.right else bad)
        if scores:
            ws.write_row(row, 8 + n_q + len(t_keys), [sub.scores_right, len(sub.score_answers)])
        row += 1
    for name in sorted(set(key.students) - seen):
        held = files_of(subs, name)  # unreadable, or held for review: named, never "missing"
        if held:
            ws.write_row(row, 0, [name, join(lang, [s.name for s in held]), status(held[0].status, lang)], warn)
            ws.write_row(row, 7, [trc(lang, "list of problems", "; ").join(s.problem_text(lang) for s in held)], warn)
        else:
            ws.write_row(row, 0, [name, key.students[name].file, h("missing", lang)], warn)
        row += 1

    matrix = confusion(subs, key)
    cw = wb.add_worksheet(sheet_name("confusion", lang))
    cw.write(0, 0, h("expected", lang), bold)
    labels = [_label(amap, c, lang) for c in matrix.columns]
    cw.write_row(0, 1, labels, bold)
    cw.set_column(0, 0, 28)
    cw.set_column(1, len(labels), 14)
    for i, exp in enumerate(matrix.index, start=1):
        cw.write(i, 0, amap.label(exp, lang), bold)
        for j, ans in enumerate(matrix.columns, start=1):
            cw.write_number(i, j, int(matrix.loc[exp, ans]), diag if exp == ans else None)
    top = len(matrix.index) + 3
    cw.write_row(top, 0, [h("mistakes", lang), h("count", lang)], bold)
    for k, (n, text) in enumerate(mistakes(matrix, key, lang)[:20], start=top + 1):
        cw.write_row(k, 0, [text, n])

    answers = [[sub.student.student, r.row, r.customer_id, "" if r.answer is None else str(r.answer),
                amap.label(r.expected, lang), status(r.status, lang),
                *(v for a in r.scores for v in ("" if a.blank else a.answer, a.expected))]
               for sub in graded if sub.student is not None for r in sub.rows]
    _sheet(wb, sheet_name("answers", lang),
           [*(h(k, lang) for k in ("student", "no", "customer", "answer", "right_tier", "result")),
            *(text for c in scores for text in (score_label[c.name], tr(lang, "{score} (right)",
                                                                          score=score_label[c.name])))],
           bold, {(0, 0): 20, (3, 4): 24}, answers)
    if t_keys:
        cut_offs = [[sub.student.student, t.threshold.label.get(lang),
                     "" if t.value is None else format_value(t.value, t.threshold.kind, lang),
                     t.threshold.range_text(lang), status(RIGHT if t.right else WRONG, lang)]
                    for sub in graded if sub.student is not None for t in sub.thresholds]
        _sheet(wb, sheet_name("thresholds", lang),
               [h(k, lang) for k in ("student", "threshold", "answer", "accepted", "result")],
               bold, {(0, 0): 20, (1, 1): 50, (2, 3): 28}, cut_offs)

    lines = breakdown(subs)
    questions = [[score_label.get(line.key, line.key) if line.score else line.key if line.no is None
                  else tr(lang, "Q{n}", n=line.no), line.right, line.wrong, line.blank] for line in lines]
    qw = _sheet(wb, sheet_name("questions", lang),
                [h(k, lang) for k in ("question", "correct", "wrong", "blank", "share")], bold, {(0, 0): 18}, questions)
    for k, line in enumerate(lines, start=1):
        qw.write_number(k, 4, line.share, pct)

    pw = wb.add_worksheet(sheet_name("problems", lang))
    pw.write_row(0, 0, [h("file", lang), h("status", lang), h("student", lang), h("problem", lang)], bold)
    pw.set_column(0, 0, 30)
    pw.set_column(1, 2, 18)
    pw.set_column(3, 3, 90)
    k = 1
    for sub in subs:
        if sub.status != OK or sub.problems:
            who = sub.student or sub.named
            pw.write_row(k, 0, [str(sub.path), status(sub.status, lang), who.student if who else "",
                                sub.problem_text(lang)],
                         None if sub.status == DUPLICATE else warn)
            k += 1
    for name in sorted(set(key.students) - seen):
        if files_of(subs, name):
            continue
        pw.write_row(k, 0, [key.students[name].file, status(MISSING, lang), name, h("missing", lang)], warn)
        k += 1
    wb.close()


def _sheet(wb: Any, name: str, headers: list[str], head: Any, widths: dict[tuple[int, int], int],
           rows: list[list[Any]]) -> Any:
    """A sheet with a header row, column widths (``{(first, last): width}``) and the rows below."""
    ws = wb.add_worksheet(name)
    ws.write_row(0, 0, headers, head)
    for (first, last), width in widths.items():
        ws.set_column(first, last, width)
    for k, row in enumerate(rows, start=1):
        ws.write_row(k, 0, row)
    return ws


def _label(amap: Any, column: str, lang: str) -> str:
    if column in (BLANK, NOT_TIER):
        return trc(lang, "confusion column", column)  # i18n: marked
    return str(amap.label(column, lang))
