"""Reading returned workbooks and comparing them with the key.  Nothing a student sends crashes grading:
every file ends up as a :class:`Submission` with a status and, when something is off, one line why.
Which student a file counts for is decided over the whole class in :mod:`.identity`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import join, mark, trc
from .answers import AnswerMap, is_blank
from .keybook import AnswerKey, KeyStudent
from .locate import (
    answer_by_header,
    answer_by_layout,
    column_at,
    find_table,
    letter_of,
    read_meta,
    score_columns_at,
    threshold_answers,
)
from .model import Column, Threshold, data_fingerprint, row_hash
from .reading import Unreadable, open_returned

#: a file's status (``status_text`` says it in a language)
OK, NOT_WORKBOOK, OTHER, TAMPERED, UNKNOWN, DUPLICATE = (
    mark("grading status", "ok"), mark("grading status", "unreadable file"), mark("grading status", "other exercise"),
    mark("grading status", "tampered"), mark("grading status", "not recognised"), mark("grading status", "duplicate"))
#: a file that counts for nobody until the trainer decides (name and exercise disagree, copied data), and a file
#: returned with nothing filled in (graded: 0)
REVIEW, BLANK_RETURN = mark("grading status", "held for review"), mark("grading status", "blank return")
#: an answer's status, and a student's without a file
RIGHT, WRONG, BLANK, NOT_A_TIER, MISSING, DELETED = (
    mark("grading status", "right"), mark("grading status", "wrong"), mark("grading status", "blank"),
    mark("grading status", "not a tier"), mark("grading status", "missing"), mark("grading status", "row deleted"))
REMOVED = mark("grading problem", "exercise information was removed from the file")
#: the share of a file's rows that must be one student's customers for the data to name the student
OWNER_SHARE = 0.9


def status_text(value: str, lang: str) -> str:
    """A file or answer status in ``lang``."""
    return trc(lang, "grading status", value)  # i18n: marked


@dataclass(frozen=True)
class Problem:
    """Why a file needs the trainer's eye: a message marked ``mark("grading problem", ...)`` and its values."""

    message: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        values = {k: _listed(v, lang) if isinstance(v, tuple) else v for k, v in self.values.items()}
        return trc(lang, "grading problem", self.message, **values)  # i18n: marked


def _listed(items: tuple[Any, ...], lang: str, most: int = 8) -> str:
    """The first ``most`` items in the language's list form, `` …`` when there are more."""
    return join(lang, items[:most]) + (" …" if len(items) > most else "")


def _problem(message: str, **values: Any) -> list[Problem]:
    return [Problem(message, values)]


@dataclass(frozen=True)
class ScoreAnswer:
    """One helper value a student wrote beside the tier (RFM levels 2 and 3: the R, F or M score)."""

    name: str  #: the score's field name (``r_score``)
    answer: Any  #: the cell as returned
    expected: int | None
    right: bool

    @property
    def blank(self) -> bool:
        return is_blank(self.answer)


def score_value(raw: Any) -> int | None:
    """A score as a student typed it (``4``, ``4.0``, ``"4"``, ``"４"``); None for anything else."""
    if isinstance(raw, bool) or is_blank(raw):
        return None
    if isinstance(raw, int | float):
        return int(raw) if float(raw).is_integer() else None
    import unicodedata

    text = unicodedata.normalize("NFKC", str(raw)).strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


@dataclass
class RowResult:
    no: int  #: the question number (the row's place in the handed-out sheet)
    customer_id: str
    expected: str
    answer: Any
    answered: str | None  # the tier id the answer means, None when blank or not a tier name
    right: bool
    row: int = 0  #: the Excel row in the returned file (in the handed-out file when the row was deleted)
    deleted: bool = False
    scores: tuple[ScoreAnswer, ...] = ()  #: the scores written beside the tier, at the levels that ask for them

    @property
    def status(self) -> str:
        if self.right:
            return RIGHT
        if self.deleted:
            return DELETED
        return BLANK if is_blank(self.answer) else (WRONG if self.answered else NOT_A_TIER)


@dataclass
class ThresholdResult:
    threshold: Threshold
    answer: Any
    value: float | None
    right: bool


