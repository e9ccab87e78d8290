"""Self-check for students (the add-in's ``check_my_answers`` button), when the trainer allowed it.

The workbook holds a hash per customer of (exercise, customer, tier), no secret: a student who tries the few
tiers recovers the answers, and the Data sheet decides them anyway.  For practice, not for graded work.

>>> result = check_my_answers(meta_rows, data_rows)   # the used ranges of '_tierkit' and the Data sheet
>>> result.marks          # one per data row: "✓", "✗" or "" (blank)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TierkitError
from ..i18n import join, tr
from .answers import answer_map, is_blank
from .model import answer_token
from .texts import word_in_every_language

Rows = Sequence[Sequence[Any]]


@dataclass(frozen=True)
class SelfCheck:
    """``marks[i]`` belongs to data row ``first_row + i`` (0-based index into the data rows given)."""

    first_row: int
    answer_col: int
    marks: tuple[str, ...]
    correct: int
    answered: int
    total: int

    def summary(self, lang: str = "en") -> str:
        return tr(lang, "{correct} right of {answered} answered ({total} rows)", correct=self.correct,
                  answered=self.answered, total=self.total)

    def wrong_rows(self) -> list[int]:
        """The sheet's row numbers (1-based, as Excel shows them) of the wrong answers."""
        return [self.first_row + i + 1 for i, m in enumerate(self.marks) if m == "✗"]

    def report(self, lang: str = "en", most: int = 20) -> str:
        """The summary and, when some answers are wrong, the rows to look at again (the add-in's message)."""
        rows = self.wrong_rows()
        if not rows:
            return self.summary(lang)
        listed = join(lang, rows[:most]) + (" ..." if len(rows) > most else "")
        return tr(lang, "{summary}; look again at rows {rows}", summary=self.summary(lang), rows=listed)


def _norm(value: Any) -> str:
    return "".join(str(value or "").split()).casefold()


def check_my_answers(meta_rows: Rows, data_rows: Rows, lang: str | None = None) -> SelfCheck:
    """Mark the student's answers right or wrong; a TierkitError when the trainer did not allow it.  Messages are
    in ``lang``, by default the exercise's language."""
    meta = {str(r[0]): r[1] for r in meta_rows if r and len(r) > 1 and r[0] is not None}
    lang = lang or str(meta.get("lang") or "en")
    if not meta.get("exercise_id"):
        raise TierkitError(tr(lang, "this workbook is not a tierkit exercise"))
    if str(meta.get("self_check")).strip().lower() not in ("true", "1", "yes"):
        raise TierkitError(tr(lang, "your trainer has not allowed self-check for this exercise"))
    tokens = {str(r[9]): str(r[10]) for r in meta_rows[1:] if len(r) > 10 and r[9] is not None}
    amap = answer_map(str(meta["method"]))
    id_header = _norm(meta.get("id_header"))
    answer_headers = {*(_norm(w) for w in word_in_every_language("answer")), _norm(meta.get("answer_header"))}
    found = None
    for h, row in enumerate(data_rows[:10]):
        cells = [_norm(v) for v in row]
        if id_header in cells and answer_headers & set(cells):
            found = (h, cells.index(id_header), next(i for i, c in enumerate(cells) if c in answer_headers))
            break
    if found is None:
        raise TierkitError(tr(lang, "cannot find the customer id and answer columns on this sheet"),
                           hint=tr(lang, "run the check on the exercise's Data sheet"))
    h, id_col, answer_col = found
    marks: list[str] = []
    correct = answered = 0
    for row in data_rows[h + 1:]:
        cid = row[id_col] if id_col < len(row) else None
        answer = row[answer_col] if answer_col < len(row) else None
        if cid is None or is_blank(answer):
            marks.append("")
            continue
        answered += 1
        tier = amap.resolve(answer)
        ok = tier is not None and tokens.get(str(cid).strip()) == answer_token(str(meta["exercise_id"]),
                                                                             str(cid).strip(), tier)
        correct += ok
        marks.append("✓" if ok else "✗")
    total = sum(1 for row in data_rows[h + 1:] if id_col < len(row) and row[id_col] is not None)
    return SelfCheck(h + 1, answer_col, tuple(marks), correct, answered, total)


def check_workbook(path: str | Path, lang: str | None = None) -> SelfCheck:
    """:func:`check_my_answers` on a saved exercise file (tests, and a CLI-free way to self-check)."""
    from openpyxl import load_workbook

    from .workbook import META_SHEET

    wb = load_workbook(path, data_only=True)
    try:
        if META_SHEET not in wb.sheetnames:
            raise TierkitError(tr(lang or "en", "this workbook is not a tierkit exercise"))
        meta_rows = [list(r) for r in wb[META_SHEET].iter_rows(values_only=True)]
        meta = {str(r[0]): r[1] for r in meta_rows if r and r[0] is not None}
        sheet = str(meta.get("data_sheet"))
        ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[1]
        return check_my_answers(meta_rows, [list(r) for r in ws.iter_rows(values_only=True)], lang)
    finally:
        wb.close()
