"""Texts in any language: ``Text`` is a mapping of language tag -> text, and rule files and rules tables
may write a label or a strategy in any language; a key that names no language is an error with a hint."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pandas as pd
import pytest

from tierkit import RuleFileError, Text, classify, load_ruleset, ruleset_from_rows
from tierkit.ruleset import builtin_dir
from tierkit.ruleset.text import known_language, language_tag, suggest_language

MULTI = """\
name: multi
title: {en: VIP accounts, zh: 重点客户, ja: 重要顧客}
segments:
  - id: key
    label: {en: Key account, zh: 关键客户, ja: 重要顧客, pt-BR: Conta-chave}
    when: revenue >= 100
    strategies:
      - {en: Dedicated account manager, ja: 専任の担当者}
      - Call every month
  - id: other
    label: {zh: 其他, en: Other}
    default: true
"""


def test_the_english_chinese_shortcut_is_a_mapping() -> None:
    text = Text("Key account", "关键客户")
    assert dict(text) == {"en": "Key account", "zh": "关键客户"} and list(text) == ["en", "zh"] and len(text) == 2
    assert text == Text.of({"zh": "关键客户", "en": "Key account"}) == {"en": "Key account", "zh": "关键客户"}
    assert hash(text) == hash(Text.of([("en", "Key account"), ("zh", "关键客户")]))
    assert (text.en, text.zh, text["zh"], str(text)) == ("Key account", "关键客户", "关键客户", "Key account")
    assert repr(text) == "Text(en='Key account', zh='关键客户')"
    with pytest.raises(AttributeError):
        text._texts = ()  # type: ignore[misc]
    with pytest.raises(KeyError):
        text["ja"]
    assert pickle.loads(pickle.dumps(text)) == text == copy.deepcopy(text)
    assert {text: 1}[Text("Key account", "关键客户")] == 1


def test_get_falls_back_to_the_wider_language_then_english_then_any() -> None:
    text = Text.of({"en": "Key", "pt": "Chave", "zh-Hant": "關鍵"})
    assert text.get("ja") == "Key"  # no Japanese: English
    assert text.get("pt-BR") == text.get("pt_BR") == "Chave"  # Brazilian Portuguese: Portuguese
    assert text.get("zh-Hant") == "關鍵" and text.get("zh") == "Key"
    only_zh = Text(zh="关键")
    assert only_zh.get("en") == only_zh.get("ja") == only_zh.en == "关键"  # as before: en falls back to zh
    assert Text().get("en") == "" and Text().get("en", "-") == "-" and not Text()


def test_keys_are_canonical_tags_and_repeats_of_english_are_left_out() -> None:
    assert list(Text.of({"EN": "Key", "pt_br": "Chave", "zh_hant_tw": "關鍵"})) == ["en", "pt-BR", "zh-Hant-TW"]
    assert "pt-br" in Text.of({"pt-BR": "Chave"})
    # a translation that repeats the English text is the fallback anyway: equal texts read the same everywhere
    assert Text("VIP", "VIP") == Text("VIP") and list(Text("VIP", "VIP")) == ["en"]
    assert Text("VIP", "") == Text("VIP") and Text.of({"en": "VIP", "ja": None}) == Text("VIP")
    # unless a wider language says something else
    assert Text.of({"en": "X", "pt": "Y", "pt-BR": "X"}).get("pt-BR") == "X"
    with pytest.raises(ValueError, match="not a language tag"):
        Text.of({"english": "Key"})


def test_language_tags() -> None:
    assert [language_tag(c) for c in ("ja", "PT_br", "zh-hant", "es-419", "english", "e1")] == [
        "ja", "pt-BR", "zh-Hant", "es-419", None, None]
    assert [known_language(c) for c in ("ja", "fil", "pt-BR", "zn", "xx")] == ["ja", "fil", "pt-BR", None, None]
    assert [suggest_language(c) for c in ("zn", "cn", "Chinese", "japanes", "qqqqq")] == ["zh", "zh", "zh", "ja", None]


def test_a_rule_file_writes_any_language(tmp_path: Path) -> None:
    path = tmp_path / "multi.yaml"
    path.write_text(MULTI.replace("pt-BR: Conta-chave}", "pt-BR: Conta-chave, 'no': Nøkkel}"), encoding="utf-8")
    rs = load_ruleset(path)
    key = rs.segment("key")
    assert key.label == Text.of({"en": "Key account", "zh": "关键客户", "ja": "重要顧客", "pt-BR": "Conta-chave",
                                 "no": "Nøkkel"})
    assert rs.title.get("ja") == "重要顧客" and rs.title.get("ko") == "VIP accounts"
    assert [s.get("ja") for s in key.strategies] == ["専任の担当者", "Call every month"]
    assert [s.get("zh") for s in key.strategies] == ["Dedicated account manager", "Call every month"]
    assert list(rs.segment("other").label) == ["en", "zh"]  # English first
    res = classify(rs, pd.DataFrame({"revenue": [150, 5]}))
    assert res.labels("ja") == ["重要顧客", "Other"]  # no Japanese for 'other': English
    assert res.labels("pt-BR") == ["Conta-chave", "Other"] and res.labels("zh") == ["关键客户", "其他"]
    assert res.labels("en") == ["Key account", "Other"]


@pytest.mark.parametrize(("text", "expected"), [
    ("    label: {en: Key, zn: 关键}\n", "label has unknown language 'zn' in segment 'key' (bad.yaml:3); "
                                       "did you mean 'zh'?"),
    ("    label:\n      en: Key\n      chinese: 关键\n",
     "label has unknown language 'chinese' in segment 'key' (bad.yaml:5); did you mean 'zh'?"),
    ("    label: {en: Key, cn: 关键}\n", "did you mean 'zh'?"),
    ("    label: {en: Key, label_2: x}\n", "unknown language 'label_2' in segment 'key' (bad.yaml:3); write language "
                                         "codes such as en, zh, ja or pt-BR"),
    ("    label: {en: Key, no: Nøkkel}\n", "unknown language 'False' in segment 'key' (bad.yaml:3); quote a language "
                                        "code that YAML reads as true/false, e.g. 'no': ..."),
    ("    label: {en: Key, ja: [a, b]}\n", "label in 'ja' must be a text in segment 'key' (bad.yaml:3)"),
    ("    label: {ja: null, zh: ''}\n", "label is empty in segment 'key' (bad.yaml:3)"),
])
def test_a_key_that_names_no_language_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                   expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("segments:\n  - id: key\n" + text + "    default: true\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_ruleset(tmp_path / "bad.yaml")
    assert expected in str(info.value)


def test_a_rules_table_has_a_column_per_language() -> None:
    rows = [["id", "label", "label_zh", "Label_JA", "label_pt-br", "when", "strategy", "strategy_ja"],
            ["big", "Big", "大客户", "大口顧客", None, "revenue > 100", "Visit monthly", "毎月訪問"],
            ["big", None, None, None, None, None, None, "贈り物"],
            ["rest", None, "其他", None, "Resto", "default", None, None]]
    rs = ruleset_from_rows(rows, name="sheet")
    big, rest = rs.segments
    assert big.label == Text.of({"en": "Big", "zh": "大客户", "ja": "大口顧客"})
    assert big.strategies == (Text.of({"en": "Visit monthly", "ja": "毎月訪問"}), Text.of({"ja": "贈り物"}))
    assert rest.label == Text.of({"zh": "其他", "pt-BR": "Resto"}) and rest.label.get("en") == "其他"  # as before
    res = classify(rs, pd.DataFrame({"revenue": [150, 5]}))
    assert res.labels("ja") == ["大口顧客", "其他"] and res.labels("pt-BR") == ["Big", "Resto"]


def test_a_rules_table_column_that_names_no_language_is_an_error() -> None:
    rows = [["id", "label", "label_zn", "when"], ["big", "Big", "大客户", "revenue > 100"]]
    with pytest.raises(RuleFileError) as info:
        ruleset_from_rows(rows, source_label="Rules sheet")
    assert str(info.value) == "column 'label_zn' names no language (Rules sheet, cell C1); did you mean 'label_zh'?"
    rows[0][2] = "strategy_notes"
    with pytest.raises(RuleFileError, match=r"column 'strategy_notes' names no language .*cell C1"):
        ruleset_from_rows(rows, source_label="Rules sheet")


def test_the_built_in_rule_sets_read_as_before() -> None:
    rs = load_ruleset(builtin_dir() / "abc.yaml")
    assert set(rs.title) == {"en", "zh"} and all(set(s.label) == {"en", "zh"} for s in rs.segments)


def test_the_output_column_name_comes_from_the_catalogue() -> None:
    rs = load_ruleset(builtin_dir() / "abc.yaml")
    assert (rs.output_name("en"), rs.output_name("zh"), rs.output_name("ja")) == ("Tier", "层级", "Tier")
