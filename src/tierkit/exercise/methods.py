"""The built-in exercise plugins (abc, rfm, value, lifecycle, fit): data generators, shown columns, level-3
questions and the method texts.  Cut-offs, labels and numbers come from the rule set (``param``,
``label``); the numbers written here only shape the random data (sizes, spreads)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import mark, tr, trc
from ..ruleset.model import RuleSet, Text
from .model import Threshold
from .plugin import (
    ExercisePlugin,
    as_of_minus,
    cut,
    days,
    far,
    ids,
    in_every_language,
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
#: the risk levels of the fit data, in the student's language; a translation must be one of the ``levels`` the
#: fit rule file's flags accept (high: high, 高 ...; medium: medium, 中 ...)
_RISK_WORDS = (mark("risk level", "low"), mark("risk level", "medium"), mark("risk level", "high"))


def _risk_word(word: str, lang: str) -> str:
    return trc(lang, "risk level", word)  # i18n: marked


def _labels(rs: RuleSet, lang: str, *segment_ids: str) -> list[str]:
    return [label(rs, s, lang) for s in segment_ids]


# ---------------------------------------------------------------- ABC

def _abc_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ids(rng, n), "revenue": unique_money(rng, n, 11.0, 1.15)})


def _abc_ok(rs: RuleSet, frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return (all(counts.get(t, 0) >= 2 for t in "ABC")
            and far(frame["cum_share"], [param(rs, "a_cutoff"), param(rs, "b_cutoff")], 0.0005))


def _abc_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    tiers = pd.Series(tier_ids, index=frame.index)
    return keep([
        cut("a_min_revenue", in_every_language(
            lambda lang: tr(lang, "A · lowest revenue of an A customer (A: revenue ≥ this)")),
            "money", frame["revenue"], tiers == "A", ">="),
        cut("b_min_revenue", in_every_language(
            lambda lang: tr(lang, "B · lowest revenue of a B customer (A or B: revenue ≥ this)")),
            "money", frame["revenue"], tiers.isin(["A", "B"]), ">="),
    ])


def _abc_text(rs: RuleSet, lang: str) -> str:
    a, b = pct(param(rs, "a_cutoff")), pct(param(rs, "b_cutoff"))
    la, lb, lc = _labels(rs, lang, "A", "B", "C")
    return tr(lang, "Rank the customers by revenue, largest first. For each customer take the share of total "
                    "revenue held by the customers ranked ABOVE it (the top customer has 0). {la}: that share is "
                    "below {a}. {lb}: below {b}. {lc}: everyone else.", la=la, lb=lb, lc=lc, a=a, b=b)


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


def _rfm_label(text: str, letter: str, k: int) -> Text:
    return in_every_language(lambda lang: trc(lang, "rfm threshold", text, letter=letter, k=k))  # i18n: marked


def _rfm_thresholds(rs: RuleSet, frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    out: list[Threshold | None] = []
    for score, column, op, kind, text in (
            ("r_score", "recency_days", "<=", "int", mark("rfm threshold", "{letter} score ≥ {k}: days since last "
                                                                          "order at most")),
            ("f_score", "frequency", ">=", "int", mark("rfm threshold", "{letter} score ≥ {k}: orders at least")),
            ("m_score", "revenue", ">=", "money", mark("rfm threshold", "{letter} score ≥ {k}: revenue at least"))):
        letter = score[0].upper()
        scores = pd.to_numeric(frame[score], errors="coerce")
        for k in range(2, _rfm_bins(rs) + 1):
            out.append(cut(f"{score}_{k}", _rfm_label(text, letter, k), kind, frame[column], scores >= k, op))
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
        parts.append(tr(lang, "{tier}: {condition}", tier=seg.label.get(lang), condition=when))
    return trc(lang, "list of conditions", "; ").join(parts)


def _rfm_text(rs: RuleSet, lang: str) -> str:
    bins = _rfm_bins(rs)
    rules = _conditions(rs, lang, {"r_score": "R", "f_score": "F", "m_score": "M", "fm_score": "FM"})
    how = tr(lang, "quintile") if bins == 5 else tr(lang, "{bins} equal groups", bins=bins)
    # the formula and its letters are placeholders: they read the same in every language
    return tr(lang, "Score each customer 1-{bins} on Recency (days since the last order; fewer days = higher "
                    "score), Frequency (orders) and Monetary (revenue) by {how} (mid-rank: a value's average rank {r} "
                    "among {n} customers gives score {formula}; equal values share a score). Then {fm} = F + M and the "
                    "segment is the first that matches: {rules}.",
              bins=bins, how=how, rules=rules, r="r", n="n", fm="FM", formula=f"floor((r - 0.5) / n * {bins}) + 1")


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
        cut("high_revenue", in_every_language(lambda lang: tr(lang, "Top {share}: revenue at least",
                                                              share=pct(1 - high))),
            "money", frame["revenue"], pct_rank >= high, ">="),
        cut("medium_revenue", in_every_language(lambda lang: tr(lang, "Top {share}: revenue at least",
                                                                share=pct(1 - medium))),
            "money", frame["revenue"], pct_rank >= medium, ">="),
        cut("active_since", in_every_language(lambda lang: tr(lang, "Bought within {days} days: last order on or after",
                                                              days=active)),
            "date", frame["last_purchase"], recency <= active, ">=", prefer=as_of_minus(active)),
        cut("lapsed_since", in_every_language(lambda lang: tr(lang, "Bought within {days} days: last order on or after",
                                                              days=lapsed)),
            "date", frame["last_purchase"], recency <= lapsed, ">=", prefer=as_of_minus(lapsed)),
    ])


def _value_text(rs: RuleSet, lang: str) -> str:
    high, medium, orders = num(param(rs, "high_pct")), num(param(rs, "medium_pct")), num(param(rs, "high_min_orders"))
    active, lapsed = days(rs, "active_days"), days(rs, "lapsed_days")
    lh, lm, ll = _labels(rs, lang, "high", "medium", "low")
    return tr(lang, "Revenue percent rank = (number of customers with less revenue) / (customers - 1). {lh}: "
                    "percent rank ≥ {high} AND at least {orders} orders AND last order within {active} days. {lm}: "
                    "(percent rank ≥ {medium} AND last order within {lapsed} days) OR percent rank ≥ {high}. "
                    "{ll}: everyone else.",
              lh=lh, lm=lm, ll=ll, high=high, medium=medium, orders=orders, active=active, lapsed=lapsed)


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
    return keep([
        cut("churn_before", in_every_language(
            lambda lang: tr(lang, "{tier}: last order before", tier=label(rs, "churned", lang))), "date",
            frame["last_purchase"], recency > churn, "<", prefer=as_of_minus(churn)),
        cut("loyal_first_by", in_every_language(
            lambda lang: tr(lang, "{tier}: first order on or before", tier=label(rs, "loyal", lang))), "date",
            frame["first_purchase"], tenure >= tenure_min, "<=", prefer=as_of_minus(tenure_min)),
        cut("loyal_last_since", in_every_language(
            lambda lang: tr(lang, "{tier}: last order on or after", tier=label(rs, "loyal", lang))), "date",
            frame["last_purchase"], recency <= active, ">=", prefer=as_of_minus(active)),
    ])


def _lifecycle_text(rs: RuleSet, lang: str) -> str:
    churn, orders = days(rs, "churn_days"), days(rs, "loyal_min_orders")
    tenure, active = days(rs, "loyal_min_tenure_days"), days(rs, "loyal_active_days")
    lp, lc, ll, lo, lr = _labels(rs, lang, "potential", "churned", "loyal", "one_time", "regular")
    return tr(lang, "Take the first that matches: {lp}: no orders. {lc}: more than {churn} days since the last "
                    "order. {ll}: at least {orders} orders, first order at least {tenure} days ago and last order "
                    "within {active} days. {lo}: exactly 1 order. {lr}: 2 or more orders.",
              lp=lp, lc=lc, ll=ll, lo=lo, lr=lr, churn=churn, orders=orders, tenure=tenure, active=active)


# ---------------------------------------------------------------- fit

def _fit_draw(rs: RuleSet, rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    revenue = unique_money(rng, n, 11.0, 1.1)
    margin = np.clip(rng.normal(0.2, 0.09, n), -0.1, 0.5)
    frame = pd.DataFrame({"customer_id": ids(rng, n), "revenue": revenue,
                          "gross_profit": np.round(revenue * margin / 10) * 10})
    words = [_risk_word(w, lang) for w in _RISK_WORDS]
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
    return keep([
        cut("ideal_revenue", in_every_language(
            lambda lang: tr(lang, "{tier}: top {share} by revenue, revenue at least", tier=label(rs, "ideal", lang),
                            share=pct(1 - ideal))),
            "money", frame["revenue"], pct_rank >= ideal, ">="),
        cut("good_revenue", in_every_language(
            lambda lang: tr(lang, "{tier}: top {share} by revenue, revenue at least", tier=label(rs, "good", lang),
                            share=pct(1 - good))),
            "money", frame["revenue"], pct_rank >= good, ">="),
    ])


def _fit_text(rs: RuleSet, lang: str) -> str:
    ideal, good = num(param(rs, "ideal_pct")), num(param(rs, "good_pct"))
    m_ideal, m_good, m_low = (pct(m) for m in _fit_margins(rs))
    la, li, lg, lr, lx = _labels(rs, lang, "avoid", "ideal", "good", "reluctant", "regular")
    _low, medium, high = (_risk_word(w, lang) for w in _RISK_WORDS)
    return tr(lang, "Take the first that matches: {la}: any risk is {high}. {li}: revenue percent rank ≥ {ideal}, "
                    "gross margin rate (gross profit / revenue) ≥ {m_ideal} and no {medium} risk. {lg}: percent rank "
                    "≥ {good}, margin rate ≥ {m_good} and no {medium} risk. {lr}: a {medium} risk or margin rate "
                    "below {m_low}. {lx}: the rest. Percent rank = (customers with less revenue) / (customers - 1).",
              la=la, li=li, lg=lg, lr=lr, lx=lx, ideal=ideal, good=good, m_ideal=m_ideal, m_good=m_good,
              m_low=m_low, medium=medium, high=high)


# ---------------------------------------------------------------- the registry

_ID, _REV, _FREQ, _GP = ("customer_id", "id"), ("revenue", "money"), ("frequency", "int"), ("gross_profit", "money")
_REC, _TEN = ("recency_days", "int"), ("tenure_days", "int")
_LAST, _FIRST = ("last_purchase", "date"), ("first_purchase", "date")
_PCT, _MARGIN = ("revenue_pct", "share"), ("margin_rate", "share")
_SCORES = tuple((f"{x}_score", "score") for x in "rfm")
_RISK_COLUMNS = tuple((name, "text") for name in _RISKS)

register(ExercisePlugin(
    "abc", _abc_draw, lambda lv: (_ID, _REV, ("cum_share", "share")) if lv == 1 else (_ID, _REV),
    _abc_ok, _abc_thresholds, _abc_text, sort_by="revenue", deciding=(("cum_share", "share"),)))
register(ExercisePlugin(
    "rfm", _rfm_draw,
    lambda lv: ((_ID, _REC, _FREQ, _REV, *_SCORES) if lv == 1 else
                (_ID, _REC, _FREQ, _REV) if lv == 2 else (_ID, _LAST, _FREQ, _REV)),
    _rfm_ok, _rfm_thresholds, _rfm_text, dated=True,
    deciding=(("r_score", "int"), ("f_score", "int"), ("m_score", "int"), ("fm_score", "int")),
    scores=lambda lv: tuple(name for name, _ in _SCORES) if lv >= 2 else ()))
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
