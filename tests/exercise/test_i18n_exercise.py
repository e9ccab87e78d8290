"""The trainer kit speaks the catalogue's languages: a Chinese class's workbooks, grades, feedback PDFs and console
lines hold no English words (only tokens and data), the English texts are unchanged, and answers and rosters are
read in every language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from tests.test_i18n import ALLOWED_LATIN

from tierkit.cli import main
from tierkit.exercise import check_my_answers, grade_answer, new_exercise, read_key
from tierkit.exercise.build import read_roster, roster_lang
from tierkit.exercise.cells import Threshold
from tierkit.exercise.grade import NOT_WORKBOOK, Problem, Submission
from tierkit.exercise.plugin import get_plugin
from tierkit.exercise.texts import task_text
from tierkit.exercise.workbook import META_SHEET
from tierkit.i18n import languages
from tierkit.ruleset import load_ruleset

from .conftest import fill, right_answers, right_thresholds
from .test_feedback_cli import pdf_text

WORD = re.compile(r"[A-Za-z]+")


def _english(text: str, data: set[str]) -> set[str]:
    """The Latin-letter words of ``text`` that are neither allowed tokens nor words of the data (a customer id, a
    path, a tier's English name; in any case: a PDF's kicker is set in capitals)."""
    known = {w.casefold() for item in data for w in WORD.findall(item)}
    return {w for w in WORD.findall(text) if w not in ALLOWED_LATIN and w.casefold() not in known}


def _cells(path: Path) -> dict[str, list[str]]:
    """Every visible sheet's name, texts and data-validation messages."""
    wb = load_workbook(path)
    out: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        texts = [ws.title, *(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))]
        for dv in ws.data_validations.dataValidation:
            texts += [t for t in (dv.errorTitle, dv.error, dv.promptTitle, dv.prompt) if t]
        out[ws.title] = texts
    return out


def _data_words(method: str, key: Any, *extra: str) -> set[str]:
    """What a Chinese output may show in Latin letters because it is data: the tiers' names in every language,
    customer ids, threshold keys, the exercise id, file names."""
    rs = load_ruleset(method)
    out = {key.exercise_id, *extra}
    for seg in rs.segments:
        out.update(seg.label.get(lang) for lang in languages())
        out.add(seg.id)
    for student in key.students.values():
        out.update(student.ids)
        out.update(t.key for t in student.thresholds)
        out.add(student.file)
    return {x for x in out if x}


@pytest.mark.parametrize(("method", "level"), [("abc", 2), ("fit", 3), ("rfm", 3), ("lifecycle", 3), ("value", 3)])
def test_a_chinese_class_holds_no_english_words(tmp_path: Path, method: str, level: int) -> None:
    runner = CliRunner()
    folder = tmp_path / "c"
    res = runner.invoke(main, ["exercise", "new", "--method", method, "--level", str(level), "--students", "3",
                               "--seed", "1", "--lang", "zh", "-o", str(folder)])
    assert res.exit_code == 0, res.output
    key = read_key(folder / "answer_key.xlsx")
    names = sorted(key.students)
    returned = tmp_path / "returned"
    returned.mkdir()
    for i, name in enumerate(names):  # all right in Chinese; one blank, one wrong, one not a tier; some thresholds
        student = key.students[name]
        answers = right_answers(student, key, "zh")
        if i:
            first, second, third = student.ids[:3]
            answers[first], answers[second] = "", "不知道"
            answers[third] = next(s.label.zh for s in key.ruleset.segments if s.id != student.expected[2])
        thresholds = right_thresholds(student) if i < 2 else {}
        fill(folder / "students" / student.file, answers, thresholds, out=returned / student.file)
    (returned / "笔记.xlsx").write_text("不是工作簿", encoding="utf-8")
    graded = runner.invoke(main, ["exercise", "grade", str(returned), "--key", str(folder / "answer_key.xlsx"),
                                  "-o", str(tmp_path / "成绩.xlsx"), "--lang", "zh", "--feedback",
                                  str(tmp_path / "反馈")])
    assert graded.exit_code == 0, graded.output
    # data: an error's name, the RFM mid-rank formula and FM score (F + M), the files' paths, and the fit rule
    # file's flag values ("credit risk 信用风险": rules/fit.yaml writes them in both languages)
    data = _data_words(method, key, "BadZipFile", "floor", "r", "n", "FM", str(returned),
                       "product financial credit management political risk")
    for line in (res.output + graded.output).splitlines():
        line = " ".join(w for w in line.split() if "/" not in w)  # paths are data
        assert not _english(line, data), line
    for book in [*(folder / "students").iterdir(), tmp_path / "成绩.xlsx"]:
        for sheet, texts in _cells(book).items():
            for text in texts:
                assert not _english(text, data), f"{book.name} / {sheet}: {text!r}"
    pdfs = sorted((tmp_path / "反馈").iterdir())
    assert len(pdfs) == 3
    for pdf in pdfs:
        text = pdf_text(pdf)
        assert "得分" in text and not _english(text, data), f"{pdf.name}: {sorted(_english(text, data))}"


