"""Linear-time regular expressions: Python ``re`` patterns translated to RE2 and run with pyarrow.

rule-engine evaluates ``=~`` with :func:`re.match` and ``=~~`` with :func:`re.search`, which backtrack:
``(a+)+$`` takes minutes on a 31-character cell.  The compiled backend runs the same patterns on RE2
(pyarrow's ``match_substring_regex``), whose running time is linear in the text.

The translation works on Python's own parse tree (``re._parser``), so it keeps Python's meaning:

* ``\\d``, ``\\w``, ``\\s`` (and ``\\D``, ``\\W``, ``\\S``, also inside ``[...]``) become explicit code-point
  ranges computed from the very predicates Python's ``re`` uses (``str.isdecimal``, ``str.isalnum`` or ``_``,
  ``str.isspace``): full-width digits, CJK letters and ideographic spaces match exactly as in rule-engine.
* ``^``/``$``/``\\A``/``\\Z``/``.`` keep Python's meaning with and without ``(?m)``/``(?s)``.
* ``=~`` is anchored at the start only (``\\A(?:...)``), ``=~~`` searches anywhere.

What RE2 cannot express identically is refused (:class:`UnsupportedRegex`): backreferences, lookahead and
lookbehind, ``\\b``/``\\B`` (RE2's are ASCII-only), conditionals, atomic groups, possessive quantifiers,
``$`` followed by more pattern, and patterns RE2 rejects as too large.
"""

from __future__ import annotations

import functools
import re
import re._constants as _c
import re._parser as _p
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from rule_engine import ast

from ..errors import UnsupportedExpression, msg
from .context import children

MAX_CP = sys.maxunicode
_SURROGATES = (0xD800, 0xDFFF)
Ranges = list[tuple[int, int]]


class UnsupportedRegex(UnsupportedExpression):
    """A pattern that cannot run in linear time with Python's meaning."""


# -- code-point classes ---------------------------------------------------------------------------------
def _ranges_of(pred: Callable[[str], bool]) -> Ranges:
    out: Ranges = []
    start = -1
    for cp in range(MAX_CP + 2):
        inside = cp <= MAX_CP and pred(chr(cp))
        if inside and start < 0:
            start = cp
        elif not inside and start >= 0:
            out.append((start, cp - 1))
            start = -1
    return out


@functools.cache
def _category(name: str) -> tuple[tuple[int, int], ...]:
    """Ranges of a Unicode category as Python's ``re`` defines it for str patterns."""
    preds: dict[str, Callable[[str], bool]] = {
        "digit": str.isdecimal,
        "word": lambda ch: ch.isalnum() or ch == "_",
        "space": str.isspace,
    }
    return tuple(_ranges_of(preds[name]))


_ASCII = {"digit": [(0x30, 0x39)], "word": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
          "space": [(0x09, 0x0D), (0x20, 0x20)]}
_CATEGORIES = {
    _c.CATEGORY_DIGIT: ("digit", False), _c.CATEGORY_NOT_DIGIT: ("digit", True),
    _c.CATEGORY_WORD: ("word", False), _c.CATEGORY_NOT_WORD: ("word", True),
    _c.CATEGORY_SPACE: ("space", False), _c.CATEGORY_NOT_SPACE: ("space", True),
}


def _normalise(ranges: Sequence[tuple[int, int]]) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _complement(ranges: Sequence[tuple[int, int]]) -> Ranges:
    out: Ranges = []
    nxt = 0
    for lo, hi in _normalise(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CP:
        out.append((nxt, MAX_CP))
    return out


def _class_text(ranges: Sequence[tuple[int, int]]) -> str:
    """An RE2 character class for ``ranges`` (surrogates left out: they cannot occur in UTF-8 text)."""
    parts = []
    for lo, hi in _normalise(ranges):
        for a, b in ((lo, min(hi, _SURROGATES[0] - 1)), (max(lo, _SURROGATES[1] + 1), hi)):
            if a <= b:
                parts.append(_cp(a) if a == b else f"{_cp(a)}-{_cp(b)}")
    return "[" + "".join(parts) + "]" if parts else r"[^\x{0}-\x{10FFFF}]"


def _cp(cp: int) -> str:
    ch = chr(cp)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{cp:X}}}"


