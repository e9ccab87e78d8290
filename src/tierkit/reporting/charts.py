"""The briefs' charts, drawn as small SVG documents in the segment colours (see :mod:`.svg`).

Hand-built rather than matplotlib: a pack's charts take milliseconds instead of a second (and matplotlib's
import), every label is placed where the layout reserved room for it (no label covers another, or a bar),
and the SVG holds a few dozen nodes that WeasyPrint draws quickly.  Text stays text (searchable, embedded
by WeasyPrint in the page's fonts); a chart with CJK text (``zh``, or CJK labels) names Noto Sans CJK SC
first, so the PDF shows simplified-Chinese glyph forms.

* :func:`tier_bars`: the cover's share of customers and share of value per tier, a legend in neutral
  greys above the bars (it matches every tier's pair of bars and covers none);
* :func:`pareto_curve`: cumulative share of value against the share of customers, 80/20 marked;
* :func:`differs`: one small panel per key field, this tier against all other customers, each panel on its
  own scale and titled with the field, its statistic (median or average) and its unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..i18n import mark, trc
from .fmt import Formatter
from .svg import Svg, color, fit, has_cjk, text_width

GREY = "#90a4ae"
INK = "#263238"
MUTED = "#607d8b"
REST = "#cfd8dc"
AXIS = "#b0bec5"
GRID = "#eceff1"
#: the legend's swatches: one neutral grey for the solid bars, its light outlined form for the value bars
LEGEND = "#78909c"
#: languages (of a Babel locale) whose charts are CJK text, whatever their labels
CJK_LANGS = ("zh", "ja", "ko")
#: printed widths (pt) the charts are drawn at: the page's text width, and the right half of a tier's top row
PAGE_WIDTH = 516.0
HALF_WIDTH = 244.0
#: the statistics a comparison panel may show, as its title names them
STATS = {"median": mark("brief", "median"), "mean": mark("brief", "average")}
#: a panel's title: the field, its unit when it has one, and the statistic
PANEL = mark("brief", "{field} · {stat}")
PANEL_UNIT = mark("brief", "{field} ({unit}) · {stat}")


@dataclass(frozen=True)
class Bar:
    """One tier on the cover's bar chart."""

    label: str
    color: str
    share: float  # of customers
    value_share: float | None  # of the measure


@dataclass(frozen=True)
class Diff:
    """One key field: the tier's statistic against the same statistic of all other customers.

    ``tier_text`` / ``rest_text`` are the values as the brief prints them (the field's format); empty: the
    chart formats the numbers itself.  ``stat`` is a key of :data:`STATS`; ``unit`` is printed after the
    field's label when given ("days", "orders")."""

    label: str
    tier: float
    rest: float
    stat: str = "median"
    unit: str = ""
    tier_text: str = ""
    rest_text: str = ""


def _cjk(fmt: Formatter, texts: Sequence[str] = ()) -> bool:
    return str(fmt.locale).split("_")[0] in CJK_LANGS or has_cjk(texts)


