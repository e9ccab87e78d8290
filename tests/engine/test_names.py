"""One header-matching rule (tierkit.names) for bind, the features and the briefs: they agree on tricky headers."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tierkit
from tierkit.features import find_column
from tierkit.names import HeaderIndex, find_header, normalise_header
from tierkit.reporting.build import _Builder

RULES = """
name: t
title: t
measure: revenue
fields:
  revenue: {type: float, aliases: [销售额, Sales Amount]}
  customer_id: {type: string, aliases: [客户编号, Member No]}
segments:
  - {id: big, when: "revenue >= 10 and customer_id != ''"}
  - {id: rest, default: true}
"""

#: the same fields, read only by the briefs (key fields), not by the rules
UNUSED_BY_RULES = RULES.replace("measure: revenue\n", "").replace(
    "revenue >= 10 and customer_id != ''", "n >= 0")

#: (headers of a table, name asked for, the header that must be found or None)
CASES = [
    (["revenue", "customer_id"], "revenue", "revenue"),
    ([" Revenue ", "customer_id"], "revenue", " Revenue "),
    (["REVENUE", "customer_id"], "revenue", "REVENUE"),
    (["Ｒｅｖｅｎｕｅ", "customer_id"], "revenue", "Ｒｅｖｅｎｕｅ"),  # full-width letters
    (["revenue", "Customer ID"], "customer_id", "Customer ID"),
    (["revenue", "customer-id"], "customer_id", "customer-id"),
    (["revenue", "CustomerID"], "customer_id", "CustomerID"),
    (["revenue", "Customer\u3000ID"], "customer_id", "Customer\u3000ID"),  # ideographic space
    (["revenue", "客户编号"], "customer_id", "客户编号"),  # Chinese alias
    (["revenue", "客户 编号"], "customer_id", "客户 编号"),
    (["revenue", "member_no"], "customer_id", "member_no"),  # alias with a space read as an underscore
    (["销售额（元）", "customer_id"], "revenue", None),  # an alias is not a prefix
    (["sales_amount", "customer_id"], "revenue", "sales_amount"),
    (["Sales Amount ", "revenue ", "customer_id"], "revenue", "revenue "),  # same level: the name, then aliases
    (["Revenue", "销售额", "customer_id"], "revenue", "销售额"),  # an exact alias beats a folded name
    (["Revenue", "revenue", "customer_id"], "revenue", "revenue"),  # exact beats folded
    (["REVENUE", "Revenue", "customer_id"], "revenue", "REVENUE"),  # same level: the leftmost
    (["rev", "customer_id"], "revenue", None),
]


@pytest.mark.parametrize(("headers", "name", "expected"), CASES)
def test_features_and_briefs_and_bind_find_the_same_header(headers: list[str], name: str,
                                                           expected: str | None) -> None:
    rs = tierkit.parse_ruleset(RULES)
    frame = pd.DataFrame({h: [20.0 if h != "customer_id" else "c1"] for h in headers})
    frame = frame.astype({h: object for h in headers if "id" in h.lower() or "编号" in h or "member" in h.lower()})
    assert find_column(frame, name, rs.fields) == expected
    assert find_header(frame.columns, [name, *rs.fields[name].aliases]) == expected
    other = "customer_id" if name == "revenue" else "revenue"
    if expected is None or find_column(frame, other, rs.fields) is None:
        with pytest.raises(tierkit.RuleFileError):
            tierkit.classify(rs, frame)
        return
    assert tierkit.classify(rs, frame).binding.headers[name] == expected


@pytest.mark.parametrize(("headers", "name", "expected"), CASES)
def test_the_briefs_find_the_header_bind_finds(headers: list[str], name: str, expected: str | None) -> None:
    frame = pd.DataFrame({h: ["v"] for h in headers}).assign(n=1.0)
    result = tierkit.classify(tierkit.parse_ruleset(UNUSED_BY_RULES), frame)
    assert result.binding.column_of(name) == expected
    assert _Builder(result, "en", 5, False)._column(name) == expected


def test_normalise_header() -> None:
    assert normalise_header("Customer ID") == "customer_id"
    assert normalise_header("  Customer--ID  ") == "customer_id"
    assert normalise_header("ＲＦＭ　Score") == "rfm_score"
    assert normalise_header("金额（元）") == "金额_元"
    assert normalise_header("Straße") == "strasse"
    assert normalise_header(2024) == "2024"


def test_non_text_headers_match_by_their_text() -> None:
    index = HeaderIndex([2024, "x"])
    assert index.find("2024") == 2024
    assert index.find(["y", "X"]) == "x"


def test_punctuation_only_names_never_match_by_normalising() -> None:
    assert find_header(["#", "x"], "%") is None
    assert find_header(["#", "x"], "#") == "#"


@given(st.lists(st.text(max_size=6), min_size=1, max_size=5, unique=True), st.text(max_size=6))
def test_an_exact_header_always_wins(headers: list[str], name: str) -> None:
    found = find_header(headers, name)
    if name in headers:
        assert found == name
    elif found is not None:
        assert found in headers