# -- translation ------------------------------------------------------------------------------------------
_REFUSED = {
    _c.GROUPREF: msg("backreferences (\\1, (?P=name))"),
    _c.GROUPREF_EXISTS: msg("conditional groups ((?(1)...))"),
    _c.ASSERT: msg("lookahead/lookbehind ((?=...), (?<=...))"),
    _c.ASSERT_NOT: msg("negative lookahead/lookbehind ((?!...), (?<!...))"),
    getattr(_c, "ATOMIC_GROUP", None): msg("atomic groups ((?>...))"),
    getattr(_c, "POSSESSIVE_REPEAT", None): msg("possessive quantifiers (a*+, a++)"),
}


class _Translator:
    def __init__(self, flags: int) -> None:
        self.flags = flags

    def seq(self, items: Sequence[tuple[Any, Any]], followed: bool, flags: int) -> str:
        out = []
        for i, (op, av) in enumerate(items):
            after = followed or any(o is not _c.AT for o, _ in items[i + 1:])
            out.append(self.item(op, av, after, flags))
        return "".join(out)

    def item(self, op: Any, av: Any, followed: bool, flags: int) -> str:
        icase = bool(flags & _c.SRE_FLAG_IGNORECASE)
        if op in _REFUSED:
            raise UnsupportedRegex(msg("{what} are not supported in regular expressions", what=_REFUSED[op]),
                                   hint=msg("tierkit runs regular expressions in linear time (RE2)"))
        if op is _c.LITERAL:
            return _fold(_cp(av), icase)
        if op is _c.NOT_LITERAL:
            if icase and chr(av).lower() != chr(av).upper():
                raise _NEGATED_ICASE
            return _fold(_class_text(_complement([(av, av)])), icase)
        if op is _c.ANY:
            return _class_text([(0, MAX_CP)] if flags & _c.SRE_FLAG_DOTALL else _complement([(10, 10)]))
        if op is _c.IN:
            if icase and any(o is _c.NEGATE for o, _ in av):  # RE2 and Python fold a negated set differently
                raise _NEGATED_ICASE
            return _fold(_class_text(self.charset(av, flags)), icase)
        if op is _c.CATEGORY:
            return _class_text(self.category(av, flags))
        if op is _c.BRANCH:
            return "(?:" + "|".join(self.seq(alt, followed, flags) for alt in av[1]) + ")"
        if op is _c.SUBPATTERN:
            _group, add, remove, body = av
            return "(?:" + self.seq(body, followed, (flags | add) & ~remove) + ")"
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi, body = av
            inner = self.seq(body, followed or hi > 1, flags)
            if lo > 1000 or (hi != _c.MAXREPEAT and hi > 1000):
                raise UnsupportedRegex(msg("repeat counts over 1000 are not supported in regular expressions"))
            count = f"{{{lo},}}" if hi == _c.MAXREPEAT else f"{{{lo},{hi}}}"
            return f"(?:{inner}){count}{'?' if op is _c.MIN_REPEAT else ''}"
        if op is _c.AT:
            return self.at(av, followed, flags)
        raise UnsupportedRegex(msg("the regular expression construct {op} is not supported", op=op))  # pragma: no cover

    def at(self, av: Any, followed: bool, flags: int) -> str:
        multiline = bool(flags & _c.SRE_FLAG_MULTILINE)
        if av is _c.AT_BEGINNING_STRING or (av is _c.AT_BEGINNING and not multiline):
            return r"\A"
        if av is _c.AT_BEGINNING:
            return "(?m:^)"
        if av is _c.AT_END_STRING:
            return r"\z"
        if av is _c.AT_END and multiline:
            return "(?m:$)"
        if av is _c.AT_END:
            if followed:
                raise UnsupportedRegex(msg("'$' followed by more pattern is not supported in regular expressions"),
                                       hint=msg("put '$' last, or use \\Z for the very end"))
            return r"(?:\n?\z)"  # Python's '$': the end, or just before a final newline
        raise UnsupportedRegex(msg("word boundaries (\\b, \\B) are not supported in regular expressions"),
                               hint=msg("match the separator instead, e.g. =~~ '(^|\\s)VIP(\\s|$)'"))

    def category(self, code: Any, flags: int) -> Ranges:
        name, negated = _CATEGORIES[code]
        ranges = _ASCII[name] if flags & _c.SRE_FLAG_ASCII else list(_category(name))
        return _complement(ranges) if negated else list(ranges)

    def charset(self, items: Sequence[tuple[Any, Any]], flags: int) -> Ranges:
        ranges: Ranges = []
        negate = False
        for op, av in items:
            if op is _c.NEGATE:
                negate = True
            elif op is _c.LITERAL:
                ranges.append((av, av))
            elif op is _c.RANGE:
                ranges.append(av)
            elif op is _c.CATEGORY:
                ranges.extend(self.category(av, flags))
            else:  # pragma: no cover - RANGE_UNI_IGNORE etc. only appear after compilation
                raise UnsupportedRegex(msg("the character-set item {op} is not supported", op=op))
        return _complement(ranges) if negate else _normalise(ranges)


