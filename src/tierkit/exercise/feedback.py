"""Feedback PDFs: one per student, in the student's language (the briefs' Jinja2 + WeasyPrint machinery)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..i18n import SOURCE_LANG, join, languages, mark, tr, trc
from ..progress import track
from .grade import BLANK, Submission, counted
from .keybook import AnswerKey
from .model import format_value

TEMPLATE = "feedback.html.j2"
#: emoji (and their joiners and variation selectors): no font on the PDF side has them, so they are named
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\U000E0020-\U000E007F]+")
#: score bands: at least this share is "good", at least the second "fair", below it "poor"
BANDS = (0.8, 0.5)
#: ``<html lang>`` of a language whose tag is not its code
_HTML_LANG = {"zh": "zh-Hans"}


def plain(text: object, lang: str) -> str:
    """A student's text as the PDF can show it: each run of emoji replaced by a word (fonts lack them)."""
    return _EMOJI.sub(tr(lang, "(emoji)"), str(text))


def band(score: float) -> str:
    """The colour band of a score: ``good``, ``fair`` or ``poor``."""
    return "good" if score >= BANDS[0] else ("fair" if score >= BANDS[1] else "poor")


def feedback_words(lang: str) -> dict[str, str]:
    """The fixed words of a feedback PDF in ``lang``."""
    return {
        "wrong_rows": tr(lang, "Rows to look at again"), "no": trc(lang, "feedback header", "Row"),
        "customer": trc(lang, "feedback header", "Customer"), "answer": trc(lang, "feedback header", "Your answer"),
        "right_tier": trc(lang, "feedback header", "Right tier"), "reason": trc(lang, "feedback header", "Why"),
        "thresholds": trc(lang, "feedback header", "Thresholds"),
        "threshold": trc(lang, "feedback header", "Threshold"),
        "accepted": trc(lang, "feedback header", "Accepted"), "result": trc(lang, "feedback header", "Result"),
        "ok": trc(lang, "feedback result", "right"), "bad": trc(lang, "feedback result", "wrong"),
        "all_right": tr(lang, "All answers are right."), "none": tr(lang, "(blank)"),
        "deleted": tr(lang, "(row deleted)"),
        "wrong_scores": tr(lang, "Scores to look at again"), "score": trc(lang, "feedback header", "Score"),
        "right_score": trc(lang, "feedback header", "Right score"),
    }


@dataclass(frozen=True)
class WrongRow:
    """A row the student got wrong: question number, customer, what they wrote, the right tier and why."""

    no: int  #: the Excel row, as the add-in's self-check says it
    customer_id: str
    answer: str
    right_tier: str
    reason: str


@dataclass(frozen=True)
class ScoreLine:
    """A score (R, F or M) the student got wrong or left blank."""

    no: int  #: the Excel row
    customer_id: str
    score: str  #: the score's label (``R score``)
    answer: str
    right: str


@dataclass(frozen=True)
class ThresholdLine:
    """A level-3 cut-off: what the student wrote, the accepted range and whether it is right."""

    label: str
    answer: str
    accepted: str
    right: bool


@dataclass(frozen=True)
class FeedbackContext:
    """Everything ``feedback.html.j2`` shows.  ``words`` holds the fixed texts in the student's language; the
    lines that hold values (title, kicker, score) are whole sentences from the catalogue."""

    lang: str
    title: str
    student: str
    file: str
    exercise_id: str
    score_pct: int
    correct: int
    total: int
    blank: int
    wrong: tuple[WrongRow, ...]
    thresholds: tuple[ThresholdLine, ...]
    words: dict[str, str]
    note: str = ""
    band: str = "good"  #: the score's colour band (:func:`band`)
    scores_line: str = ""  #: "Scores (R score, F score, M score): 59 right of 60", at the levels that ask for them
    wrong_scores: tuple[ScoreLine, ...] = ()

    @property
    def html_lang(self) -> str:
        return _HTML_LANG.get(self.lang, self.lang)

    @property
    def kicker(self) -> str:
        return tr(self.lang, "Exercise {exercise} · File {file}", exercise=self.exercise_id, file=self.file)

    @property
    def score_text(self) -> str:
        return tr(self.lang, "Score {pct}%", pct=self.score_pct)

    @property
    def score_line(self) -> str:
        return tr(self.lang, "{correct} right · of {total} · blank {blank}", correct=self.correct, total=self.total,
                  blank=self.blank)

    @property
    def note_text(self) -> str:
        return tr(self.lang, "Note: {note}", note=self.note) if self.note else ""


