"""Issue 18: what students do to their files, each as a fixture, graded as a fair trainer would, with the reason
written in the grades workbook.  No file is attributed to another student without a flag."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tierkit.exercise import grade_exercise, grade_files
from tierkit.exercise.grade import DELETED, DUPLICATE, NOT_WORKBOOK, OK, REVIEW, TAMPERED, Submission
from tierkit.exercise.keybook import AnswerKey

from .conftest import fill, right_answers

CLASS = ("John Smith", "Chloé Dubois", "Ann Lee")


def _grades(path: Path) -> dict[str, tuple[Any, ...]]:
    """The Grades sheet by student: (file, status, score, problem)."""
    rows = list(load_workbook(path)["Grades"].iter_rows(values_only=True))
    return {r[0]: (r[1], r[2], r[3], r[7]) for r in rows[1:] if r[0]}


def _by_name(subs: list[Submission]) -> dict[str, Submission]:
    return {s.name: s for s in subs}


def _returned(tmp_path: Path) -> Path:
    folder = tmp_path / "returned"
    folder.mkdir()
    return folder


def _wrong_answers(student: Any, key: AnswerKey) -> dict[str, str]:
    tiers = [s.id for s in key.ruleset.segments]
    return {cid: next(t for t in tiers if t != exp) for cid, exp in zip(student.ids, student.expected, strict=True)}


def test_a_copied_workbook_saved_under_her_name_is_held_not_given_to_him(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=CLASS, seed=3)
    john = key.students["John Smith"]
    returned = _returned(tmp_path)
    fill(folder / "students" / john.file, right_answers(john, key), out=returned / "John Smith.xlsx")
    # Chloé copies John's handout, fills it in (wrongly for his data) and saves it under her own name
    fill(folder / "students" / john.file, _wrong_answers(john, key), out=returned / "Chloé Dubois.xlsx")
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx")
    subs = _by_name(run.submissions)
    assert subs["John Smith.xlsx"].status == OK and subs["John Smith.xlsx"].score == 1.0
    held = subs["Chloé Dubois.xlsx"]
    assert held.status == REVIEW and held.named is not None and held.named.student == "Chloé Dubois"
    assert "the file named Chloé Dubois carries John Smith's exercise" in held.problem
    grades = _grades(tmp_path / "grades.xlsx")
    assert grades["John Smith"][:3] == ("John Smith.xlsx", "ok", 1.0)  # his own file always counts for him
    assert grades["Chloé Dubois"][0] == "Chloé Dubois.xlsx" and grades["Chloé Dubois"][1] == "held for review"
    assert "carries John Smith's exercise" in grades["Chloé Dubois"][3]
    assert grades["Ann Lee"][1] == "missing (no file)"


def test_the_newest_duplicate_is_the_latest_saved_inside_the_workbook(make_class, tmp_path: Path) -> None:
    folder, key = make_class("value", 1, students=["Alice"], seed=4)
    alice = key.students["Alice"]
    returned = _returned(tmp_path)

    def saved_at(when: dt.datetime) -> Any:
        def edit(wb: Any) -> None:
            wb.properties.modified = when
        return edit

    early = fill(folder / "students" / alice.file, {}, out=returned / "alice-draft.xlsx")
    late = fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "alice-final.xlsx")
    for path, when in ((early, dt.datetime(2025, 3, 1, 9)), (late, dt.datetime(2025, 3, 2, 9))):
        _set_core_modified(path, when)
    # copying the folder turned the file times around: the draft looks newer on disk
    os.utime(late, (1_600_000_000, 1_600_000_000))
    os.utime(early, (1_700_000_000, 1_700_000_000))
    subs = _by_name(grade_files([returned], key))
    assert subs["alice-final.xlsx"].status == OK and subs["alice-final.xlsx"].score == 1.0
    assert subs["alice-draft.xlsx"].status == DUPLICATE and "alice-final.xlsx" in subs["alice-draft.xlsx"].problem


def _set_core_modified(path: Path, when: dt.datetime) -> None:
    """Rewrite docProps/core.xml's ``modified`` (openpyxl stamps the time of saving)."""
    import re

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            dst.writestr(item, data)
    tmp.replace(path)


