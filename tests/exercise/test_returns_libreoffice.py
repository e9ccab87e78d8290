"""Issue 18: returns saved by LibreOffice as .ods and .xls are graded (calamine reads them), the hidden sheet
still names the student, and a LibreOffice save keeps the fairness rules (copied file under another name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierkit.exercise import grade_exercise, grade_files
from tierkit.exercise.grade import OK, REVIEW

from .conftest import fill, right_answers
from .test_libreoffice import _convert

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


@pytest.mark.parametrize("target", ["ods", "xls"])
def test_ods_and_xls_returns_are_graded(make_class, tmp_path: Path, target: str) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=21)
    alice = key.students["Alice"]
    filled = fill(folder / "students" / alice.file, right_answers(alice, key, "mixed"), out=tmp_path / "Alice.xlsx")
    returned = tmp_path / "returned"
    saved = _convert(filled, returned, target)
    assert saved.suffix == f".{target}"
    (sub,) = grade_files([returned], key)
    assert sub.student is not None and sub.student.student == "Alice"
    assert sub.status == OK and sub.score == 1.0, sub.problem


def test_a_libreoffice_saved_copy_under_another_name_is_held(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=22)
    alice = key.students["Alice"]
    work = tmp_path / "work"
    work.mkdir()
    fill(folder / "students" / alice.file, right_answers(alice, key), out=work / "Bob.xlsx")
    returned = tmp_path / "returned"
    _convert(work / "Bob.xlsx", returned, "ods")
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx")
    (sub,) = run.submissions
    assert sub.status == REVIEW and "the file named Bob carries Alice's exercise" in sub.problem
