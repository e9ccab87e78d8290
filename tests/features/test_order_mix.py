"""season_from_orders and product_from_orders: known values, messy orders, customers with no orders, oracles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierkit.errors import DataError, RuleFileError
from tierkit.features import apply_features, describe_metadata, parse_feature
from tierkit.features.order_mix import company_seasons, customer_seasons, main_products

SEASON = {"season_from_orders": {"sheet": ["Orders", "订单"], "customer": "客户编号", "date": "下单日期",
                                 "amount": "金额"}}
PRODUCT = {"product_from_orders": {"sheet": "Orders", "customer": "客户编号", "amount": "金额", "product": "产品",
                                   "date": "下单日期"}}


def _orders() -> pd.DataFrame:
    rows = [  # customer, date, amount, product
        ("C1", "2024-11-05", 500.0, "阀门"), ("C1", "2024-12-01", 400.0, "阀门"), ("C1", "2024-03-01", 100.0, "电机"),
        ("C2", "2024-01-10", 300.0, "电机"), ("C2", "2024-02-10", 300.0, "线缆"), ("C2", "2024-11-20", 100.0, "线缆"),
        ("C3", "2024-06-01", 50.0, "阀门"),
    ]
    return pd.DataFrame(rows, columns=["客户编号", "下单日期", "金额", "产品"])


def _customers() -> pd.DataFrame:
    return pd.DataFrame({"客户编号": ["C1", "C2", "C3", "C9"], "区域": ["华东", "华北", "华东", "华南"]})


def test_season_known_values_and_customers_without_orders() -> None:
    specs = [{**SEASON, "peak_months": [11, 12], "off_months": [1, 2]}]
    out, meta = apply_features(_customers(), specs, sheets={"Orders": _orders()})
    out = out.set_index("客户编号")
    c1, c2, c3, c9 = (out.loc[k] for k in ("C1", "C2", "C3", "C9"))
    assert (c1.peak_month, c1.peak_months, c1.buying_months) == (11, "11, 12", 3)  # >= 1.1 x 1000 / 3
    assert c1.peak_season_share == pytest.approx(0.9) and c1.off_season_share == 0.0
    assert c2.peak_month == 1 and c2.peak_months == "1, 2"  # tie: the earliest month
    assert c2.off_season_share == pytest.approx(600 / 700) and c2.peak_season_share == pytest.approx(100 / 700)
    assert (c3.peak_month, c3.buying_months, c3.peak_season_share) == (6, 1, 0.0)
    # a customer with no orders: blank features, 0 buying months
    assert pd.isna(c9.peak_month) and pd.isna(c9.peak_months) and pd.isna(c9.peak_season_share)
    assert c9.buying_months == 0
    assert meta["features"][0]["peak"] == [11, 12] and meta["features"][0]["given"]
    assert "11, 12" in describe_metadata(meta)[-1]


def test_company_seasons_from_monthly_revenue() -> None:
    totals = pd.Series([50.0, 40.0, 100, 100, 100, 100, 100, 100, 100, 100, 900, 960], index=range(1, 13))
    peak, off = company_seasons(totals, 1.1, 0.9)  # against the median month (100): a strong peak ...
    assert peak == (11, 12)
    assert off == (1, 2)  # ... does not make the ordinary months 淡季 (the mean, 238, would)
    assert company_seasons(pd.Series(dtype=float)) == ((), ())  # no revenue: no seasons
    # months missing from the index count as 0 (here the median month is 0: every month is 旺季 and 淡季 but June
    # only 旺季)
    assert company_seasons(pd.Series({6: 10.0}), 1.1, 0.9) == (tuple(range(1, 13)), tuple(m for m in range(1, 13)
                                                                                          if m != 6))


def test_messy_orders_sheet() -> None:
    """Text amounts, text dates, ids typed as numbers, a total line, a blank customer, a return, a later order."""
    orders = pd.DataFrame({
        "客户编号": [1001, "1001.0", " 1001 ", "合计", None, "1002", "1002", "1002"],
        "下单日期": ["2024年3月5日", "2024/3/20", 45600, "2024-12-31", "2024-05-01", "2024-07-01", "2024-07-02",
                     "2099-01-01"],
        "金额": ["¥1,200.50", "1.2万", "300", "99999", "500", "800", "-900", "1e9"],
        "产品": ["阀门", "电机", "阀门", None, "阀门", "线缆", "线缆", "阀门"],
    })
    customers = pd.DataFrame({"客户编号": ["1001", 1002, "1003"]})
    out, _ = apply_features(customers, [SEASON, PRODUCT], sheets={"订单": orders, "Orders": orders},
                            as_of=dt.date(2024, 12, 31))
    a, b, c = (out.iloc[i] for i in range(3))
    # 1001: March 1,200.50 + 12,000, and Excel serial 45600 = 2024-11-04: 300
    assert a.peak_month == 3 and a.buying_months == 2
    assert a.main_product == "电机" and a.main_product_share == pytest.approx(12000 / 13500.5)
    # 1002: July nets to -100 (a return): counts 0, so no revenue, blank shares; the 2099 order is after as-of
    assert b.buying_months == 1 and pd.isna(b.peak_month) and pd.isna(b.peak_season_share)
    assert pd.isna(b.main_product)  # 线缆 nets below 0
    assert c.buying_months == 0 and pd.isna(c.main_product)


def test_orders_table_itself_and_missing_sheet() -> None:
    orders = _orders()
    out, _ = apply_features(orders, [SEASON])  # the table holds the orders: each line gets its customer's values
    assert list(out["peak_month"]) == [11, 11, 11, 1, 1, 1, 6]
    with pytest.raises(DataError, match="no orders sheet"):
        apply_features(_customers(), [SEASON])
    skipped = apply_features(_customers(), [{**SEASON, "optional": True}])[1]
    assert skipped["skipped"] == ["season_from_orders"]
    # optional covers a missing sheet, not a sheet that lacks a column
    with pytest.raises(DataError, match="no column 产品 for 'product'"):
        apply_features(_customers(), [{**PRODUCT, "optional": True}], sheets={"Orders": orders.drop(columns="产品")})


def test_options_are_checked_when_the_rule_file_loads() -> None:
    with pytest.raises(RuleFileError, match="month numbers"):
        parse_feature({**SEASON, "peak_months": [0, 13]}, 0)
    with pytest.raises(RuleFileError, match="'date' is required"):
        parse_feature({"season_from_orders": {"customer": "a", "amount": "b"}}, 0)
    with pytest.raises(RuleFileError, match="'product' is required"):
        parse_feature({"product_from_orders": {"customer": "a", "amount": "b"}}, 0)
    with pytest.raises(RuleFileError, match="unknown key 'amout'"):
        parse_feature({"product_from_orders": {"customer": "a", "amout": "b", "product": "p"}}, 0)
    spec = parse_feature({"product_from_orders": {"customer": "a", "amount": "b", "product": "p",
                                                  "names": {"main_product": "主要产品"}}}, 0)
    assert spec.outputs() == ["主要产品", "main_product_share"]


lines = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(1, 12),
                           st.sampled_from(["x", "y", "z", None]),
                           st.one_of(st.integers(-50, 500).map(float), st.just(0.0))), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, st.floats(1.0, 2.0))
def test_customer_seasons_and_main_products_match_a_loop_oracle(rows: list, ratio: float) -> None:
    keys = pd.Series([r[0] for r in rows])
    month = pd.Series([r[1] for r in rows])
    product = pd.Series([r[2] for r in rows], dtype=object)
    amount = pd.Series([r[3] for r in rows])
    peak, off = (11, 12), (1, 2, 7)
    got = customer_seasons(keys, month, amount, peak=peak, off=off, ratio=ratio)
    prods = main_products(keys, product, amount)
    for key in dict.fromkeys(keys):
        mine = [r for r in rows if r[0] == key]
        by_month = {m: max(0.0, sum(r[3] for r in mine if r[1] == m)) for m in range(1, 13)}
        total = sum(by_month.values())
        g = got.loc[key]
        assert g.buying_months == len({r[1] for r in mine})
        if total <= 0:
            assert pd.isna(g.peak_month) and pd.isna(g.peak_season_share)
        else:
            best = max(by_month.values())
            assert g.peak_month == min(m for m, v in by_month.items() if v == best)
            bought = sum(1 for v in by_month.values() if v > 0)
            strong = [m for m, v in by_month.items() if v > 0 and v >= ratio * total / bought]
            assert g.peak_months == ", ".join(map(str, strong))
            assert g.peak_season_share == pytest.approx(sum(by_month[m] for m in peak) / total)
            assert g.off_season_share == pytest.approx(sum(by_month[m] for m in off) / total)
        sums: dict[str, float] = {}
        for r in mine:
            if r[2] is not None:
                sums[r[2]] = sums.get(r[2], 0.0) + r[3]
        positive = {p: v for p, v in sums.items() if v > 0}
        p = prods.loc[key]
        if not positive:
            assert pd.isna(p.main_product) and pd.isna(p.main_product_share)
        else:
            best = max(positive.values())
            assert p.main_product == min(k for k, v in positive.items() if v == best)
            assert p.main_product_share == pytest.approx(best / sum(positive.values()))


groups = st.lists(st.tuples(st.sampled_from(["华东", "华北", None]), st.one_of(
    st.integers(-5, 100).map(float), st.just(np.nan))), min_size=1, max_size=40)


@settings(max_examples=30, deadline=None)
@given(groups)
def test_per_group_features_match_a_pandas_groupby_oracle(rows: list) -> None:
    """percent_rank and pareto_share with ``by``: each group is ranked on its own (grouping_region's key accounts)."""
    frame = pd.DataFrame({"region": [r[0] for r in rows], "revenue": [r[1] for r in rows]})
    specs = [{"percent_rank": "revenue", "as": "pct", "by": "region"},
             {"pareto_share": "revenue", "as": "cum", "by": "region"}]
    out, _ = apply_features(frame, specs)
    key = frame["region"].fillna("\0")
    ranks = frame.groupby(key)["revenue"].rank(method="min")
    sizes = frame.groupby(key)["revenue"].transform("count")
    oracle_pct = ((ranks - 1) / (sizes - 1)).where(sizes > 1, 0.0).where(frame["revenue"].notna())
    pd.testing.assert_series_equal(out["pct"], oracle_pct, check_names=False, check_dtype=False)
    for _, group in frame.groupby(key):
        alone, _ = apply_features(group.reset_index(drop=True), [{"pareto_share": "revenue", "as": "cum"}])
        assert np.allclose(out.loc[group.index, "cum"].to_numpy(dtype=float), alone["cum"].to_numpy(dtype=float),
                           equal_nan=True)
