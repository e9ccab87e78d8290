"""Trainer kit: exercise workbooks, answer keys, grading and feedback (``tierkit exercise new|grade``).

>>> from tierkit.exercise import new_exercise, grade_exercise, grade_answer, check_my_answers
>>> new_exercise("abc", "class1/", level=2, students=["Li Lei", "Han Meimei"], seed=7, lang="zh")
>>> grade_exercise(["class1/returned/"], "class1/answer_key.xlsx", "grades.xlsx", feedback_dir="feedback/")
>>> grade_answer("a类", "A · Key account")        # the add-in's =GRADE_ANSWER(answer, expected)
True
"""

from __future__ import annotations

from . import methods as _methods  # noqa: F401  (registers the built-in exercise plugins)
from .answers import METHODS, AnswerMap, answer_map, grade_answer, normalise
from .api import GradeRun, NewRun, grade_exercise, new_exercise
from .build import ClassExercise, build_class, read_roster
from .grade import Submission, read_submission
from .identity import grade_files
from .keybook import AnswerKey, read_key
from .selfcheck import SelfCheck, check_my_answers, check_workbook

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
