"""A tiny SVG writer for the charts: shapes and text in points, escaped, with text widths estimated ahead.

Charts are laid out by hand, so a label is never placed where another one is: every width comes from
:func:`text_width`, the advance widths of DejaVu Sans (the Latin face of the briefs; Noto Sans CJK's Latin is
narrower, so the estimate errs on the wide side) and one em for each wide East Asian character.  Nothing
here imports anything heavy: a pack's charts take milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

#: fonts of chart text: the brief's Latin face first, or the simplified-Chinese one for CJK charts (so that
#: the PDF shows simplified glyph forms: WeasyPrint takes the first family that has the glyph)
LATIN_FONTS = "DejaVu Sans, Noto Sans CJK SC, sans-serif"
CJK_FONTS = "Noto Sans CJK SC, DejaVu Sans, sans-serif"
#: advance widths (1/1000 em) of DejaVu Sans for printable ASCII, from U+0020
_ASCII = (318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
          636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
          295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
          500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
          392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838)
_OTHER = 700  # any other narrow character (accented letters, symbols): a little wider than the average letter
#: characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
ELLIPSIS = "…"


def is_wide(ch: str) -> bool:
    """Whether a character takes a full em (CJK ideographs, kana, hangul, full-width forms)."""
    return unicodedata.east_asian_width(ch) in "WF"


def has_cjk(texts: Iterable[str]) -> bool:
    return any(is_wide(ch) for text in texts for ch in text)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The printed width of ``text`` at ``size`` points (an estimate that errs on the wide side)."""
    units = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            units += _ASCII[code - 32]
        elif is_wide(ch) or ch == "·":   # Noto Sans CJK's middle dot is a full em
            units += 1000
        elif unicodedata.combining(ch):
            continue
        else:
            units += _OTHER
    return units * size / 1000 * (1.08 if bold else 1.0)


def fit(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """``text`` cut to ``width`` points, ending in ``…`` when cut."""
    text = clean(text)
    if text_width(text, size, bold=bold) <= width:
        return text
    room = width - text_width(ELLIPSIS, size, bold=bold)
    out = []
    used = 0.0
    for ch in text:
        used += text_width(ch, size, bold=bold)
        if used > room:
            break
        out.append(ch)
    return "".join(out).rstrip() + ELLIPSIS


def clean(text: str) -> str:
    """Text as one line an SVG can hold: XML-invalid characters dropped, line breaks as spaces."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def color(value: str, default: str = "#90a4ae") -> str:
    """A ``#rrggbb`` colour, or ``default`` for anything else (nothing but a colour reaches an attribute)."""
    return value if isinstance(value, str) and _COLOR.match(value) else default


def num(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Svg:
    """An SVG document being drawn: ``width`` x ``height`` points; :meth:`text` escapes what it is given."""

    def __init__(self, width: float, height: float, *, cjk: bool = False) -> None:
        self.width, self.height = width, height
        self.fonts = CJK_FONTS if cjk else LATIN_FONTS
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *, opacity: float | None = None,
             stroke: str | None = None, stroke_width: float = 0.6) -> None:
        attrs = f'x="{num(x)}" y="{num(y)}" width="{num(max(w, 0.0))}" height="{num(max(h, 0.0))}" fill="{fill}"'
        if opacity is not None:
            attrs += f' fill-opacity="{num(opacity)}"'
        if stroke:
            attrs += f' stroke="{stroke}" stroke-width="{num(stroke_width)}"'
        self.parts.append(f"<rect {attrs}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 0.6, *,
             dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}" '
                          f'stroke-width="{num(width)}"{extra}/>')

    def polyline(self, points: Iterable[tuple[float, float]], stroke: str, width: float = 1.0, *,
                 dash: str | None = None) -> None:
        pts = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{stroke}" stroke-width="{num(width)}" '
                          f'stroke-linejoin="round"{extra}/>')

    def polygon(self, points: Iterable[tuple[float, float]], fill: str) -> None:
        pts = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.parts.append(f'<polygon points="{pts}" fill="{fill}"/>')

    def circle(self, x: float, y: float, r: float, fill: str) -> None:
        self.parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{fill}"/>')

    def text(self, x: float, y: float, text: str, size: float, fill: str, *, anchor: str = "start",
             bold: bool = False) -> None:
        """``text`` with its baseline at ``y``; ``anchor``: ``start``, ``middle`` or ``end`` at ``x``."""
        body = clean(text)
        if not body:
            return
        attrs = f'x="{num(x)}" y="{num(y)}" font-size="{num(size)}" fill="{fill}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        self.parts.append(f"<text {attrs}>{escape(body)}</text>")

    def render(self) -> str:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(self.width)}pt" height="{num(self.height)}pt" '
                f'viewBox="0 0 {num(self.width)} {num(self.height)}" font-family={quoteattr(self.fonts)}>')
        return head + "".join(self.parts) + "</svg>"
