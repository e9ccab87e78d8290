"""One error tree for tierkit.

Every user-facing error derives from :class:`TierkitError` and carries the context a user
needs to fix the problem (file, sheet, cell/column, rule/segment, line).  ``str(err)`` is a
single line suitable for the CLI (exit code 2) and for an Excel alert/cell.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


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

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            loc = str(self.file)
            if self.line:
                loc += f":{self.line}"
            parts.append(loc)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.cell:
            parts.append(f"cell {self.cell}")
        elif self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


class TierkitError(Exception):
    """Base class of every error tierkit raises on purpose (user mistakes and bad input)."""

    exit_code = 2

    def __init__(self, message: str, *, where: Where | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where or Where()
        self.hint = hint
        super().__init__(self.format())

    def format(self) -> str:
        text = self.message
        loc = self.where.describe()
        if loc:
            text += f" ({loc})"
        if self.hint:
            text += f"; {self.hint}"
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
    return f"did you mean '{best}'?" if best else None


def display_path(path: str | Path) -> str:
    """A path as the user would recognise it: relative to the cwd when below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
