"""The trainer kit reads its methods, cut-offs, labels and texts from the rule files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import tierkit
from tierkit.exercise import METHODS, grade_files, new_exercise, read_key
from tierkit.exercise.plugin import AS_OF, PLUGINS, exercise_methods, get_plugin, pct
from tierkit.ruleset import builtin_dir

from .conftest import fill, right_answers, right_thresholds


def instructions(path: Path) -> str:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def test_every_method_is_a_builtin_rule_set_with_a_plugin() -> None:
    names = tierkit.builtin_names()
    assert METHODS == exercise_methods() == tuple(n for n in names if n in PLUGINS)
    assert {"abc", "rfm", "value", "lifecycle", "fit"} <= set(METHODS)
    for method in METHODS:
        rs = tierkit.load_ruleset(method)
        plugin = get_plugin(method)
        assert plugin.name == rs.name == method
        for level in (1, 2, 3):  # every shown column is a field of the rule file, headed by its label
            for name, _kind in plugin.columns(level):
                assert name in rs.fields, (method, name)
    with pytest.raises(tierkit.TierkitError, match="unknown method"):
        get_plugin("behaviour")  # a rule set without an exercise plugin is no exercise


@pytest.mark.parametrize("method", METHODS)
def test_method_texts_carry_the_rule_sets_numbers_and_labels(method: str) -> None:
    rs = tierkit.load_ruleset(method)
    for lang in ("en", "zh"):
        text = get_plugin(method).text(rs, lang)
        for seg in rs.conditional_segments:
            assert seg.label.get(lang) in text, (method, lang, seg.id)
    changed = rs.with_params({k: v * 0.5 + 3 for k, v in rs.params.items()})
    if rs.params:
        assert get_plugin(method).text(changed, "en") != get_plugin(method).text(rs, "en")


def _copy_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (builtin_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / f"my_{name}.yaml"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def _classify(rules: str | Path, frame: pd.DataFrame) -> list[str]:
    return tierkit.classify(tierkit.load_ruleset(rules), frame).tier_ids()


def test_a_changed_cutoff_in_a_rule_file_copy_changes_texts_key_and_grading(tmp_path: Path) -> None:
    copy = _copy_with(tmp_path, "abc", "a_cutoff: 0.80", "a_cutoff: 0.70")
    students = ["Ann", "Ben", "Cid", "Dee", "Eve", "Fay"]
    run = new_exercise("abc", tmp_path / "c70", level=3, students=students, seed=5, rules=copy)
    default = new_exercise("abc", tmp_path / "c80", level=3, students=students, seed=5)
    assert run.exercise.exercise_id != default.exercise.exercise_id

    text = instructions(run.files[0])
    assert "that share is below 70%" in text and "below 80%" not in text
    assert "that share is below 80%" in instructions(default.files[0])

    key = read_key(run.key)
    assert key.rules == str(copy.resolve()) and key.params["a_cutoff"] == pytest.approx(0.7)
    assert key.ruleset.params["a_cutoff"] == pytest.approx(0.7)
    differs = 0
    for ex in run.exercise.students:
        data = ex.frame[["customer_id", "revenue"]]
        assert key.students[ex.student].expected == _classify(copy, data)  # the key is the copy's answer
        differs += _classify("abc", data) != ex.expected
        a_cut = next(t for t in ex.thresholds if t.key == "a_min_revenue")
        a_rows = [t == "A" for t in ex.expected]
        assert all((rev >= a_cut.example) == is_a for rev, is_a in zip(data["revenue"], a_rows, strict=True))
    assert differs  # 0.7 and 0.8 put some customer in another class

    # grading: the copy's answers score 100 %; the built-in's answers lose the customers that moved
    returned = tmp_path / "returned"
    returned.mkdir()
    ex = next(e for e in run.exercise.students if _classify("abc", e.frame[["customer_id", "revenue"]]) != e.expected)
    student = key.students[ex.student]
    fill(run.files[run.exercise.students.index(ex)], right_answers(student, key), right_thresholds(student),
         out=returned / "right.xlsx")
    wrong = dict(zip(ex.ids, _classify("abc", ex.frame[["customer_id", "revenue"]]), strict=True))
    fill(run.files[run.exercise.students.index(ex)], wrong, out=returned / "builtin.xlsx")
    subs = {s.name: s for s in grade_files([returned], key)}
    assert subs["right.xlsx"].score == 1.0
    moved = sum(a != b for a, b in zip(wrong.values(), ex.expected, strict=True))
    assert subs["builtin.xlsx"].correct == len(ex.ids) - moved

    # --param-style overrides give the same exercise as the edited copy
    over = new_exercise("abc", tmp_path / "over", level=3, students=students, seed=5, params={"a_cutoff": 0.7})
    assert [s.expected for s in over.exercise.students] == [s.expected for s in run.exercise.students]
    assert over.exercise.exercise_id == run.exercise.exercise_id


def test_lifecycle_days_from_the_rule_set(tmp_path: Path) -> None:
    run = new_exercise("lifecycle", tmp_path / "c", level=3, students=["Ann"], seed=2, lang="zh",
                       params={"churn_days": 300, "loyal_active_days": 60})
    text = instructions(run.files[0])
    assert "超过300天" in text and "≤60天" in text and "365天；" not in text
    ex = run.exercise.students[0]
    labels = {t.key: t.label.zh for t in ex.thresholds}
    assert labels["churn_before"].startswith("流失客户")
    # the key is what the overridden rule set says about the dates handed out
    assert ex.expected == tierkit.classify(run.exercise.ruleset, ex.frame, as_of=AS_OF).tier_ids()


def test_percent_text() -> None:
    assert [pct(x) for x in (0.8, 0.95, 0.7, 0.825, 1 - 0.8)] == ["80%", "95%", "70%", "82.5%", "20%"]


def test_key_still_grades_when_the_rule_file_copy_is_gone(tmp_path: Path) -> None:
    copy = _copy_with(tmp_path, "abc", "b_cutoff: 0.95", "b_cutoff: 0.90")
    run = new_exercise("abc", tmp_path / "c", level=1, students=["Ann"], seed=3, rules=copy)
    copy.unlink()
    key = read_key(run.key)
    assert key.ruleset.name == "abc" and key.ruleset.params["b_cutoff"] == pytest.approx(0.9)
    student = key.students["Ann"]
    out = fill(run.files[0], right_answers(student, key), out=tmp_path / "ann.xlsx")
    assert grade_files([out], key)[0].score == 1.0


def test_unknown_param_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(tierkit.TierkitError, match="unknown parameter 'a_share'"):
        new_exercise("abc", tmp_path / "c", students=["Ann"], seed=1, params={"a_share": 0.7})
