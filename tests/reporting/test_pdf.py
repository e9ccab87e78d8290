"""PDFs read back: labels, KPIs, strategies, pages, fonts, footer, no WeasyPrint warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

import tierkit
from tierkit.reporting import build_pack, make_briefs, render_html, write_pdf
from tierkit.reporting.fmt import Formatter

from .conftest import (
    AS_OF,
    CHINESE_NAME,
    DATA,
    SAMPLES,
    TEMPLATE_NAME,
    XSS_NAME,
    WeasyLog,
    flat,
    page_count,
    pdf_fonts,
    pdf_text,
    read_sheets,
    squeeze,
)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory, tiny_result: tierkit.Classification,
          weasy_log: WeasyLog) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("packs")
    weasy_log.records.clear()
    files = {}
    for lang in ("en", "zh"):
        pack = build_pack(tiny_result, lang=lang, top=5, as_of=AS_OF)
        files[lang] = write_pdf(render_html(pack), out / f"tiny_{lang}.pdf")
    return files


def test_no_weasyprint_warnings(packs: dict[str, Path], weasy_log: WeasyLog) -> None:
    assert weasy_log.messages == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_tier_with_its_kpis_and_strategies(packs: dict[str, Path], tiny_result: tierkit.Classification,
                                                  lang: str) -> None:
    text = pdf_text(packs[lang])
    norm = squeeze if lang == "zh" else flat
    body = norm(text)
    fmt = Formatter(lang)
    for rec in tiny_result.summary(lang).to_dict("records"):
        seg = tiny_result.ruleset.segment(rec["id"])
        assert norm(rec["label"]) in body
        for figure in (fmt.number(rec["count"]), fmt.percent(rec["share"]), fmt.number(rec["measure_sum"]),
                       fmt.percent(rec["measure_share"])):
            assert figure in body, (rec["id"], figure)
        for strategy in seg.strategies:
            assert norm(strategy.get(lang)) in body
    assert norm("Call each key account before the 15th" if lang == "en" else "15日前逐一致电关键客户") in body


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_brief_is_one_page_after_the_cover(packs: dict[str, Path], tiny_result: tierkit.Classification,
                                               lang: str) -> None:
    assert page_count(packs[lang]) == 1 + len(tiny_result.ruleset.segments)
    pages = pdf_text(packs[lang]).split("\f")
    labels = [s.label.get(lang) for s in tiny_result.ruleset.segments]
    for page, label in zip(pages[1:], labels, strict=False):
        assert squeeze(label) in squeeze(page)


def test_footer_on_every_page(packs: dict[str, Path], tiny_result: tierkit.Classification) -> None:
    n = 1 + len(tiny_result.ruleset.segments)
    for lang, pattern, rules in (("en", "Page {i} of {n}", "rules"), ("zh", "第 {i} 页，共 {n} 页", "规则")):
        pages = [p for p in pdf_text(packs[lang]).split("\f") if p.strip()]
        assert len(pages) == n
        for i, page in enumerate(pages, start=1):
            assert pattern.format(i=i, n=n) in flat(page)
            assert f"{rules} {tiny_result.ruleset.digest}" in page


def test_fonts_are_embedded(packs: dict[str, Path]) -> None:
    for lang, path in packs.items():
        fonts = pdf_fonts(path)
        assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
        names = " ".join(f["name"] for f in fonts)
        assert "Noto-Sans-CJK-SC" in names  # the Chinese names, in English too
        assert "CJK-JP" not in names, lang  # simplified-Chinese glyph forms everywhere, charts included


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_names_print_literally_and_in_chinese(packs: dict[str, Path], lang: str) -> None:
    text = flat(pdf_text(packs[lang]))
    # printed as text, never markup (a long name is cut with an ellipsis in the accounts table: issue 17)
    assert XSS_NAME in text or XSS_NAME[:18] + "…" in text
    assert TEMPLATE_NAME in text and "49 Trading" not in text
    assert CHINESE_NAME in squeeze(text)


def test_plain_words_definition_in_the_pdf(packs: dict[str, Path]) -> None:
    assert "Revenue ≥ 100,000 and Region is North or East" in flat(pdf_text(packs["en"]))
    assert "销售额≥100,000且区域为North、East之一" in squeeze(pdf_text(packs["zh"]))


def test_split_writes_one_pdf_per_tier(tmp_path: Path, tiny_result: tierkit.Classification,
                                       weasy_log: WeasyLog) -> None:
    weasy_log.records.clear()
    files = make_briefs(tiny_result, tmp_path / "pack.pdf", lang="zh", split_dir=tmp_path / "split", top=3)
    assert [p.name for p in files] == ["pack.pdf", "01-关键客户.pdf", "02-VIP_金卡.pdf", "03-主要客户.pdf",
                                       "04-普通客户.pdf"]
    for path in files[1:]:
        assert page_count(path) == 1
        assert "第 1 页，共 1 页" in flat(pdf_text(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf", "split"]  # no temp files left
    assert weasy_log.messages == []
    with pytest.raises(tierkit.OutputExistsError):
        make_briefs(tiny_result, tmp_path / "pack.pdf", force=False)


def test_full_rfm_pack_of_the_sample_workbook(tmp_path: Path, weasy_log: WeasyLog) -> None:
    """The distributor sample with an 11-segment RFM rule set: cover + 11 one-page briefs."""
    sheets = read_sheets(SAMPLES / "distributor.xlsx")
    rs = tierkit.load_ruleset(DATA / "rfm_test.yaml")
    res = tierkit.classify(rs, sheets["Customers"],
                           source=tierkit.TableSource(file="distributor.xlsx", sheet="Customers", sheets=sheets))
    weasy_log.records.clear()
    (path,) = make_briefs(res, tmp_path / "rfm.pdf", lang="en")
    assert weasy_log.messages == []
    assert page_count(path) == 12
    text = flat(pdf_text(path))
    summary = res.summary("en")
    fmt = Formatter("en")
    for rec in summary.to_dict("records"):
        assert rec["label"] in text and fmt.number(rec["measure_sum"]) in text
