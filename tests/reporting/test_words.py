"""The reports' fixed words come from the message catalogue: every key in every language, no English
in a Chinese brief, English unchanged, and a third language is a catalogue file, not code."""

from __future__ import annotations

import gettext
import html as html_lib
import importlib.util
import io
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import tierkit
import tierkit.i18n
from tierkit.i18n import LOCALE_DIR, languages
from tierkit.reporting import build_pack, fmt, render_html
from tierkit.reporting.build import DEFAULT_WHEN, FEATURE_LABELS, FOOTER

from .conftest import AS_OF, GENERATED, ROOT, customers

#: the English words of the reports as they were before the catalogue (the templates read these keys)
ENGLISH_PAGE = {"page": "Page", "of": "of", "page_end": ""}
ZH_PAGE = {"page": "第", "of": "页，共", "page_end": "页"}


def _allowed_latin() -> set[str]:
    spec = importlib.util.spec_from_file_location("i18n_tests", ROOT / "tests" / "test_i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(module.ALLOWED_LATIN)


def _po(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "tierkit.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_english_words_are_the_message_ids() -> None:
    en = fmt.words("en")
    assert en == {**fmt.WORDS, **ENGLISH_PAGE}
    assert en["pack_title"] == "Tier briefs" and en["kpi_value"] == "Value ({measure})" and en["rank"] == "#"


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_every_word_is_in_every_catalogue(lang: str) -> None:
    catalog = _po(lang)
    messages = [*fmt.WORDS.values(), fmt.PAGE_OF, DEFAULT_WHEN, FOOTER]
    for msgid in messages:
        have = catalog.get(msgid, context=fmt.CONTEXT)
        assert have is not None and have.string and not have.fuzzy, f"{lang}: brief / {msgid!r} is not translated"
    for msgid in FEATURE_LABELS.values():
        have = catalog.get(msgid, context="feature")
        assert have is not None and have.string, f"{lang}: feature / {msgid!r} is not translated"
    words = fmt.words(lang)
    assert set(words) == set(fmt.WORDS) | set(fmt.PAGE_KEYS)
    assert all(words[k] for k in words if k not in fmt.PAGE_KEYS)


def test_chinese_words_are_as_before() -> None:
    zh = fmt.words("zh")
    assert {k: zh[k] for k in fmt.PAGE_KEYS} == ZH_PAGE
    assert zh["pack_title"] == "客户分层简报" and zh["rank"] == "序号" and zh["kpi_value"] == "价值（{measure}）"
    assert zh["count"] == zh["customers"] == zh["kpi_count"] == "客户数"


def _visible_words(page: str) -> set[str]:
    """The Latin-letter words a reader sees: tags, attributes and the style sheet left out."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]*>", " ", page))
    return set(re.findall(r"[A-Za-z]+", text))


def _data_words(result: tierkit.Classification) -> set[str]:
    """Words that come from the data and the rule file's names: headers, cells, ids, file names, hashes."""
    frame = customers()
    texts = [*map(str, frame.columns), *(str(v) for col in frame.columns for v in frame[col])]
    rs = result.ruleset
    texts += [rs.name, rs.digest, "customers.xlsx / Customers", *(s.id for s in rs.segments)]
    texts += [s.label.get("zh") for s in rs.segments]
    return set(re.findall(r"[A-Za-z]+", " ".join(texts)))


def test_a_chinese_brief_holds_no_english_words(tiny_result: tierkit.Classification) -> None:
    pack = build_pack(tiny_result, lang="zh", top=5, as_of=AS_OF, source_name="customers.xlsx / Customers",
                      generated_at=GENERATED, charts=False, data=customers())
    page = render_html(pack)
    english = _visible_words(page) - _allowed_latin() - _data_words(tiny_result) - {pack.footer.data_hash}
    english = {w for w in english if w not in pack.footer.data_hash}
    assert not english, f"English words in a zh brief: {sorted(english)}"
    assert "rules" not in pack.footer.text


def test_chinese_chart_words_hold_no_english() -> None:
    allowed = _allowed_latin()
    for key, text in fmt.words("zh").items():
        words = set(re.findall(r"[A-Za-z]+", re.sub(r"\{[a-z_]+\}", "", text))) - allowed
        assert not words, f"{key}: {text!r}"


def test_babel_locales_and_html_lang() -> None:
    assert fmt.babel_locale("en") == "en" and fmt.babel_locale("zh") == "zh_CN"
    assert fmt.babel_locale("ja") == "ja" and fmt.babel_locale("pt-BR") == "pt_BR"
    assert fmt.html_lang("zh") == "zh-CN" and fmt.html_lang("en") == "en" and fmt.html_lang("ja") == "ja"
    with pytest.raises(tierkit.TierkitError, match="unknown language 'xx-nope'"):
        fmt.babel_locale("xx-nope")
    with pytest.raises(tierkit.TierkitError, match="unknown language 'ja'"):
        fmt.check_lang("ja")  # no catalogue: the reports do not speak it


@pytest.fixture
def japanese(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], str]:
    """A third language made of a catalogue alone (compiled in memory): nothing else is added for it."""
    texts = {(fmt.CONTEXT, fmt.WORDS["pack_title"]): "顧客階層レポート",
             (fmt.CONTEXT, fmt.PAGE_OF): "{pages} ページ中 {page} ページ",
             (fmt.CONTEXT, fmt.WORDS["customers"]): "顧客数"}
    catalog = Catalog(locale="ja", domain="tierkit")
    for (context, msgid), text in texts.items():
        catalog.add(msgid, text, context=context)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    ja = gettext.GNUTranslations(buf)
    real = tierkit.i18n.catalogue
    monkeypatch.setattr(tierkit.i18n, "catalogue", lambda lang: ja if lang == "ja" else real(lang))
    monkeypatch.setattr("tierkit.numfmt.languages", lambda: (*languages(), "ja"))
    fmt._words.cache_clear()
    yield texts
    fmt._words.cache_clear()


def test_a_third_language_is_a_catalogue(japanese: dict[tuple[str, str], str], tiny_result: tierkit.Classification,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    words = fmt.words("ja")
    assert words["pack_title"] == "顧客階層レポート" and words["customers"] == "顧客数"
    assert words["strategies"] == "Recommended strategies"  # not translated yet: the English message
    # the footer counts the page before the pages: a sentence the other way round reads "3 / 12"
    assert (words["page"], words["of"], words["page_end"]) == ("", "/", "")
    # the engine's rule descriptions and reasons (top=0: none) are other modules' words; these are the report's
    monkeypatch.setattr("tierkit.reporting.build.describe_when", lambda statement, lang, *rest: "…")
    pack = build_pack(tiny_result, lang="ja", top=0, as_of=AS_OF, generated_at=GENERATED, charts=False)
    assert pack.html_lang == "ja" and pack.cover.subtitle == "顧客階層レポート"
    assert dict(pack.cover.facts)[words["as_of"]] == "2024年12月31日"  # Babel's Japanese date format
    assert '<html lang="ja">' in render_html(pack)


def test_unknown_language_is_refused(tiny_result: tierkit.Classification) -> None:
    with pytest.raises(tierkit.TierkitError, match="unknown language 'fr'"):
        build_pack(tiny_result, lang="fr")
    with pytest.raises(tierkit.TierkitError, match="unknown language"):
        fmt.Formatter("fr")
