"""Answers as students type them: tier ids or names in either language, any case, extra spaces.

>>> grade_answer("a类 · 关键客户", "A")
True
>>> grade_answer(" key ACCOUNT ", "A · Key account", method="abc")
True
>>> grade_answer("", "A")
False
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..ruleset.model import RuleSet, Segment
from .plugin import exercise_methods

#: the methods an exercise can teach: the built-in rule sets that have an exercise plugin
METHODS: tuple[str, ...] = exercise_methods()

_DROP = re.compile(r"[\s\u00b7\u30fb\u2022·.,;:_\-/\\'\"`’‘“”()（）【】\[\]{}]+")
_SPLIT = re.compile(r"\s*[\u00b7\u30fb\u2022·/|]\s*")


def normalise(text: object) -> str:
    """The comparison form of an answer: NFKC, case-folded, spaces and punctuation dropped."""
    if text is None:
        return ""
    if isinstance(text, float) and text != text:  # NaN
        return ""
    value = unicodedata.normalize("NFKC", str(text)).casefold()
    return _DROP.sub("", value)


def _variants(seg: Segment) -> set[str]:
    names = {seg.id, seg.label.en, seg.label.zh}
    out: set[str] = set()
    for name in names:
        if not name:
            continue
        out.add(normalise(name))
        parts = [p for p in _SPLIT.split(name) if p.strip()]
        if len(parts) > 1:  # "A · Key account": "A" and "Key account" alone are accepted too
            out.update(normalise(p) for p in parts)
    zh = seg.label.zh
    if zh.endswith("客户") and len(zh) > 2:  # 忠诚客户 -> 忠诚
        out.add(normalise(zh[:-2]))
    if zh.endswith("类") and len(zh) <= 3:
        out.add(normalise(zh[:-1]))
    out.discard("")
    return out


@dataclass(frozen=True)
class AnswerMap:
    """Every accepted spelling of every tier of one rule set -> the tier id."""

    ruleset: RuleSet
    aliases: dict[str, str]

    @classmethod
    def of(cls, rs: RuleSet) -> AnswerMap:
        seen: dict[str, set[str]] = {}
        for seg in rs.segments:
            for variant in _variants(seg):
                seen.setdefault(variant, set()).add(seg.id)
        exact = {normalise(s.id): s.id for s in rs.segments}  # an id always means its own tier
        aliases = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
        aliases.update(exact)
        return cls(rs, aliases)

    def resolve(self, answer: object) -> str | None:
        """The tier id an answer means, or None (blank or not a tier name)."""
        return self.aliases.get(normalise(answer))

    def label(self, tier_id: str, lang: str) -> str:
        try:
            return self.ruleset.segment(tier_id).label.get(lang)
        except KeyError:
            return tier_id

    def choices(self) -> list[str]:
        """The names a data-validation list offers: short ids (A, B, C), English and Chinese labels."""
        out: list[str] = []
        for seg in self.ruleset.segments:
            for name in (seg.id if len(seg.id) <= 2 else "", seg.label.en, seg.label.zh):
                if name and name not in out:
                    out.append(name)
        return out


@functools.lru_cache(maxsize=16)
def answer_map(method: str) -> AnswerMap:
    """The answer map of a built-in method (cached)."""
    from ..ruleset import load_ruleset

    return AnswerMap.of(load_ruleset(method))


def is_blank(answer: object) -> bool:
    return normalise(answer) == ""


def grade_answer(answer: object, expected: object, method: str | None = None,
                 methods: Iterable[str] = METHODS) -> bool:
    """True when ``answer`` names the same tier as ``expected`` (an id or a label, either language).

    With ``method`` (``abc``, ``rfm``, ...) names are looked up in that rule set; without it, in the
    first exercise method whose tiers include ``expected``.  A blank answer is always wrong.
    Meant for the Excel add-in (``=GRADE_ANSWER(answer, expected)``) and for self-checks.
    """
    if is_blank(answer) or is_blank(expected):
        return False
    if normalise(answer) == normalise(expected):
        return True
    for name in ([method] if method else list(methods)):
        amap = answer_map(name)
        want = amap.resolve(expected)
        if want is not None:
            return amap.resolve(answer) == want
    return False
