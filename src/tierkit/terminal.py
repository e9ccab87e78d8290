"""The CLI's progress display: the phases of a long run on stderr, with rich.

:class:`TerminalProgress` is a :class:`tierkit.progress.Reporter`.  Nothing shows during the first
``delay`` seconds of a command (2 s: a quick run stays silent); after that, the phases under way show
one line each (spinner, label, bar or count, elapsed time) until they end, and the lines are erased
(transient), so what the command prints afterwards reads as it would without them.  rich is imported
only when the display first shows.  :func:`tierkit.clikit.run_safely` installs it for a command when
stderr is a terminal and ``--quiet`` is not given; ``$TIERKIT_PROGRESS_DELAY`` (seconds) changes the
delay (the tests use 0).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import IO, Any

from .i18n import trc
from .progress import CONTEXT

DELAY_ENV = "TIERKIT_PROGRESS_DELAY"
DEFAULT_DELAY = 2.0
#: a phase of at most this many units shows ``done/total``, a larger one its percentage
COUNTED = 10_000


def delay_from_env() -> float:
    """``$TIERKIT_PROGRESS_DELAY`` in seconds (:data:`DEFAULT_DELAY` when unset or not a number)."""
    try:
        return max(0.0, float(os.environ.get(DELAY_ENV, DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


class TerminalProgress:
    """Shows the phases reported to it on ``file`` (stderr) once the run has lasted ``delay`` seconds."""

    def __init__(self, lang: str = "en", *, delay: float = DEFAULT_DELAY, file: IO[str] | None = None) -> None:
        self.lang = lang
        self.delay = delay
        self.file = file if file is not None else sys.stderr
        self._started = time.monotonic()
        self._lock = threading.RLock()
        self._phases: dict[int, list[Any]] = {}  # key -> [text, done, total]
        self._tasks: dict[int, Any] = {}  # key -> rich TaskID while shown
        self._display: Any = None  # a rich Progress while shown
        self._timer: threading.Timer | None = None
        self._closed = False

    def begin(self, key: int, label: str, fields: dict[str, Any], total: int | None) -> None:
        text = trc(self.lang, CONTEXT, label, **fields)  # i18n: marked
        with self._lock:
            self._phases[key] = [text, 0, total]
            if self._display is not None:
                self._add(key)
            elif self._timer is None and not self._closed:
                wait = self._started + self.delay - time.monotonic()
                if wait <= 0:
                    self._show()
                else:
                    self._timer = threading.Timer(wait, self._show)
                    self._timer.daemon = True
                    self._timer.start()

    def update(self, key: int, done: int, total: int | None) -> None:
        with self._lock:
            phase = self._phases.get(key)
            if phase is None:
                return
            phase[1], phase[2] = done, total
            if key in self._tasks:
                self._display.update(self._tasks[key], completed=done, total=total)

    def end(self, key: int) -> None:
        with self._lock:
            self._phases.pop(key, None)
            task = self._tasks.pop(key, None)
            if self._display is not None:
                if task is not None:
                    self._display.remove_task(task)
                if not self._phases:
                    self._hide()

    def close(self) -> None:
        """Stop the timer and erase the display (the command is over)."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._hide()

    @property
    def shown(self) -> bool:
        return self._display is not None

    def _show(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed or self._display is not None or not self._phases:
                return
            self._display = _rich_progress(self.file)
            for key in self._phases:
                self._add(key)
            self._display.start()

    def _add(self, key: int) -> None:
        text, done, total = self._phases[key]
        self._tasks[key] = self._display.add_task(text, completed=done, total=total)

    def _hide(self) -> None:
        if self._display is not None:
            display, self._display = self._display, None
            self._tasks.clear()
            display.stop()


def _rich_progress(file: IO[str]) -> Any:
    """A transient rich ``Progress`` on ``file``: spinner, label, bar, ``done/total`` (a percentage for large
    totals, ``done`` without one), elapsed time."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Task) -> Text:
            done = int(task.completed)
            if task.total is not None and task.total > COUNTED:  # bytes, rows: a share
                return Text(f"{task.percentage:3.0f}%")
            if task.total is not None:  # pages, students: a count
                return Text(f"{done:,}/{int(task.total):,}")
            return Text(f"{done:,}" if done else "")

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Count(), TimeElapsedColumn(),
                    console=Console(file=file), transient=True, redirect_stdout=False, redirect_stderr=False)
