"""How wide a text is where characters are set in a grid: a terminal, an Excel column, a fixed-pitch page.

East Asian wide and full-width characters (CJK ideographs, kana, hangul, ``，`` ``（``) take two cells, every
other character one.  One definition for the CLI's tables, help wrapping, summary sheet column widths, the
exercise workbooks and the rule-file line mapping.
"""

from __future__ import annotations

import unicodedata


def is_wide(ch: str) -> bool:
    """Whether ``ch`` takes two cells (East Asian width W or F)."""
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(text: str) -> int:
    """Cells ``text`` takes: wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def has_wide(text: str) -> bool:
    """Whether ``text`` holds any wide character (a script that takes about twice the room per character)."""
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def pad(text: str, cells: int) -> str:
    """``text`` padded with spaces to ``cells`` display cells (left-aligned; longer texts are left as they are)."""
    return text + " " * max(cells - display_width(text), 0)
