"""The Tier summary's title names the hit policy in the report's language."""

from __future__ import annotations

import pandas as pd
import pytest

import tierkit
from tierkit.app.apply import summary_tables
from tierkit.check.show import policy_words


@pytest.mark.parametrize("name", ["abc", "stages_postsale"])
def test_summary_title_names_the_hit_policy_in_the_language(name: str) -> None:
    rs = tierkit.load_ruleset(name)
    frame = pd.DataFrame({"客户编号": ["1", "2", "3"], "销售额": [300.0, 200.0, 100.0], "订单数": [3, 2, 0],
                          "合作难度": ["对等合作", "错位合作", None], "信用等级": ["高", "低", None]})
    res = tierkit.classify(rs, frame)
    zh = summary_tables([res], "zh")[0].title
    en = summary_tables([res], "en")[0].title
    assert policy_words(rs.hit_policy, "zh") in zh and rs.hit_policy not in zh, zh
    assert rs.hit_policy in en and policy_words(rs.hit_policy, "zh") not in en, en
    assert rs.name in zh and rs.digest in zh
