"""value, lifecycle, fit, profit, stages, grouping: known answers on hand-made tables (boundaries)."""

from __future__ import annotations

import pandas as pd

import tierkit

from .helpers import classify, load, on_sample


def test_value_boundaries() -> None:
    rows = {
        "revenue": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0],
        "frequency": [9] * 8 + [6, 5, 6],
        "recency_days": [10, 10, 10, 10, 10, 366, 365, 10, 180, 10, 181],
    }
    # percent ranks 0, .1, ... 1.0: medium from .5 (index 5), high from .8 (index 8)
    assert classify("value", rows) == [
        "low", "low", "low", "low", "low",
        "low",  # .5 but 366 days > lapsed_days
        "medium",  # .6 and 365 days
        "medium",  # .7
        "high",  # .8, 6 orders, 180 days
        "medium",  # .9 but 5 orders
        "medium",  # 1.0 but 181 days
    ]  # fmt: skip


def test_lifecycle_boundaries() -> None:
    rows = {
        "frequency": [0, None, 3, 12, 12, 1, 2, 12],
        "recency_days": [None, None, 366, 90, 91, 365, 5, 90],
        "tenure_days": [None, None, 900, 365, 900, 365, 30, 364],
        "revenue": [None, None, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    }
    assert classify("lifecycle", rows) == [
        "potential", "potential", "churned", "loyal", "regular", "one_time", "regular", "regular",
    ]  # fmt: skip


def test_lifecycle_from_dates() -> None:
    rows = {
        "Orders": [1, 15],
        "First order": ["2024-01-01", "2023-01-01"],
        "Last order": ["2024-01-01", "2024-12-31"],
        "Revenue": [10.0, 900.0],
    }
    result = tierkit.classify(load("lifecycle"), pd.DataFrame(rows))
    assert result.tier_ids() == ["one_time", "loyal"]
    assert result.binding.frame["tenure_days"].tolist() == [365, 730]


def test_fit_avoid_carries_the_risk_reason() -> None:
    rows = {
        "revenue": [100.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 5.0],
        "gross_profit": [30.0, 27.0, 24.0, 7.0, 12.0, 10.0, 8.0, 6.0, 1.0, 1.0, 0.5],
        "信用风险": ["高", None, None, None, None, None, "中", None, None, None, None],
        "政治风险": ["是", None, None, None, None, None, None, None, None, None, None],
    }
    result = tierkit.classify(load("fit"), pd.DataFrame(rows))
    # ranks: 1 .9 .8 .7 .6 .5 .4 .3 .2 .1 0 ; margin rates .3 .3 .3 .1 .2 .2 .2 .2 .05 .1 .1
    assert result.tier_ids() == [
        "avoid", "ideal", "ideal", "regular", "good", "good", "reluctant", "regular", "reluctant",
        "regular", "regular",
    ]  # fmt: skip
    assert result.binding.frame["avoid_reason"].iloc[0] == "credit risk 信用风险, political risk 政治风险"
    assert "credit risk 信用风险" in result.reasons()[0]
    assert load("fit").segment("avoid").risk_reason == "avoid_reason"


def test_profit_boundaries() -> None:
    rows = {
        "gross_profit": [1000.0, 100.0, 100.0, 100.0, 100.0, None],
        "service_cost": [0.0, 101.0, 50.0, 49.0, 100.0, 5.0],
    }
    # net 1000, -1, 50, 51, 0, blank ; the first customer alone brings > 80% of positive net profit
    assert classify("profit", rows) == [
        "profit_star", "loss_making", "thin_margin", "profitable", "thin_margin", "no_cost_data",
    ]  # fmt: skip


def test_profit_sample_shows_the_30_50_finding() -> None:
    ids = pd.Series(on_sample("profit", "distributor").tier_ids())
    assert 0.2 <= (ids == "loss_making").mean() <= 0.4
    assert (ids == "profit_star").mean() <= 0.25


def test_grouping_region() -> None:
    rows = {"区域": ["华东", "East", "西北", None, "Mars", "华南"], "revenue": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}
    rs = tierkit.load_ruleset("grouping_region", params={"key_pct": 1.5})  # no key accounts
    assert classify(rs, rows) == ["east", "east", "northwest", "other_region", "other_region", "south"]
    two_regions = {"region": ["华东", "华东", "华北"], "revenue": [1.0, 9.0, 5.0]}
    # a region with one customer: its percent rank is 0, so it is not a key account
    assert classify("grouping_region", two_regions) == ["east", "east_key", "north"]


def _profile(name: str, rows: dict[str, list]) -> list[list[str]]:
    frame = pd.DataFrame(rows)
    frame["revenue"] = 1.0  # the measure
    result = tierkit.classify(load(name), frame)
    segs = result.ruleset.segments
    return [sorted(segs[k].id for k in hits) for hits in result.collected or []]


def test_stages_presale() -> None:
    rows = {
        "获客渠道": ["自然流量", "强推", "推销", None, "推销"],
        "frequency": [5, 4, 2, None, 0],
        "timed_orders": [5, 4, 2, None, 0],
        "deal_share": [0.5, 0.49, 0.9, None, None],  # orders in promotions or at month end
        "信用等级": ["高", "低", "普通", None, "普通"],
        "逾期次数": [0, 0, 2, None, 0],
        "财务风险": [None, None, None, "中", None],
    }
    # purchase timing comes from the order dates (price_share 0.5 inclusive, at least 3 dated orders);
    # a customer with no orders is "no purchases yet"
    assert _profile("stages_presale", rows) == [
        ["acq_low", "risk_low", "timing_price"],
        ["acq_high", "risk_high", "timing_convenience"],
        ["acq_medium", "risk_medium", "timing_few"],
        ["acq_unknown", "risk_medium", "timing_unknown"],
        ["acq_medium", "risk_low", "timing_none"],
    ]


def test_stages_midsale() -> None:
    rows = {
        "active_months_12m": [9, 8, 3, 2, None],
        "distinct_products": [1, 2, 0, None, 5],
        "我方份额": [0.5, 0.49, 0.2, 0.19, None],
    }
    assert _profile("stages_midsale", rows) == [
        ["breadth_product", "freq_continuous", "share_strategic"],
        ["breadth_brand", "freq_intermittent", "share_ordinary"],
        ["breadth_unknown", "freq_intermittent", "share_ordinary"],
        ["breadth_unknown", "freq_disloyal", "share_occasional"],
        ["breadth_brand", "freq_unknown", "share_unknown"],
    ]


def test_stages_postsale() -> None:
    rows = {"合作难度": ["错位合作", "对等合作", None], "信用等级": ["高", "普通", "低"]}
    assert _profile("stages_postsale", rows) == [
        ["credit_high", "difficulty_mismatched"],
        ["credit_ordinary", "difficulty_peer"],
        ["credit_low", "difficulty_unknown"],
    ]


def test_stages_expected() -> None:
    rows = {
        "growth": [0.2, 0.19, -0.1, -0.11, None],
        "gross_profit": [300.0, 299.0, 100.0, 99.0, None],
        "service_cost": [100.0] * 5,
        "高层关系": ["有", "无", None, "是", "否"],
    }
    assert _profile("stages_expected", rows) == [
        ["efficiency_high", "executive_yes", "growth_high"],
        ["efficiency_ordinary", "executive_no", "growth_steady"],
        ["efficiency_ordinary", "executive_unknown", "growth_steady"],
        ["efficiency_low", "executive_yes", "growth_declining"],
        ["efficiency_unknown", "executive_no", "growth_unknown"],
    ]


def test_behaviour_known_answers() -> None:
    rows = {
        "客户编号": ["a", "b", "c", "d", "e"],
        "订单数": [12, 11, 1, 0, 30],
        "active_months_12m": [None, None, None, None, 5],
        "使用习惯": ["门店为主", "线上为主", "线上线下", None, "其他"],
        "反馈": ["投诉", "建议", "好评", None, "好评"],
        "服务评价": [4, 3, 2.5, 2, None],
    }
    # 12 orders is frequent without months (boundary inclusive); months decide when given (5 < 6)
    assert _profile("behaviour", rows) == [
        ["buy_frequent", "feedback_complaint", "service_satisfied", "usage_store"],
        ["buy_occasional", "feedback_suggestion", "service_neutral", "usage_online"],
        ["buy_occasional", "feedback_praise", "service_neutral", "usage_both"],
        ["buy_none", "feedback_none", "service_dissatisfied", "usage_unknown"],
        ["buy_occasional", "feedback_praise", "service_unrated", "usage_unknown"],
    ]


def test_needs_known_answers() -> None:
    rows = {
        "关注点": ["价格", "品质", None, None, None],
        "timed_orders": [0, 9, 5, 5, 2],
        "deal_share": [None, 0.9, 0.5, 0.49, 1.0],
    }
    # a stated concern first; without one, deal timing (price_share 0.5 inclusive, at least 3 dated orders)
    assert classify("needs", rows) == [
        "price_sensitive", "quality_sensitive", "price_sensitive", "quality_sensitive", "needs_unknown",
    ]  # fmt: skip


def test_attack_defense_known_answers() -> None:
    rows = {"订单数": [0, 3, 3, None], "最近购买天数": [None, 365, 366, None]}
    assert classify("attack_defense", rows) == ["potential", "existing", "lost", "potential"]


def test_user_type_known_answers() -> None:
    rows = {"用户类型": ["普通用户", None, None, None], "技术支持次数": [9, 3, 2, None]}
    assert classify("user_type", rows) == ["ordinary", "professional", "ordinary", "user_type_unknown"]


