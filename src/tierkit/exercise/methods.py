"""The built-in exercise plugins (abc, rfm, value, lifecycle, fit): data generators, shown columns, level-3
questions and the method texts.  Cut-offs, labels and numbers come from the rule set (``param``,
``label``); the numbers written here only shape the random data (sizes, spreads)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ruleset.model import RuleSet, Text
from .model import Threshold
from .plugin import (
    ExercisePlugin,
    as_of_minus,
    cut,
    days,
    far,
    ids,
    keep,
    label,
    num,
    param,
    pct,
    register,
    unique_money,
    with_dates,
)

_RISKS = ("product_risk", "financial_risk", "credit_risk")
_RISK_WORDS = {"en": ("low", "medium", "high"), "zh": ("低", "中", "高")}


def _labels(rs: RuleSet, lang: str, *segment_ids: str) -> list[str]:
    return [label(rs, s, lang) for s in segment_ids]


# ---------------------------------------------------------------- ABC

def _abc_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ids(rng, n), "revenue": unique_money(rng, n, 11.0, 1.15)})


def _abc_ok(rs: RuleSet, frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return (all(counts.get(t, 0) >= 2 for t in "ABC")
            and far(frame["revenue_cum_share"], [param(rs, "a_cutoff"), param(rs, "b_cutoff")], 0.0005))


def _abc_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    tiers = pd.Series(tier_ids, index=frame.index)
    return keep([
        cut("a_min_revenue", Text("A · lowest revenue of an A customer (A: revenue ≥ this)",
                                  "A类：A类客户的最低销售额（销售额 ≥ 此值为A类）"),
            "money", frame["revenue"], tiers == "A", ">="),
        cut("b_min_revenue", Text("B · lowest revenue of a B customer (A or B: revenue ≥ this)",
                                  "B类：B类客户的最低销售额（销售额 ≥ 此值为A或B类）"),
            "money", frame["revenue"], tiers.isin(["A", "B"]), ">="),
    ])


def _abc_text(rs: RuleSet, lang: str) -> str:
    a, b = pct(param(rs, "a_cutoff")), pct(param(rs, "b_cutoff"))
    la, lb, lc = _labels(rs, lang, "A", "B", "C")
    if lang == "zh":
        return ("按销售额从高到低排列客户。对每位客户，计算排在它之前的客户销售额合计占总销售额的比例（第一名为0）。"
                f"{la}：该比例小于{a}；{lb}：小于{b}；其余为{lc}。")
    return ("Rank the customers by revenue, largest first. For each customer take the share of total revenue "
            f"held by the customers ranked ABOVE it (the top customer has 0). {la}: that share is below {a}. "
            f"{lb}: below {b}. {lc}: everyone else.")


# ---------------------------------------------------------------- RFM

def _rfm_bins(rs: RuleSet) -> int:
    from ..features.kinds import QuantileScore

    spec = next((f for f in rs.features if isinstance(f, QuantileScore) and f.output == "r_score"), None)
    return spec.bins if spec is not None else 5


def _rfm_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    frequency = np.minimum(1 + rng.geometric(0.22, n), 40)
    aov = rng.lognormal(7.0, 0.5, n)
    revenue = np.round(frequency * aov / 10) * 10
    recency = np.minimum(rng.exponential(120, n).astype(int), 720)
    frame = pd.DataFrame({"customer_id": ids(rng, n), "recency_days": recency, "frequency": frequency,
                          "revenue": revenue})
    return with_dates(frame, last_purchase="recency_days")


def _rfm_ok(rs: RuleSet, frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return len(counts) >= (4 if level == 1 else 6)


def _rfm_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    out: list[Threshold | None] = []
    for score, column, op, kind, en, zh in (
            ("r_score", "recency_days", "<=", "int", "days since last order at most", "距最近下单天数不超过"),
            ("f_score", "frequency", ">=", "int", "orders at least", "订单数不少于"),
            ("m_score", "revenue", ">=", "money", "revenue at least", "销售额不低于")):
        letter = score[0].upper()
        scores = pd.to_numeric(frame[score], errors="coerce")
        for k in range(2, _rfm_bins(rs) + 1):
            out.append(cut(f"{score}_{k}", Text(f"{letter} score ≥ {k}: {en}", f"{letter}分 ≥ {k}：{zh}"), kind,
                           frame[column], scores >= k, op))
    return keep(out)


def _conditions(rs: RuleSet, lang: str, names: dict[str, str]) -> str:
    """Every segment of the rule file with its condition in plain words, in order."""
    import rule_engine

    from .. import describe_when

    words = {**names, **{k: num(v) for k, v in rs.params.items()}}
    context = rule_engine.Context(default_value=None)
    parts = []
    for seg in rs.conditional_segments:
        assert seg.when is not None
        when = describe_when(rule_engine.Rule(seg.when, context=context).statement, lang, words)
        parts.append(f"{seg.label.get(lang)}{'：' if lang == 'zh' else ': '}{when}")
    return ("；" if lang == "zh" else "; ").join(parts)


def _rfm_text(rs: RuleSet, lang: str) -> str:
    bins = _rfm_bins(rs)
    rules = _conditions(rs, lang, {"r_score": "R", "f_score": "F", "m_score": "M", "fm_score": "FM"})
    if lang == "zh":
        how = "五分位" if bins == 5 else f"{bins}分位"
        return (f"按{how}给每位客户的R（距最近下单天数，天数越少分越高）、F（订单数）、M（销售额）打1-{bins}分"
                f"（平均秩法：n位客户中平均排名为r的数值得分为 floor((r-0.5)/n×{bins})+1，数值相同得分相同）。"
                f"令FM=F+M，取第一个符合的细分：{rules}。")
    how = "quintile" if bins == 5 else f"{bins} equal groups"
    return (f"Score each customer 1-{bins} on Recency (days since the last order; fewer days = higher score), "
            f"Frequency (orders) and Monetary (revenue) by {how} (mid-rank: a value's average rank r among "
            f"n customers gives score floor((r - 0.5) / n * {bins}) + 1; equal values share a score). Then "
            f"FM = F + M and the segment is the first that matches: {rules}.")


# ---------------------------------------------------------------- value tiers

def _value_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    revenue = unique_money(rng, n, 10.6, 1.2)
    rank = pd.Series(revenue).rank(pct=True).to_numpy()
    frequency = np.maximum(1, np.round(rng.normal(2 + 10 * rank, 2.5))).astype(int)
    recency = np.minimum(rng.exponential(160, n).astype(int), 720)
    frame = pd.DataFrame({"customer_id": ids(rng, n), "revenue": revenue, "frequency": frequency,
                          "recency_days": recency})
    return with_dates(frame, last_purchase="recency_days")


def _value_ok(rs: RuleSet, frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    least = 1 if level == 1 else 2
    return all(counts.get(t, 0) >= least for t in ("high", "medium", "low"))


def _value_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    pct_rank = pd.to_numeric(frame["revenue_pct"], errors="coerce")
    recency = pd.to_numeric(frame["recency_days"], errors="coerce")
    high, medium = param(rs, "high_pct"), param(rs, "medium_pct")
    active, lapsed = days(rs, "active_days"), days(rs, "lapsed_days")
    return keep([
        cut("high_revenue", Text(f"Top {pct(1 - high)}: revenue at least", f"前{pct(1 - high)}：销售额不低于"),
            "money", frame["revenue"], pct_rank >= high, ">="),
        cut("medium_revenue", Text(f"Top {pct(1 - medium)}: revenue at least", f"前{pct(1 - medium)}：销售额不低于"),
            "money", frame["revenue"], pct_rank >= medium, ">="),
        cut("active_since", Text(f"Bought within {active} days: last order on or after",
                                 f"{active}天内有购买：最近下单日期不早于"),
            "date", frame["last_purchase"], recency <= active, ">=", prefer=as_of_minus(active)),
        cut("lapsed_since", Text(f"Bought within {lapsed} days: last order on or after",
                                 f"{lapsed}天内有购买：最近下单日期不早于"),
            "date", frame["last_purchase"], recency <= lapsed, ">=", prefer=as_of_minus(lapsed)),
    ])


def _value_text(rs: RuleSet, lang: str) -> str:
    high, medium, orders = num(param(rs, "high_pct")), num(param(rs, "medium_pct")), num(param(rs, "high_min_orders"))
    active, lapsed = days(rs, "active_days"), days(rs, "lapsed_days")
    lh, lm, ll = _labels(rs, lang, "high", "medium", "low")
    if lang == "zh":
        return (f"销售额百分位 =（销售额更低的客户数）/（客户数-1）。{lh}：百分位≥{high}，且订单数≥{orders}，"
                f"且{active}天内有购买。{lm}：（百分位≥{medium}且{lapsed}天内有购买）或百分位≥{high}。其余为{ll}。")
    return (f"Revenue percent rank = (number of customers with less revenue) / (customers - 1). {lh}: "
            f"percent rank ≥ {high} AND at least {orders} orders AND last order within {active} days. {lm}: "
            f"(percent rank ≥ {medium} AND last order within {lapsed} days) OR percent rank ≥ {high}. "
            f"{ll}: everyone else.")


# ---------------------------------------------------------------- lifecycle

def _lifecycle_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    churn, active, orders = days(rs, "churn_days"), days(rs, "loyal_active_days"), days(rs, "loyal_min_orders")
    rows: list[tuple[int, int | None, int | None]] = []
    kinds = rng.choice(["potential", "one", "churned", "loyal", "regular"], size=n, p=[0.1, 0.17, 0.2, 0.23, 0.3])
    for kind in kinds:  # each kind drawn around the rule set's cut-offs, so every tier shows up
        if kind == "potential":
            rows.append((0, None, None))
            continue
        if kind == "one":
            recency = int(rng.integers(0, churn + 335))
            rows.append((1, recency, recency))
            continue
        if kind == "churned":
            recency = int(rng.integers(max(1, churn - 65), churn + 535))
            freq = int(rng.integers(2, orders + 4))
        elif kind == "loyal":
            recency = int(rng.integers(0, active + 30))
            freq = int(rng.integers(max(1, orders - 3), orders + 28))
        else:
            recency = int(rng.integers(0, churn + 35))
            freq = int(rng.integers(2, orders + 8))
        tenure = recency + int(rng.integers(30, 1200))
        rows.append((freq, recency, tenure))
    frame = pd.DataFrame(rows, columns=["frequency", "recency_days", "tenure_days"])
    frame.insert(0, "customer_id", ids(rng, n))
    frame = with_dates(frame, last_purchase="recency_days", first_purchase="tenure_days")
    for column in ("recency_days", "tenure_days"):
        frame[column] = frame[column].astype("Int64")
    return frame[["customer_id", "frequency", "first_purchase", "last_purchase", "tenure_days", "recency_days"]]


def _lifecycle_ok(rs: RuleSet, frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return all(counts.get(t, 0) >= 1 for t in ("potential", "churned", "loyal", "one_time", "regular"))


def _lifecycle_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    recency = pd.to_numeric(frame["recency_days"], errors="coerce")
    tenure = pd.to_numeric(frame["tenure_days"], errors="coerce")
    churn, tenure_min, active = days(rs, "churn_days"), days(rs, "loyal_min_tenure_days"), days(rs, "loyal_active_days")
    lc, ll = _labels(rs, "en", "churned", "loyal")
    zc, zl = _labels(rs, "zh", "churned", "loyal")
    return keep([
        cut("churn_before", Text(f"{lc}: last order before", f"{zc}：最近下单日期早于"), "date",
            frame["last_purchase"], recency > churn, "<", prefer=as_of_minus(churn)),
        cut("loyal_first_by", Text(f"{ll}: first order on or before", f"{zl}：首次下单日期不晚于"), "date",
            frame["first_purchase"], tenure >= tenure_min, "<=", prefer=as_of_minus(tenure_min)),
        cut("loyal_last_since", Text(f"{ll}: last order on or after", f"{zl}：最近下单日期不早于"), "date",
            frame["last_purchase"], recency <= active, ">=", prefer=as_of_minus(active)),
    ])


def _lifecycle_text(rs: RuleSet, lang: str) -> str:
    churn, orders = days(rs, "churn_days"), days(rs, "loyal_min_orders")
    tenure, active = days(rs, "loyal_min_tenure_days"), days(rs, "loyal_active_days")
    lp, lc, ll, lo, lr = _labels(rs, lang, "potential", "churned", "loyal", "one_time", "regular")
    if lang == "zh":
        return (f"按顺序取第一个符合的：{lp}：没有订单；{lc}：距最近下单超过{churn}天；{ll}：订单数≥{orders}，"
                f"首次下单距今≥{tenure}天，且最近下单距今≤{active}天；{lo}：只有1笔订单；{lr}：2笔及以上订单。")
    return (f"Take the first that matches: {lp}: no orders. {lc}: more than {churn} days since the last "
            f"order. {ll}: at least {orders} orders, first order at least {tenure} days ago and last order within "
            f"{active} days. {lo}: exactly 1 order. {lr}: 2 or more orders.")


# ---------------------------------------------------------------- fit

def _fit_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    revenue = unique_money(rng, n, 11.0, 1.1)
    margin = np.clip(rng.normal(0.2, 0.09, n), -0.1, 0.5)
    frame = pd.DataFrame({"customer_id": ids(rng, n), "revenue": revenue,
                          "gross_profit": np.round(revenue * margin / 10) * 10})
    words = _RISK_WORDS.get(lang, _RISK_WORDS["en"])
    for column in _RISKS:
        frame[column] = rng.choice(list(words), size=n, p=[0.84, 0.11, 0.05])
    return frame


def _fit_margins(rs: RuleSet) -> list[float]:
    return [param(rs, "ideal_margin"), param(rs, "good_margin"), param(rs, "reluctant_margin")]


def _fit_ok(rs: RuleSet, frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return len(counts) >= (4 if level == 1 else 5) and far(frame["margin_rate"], _fit_margins(rs), 0.00005)


def _fit_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    pct_rank = pd.to_numeric(frame["revenue_pct"], errors="coerce")
    ideal, good = param(rs, "ideal_pct"), param(rs, "good_pct")
    li, lg = _labels(rs, "en", "ideal", "good")
    zi, zg = _labels(rs, "zh", "ideal", "good")
    return keep([
        cut("ideal_revenue", Text(f"{li}: top {pct(1 - ideal)} by revenue, revenue at least",
                                  f"{zi}：销售额前{pct(1 - ideal)}，销售额不低于"),
            "money", frame["revenue"], pct_rank >= ideal, ">="),
        cut("good_revenue", Text(f"{lg}: top {pct(1 - good)} by revenue, revenue at least",
                                 f"{zg}：销售额前{pct(1 - good)}，销售额不低于"),
            "money", frame["revenue"], pct_rank >= good, ">="),
    ])


def _fit_text(rs: RuleSet, lang: str) -> str:
    ideal, good = num(param(rs, "ideal_pct")), num(param(rs, "good_pct"))
    m_ideal, m_good, m_low = (pct(m) for m in _fit_margins(rs))
    la, li, lg, lr, lx = _labels(rs, lang, "avoid", "ideal", "good", "reluctant", "regular")
    if lang == "zh":
        return (f"按顺序取第一个符合的：{la}：任一风险为“高”；"
                f"{li}：销售额百分位≥{ideal}、毛利率（毛利/销售额）≥{m_ideal}且无“中”风险；"
                f"{lg}：百分位≥{good}、毛利率≥{m_good}且无“中”风险；{lr}：有“中”风险或毛利率低于{m_low}；其余为{lx}。"
                "百分位 =（销售额更低的客户数）/（客户数-1）。")
    return (f"Take the first that matches: {la}: any risk is high. {li}: revenue percent rank ≥ {ideal}, gross "
            f"margin rate (gross profit / revenue) ≥ {m_ideal} and no medium risk. {lg}: percent rank ≥ {good}, "
            f"margin rate ≥ {m_good} and no medium risk. {lr}: a medium risk or margin rate below {m_low}. "
            f"{lx}: the rest. Percent rank = (customers with less revenue) / (customers - 1).")


# ---------------------------------------------------------------- the registry

_ID, _REV, _FREQ, _GP = ("customer_id", "id"), ("revenue", "money"), ("frequency", "int"), ("gross_profit", "money")
_REC, _TEN = ("recency_days", "int"), ("tenure_days", "int")
_LAST, _FIRST = ("last_purchase", "date"), ("first_purchase", "date")
_PCT, _MARGIN = ("revenue_pct", "share"), ("margin_rate", "share")
_SCORES = tuple((f"{x}_score", "score") for x in "rfm")
_RISK_COLUMNS = tuple((name, "text") for name in _RISKS)

register(ExercisePlugin(
    "abc", _abc_draw, lambda lv: (_ID, _REV, ("revenue_cum_share", "share")) if lv == 1 else (_ID, _REV),
    _abc_ok, _abc_thresholds, _abc_text, sort_by="revenue", deciding=(("revenue_cum_share", "share"),)))
register(ExercisePlugin(
    "rfm", _rfm_draw,
    lambda lv: ((_ID, _REC, _FREQ, _REV, *_SCORES) if lv == 1 else
                (_ID, _REC, _FREQ, _REV) if lv == 2 else (_ID, _LAST, _FREQ, _REV)),
    _rfm_ok, _rfm_thresholds, _rfm_text, dated=True,
    deciding=(("r_score", "int"), ("f_score", "int"), ("m_score", "int"), ("fm_score", "int"))))
register(ExercisePlugin(
    "value", _value_draw,
    lambda lv: ((_ID, _REV, _PCT, _FREQ, _REC) if lv == 1 else
                (_ID, _REV, _FREQ, _REC) if lv == 2 else (_ID, _REV, _FREQ, _LAST)),
    _value_ok, _value_thresholds, _value_text, dated=True,
    deciding=(("revenue_pct", "share"), ("frequency", "int"), ("recency_days", "int"))))
register(ExercisePlugin(
    "lifecycle", _lifecycle_draw,
    lambda lv: (_ID, _FREQ, _TEN, _REC) if lv == 1 else (_ID, _FREQ, _FIRST, _LAST),
    _lifecycle_ok, _lifecycle_thresholds, _lifecycle_text, dated=True,
    deciding=(("frequency", "int"), ("tenure_days", "int"), ("recency_days", "int"))))
register(ExercisePlugin(
    "fit", _fit_draw,
    lambda lv: (_ID, _REV, _PCT, _GP, _MARGIN, *_RISK_COLUMNS) if lv == 1 else (_ID, _REV, _GP, *_RISK_COLUMNS),
    _fit_ok, _fit_thresholds, _fit_text,
    deciding=(("revenue_pct", "share"), ("margin_rate", "share"), ("caution_reason", "text"))))
