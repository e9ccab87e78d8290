"""One message catalogue for every text tierkit shows: gettext catalogues per language.

English is the source language: a message id *is* the English text, with ``{name}`` placeholders.  Each
other language is one file, ``tierkit/locale/<lang>/LC_MESSAGES/tierkit.po`` (compiled to ``.mo`` by
``python scripts/i18n.py``), so a third language is a file, not code::

    >>> tr("zh", "no segment matched")
    '未命中任何层级'
    >>> tr("en", "{n} rows", n=3)
    '3 rows'

More catalogues can live outside the package: the folders in ``$TIERKIT_LOCALE_PATH`` (separated like
``PATH``) are searched before the built-in one, each laid out as ``<folder>/<lang>/LC_MESSAGES/tierkit.mo``.
A message a catalogue lacks comes from the next folder's, then in English.  See docs/translating.md.

Messages with a context (the same English word meaning two things) use :func:`trc`; ``tr_n`` picks the
plural form.  Catalogues are loaded with the standard library's :mod:`gettext` on first use (Babel, which
``scripts/i18n.py`` and the tests use to extract and compile, is not imported at run time).
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path
from typing import Any

DOMAIN = "tierkit"
SOURCE_LANG = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: folders of extra catalogues, searched before :data:`LOCALE_DIR` (``os.pathsep``-separated)
LOCALE_PATH_ENV = "TIERKIT_LOCALE_PATH"


def locale_dirs() -> tuple[Path, ...]:
    """The folders catalogues are read from: those of ``$TIERKIT_LOCALE_PATH``, then the built-in one."""
    extra = os.environ.get(LOCALE_PATH_ENV, "")
    return (*(Path(p) for p in extra.split(os.pathsep) if p.strip()), LOCALE_DIR)


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages tierkit speaks: English and every language with a compiled catalogue."""
    found = {p.parent.parent.name for folder in locale_dirs() for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return (SOURCE_LANG, *sorted(found - {SOURCE_LANG}))


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English, or an unknown language: the messages as written).

    ``pt-BR`` is looked up as ``pt_BR`` (gettext's spelling); each folder's catalogue falls back to the
    next one's."""
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    found: list[gettext.NullTranslations] = []
    for folder in locale_dirs():
        try:
            found.append(gettext.translation(DOMAIN, folder, languages=[lang.replace("-", "_")]))
        except OSError:
            continue
    if not found:
        return gettext.NullTranslations()
    first = found[0]
    for more in found[1:]:
        first.add_fallback(more)
    return first


def reload() -> None:
    """Read the catalogues again (after a change of ``$TIERKIT_LOCALE_PATH`` or of a ``.mo`` file)."""
    languages.cache_clear()
    catalogue.cache_clear()


def _fill(text: str, kwargs: dict[str, Any]) -> str:
    return text.format(**kwargs) if kwargs else text


def tr(lang: str, msgid: str, /, **kwargs: Any) -> str:
    """``msgid`` in ``lang``, its ``{placeholders}`` filled from ``kwargs``."""
    return _fill(catalogue(lang).gettext(msgid), kwargs)


def trc(lang: str, context: str, msgid: str, /, **kwargs: Any) -> str:
    """Like :func:`tr`, for a message whose English text means different things in different places."""
    return _fill(catalogue(lang).pgettext(context, msgid), kwargs)


def tr_n(lang: str, singular: str, plural: str, n: int, /, **kwargs: Any) -> str:
    """The singular or plural form for ``n`` (``{n}`` is filled in too)."""
    return _fill(catalogue(lang).ngettext(singular, plural, n), {"n": n, **kwargs})


def mark(context: str, msgid: str, /) -> str:
    """Mark a message for the catalogue where it is defined and translate it later with
    ``trc(lang, context, msgid)`` (e.g. a table of headers); returns ``msgid`` unchanged."""
    return msgid


def list_sep(lang: str) -> str:
    """How a list of words is joined: ``, `` in English, ``、`` in Chinese."""
    return trc(lang, "list separator", ", ")


def join(lang: str, items: Any) -> str:
    return list_sep(lang).join(str(i) for i in items)


__all__ = ["DOMAIN", "LOCALE_DIR", "LOCALE_PATH_ENV", "SOURCE_LANG", "catalogue", "join", "languages", "list_sep",
           "locale_dirs", "mark", "reload", "tr", "tr_n", "trc"]