@dataclass
class Submission:
    path: Path
    status: str
    problems: list[Problem] = field(default_factory=list)
    student: KeyStudent | None = None  #: whose exercise the file carries (or, unreadable, whom its name names)
    rows: list[RowResult] = field(default_factory=list)
    thresholds: list[ThresholdResult] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    named: KeyStudent | None = None  #: the student the file name names (set by :func:`.identity.grade_files`)
    saved: dt.datetime | None = None  #: the save time inside the workbook (docProps/core.xml ``modified``)
    owner: KeyStudent | None = None  #: the student whose customers the data are (90 % of the rows or more)

    @property
    def name(self) -> str:
        return self.path.name

    def problem_text(self, lang: str = "en") -> str:
        """Every problem of the file in one line, in ``lang`` (empty when there is none)."""
        return trc(lang, "list of problems", "; ").join(p.text(lang) for p in self.problems)

    @property
    def problem(self) -> str:
        return self.problem_text("en")

    @property
    def graded(self) -> bool:
        return self.student is not None and self.status in (OK, TAMPERED, BLANK_RETURN)

    @property
    def correct(self) -> int:
        return sum(r.right for r in self.rows) + sum(t.right for t in self.thresholds)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.thresholds)

    @property
    def score_answers(self) -> list[ScoreAnswer]:
        """Every score cell (R, F, M of every row), where the level asks for them."""
        return [s for r in self.rows for s in r.scores]

    @property
    def scores_right(self) -> int:
        return sum(s.right for s in self.score_answers)

    @property
    def score(self) -> float:
        """The share of the credit earned: one point per tier and per cut-off; a row's scores (R, F, M) share one
        more point between them, so each right score earns a third of a tier's credit."""
        per_row = len(self.rows[0].scores) if self.rows and self.rows[0].scores else 0
        points = self.correct + (self.scores_right / per_row if per_row else 0.0)
        out_of = self.total + (len(self.rows) if per_row else 0)
        return points / out_of if out_of else 0.0


def read_submission(path: str | Path, key: AnswerKey) -> Submission:
    """Grade one returned file against the key (.xlsx, .xlsm, .ods, .xls, .csv)."""
    p = Path(path)
    try:
        opened = open_returned(p)
    except Unreadable as err:
        if err.kind == "PDF":
            message = mark("grading problem", "is a PDF, not a workbook (ask for the .xlsx file)")
        elif err.kind == "empty":
            message = mark("grading problem", "the file is empty")
        else:
            message = mark("grading problem", "cannot be read as a workbook ({kind}); ask for the .xlsx file")
        return Submission(p, NOT_WORKBOOK, _problem(message, kind=err.kind))
    wb = opened.workbook
    try:
        sub = _grade_book(p, wb, key)
    finally:
        wb.close()
    sub.saved = opened.saved
    if opened.fmt == "csv" and sub.graded:
        sub.problems = [q for q in sub.problems if q.message != REMOVED]
        sub.problems += _problem(mark("grading problem", "a CSV file: the student was recognised by the data"))
    return sub


def data_owner(ids: set[str], key: AnswerKey) -> KeyStudent | None:
    """The student whose customers make up at least 90 % of ``ids``."""
    if not ids:
        return None
    best = max(key.students.values(), key=lambda s: len(ids & set(s.ids)))
    return best if len(ids & set(best.ids)) >= OWNER_SHARE * len(ids) else None


def _rows(ws: Any, header_row: int, col_index: list[int | None], columns: tuple[Column, ...],
          answer_col: int | None) -> dict[str, tuple[str, Any, int, list[Any]]]:
    """customer id -> (row hash, answer, Excel row, the whole row)."""
    data: dict[str, tuple[str, Any, int, list[Any]]] = {}
    first = col_index[0]
    for r, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        raw = row[first] if first is not None and first < len(row) else None
        if isinstance(raw, float) and raw.is_integer():  # a numeric id read back as a float (calamine)
            raw = int(raw)
        if raw is None or not str(raw).strip():
            continue
        cid = str(raw).strip()
        values = [row[i] if i is not None and i < len(row) else None for i in col_index]
        answer = row[answer_col] if answer_col is not None and answer_col < len(row) else None
        data[cid] = (row_hash(values, columns), answer, r, list(row))
    return data


def _stray_answers(data: dict[str, tuple[str, Any, int, list[Any]]], amap: AnswerMap, skip: set[int]) -> int | None:
    """The column where the answers were typed instead, when the answer column is blank: the one column whose
    cells name a tier in at least half the rows."""
    counts: dict[int, int] = {}
    for _h, _a, _r, row in data.values():
        for c, value in enumerate(row):
            if c not in skip and isinstance(value, str) and amap.resolve(value) is not None:
                counts[c] = counts.get(c, 0) + 1
    best = max(counts, key=lambda c: counts[c], default=None)
    return best if best is not None and counts[best] * 2 >= len(data) else None


