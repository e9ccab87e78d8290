"""One error tree for tierkit.

Every user-facing error derives from :class:`TierkitError` and carries the context a user
needs to fix the problem (file, sheet, cell/column, rule/segment, line).  ``str(err)`` is a
single line suitable for the CLI (exit code 2) and for an Excel alert/cell.

Messages are lazy: ``raise DataError(msg("column '{col}' holds text", col=c), where=...)`` keeps the
English message id and its named values, so that the boundary (the CLI's ``run_safely``, the add-in's
error cells, the trainer kit) shows it in the user's language with :meth:`TierkitError.render`; ``str(err)``
stays the English text.  ``scripts/i18n.py`` extracts the ids of ``msg(...)`` and ``msg_n(...)``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import join, list_sep, tr, tr_n


class Msg(str):
    """A message that is its English text (a ``str``, so it prints, compares and joins as before) and
    remembers its message id and values, to be shown in another language with :meth:`render`.

    A value that is itself a :class:`Msg` (or an error) is rendered in the same language."""

    msgid: str
    plural: str | None
    values: dict[str, Any]

    def __new__(cls, msgid: str, values: dict[str, Any], plural: str | None = None) -> Msg:
        english = plural if plural is not None and values.get("n") != 1 else msgid
        obj = super().__new__(cls, english.format(**values) if values else english)
        obj.msgid, obj.plural, obj.values = msgid, plural, values
        return obj

    def render(self, lang: str) -> str:
        """The message in ``lang`` (English, or a language without this message: the English text)."""
        values = {k: render(v, lang) for k, v in self.values.items()}
        if self.plural is not None:
            return tr_n(lang, self.msgid, self.plural, int(values.pop("n")), **values)
        return tr(lang, self.msgid, **values)

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (process pools) keep the message id
        return (Msg, (self.msgid, self.values, self.plural))


def msg(msgid: str, /, **values: Any) -> Msg:
    """A translatable message: ``msgid`` is the English text with ``{name}`` placeholders filled from
    ``values`` (must be a string literal, so that ``scripts/i18n.py`` finds it)."""
    return Msg(msgid, values)


def msg_n(singular: str, plural: str, n: int, /, **values: Any) -> Msg:
    """Like :func:`msg`, with a singular and a plural form chosen by ``n`` (``{n}`` is filled in too)."""
    return Msg(singular, {"n": n, **values}, plural)


def render(value: Any, lang: str) -> Any:
    """``value`` for a user of ``lang``: a :class:`Msg` or an error rendered, anything else as it is."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, TierkitError):
        return value.render(lang)
    if isinstance(value, Exception) and len(value.args) == 1 and isinstance(value.args[0], Msg):
        return value.args[0].render(lang)  # e.g. ValueError(msg("a list of numbers")) caught and shown
    if isinstance(value, _Joined):
        return join(lang, value)
    return value




@dataclass(frozen=True)
class Where:
    """Where something went wrong.  Every field is optional."""

    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    column: str | None = None
    segment: str | None = None
    rule_set: str | None = None

    def describe(self, lang: str = "en") -> str:
        """``file:line, sheet 'S', cell B4`` (or ``column 'C'``), in ``lang``."""
        parts: list[str] = []
        if self.file:
            loc = str(render(self.file, lang))
            if self.line:
                loc += f":{self.line}"
            parts.append(loc)
        if self.sheet:
            parts.append(tr(lang, "sheet '{sheet}'", sheet=self.sheet))
        if self.cell:
            parts.append(tr(lang, "cell {cell}", cell=self.cell))
        elif self.column:
            parts.append(tr(lang, "column '{column}'", column=self.column))
        return list_sep(lang).join(parts)


class TierkitError(Exception):
    """Base class of every error tierkit raises on purpose (user mistakes and bad input)."""

    exit_code = 2

    def __init__(self, message: str, *, where: Where | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where or Where()
        self.hint = hint
        super().__init__(self.format())

    def format(self) -> str:
        """The one-line English message (``str(err)``)."""
        return self.render("en")

    def render(self, lang: str) -> str:
        """The one-line message in ``lang``: what went wrong, where, and the hint.  Parts given as plain
        strings (not :func:`msg`) stay as written."""
        text = str(render(self.message, lang))
        loc = self.where.describe(lang)
        if loc:
            text += tr(lang, " ({location})", location=loc)
        if self.hint:
            text += tr(lang, "; {hint}", hint=render(self.hint, lang))
        return text

    def __str__(self) -> str:
        return self.format()


class RuleFileError(TierkitError, ValueError):
    """A rule file (YAML or Rules sheet) is malformed or refers to something that does not exist."""


class UnsupportedExpression(RuleFileError):
    """An expression uses a rule-engine construct the compiled backend does not support."""


class DataError(TierkitError, ValueError):
    """The input table has a problem: a cell that cannot be read as its declared type, a missing column."""


class InputFileError(TierkitError, OSError):
    """The input file cannot be used: missing, wrong format, password-protected, corrupt."""


class OverlapError(TierkitError):
    """Under the ``unique`` hit policy a row matched more than one segment."""


class OutputExistsError(TierkitError, FileExistsError):
    """The output file exists and ``--force`` was not given."""


@dataclass
class Suggestion:
    """A did-you-mean helper."""

    candidates: Iterable[str] = field(default_factory=list)

    def best(self, name: str) -> str | None:
        matches = difflib.get_close_matches(name, list(self.candidates), n=1, cutoff=0.6)
        if not matches:
            lowered = {c.lower(): c for c in self.candidates}
            matches = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
            return lowered[matches[0]] if matches else None
        return matches[0]


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Return ``"did you mean 'x'?"`` for the closest candidate, or None."""
    best = Suggestion(candidates).best(name)
    return msg("did you mean '{name}'?", name=best) if best else None


def listing(items: Iterable[Any]) -> _Joined:
    """Names as a message value, joined by ``, `` (``、`` in Chinese): ``msg("use {names}", names=listing(x))``."""
    return _Joined(str(i) for i in items)


class _Joined(list[str]):
    """A list of names that a :class:`Msg` joins in the language it is rendered in."""

    def __format__(self, spec: str) -> str:
        return ", ".join(self)


def display_path(path: str | Path) -> str:
    """A path as the user would recognise it: relative to the cwd when below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
