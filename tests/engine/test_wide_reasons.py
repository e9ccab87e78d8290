"""A reason of a wide ``and`` stays short and is built in one pass: the first conditions, then a count."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tierkit import classify, parse_ruleset
from tierkit.reasons import MAX_CONDITIONS


def test_a_wide_and_lists_the_first_conditions_and_counts_the_rest() -> None:
    terms = 150
    when = " and ".join(f"x >= {-k}" for k in range(terms))
    rs = parse_ruleset(f"""
name: wide
title: Wide
fields:
  x: {{type: float}}
segments:
  - {{id: hit, label: Hit, when: "{when}"}}
  - {{id: other, label: Other, default: true}}
""")
    frame = pd.DataFrame({"x": np.arange(5000, dtype=float)})
    res = classify(rs, frame)
    reasons = res.reasons("en")
    assert set(res.tier_ids()) == {"hit"}
    first = reasons[0]
    assert first.count(";") == MAX_CONDITIONS and first.endswith(f"… and {terms - MAX_CONDITIONS} more conditions")
    assert first.startswith("x 0 ≥ 0")
    assert "另有 130 个条件" in res.reasons("zh")[1]