def test_chinese_grades_workbook_sheets_and_statuses(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 3, students=["李雷"], seed=4, lang="zh")
    li = key.students["李雷"]
    answers = right_answers(li, key, "zh")
    answers[li.ids[0]] = ""
    fill(folder / "students" / li.file, answers, right_thresholds(li), out=tmp_path / "li.xlsx")
    from tierkit.exercise import grade_exercise

    run = grade_exercise([tmp_path / "li.xlsx"], folder / "answer_key.xlsx", tmp_path / "g.xlsx", lang="zh")
    wb = load_workbook(tmp_path / "g.xlsx")
    assert wb.sheetnames == ["成绩", "混淆矩阵", "答案", "阈值", "各题", "问题"]
    grades = list(wb["成绩"].iter_rows(values_only=True))
    assert grades[0][8] == "第1题" and "a_min_revenue" in grades[0]
    assert {r[5] for r in wb["答案"].iter_rows(min_row=2, values_only=True)} == {"正确", "未填"}
    assert {r[4] for r in wb["阈值"].iter_rows(min_row=2, values_only=True)} == {"正确"}
    assert run.lines("zh")[0].startswith("已批改 1/1 名学生") and run.lines("en")[0].startswith("graded 1 of 1")


def test_english_texts_are_unchanged(make_class) -> None:
    """The English texts, as they were written before they came from the catalogue."""
    rs = load_ruleset("abc")
    assert task_text("ABC", "en", 12) == (
        "Task: classify the 12 customers of the Data sheet with the ABC method. In the column 'Your answer (tier)' "
        "pick each row's tier (English or Chinese names are both fine). Save the file and hand it back to your "
        "trainer; do not change the data.")
    assert task_text("ABC", "zh", 12) == (
        "任务：用“ABC”方法为数据表中的 12 位客户分类。在“你的答案（层级）”列中为每一行选择层级（中文或英文名称均可）。"
        "保存后把文件交回给培训师，不要修改数据。")
    assert get_plugin("abc").text(rs, "en") == (
        "Rank the customers by revenue, largest first. For each customer take the share of total revenue held by "
        "the customers ranked ABOVE it (the top customer has 0). A · Key account: that share is below 80%. "
        "B · Main customer: below 95%. C · Ordinary customer: everyone else.")
    rfm = get_plugin("rfm").text(load_ruleset("rfm"), "en")
    assert "by quintile (mid-rank: a value's average rank r among n customers gives score floor((r - 0.5) / n * 5) " \
           "+ 1; equal values share a score). Then FM = F + M and the segment is the first that matches: " in rfm
    t = Threshold("k", rs.title, "money", ">=", 100.0, 200.0, False, True, 200.0)
    assert t.range_text("en") == "above 100 up to 200" and t.range_text("zh") == "> 100 且 ≤ 200"
    t = Threshold("k", rs.title, "money", ">=", 100.0, float("inf"), True, False, 100.0)
    assert t.range_text("en") == "from 100" and t.range_text("zh") == "≥ 100"
    folder, _key = make_class("abc", 3, students=["Ann"], seed=2)
    wb = load_workbook(folder / "students" / "Ann.xlsx")
    assert wb.sheetnames == ["Instructions", "Data", "Thresholds", META_SHEET]
    assert [c.value for c in wb["Thresholds"][1]] == ["#", "Threshold", "Unit", "Your value"]
    assert wb["Thresholds"]["C2"].value == "revenue"
    texts = [c.value for c in wb["Instructions"]["A"] if c.value]
    assert "Level 3: compute the helper values, write the cut-offs you found on the Thresholds sheet (in the units " \
           "of the data), then classify every customer." in texts
    assert "Write each cut-off in the yellow cells of the Thresholds sheet." in texts
    assert "Tier (English)" in texts


