"""The worksheet functions through xlwings.server.custom_functions_call, with Office.js-shaped payloads."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest
import tierkit_addin
from hypothesis import given, settings
from hypothesis import strategies as st

import tierkit

from .helpers import MINI, call, serial

HEADER = ["客户编号", "销售额", "订单数", "最近下单日期"]


def table() -> list[list[object]]:
    return [
        HEADER,
        ["C001", 25000, 8, serial("2024-06-01")],  # vip
        ["C002", "12,000", "6", serial("2024-05-01")],  # numbers as text -> vip
        ["C003", 5000, 2, serial("2023-03-15")],  # lapsed (date serial before 2024)
        ["C004", "", 1, serial("2024-04-01")],  # blank revenue: missing, NOT 0 -> not small
        ["C005", 0, 1, serial("2024-04-01")],  # a real 0 -> small
        ["", "", "", ""],  # a blank row inside the range
        ["C007", 50, 1, ""],  # blank date -> not lapsed; small
    ]


def flat(result: list[list[object]]) -> list[object]:
    assert all(len(row) == 1 for row in result)
    return [row[0] for row in result]


def test_tier_labels_with_chinese_headers_text_numbers_serial_dates_and_blanks() -> None:
    assert flat(call("tier", MINI, table())) == ["VIP", "VIP", "Lapsed", "Regular", "Small", "", "Small"]


def test_blank_cell_is_missing_never_zero() -> None:
    ids = flat(call("tier_id", MINI, table()))
    assert ids[3] == "regular"  # blank revenue would be "small" if it were read as 0
    assert ids[4] == "small"
    reasons = flat(call("tier_reason", MINI, table()))
    assert "blank" in reasons[3]


def test_tier_id_and_reason_and_chinese_labels() -> None:
    assert flat(call("tier_id", MINI, table())) == ["vip", "vip", "lapsed", "regular", "small", "", "small"]
    reasons = flat(call("tier_reason", MINI, table()))
    assert "25,000" in reasons[0] or "25000" in reasons[0]
    assert flat(call("tier", MINI, table(), "zh"))[:3] == ["重要客户", "重要客户", "流失风险"]
    zh_reasons = flat(call("tier_reason", MINI, table(), "zh"))
    assert "销售额" in zh_reasons[0]


def test_office_js_data_type_values() -> None:
    """With allowCustomDataForDataTypeAny, Excel may send typed values ({type, basicValue})."""
    rows = table()[:4]
    rows[3] = [
        "C003",
        {"type": "Double", "basicValue": 5000},
        2,
        {"type": "FormattedNumber", "basicValue": serial("2023-03-15"), "numberFormat": "yyyy-mm-dd"},
    ]
    assert flat(call("tier_id", MINI, rows)) == ["vip", "vip", "lapsed"]


def test_rule_set_from_a_range() -> None:
    rules = [
        ["id", "label", "label_zh", "when", "strategy", "color"],
        ["big", "Big", "大客户", "销售额 >= 10000", "Call", "#1b5e20"],
        ["rest", "Rest", "其他", "default", "", ""],
    ]
    rows = [["客户", "销售额"], ["a", 20000], ["b", 10], ["c", "15,000"]]
    # a header that is not a valid rule-engine name needs fields; use a plain header instead
    rows[0] = ["customer", "revenue"]
    rules[1][3] = "revenue >= 10000"
    assert flat(call("tier", rules, rows)) == ["Big", "Rest", "Big"]
    assert flat(call("tier", rules, rows, "zh")) == ["大客户", "其他", "大客户"]


def test_builtin_rule_set_by_name() -> None:
    assert "abc" in tierkit.builtin_names()
    rows = [["Customer ID", "Revenue"], ["a", 1000], ["b", 100], ["c", 10], ["d", ""]]
    ids = flat(call("tier_id", "abc", rows))
    assert ids[0] == "A" and ids[2] == "C" and len(ids) == 4


@pytest.mark.parametrize(
    ("rule_set", "rows", "needle"),
    [
        ("no_such_rules", [["a"], [1]], "no rule set named"),
        (MINI, [["foo", "bar"], [1, 2]], "unknown column"),
        (MINI, [[1, 2], [3, 4]], "header"),
        (MINI, [["revenue"]], "no data rows"),
        ("", [["revenue"], [1]], "no rule set given"),
    ],
)
def test_errors_are_one_readable_line_in_the_cell(
    rule_set: str, rows: list[list[object]], needle: str
) -> None:
    result = call("tier", rule_set, rows)
    assert len(result) == 1 and len(result[0]) == 1
    text = result[0][0]
    assert text.startswith("tierkit: ")
    assert needle in text
    assert "Traceback" not in text and "\n" not in text


def test_rfm_score() -> None:
    recency = ["Recency", 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560]
    frequency = ["Orders", 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    monetary = ["Revenue", "1,000", 900, 800, 700, 600, 500, 400, 300, 200, 100]
    scores = flat(call("rfm_score", recency, frequency, monetary))
    assert scores[0] == "RFM"
    assert scores[1] == 555 and scores[-1] == 111
    assert all(isinstance(s, int) and 111 <= s <= 555 for s in scores[1:])


def test_rfm_score_blank_is_not_scored_and_dates_are_recent_is_better() -> None:
    recency = [serial("2024-06-01"), serial("2024-01-01"), ""]
    scores = flat(call("rfm_score", recency, [3, 1, 2], [300, 100, 200]))
    assert scores[2] == ""
    assert scores[0] > scores[1]  # the later last-order date gets the better R score


def test_abc_class_and_pareto_share() -> None:
    values = ["Revenue", 100, 50, "", "30", 10, 0]
    assert flat(call("abc_class", values)) == ["ABC", "A", "A", "", "A", "B", "C"]
    assert flat(call("abc_class", values, 0.5, 0.8)) == ["ABC", "A", "B", "", "B", "C", "C"]
    # a blank (or 0) share argument means the default, never a 0 cut-off
    assert flat(call("abc_class", values, "", 0)) == flat(call("abc_class", values))
    shares = flat(call("pareto_share", values))
    assert shares[0] == "Pareto share" and shares[1] == 0.0 and shares[3] == ""
    assert shares[2] == pytest.approx(100 / 190)
    assert shares[6] == 1.0


def test_abc_class_bad_shares() -> None:
    assert "a_share" in call("abc_class", [1, 2, 3], 0.9, 0.5)[0][0]


def test_tier_rules_table() -> None:
    rows = call("tier_rules", MINI)
    assert rows[0] == ["id", "label", "when", "strategy"]
    assert [r[0] for r in rows[1:]] == ["vip", "lapsed", "small", "regular"]
    assert rows[1][3] == "Visit every month"
    zh = call("tier_rules", MINI, "zh")
    assert zh[0][1] == "层级" and zh[1][1] == "重要客户" and zh[-1][2].startswith("其他")


def test_metadata_declares_type_any_so_blanks_arrive_as_empty_text() -> None:
    from xlwings.server import custom_functions_meta

    meta = custom_functions_meta(tierkit_addin)
    names = {f["name"] for f in meta["functions"]}
    assert names == {n.upper() for n in tierkit_addin.FUNCTIONS}
    for f in meta["functions"]:
        assert f["description"]
        for p in f["parameters"]:
            assert p["type"] == "any" and p["dimensionality"] == "matrix"
    tier = next(f for f in meta["functions"] if f["name"] == "TIER")
    assert [p.get("optional", False) for p in tier["parameters"]] == [False, False, True]


def test_every_function_and_script_is_documented_with_an_example() -> None:
    for name in (*tierkit_addin.FUNCTIONS, *tierkit_addin.SCRIPTS):
        doc = inspect.getdoc(getattr(tierkit_addin, name))
        assert doc, name
    for name in tierkit_addin.FUNCTIONS:
        assert "Example: =TIERKIT." in inspect.getdoc(getattr(tierkit_addin, name)), name


# --------------------------------------------------------------------------- ABC / RFM through the rule sets


def test_abc_class_default_shares_come_from_the_abc_rule_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from tierkit_addin import core

    values = ["Revenue", 100, 50, "", "30", 10, 0]
    edited = tierkit.load_ruleset("abc", params={"a_cutoff": 0.5, "b_cutoff": 0.8})
    monkeypatch.setattr(core, "load_named", lambda name: edited if name == "abc" else tierkit.load_ruleset(name))
    assert flat(call("abc_class", values, "", "")) == ["ABC", "A", "B", "", "B", "C", "C"]
    # an argument overrides the rule file's cut-off
    assert flat(call("abc_class", values, 0.8, 0.95)) == ["ABC", "A", "A", "", "A", "B", "C"]


@given(st.lists(st.one_of(st.none(), st.integers(-5, 1000)), min_size=1, max_size=40),
       st.sampled_from([(0.8, 0.95), (0.5, 0.8), (0.7, 0.9)]))
@settings(max_examples=40, deadline=None)
def test_abc_class_agrees_with_the_engine(values: list[int | None], shares: tuple[float, float]) -> None:
    from tierkit_addin import core

    a, b = shares
    got = [r[0] for r in core.abc_column([[v] for v in values], a, b)]
    present = [v for v in values if v is not None]
    if present:
        rs = tierkit.load_ruleset("abc", params={"a_cutoff": a, "b_cutoff": b})
        tiers = iter(tierkit.classify(rs, pd.DataFrame({"revenue": [float(v) for v in present]})).tier_ids())
    expected = ["" if v is None else next(tiers) for v in values]
    assert got == expected


def _rfm_engine(recency: list[float], frequency: list[float], monetary: list[float]) -> list[int | str]:
    """The RFM codes the rfm rule set gives a customer table (tierkit apply --rules rfm)."""
    frame = pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(recency))], "recency_days": recency,
                          "frequency": frequency, "revenue": monetary})
    res = tierkit.classify(tierkit.load_ruleset("rfm"), frame)
    scores = res.binding.frame[["r_score", "f_score", "m_score"]]
    return ["" if row.isna().any() else int(row.iloc[0]) * 100 + int(row.iloc[1]) * 10 + int(row.iloc[2])
            for _, row in scores.iterrows()]


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 30), st.integers(0, 5000)), min_size=1, max_size=40))
@settings(max_examples=25, deadline=None)
def test_rfm_score_agrees_with_the_rfm_rule_set(rows: list[tuple[int, int, int]]) -> None:
    from tierkit_addin import core

    r, f, m = (list(col) for col in zip(*rows, strict=True))
    got = [c[0] for c in core.rfm_scores(r, f, m)]
    assert got == _rfm_engine(r, f, m)


def test_rfm_score_customers_with_no_orders_are_not_scored() -> None:
    scores = flat(call("rfm_score", [10, 20, 30, 40], [3, 0, 2, 1], [300, 100, 200, 50]))
    assert scores[1] == "" and all(isinstance(s, int) for s in scores[:1] + scores[2:])


def test_rfm_score_dates_score_like_days_before_the_latest() -> None:
    days = [0, 12, 45, 45, 200, 365, 30]
    dates = [serial("2024-12-31") - d for d in days]
    freq, money = [5, 4, 3, 2, 1, 6, 2], [900, 800, 700, 600, 500, 400, 300]
    assert flat(call("rfm_score", dates, freq, money)) == flat(call("rfm_score", days, freq, money))


def test_rfm_score_is_vectorised() -> None:
    import time

    from tierkit_addin import core

    n = 50_000
    r = [i % 700 for i in range(n)]
    f = [1 + i % 17 for i in range(n)]
    m = [100 + (i * 37) % 9000 for i in range(n)]
    start = time.perf_counter()
    out = core.rfm_scores(r, f, m)
    assert len(out) == n and time.perf_counter() - start < 10
