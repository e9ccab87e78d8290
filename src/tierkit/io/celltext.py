"""Text hygiene shared by every writer: what may go into a CSV/xlsx cell or a PDF.

* :func:`clean_cell` drops NUL and the other C0 control characters (tab, LF and CR stay):
  they come from data (customer names, tier reason texts) and break Excel, XML and readers.
* :func:`fit_cell` also cuts text at Excel's limit of 32,767 characters per cell (counted
  as Excel counts them, in UTF-16 code units), ending it with a visible ``…``.
* :func:`strip_bidi` removes the bidirectional embedding, override and isolate controls
  (U+202A–U+202E, U+2066–U+2069) that can make a PDF show text in another order than it holds.
"""

from __future__ import annotations

import re

#: Excel's limit of characters in one cell
CELL_LIMIT = 32_767
#: what ends a cell's text that was cut at :data:`CELL_LIMIT`
CUT_MARKER = "…"

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_cell(text: str) -> str:
    """``text`` without C0 control characters other than tab, line feed and carriage return.

    >>> clean_cell("A\\x00B\\tC\\x1b")
    'AB\\tC'
    """
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def fit_cell(text: str, limit: int = CELL_LIMIT) -> str:
    """:func:`clean_cell`, then cut to at most ``limit`` UTF-16 code units, the last being ``…``.

    >>> fit_cell("abcdef", limit=4)
    'abc…'
    """
    text = clean_cell(text)
    if len(text) <= limit // 2 or _utf16_len(text) <= limit:
        return text
    budget = limit - _utf16_len(CUT_MARKER)
    used, end = 0, 0
    for end, ch in enumerate(text):  # noqa: B007 - end is the cut point
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            break
    return text[:end] + CUT_MARKER


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional embedding/override/isolate controls.

    >>> strip_bidi("ACME \\u202eLtd\\u202c")
    'ACME Ltd'
    """
    return _BIDI.sub("", text) if _BIDI.search(text) else text


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
