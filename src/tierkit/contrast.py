"""Text colour for a coloured cell: black or white, whichever contrasts more with the fill (WCAG 2).

The contrast ratio of two colours is ``(L1 + 0.05) / (L2 + 0.05)`` of their relative luminances
(https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).  For any fill the better of black and white
reaches at least ``sqrt(1.05 / 0.05) = 4.58:1`` (the two tie where ``(L + 0.05)² = 1.05 × 0.05``), above the
4.5:1 that WCAG AA asks of normal text, so one of them is always enough.
"""

from __future__ import annotations

import functools
import re

BLACK = "#000000"
WHITE = "#FFFFFF"
#: WCAG AA's minimum contrast for normal text
AA = 4.5

_HEX = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3}|[0-9A-Fa-f]{8})")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB``, ``#RGB`` or ``AARRGGBB`` (Excel's ARGB) -> (r, g, b) in 0..255."""
    m = _HEX.fullmatch(colour.strip())
    if not m:
        raise ValueError(f"not a colour: {colour!r} (expected '#RRGGBB')")
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) == 8:
        h = h[2:]
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of a colour: 0 for black, 1 for white."""
    r, g, b = (_channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


@functools.lru_cache(maxsize=1024)
def text_colour_for(fill_hex: str) -> str:
    """``#000000`` or ``#FFFFFF``: the text colour that contrasts more with ``fill_hex`` (at least 4.5:1).

    >>> text_colour_for("#1b5e20"), text_colour_for("#f9a825")
    ('#FFFFFF', '#000000')
    """
    return WHITE if contrast(fill_hex, WHITE) > contrast(fill_hex, BLACK) else BLACK


__all__ = ["AA", "BLACK", "WHITE", "contrast", "luminance", "rgb", "text_colour_for"]