def test_a_renamed_answer_header_still_finds_every_answer(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["李雷"], seed=5, lang="zh")
    li = key.students["李雷"]
    returned = _returned(tmp_path)

    def rename(wb: Any) -> None:
        ws = wb["数据"]
        for cell in ws[1]:
            if cell.value == "你的答案（层级）":
                cell.value = "Answer"

    fill(folder / "students" / li.file, right_answers(li, key, "zh"), out=returned / "李雷.xlsx", edit=rename)
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx", lang="en")
    (sub,) = run.submissions
    assert sub.status == OK and sub.score == 1.0
    assert "renamed to 'Answer'" in sub.problem
    assert "renamed to 'Answer'" in _grades(tmp_path / "grades.xlsx")["李雷"][3]


def test_unreadable_files_are_their_students_never_missing(make_class, tmp_path: Path) -> None:
    folder, _key = make_class("abc", 1, students=["Alice", "Bob", "Carol"], seed=1)
    returned = _returned(tmp_path)
    (returned / "Alice.xlsx").write_bytes(b"PK\x03\x04 a corrupt zip")
    (returned / "Bob.xlsx").write_bytes(b"%PDF-1.7\n% a PDF renamed .xlsx\n")
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx")
    subs = _by_name(run.submissions)
    alice = subs["Alice.xlsx"]
    assert alice.status == NOT_WORKBOOK and alice.student is not None and alice.student.student == "Alice"
    assert "is a PDF" in subs["Bob.xlsx"].problem
    grades = _grades(tmp_path / "grades.xlsx")
    assert grades["Alice"][:2] == ("Alice.xlsx", "unreadable file")
    assert grades["Bob"][:2] == ("Bob.xlsx", "unreadable file") and "is a PDF" in grades["Bob"][3]
    assert grades["Carol"][1] == "missing (no file)"
    assert any(line.strip() == "missing: Carol" for line in run.lines())
    problems = list(load_workbook(tmp_path / "grades.xlsx")["Problems"].iter_rows(values_only=True))
    students = {Path(str(r[0])).name: r[2] for r in problems[1:]}
    assert students["Alice.xlsx"] == "Alice" and students["Bob.xlsx"] == "Bob"


def test_a_csv_return_is_graded_when_the_data_identify_the_student(make_class, tmp_path: Path) -> None:
    import csv

    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=2)
    bob = key.students["Bob"]
    filled = fill(folder / "students" / bob.file, right_answers(bob, key), out=tmp_path / "bob.xlsx")
    wb = load_workbook(filled, data_only=True)
    rows = list(wb["Data"].iter_rows(values_only=True))
    returned = _returned(tmp_path)
    with (returned / "my answers.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in row] for row in rows])
    (sub,) = grade_files([returned], key)
    assert sub.student is bob and sub.status == OK and sub.score == 1.0
    assert "CSV" in sub.problem


def test_a_deleted_row_is_reported_as_deleted_not_blank(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice"], seed=8)
    alice = key.students["Alice"]
    returned = _returned(tmp_path)
    fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "Alice.xlsx",
         edit=lambda wb: wb["Data"].delete_rows(4))
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx",
                         feedback_dir=tmp_path / "fb")
    (sub,) = run.submissions
    gone = alice.ids[2]
    assert sub.status == TAMPERED and f"1 row(s) deleted: {gone}" in sub.problem
    (row,) = [r for r in sub.rows if not r.right]
    assert row.status == DELETED and row.customer_id == gone and row.row == 4
    assert sub.correct == len(alice.ids) - 1
    answers = list(load_workbook(tmp_path / "grades.xlsx")["Answers"].iter_rows(values_only=True))
    assert [r[5] for r in answers[1:] if r[2] == gone] == ["row deleted"]
    from tierkit.exercise.feedback import feedback_context

    wrong = feedback_context(sub, key).wrong
    assert [(w.no, w.answer) for w in wrong] == [(4, "(row deleted)")]


