"""Answers as students type them: tier ids or names in any language tierkit speaks (and any language the rule
set's labels have), any case, extra spaces.

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

from ..errors import listing, msg
from ..i18n import languages, mark, trc
from ..ruleset.model import RuleSet, Segment, Text
from .names import METHOD_NAMES

#: the methods an exercise can teach: the built-in rule sets that have an exercise plugin
METHODS: tuple[str, ...] = METHOD_NAMES

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


#: a word a tier name may leave out at its end (忠诚客户 -> 忠诚), in each language
_TAIL = mark("a word an answer may leave out at the end of a tier name", "customer")
#: a word after a tier's letter or number that an answer may leave out (A类 -> A), in each language
_CLASS = mark("a word after a tier letter that an answer may leave out", "class")


def label_languages(text: Text) -> list[str]:
    """The languages a label is read in: every language tierkit speaks and every language the label has."""
    own = list(text.keys()) if hasattr(text, "keys") else [f for f in vars(text) if not f.startswith("_")]
    return list(dict.fromkeys([*languages(), *own]))


def _labels(seg: Segment) -> list[tuple[str, str]]:
    """``(language, label)`` of a tier in every language (a language without its own label falls back)."""
    return [(lang, seg.label.get(lang)) for lang in label_languages(seg.label)]


def _variants(seg: Segment) -> set[str]:
    labels = _labels(seg)
    out: set[str] = set()
    for name in (seg.id, *(name for _, name in labels)):
        if not name:
            continue
        out.add(normalise(name))
        parts = [p for p in _SPLIT.split(name) if p.strip()]
        if len(parts) > 1:  # "A · Key account": "A" and "Key account" alone are accepted too
            out.update(normalise(p) for p in parts)
    for lang, name in labels:
        tail = normalise(trc(lang, "a word an answer may leave out at the end of a tier name", _TAIL))  # i18n: marked
        word = normalise(trc(lang, "a word after a tier letter that an answer may leave out", _CLASS))  # i18n: marked
        value = normalise(name)
        if tail and value.endswith(tail) and len(value) > len(tail):  # 忠诚客户 -> 忠诚
            out.add(value[:-len(tail)])
        if word and value.endswith(word) and 0 < len(value) - len(word) <= 2:  # A类 -> A
            out.add(value[:-len(word)])
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
        """The names a data-validation list offers: short ids (A, B, C), then the labels in every language."""
        out: list[str] = []
        for seg in self.ruleset.segments:
            for name in (seg.id if len(seg.id) <= 2 else "", *(name for _, name in _labels(seg))):
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
    """True when ``answer`` names the same tier as ``expected`` (an id or a label, in any language).

    With ``method`` (``abc``, ``rfm``, ...) names are looked up in that rule set; without it, in the
    first exercise method whose tiers include ``expected``; an unknown ``method`` raises
    :class:`~tierkit.errors.TierkitError`.  A blank answer is always wrong.
    Meant for the Excel add-in (``=GRADE_ANSWER(answer, expected)``) and for self-checks.
    """
    if method and method not in methods:
        from ..errors import TierkitError, did_you_mean

        names = tuple(methods)
        raise TierkitError(msg("unknown method '{method}'", method=method),
                           hint=did_you_mean(method, names) or msg("choose one of {names}", names=listing(names)))
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
