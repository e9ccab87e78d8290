"""Text on a coloured cell or swatch: black or white, whichever contrasts more, always WCAG AA (4.5:1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit import load_ruleset
from tierkit.contrast import AA, BLACK, WHITE, contrast, luminance, text_colour_for

COLOURS = st.tuples(*[st.integers(0, 255)] * 3).map(lambda c: "#{:02x}{:02x}{:02x}".format(*c))
BUILT_IN = sorted(p.stem for p in (Path(__file__).parents[2] / "rules").glob("*.yaml"))


@given(COLOURS)
def test_every_colour_gets_text_of_at_least_4_5_to_1(fill: str) -> None:
    text = text_colour_for(fill)
    assert contrast(fill, text) >= AA
    assert contrast(fill, text) >= contrast(fill, WHITE if text == BLACK else BLACK)


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_tier_colour_reads(name: str) -> None:
    for seg in load_ruleset(name).segments:
        if seg.color:
            assert contrast(seg.color, text_colour_for(seg.color)) >= AA, (name, seg.id, seg.color)


def test_the_colours_the_issue_names() -> None:
    for dark in ("#1b5e20", "#00796b", "#b71c1c"):  # green, teal, dark red: white text
        assert text_colour_for(dark) == WHITE
    assert text_colour_for("#f9a825") == BLACK
    assert luminance("#000") == 0 and luminance("FFFFFFFF") == 1
    assert contrast(BLACK, WHITE) == pytest.approx(21)
