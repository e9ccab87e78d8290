"""Trainer kit: exercise workbooks, answer keys, grading and feedback (``tierkit exercise new|grade``).

>>> from tierkit.exercise import new_exercise, grade_exercise, grade_answer, check_my_answers
>>> new_exercise("abc", "class1/", level=2, students=["Li Lei", "Han Meimei"], seed=7, lang="zh")
>>> grade_exercise(["class1/returned/"], "class1/answer_key.xlsx", "grades.xlsx", feedback_dir="feedback/")
>>> grade_answer("a类", "A · Key account")        # the add-in's =GRADE_ANSWER(answer, expected)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answers import METHODS, AnswerMap, answer_map, grade_answer, normalise
    from .api import GradeRun, NewRun, grade_exercise, new_exercise
    from .build import ClassExercise, build_class, read_roster
    from .grade import Submission, read_submission
    from .identity import grade_files
    from .keybook import AnswerKey, read_key
    from .selfcheck import SelfCheck, check_my_answers, check_workbook

#: the package's API, loaded on first use (``exercise ... --help`` imports none of it: the plugins load pandas)
_WHERE = {
    **dict.fromkeys(("METHODS", "AnswerMap", "answer_map", "grade_answer", "normalise"), "answers"),
    **dict.fromkeys(("GradeRun", "NewRun", "grade_exercise", "new_exercise"), "api"),
    **dict.fromkeys(("ClassExercise", "build_class", "read_roster"), "build"),
    **dict.fromkeys(("Submission", "read_submission"), "grade"),
    "grade_files": "identity",
    **dict.fromkeys(("AnswerKey", "read_key"), "keybook"),
    **dict.fromkeys(("SelfCheck", "check_my_answers", "check_workbook"), "selfcheck"),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "METHODS",
    "AnswerKey",
    "AnswerMap",
    "ClassExercise",
    "GradeRun",
    "NewRun",
    "SelfCheck",
    "Submission",
    "answer_map",
    "build_class",
    "check_my_answers",
    "check_workbook",
    "grade_answer",
    "grade_exercise",
    "grade_files",
    "new_exercise",
    "normalise",
    "read_key",
    "read_roster",
    "read_submission",
]
