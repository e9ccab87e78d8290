"""Charts as SVG documents drawn with matplotlib in the segment colours.

Speed matters (a pack has a chart per tier): figures are laid out by hand (no constrained
layout), text stays SVG text (small files; WeasyPrint embeds the fonts) and the Pareto curve is
sampled to a few hundred points.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .fmt import Formatter

GREY = "#90a4ae"
INK = "#263238"
REST = "#cfd8dc"
RC: dict[str, Any] = {
    "svg.hashsalt": "tierkit",  # stable ids: the same data gives the same SVG
    "svg.fonttype": "none",  # text stays text: small SVG, fonts embedded by WeasyPrint, searchable
    "font.family": ["DejaVu Sans", "Noto Sans CJK SC"],  # matplotlib falls back per glyph (CJK labels)
    "font.size": 7.5,
    "axes.edgecolor": "#b0bec5",
    "axes.labelcolor": INK,
    "axes.linewidth": 0.6,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
CJK_FAMILIES = ["Noto Sans CJK SC", "DejaVu Sans"]
#: languages (of a Babel locale) whose charts are CJK text, whatever their labels
CJK_LANGS = ("zh", "ja", "ko")
_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
CM = 1 / 2.54


@dataclass(frozen=True)
class Bar:
    """One tier on the cover's bar chart."""

    label: str
    color: str
    share: float  # of customers
    value_share: float | None  # of the measure


@dataclass(frozen=True)
class Diff:
    """One key field: the tier's median against the median of all other customers."""

    label: str
    tier: float
    rest: float


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _HEAD.sub("", buf.getvalue(), count=1)


def _text_cm(text: str, size_pt: float) -> float:
    """Rough printed width of a label (CJK characters count double)."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)
    return units * size_pt * 0.5 / 72 * 2.54


def _figure(width_cm: float, height_cm: float, labels: Sequence[str], *, bottom_cm: float = 0.5,
            top_cm: float = 0.15, right_cm: float = 0.3) -> tuple[Any, Any]:
    """A figure with one axes, the left margin sized to the longest label."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=72)
    left_cm = min(width_cm * 0.45, max((_text_cm(t, RC["font.size"]) for t in labels), default=0.5) + 0.35)
    ax = fig.add_axes((left_cm / width_cm, bottom_cm / height_cm, 1 - (left_cm + right_cm) / width_cm,
                       1 - (bottom_cm + top_cm) / height_cm))
    return fig, ax


def _rc(fmt: Formatter, texts: Sequence[str] = ()) -> Any:
    """matplotlib settings; CJK text (zh/ja/ko, or CJK labels) gets Noto Sans CJK SC first, so that the PDF
    shows simplified-Chinese glyph forms (WeasyPrint takes the first family of an SVG text)."""
    import matplotlib

    cjk = str(fmt.locale).split("_")[0] in CJK_LANGS
    cjk = cjk or any(unicodedata.east_asian_width(ch) in "WF" for t in texts for ch in t)
    settings: Any = {**RC, "font.family": CJK_FAMILIES if cjk else RC["font.family"]}
    return matplotlib.rc_context(settings)


def tier_bars(bars: Sequence[Bar], fmt: Formatter, words: dict[str, str]) -> str:
    """Share of customers (solid) and share of value (light, outlined) per tier, as horizontal bars."""
    with _rc(fmt, [b.label for b in bars]):
        n = len(bars)
        labels = [b.label for b in bars]
        fig, ax = _figure(18, 0.9 + 0.42 * n, labels, bottom_cm=0.55)
        y = np.arange(n)
        has_value = any(b.value_share is not None for b in bars)
        h = 0.4 if has_value else 0.7
        shares = [b.share for b in bars]
        colors = [b.color for b in bars]
        off = h / 2 if has_value else 0.0
        ax.barh(y - off, shares, height=h, color=colors, label=words["chart_customers"])
        top = max(shares or [0])
        if has_value:
            values = [b.value_share or 0.0 for b in bars]
            ax.barh(y + off, values, height=h, color=colors, alpha=0.35, edgecolor=colors, linewidth=0.6,
                    label=words["chart_value"])
            top = max(top, *values)
            for yi, v in zip(y, values, strict=True):
                ax.text(v, yi + off, " " + fmt.percent(v), va="center", fontsize=6, color="#546e7a")
        for yi, s in zip(y, shares, strict=True):
            ax.text(s, yi - off, " " + fmt.percent(s), va="center", fontsize=6, color=INK)
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, max(top * 1.15, 0.05))
        ax.xaxis.set_major_formatter(lambda v, _pos: fmt.percent(v, 0))
        ax.legend(loc="lower right", frameon=False, fontsize=6.5)
        return _svg(fig)