def test_problems_follow_the_language(tmp_path: Path) -> None:
    changed = Problem("data changed for {n} customer(s): {ids}", {"n": 9, "ids": tuple("ABCDEFGHI")})
    sub = Submission(tmp_path / "x.xlsx", NOT_WORKBOOK, [changed, Problem("the answer column is missing")])
    assert sub.problem == "data changed for 9 customer(s): A, B, C, D, E, F, G, H …; the answer column " \
                          "is missing"
    assert sub.problem_text("zh") == "9 个客户的数据被改动：A、B、C、D、E、F、G、H …；找不到答案列"


def test_self_check_speaks_the_exercises_language(tmp_path: Path) -> None:
    run = new_exercise("abc", tmp_path / "c", level=1, students=["李雷"], seed=3, lang="zh")
    wb = load_workbook(run.files[0])
    meta = [list(r) for r in wb[META_SHEET].iter_rows(values_only=True)]
    data = [list(r) for r in wb["数据"].iter_rows(values_only=True)]
    with pytest.raises(Exception, match="培训师没有为本练习开放自我检查"):
        check_my_answers(meta, data)
    with pytest.raises(Exception, match="not allowed self-check"):
        check_my_answers(meta, data, "en")
    run = new_exercise("abc", tmp_path / "d", level=1, students=["李雷"], seed=3, lang="zh", self_check=True)
    key = read_key(run.key)
    student = key.students["李雷"]
    answers = right_answers(student, key, "zh")
    answers[student.ids[0]] = "不知道"
    path = fill(run.files[0], answers)
    wb = load_workbook(path)
    meta = [list(r) for r in wb[META_SHEET].iter_rows(values_only=True)]
    result = check_my_answers(meta, [list(r) for r in wb["数据"].iter_rows(values_only=True)])
    n = len(student.ids)
    assert result.summary("zh") == f"已答 {n}/{n}，正确 {n - 1}"
    assert result.report("zh") == f"已答 {n}/{n}，正确 {n - 1}；请再看第 2 行"
    assert result.report("en") == f"{n - 1} right of {n} answered ({n} rows); look again at rows 2"


def test_answers_and_rosters_in_every_language(tmp_path: Path) -> None:
    for lang in languages():  # a tier's name in any language the catalogue has
        for seg in load_ruleset("lifecycle").segments:
            assert grade_answer(seg.label.get(lang), seg.id, method="lifecycle")
    assert grade_answer("忠诚", "loyal", method="lifecycle") and grade_answer("a类", "A", method="abc")
    assert [roster_lang(t) for t in ("zh", "中文", "Chinese", "zh-CN", "cn", "en", "英文", "English", "xx")] == [
        "zh", "zh", "zh", "zh", "zh", "en", "en", "en", None]
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名,语言\n1,李雷,中文\n2,Han Meimei,English\n3,王芳,\n", encoding="utf-8")
    assert read_roster(roster) == [("李雷", "zh"), ("Han Meimei", "en"), ("王芳", None)]


def test_console_lines_follow_lang(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["exercise", "new", "--method", "abc", "--students", "2", "--seed", "1", "--lang", "zh",
                               "-o", str(tmp_path / "c")])
    assert res.exit_code == 0 and res.output.startswith("练习 abc-L1-") and "答案密钥：" in res.output
    again = runner.invoke(main, ["exercise", "new", "--method", "abc", "--students", "2", "--lang", "zh",
                                 "-o", str(tmp_path / "c")])
    assert again.exit_code == 2 and "中已有一个练习" in again.output and "--force" in again.output
    args = ["exercise", "grade", str(tmp_path / "c" / "students"), "--key", str(tmp_path / "c" / "answer_key.xlsx"),
            "-o", str(tmp_path / "g.xlsx")]
    res = runner.invoke(main, args)  # the exercise's language by default
    assert res.exit_code == 0 and "已批改 2/2 名学生；全班平均 0%" in res.output
    res = runner.invoke(main, [*args, "--lang", "en", "--force"])
    assert res.exit_code == 0 and "graded 2 of 2 students; class average 0%" in res.output