_NEGATED_ICASE = UnsupportedRegex(msg("a negated character class under (?i) is not supported in regular expressions"),
                                  hint=msg("list both cases instead, e.g. [^a-zA-Z]"))


def _fold(text: str, icase: bool) -> str:
    return f"(?i:{text})" if icase else text


def parse_flags(pattern: str, flags: int = 0) -> tuple[Any, int]:
    """Python's parse tree of ``pattern`` and its global flags (raises :class:`re.error`)."""
    tree = _p.parse(pattern, flags)
    return tree, tree.state.flags


@functools.lru_cache(maxsize=256)
def to_re2(pattern: str, flags: int = 0, *, anchored: bool = False) -> str:
    """The RE2 pattern that matches what Python's ``re`` matches (``anchored``: like :func:`re.match`).

    Raises :class:`UnsupportedRegex` for a construct RE2 cannot run with the same meaning.
    """
    try:
        tree, gflags = parse_flags(pattern, flags)
    except re.error as err:
        raise UnsupportedRegex(msg("invalid regular expression: {err}", err=err)) from None
    if gflags & _c.SRE_FLAG_LOCALE:
        raise UnsupportedRegex(msg("the LOCALE flag is not supported in regular expressions"))
    body = _Translator(gflags).seq(list(tree), False, gflags)
    text = (r"\A(?:" if anchored else "(?:") + body + ")"
    _check_re2(text)
    return text


def _check_re2(text: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.string()), text)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        raise UnsupportedRegex(msg("regular expression too large or not supported by RE2: {err}", err=err)) from None


def match_many(pattern: str, flags: int, values: Sequence[str] | np.ndarray, *, anchored: bool) -> np.ndarray:
    """Boolean array: does ``pattern`` (Python syntax) match each string (``anchored``: re.match, else re.search)?"""
    import pyarrow as pa
    import pyarrow.compute as pc

    re2 = to_re2(pattern, flags, anchored=anchored)
    texts = [_utf8_safe(v) for v in values]
    if not texts:
        return np.zeros(0, dtype=bool)
    result = pc.match_substring_regex(pa.array(texts, pa.string()), re2)
    return np.asarray(result.to_numpy(zero_copy_only=False), dtype=bool)


