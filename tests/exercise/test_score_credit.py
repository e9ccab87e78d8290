"""RFM levels 2 and 3 ask for the R, F and M scores beside the tier: each score earns its own credit (issue 18,
item 6), found by header or by place, in the grades workbook and the feedback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tierkit.exercise import grade_files as grade
from tierkit.exercise.workbook import META_SHEET

from .conftest import fill, right_answers, right_scores


def fill_scores(path: Path, scores: dict[str, dict[str, Any]], rename: dict[str, str] | None = None) -> None:
    """Type R/F/M scores into the score columns (by their headers), then rename the score headers."""
    import json

    fill(path, {}, scores=scores)
    wb = load_workbook(path)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
    ws = wb[meta["data_sheet"]]
    headers = [c.value for c in ws[1]]
    for name, head in json.loads(meta["score_columns"]):
        if name in (rename or {}):
            ws.cell(1, headers.index(head) + 1).value = rename[name]  # type: ignore[index]
    wb.save(path)


def test_level_1_asks_for_no_score(make_class: Any) -> None:
    folder, key = make_class("rfm", level=1)
    assert key.score_columns() == ()
    wb = load_workbook(folder / "students" / key.students["Alice"].file)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
    assert meta["score_columns"] == "[]"


@pytest.mark.parametrize("level", [2, 3])
def test_each_score_earns_a_third_of_a_tier(make_class: Any, level: int) -> None:
    folder, key = make_class("rfm", level=level)
    assert [c.name for c in key.score_columns()] == ["r_score", "f_score", "m_score"]
    alice = key.students["Alice"]
    assert all(len(v) == len(alice.ids) and all(1 <= x <= 5 for x in v) for v in alice.scores.values())
    path = folder / "students" / key.students["Alice"].file
    fill(path, right_answers(alice, key))
    scores = right_scores(alice)
    first, second = alice.ids[0], alice.ids[1]
    scores[first]["r_score"] = scores[first]["r_score"] % 5 + 1  # one wrong score
    scores[second] = {"r_score": str(scores[second]["r_score"]), "f_score": float(scores[second]["f_score"]),
                      "m_score": None}  # text and float count; a blank does not
    fill_scores(path, scores)
    sub = grade([path], key)[0]
    n = len(alice.ids)
    assert sub.correct == n  # every tier right; the level-3 cut-offs were left blank
    assert sub.scores_right == 3 * n - 2
    cells = {(r.customer_id, s.name): s for r in sub.rows for s in r.scores}
    assert not cells[(first, "r_score")].right and cells[(second, "r_score")].right
    assert cells[(second, "m_score")].blank and not cells[(second, "m_score")].right
    tiers_right = sum(r.right for r in sub.rows)
    thresholds_right = sum(t.right for t in sub.thresholds)
    expected = (tiers_right + thresholds_right + (3 * n - 2) / 3) / (n + len(sub.thresholds) + n)
    assert sub.score == pytest.approx(expected)


def test_renamed_score_headers_are_found_by_place(make_class: Any) -> None:
    folder, key = make_class("rfm", level=2)
    alice = key.students["Alice"]
    path = folder / "students" / key.students["Alice"].file
    fill(path, right_answers(alice, key))
    fill_scores(path, right_scores(alice), rename={"r_score": "R", "f_score": "F", "m_score": "M"})
    sub = grade([path], key)[0]
    assert sub.scores_right == 3 * len(alice.ids)
    assert sub.score == pytest.approx(1.0)


def test_scores_alone_are_not_a_blank_return(make_class: Any) -> None:
    folder, key = make_class("rfm", level=2)
    alice = key.students["Alice"]
    path = folder / "students" / key.students["Alice"].file
    fill_scores(path, right_scores(alice))
    sub = grade([path], key)[0]
    assert sub.status == "ok"
    assert sub.score == pytest.approx(0.5)  # every score right, no tier: half the credit


def test_grades_workbook_and_feedback_show_the_scores(make_class: Any, tmp_path: Path) -> None:
    from tierkit.exercise.feedback import write_feedback
    from tierkit.exercise.gradebook import write_grades

    folder, key = make_class("rfm", level=2)
    alice = key.students["Alice"]
    path = folder / "students" / key.students["Alice"].file
    fill(path, right_answers(alice, key))
    scores = right_scores(alice)
    scores[alice.ids[0]]["m_score"] = scores[alice.ids[0]]["m_score"] % 5 + 1
    fill_scores(path, scores)
    subs = grade([path], key)
    out = write_grades(subs, key, tmp_path / "grades.xlsx")
    wb = load_workbook(out, read_only=True)
    grades = [list(r) for r in wb["Grades"].iter_rows(values_only=True)]
    head = grades[0]
    row = next(r for r in grades if r[0] == "Alice")
    assert row[head.index("Scores right")] == 3 * len(alice.ids) - 1
    assert row[head.index("Score cells")] == 3 * len(alice.ids)
    questions = [list(r) for r in wb["Questions"].iter_rows(values_only=True)]
    labels = [str(r[0]) for r in questions]
    assert "R score" in labels and "F score" in labels and "M score" in labels
    answers = [list(r) for r in wb["Answers"].iter_rows(values_only=True)]
    assert "M score" in answers[0] and "M score (right)" in answers[0]
    pdfs = write_feedback(subs, key, tmp_path / "fb")
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdfs[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    n = 3 * len(alice.ids)
    assert f"Scores (R score, F score, M score): {n - 1} right of {n}" in text
    assert "SCORES TO LOOK AT AGAIN" in text.upper()
