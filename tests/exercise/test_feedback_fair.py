"""Issue 18, feedback and exports: Excel rows, scores coloured by band, ids and names as written, emoji named,
stale PDFs cleared (or refused without --force), the per-question breakdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tierkit.errors import OutputExistsError
from tierkit.exercise import grade_exercise, grade_files
from tierkit.exercise.breakdown import breakdown
from tierkit.exercise.feedback import band, feedback_context, plain, render_feedback

from .conftest import fill, right_answers
from .test_feedback_cli import pdf_text


@pytest.mark.parametrize(("score", "expected"), [(1.0, "good"), (0.8, "good"), (0.79, "fair"), (0.5, "fair"),
                                                 (0.49, "poor"), (0.0, "poor")])
def test_score_bands(score: float, expected: str) -> None:
    assert band(score) == expected


def test_emoji_are_named_not_boxes() -> None:
    assert plain("Li 🙂 Lei👍🏽", "en") == "Li (emoji) Lei(emoji)"
    assert plain("王芳❤️", "zh") == "王芳（表情符号）"
    assert plain("Chloé Dubois", "en") == "Chloé Dubois"


def test_a_zero_score_is_red_and_ids_and_names_are_as_written(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=31)
    alice, bob = key.students["Alice"], key.students["Bob"]
    returned = tmp_path / "returned"
    returned.mkdir()
    wrong = {cid: ("C" if t != "C" else "A") for cid, t in zip(bob.ids, bob.expected, strict=True)}
    fill(folder / "students" / bob.file, wrong, out=returned / "bob_Final-v2 😀.xlsx")
    fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "Alice.xlsx")
    subs = {s.name: s for s in grade_files([returned], key)}
    zero = feedback_context(subs["bob_Final-v2 😀.xlsx"], key)
    full = feedback_context(subs["Alice.xlsx"], key)
    assert (zero.band, full.band) == ("poor", "good")
    assert 'class="score poor"' in render_feedback(zero) and 'class="score good"' in render_feedback(full)
    assert zero.file == "bob_Final-v2 (emoji).xlsx"
    # the rows are the Excel rows of the Data sheet (header in row 1), as the add-in's self-check says them
    assert [w.no for w in zero.wrong] == list(range(2, len(bob.ids) + 2))
    html = render_feedback(zero)
    assert ".kicker { text-transform: none;" in html and key.exercise_id in html


def test_stale_feedback_pdfs_are_refused_then_cleared_with_force(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob"], seed=32)
    alice = key.students["Alice"]
    returned = tmp_path / "returned"
    returned.mkdir()
    fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "Alice.xlsx")
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    (feedback / "Bob.pdf").write_bytes(b"%PDF- last week's feedback")
    with pytest.raises(OutputExistsError, match="1 PDF"):
        grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx", feedback_dir=feedback,
                       force=False)
    assert not (tmp_path / "grades.xlsx").exists()  # refused before anything is written
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx", feedback_dir=feedback,
                         force=True)
    assert sorted(p.name for p in feedback.iterdir()) == ["Alice.pdf"] == [p.name for p in run.feedback]
    assert "Score 100%" in pdf_text(feedback / "Alice.pdf")


def test_per_question_breakdown(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob", "Carol"], seed=33)
    alice, bob, carol = (key.students[n] for n in ("Alice", "Bob", "Carol"))
    returned = tmp_path / "returned"
    returned.mkdir()
    fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "Alice.xlsx")
    bob_answers = right_answers(bob, key)
    bob_answers[bob.ids[0]] = "C" if bob.expected[0] != "C" else "A"
    fill(folder / "students" / bob.file, bob_answers, out=returned / "Bob.xlsx")
    carol_answers = right_answers(carol, key)
    carol_answers[carol.ids[0]] = ""
    fill(folder / "students" / carol.file, carol_answers, out=returned / "Carol.xlsx")
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx")
    lines = breakdown(run.submissions)
    assert (lines[0].no, lines[0].right, lines[0].wrong, lines[0].blank) == (1, 1, 1, 1)
    assert all((line.right, line.wrong, line.blank) == (3, 0, 0) for line in lines[1:])
    sheet = list(load_workbook(tmp_path / "grades.xlsx")["Questions"].iter_rows(values_only=True))
    assert sheet[0] == ("Question", "Right", "Wrong", "Blank", "Share right")
    assert sheet[1][:4] == ("Q1", 1, 1, 1) and sheet[1][4] == pytest.approx(1 / 3)
    assert len(sheet) == len(alice.ids) + 1
