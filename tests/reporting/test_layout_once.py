"""WeasyPrint lays out each page of a pack once (issue 14): no page is laid out again but the cover.

The cover's contents list takes its page numbers from the tiers' anchors (``target-counter``), so the cover is
laid out again once those are known.  Every other page is laid out once: a running element (``position:
running``) would have every page holding one laid out twice, so the "Tier (continued)" header is a named
string on named pages instead (see ``brief.css`` and ``pack.html.j2``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import tierkit
from tierkit.reporting import build_pack, render_html, render_pdf

from .conftest import AS_OF, DATA, customers

MADE = re.compile(r"Creating layout - Page (\d+)$")


class _Pages(logging.Handler):
    """Counts the pages WeasyPrint lays out (its progress log says "Page N", or "Page N (up-to-date)")."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.made: Counter[int] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        found = MADE.search(record.getMessage())
        if found:
            self.made[int(found.group(1))] += 1


@pytest.fixture
def pages_made() -> Iterator[Counter[int]]:
    logger = logging.getLogger("weasyprint.progress")
    handler, level = _Pages(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.made
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_page_but_the_cover_is_laid_out_once(pages_made: Counter[int], lang: str) -> None:
    rules = tierkit.load_ruleset(DATA / "tiny.yaml")
    pack = build_pack(tierkit.classify(rules, customers(), as_of=AS_OF), lang=lang, top=5)
    document = render_pdf(render_html(pack))
    assert len(document.pages) == 1 + len(pack.tiers) == max(pages_made)
    assert all(pages_made[n] == 1 for n in range(2, len(document.pages) + 1)), pages_made
    assert pages_made[1] <= 3


def test_a_brief_that_runs_over_is_laid_out_once(pages_made: Counter[int], tmp_path: Path) -> None:
    rules = tierkit.load_ruleset(DATA / "tiny.yaml")
    many = pd.concat([customers()] * 20, ignore_index=True)
    many["Customer ID"] = [f"C{i:03d}" for i in range(len(many))]
    pack = build_pack(tierkit.classify(rules, many, as_of=AS_OF), top=80)
    document = render_pdf(render_html(pack))
    assert len(document.pages) > 1 + len(pack.tiers)   # a tier runs over: "(continued)" pages
    assert all(pages_made[n] == 1 for n in range(2, len(document.pages) + 1)), pages_made


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_pack_that_opens_with_a_tier_has_no_blank_first_page(lang: str) -> None:
    """Without the cover (``--split``, one tier), the first page is the first tier's: its named page holds the
    footer's texts too, so no page of their own opens the file."""
    from dataclasses import replace

    rules = tierkit.load_ruleset(DATA / "tiny.yaml")
    pack = build_pack(tierkit.classify(rules, customers(), as_of=AS_OF), lang=lang, top=5)
    document = render_pdf(render_html(replace(pack, show_cover=False)))
    assert len(document.pages) == len(pack.tiers)
    assert all(f"tier-{t.id}" in page.anchors for t, page in zip(pack.tiers, document.pages, strict=True))