def _utf8_safe(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no RE2 class (nor \d \w \s) matches it either
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def iter_regexes(node: Any) -> Iterator[tuple[str, str]]:
    """(operator, pattern) of every ``=~``/``=~~``/``!~``/``!~~`` with a quoted pattern in a parsed rule."""
    if isinstance(node, ast.FuzzyComparisonExpression) and isinstance(node.right, ast.StringExpression):
        yield node.type, node.right.value
    for child in children(node):
        yield from iter_regexes(child)


def check_rule_regexes(statement: Any, flags: int = 0) -> None:
    """Translate every quoted pattern of a parsed rule to RE2 (raises :class:`UnsupportedRegex`)."""
    for op, pattern in iter_regexes(statement):
        to_re2(pattern, flags, anchored=op.endswith("fzm"))


_LITERAL_TOKENS = {"STRING", "FLOAT", "BYTES", "DATETIME", "TIMEDELTA", "TRUE", "FALSE", "NULL"}
_FUZZY_TOKENS = {"EQ_FZM", "EQ_FZS", "NE_FZM", "NE_FZS"}


def check_constant_regex_text(text: str) -> None:
    """Refuse a regex operator whose left operand is constant text, read lexically before parsing.

    rule-engine folds ``'aaaa!' =~ '(a+)+$'`` while parsing, with Python's backtracking ``re``: such a
    condition could stall the load itself, and it says nothing about the rows anyway.
    """
    lexer = _lexer().clone()
    lexer.input(text)
    try:
        tokens = [tok.type for tok in lexer]
    except Exception:  # a lexing error: rule-engine reports it with its own message
        return
    for i, kind in enumerate(tokens):
        if kind in _FUZZY_TOKENS and i and _constant_before(tokens, i):
            raise UnsupportedRegex(msg("a regular expression applied to constant text is not supported"),
                                   hint=msg("put a column on the left: name =~ 'pattern'"))


@functools.cache
def _lexer() -> Any:
    import rule_engine

    return rule_engine.Rule.parser._lexer  # the parser every Rule uses (building one takes ~0.4 s); cloned above


def _constant_before(tokens: Sequence[str], end: int) -> bool:
    last = tokens[end - 1]
    if last in _LITERAL_TOKENS:
        return True
    closers = {"RPAREN": "LPAREN", "RBRACKET": "LBRACKET", "RBRACE": "LBRACE"}
    if last not in closers:
        return False
    depth = 0
    for j in range(end - 1, -1, -1):
        if tokens[j] in closers:
            depth += 1
        elif tokens[j] in closers.values():
            depth -= 1
            if depth == 0:
                return not any(t == "SYMBOL" for t in tokens[j:end])
    return False


# -- the oracle's guard -------------------------------------------------------------------------------------
def backtracking_risk(pattern: str, flags: int = 0) -> str | None:
    """Why Python's backtracking ``re`` could stall on ``pattern`` (a nested quantifier), or None.

    Refused: a repeat that may run more than once around a body that can match the same text in several
    ways (a variable repeat such as ``a+`` or ``a{1,3}``, or an alternation): ``(a+)+``, ``(a*)*``, ``(a|a)+``.
    """
    try:
        tree, _ = parse_flags(pattern, flags)
    except re.error:
        return None
    return _risk(list(tree), inside=False)


def _risk(items: Sequence[tuple[Any, Any]], inside: bool) -> str | None:
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, body = av
            variable = lo != hi
            if inside and variable:
                return "a nested quantifier"
            found = _risk(body, inside or hi > 1)
            if found:
                return found
        elif op is _c.BRANCH:
            if inside:
                return "an alternation inside a repeat"
            for alt in av[1]:
                if found := _risk(alt, inside):
                    return found
        elif op in (_c.SUBPATTERN,):
            if found := _risk(av[3], inside):
                return found
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if found := _risk(av[1], inside):
                return found
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            if found := _risk(av, inside):
                return found
        elif op is _c.GROUPREF_EXISTS:
            for part in av[1:]:
                if part and (found := _risk(part, inside)):
                    return found
    return None


__all__ = ["UnsupportedRegex", "backtracking_risk", "check_constant_regex_text", "check_rule_regexes", "iter_regexes",
           "match_many", "to_re2"]
