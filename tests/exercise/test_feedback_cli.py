"""Feedback PDFs read back, the CLI, self-check and grade_answer."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tierkit import TierkitError
from tierkit.cli import main
from tierkit.exercise import check_my_answers, check_workbook, grade_answer, grade_exercise
from tierkit.exercise.answers import answer_map
from tierkit.exercise.workbook import META_SHEET

from .conftest import fill, right_answers, right_thresholds


class _Log(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True)
    return re.sub(r"\s+", " ", out.stdout)


def test_feedback_pdfs_show_score_and_wrong_rows(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 3, students=["Alice", "王芳"], seed=8)
    alice, wang = key.students["Alice"], key.students["王芳"]
    answers = right_answers(alice, key)
    wrong = [cid for cid, t in zip(alice.ids, alice.expected, strict=True) if t == "C"][:2]
    for cid in wrong:
        answers[cid] = "A"
    returned = tmp_path / "returned"
    returned.mkdir()
    fill(folder / "students" / alice.file, answers, right_thresholds(alice), out=returned / alice.file)
    wang_answers = right_answers(wang, key, "zh")
    first = wang.ids[0]
    wang_answers[first] = ""
    fill(folder / "students" / wang.file, wang_answers, right_thresholds(wang), out=returned / wang.file)
    # 王芳 reads Chinese: the roster language comes from the key
    key_book = load_workbook(folder / "answer_key.xlsx")
    for row in key_book["Students"].iter_rows(min_row=2):
        if row[0].value == "王芳":
            row[3].value = "zh"
    key_book.save(folder / "answer_key.xlsx")
    log = _Log()
    logging.getLogger("weasyprint").addHandler(log)
    try:
        run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx",
                             feedback_dir=tmp_path / "feedback")
    finally:
        logging.getLogger("weasyprint").removeHandler(log)
    assert log.messages == []
    assert sorted(p.name for p in run.feedback) == ["Alice.pdf", "王芳.pdf"]
    total = len(alice.ids) + len(alice.thresholds)
    text = pdf_text(tmp_path / "feedback" / "Alice.pdf")
    assert f"Score {round(100 * (total - 2) / total)}%" in text
    assert f"{total - 2} right · of {total}" in text
    for cid in wrong:
        assert cid in text
    assert "C · Ordinary customer" in text and "no other segment matched: share ranked above" in text
    zh = pdf_text(tmp_path / "feedback" / "王芳.pdf").replace(" ", "")
    wtotal = len(wang.ids) + len(wang.thresholds)
    assert f"得分{round(100 * (wtotal - 1) / wtotal)}%" in zh
    assert first in zh and "（未填）" in zh and answer_map("abc").label(wang.expected[0], "zh").replace(" ", "") in zh


def test_cli_new_and_grade(tmp_path: Path) -> None:
    runner = CliRunner()
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,语言\n李雷,zh\nHan Meimei,en\n", encoding="utf-8")
    res = runner.invoke(main, ["exercise", "new", "--method", "lifecycle", "--level", "2", "--roster", str(roster),
                               "--seed", "3", "-o", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    assert "2 workbooks" in res.output
    assert sorted(p.name for p in (tmp_path / "c" / "students").iterdir()) == ["Han Meimei.xlsx", "李雷.xlsx"]
    assert load_workbook(tmp_path / "c" / "students" / "李雷.xlsx").sheetnames[:2] == ["说明", "数据"]
    again = runner.invoke(main, ["exercise", "new", "--method", "abc", "--students", "2", "-o", str(tmp_path / "c")])
    assert again.exit_code == 2 and again.output.startswith("error: an exercise already exists")
    res = runner.invoke(main, ["exercise", "grade", str(tmp_path / "c" / "students"), "--key",
                               str(tmp_path / "c" / "answer_key.xlsx"), "-o", str(tmp_path / "grades.xlsx")])
    assert res.exit_code == 0, res.output
    assert "graded 2 of 2 students; class average 0%" in res.output
    grade_again = ["exercise", "grade", str(tmp_path / "c" / "students"), "--key",
                   str(tmp_path / "c" / "answer_key.xlsx"), "-o", str(tmp_path / "grades.xlsx")]
    res = runner.invoke(main, grade_again)  # like every command, grading keeps an output unless --force
    assert res.exit_code == 2 and "error: output exists" in res.output and "--force" in res.output
    res = runner.invoke(main, [*grade_again, "--force"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["exercise", "grade", str(tmp_path), "--key", str(tmp_path / "nope.xlsx"),
                               "-o", str(tmp_path / "g.xlsx")])
    assert res.exit_code == 2 and "error: answer key not found" in res.output
    res = runner.invoke(main, ["exercise", "grade", str(tmp_path / "c" / "students"), "--key",
                               str(tmp_path / "c" / "answer_key.xlsx"), "-o", str(tmp_path / "no" / "g.xlsx")])
    assert res.exit_code == 2 and "error: output folder not found" in res.output


@pytest.mark.parametrize("args", [["exercise", "--help"], ["exercise", "new", "--help"],
                                  ["exercise", "grade", "--help"]])
def test_help_has_examples(args: list[str]) -> None:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0 and "tierkit exercise" in res.output


def test_self_check(make_class) -> None:
    folder, key = make_class("rfm", 1, students=["Alice"], seed=4, self_check=True)
    alice = key.students["Alice"]
    answers = right_answers(alice, key, "zh")
    answers[alice.ids[0]] = "Lost" if alice.expected[0] != "lost" else "Champions"
    answers.pop(alice.ids[1])
    path = fill(folder / "students" / alice.file, answers)
    result = check_workbook(path)
    assert result.marks[0] == "✗" and result.marks[1] == "" and set(result.marks[2:]) == {"✓"}
    assert (result.correct, result.answered, result.total) == (len(alice.ids) - 2, len(alice.ids) - 1,
                                                               len(alice.ids))
    wb = load_workbook(path)
    tokens = [r[10] for r in wb[META_SHEET].iter_rows(min_row=2, values_only=True) if len(r) > 10 and r[10]]
    assert tokens and not set(tokens) & set(alice.expected)  # hashes, never the tiers


def test_self_check_needs_the_trainers_permission(make_class) -> None:
    folder, _key = make_class("abc", 1, students=["Alice"], seed=4)
    wb = load_workbook(folder / "students" / "Alice.xlsx")
    meta = [list(r) for r in wb[META_SHEET].iter_rows(values_only=True)]
    data = [list(r) for r in wb["Data"].iter_rows(values_only=True)]
    with pytest.raises(TierkitError, match="not allowed self-check"):
        check_my_answers(meta, data)


@pytest.mark.parametrize(("answer", "expected", "ok"), [
    ("A", "A", True), ("a", "A · Key account", True), ("A类 · 关键客户", "A", True), ("关键客户", "A", True),
    (" key  account ", "A", True), ("B", "A", False), ("", "A", False), (None, "A", False),
    ("冠军客户", "champions", True), ("champions", "Champions", True), ("Can't lose them", "cant_lose", True),
    ("一次性", "One-time", True), ("Regular", "常规型客户", True), ("Loyal", "Lost", False),
])
def test_grade_answer(answer: object, expected: str, ok: bool) -> None:
    assert grade_answer(answer, expected) is ok


def test_grade_answer_with_method() -> None:
    assert grade_answer("loyal", "忠诚客户", method="lifecycle")
    assert not grade_answer("regular", "忠诚客户", method="lifecycle")