def _step(top: float, most: int = 8) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most ``most`` intervals up to ``top``."""
    if top <= 0 or not math.isfinite(top):
        return 1.0
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def tier_bars(bars: Sequence[Bar], fmt: Formatter, words: dict[str, str]) -> str:
    """Share of customers (solid) and share of value (light, outlined) per tier, as horizontal bars, with
    their percentages after the bars and a legend above them."""
    labels = [b.label for b in bars]
    cjk = _cjk(fmt, labels)
    has_value = any(b.value_share is not None for b in bars)
    n = len(bars)
    label_size, value_size = 6.8, 5.4
    bar_h = 4.2 if has_value else 7.0
    gap, pad = 1.0, 2.0
    row = (2 * bar_h + gap if has_value else bar_h) + pad
    legend_h = 11.0 if has_value else 0.0
    axis_h = 10.0
    height = legend_h + n * row + axis_h + 2
    svg = Svg(PAGE_WIDTH, height, cjk=cjk)
    label_w = min(PAGE_WIDTH * 0.32, max((text_width(t, label_size) for t in labels), default=20.0))
    x0 = label_w + 6
    value_w = text_width(fmt.percent(1.0), value_size) + 4
    x1 = PAGE_WIDTH - value_w
    values = [b.share for b in bars] + [b.value_share or 0.0 for b in bars]
    top = max([v for v in values if math.isfinite(v)] or [0.0])
    step = _step(max(top, 0.05), 8)
    top = math.ceil(max(top, 0.05) / step - 1e-9) * step
    scale = (x1 - x0) / top
    y_top = legend_h
    y_axis = legend_h + n * row
    ticks = round(top / step)
    for i in range(ticks + 1):
        x = x0 + i * step * scale
        svg.line(x, y_top, x, y_axis, GRID if i else AXIS, 0.5)
        svg.text(x, y_axis + 8, fmt.percent(i * step, 0), 6.0, MUTED, anchor="middle")
    svg.line(x0, y_axis, x1, y_axis, AXIS, 0.6)
    for k, bar in enumerate(bars):
        fill = color(bar.color)
        y = y_top + k * row + pad / 2
        mid = y + (row - pad) / 2
        svg.text(x0 - 4, mid + label_size * 0.35, fit(bar.label, label_size, label_w), label_size, INK, anchor="end")
        share = max(bar.share, 0.0) if math.isfinite(bar.share) else 0.0
        svg.rect(x0, y, share * scale, bar_h, fill)
        svg.text(x0 + share * scale + 2, y + bar_h / 2 + value_size * 0.35, fmt.percent(bar.share), value_size, INK)
        if has_value:
            vs = bar.value_share if bar.value_share is not None and math.isfinite(bar.value_share) else 0.0
            yv = y + bar_h + gap
            svg.rect(x0, yv, max(vs, 0.0) * scale, bar_h, fill, opacity=0.35, stroke=fill, stroke_width=0.5)
            svg.text(x0 + max(vs, 0.0) * scale + 2, yv + bar_h / 2 + value_size * 0.35, fmt.percent(vs),
                     value_size, MUTED)
    if has_value:
        _legend(svg, x0, 7.5, [(words["chart_customers"], False), (words["chart_value"], True)])
    return svg.render()


def _legend(svg: Svg, x: float, baseline: float, items: Sequence[tuple[str, bool]]) -> None:
    """Swatches in :data:`LEGEND` grey (light and outlined when the flag is set) with their words."""
    size = 6.5
    for word, light in items:
        if light:
            svg.rect(x, baseline - 5.5, 9, 6, LEGEND, opacity=0.35, stroke=LEGEND, stroke_width=0.5)
        else:
            svg.rect(x, baseline - 5.5, 9, 6, LEGEND)
        svg.text(x + 12, baseline, word, size, INK)
        x += 12 + text_width(word, size) + 12


def pareto_curve(values: np.ndarray, fmt: Formatter, words: dict[str, str]) -> tuple[str, float | None]:
    """Cumulative share of value against share of customers ranked by value, with 80/20 marked.

    Returns the SVG and the share of customers that brings 80% of the value (None without value).
    """
    width, height = PAGE_WIDTH, 106.0
    left, right, top, bottom = 30.0, 12.0, 12.0, 22.0
    pw, ph = width - left - right, height - top - bottom
    svg = Svg(width, height, cjk=_cjk(fmt, [words["chart_cum_value"], words["chart_cum_customers"]]))

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * pw, top + (1 - y) * ph

    for i in range(6):
        v = i / 5
        svg.line(*at(0, v), *at(1, v), GRID if i else AXIS, 0.5)
        svg.text(left - 3, at(0, v)[1] + 2.2, fmt.percent(v, 0), 6.0, MUTED, anchor="end")
        svg.line(*at(v, 0), at(v, 0)[0], at(v, 0)[1] + 2.5, AXIS, 0.5)
        svg.text(at(v, 0)[0], at(v, 0)[1] + 10, fmt.percent(v, 0), 6.0, MUTED, anchor="middle")
    svg.line(*at(0, 0), *at(0, 1), AXIS, 0.6)
    svg.line(*at(0, 0), *at(1, 1), "#dfe5e8", 0.6)
    vals = np.clip(np.nan_to_num(np.asarray(values, dtype="float64"), nan=0.0, posinf=0.0, neginf=0.0), 0, None)
    total = float(vals.sum())
    n = len(vals)
    at80: float | None = None
    if n and total > 0 and math.isfinite(total):
        cum = np.concatenate([[0.0], np.cumsum(np.sort(vals)[::-1]) / total])
        x = np.arange(n + 1) / n
        idx = np.unique(np.linspace(0, n, min(n + 1, 300)).astype(int))
        points = [at(float(a), float(b)) for a, b in zip(x[idx], cum[idx], strict=True)]
        svg.polygon([at(0, 0), *points, at(1, 0)], "#e3f2fd")
        svg.polyline(points, "#1565c0", 1.4)
        k = int(np.searchsorted(cum, 0.8 - 1e-12))
        at80 = k / n
        svg.line(*at(0.2, 0), *at(0.2, 1), REST, 0.6, dash="1.5,1.5")
        svg.polyline([at(0, 0.8), at(at80, 0.8), at(at80, 0)], GREY, 0.7, dash="3,2")
        px, py = at(at80, 0.8)
        svg.circle(px, py, 2.0, INK)
        note = words["pareto_note"].format(top=fmt.percent(at80))
        if px + 6 + text_width(note, 7.0) <= width - right:   # right of the point, under the curve
            svg.text(px + 6, py + 10, note, 7.0, INK)
        else:   # left of it, above the dashed line, where the curve (below 80% there) is not
            svg.text(px - 6, py - 4, note, 7.0, INK, anchor="end")
    svg.text(left - 26, top - 5, words["chart_cum_value"], 7.0, INK)   # above the plot: the curve may run along 100%
    svg.text(left + pw / 2, height - 3, words["chart_cum_customers"], 7.0, INK, anchor="middle")
    return svg.render(), at80


def stat_word(lang: str, stat: str) -> str:
    """The name of a statistic (:data:`STATS`) in ``lang``."""
    return trc(lang, "brief", STATS.get(stat, STATS["median"]))  # i18n: marked


def panel_title(lang: str, diff: Diff) -> str:
    """A comparison panel's title: "Days since last order · median", "Revenue (USD) · average"."""
    stat = stat_word(lang, diff.stat)
    if diff.unit:
        return trc(lang, "brief", PANEL_UNIT, field=diff.label, unit=diff.unit, stat=stat)  # i18n: marked
    return trc(lang, "brief", PANEL, field=diff.label, stat=stat)  # i18n: marked


