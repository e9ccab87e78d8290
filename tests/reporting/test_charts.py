"""The briefs' charts (hand-built SVG): well-formed whatever the labels, no label over another label or a bar,
legends that match their bars, every comparison panel naming its statistic, CJK fonts first in Chinese."""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierkit.reporting import charts as ch
from tierkit.reporting.fmt import Formatter, words
from tierkit.reporting.svg import CJK_FONTS, LATIN_FONTS, fit, text_width

from .conftest import HERE

NS = "{http://www.w3.org/2000/svg}"
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

labels = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=60) | st.sampled_from(
    ["Champions", "冠军客户", "未评分（无购买记录）", "<script>&amp;</script>", "A" * 200, "名" * 80, "\x00\x1b\u202e"])
colors = st.sampled_from(["#1b5e20", "#fbc02d", "#c62828", "#ffffff", "#000000", "red", "#12345", ""])
shares = st.floats(0, 1) | st.just(float("nan"))
values = st.floats(-1e9, 1e9, allow_nan=False) | st.sampled_from([0.0, 7.0, 48.0, 274_176.0, -5.5, float("nan")])


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == NS + "svg"
    return root


def size_of(root: ET.Element) -> tuple[float, float]:
    _, _, w, h = (float(v) for v in root.attrib["viewBox"].split())
    return w, h


def text_boxes(root: ET.Element) -> Iterator[tuple[Box, str]]:
    for node in root.iter(NS + "text"):
        x, y, size = float(node.attrib["x"]), float(node.attrib["y"]), float(node.attrib["font-size"])
        width = text_width(node.text or "", size, bold=node.attrib.get("font-weight") == "bold")
        anchor = node.attrib.get("text-anchor", "start")
        x0 = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        yield (x0, y - 0.75 * size, x0 + width, y + 0.2 * size), node.text or ""


def rect_boxes(root: ET.Element) -> Iterator[tuple[Box, str]]:
    for node in root.iter(NS + "rect"):
        x, y = float(node.attrib.get("x", 0)), float(node.attrib.get("y", 0))
        w, h = float(node.attrib["width"]), float(node.attrib["height"])
        if w > 0 and h > 0:
            yield (x, y, x + w, y + h), node.attrib["fill"]


def overlap(a: Box, b: Box, eps: float = 0.05) -> bool:
    return a[0] < b[2] - eps and b[0] < a[2] - eps and a[1] < b[3] - eps and b[1] < a[3] - eps


def assert_readable(svg: str) -> ET.Element:
    """No text over another text or over a bar, and every text inside the chart's width."""
    root = parse(svg)
    width, _ = size_of(root)
    texts = list(text_boxes(root))
    rects = list(rect_boxes(root))
    for i, (a, ta) in enumerate(texts):
        assert a[0] >= -0.5 and a[2] <= width + 0.5, (ta, a, width)
        for b, tb in texts[i + 1:]:
            assert not overlap(a, b), (ta, tb)
        for r, fill in rects:
            assert not overlap(a, r), (ta, fill)
    return root


