"""The grades workbook (xlsxwriter): scores, right/wrong per question, the class's confusion matrix and
most common mistakes, and every file that could not be graded, by name."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import xlsxwriter

from ..errors import OutputExistsError, TierkitError, display_path
from ..io.atomic import atomic_write
from .grade import DUPLICATE, OK, Submission, counted
from .keybook import AnswerKey
from .model import format_value

BLANK, NOT_TIER = "(blank)", "(not a tier)"

H: dict[str, dict[str, str]] = {
    "student": {"en": "Student", "zh": "学生"}, "file": {"en": "File", "zh": "文件"},
    "status": {"en": "Status", "zh": "状态"}, "score": {"en": "Score", "zh": "得分"},
    "correct": {"en": "Right", "zh": "正确"}, "total": {"en": "Questions", "zh": "题数"},
    "blank": {"en": "Blank", "zh": "未填"}, "problem": {"en": "Problem", "zh": "问题"},
    "expected": {"en": "Right tier ↓ / answered →", "zh": "正确层级 ↓ / 填写 →"},
    "mistakes": {"en": "Most common mistakes", "zh": "最常见的错误"}, "count": {"en": "Count", "zh": "次数"},
    "missing": {"en": "missing (no file)", "zh": "未交（没有文件）"}, "no": {"en": "No.", "zh": "序号"},
    "customer": {"en": "Customer", "zh": "客户"}, "answer": {"en": "Answer", "zh": "填写"},
    "right_tier": {"en": "Right tier", "zh": "正确层级"}, "result": {"en": "Result", "zh": "结果"},
    "threshold": {"en": "Threshold", "zh": "阈值"}, "accepted": {"en": "Accepted", "zh": "可接受范围"},
}


STATUS_ZH = {"ok": "正常", "not a workbook": "不是工作簿", "other exercise": "其他练习的文件", "tampered": "数据被改动",
             "not recognised": "无法识别", "duplicate": "重复提交（以最新为准）", "missing": "未交",
             "blank": "未填", "right": "正确", "wrong": "错误", "not a tier": "不是层级名称"}


def h(key: str, lang: str) -> str:
    return H[key].get(lang, H[key]["en"])


def status(value: str, lang: str) -> str:
    """A file or answer status in the grades workbook's language."""
    return STATUS_ZH.get(value, value) if lang == "zh" else value


def confusion(subs: list[Submission], key: AnswerKey) -> pd.DataFrame:
    """Right tier (rows) x answered tier (columns, plus blank / not a tier), over the untampered files."""
    order = [s.id for s in key.ruleset.segments]
    counts: Counter[tuple[str, str]] = Counter()
    for sub in counted(subs):
        if sub.status != OK:
            continue
        for r in sub.rows:
            answered = r.answered or (BLANK if r.status == "blank" else NOT_TIER)
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
                text = f"left {n} {right} customers blank" if lang == "en" else f"有 {n} 位{right}未填写"
            elif ans == NOT_TIER:
                text = (f"wrote something that is not a tier for {n} {right} customers" if lang == "en"
                        else f"有 {n} 位{right}填写的不是层级名称")
            else:
                wrong = amap.label(ans, lang)
                text = f"put {n} {right} customers into {wrong}" if lang == "en" else f"把 {n} 位{right}归入了{wrong}"
            out.append((n, text))
    out.sort(key=lambda item: -item[0])
    return out


def _mark(right: bool, blank: bool) -> str:
    return "✓" if right else ("–" if blank else "✗")


def write_grades(subs: list[Submission], key: AnswerKey, path: str | Path, *, lang: str | None = None,
                 force: bool = True) -> Path:
    """Write the grades workbook atomically."""
    lang = lang or key.lang
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"output exists: {display_path(path)}", hint="use --force to overwrite it")
    if not path.parent.is_dir():
        raise TierkitError(f"output folder not found: {display_path(path.parent)}", hint="create it first")
    with atomic_write(path, force=True) as fh:
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

    ws = wb.add_worksheet("Grades")
    headers = [h("student", lang), h("file", lang), h("status", lang), h("score", lang), h("correct", lang),
               h("total", lang), h("blank", lang), h("problem", lang), *(f"Q{i}" for i in range(1, n_q + 1)), *t_keys]
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
        blanks = sum(r.status == "blank" for r in sub.rows)
        ws.write_row(row, 0, [sub.student.student, sub.name, status(sub.status, lang)])
        ws.write_number(row, 3, sub.score, pct)
        ws.write_row(row, 4, [sub.correct, sub.total, blanks, sub.problem], warn if sub.problem else None)
        for i, r in enumerate(sub.rows):
            ws.write(row, 8 + i, _mark(r.right, r.status == "blank"), good if r.right else bad)
        by_key = {t.threshold.key: t for t in sub.thresholds}
        for j, t_key in enumerate(t_keys):
            if t_key in by_key:
                t = by_key[t_key]
                ws.write(row, 8 + n_q + j, _mark(t.right, t.value is None), good if t.right else bad)
        row += 1
    for name in sorted(set(key.students) - seen):
        ws.write_row(row, 0, [name, key.students[name].file, h("missing", lang)], warn)
        row += 1

    matrix = confusion(subs, key)
    cw = wb.add_worksheet("Confusion")
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

    answers = [[sub.student.student, r.no, r.customer_id, "" if r.answer is None else str(r.answer),
                amap.label(r.expected, lang), status(r.status, lang)]
               for sub in graded if sub.student is not None for r in sub.rows]
    _sheet(wb, "Answers", [h(k, lang) for k in ("student", "no", "customer", "answer", "right_tier", "result")],
           bold, {(0, 0): 20, (3, 4): 24}, answers)
    if t_keys:
        cut_offs = [[sub.student.student, t.threshold.label.get(lang),
                     "" if t.value is None else format_value(t.value, t.threshold.kind, lang),
                     t.threshold.range_text(lang), status("right" if t.right else "wrong", lang)]
                    for sub in graded if sub.student is not None for t in sub.thresholds]
        _sheet(wb, "Thresholds", [h(k, lang) for k in ("student", "threshold", "answer", "accepted", "result")],
               bold, {(0, 0): 20, (1, 1): 50, (2, 3): 28}, cut_offs)

    pw = wb.add_worksheet("Problems")
    pw.write_row(0, 0, [h("file", lang), h("status", lang), h("student", lang), h("problem", lang)], bold)
    pw.set_column(0, 0, 30)
    pw.set_column(1, 2, 18)
    pw.set_column(3, 3, 90)
    k = 1
    for sub in subs:
        if sub.status != OK or sub.problem:
            pw.write_row(k, 0, [str(sub.path), status(sub.status, lang), sub.student.student if sub.student else "",
                                sub.problem],
                         None if sub.status == DUPLICATE else warn)
            k += 1
    for name in sorted(set(key.students) - seen):
        pw.write_row(k, 0, [key.students[name].file, status("missing", lang), name, h("missing", lang)], warn)
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
        return column if lang == "en" else ("（未填）" if column == BLANK else "（不是层级）")
    return str(amap.label(column, lang))
