"""Folded YAML text (``>``, ``>-``) wrapped inside a Chinese sentence joins without a stray space."""

from __future__ import annotations

import unicodedata

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import tierkit
from tierkit.ruleset.yaml_lines import load_yaml


def wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def test_chinese_lines_join_without_a_space_and_english_lines_with_one() -> None:
    text = ("zh: >-\n  头部客户；\n  B类（主要客户）累计到\n  95%\n  之后\n  其余\n\n  新段落\n"
            "en: >-\n  the customers\n  ranked above\n")
    assert load_yaml(text) == {"zh": "头部客户；B类（主要客户）累计到 95% 之后其余\n新段落",
                               "en": "the customers ranked above"}


def test_unusual_layouts_stay_as_yaml_reads_them() -> None:
    for text in ("a: >\n  一\n    二\n  三\n", "a: >+\n  一\n  二\n\n\n", "a: >2\n   一\n  二\n", "a: |\n  一\n  二\n",
                 'a: "一\n  二"\n', "a: 一\n  二\n"):
        got, want = load_yaml(text)["a"], yaml.safe_load(text)["a"]
        assert got.replace(" ", "") == want.replace(" ", ""), text
        if "|" in text or '"' in text or ">\n  一\n    二" in text:
            assert got == want, text


LINE = st.text(alphabet=st.sampled_from(list("abc xyz12") + list("客户分类，。（）、") + ["%"]), min_size=1,
               max_size=12).map(str.strip).filter(bool).filter(lambda s: not s.startswith(("#", "%", "-")))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(LINE, st.just("")), min_size=1, max_size=8), st.sampled_from([">", ">-"]))
def test_folding_only_drops_spaces_between_wide_characters(lines: list[str], style: str) -> None:
    """Metamorphic: against PyYAML's folding, the text differs only by spaces dropped where a wide character
    (or wide punctuation) meets another; Latin-only text is unchanged."""
    if not any(lines):
        lines = ["x"]
    text = "k: " + style + "\n" + "".join(f"  {ln}\n" if ln else "\n" for ln in lines)
    want = yaml.safe_load(text)["k"]
    got = load_yaml(text)["k"]
    assert got.replace(" ", "") == want.replace(" ", "")
    assert len(got) <= len(want)
    if all(not wide(ch) for ch in text):
        assert got == want
    for i, ch in enumerate(got[1:-1], start=1):
        if ch == " " and wide(got[i - 1]) and wide(got[i + 1]):
            assert f"{got[i - 1]} {got[i + 1]}" in "\n".join(lines), got  # a space the author wrote on one line


def test_builtin_descriptions_hold_no_space_between_chinese_characters() -> None:
    for rs in tierkit.list_builtin():
        zh = rs.description.get("zh") if rs.description else ""
        for i, ch in enumerate(zh[1:-1], start=1):
            assert not (ch == " " and wide(zh[i - 1]) and wide(zh[i + 1])), (rs.name, zh[i - 5:i + 5])
