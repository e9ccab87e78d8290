"""The Canvas and Moodle CSV gradebooks beside grades.xlsx: matched by the roster's LMS id or e-mail, else by
name; a student whose file does not count has an empty grade."""

from __future__ import annotations

import csv
from pathlib import Path

from tierkit.exercise import grade_exercise, new_exercise, read_key

from .conftest import fill, right_answers


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_exports_use_the_rosters_lms_id_and_email(tmp_path: Path) -> None:
    roster = tmp_path / "class.csv"
    roster.write_text("name,email,student id\nAlice,alice@uni.edu,1001\nBob,bob@uni.edu,1002\n", encoding="utf-8")
    run = new_exercise("abc", tmp_path / "class", roster=roster, seed=41)
    key = read_key(run.key)
    alice = key.students["Alice"]
    returned = tmp_path / "returned"
    returned.mkdir()
    fill(run.folder / "students" / alice.file, right_answers(alice, key), out=returned / "Alice.xlsx")
    graded = grade_exercise([returned], run.key, tmp_path / "grades.xlsx")
    assert [p.name for p in graded.exports] == ["grades_canvas.csv", "grades_moodle.csv"]
    canvas = _csv(tmp_path / "grades_canvas.csv")
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", key.exercise_id]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][5] == "100"
    assert canvas[2] == ["Alice", "", "1001", "alice@uni.edu", "", "100.0"]
    assert canvas[3] == ["Bob", "", "1002", "bob@uni.edu", "", ""]  # no file: no grade, not zero
    moodle = _csv(tmp_path / "grades_moodle.csv")
    assert moodle == [["ID number", "Full name", key.exercise_id], ["1001", "Alice", "100.0"], ["1002", "Bob", ""]]
    assert any("grades_moodle.csv" in line for line in graded.lines())


def test_exports_fall_back_to_names(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=42)
    bob = key.students["Bob"]
    returned = tmp_path / "returned"
    returned.mkdir()
    answers = right_answers(bob, key)
    answers[bob.ids[0]] = ""
    fill(folder / "students" / bob.file, answers, out=returned / "Bob.xlsx")
    grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "g.xlsx")
    moodle = _csv(tmp_path / "g_moodle.csv")
    score = round(100 * (len(bob.ids) - 1) / len(bob.ids), 1)
    assert moodle == [["Full name", key.exercise_id], ["Alice", ""], ["Bob", str(score)]]
    assert _csv(tmp_path / "g_canvas.csv")[3][:4] == ["Bob", "", "", "Bob"]
