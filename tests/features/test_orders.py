from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tierkit.features import customer_features, join_customers


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "客户编号": ["C1", "C1", "C1", "C2", "C3", "C3", None, "C2"],
            "下单日期": [
                "2023-01-10",
                "2024-06-01",
                "2024-12-31",
                "2022-03-01",
                "2024-12-01",
                "2023-11-01",
                "2024-01-01",
                "2099-01-01",  # after as_of: ignored
            ],
            "金额": [100.0, 300.0, 600.0, 50.0, 80.0, 20.0, 999.0, 1e9],
            "毛利": [10.0, 30.0, 60.0, -5.0, 8.0, 2.0, 0.0, 0.0],
            "产品": ["A", "B", "A", "A", "C", "C", "A", "A"],
            "渠道": ["线上", "门店", "门店", "线上", "线上", "线上", "线上", "线上"],
        }
    )


def test_customer_features_known_values(orders: pd.DataFrame) -> None:
    f = customer_features(
        orders,
        customer="客户编号",
        date="下单日期",
        amount="金额",
        margin="毛利",
        product="产品",
        channel="渠道",
        as_of=dt.date(2024, 12, 31),
    ).set_index("客户编号")
    assert list(f.index) == ["C1", "C2", "C3"]
    c1, c2, c3 = f.loc["C1"], f.loc["C2"], f.loc["C3"]
    assert (c1.recency_days, c1.frequency, c1.monetary, c1.avg_order_value) == (0, 3, 1000.0, 1000 / 3)
    assert c1.first_purchase == pd.Timestamp("2023-01-10") and c1.tenure_days == 721
    assert c1.distinct_products == 2 and c1.gross_profit == 100.0 and c1.margin_rate == 0.1
    assert c1.main_channel == "门店" and c1.channels == 2
    # last 12 months = (2024-01-01, 2024-12-31]; the 12 before = (2023-01-01, 2024-01-01]
    assert (c1.revenue_12m, c1.revenue_prev_12m, c1.growth) == (900.0, 100.0, 8.0)
    assert c2.recency_days == (pd.Timestamp("2024-12-31") - pd.Timestamp("2022-03-01")).days
    assert c2.frequency == 1 and pd.isna(c2.growth)  # nothing in the earlier window
    assert c3.growth == 80 / 20 - 1
    assert f.revenue_share.sum() == pytest.approx(1.0)
    assert c1.revenue_share == pytest.approx(1000 / 1150)
    assert f.attrs["as_of"] == dt.date(2024, 12, 31)


def test_as_of_defaults_to_latest_order(orders: pd.DataFrame) -> None:
    f = customer_features(orders.iloc[:7], customer="客户编号", date="下单日期", amount="金额")
    assert f.attrs["as_of"] == dt.date(2024, 12, 31)
    assert f.set_index("客户编号").loc["C1", "recency_days"] == 0
    assert "gross_profit" not in f.columns and "distinct_products" not in f.columns


def test_order_ids_count_orders_not_lines() -> None:
    lines = pd.DataFrame(
        {"c": [1, 1, 1, 2], "o": ["A", "A", "B", "C"], "d": ["2024-01-01"] * 4, "a": ["1,000", 5, 5, None]}
    )
    f = customer_features(lines, customer="c", date="d", amount="a", order="o").set_index("c")
    assert f.loc[1, "frequency"] == 2
    assert f.loc[2, "monetary"] == 0.0  # a blank amount counts as 0 in the sum


def test_unknown_column_raises(orders: pd.DataFrame) -> None:
    with pytest.raises(KeyError):
        customer_features(orders, customer="客户", date="下单日期", amount="金额")


def test_join_customers_keeps_rows_and_blank_features(orders: pd.DataFrame) -> None:
    f = customer_features(
        orders, customer="客户编号", date="下单日期", amount="金额", product="产品", as_of="2024-12-31"
    )
    customers = pd.DataFrame({"id": ["C3", "C9", "C1", " C2 "], "name": ["丙", "无订单", "甲", "乙"]})
    joined = join_customers(customers, f, on="id", features_on="客户编号")
    assert joined["name"].tolist() == ["丙", "无订单", "甲", "乙"]
    assert joined["frequency"].tolist() == [2, 0, 3, 1]
    assert joined["distinct_products"].tolist() == [1, 0, 2, 1]
    assert pd.isna(joined.loc[1, "monetary"]) and pd.isna(joined.loc[1, "recency_days"])
    assert joined.loc[2, "monetary"] == 1000.0


def test_join_numeric_and_text_ids() -> None:
    orders = pd.DataFrame({"cid": [1001.0, 1002.0], "d": ["2024-01-01", "2024-02-01"], "a": [1, 2]})
    f = customer_features(orders, customer="cid", date="d", amount="a")
    customers = pd.DataFrame({"cid": ["1001", "1002.0"]})
    joined = join_customers(customers, f, on="cid")
    assert joined["monetary"].tolist() == [1.0, 2.0]


def test_text_amounts_and_text_dates_in_orders_are_read() -> None:
    lines = pd.DataFrame({"c": ["C1", "C1", "C2", "C2"],
                          "d": ["2024/1/5", "2024年3月1日", 45292, dt.datetime(2024, 2, 1)],
                          "a": ["¥200.00", "1,400", "1.2万", "(50)"]})
    f = customer_features(lines, customer="c", date="d", amount="a", as_of="2024-12-31").set_index("c")
    assert f.loc["C1", "monetary"] == 1600.0 and f.loc["C2", "monetary"] == 11950.0
    assert f.loc["C1", "first_purchase"] == pd.Timestamp("2024-01-05")
    assert f.loc["C2", "first_purchase"] == pd.Timestamp("2024-01-01")  # Excel serial 45292


def test_a_total_line_is_not_a_customer() -> None:
    lines = pd.DataFrame({"c": [10377, "10377", None, "合 计", "Total"], "d": ["2024-01-01"] * 5,
                          "a": [1, 2, 3, 3, 3]})
    f = customer_features(lines, customer="c", date="d", amount="a")
    assert f["c"].tolist() == [10377]
    assert f["monetary"].tolist() == [3.0] and f["frequency"].tolist() == [2]