@pytest.mark.parametrize("lang", ["en", "zh"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(st.tuples(labels, colors, shares, shares | st.none()), min_size=1, max_size=14))
def test_tier_bars_never_overlap_and_the_legend_is_neutral(lang: str, data: list) -> None:
    bars = [ch.Bar(label, color, share, value) for label, color, share, value in data]
    if any(b.value_share is not None for b in bars):
        bars = [ch.Bar(b.label, b.color, b.share, b.value_share if b.value_share is not None else 0.0) for b in bars]
    root = assert_readable(ch.tier_bars(bars, Formatter(lang), words(lang)))
    legend = [fill for box, fill in rect_boxes(root) if box[3] <= 10 and math.isclose(box[2] - box[0], 9)]
    if any(b.value_share is not None for b in bars):
        assert legend == [ch.LEGEND, ch.LEGEND]   # grey swatches: no tier's colour
    else:
        assert legend == []


def test_legend_words_name_the_two_kinds_of_bar() -> None:
    bars = [ch.Bar("A", "#1b5e20", 0.2, 0.7), ch.Bar("B", "#c62828", 0.8, 0.3)]
    root = parse(ch.tier_bars(bars, Formatter("en"), words("en")))
    texts = [t for _, t in text_boxes(root)]
    assert texts[-2:] == ["customers", "value"]
    solid = [n for n in root.iter(NS + "rect") if n.attrib["fill"] == "#1b5e20"]
    assert [n.get("fill-opacity") for n in solid] == [None, "0.35"]   # solid = customers, light = value


@pytest.mark.parametrize("lang", ["en", "zh"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.lists(st.tuples(labels, values, values, st.sampled_from(["median", "mean"]),
                                 st.sampled_from(["", "days", "天"])), min_size=1, max_size=6),
       color=colors)
def test_differs_one_panel_per_field_on_its_own_scale(lang: str, fields: list, color: str) -> None:
    diffs = [ch.Diff(label, t, r, stat=stat, unit=unit) for label, t, r, stat, unit in fields]
    root = assert_readable(ch.differs(diffs, color, Formatter(lang), words(lang)))
    bars = list(root.iter(NS + "rect"))
    tier_fill = color if color.startswith("#") and len(color) == 7 else "#90a4ae"
    assert [b.attrib["fill"] for b in bars] == [tier_fill, ch.REST] * len(diffs)
    titles = [n.text or "" for n in root.iter(NS + "text") if n.get("font-weight") == "bold"]
    assert len(titles) == len(diffs)
    for title, diff in zip(titles, diffs, strict=True):
        word = ch.stat_word(lang, diff.stat)
        assert word in title or title.endswith("…")
    # each panel's two bars are on its own scale: the longer of two positive values fills the panel's width
    for k, d in enumerate(diffs):
        a, b = (float(bars[2 * k + j].attrib["width"]) for j in (0, 1))
        if min(d.tier, d.rest) > 0 and math.isfinite(d.tier + d.rest):
            assert math.isclose(a / max(a, b), d.tier / max(d.tier, d.rest), rel_tol=0.02, abs_tol=0.02)


def test_panel_titles_name_field_unit_and_statistic() -> None:
    assert ch.panel_title("en", ch.Diff("Days since last order", 7, 48)) == "Days since last order · median"
    assert ch.panel_title("en", ch.Diff("Revenue", 1, 2, stat="mean", unit="USD")) == "Revenue (USD) · average"
    assert ch.panel_title("zh", ch.Diff("订单数", 47, 11)) == "订单数（中位数）"


def test_differs_prints_the_briefs_own_texts_when_given() -> None:
    svg = ch.differs([ch.Diff("Share", 0.25, 0.5, tier_text="25.0%", rest_text="50.0%")], "#1b5e20",
                     Formatter("en"), words("en"))
    assert ">25.0%<" in svg and ">50.0%<" in svg


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pareto_marks_80_percent(lang: str) -> None:
    rng = np.random.default_rng(3)
    svg, at80 = ch.pareto_curve(rng.lognormal(7, 1.6, 5000), Formatter(lang), words(lang))
    assert at80 is not None and 0.05 < at80 < 0.5
    root = assert_readable(svg)
    assert len(root.findall(NS + "polyline")) == 2 and len(root.findall(NS + "circle")) == 1
    assert ch.pareto_curve(np.array([]), Formatter(lang), words(lang))[1] is None
    assert ch.pareto_curve(np.array([np.nan, -1.0, 0.0]), Formatter(lang), words(lang))[1] is None


def test_chinese_charts_name_the_simplified_chinese_font_first() -> None:
    bars = [ch.Bar("Champions", "#1b5e20", 0.5, None)]
    assert f'font-family="{LATIN_FONTS}"' in ch.tier_bars(bars, Formatter("en"), words("en"))
    assert f'font-family="{CJK_FONTS}"' in ch.tier_bars(bars, Formatter("zh"), words("zh"))
    cjk_label = [ch.Bar("冠军客户", "#1b5e20", 0.5, None)]
    assert f'font-family="{CJK_FONTS}"' in ch.tier_bars(cjk_label, Formatter("en"), words("en"))
    assert "中位数" in ch.differs([ch.Diff("订单数", 47, 11)], "#1b5e20", Formatter("zh"), words("zh"))


def test_hostile_labels_stay_text() -> None:
    svg = ch.tier_bars([ch.Bar('<script>alert(1)</script>" onload="x', "#1b5e20", 0.5, 0.5)], Formatter("en"),
                       words("en"))
    root = parse(svg)
    assert not root.findall(".//" + NS + "script")
    assert "&lt;script&gt;" in svg
    assert not any("onload" in node.attrib for node in root.iter())
    assert any((node.text or "").startswith("<script>alert(1)</script>") for node in root.iter(NS + "text"))


def test_fit_cuts_with_an_ellipsis() -> None:
    assert fit("Champions", 7, 100) == "Champions"
    cut = fit("Shijiazhuang Yuanhang Electromechanical Co., Ltd.", 7, 60)
    assert cut.endswith("…") and text_width(cut, 7) <= 60
    assert fit("a\x00b\nc", 7, 100) == "ab c"


def test_a_pack_imports_no_matplotlib() -> None:
    code = ("import sys; from reporting.conftest import *; import tierkit; from tierkit.reporting import build_pack; "
            "rs = tierkit.load_ruleset(DATA / 'tiny.yaml'); "
            "build_pack(tierkit.classify(rs, customers()), lang='zh'); "
            "assert 'matplotlib' not in sys.modules; print('ok')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                         cwd=HERE.parent)
    assert run.stdout.strip() == "ok", run.stderr[-2000:]
