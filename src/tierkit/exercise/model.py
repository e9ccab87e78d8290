"""The exercise model: columns shown to students, thresholds to find, one student's exercise."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..ruleset.model import RuleSet
from .cells import EXCEL_EPOCH as EXCEL_EPOCH
from .cells import Column, Threshold, _missing, to_serial
from .cells import format_value as format_value
from .cells import from_serial as from_serial

if TYPE_CHECKING:
    from .answers import AnswerMap
    from .plugin import ExercisePlugin

LEVELS: tuple[int, ...] = (1, 2, 3)
FORMAT = 1  #: version of the metadata and key layout


def exercise_ruleset(method: str, rules: str | None = None, params: dict[str, float] | None = None) -> RuleSet:
    """The rule set an exercise teaches: ``rules`` (a rule file, e.g. a trainer's copy) or the built-in
    ``method``, with ``params`` overriding its cut-offs.  A key whose rule file is gone falls back to
    the built-in with the key's params (the labels are what grading needs from it)."""
    from ..errors import RuleFileError
    from ..ruleset import load_ruleset

    params = dict(params or {})
    if rules and rules != method:
        try:
            return load_ruleset(rules, params=params)
        except RuleFileError:
            builtin = load_ruleset(method)
            return load_ruleset(method, params={k: v for k, v in params.items() if k in builtin.params})
    return load_ruleset(method, params=params)


@dataclass
class ExerciseSettings:
    """What an exercise is made with; shared by the class exercise (``new``) and the answer key (``grade``)."""

    exercise_id: str
    method: str  #: the exercise plugin, and the built-in rule set when ``rules`` names no other file
    level: int
    seed: int
    lang: str
    self_check: bool
    rules: str  #: the rule file the answers come from: a built-in name or a path
    params: dict[str, float]  #: the rule set's params as used (file values and overrides)

    @functools.cached_property
    def ruleset(self) -> RuleSet:
        return exercise_ruleset(self.method, self.rules, self.params)

    @functools.cached_property
    def answers(self) -> AnswerMap:
        """Every accepted spelling of the rule set's tiers."""
        from .answers import AnswerMap

        return AnswerMap.of(self.ruleset)

    @property
    def plugin(self) -> ExercisePlugin:
        from .plugin import get_plugin

        return get_plugin(self.method)

    def columns(self) -> tuple[Column, ...]:
        """The Data sheet's columns, headed by the rule set's field labels."""
        from .plugin import shown_columns

        return shown_columns(self.ruleset, self.plugin, self.level)

    def score_columns(self) -> tuple[Column, ...]:
        """The helper values students write beside the tier (RFM levels 2 and 3: the R, F and M scores)."""
        from .plugin import score_columns

        return score_columns(self.ruleset, self.plugin, self.level)


@dataclass
class StudentExercise:
    """One student's data, answers and thresholds."""

    student: str
    seed: int
    lang: str
    file: str
    frame: pd.DataFrame  # the shown columns (internal names), in the order handed out
    columns: tuple[Column, ...]
    expected: list[str]  # tier id per row
    reasons: dict[str, list[str]]  # lang -> reason per row
    thresholds: tuple[Threshold, ...] = ()
    row_hashes: list[str] = field(default_factory=list)
    scores: dict[str, list[int | None]] = field(default_factory=dict)  #: score name -> the right score per row

    @property
    def ids(self) -> list[str]:
        return [str(v) for v in self.frame[self.columns[0].name]]

    @property
    def fingerprint(self) -> str:
        return data_fingerprint(self.ids, self.row_hashes)


def canonical(value: Any, kind: str) -> str:
    """The text a cell hashes to: robust to how Excel or LibreOffice saved the number or date."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return ""
    if kind == "date":
        serial = to_serial(value)
        if serial is None:
            from ..values import parse_date

            try:
                parsed = parse_date(value)
            except ValueError:
                return str(value).strip()
            serial = to_serial(parsed)
        return "" if serial is None else f"d{int(serial)}"
    if kind in ("money", "int", "score", "share"):
        try:
            return f"{round(float(value), 4):.4f}"
        except (TypeError, ValueError):
            return str(value).strip()
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()


def row_hash(values: list[Any], columns: tuple[Column, ...]) -> str:
    text = "\x1f".join(canonical(v, c.kind) for v, c in zip(values, columns, strict=True))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def data_fingerprint(ids: list[str], hashes: list[str]) -> str:
    """One hash of the whole Data sheet, independent of row order."""
    text = "\n".join(sorted(f"{i}\x1f{h}" for i, h in zip(ids, hashes, strict=True)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def answer_token(exercise_id: str, customer_id: str, tier_id: str) -> str:
    """What the workbook stores per row when self-check is allowed: a hash of the tier (no secret: the few tiers
    can be tried, so self-check is for practice, not graded work)."""
    return hashlib.sha256(f"{exercise_id}\x1f{customer_id}\x1f{tier_id}".encode()).hexdigest()[:12]


def student_seed(seed: int, student: str) -> int:
    """The reproducible seed of one student's data: from the class seed and the student's name."""
    digest = hashlib.sha256(f"tierkit-exercise\x1f{seed}\x1f{student}".encode()).hexdigest()
    return int(digest[:12], 16)
