"""Per-method data generators: one generator per method, the same difficulty for every student.

Level 1: few customers, the helper values (cumulative share, scores, percent rank, days) are given.
Level 2: more customers, raw values only: the student computes the helper values.
Level 3: raw values, and the student also writes the rule's cut-offs on a Thresholds sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ruleset.model import RuleSet, Text
from ..segment import Classification
from .model import Column, Threshold, to_serial

AS_OF = dt.date(2024, 12, 31)
SIZES = {1: 12, 2: 20, 3: 30}

_ID = Column("customer_id", Text("Customer ID", "客户编号"), "id")
_REV = Column("revenue", Text("Revenue", "销售额"), "money")
_FREQ = Column("frequency", Text("Orders", "订单数"), "int")
_REC = Column("recency_days", Text("Days since last order", "距最近下单天数"), "int")
_TEN = Column("tenure_days", Text("Days as a customer", "合作天数"), "int")
_LAST = Column("last_purchase", Text("Last order", "最近下单日期"), "date")
_FIRST = Column("first_purchase", Text("First order", "首次下单日期"), "date")
_GP = Column("gross_profit", Text("Gross profit", "毛利"), "money")
_RISKS = (Column("product_risk", Text("Product risk", "产品风险"), "text"),
          Column("financial_risk", Text("Financial risk", "财务风险"), "text"),
          Column("credit_risk", Text("Credit risk", "信用风险"), "text"))
_RISK_WORDS = {"en": ("low", "medium", "high"), "zh": ("低", "中", "高")}


@dataclass(frozen=True)
class Method:
    name: str
    draw: Callable[[np.random.Generator, int, str], pd.DataFrame]
    columns: Callable[[int], tuple[Column, ...]]
    ok: Callable[[pd.DataFrame, dict[str, int], int], bool]
    thresholds: Callable[[pd.DataFrame, list[str]], list[Threshold]]
    sort_by: str | None = None  # level 1: rows shown sorted by this column, descending
    #: the values that decide the tier, added to the reason of rows that fell to the default tier
    deciding: tuple[tuple[str, str], ...] = ()


# ---------------------------------------------------------------- helpers

def _ids(rng: np.random.Generator, n: int) -> list[str]:
    return [f"C{int(x)}" for x in rng.choice(np.arange(1001, 9999), size=n, replace=False)]


def _unique_money(rng: np.random.Generator, n: int, mean: float, sigma: float, step: int = 100) -> np.ndarray:
    values: set[int] = set()
    while len(values) < n:
        x = int(round(float(rng.lognormal(mean, sigma)) / step) * step)
        if x >= step:
            values.add(x)
    out = np.array(sorted(values), dtype=float)
    rng.shuffle(out)
    return out


def _far(values: pd.Series, cuts: list[float], gap: float) -> bool:
    """No shown (rounded) value sits so close to a cut-off that rounding could change the answer."""
    data = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    return all(bool(np.all((np.abs(data - c) >= gap) | (data == c))) for c in cuts)


def _counts(tiers: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for tier in tiers:
        out[tier] = out.get(tier, 0) + 1
    return out


def _serials(series: pd.Series) -> pd.Series:
    return pd.Series([to_serial(v) for v in series], index=series.index, dtype=float)


def cut(key: str, label: Text, kind: str, values: pd.Series, inside: pd.Series, op: str,
        population: pd.Series | None = None, prefer: float | None = None) -> Threshold | None:
    """The interval of cut-offs that split ``values`` into ``inside`` / outside the way the key does."""
    values = pd.to_numeric(values, errors="coerce") if kind != "date" else _serials(values)
    mask = values.notna()
    if population is not None:
        mask &= population.fillna(False).astype(bool)
    inside = inside.fillna(False).astype(bool)
    ins, outs = values[mask & inside], values[mask & ~inside]
    if ins.empty:
        return None
    inf = float("inf")
    if op in (">=", ">"):
        lo, hi = (float(outs.max()) if not outs.empty else -inf), float(ins.min())
        lo_closed, hi_closed = op == ">", op == ">="
    else:
        lo, hi = float(ins.max()), (float(outs.min()) if not outs.empty else inf)
        lo_closed, hi_closed = op == "<=", op == "<"
    if lo > hi or (lo == hi and not (lo_closed and hi_closed)):
        return None
    example = hi if hi_closed else lo
    threshold = Threshold(key, label, kind, op, lo, hi, lo_closed, hi_closed, example)
    if prefer is not None and threshold.accepts(prefer):
        threshold = Threshold(key, label, kind, op, lo, hi, lo_closed, hi_closed, prefer)
    return threshold


def _keep(items: list[Threshold | None]) -> list[Threshold]:
    return [t for t in items if t is not None]


def _as_of_minus(days: int) -> float:
    serial = to_serial(AS_OF - dt.timedelta(days=days))
    assert serial is not None
    return serial


# ---------------------------------------------------------------- ABC

def _abc_draw(rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": _ids(rng, n), "revenue": _unique_money(rng, n, 11.0, 1.15)})


def _abc_ok(frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return all(counts.get(t, 0) >= 2 for t in "ABC") and _far(frame["revenue_cum_share"], [0.8, 0.95], 0.0005)


def _abc_thresholds(frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    tiers = pd.Series(tier_ids, index=frame.index)
    return _keep([
        cut("a_min_revenue", Text("A · lowest revenue of an A customer (A: revenue ≥ this)",
                                  "A类：A类客户的最低销售额（销售额 ≥ 此值为A类）"),
            "money", frame["revenue"], tiers == "A", ">="),
        cut("b_min_revenue", Text("B · lowest revenue of a B customer (A or B: revenue ≥ this)",
                                  "B类：B类客户的最低销售额（销售额 ≥ 此值为A或B类）"),
            "money", frame["revenue"], tiers.isin(["A", "B"]), ">="),
    ])


# ---------------------------------------------------------------- RFM

def _rfm_draw(rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    frequency = np.minimum(1 + rng.geometric(0.22, n), 40)
    aov = rng.lognormal(7.0, 0.5, n)
    revenue = np.round(frequency * aov / 10) * 10
    recency = np.minimum(rng.exponential(120, n).astype(int), 720)
    frame = pd.DataFrame({"customer_id": _ids(rng, n), "recency_days": recency, "frequency": frequency,
                          "revenue": revenue})
    frame["last_purchase"] = [pd.Timestamp(AS_OF - dt.timedelta(days=int(d))) for d in recency]
    return frame


def _rfm_ok(frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return len(counts) >= (4 if level == 1 else 6)


def _rfm_thresholds(frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    out: list[Threshold | None] = []
    for score, column, op, kind, en, zh in (
            ("r_score", "recency_days", "<=", "int", "days since last order at most", "距最近下单天数不超过"),
            ("f_score", "frequency", ">=", "int", "orders at least", "订单数不少于"),
            ("m_score", "revenue", ">=", "money", "revenue at least", "销售额不低于")):
        letter = score[0].upper()
        scores = pd.to_numeric(frame[score], errors="coerce")
        for k in range(2, 6):
            out.append(cut(f"{score}_{k}", Text(f"{letter} score ≥ {k}: {en}", f"{letter}分 ≥ {k}：{zh}"), kind,
                           frame[column], scores >= k, op))
    return _keep(out)


# ---------------------------------------------------------------- value tiers

def _value_draw(rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    revenue = _unique_money(rng, n, 10.6, 1.2)
    rank = pd.Series(revenue).rank(pct=True).to_numpy()
    frequency = np.maximum(1, np.round(rng.normal(2 + 10 * rank, 2.5))).astype(int)
    recency = np.minimum(rng.exponential(160, n).astype(int), 720)
    frame = pd.DataFrame({"customer_id": _ids(rng, n), "revenue": revenue, "frequency": frequency,
                          "recency_days": recency})
    frame["last_purchase"] = [pd.Timestamp(AS_OF - dt.timedelta(days=int(d))) for d in recency]
    return frame


def _value_ok(frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    least = 1 if level == 1 else 2
    return all(counts.get(t, 0) >= least for t in ("high", "medium", "low"))


def _value_thresholds(frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    pct = pd.to_numeric(frame["revenue_pct"], errors="coerce")
    recency = pd.to_numeric(frame["recency_days"], errors="coerce")
    return _keep([
        cut("high_revenue", Text("Top 20%: revenue at least", "前20%：销售额不低于"), "money", frame["revenue"],
            pct >= 0.8, ">="),
        cut("medium_revenue", Text("Top half: revenue at least", "前50%：销售额不低于"), "money", frame["revenue"],
            pct >= 0.5, ">="),
        cut("active_since", Text("Bought within 180 days: last order on or after", "180天内有购买：最近下单日期不早于"),
            "date", frame["last_purchase"], recency <= 180, ">=", prefer=_as_of_minus(180)),
        cut("lapsed_since", Text("Bought within 365 days: last order on or after", "365天内有购买：最近下单日期不早于"),
            "date", frame["last_purchase"], recency <= 365, ">=", prefer=_as_of_minus(365)),
    ])


# ---------------------------------------------------------------- lifecycle

def _lifecycle_draw(rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    rows: list[tuple[int, int | None, int | None]] = []
    kinds = rng.choice(["potential", "one", "churned", "loyal", "regular"], size=n, p=[0.1, 0.17, 0.2, 0.23, 0.3])
    for kind in kinds:
        if kind == "potential":
            rows.append((0, None, None))
            continue
        if kind == "one":
            recency = int(rng.integers(0, 700))
            rows.append((1, recency, recency))
            continue
        if kind == "churned":
            recency = int(rng.integers(300, 900))
            freq = int(rng.integers(2, 16))
        elif kind == "loyal":
            recency = int(rng.integers(0, 120))
            freq = int(rng.integers(9, 40))
        else:
            recency = int(rng.integers(0, 400))
            freq = int(rng.integers(2, 20))
        tenure = recency + int(rng.integers(30, 1200))
        rows.append((freq, recency, tenure))
    frame = pd.DataFrame(rows, columns=["frequency", "recency_days", "tenure_days"])
    frame.insert(0, "customer_id", _ids(rng, n))
    for column, days in (("last_purchase", "recency_days"), ("first_purchase", "tenure_days")):
        frame[column] = [pd.Timestamp(AS_OF - dt.timedelta(days=int(d))) if pd.notna(d) else pd.NaT
                         for d in frame[days]]
    for column in ("recency_days", "tenure_days"):
        frame[column] = frame[column].astype("Int64")
    return frame[["customer_id", "frequency", "first_purchase", "last_purchase", "tenure_days", "recency_days"]]


def _lifecycle_ok(frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    return all(counts.get(t, 0) >= 1 for t in ("potential", "churned", "loyal", "one_time", "regular"))


def _lifecycle_thresholds(frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    recency = pd.to_numeric(frame["recency_days"], errors="coerce")
    tenure = pd.to_numeric(frame["tenure_days"], errors="coerce")
    return _keep([
        cut("churn_before", Text("Churned: last order before", "流失客户：最近下单日期早于"), "date",
            frame["last_purchase"], recency > 365, "<", prefer=_as_of_minus(365)),
        cut("loyal_first_by", Text("Loyal: first order on or before", "忠诚客户：首次下单日期不晚于"), "date",
            frame["first_purchase"], tenure >= 365, "<=", prefer=_as_of_minus(365)),
        cut("loyal_last_since", Text("Loyal: last order on or after", "忠诚客户：最近下单日期不早于"), "date",
            frame["last_purchase"], recency <= 90, ">=", prefer=_as_of_minus(90)),
    ])


# ---------------------------------------------------------------- fit

def _fit_draw(rng: np.random.Generator, n: int, lang: str) -> pd.DataFrame:
    revenue = _unique_money(rng, n, 11.0, 1.1)
    margin = np.clip(rng.normal(0.2, 0.09, n), -0.1, 0.5)
    frame = pd.DataFrame({"customer_id": _ids(rng, n), "revenue": revenue,
                          "gross_profit": np.round(revenue * margin / 10) * 10})
    words = _RISK_WORDS.get(lang, _RISK_WORDS["en"])
    for column in _RISKS:
        frame[column.name] = rng.choice(list(words), size=n, p=[0.84, 0.11, 0.05])
    return frame


def _fit_ok(frame: pd.DataFrame, counts: dict[str, int], level: int) -> bool:
    distinct = len(counts)
    return distinct >= (4 if level == 1 else 5) and _far(frame["margin_rate"], [0.25, 0.18, 0.10], 0.00005)


def _fit_thresholds(frame: pd.DataFrame, tier_ids: list[str]) -> list[Threshold]:
    pct = pd.to_numeric(frame["revenue_pct"], errors="coerce")
    return _keep([
        cut("ideal_revenue", Text("Ideal: top 20% by revenue, revenue at least", "理想型：销售额前20%，销售额不低于"),
            "money", frame["revenue"], pct >= 0.8, ">="),
        cut("good_revenue", Text("Good: top half by revenue, revenue at least", "较好型：销售额前50%，销售额不低于"),
            "money", frame["revenue"], pct >= 0.5, ">="),
    ])


_SHARE = Column("revenue_cum_share", Text("Share of revenue ranked above", "前序累计占比"), "share")
_PCT = Column("revenue_pct", Text("Revenue percent rank", "销售额百分位"), "share")
_MARGIN = Column("margin_rate", Text("Gross margin rate", "毛利率"), "share")
_SCORES = tuple(Column(f"{x}_score", Text(f"{x.upper()} score", f"{x.upper()}分"), "score") for x in "rfm")

METHOD_SPECS: dict[str, Method] = {
    "abc": Method("abc", _abc_draw, lambda lv: (_ID, _REV, _SHARE) if lv == 1 else (_ID, _REV),
                  _abc_ok, _abc_thresholds, sort_by="revenue", deciding=(("revenue_cum_share", "share"),)),
    "rfm": Method("rfm", _rfm_draw,
                  lambda lv: ((_ID, _REC, _FREQ, _REV, *_SCORES) if lv == 1 else
                              (_ID, _REC, _FREQ, _REV) if lv == 2 else (_ID, _LAST, _FREQ, _REV)),
                  _rfm_ok, _rfm_thresholds,
                  deciding=(("r_score", "int"), ("f_score", "int"), ("m_score", "int"), ("fm_score", "int"))),
    "value": Method("value", _value_draw,
                    lambda lv: ((_ID, _REV, _PCT, _FREQ, _REC) if lv == 1 else
                                (_ID, _REV, _FREQ, _REC) if lv == 2 else (_ID, _REV, _FREQ, _LAST)),
                    _value_ok, _value_thresholds,
                    deciding=(("revenue_pct", "share"), ("frequency", "int"), ("recency_days", "int"))),
    "lifecycle": Method("lifecycle", _lifecycle_draw,
                        lambda lv: (_ID, _FREQ, _TEN, _REC) if lv == 1 else (_ID, _FREQ, _FIRST, _LAST),
                        _lifecycle_ok, _lifecycle_thresholds,
                        deciding=(("frequency", "int"), ("tenure_days", "int"), ("recency_days", "int"))),
    "fit": Method("fit", _fit_draw,
                  lambda lv: (_ID, _REV, _PCT, _GP, _MARGIN, *_RISKS) if lv == 1 else (_ID, _REV, _GP, *_RISKS),
                  _fit_ok, _fit_thresholds,
                  deciding=(("revenue_pct", "share"), ("margin_rate", "share"), ("caution_reason", "text"))),
}


def draw_exercise(rs: RuleSet, method: str, level: int, rng: np.random.Generator,
                  lang: str) -> tuple[pd.DataFrame, Classification]:
    """Draw data until it meets the method's difficulty rules; the frame holds the derived features."""
    from ..segment import classify

    spec = METHOD_SPECS[method]
    for _ in range(500):
        raw = spec.draw(rng, SIZES[level], lang)
        res = classify(rs, raw.drop(columns=[c for c in ("last_purchase", "first_purchase") if c in raw]),
                       as_of=AS_OF)
        frame = res.binding.frame.copy()
        for column in ("last_purchase", "first_purchase"):
            if column in raw:
                frame[column] = raw[column].to_numpy()
        if spec.ok(frame, _counts(res.tier_ids()), level):
            return frame, res
    raise RuntimeError(f"could not draw data for {method} level {level}")  # pragma: no cover
