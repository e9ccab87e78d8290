"""Exercises graded against their own key, known mistakes, odd files, duplicates."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tierkit.exercise import grade_exercise, grade_files, new_exercise, read_key
from tierkit.exercise.answers import METHODS
from tierkit.exercise.grade import DUPLICATE, NOT_WORKBOOK, OK, OTHER, TAMPERED, UNKNOWN
from tierkit.exercise.gradebook import BLANK, NOT_TIER, confusion, mistakes

from .conftest import fill, right_answers, right_scores, right_thresholds


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("method", METHODS)
def test_own_key_scores_100(make_class, tmp_path: Path, method: str, level: int) -> None:
    folder, key = make_class(method, level, students=["Alice", "王芳"], seed=11)
    returned = tmp_path / "returned"
    returned.mkdir()
    for i, student in enumerate(key.students.values()):
        fill(folder / "students" / student.file, right_answers(student, key, "mixed" if i else "en"),
             right_thresholds(student), out=returned / student.file, scores=right_scores(student))
    subs = grade_files([returned], key)
    assert [s.status for s in subs] == [OK, OK]
    assert all(s.score == 1.0 and s.total == len(s.student.ids) + len(s.student.thresholds) for s in subs)
    if level == 3:
        assert all(s.thresholds for s in subs)


def test_known_mistakes_scores_and_confusion(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 2, students=["Alice", "Bob"], seed=3)
    alice, bob = key.students["Alice"], key.students["Bob"]
    answers = right_answers(alice, key)
    b_rows = [cid for cid, t in zip(alice.ids, alice.expected, strict=True) if t == "B"]
    c_rows = [cid for cid, t in zip(alice.ids, alice.expected, strict=True) if t == "C"]
    a_rows = [cid for cid, t in zip(alice.ids, alice.expected, strict=True) if t == "A"]
    answers[b_rows[0]] = "A"                   # B put into A
    answers[b_rows[1]] = "a类 · 关键客户"        # B put into A, in Chinese
    answers[c_rows[0]] = ""                     # blank
    answers[c_rows[1]] = "VIP"                  # not a tier
    answers[a_rows[0]] = "KEY ACCOUNT"          # right, other case and spelling
    returned = tmp_path / "returned"
    returned.mkdir()
    fill(folder / "students" / alice.file, answers, out=returned / "alice final (2).xlsx")
    fill(folder / "students" / bob.file, right_answers(bob, key, "zh"), out=returned / bob.file)
    subs = grade_files([returned], key)
    by_name = {s.student.student: s for s in subs}
    n = len(alice.ids)
    assert by_name["Alice"].correct == n - 4 and by_name["Alice"].total == n
    assert by_name["Bob"].score == 1.0
    matrix = confusion(subs, key)
    assert matrix.loc["B", "A"] == 2
    assert matrix.loc["C", BLANK] == 1 and matrix.loc["C", NOT_TIER] == 1
    assert int(matrix.to_numpy().sum()) == n + len(bob.ids)
    assert matrix.loc["A", "A"] == alice.expected.count("A") + bob.expected.count("A")
    top = mistakes(matrix, key)
    assert top[0] == (2, "put 2 B · Main customer customers into A · Key account")
    assert (2, "把 2 位B类 · 主要客户归入了A类 · 关键客户") in mistakes(matrix, key, "zh")

    out = tmp_path / "grades.xlsx"
    grade_exercise([returned], folder / "answer_key.xlsx", out)
    wb = load_workbook(out)
    grades = list(wb["Grades"].iter_rows(values_only=True))
    alice_row = next(r for r in grades if r[0] == "Alice")
    assert alice_row[1] == "alice final (2).xlsx" and alice_row[3] == pytest.approx((n - 4) / n)
    marks = alice_row[8:8 + n]
    assert marks.count("✗") == 3 and marks.count("–") == 1
    conf = list(wb["Confusion"].iter_rows(values_only=True))
    assert any(r[0] == "put 2 B · Main customer customers into A · Key account" and r[1] == 2 for r in conf)


def test_thresholds_graded_by_interval(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 3, students=["Alice"], seed=5)
    alice = key.students["Alice"]
    a_cut = next(t for t in alice.thresholds if t.key == "a_min_revenue")
    inside = (a_cut.lo + a_cut.hi) / 2
    fill(folder / "students" / alice.file, right_answers(alice, key),
         {"a_min_revenue": f"{inside:,.0f}", "b_min_revenue": -5}, out=tmp_path / "a.xlsx")
    sub = grade_files([tmp_path / "a.xlsx"], key)[0]
    results = {t.threshold.key: t.right for t in sub.thresholds}
    assert results == {"a_min_revenue": True, "b_min_revenue": False}
    assert sub.correct == sub.total - 1


def test_problem_files_are_reported_by_name(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["Alice", "Bob", "Carol", "Dan"], seed=1)
    other_folder, _ = make_class("abc", 1, students=["Alice"], seed=2, folder="other")
    returned = tmp_path / "returned"
    returned.mkdir()
    alice, bob, carol = key.students["Alice"], key.students["Bob"], key.students["Carol"]
    (returned / "notes.txt").write_text("my answers are A A B C", encoding="utf-8")
    (returned / "fake.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    shutil.copy(other_folder / "students" / "Alice.xlsx", returned / "alice_from_other_class.xlsx")

    def tamper(wb) -> None:
        ws = wb["Data"]
        ws.cell(2, 3).value = 1  # change a revenue

    fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "Alice.xlsx", edit=tamper)

    def strip(wb) -> None:  # metadata removed (sheet and document properties), sheet renamed, an extra sheet
        from openpyxl.packaging.custom import CustomPropertyList

        del wb["_tierkit"]
        wb.custom_doc_props = CustomPropertyList()
        wb["Data"].title = "my data"
        wb.create_sheet("scratch")["A1"] = "=1+1"

    fill(folder / "students" / bob.file, right_answers(bob, key), out=returned / "renamed.xlsx", edit=strip)
    fill(folder / "students" / carol.file, right_answers(carol, key), out=returned / "carol.xlsx",
         edit=lambda wb: wb.remove(wb["_tierkit"]))  # the document properties still name the student
    run = grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx")
    status = {s.name: s.status for s in run.submissions}
    assert status == {"notes.txt": NOT_WORKBOOK, "fake.xlsx": NOT_WORKBOOK, "alice_from_other_class.xlsx": OTHER,
                      "Alice.xlsx": TAMPERED, "renamed.xlsx": OK, "carol.xlsx": OK}
    renamed = next(s for s in run.submissions if s.name == "renamed.xlsx")
    assert renamed.student.student == "Bob" and renamed.score == 1.0 and "removed" in renamed.problem
    tampered = next(s for s in run.submissions if s.name == "Alice.xlsx")
    assert tampered.changed == [alice.ids[0]]
    problems = list(load_workbook(tmp_path / "grades.xlsx")["Problems"].iter_rows(values_only=True))
    named = {Path(str(r[0])).name: r for r in problems[1:]}
    for name in ("notes.txt", "fake.xlsx", "alice_from_other_class.xlsx", "Alice.xlsx"):
        assert name in named
    assert named["Dan.xlsx"][1] == "missing"
    assert any("missing: Dan" in line for line in run.lines())


def test_unknown_workbook_and_duplicates(make_class, tmp_path: Path) -> None:
    folder, key = make_class("value", 1, students=["Alice"], seed=4)
    returned = tmp_path / "returned"
    returned.mkdir()
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "hello"
    wb.save(returned / "random.xlsx")
    alice = key.students["Alice"]
    first = fill(folder / "students" / alice.file, {}, out=returned / "alice-v1.xlsx")
    second = fill(folder / "students" / alice.file, right_answers(alice, key), out=returned / "alice-v2.xlsx")
    import os

    os.utime(first, (1_600_000_000, 1_600_000_000))
    os.utime(second, (1_700_000_000, 1_700_000_000))
    subs = grade_files([returned], key)
    status = {s.name: s.status for s in subs}
    assert status == {"random.xlsx": UNKNOWN, "alice-v1.xlsx": DUPLICATE, "alice-v2.xlsx": OK}


def test_reproducible_and_different_per_student(tmp_path: Path) -> None:
    a = new_exercise("rfm", tmp_path / "a", level=2, students=["Ann", "Ben"], seed=9)
    b = new_exercise("rfm", tmp_path / "b", level=2, students=["Ben", "Cid", "Ann"], seed=9)
    fa = {s.student: s.fingerprint for s in a.exercise.students}
    fb = {s.student: s.fingerprint for s in b.exercise.students}
    assert fa["Ann"] == fb["Ann"] and fa["Ben"] == fb["Ben"]  # per-student seed: seed + name
    assert len(set(fb.values())) == 3
    c = new_exercise("rfm", tmp_path / "c", level=2, students=["Ann"], seed=10)
    assert c.exercise.students[0].fingerprint != fa["Ann"]
    assert len({len(s.ids) for s in b.exercise.students}) == 1  # same size for all


def test_key_tampering_is_refused(make_class, tmp_path: Path) -> None:
    from tierkit import TierkitError

    folder, _ = make_class("abc", 1, students=["Alice"], seed=1)
    wb = load_workbook(folder / "answer_key.xlsx")
    wb["Answers"]["I2"] = "0000"
    wb.save(tmp_path / "edited_key.xlsx")
    with pytest.raises(TierkitError, match="edited"):
        read_key(tmp_path / "edited_key.xlsx")
    with pytest.raises(TierkitError, match="not a tierkit answer key"):
        read_key(folder / "roster.xlsx")


def test_exercise_workbook_structure(make_class) -> None:
    folder, key = make_class("fit", 3, students=["王芳"], seed=2, lang="zh")
    path = folder / "students" / "王芳.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "数据", "阈值", "_tierkit"]
    assert wb["_tierkit"].sheet_state == "veryHidden"
    data = wb["数据"]
    assert data.protection.sheet and not data.protection.password
    headers = [c.value for c in data[1]]
    answer_col = headers.index("你的答案（层级）") + 1
    assert all(not data.cell(r, answer_col).protection.locked for r in range(2, data.max_row + 1))
    assert all(data.cell(r, 2).protection.locked for r in range(2, data.max_row + 1))
    (dv,) = data.data_validations.dataValidation
    assert dv.type == "list" and "_tierkit" in dv.formula1
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["tierkit_exercise_id"] == key.exercise_id
    with zipfile.ZipFile(path) as z:
        assert b"TIERKIT_CHOICES" in z.read("xl/workbook.xml")


def test_scratch_sheet_and_unsafe_names(tmp_path: Path) -> None:
    run = new_exercise("abc", tmp_path / "c", level=2, students=["../evil", "CON", "李 雷/二班"], seed=1)
    files = sorted(p.name for p in (tmp_path / "c" / "students").iterdir())
    assert all("/" not in f and ".." not in f for f in files) and len(files) == 3
    key = read_key(run.key)
    student = key.students["../evil"]

    def scratch_first(wb) -> None:  # metadata gone and a copy of the data (no answer column) before the Data sheet
        from openpyxl.packaging.custom import CustomPropertyList

        del wb["_tierkit"]
        wb.custom_doc_props = CustomPropertyList()
        ws = wb.create_sheet("calc", 0)
        for row in wb["Data"].iter_rows(max_col=3, values_only=True):
            ws.append(row)

    out = fill(tmp_path / "c" / "students" / student.file, right_answers(student, key), out=tmp_path / "x.xlsx",
               edit=scratch_first)
    (sub,) = grade_files([out], key)
    assert sub.student.student == "../evil" and sub.score == 1.0


def test_grades_workbook_in_chinese(make_class, tmp_path: Path) -> None:
    folder, key = make_class("abc", 1, students=["李雷", "韩梅梅"], seed=4, lang="zh")
    returned = tmp_path / "returned"
    returned.mkdir()
    li = key.students["李雷"]
    fill(folder / "students" / li.file, right_answers(li, key), out=returned / li.file)
    (returned / "notes.txt").write_text("不是工作簿", encoding="utf-8")
    grade_exercise([returned], folder / "answer_key.xlsx", tmp_path / "grades.xlsx", lang="zh")
    wb = load_workbook(tmp_path / "grades.xlsx")
    grades = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert grades[0][:3] == ("学生", "文件", "状态")
    statuses = {r[0]: r[2] for r in grades[1:] if r[0]}
    assert statuses["李雷"] == "正常" and statuses["韩梅梅"] == "未交（没有文件）"
    assert wb.sheetnames == ["成绩", "混淆矩阵", "答案", "各题", "问题"]  # from the catalogue
    problems = list(wb["问题"].iter_rows(values_only=True))
    assert any(r[1] == "无法读取的文件" for r in problems[1:])
