"""A text in several languages: an immutable mapping of language tag to text.

A rule file may write a label, a title, a strategy or an action in any language::

    label: {en: Key account, zh: 关键客户, ja: 重要顧客, pt-BR: Conta-chave}

Languages are BCP-47 tags (``ja``, ``pt-BR``, ``zh-Hant``), kept in their canonical spelling (``pt_br``
is ``pt-BR``).  :meth:`Text.get` falls back from a missing language to the one it narrows (``pt`` for
``pt-BR``), then to English, then to the first language the text has.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import Suggestion
from ..i18n import SOURCE_LANG, languages

_TAG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|[0-9]{3}))?$")


def language_tag(code: str) -> str | None:
    """The canonical BCP-47 spelling of ``code`` (``pt_br`` -> ``pt-BR``), or None if it is not shaped like
    one (a language, an optional script and an optional region)."""
    m = _TAG_RE.match(code.strip())
    if not m:
        return None
    lang, script, region = m.groups()
    return "-".join(p for p in (lang.lower(), script and script.title(), region and region.upper()) if p)


@functools.cache
def _language_names() -> dict[str, str]:
    """CLDR's languages: lower-cased English name (and code) -> code (Babel's data, read on first use)."""
    from babel import Locale

    cldr: dict[str, str] = {str(code): str(name) for code, name in Locale("en").languages.items()}
    names = {code.lower(): code for code in cldr if "_" not in code}
    names.update({name.lower(): code for code, name in cldr.items() if "_" not in code})
    return names


def known_language(code: str) -> str | None:
    """The canonical tag of ``code`` if it names a language (CLDR knows its language subtag), else None."""
    tag = language_tag(code)
    if tag is None:
        return None
    if tag.split("-")[0] in {SOURCE_LANG, *(language_tag(lang) or lang for lang in languages())}:
        return tag
    return tag if tag.split("-")[0] in _language_names().values() else None


def suggest_language(code: str, candidates: Iterable[str] = ()) -> str | None:
    """A language tag the user may have meant by ``code``: ``chinese``, ``cn`` or ``zn`` -> ``zh``."""
    key = code.strip().lower()
    names = _language_names()
    if key in names and not language_tag(key):
        return names[key]
    if len(key) == 2:  # a country code: its language (``cn`` -> ``zh``, ``jp`` -> ``ja``)
        from babel.languages import get_official_languages

        official = get_official_languages(key.upper())
        if official:
            return language_tag(official[0]) or official[0]
    # one letter off a language in use; the same first letter first (``zn`` is ``zh`` rather than ``en``)
    near = [lang for lang in dict.fromkeys([SOURCE_LANG, *candidates, *languages()])
            if len(lang) == len(key) and sum(a != b for a, b in zip(lang.lower(), key, strict=True)) == 1]
    if near:
        return min(near, key=lambda lang: lang[:1].lower() != key[:1])
    best = Suggestion([n for n in names if len(n) > 3]).best(key)
    return names[best] if best else None


class Text(Mapping[str, str]):
    """A text in one or more languages: a read-only, hashable mapping of language tag -> text.

    ``Text("Key account", "关键客户")`` is the English/Chinese shortcut; ``Text.of({"en": ..., "ja": ...})``
    takes any languages.  ``text.get(lang)`` never fails (see the module).  Two texts are equal when they
    read the same in every language: empty texts, and translations that repeat the English text they would
    fall back to, are left out (``Text("VIP", "VIP") == Text("VIP")``).
    """

    __slots__ = ("_texts",)
    _texts: tuple[tuple[str, str], ...]

    def __init__(self, en: str = "", zh: str = "") -> None:
        object.__setattr__(self, "_texts", _pairs({"en": en, "zh": zh}))

    @classmethod
    def of(cls, texts: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> Text:
        """A text from ``{language: text}`` (or pairs); raises ValueError for a key that is not a language tag."""
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_texts", _pairs(texts))
        return obj

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Text is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text.of, (self._texts,))

    def __getitem__(self, lang: str) -> str:
        tag = language_tag(lang) if isinstance(lang, str) else None
        for key, text in self._texts:
            if key == tag:
                return text
        raise KeyError(lang)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __hash__(self) -> int:
        return hash(frozenset(self._texts))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return frozenset(self._texts) == frozenset(other._texts)
        return super().__eq__(other)

    def get(self, lang: str = SOURCE_LANG, default: str = "") -> str:  # type: ignore[override]
        """The text in ``lang``; else in the language ``lang`` narrows (``pt`` for ``pt-BR``); else in
        English; else in the first language it has; ``default`` for an empty text."""
        if not self._texts:
            return default
        tag = (language_tag(lang) if isinstance(lang, str) else None) or SOURCE_LANG
        wanted = [tag]
        while "-" in tag:  # zh-Hant-TW, zh-Hant, zh
            tag = tag.rsplit("-", 1)[0]
            wanted.append(tag)
        for want in (*wanted, SOURCE_LANG):
            for key, text in self._texts:
                if key == want:
                    return text
        return self._texts[0][1]

    @property
    def en(self) -> str:
        """The English text (or the fallback, see :meth:`get`)."""
        return self.get("en")

    @property
    def zh(self) -> str:
        """The Chinese text (or the fallback, see :meth:`get`)."""
        return self.get("zh")

    def __str__(self) -> str:
        return self.get(SOURCE_LANG)

    def __repr__(self) -> str:
        if set(self) <= {"en", "zh"} and "zh" in self:
            return f"Text(en={self.get('en')!r}, zh={self['zh']!r})" if "en" in self else f"Text(zh={self['zh']!r})"
        if set(self) <= {"en"}:
            return f"Text({self.get('en')!r})"
        return f"Text.of({dict(self._texts)!r})"


def _pairs(texts: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, str], ...]:
    """Canonical (language, text) pairs, English first, empty texts left out."""
    items = texts.items() if isinstance(texts, Mapping) else texts
    out: dict[str, str] = {}
    for key, value in items:
        tag = language_tag(key) if isinstance(key, str) else None
        if tag is None:
            raise ValueError(f"{key!r} is not a language tag (e.g. en, zh, ja, pt-BR)")
        if value is not None and str(value) != "":
            out.setdefault(tag, str(value))
    english = out.pop(SOURCE_LANG, None)
    if english is not None:  # a translation that says what English says is the fallback anyway
        out = {tag: text for tag, text in out.items()
               if text != english or any(tag.startswith(f"{other}-") for other in out)}
    return (*([(SOURCE_LANG, english)] if english is not None else []), *out.items())
