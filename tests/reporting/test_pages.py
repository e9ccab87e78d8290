"""A tier page: long names cut with an ellipsis, and a brief that runs over repeats "Tier (continued)"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tierkit
from tierkit.reporting import build_pack, render_html, write_pdf

from .conftest import AS_OF, DATA, customers, flat, pdf_text, squeeze

LONG_NAME = "Very Long Customer Name Trading and Manufacturing Company of the Northern Industrial Region Ltd"


@pytest.fixture(scope="module")
def rules() -> tierkit.RuleSet:
    return tierkit.load_ruleset(DATA / "tiny.yaml")


def test_a_long_name_is_cut_with_an_ellipsis(tmp_path: Path, rules: tierkit.RuleSet) -> None:
    frame = customers()
    frame.loc[0, "Customer"] = LONG_NAME
    pack = build_pack(tierkit.classify(rules, frame, as_of=AS_OF), top=5)
    text = flat(pdf_text(write_pdf(render_html(pack), tmp_path / "long.pdf")))
    assert "Very Long Customer" in text and "…" in text
    assert LONG_NAME not in text


@pytest.mark.parametrize(("lang", "continued"), [("en", "Ordinary customers (continued)"), ("zh", "普通客户（续）")])
def test_a_brief_that_runs_over_repeats_its_tier_header(tmp_path: Path, rules: tierkit.RuleSet, lang: str,
                                                        continued: str) -> None:
    many = pd.concat([customers()] * 20, ignore_index=True)  # 80 ordinary customers (revenue < 20,000 or blank)
    many["Customer ID"] = [f"C{i:03d}" for i in range(len(many))]
    pack = build_pack(tierkit.classify(rules, many, as_of=AS_OF), lang=lang, top=80)
    pdf = write_pdf(render_html(pack), tmp_path / f"many_{lang}.pdf")
    pages = [squeeze(p) for p in pdf_text(pdf).split("\f") if p.strip()]
    with_header = [i for i, page in enumerate(pages) if squeeze(continued) in page]
    ordinary = next(i for i, page in enumerate(pages) if i and squeeze(pack.tiers[-1].label) in page)
    # the tier's first page has its own header, not "(continued)"; each page after it has the repeat
    assert with_header and ordinary not in with_header
    assert with_header == list(range(ordinary + 1, len(pages)))
    # a tier's first page never repeats a header: the cover and each tier's first page are clean
    firsts = [next(i for i, page in enumerate(pages) if i and squeeze(t.label) in page) for t in pack.tiers]
    assert all("(continued)" not in pages[i] and "（续）" not in pages[i] for i in [0, *firsts])
