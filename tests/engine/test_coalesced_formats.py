"""A field with a value for its blanks (``share ?? 0``) compared with a value still reads in the field's format,
in the rule's plain words and in the reasons (``Share (if blank 0) ≥ 50%``, not ``≥ 0.5``)."""

from __future__ import annotations

import pandas as pd
import pytest

import tierkit

RULES = """
version: 1
name: coalesced
title: Coalesced
params: {high: 0.5}
fields:
  revenue: {type: float, format: money, label: {en: Revenue, zh: 销售额}}
  share: {type: float, format: percent, optional: true, label: {en: Peak share, zh: 旺季占比}}
segments:
  - id: peak
    label: {en: Peak, zh: 旺季}
    when: (share ?? 0) >= high and revenue >= 100000
  - id: rest
    label: {en: Rest, zh: 其他}
    default: true
"""


@pytest.mark.parametrize(("lang", "blank"), [("en", "(if blank 0)"), ("zh", "（空值按 0 计）")])
def test_a_coalesced_field_reads_in_its_format(tmp_path, lang: str, blank: str) -> None:
    path = tmp_path / "coalesced.yaml"
    path.write_text(RULES, encoding="utf-8")
    rs = tierkit.load_ruleset(path)
    frame = pd.DataFrame({"revenue": [250000.0, 5.0], "share": [0.61, None]})
    result = tierkit.classify(rs, frame)
    reasons = result.reasons(lang)
    assert "50%" in reasons[0] and "0.5 " not in reasons[0] + " ", reasons[0]
    assert blank in reasons[0], reasons[0]
    assert "61%" in reasons[0] or "61.0%" in reasons[0], reasons[0]
    from tierkit.compile.describe import describe_when

    words = describe_when(result.binding.rules["peak"].statement, lang, {}, rs.params, rs.fields)
    assert "50%" in words and blank in words, words
