"""Header-row detection and header-text clean-up."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

from .table import column_letter

SCAN_ROWS = 30
_UNIQUE_SUFFIX = re.compile(r" \(\d+\)$")


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def detect_header(rows: Sequence[Sequence[object]]) -> int | None:
    """Index (0-based, within ``rows``) of the header row, or None.

    The header is the first row among the first 30 in which most non-empty cells hold text
    and which is at least half as wide as the widest of those rows (so a title line above
    the table is skipped).
    """
    head = list(rows[:SCAN_ROWS])
    counts = []
    for row in head:
        filled = [v for v in row if not _blank(v)]
        text = sum(1 for v in filled if isinstance(v, str))
        counts.append((len(filled), text))
    widest = max((n for n, _ in counts), default=0)
    if widest == 0:
        return None
    for i, (n, text) in enumerate(counts):
        if n and text * 2 > n and n * 2 >= widest and (n >= 2 or widest == 1):
            return i
    return None


def header_text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value).strip()


def make_headers(values: Sequence[object], first_col: int) -> list[str]:
    """Header texts: stripped; blank -> ``Column_<letter>``; duplicates -> ``Name (2)``."""
    names = [header_text(v) or f"Column_{column_letter(first_col + i)}" for i, v in enumerate(values)]
    return unique_names(names)


def duplicate_headers(values: Sequence[object], letters: Sequence[str]) -> dict[str, list[str]]:
    """Header texts that appear more than once -> the letters of their columns (``{"销售额": ["C", "F"]}``);
    :func:`make_headers` names the repeats ``销售额 (2)``, so the original text is kept here."""
    where: dict[str, list[str]] = {}
    for value, letter in zip(values, letters, strict=True):
        text = header_text(value)
        if text:
            where.setdefault(text, []).append(letter)
    return {text: cols for text, cols in where.items() if len(cols) > 1}


def unique_names(names: Sequence[str]) -> list[str]:
    taken = set(names)
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        if name not in seen:
            seen[name] = 1
            out.append(name)
            continue
        k = seen[name]
        while True:
            k += 1
            candidate = f"{name} ({k})"
            if candidate not in taken:
                break
        seen[name] = k
        taken.add(candidate)
        out.append(candidate)
    return out


def header_key(name: object) -> str:
    """The key under which a writer recognises a tier column it replaces: the header text
    without surrounding spaces and without the `` (2)`` that :func:`unique_names` gives a
    repeated header, case-folded.

    Deliberately stricter than ``tierkit.bind.normalise_header`` (which maps punctuation to
    ``_`` and drops letters outside a-z and CJK): a match here overwrites the column, so a
    user's ``Tier_ID`` or ``Ранг`` must never be taken for tierkit's ``Tier ID``.
    """
    return _UNIQUE_SUFFIX.sub("", str(name).strip()).casefold()
