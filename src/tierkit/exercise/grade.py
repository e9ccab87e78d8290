"""Reading returned workbooks and comparing them with the key.  Nothing a student sends crashes grading:
every file ends up as a :class:`Submission` with a status and, when something is off, one line why."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from ..errors import display_path
from ..i18n import join, languages, mark, trc
from ..io.guard import guard_package
from ..progress import track
from .answers import is_blank
from .keybook import AnswerKey, KeyStudent
from .model import Column, Threshold, data_fingerprint, row_hash, to_serial
from .texts import word_in_every_language
from .workbook import META_SHEET

#: a file's status (``status_text`` says it in a language)
OK, NOT_WORKBOOK, OTHER, TAMPERED, UNKNOWN, DUPLICATE = (
    mark("grading status", "ok"), mark("grading status", "not a workbook"), mark("grading status", "other exercise"),
    mark("grading status", "tampered"), mark("grading status", "not recognised"), mark("grading status", "duplicate"))
#: an answer's status, and a student's without a file
RIGHT, WRONG, BLANK, NOT_A_TIER, MISSING = (
    mark("grading status", "right"), mark("grading status", "wrong"), mark("grading status", "blank"),
    mark("grading status", "not a tier"), mark("grading status", "missing"))
_LOCK_PREFIXES = ("~$", ".~lock.")


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


@dataclass
class RowResult:
    no: int
    customer_id: str
    expected: str
    answer: Any
    answered: str | None  # the tier id the answer means, None when blank or not a tier name
    right: bool

    @property
    def status(self) -> str:
        if self.right:
            return RIGHT
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
    student: KeyStudent | None = None
    rows: list[RowResult] = field(default_factory=list)
    thresholds: list[ThresholdResult] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

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
        return self.student is not None and self.status in (OK, TAMPERED)

    @property
    def correct(self) -> int:
        return sum(r.right for r in self.rows) + sum(t.right for t in self.thresholds)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.thresholds)

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0


def _meta(wb: Any) -> dict[str, Any]:
    if META_SHEET in wb.sheetnames:
        ws = wb[META_SHEET]
        return {str(r[0]): r[1] for r in ws.iter_rows(min_col=1, max_col=2, values_only=True) if r[0] is not None}
    props = {}
    try:
        for prop in wb.custom_doc_props.props:
            if prop.name.startswith("tierkit_"):
                props[prop.name[len("tierkit_"):]] = prop.value
    except AttributeError:  # pragma: no cover - older openpyxl
        pass
    return props


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).casefold()


def _find_table(wb: Any, meta: dict[str, Any], columns: tuple[Column, ...]) -> tuple[Any, int, dict[str, int]] | None:
    """The Data sheet (by name, else any sheet with the id and answer headers), its header row and columns."""
    id_names = {*(_norm(columns[0].label.get(lang)) for lang in languages()), _norm(meta.get("id_header"))}
    sheets = [wb[meta["data_sheet"]]] if meta.get("data_sheet") in wb.sheetnames else []
    sheets += [ws for ws in wb.worksheets if ws.title != META_SHEET and ws not in sheets]
    fallback = None
    for ws in sheets:
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=10, values_only=True), start=1):
            headers = {_norm(v): c for c, v in enumerate(row) if v is not None}
            if id_names & headers.keys():
                if _answer_col(headers) is not None:
                    return ws, r, headers
                fallback = fallback or (ws, r, headers)  # a scratch copy of the data has no answer column
                break
    return fallback


def _column_at(headers: dict[str, int], column: Column, meta: dict[str, Any]) -> int | None:
    """Where a key column is: by its label in either language, else by the header the workbook was written
    with (its metadata lists them), so a rule file's relabelled field still finds older workbooks' columns."""
    try:
        written = {str(c[0]): str(c[2]) for c in json.loads(str(meta.get("columns") or "[]"))}
    except (ValueError, TypeError, IndexError):
        written = {}
    for text in (*(column.label.get(lang) for lang in languages()), written.get(column.name)):
        if text and _norm(text) in headers:
            return headers[_norm(text)]
    return None


def _answer_col(headers: dict[str, int]) -> int | None:
    for text in word_in_every_language("answer"):
        col = headers.get(_norm(text))
        if col is not None:
            return col
    return None


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


def _thresholds(wb: Any, meta: dict[str, Any], student: KeyStudent) -> list[ThresholdResult]:
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
        out.append(ThresholdResult(t, raw, value, t.accepts(value if value is not None else math.nan)))
    return out


def read_submission(path: str | Path, key: AnswerKey) -> Submission:
    """Grade one returned file against the key."""
    p = Path(path)
    try:
        guard_package(p)     # openpyxl inflates every part itself, trusting the zip headers
        wb = load_workbook(p, data_only=True)
    except Exception as err:
        if p.suffix.lower() in (".xls", ".ods", ".numbers", ".csv"):
            message = mark("grading problem", "cannot be read as an .xlsx workbook: {error} (save it as an Excel "
                                              "workbook, .xlsx)")
        else:
            message = mark("grading problem", "cannot be read as an .xlsx workbook: {error}")
        return Submission(p, NOT_WORKBOOK, _problem(message, error=type(err).__name__))
    try:
        return _grade_book(p, wb, key)
    finally:
        wb.close()


def _grade_book(p: Path, wb: Any, key: AnswerKey) -> Submission:
    meta = _meta(wb)
    ex_id = meta.get("exercise_id")
    if ex_id and str(ex_id) != key.exercise_id:
        return Submission(p, OTHER, _problem(mark("grading problem", "belongs to another exercise ({exercise}, student "
                                                            "'{student}'); this key grades {key}"),
                                             exercise=ex_id, student=meta.get("student", "?"), key=key.exercise_id))
    columns = key.columns()
    table = _find_table(wb, meta, columns)
    if table is None:
        if meta:
            student = key.students.get(str(meta.get("student")))
            return Submission(p, TAMPERED, _problem(mark("grading problem", "the Data sheet is missing")), student)
        message = mark("grading problem", "no tierkit exercise data found in this workbook")
        return Submission(p, UNKNOWN, _problem(message))
    ws, header_row, headers = table
    col_index = [_column_at(headers, c, meta) for c in columns]
    answer_col = _answer_col(headers)
    data: dict[str, tuple[str, Any]] = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        first = col_index[0]
        cid = row[first] if first is not None and first < len(row) else None
        if cid is None or not str(cid).strip():
            continue
        cid = str(cid).strip()
        values = [row[i] if i is not None and i < len(row) else None for i in col_index]
        answer = row[answer_col] if answer_col is not None and answer_col < len(row) else None
        data[cid] = (row_hash(values, columns), answer)
    student = None
    note: list[Problem] = []
    if meta.get("student") is not None:
        student = key.students.get(str(meta["student"]))
        if student is None:
            message = mark("grading problem", "student '{student}' is not in this answer key")
            return Submission(p, OTHER, _problem(message, student=meta["student"]))
    if student is None:
        student = key.by_fingerprint(data_fingerprint(list(data), [h for h, _ in data.values()]))
        if student is None:  # metadata gone: the student whose customers these are
            best = max(key.students.values(), key=lambda s: len(set(s.ids) & data.keys()), default=None)
            if best is None or len(set(best.ids) & data.keys()) < max(1, len(best.ids) // 2):
                message = mark("grading problem", "no tierkit exercise information and the data match no student")
                return Submission(p, UNKNOWN, _problem(message))
            student = best
        note = _problem(mark("grading problem", "exercise information was removed from the file"))
    changed = [cid for cid, h in zip(student.ids, student.row_hashes, strict=True)
               if cid not in data or data[cid][0] != h]
    extra = [cid for cid in data if cid not in set(student.ids)]
    amap = key.answers
    rows = []
    for i, (cid, expected) in enumerate(zip(student.ids, student.expected, strict=True), start=1):
        answer = data.get(cid, ("", None))[1]
        answered = amap.resolve(answer)
        rows.append(RowResult(i, cid, expected, answer, answered, answered == expected))
    thresholds = _thresholds(wb, meta, student) if student.thresholds else []
    problems: list[Problem] = []
    if answer_col is None:
        problems += _problem(mark("grading problem", "the answer column is missing"))
    if changed:
        problems += _problem(mark("grading problem", "data changed or removed for {n} customer(s): {ids}"),
                             n=len(changed), ids=tuple(changed))
    if extra:
        problems += _problem(mark("grading problem", "{n} customer(s) added: {ids}"), n=len(extra), ids=tuple(extra))
    status = TAMPERED if problems else OK
    return Submission(p, status, problems + note, student, rows, thresholds, changed + extra)


def _files(inputs: list[str | Path], skip: set[Path]) -> list[Path]:
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith((".", *_LOCK_PREFIXES)):
                        out.append(Path(root) / name)
        else:
            out.append(p)
    return [f for f in dict.fromkeys(out) if f.resolve() not in skip]


def grade_files(inputs: list[str | Path], key: AnswerKey, skip: tuple[Path, ...] = ()) -> list[Submission]:
    """Every file under ``inputs`` (folders are searched), graded; a second file of the same student is kept
    (status ``duplicate``) but the most recently saved one counts."""
    skip_set = {s.resolve() for s in skip if s is not None}
    if key.path is not None:
        skip_set.add(key.path.resolve())
    subs = []
    for f in track(_files(inputs, skip_set), mark("progress", "grading the workbooks")):
        if not f.exists():
            subs.append(Submission(f, NOT_WORKBOOK, _problem(mark("grading problem", "file not found: {path}"),
                                                             path=display_path(f))))
        else:
            subs.append(read_submission(f, key))
    by_student: dict[str, list[Submission]] = {}
    for sub in subs:
        if sub.graded and sub.student is not None:
            by_student.setdefault(sub.student.student, []).append(sub)
    for group in by_student.values():
        if len(group) > 1:
            group.sort(key=lambda s: s.path.stat().st_mtime, reverse=True)
            for older in group[1:]:
                message = mark("grading problem", "another file of '{student}' is newer ({file}); this one is not "
                                                  "counted")
                older.problems = _problem(message, student=group[0].student.student if group[0].student else "",
                                          file=group[0].name)
                older.status = DUPLICATE
    return subs


def counted(subs: list[Submission]) -> list[Submission]:
    """The submissions whose score counts (one per student, duplicates left out)."""
    return [s for s in subs if s.graded and s.status != DUPLICATE]