def differs(diffs: Sequence[Diff], tier_color: str, fmt: Formatter, words: dict[str, str]) -> str:
    """One panel per key field: its title (field, unit, statistic), then this tier's bar in its colour and the
    other customers' in grey, each named on its left and with its value after it.  Every panel has its own
    scale (days, orders and money are never drawn against one axis); a negative value draws left of zero."""
    titles = [panel_title(fmt.lang, d) for d in diffs]
    names = [words["chart_tier"], words["chart_rest"]]
    cjk = _cjk(fmt, [*titles, *names])
    title_size, name_size, value_size = 7.2, 6.6, 6.6
    bar_h, pitch, head = 6.5, 9.0, 11.0
    panel = head + 2 * pitch + 5.0
    svg = Svg(HALF_WIDTH, max(len(diffs), 1) * panel, cjk=cjk)
    name_w = min(HALF_WIDTH * 0.4, max(text_width(t, name_size) for t in names))
    fill = color(tier_color)
    for k, (d, title) in enumerate(zip(diffs, titles, strict=True)):
        y0 = k * panel
        svg.text(0, y0 + 8.5, fit(title, title_size, HALF_WIDTH, bold=True), title_size, INK, bold=True)
        texts = [d.tier_text or fmt.auto(d.tier), d.rest_text or fmt.auto(d.rest)]
        nums = [d.tier if math.isfinite(d.tier) else 0.0, d.rest if math.isfinite(d.rest) else 0.0]
        value_w = max(text_width(t, value_size) for t in texts) + 3
        lo, hi = min(0.0, *nums), max(0.0, *nums)
        # room for the labels: after the bars that end right of zero, before those that end left of it
        x0 = name_w + 5 + (value_w if lo < 0 else 0.0)
        x1 = HALF_WIDTH - (value_w if any(v >= 0 for v in nums) else 0.0)
        span = (hi - lo) or 1.0
        zero = x0 + (0 - lo) / span * (x1 - x0)
        for j, (name, value, text) in enumerate(zip(names, nums, texts, strict=True)):
            y = y0 + head + j * pitch
            base = y + bar_h / 2 + value_size * 0.35
            svg.text(name_w, base, fit(name, name_size, name_w), name_size, INK if j == 0 else MUTED, anchor="end")
            end = x0 + (value - lo) / span * (x1 - x0)
            svg.rect(min(zero, end), y, abs(end - zero), bar_h, fill if j == 0 else REST)
            if value < 0:
                svg.text(end - 2, base, text, value_size, INK if j == 0 else MUTED, anchor="end")
            else:
                svg.text(end + 2, base, text, value_size, INK if j == 0 else MUTED)
        svg.line(zero, y0 + head - 1.5, zero, y0 + head + pitch + bar_h + 1.5, AXIS, 0.6)
    return svg.render()


def placeholder(title: str) -> str:
    """A tiny stand-in chart (golden HTML tests and ``charts=False``): a grey box, no drawing."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="10" viewBox="0 0 100 10">'
            '<rect width="100" height="10" fill="#eceff1"/></svg>')
