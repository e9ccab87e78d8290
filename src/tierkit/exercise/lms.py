"""Grades for a learning platform, beside grades.xlsx: Canvas's and Moodle's CSV gradebook imports.

Students are matched by the roster's LMS id or e-mail column when the roster had one (``new --roster`` keeps
them in ``roster.xlsx``), by name otherwise.  A student whose file does not count gets an empty grade."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..i18n import mark, trc
from ..io.atomic import atomic_write
from .grade import Submission, counted
from .keybook import AnswerKey

# i18n: the headers a roster's column of platform (Canvas, Moodle) user ids may have, separated by |
_ID_HEADERS = mark("roster header", "lms_id|lms id|sis user id|id number|student id")
# i18n: the headers a roster's column of e-mail addresses may have, separated by |
_EMAIL_HEADERS = mark("roster header", "email|e-mail|mail|email address")
_NAME_HEADERS = mark("roster header", "student|name|student name")
CONTACTS = ("lms_id", "email")


def _headers(words: str) -> list[str]:
    from ..i18n import languages

    found = [trc(lang, "roster header", words) for lang in languages()]  # i18n: marked
    return list(dict.fromkeys(w.strip().lower() for text in found for w in text.split("|") if w.strip()))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_contacts(path: str | Path) -> dict[str, dict[str, str]]:
    """student -> {"lms_id": ..., "email": ...} from a roster (workbook or CSV); empty when it has neither."""
    from ..io import read_table

    frame = read_table(Path(path)).frame
    headers = {str(c).strip().lower(): c for c in frame.columns}
    name = next((headers[h] for h in _headers(_NAME_HEADERS) if h in headers), frame.columns[0] if len(frame.columns)
                else None)
    found = {key: next((headers[h] for h in _headers(words) if h in headers), None)
             for key, words in (("lms_id", _ID_HEADERS), ("email", _EMAIL_HEADERS))}
    if name is None or all(c is None for c in found.values()):
        return {}
    out: dict[str, dict[str, str]] = {}
    for _, row in frame.iterrows():
        student = _text(row[name])
        if student:
            out[student] = {key: _text(row[col]) if col is not None else "" for key, col in found.items()}
    return out


def _scores(subs: list[Submission], key: AnswerKey) -> dict[str, float | None]:
    done = {s.student.student: round(100 * s.score, 1) for s in counted(subs) if s.student is not None}
    return {name: done.get(name) for name in key.students}


def canvas_csv(subs: list[Submission], key: AnswerKey, contacts: dict[str, dict[str, str]]) -> str:
    """Canvas's gradebook CSV: Student, ID, SIS User ID, SIS Login ID, Section, then the exercise (points of
    100), with the "Points Possible" row Canvas writes and reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    column = f"{key.exercise_id}"
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
    writer.writerow(["    Points Possible", "", "", "", "", 100])
    for name, score in _scores(subs, key).items():
        c = contacts.get(name, {})
        writer.writerow([name, "", c.get("lms_id", ""), c.get("email", "") or (name if not c else ""), "",
                         "" if score is None else score])
    return out.getvalue()


def moodle_csv(subs: list[Submission], key: AnswerKey, contacts: dict[str, dict[str, str]]) -> str:
    """Moodle's grade import CSV: an identifier column (ID number, else Email address, else Full name: map it in
    Moodle's import form) and the exercise's grade out of 100."""
    has_id = any(c.get("lms_id") for c in contacts.values())
    has_email = any(c.get("email") for c in contacts.values())
    ident = "ID number" if has_id else ("Email address" if has_email else "Full name")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    by_name = ident == "Full name"
    writer.writerow([ident, key.exercise_id] if by_name else [ident, "Full name", key.exercise_id])
    for name, score in _scores(subs, key).items():
        c = contacts.get(name, {})
        grade = "" if score is None else score
        value = c.get("lms_id", "") if has_id else c.get("email", "")
        writer.writerow([name, grade] if by_name else [value, name, grade])
    return out.getvalue()


def lms_targets(grades: Path) -> tuple[Path, Path]:
    """Where the exports go: beside the grades workbook, ``<name>_canvas.csv`` and ``<name>_moodle.csv``."""
    return grades.with_name(f"{grades.stem}_canvas.csv"), grades.with_name(f"{grades.stem}_moodle.csv")


def write_lms(subs: list[Submission], key: AnswerKey, grades: Path, roster: Path | None, *, force: bool = True,
              inputs: Iterable[str | Path] = ()) -> list[Path]:
    """Write both exports (UTF-8 with a byte-order mark, which Excel and both platforms read)."""
    contacts = read_contacts(roster) if roster is not None and roster.is_file() else {}
    written = []
    for target, text in zip(lms_targets(grades), (canvas_csv(subs, key, contacts), moodle_csv(subs, key, contacts)),
                            strict=True):
        with atomic_write(target, force=force, inputs=inputs) as fh:
            fh.write(text.encode("utf-8-sig"))
        written.append(target)
    return written
