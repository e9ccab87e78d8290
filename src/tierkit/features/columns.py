"""Finding a feature's columns (the one header-matching rule of :mod:`tierkit.names`), and how sheet names
and flag words are compared."""

from __future__ import annotations

from tierkit.names import find_column


def norm(name: object) -> str:
    """``name`` without spaces and underscores, case-folded (how sheet names and flag words are compared;
    unlike header matching, punctuation counts: ``-`` is not a blank)."""
    return "".join(str(name).split()).replace("_", "").casefold()


__all__ = ["find_column", "norm"]