def feedback_context(sub: Submission, key: AnswerKey) -> FeedbackContext:
    assert sub.student is not None
    student = sub.student
    lang = student.lang if student.lang in languages() else SOURCE_LANG
    words = feedback_words(lang)
    amap = key.answers
    reasons = student.reasons.get(lang) or student.reasons.get(SOURCE_LANG) or []
    wrong = tuple(
        WrongRow(r.row, plain(r.customer_id, lang),
                 words["deleted"] if r.deleted else (words["none"] if r.status == BLANK else plain(r.answer, lang)),
                 amap.label(r.expected, lang), reasons[r.no - 1] if r.no <= len(reasons) else "")
        for r in sub.rows if not r.right)
    thresholds = tuple(
        ThresholdLine(t.threshold.label.get(lang),
                      words["none"] if t.value is None else format_value(t.value, t.threshold.kind, lang),
                      t.threshold.range_text(lang), t.right)
        for t in sub.thresholds)
    labels = {c.name: c.label.get(lang) for c in key.score_columns()}
    cells = sub.score_answers
    scores_line = tr(lang, "Scores ({names}): {right} right of {total}", names=join(lang, labels.values()),
                     right=sub.scores_right, total=len(cells)) if cells else ""
    wrong_scores = tuple(
        ScoreLine(r.row, plain(r.customer_id, lang), labels.get(a.name, a.name),
                  words["deleted"] if r.deleted else words["none"] if a.blank else plain(a.answer, lang),
                  "" if a.expected is None else str(a.expected))
        for r in sub.rows for a in r.scores if not a.right)
    return FeedbackContext(
        lang=lang, title=tr(lang, "Feedback · {title}", title=key.ruleset.title.get(lang)),
        student=plain(student.student, lang), file=plain(sub.name, lang), exercise_id=plain(key.exercise_id, lang),
        score_pct=round(100 * sub.score), correct=sub.correct, total=sub.total,
        blank=sum(r.status == BLANK for r in sub.rows), wrong=wrong, thresholds=thresholds,
        words=words, note=plain(sub.problem_text(lang), lang), band=band(sub.score), scores_line=scores_line,
        wrong_scores=wrong_scores)


def render_feedback(ctx: FeedbackContext) -> str:
    from ..reporting import environment

    return environment().get_template(TEMPLATE).render(fb=ctx)


def feedback_targets(subs: list[Submission], out_dir: str | Path) -> list[tuple[Submission, Path]]:
    """Each graded student's feedback PDF in ``out_dir``, named after the student."""
    from ..reporting import safe_filename

    folder = Path(out_dir)
    return [(sub, folder / safe_filename(sub.student.student if sub.student else "", fallback="student"))
            for sub in counted(subs)]


def stale_pdfs(targets: list[tuple[Submission, Path]], out_dir: str | Path) -> list[Path]:
    """The PDFs in ``out_dir`` this run does not write (an earlier run's, e.g. of a student now missing)."""
    folder = Path(out_dir)
    keep = {t.resolve() for _s, t in targets}
    return sorted(p for p in folder.glob("*.pdf") if p.is_file() and p.resolve() not in keep) if folder.is_dir() else []


def write_feedback(subs: list[Submission], key: AnswerKey, out_dir: str | Path, *, force: bool = True,
                   inputs: Iterable[str | Path] = ()) -> list[Path]:
    """One PDF per graded student in ``out_dir`` (created), named after the student.  Every target is checked
    first: none may be one of ``inputs``, and without ``force`` none may exist (nothing is written then)."""
    from ..io.atomic import check_output
    from ..reporting import write_pdf

    inputs = [Path(p) for p in inputs]
    targets = feedback_targets(subs, out_dir)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for _sub, target in targets:
        check_output(target, force=force, inputs=inputs)
    return [write_pdf(render_feedback(feedback_context(sub, key)), target, force=force, inputs=inputs)
            for sub, target in track(targets, mark("progress", "writing the feedback PDFs"))]
