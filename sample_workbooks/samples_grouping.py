"""The grouping (客户分群) columns of the distributor sample, from their own fixed-seed generator.

``make_samples.py`` calls :func:`add_grouping_columns` on the Customers sheet; the other samples and the
columns made before are untouched (this module never draws from the main generator).  Added columns:

* 竞争对手产品 (competitor's product relation): 同类 / 关联 / 互补 / 替代 (blank: not known);
* 竞争对手实力 (the rival's strength): 强大 / 相当 / 弱势 (blank: not known);
* 切入机会 (the opening): 对原供应商不满意 / 比原供应商更好 / 需求量增加 (blank: none seen yet);
* 各部门偏好不同 (the customer's departments want different things): 是 / 否;

and leaves about 1.5% of 区域, 行业, 客户来源 and 购买偏好 blank (as real sheets do), so every grouping has customers
in its "other" segment.  Only the written Customers sheet gets these; ``customers_simple`` is made from the
sheet as it was.

行业, 区域, 客户来源 and 购买偏好 are already in the sample; the season and main product come from the
Orders sheet (``season_from_orders``, ``product_from_orders``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20240613
RELATIONS = ["同类", "关联", "互补", "替代"]
STRENGTHS = ["强大", "相当", "弱势"]
BLANK_SHARE = 0.015
OPENINGS = ["对原供应商不满意", "比原供应商更好", "需求量增加"]
#: the columns this module adds, with a one-line meaning each (for the README sheet)
COLUMNS = {
    "竞争对手产品": "competitor product 同类 same-type / 关联 related / 互补 complementary / 替代 substitute",
    "竞争对手实力": "rival strength 强大 strong / 相当 equal / 弱势 weak",
    "切入机会": "opening 对原供应商不满意 unhappy with the current supplier / 比原供应商更好 we are better / "
                "需求量增加 their demand grows",
    "各部门偏好不同": "the customer's departments prefer different things (是/否)",
}


def _pick(rng: np.random.Generator, values: list[str], n: int, p: list[float], blank: float) -> list[str | None]:
    chosen = rng.choice(values, n, p=p)
    return [None if rng.random() < blank else str(v) for v in chosen]


def add_grouping_columns(customers: pd.DataFrame) -> pd.DataFrame:
    """``customers`` with the grouping columns above appended (same rows, same order)."""
    rng = np.random.default_rng(SEED)
    n = len(customers)
    out = customers.copy()
    out["竞争对手产品"] = _pick(rng, RELATIONS, n, [0.4, 0.25, 0.15, 0.2], blank=0.08)
    out["竞争对手实力"] = _pick(rng, STRENGTHS, n, [0.3, 0.45, 0.25], blank=0.08)
    out["切入机会"] = _pick(rng, OPENINGS, n, [0.35, 0.3, 0.35], blank=0.3)
    out["各部门偏好不同"] = np.where(rng.random(n) < 0.12, "是", "否")
    for col in ("区域", "行业", "客户来源", "购买偏好"):
        out[col] = out[col].where(rng.random(n) >= BLANK_SHARE, None)
    return out
