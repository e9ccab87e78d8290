"""Feedback PDFs: one per student, in the student's language (the briefs' Jinja2 + WeasyPrint machinery)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .grade import Submission, counted
from .keybook import AnswerKey
from .model import format_value

TEMPLATE = "feedback.html.j2"

FEEDBACK_WORDS: dict[str, dict[str, str]] = {
    "en": {"title": "Feedback", "score": "Score", "right": "right", "of": "of", "blank": "blank",
           "wrong_rows": "Rows to look at again", "no": "No.", "customer": "Customer", "answer": "Your answer",
           "right_tier": "Right tier", "reason": "Why", "thresholds": "Thresholds", "threshold": "Threshold",
           "accepted": "Accepted", "result": "Result", "ok": "right", "bad": "wrong",
           "all_right": "All answers are right.",
           "exercise": "Exercise", "file": "File", "note": "Note", "none": "(blank)"},
    "zh": {"title": "练习反馈", "score": "得分", "right": "正确", "of": "共", "blank": "未填",
           "wrong_rows": "需要复习的行", "no": "序号", "customer": "客户", "answer": "你的答案",
           "right_tier": "正确层级", "reason": "原因", "thresholds": "阈值", "threshold": "阈值",
           "accepted": "可接受范围", "result": "结果", "ok": "正确", "bad": "错误", "all_right": "全部答对。",
           "exercise": "练习", "file": "文件", "note": "备注", "none": "（未填）"},
}


@dataclass(frozen=True)
class WrongRow:
    """A row the student got wrong: question number, customer, what they wrote, the right tier and why."""

    no: int
    customer_id: str
    answer: str
    right_tier: str
    reason: str


@dataclass(frozen=True)
class ThresholdLine:
    """A level-3 cut-off: what the student wrote, the accepted range and whether it is right."""

    label: str
    answer: str
    accepted: str
    right: bool


@dataclass(frozen=True)
class FeedbackContext:
    """Everything ``feedback.html.j2`` shows.  ``words`` holds the fixed texts in the student's language."""

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

    @property
    def html_lang(self) -> str:
        return "zh-Hans" if self.lang == "zh" else "en"


def feedback_context(sub: Submission, key: AnswerKey) -> FeedbackContext:
    assert sub.student is not None
    student = sub.student
    lang = student.lang if student.lang in FEEDBACK_WORDS else "en"
    words = FEEDBACK_WORDS[lang]
    amap = key.answers
    wrong = tuple(
        WrongRow(r.no, r.customer_id, words["none"] if r.status == "blank" else str(r.answer),
                 amap.label(r.expected, lang), student.reasons[lang][r.no - 1])
        for r in sub.rows if not r.right)
    thresholds = tuple(
        ThresholdLine(t.threshold.label.get(lang),
                      words["none"] if t.value is None else format_value(t.value, t.threshold.kind, lang),
                      t.threshold.range_text(lang), t.right)
        for t in sub.thresholds)
    return FeedbackContext(
        lang=lang, title=f"{words['title']} · {key.ruleset.title.get(lang)}", student=student.student, file=sub.name,
        exercise_id=key.exercise_id, score_pct=round(100 * sub.score), correct=sub.correct, total=sub.total,
        blank=sum(r.status == "blank" for r in sub.rows), wrong=wrong, thresholds=thresholds, words=words,
        note=sub.problem)


def render_feedback(ctx: FeedbackContext) -> str:
    from ..reporting import environment

    return environment().get_template(TEMPLATE).render(fb=ctx)


def write_feedback(subs: list[Submission], key: AnswerKey, out_dir: str | Path) -> list[Path]:
    """One PDF per graded student in ``out_dir`` (created), named after the student."""
    from ..reporting import safe_filename, write_pdf

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for sub in counted(subs):
        assert sub.student is not None
        target = folder / safe_filename(sub.student.student, fallback="student")
        out.append(write_pdf(render_feedback(feedback_context(sub, key)), target))
    return out