def test_a_blank_return_is_flagged(make_class, tmp_path: Path) -> None:
    folder, _key = make_class("abc", 1, students=["Alice"], seed=8)
    returned = _returned(tmp_path)
    shutil.copy(folder / "students" / "Alice.xlsx", returned / "Alice.xlsx")
    grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx")
    _file, status, score, problem = _grades(tmp_path / "grades.xlsx")["Alice"]
    assert (status, score) == ("blank return", 0) and "no answer filled in" in problem


def test_answers_typed_into_the_wrong_column_are_found_and_said(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice"], seed=9)
    alice = key.students["Alice"]
    returned = _returned(tmp_path)
    answers = right_answers(alice, key)

    def beside(wb: Any) -> None:
        ws = wb["Data"]
        ws.protection.sheet = False
        col = ws.max_column + 1
        ws.cell(1, col, "my tiers")
        for r in range(2, ws.max_row + 1):
            ws.cell(r, col, answers[ws.cell(r, 2).value])

    fill(folder / "students" / alice.file, {}, out=returned / "Alice.xlsx", edit=beside)
    (sub,) = grade_files([returned], key)
    assert sub.status == OK and sub.score == 1.0
    assert "typed in column" in sub.problem and "'my tiers'" in sub.problem


def test_answers_that_fit_a_classmates_data_are_flagged_with_the_evidence(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 2, students=["Alice", "Bob"], seed=11)
    alice, bob = key.students["Alice"], key.students["Bob"]
    returned = _returned(tmp_path)
    copied = dict(zip(bob.ids, alice.expected, strict=False))  # Alice's answers, row by row, in Bob's file
    fill(folder / "students" / bob.file, copied, out=returned / "Bob.xlsx")
    subs = grade_files([returned], key)
    (sub,) = subs
    own = sum(a == b for a, b in zip(alice.expected, bob.expected, strict=False)) / len(bob.expected)
    assert own <= 0.7  # seed 11: the two students' right answers differ enough to tell
    assert sub.status == OK and sub.score == own  # graded as it is, and flagged
    assert f"the answers fit Alice's data (100%) better than Bob's own ({own:.0%}): copied?" in sub.problem


def test_a_file_with_one_students_information_and_anothers_data_counts_for_nobody(make_class,
                                                                                   tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=12)
    alice, bob = key.students["Alice"], key.students["Bob"]
    returned = _returned(tmp_path)
    bob_book = load_workbook(folder / "students" / bob.file)
    bob_rows = [[c.value for c in row] for row in bob_book["Data"].iter_rows(min_row=2)]

    def paste_bobs_data(wb: Any) -> None:
        ws = wb["Data"]
        for r, row in enumerate(bob_rows, start=2):
            for c, value in enumerate(row, start=1):
                ws.cell(r, c).value = value

    fill(folder / "students" / alice.file, {}, out=returned / "Alice.xlsx", edit=paste_bobs_data)
    fill(returned / "Alice.xlsx", right_answers(bob, key))
    (sub,) = grade_files([returned], key)
    assert sub.status == REVIEW and sub.owner is bob
    assert "Alice's exercise information but Bob's data" in sub.problem



def test_file_names_name_students_by_whole_words(make_class) -> None:
    from tierkit.exercise.identity import named_student

    _folder, key = make_class("abc", 1, students=["Li", "Alice", "student01", "student010", "王芳"], seed=13)

    def named(name: str) -> str | None:
        found = named_student(Path(name), key)
        return found.student if found else None

    assert named("alice-v2 FINAL.xlsx") == "Alice" and named("Malice.xlsx") is None
    assert named("my_homework_ali.xlsx") is None and named("li_homework.xlsx") == "Li"
    assert named("student010.xlsx") == "student010" and named("student01 (1).xlsx") == "student01"
    assert named("王芳作业.xlsx") == "王芳" and named("renamed.xlsx") is None
