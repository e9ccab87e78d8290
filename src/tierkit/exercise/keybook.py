"""The trainer's answer key workbook and the class roster: written by ``new``, read by ``grade``."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from .. import __version__
from ..errors import InputFileError, TierkitError, Where, display_path, msg
from ..i18n import languages, tr
from ..io.atomic import atomic_write
from .build import ClassExercise
from .cells import text_of
from .model import FORMAT, ExerciseSettings, Threshold, data_fingerprint
from .plugin import AS_OF, get_plugin
from .workbook import threshold_cell_value

KEY_SHEETS = ("Exercise", "Students", "Answers", "Thresholds")
#: the Answers sheet's columns of the right R/F/M scores (``score_r_score``), at the levels that ask for them
SCORE_PREFIX = "score_"
_HEAD = Font(bold=True)
_FILL = PatternFill("solid", start_color="E3F2FD", end_color="E3F2FD")


@dataclass
class KeyStudent:
    student: str
    file: str
    seed: int
    lang: str
    fingerprint: str
    ids: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)  #: language -> the reason of each row
    row_hashes: list[str] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    scores: dict[str, list[int | None]] = field(default_factory=dict)  #: score name -> the right score per row


@dataclass
class AnswerKey(ExerciseSettings):
    """The exercise's settings (its rule file and cut-offs too) and every student's right answers."""

    students: dict[str, KeyStudent]
    path: Path | None = None

    def by_fingerprint(self, fingerprint: str) -> KeyStudent | None:
        return next((s for s in self.students.values() if s.fingerprint == fingerprint), None)


def _table(ws: Any, headers: list[str], rows: list[list[Any]], widths: list[int] | None = None) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = _HEAD, _FILL
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    ws.freeze_panes = "A2"


def write_key(cls: ClassExercise, path: str | Path, *, force: bool = True, inputs: Iterable[str | Path] = ()) -> Path:
    amap = cls.answers
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Exercise"
    settings: list[list[Any]] = [
        ["format", FORMAT], ["exercise_id", cls.exercise_id], ["method", cls.method], ["level", cls.level],
        ["seed", cls.seed], ["lang", cls.lang], ["self_check", cls.self_check], ["as_of", AS_OF.isoformat()],
        ["students", len(cls.students)], ["tierkit", __version__], ["rules", cls.rules],
        ["params", json.dumps(cls.params, sort_keys=True)],
    ]
    _table(ws, ["setting", "value"], settings, [16, 40])
    ws.cell(len(settings) + 3, 1, tr(cls.lang, "Keep this file: it grades the class ({command}). {setting} TRUE lets "
                                               "students check themselves in the Excel add-in.",
                                     command="tierkit exercise grade DIR --key THIS_FILE", setting="self_check"))
    _table(wb.create_sheet("Students"), ["student", "file", "seed", "lang", "fingerprint", "questions", "thresholds"],
           [[s.student, s.file, s.seed, s.lang, s.fingerprint, len(s.expected), len(s.thresholds)]
            for s in cls.students], [20, 24, 18, 6, 24, 10, 10])
    codes = languages()  # the tiers, reasons and labels in every language, one column each
    rows: list[list[Any]] = []
    scores = [c.name for c in cls.score_columns()]
    for s in cls.students:
        for i, (cid, tier) in enumerate(zip(s.ids, s.expected, strict=True)):
            rows.append([s.student, i + 1, cid, tier, *(amap.label(tier, code) for code in codes),
                         *(s.reasons[code][i] for code in codes), s.row_hashes[i], *(s.scores[n][i] for n in scores)])
    _table(wb.create_sheet("Answers"),
           ["student", "no", "customer_id", "tier_id", *(f"tier_{c}" for c in codes), *(f"reason_{c}" for c in codes),
            "row_hash", *(f"{SCORE_PREFIX}{n}" for n in scores)],
           rows, [20, 6, 12, 16, *(24 if i == 0 else 18 for i, _ in enumerate(codes)),
                  *(60 if i == 0 else 50 for i, _ in enumerate(codes)), 18])
    trows: list[list[Any]] = []
    for s in cls.students:
        for t in s.thresholds:
            trows.append([s.student, t.key, *(t.label.get(code) for code in codes), t.kind, t.op,
                          threshold_cell_value(t.lo, t.kind), threshold_cell_value(t.hi, t.kind),
                          t.lo_closed, t.hi_closed, threshold_cell_value(t.example, t.kind), t.range_text("en")])
    tws = wb.create_sheet("Thresholds")
    headers = ["student", "key", *(f"label_{c}" for c in codes), "kind", "op", "lo", "hi", "lo_closed", "hi_closed",
               "example", "accepted"]
    _table(tws, headers, trows, [20, 16, *(40 if i == 0 else 30 for i, _ in enumerate(codes)),
                                 8, 5, 12, 12, 9, 9, 12, 40])
    kind, dates = headers.index("kind"), [headers.index(h) for h in ("lo", "hi", "example")]
    for row in tws.iter_rows(min_row=2):
        if row[kind].value == "date":
            for i in dates:
                row[i].number_format = "yyyy-mm-dd"
    path = Path(path)
    with atomic_write(path, force=force, inputs=inputs) as fh:
        wb.save(fh)
    return path


def write_roster(cls: ClassExercise, path: str | Path, *, force: bool = True,
                 inputs: Iterable[str | Path] = (), contacts: dict[str, dict[str, str]] | None = None) -> Path:
    """The class roster; ``contacts`` (student -> lms_id, email: from the trainer's roster) add two columns that
    the Canvas and Moodle exports match students by."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Roster"
    extra = ["lms_id", "email"] if contacts else []
    _table(ws, ["student", "file", "seed", "lang", "exercise_id", *extra],
           [[s.student, s.file, s.seed, s.lang, cls.exercise_id,
             *((contacts or {}).get(s.student, {}).get(k, "") for k in extra)] for s in cls.students],
           [24, 28, 18, 6, 26, 18, 30])
    path = Path(path)
    with atomic_write(path, force=force, inputs=inputs) as fh:
        wb.save(fh)
    return path


def _rows(ws: Any) -> list[dict[str, Any]]:
    values = list(ws.iter_rows(values_only=True))
    if not values:
        return []
    headers = [str(h) if h is not None else "" for h in values[0]]
    return [dict(zip(headers, row, strict=False)) for row in values[1:] if any(v is not None for v in row)]


def _by_lang(row: dict[str, Any], prefix: str) -> list[tuple[str, str]]:
    """``[("reason_en", "en"), ("reason_zh", "zh")]``: a key's columns that hold one text per language."""
    return [(column, column[len(prefix):]) for column in row if column.startswith(prefix)]


def _number(value: Any, kind: str) -> float:
    from .model import to_serial

    if value is None or value == "":
        return math.nan
    serial = to_serial(value) if kind == "date" else float(value)
    return math.nan if serial is None else serial


def read_key(path: str | Path) -> AnswerKey:
    """Read an answer key written by ``exercise new``; a wrong file is a one-line error."""
    p = Path(path)
    where = Where(file=display_path(p))
    if not p.exists():
        raise InputFileError(msg("answer key not found: {p}", p=display_path(p)), where=where)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as err:
        raise InputFileError(msg("cannot open the answer key: {err}", err=err), where=where,
                             hint=msg("pass the answer_key.xlsx that 'tierkit exercise new' wrote")) from err
    try:
        missing = [s for s in KEY_SHEETS if s not in wb.sheetnames]
        if missing:
            raise InputFileError(
                msg("not a tierkit answer key (no sheet {missing!r})", missing=missing[0]),
                where=where,
                hint=msg("pass the answer_key.xlsx that 'tierkit exercise new' wrote"),
            )
        settings = {str(r["setting"]): r["value"] for r in _rows(wb["Exercise"])}
        method = str(settings.get("method", ""))
        try:
            get_plugin(method)
        except TierkitError:
            raise InputFileError(
                msg("the answer key names an unknown method {method!r}", method=method), where=where
            ) from None
        params = {str(k): float(v) for k, v in json.loads(str(settings.get("params") or "{}")).items()}
        students: dict[str, KeyStudent] = {}
        for r in _rows(wb["Students"]):
            name = str(r["student"])
            students[name] = KeyStudent(name, str(r["file"]), int(r["seed"]), str(r["lang"] or "en"),
                                        str(r["fingerprint"]))
        for r in _rows(wb["Answers"]):
            s = students[str(r["student"])]
            s.ids.append(str(r["customer_id"]))
            s.expected.append(str(r["tier_id"]))
            for column, lang in _by_lang(r, "reason_"):
                s.reasons.setdefault(lang, []).append(str(r[column] or ""))
            s.row_hashes.append(str(r["row_hash"]))
            for column in r:
                if str(column).startswith(SCORE_PREFIX):
                    value = r[column]
                    s.scores.setdefault(str(column)[len(SCORE_PREFIX):], []).append(
                        None if value is None or value == "" else int(value))
        for r in _rows(wb["Thresholds"]):
            kind = str(r["kind"])
            lo, hi = _number(r["lo"], kind), _number(r["hi"], kind)
            label = text_of({lang: str(r[column] or "") for column, lang in _by_lang(r, "label_")})
            students[str(r["student"])].thresholds.append(Threshold(
                str(r["key"]), label, kind, str(r["op"]),
                -math.inf if math.isnan(lo) else lo, math.inf if math.isnan(hi) else hi,
                bool(r["lo_closed"]), bool(r["hi_closed"]), _number(r["example"], kind)))
    except InputFileError:
        raise
    except (KeyError, TypeError, ValueError) as err:
        raise InputFileError(
            msg("the answer key is damaged ({kind}: {err})", kind=type(err).__name__, err=err),
            where=where,
            hint=msg("regenerate it with the same --seed and roster"),
        ) from err
    finally:
        wb.close()
    for s in students.values():
        if data_fingerprint(s.ids, s.row_hashes) != s.fingerprint:
            raise InputFileError(msg("the answer key was edited (student '{student}')", student=s.student), where=where,
                                 hint=msg("regenerate it with the same --seed and roster"))
    return AnswerKey(str(settings["exercise_id"]), method, int(settings["level"]), int(settings["seed"]),
                     str(settings.get("lang") or "en"), bool(settings.get("self_check")),
                     str(settings.get("rules") or method), params, students, p)