def pareto_curve(values: np.ndarray, fmt: Formatter, words: dict[str, str]) -> tuple[str, float | None]:
    """Cumulative share of value against share of customers ranked by value, with 80/20 marked.

    Returns the SVG and the share of customers that brings 80% of the value (None without value).
    """
    with _rc(fmt):
        fig, ax = _figure(18, 5.0, ["100%"], bottom_cm=0.9)
        vals = np.clip(np.nan_to_num(np.asarray(values, dtype="float64"), nan=0.0), 0, None)
        total = float(vals.sum())
        n = len(vals)
        at80: float | None = None
        if n and total > 0:
            cum = np.concatenate([[0.0], np.cumsum(np.sort(vals)[::-1]) / total])
            x = np.arange(n + 1) / n
            idx = np.unique(np.linspace(0, n, min(n + 1, 400)).astype(int))
            ax.fill_between(x[idx], cum[idx], color="#e3f2fd", lw=0)
            ax.plot(x[idx], cum[idx], color="#1565c0", lw=1.6)
            k = int(np.searchsorted(cum, 0.8 - 1e-12))
            at80 = k / n
            ax.plot([0, at80, at80], [0.8, 0.8, 0], color=GREY, lw=0.8, ls="--")
            ax.axvline(0.2, color=REST, lw=0.8, ls=":")
            ax.plot([at80], [0.8], "o", color=INK, ms=3.5)
            ax.annotate(words["pareto_note"].format(top=fmt.percent(at80)), (at80, 0.8), xytext=(8, -12),
                        textcoords="offset points", fontsize=7, color=INK)
        ax.plot([0, 1], [0, 1], color="#eceff1", lw=0.8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.xaxis.set_major_formatter(lambda v, _pos: fmt.percent(v, 0))
        ax.yaxis.set_major_formatter(lambda v, _pos: fmt.percent(v, 0))
        ax.set_xlabel(words["chart_cum_customers"], fontsize=7)
        ax.text(0.01, 1.0, words["chart_cum_value"], transform=ax.transAxes, fontsize=7, va="top", color=INK)
        return _svg(fig), at80


def differs(diffs: Sequence[Diff], color: str, fmt: Formatter, words: dict[str, str]) -> str:
    """Per key field two bars (this tier in its colour, the rest in grey), each field scaled to its larger
    median, with the medians printed."""
    with _rc(fmt, [d.label for d in diffs]):
        n = len(diffs)
        labels = [d.label for d in diffs]
        fig, ax = _figure(10, 0.8 + 0.5 * n, labels, bottom_cm=0.5, right_cm=0.2)
        y = np.arange(n)
        h = 0.36
        tier_w, rest_w = [], []
        for d in diffs:
            scale = max(abs(d.tier), abs(d.rest)) or 1.0
            tier_w.append(abs(d.tier) / scale)
            rest_w.append(abs(d.rest) / scale)
        ax.barh(y - h / 2, tier_w, height=h, color=color, label=words["chart_tier"])
        ax.barh(y + h / 2, rest_w, height=h, color=REST, label=words["chart_rest"])
        for yi, d, tw, rw in zip(y, diffs, tier_w, rest_w, strict=True):
            ax.text(tw, yi - h / 2, " " + fmt.auto(d.tier), va="center", fontsize=6.5, color=INK)
            ax.text(rw, yi + h / 2, " " + fmt.auto(d.rest), va="center", fontsize=6.5, color="#607d8b")
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 1.3)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(0, 0), frameon=False, fontsize=6.5, ncols=2,
                  borderaxespad=0.2)
        return _svg(fig)


def placeholder(title: str) -> str:
    """A tiny stand-in chart (golden HTML tests and ``charts=False``): a grey box, no drawing."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="10" viewBox="0 0 100 10">'
            '<rect width="100" height="10" fill="#eceff1"/></svg>')
