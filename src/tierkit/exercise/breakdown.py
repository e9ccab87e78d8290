"""The per-question breakdown of the grades workbook: for each question (Q1 … in the order of the Data sheet),
each cut-off and each score written beside the tiers (RFM levels 2 and 3: R, F, M over every row), how many
of the counted students got it right, wrong or left it blank."""

from __future__ import annotations

from dataclasses import dataclass

from .grade import BLANK, DELETED, Submission, counted


@dataclass(frozen=True)
class QuestionLine:
    """One question (``no`` 3 is Q3) or cut-off (``no`` None, ``key`` its key): counts over the counted files."""

    no: int | None
    key: str
    right: int
    wrong: int
    blank: int
    score: bool = False  #: a score written beside the tier (``key`` its name: ``r_score``), over every row

    @property
    def answered(self) -> int:
        return self.right + self.wrong + self.blank

    @property
    def share(self) -> float:
        return self.right / self.answered if self.answered else 0.0


def breakdown(subs: list[Submission]) -> list[QuestionLine]:
    """Every question, then every cut-off, with its counts (deleted rows count as blank)."""
    graded = counted(subs)
    n_q = max((len(s.rows) for s in graded), default=0)
    lines = []
    for i in range(n_q):
        rows = [s.rows[i] for s in graded if i < len(s.rows)]
        blank = sum(r.status in (BLANK, DELETED) for r in rows)
        right = sum(r.right for r in rows)
        lines.append(QuestionLine(i + 1, "", right, len(rows) - right - blank, blank))
    keys = list(dict.fromkeys(t.threshold.key for s in graded for t in s.thresholds))
    for key in keys:
        answers = [t for s in graded for t in s.thresholds if t.threshold.key == key]
        right = sum(t.right for t in answers)
        blank = sum(t.value is None and not t.right for t in answers)
        lines.append(QuestionLine(None, key, right, len(answers) - right - blank, blank))
    names = list(dict.fromkeys(a.name for s in graded for a in s.score_answers))
    for name in names:
        cells = [a for s in graded for a in s.score_answers if a.name == name]
        right = sum(a.right for a in cells)
        blank = sum(a.blank for a in cells)
        lines.append(QuestionLine(None, name, right, len(cells) - right - blank, blank, score=True))
    return lines