def _grade_book(p: Path, wb: Any, key: AnswerKey) -> Submission:
    meta = read_meta(wb)
    ex_id = meta.get("exercise_id")
    if ex_id and str(ex_id) != key.exercise_id:
        return Submission(p, OTHER, _problem(mark("grading problem", "belongs to another exercise ({exercise}, student "
                                                            "'{student}'); this key grades {key}"),
                                             exercise=ex_id, student=meta.get("student", "?"), key=key.exercise_id))
    columns = key.columns()
    table = find_table(wb, meta, columns)
    if table is None:
        if meta:
            student = key.students.get(str(meta.get("student")))
            return Submission(p, TAMPERED, _problem(mark("grading problem", "the Data sheet is missing")), student)
        message = mark("grading problem", "no tierkit exercise data found in this workbook")
        return Submission(p, UNKNOWN, _problem(message))
    ws, header_row, headers = table
    col_index = [column_at(headers, c, meta) for c in columns]
    notes: list[Problem] = []
    answer_col = answer_by_header(headers)
    if answer_col is None:
        answer_col = answer_by_layout(ws, header_row, headers, columns, col_index)
        if answer_col is not None:
            head = ws.cell(header_row, answer_col + 1).value
            notes += _problem(mark("grading problem", "the answer column's header was renamed to '{header}'; found "
                                                      "the answers in column {column} by their place in the sheet"),
                              header="" if head is None else str(head), column=letter_of(answer_col))
    data = _rows(ws, header_row, col_index, columns, answer_col)
    owner = data_owner(set(data), key)
    student = None
    if meta.get("student") is not None:
        student = key.students.get(str(meta["student"]))
        if student is None:
            message = mark("grading problem", "student '{student}' is not in this answer key")
            return Submission(p, OTHER, _problem(message, student=meta["student"]))
        if owner is not None and owner is not student:
            message = mark("grading problem", "the file carries {student}'s exercise information but {owner}'s "
                                              "data; not counted until you decide")
            return Submission(p, REVIEW, _problem(message, student=student.student, owner=owner.student), student,
                              owner=owner)
    if student is None:
        student = key.by_fingerprint(data_fingerprint(list(data), [v[0] for v in data.values()])) or owner
        if student is None:
            message = mark("grading problem", "no tierkit exercise information and the data match no student")
            return Submission(p, UNKNOWN, _problem(message))
        notes += _problem(REMOVED)
    amap = key.answers
    if all(is_blank(v[1]) for v in data.values()) and data:
        skip = {c for c in (*col_index, answer_col) if c is not None}
        stray = _stray_answers(data, amap, skip)
        if stray is not None:
            head = ws.cell(header_row, stray + 1).value
            notes += _problem(mark("grading problem", "the answers were typed in column {column} ('{header}'), not in "
                                                      "the answer column; graded from there"),
                              column=letter_of(stray), header="" if head is None else str(head))
            data = {cid: (h, row[stray] if stray < len(row) else None, r, row) for cid, (h, _a, r, row) in data.items()}
    score_cols = score_columns_at(headers, key.score_columns(), meta, answer_col) if key.score_columns() else {}
    return _compare(p, wb, meta, key, student, data, answer_col, notes, owner, score_cols)


def _compare(p: Path, wb: Any, meta: dict[str, Any], key: AnswerKey, student: KeyStudent,
             data: dict[str, tuple[str, Any, int, list[Any]]], answer_col: int | None, notes: list[Problem],
             owner: KeyStudent | None, score_cols: dict[str, int | None] | None = None) -> Submission:
    own = set(student.ids)
    deleted = [cid for cid in student.ids if cid not in data]
    changed = [cid for cid, h in zip(student.ids, student.row_hashes, strict=True)
               if cid in data and data[cid][0] != h]
    extra = [cid for cid in data if cid not in own]
    amap = key.answers
    rows = []
    score_cols = score_cols or {}
    for i, (cid, expected) in enumerate(zip(student.ids, student.expected, strict=True), start=1):
        wanted = {name: (student.scores.get(name) or [None] * i)[i - 1] for name in score_cols}
        if cid in data:
            answer, excel_row, whole = data[cid][1], data[cid][2], data[cid][3]
            answered = amap.resolve(answer)
            scores = tuple(ScoreAnswer(name, raw, wanted[name], wanted[name] is not None and
                                       score_value(raw) == wanted[name])
                           for name, col in score_cols.items()
                           for raw in [whole[col] if col is not None and col < len(whole) else None])
            rows.append(RowResult(i, cid, expected, answer, answered, answered == expected, excel_row, scores=scores))
        else:
            scores = tuple(ScoreAnswer(name, None, wanted[name], False) for name in score_cols)
            rows.append(RowResult(i, cid, expected, None, None, False, i + 1, deleted=True, scores=scores))
    thresholds = [ThresholdResult(t, raw, value, right)
                  for t, (raw, value, right) in zip(student.thresholds, threshold_answers(wb, meta, student),
                                                    strict=True)] if student.thresholds else []
    problems: list[Problem] = []
    if answer_col is None:
        problems += _problem(mark("grading problem", "the answer column is missing"))
    if deleted:
        problems += _problem(mark("grading problem", "{n} row(s) deleted: {ids}"), n=len(deleted), ids=tuple(deleted))
    if changed:
        problems += _problem(mark("grading problem", "data changed for {n} customer(s): {ids}"),
                             n=len(changed), ids=tuple(changed))
    if extra:
        problems += _problem(mark("grading problem", "{n} customer(s) added: {ids}"), n=len(extra), ids=tuple(extra))
    status = TAMPERED if problems else OK
    if status == OK and all(is_blank(r.answer) and all(s.blank for s in r.scores) for r in rows) \
            and all(t.value is None for t in thresholds):
        status = BLANK_RETURN
        problems += _problem(mark("grading problem", "returned with no answer filled in"))
    return Submission(p, status, problems + notes, student, rows, thresholds, deleted + changed + extra, owner=owner)


def counted(subs: list[Submission]) -> list[Submission]:
    """The submissions whose score counts (one per student, duplicates and files held for review left out)."""
    return [s for s in subs if s.graded and s.status != DUPLICATE]
