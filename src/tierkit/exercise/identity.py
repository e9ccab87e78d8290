"""Whose file is whose, over the whole class.

A file belongs to the student whose exercise it carries (the very hidden sheet, else the data: the student
whose customers make up 90 % of its rows); its name is only a fallback.  A file whose name names another
student than the one it carries is held for review and counts for nobody, so a student's own file always
counts for her.  Among files of the same student the newest counts: the latest save time inside the workbook
(``docProps/core.xml``), then the file's modification time.  Answers that fit another student's data better
than the student's own are flagged with the evidence.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from ..errors import display_path
from ..i18n import mark
from ..progress import track
from ..textwidth import has_wide
from .grade import DUPLICATE, NOT_WORKBOOK, REVIEW, UNKNOWN, Submission, _problem, read_submission
from .keybook import AnswerKey, KeyStudent

_LOCK_PREFIXES = ("~$", ".~lock.")
#: answers that fit another student's data this well, and this much better than the student's own, are flagged
FIT, MARGIN = 0.8, 0.3


def _words(text: str) -> str:
    """A name or file name as lower-case words between single spaces (``" chloé dubois "``)."""
    value = unicodedata.normalize("NFKC", text).casefold()
    return " " + " ".join(re.split(r"[\W_]+", value)).strip() + " "


_wide = has_wide


def _names(name: str, words: str) -> bool:
    """``name`` appears in a file name: as whole words (``alice`` in ``alice-v2``, not in ``malice``), or, for a
    name in a script without spaces (王芳), anywhere."""
    wanted = _words(name)
    if not wanted.strip():
        return False
    if _wide(name):
        return wanted.strip().replace(" ", "") in words.replace(" ", "")
    return wanted in words


def named_student(path: Path, key: AnswerKey) -> KeyStudent | None:
    """The student a file name names: the longest student name (or handed-out file name) in it, when exactly one
    student has it."""
    words = _words(path.stem)
    found: dict[str, KeyStudent] = {}
    for s in key.students.values():
        for name in (s.student, Path(s.file).stem):
            if _names(name, words):
                found[_words(name)] = s
    if not found:
        return None
    longest = max(found, key=len)
    owners = {id(found[n]) for n in found if len(n) == len(longest)}
    return found[longest] if len(owners) == 1 else None


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


def _newest_first(sub: Submission) -> tuple[bool, dt.datetime, float]:
    """Sort key: a file whose name agrees first, then the save time inside the workbook, then the file's mtime."""
    agrees = sub.named is None or sub.named is sub.student
    try:
        mtime = sub.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return agrees, sub.saved or dt.datetime.min, mtime


def _fit(sub: Submission, other: KeyStudent) -> float:
    rows = [r for r in sub.rows if not r.deleted]
    if not rows or len(other.expected) < len(rows):
        return 0.0
    return sum(r.answered == other.expected[r.no - 1] for r in rows) / len(rows)


def _copied_answers(subs: list[Submission], key: AnswerKey) -> None:
    for sub in subs:
        if not sub.graded or sub.student is None or sub.score >= FIT:
            continue
        own = _fit(sub, sub.student)
        fits = [(_fit(sub, s), s) for s in key.students.values() if s is not sub.student]
        best, other = max(fits, key=lambda f: f[0], default=(0.0, None))
        if other is not None and best >= FIT and best >= own + MARGIN:
            sub.problems += _problem(mark("grading problem", "the answers fit {other}'s data ({fit}) better than "
                                                             "{student}'s own ({own}): copied?"),
                                     other=other.student, student=sub.student.student, fit=f"{best:.0%}",
                                     own=f"{own:.0%}")


def grade_files(inputs: list[str | Path], key: AnswerKey, skip: tuple[Path, ...] = ()) -> list[Submission]:
    """Every file under ``inputs`` (folders are searched), graded and attributed (see the module's docstring)."""
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
    for sub in subs:
        sub.named = named_student(sub.path, key)
        if sub.status in (NOT_WORKBOOK, UNKNOWN) and sub.student is None:
            sub.student = sub.named  # an unreadable file is its student's, by name: never "missing"
        elif sub.graded and sub.named is not None and sub.named is not sub.student and sub.student is not None:
            sub.status = REVIEW
            message = mark("grading problem", "the file named {named} carries {student}'s exercise; not counted "
                                              "until you decide")
            sub.problems = _problem(message, named=sub.named.student, student=sub.student.student) + sub.problems
    _copied_answers(subs, key)
    by_student: dict[str, list[Submission]] = {}
    for sub in subs:
        if sub.graded and sub.student is not None:
            by_student.setdefault(sub.student.student, []).append(sub)
    for group in by_student.values():
        if len(group) > 1:
            group.sort(key=_newest_first, reverse=True)
            for older in group[1:]:
                message = mark("grading problem", "another file of '{student}' is newer ({file}); this one is not "
                                                  "counted")
                older.problems = _problem(message, student=group[0].student.student if group[0].student else "",
                                          file=group[0].name) + older.problems
                older.status = DUPLICATE
    return subs


def files_of(subs: list[Submission], student: str) -> list[Submission]:
    """The files that name or carry ``student`` but do not count for her (unreadable, held for review)."""
    return [s for s in subs if not s.graded and s.status != DUPLICATE
            and ((s.student is not None and s.student.student == student)
                 or (s.named is not None and s.named.student == student))]
