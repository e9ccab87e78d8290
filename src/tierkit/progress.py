"""Progress of long runs: the code doing the work says what it is doing; whoever listens shows it.

The engine, the io layer, the briefs and the trainer kit call :func:`phase` (or :func:`track`) around slow
steps; nothing is shown unless a :class:`Reporter` was installed with :func:`reporting` for the current
context.  The CLI installs a terminal one (``tierkit.clikit``, with rich) while a command runs on a
terminal without ``--quiet``; the add-in and library callers get the silent default.  This module imports
only the standard library, so the core stays free of any display code.

>>> with phase(mark("progress", "reading {name}"), name="customers.xlsx"):
...     table = read()
>>> for path in track(files, mark("progress", "grading the workbooks")):
...     grade(path)

Labels are catalogue message ids in the context ``"progress"`` (``mark("progress", ...)``); the reporter
translates them into the command's ``--lang`` and fills ``{placeholders}`` from the keyword arguments.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

#: the catalogue context of progress labels
CONTEXT = "progress"


class Reporter(Protocol):
    """What a progress display implements; ``key`` identifies one phase from :meth:`begin` to :meth:`end`."""

    def begin(self, key: int, label: str, fields: dict[str, Any], total: int | None) -> None: ...

    def update(self, key: int, done: int, total: int | None) -> None: ...

    def end(self, key: int) -> None: ...


class Silent:
    """The default reporter: shows nothing."""

    def begin(self, key: int, label: str, fields: dict[str, Any], total: int | None) -> None:
        pass

    def update(self, key: int, done: int, total: int | None) -> None:
        pass

    def end(self, key: int) -> None:
        pass


SILENT = Silent()
_current: ContextVar[Reporter] = ContextVar("tierkit_progress", default=SILENT)
_keys = itertools.count(1)


def current() -> Reporter:
    """The reporter of the current context (:data:`SILENT` unless :func:`reporting` installed one)."""
    return _current.get()


def active() -> bool:
    """Is anyone listening?  (Lets a caller skip work done only to report progress.)"""
    return _current.get() is not SILENT


@contextlib.contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Send the progress of everything run inside the block (in this thread or task) to ``reporter``."""
    token = _current.set(reporter)
    try:
        yield reporter
    finally:
        _current.reset(token)


class Step:
    """One phase under way: count its units of work with :meth:`advance` or :meth:`update`."""

    def __init__(self, reporter: Reporter, key: int, total: int | None) -> None:
        self._reporter = reporter
        self._key = key
        self.total = total
        self.done = 0

    def advance(self, steps: int = 1) -> None:
        self.update(self.done + steps)

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` units of ``total`` (or of the total given to :func:`phase`)."""
        self.done = done
        if total is not None:
            self.total = total
        self._reporter.update(self._key, done, self.total)


@contextlib.contextmanager
def phase(label: str, total: int | None = None, **fields: Any) -> Iterator[Step]:
    """Report a phase (``label``: a message id in the context ``"progress"``) while the block runs;
    ``total`` units when known, else the phase shows as under way."""
    reporter = _current.get()
    key = next(_keys)
    reporter.begin(key, label, fields, total)
    try:
        yield Step(reporter, key, total)
    finally:
        reporter.end(key)


def track(items: Iterable[T], label: str, total: int | None = None, **fields: Any) -> Iterator[T]:
    """Yield ``items``, reporting one unit per item (``total``: ``len(items)`` when it has one)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with phase(label, total, **fields) as step:
        for item in items:
            yield item
            step.advance()
