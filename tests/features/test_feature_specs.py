from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tierkit.errors import DataError, RuleFileError
from tierkit.features import (
    apply_features,
    customer_features,
    describe_metadata,
    feature_outputs,
)

ORDERS_SPEC = {
    "from_orders": {
        "sheet": ["Orders", "订单"],
        "customer": ["客户编号", "customer_id"],
        "date": ["下单日期", "order_date"],
        "amount": ["金额", "amount"],
        "product": ["产品", "product"],
        "join_on": "customer_id",
    }
}


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "客户编号": ["K1", "K1", "K2", "K3"],
            "下单日期": pd.to_datetime(["2024-01-01", "2024-03-01", "2023-05-01", "2024-02-01"]),
            "金额": [700, 100, 150, 50],
            "产品": ["x", "y", "x", "x"],
        }
    )


def test_from_orders_joins_the_orders_sheet(orders: pd.DataFrame) -> None:
    customers = pd.DataFrame({"Customer ID": ["K2", "K1", "K4", "K3"], "region": ["N", "S", "S", "N"]})
    specs = [
        ORDERS_SPEC,
        {"pareto_share": "monetary", "as": "cum_share"},
        {"quantile_score": "recency_days", "as": "r_score", "bins": 3, "reverse": True},
    ]
    out, meta = apply_features(customers, specs, sheets={"订单": orders})
    assert out["Customer ID"].tolist() == ["K2", "K1", "K4", "K3"]
    assert out["frequency"].tolist() == [1, 2, 0, 1]
    assert out["cum_share"].tolist()[:2] == [0.8, 0.0]
    assert pd.isna(out["cum_share"].iloc[2])
    assert out["r_score"].tolist()[:2] == [1, 3] and pd.isna(out["r_score"].iloc[2])
    assert meta["as_of"] == dt.date(2024, 3, 1)
    assert meta["features"][0]["mode"] == "joined"
    assert meta["features"][2]["cut_points"] == [29.0, 0.0]
    lines = describe_metadata(meta)
    assert lines[0] == "as of 2024-03-01" and "r_score: 3 quantiles (mid-rank) of recency_days" in lines[3]


def test_from_orders_on_an_orders_table_gives_one_row_per_customer(orders: pd.DataFrame) -> None:
    out, meta = apply_features(orders, [ORDERS_SPEC], as_of="2024-12-31")
    assert out["客户编号"].tolist() == ["K1", "K2", "K3"]
    assert out["recency_days"].tolist() == [305, 610, 334]
    assert meta["features"][0]["mode"] == "orders table"


def test_from_orders_names_and_optional(orders: pd.DataFrame) -> None:
    flat = pd.DataFrame({"customer_id": ["K1"], "revenue": [5.0]})
    spec = {"from_orders": {**ORDERS_SPEC["from_orders"], "names": {"monetary": "revenue"}}, "optional": True}
    out, meta = apply_features(flat, [spec])
    assert out.equals(flat) and meta["skipped"] == ["from_orders"]
    out, _ = apply_features(flat, [spec], sheets=lambda name: orders if name == "Orders" else None)
    assert out["revenue"].tolist() == [800.0]
    assert "revenue" in feature_outputs([spec]) and "monetary" not in feature_outputs([spec])
    with pytest.raises(DataError, match="no orders sheet"):
        apply_features(flat, [ORDERS_SPEC])


def test_days_since_sum_difference_ratio_percent_rank() -> None:
    t = pd.DataFrame(
        {
            "last": ["2024-01-01", "2024-01-31", None],
            "f": pd.array([1, 2, None], dtype="Int64"),
            "m": [3, 4, 5],
            "gp": [100.0, 50.0, 0.0],
            "cost": [20.0, 80.0, 5.0],
        }
    )
    specs = [
        {"days_since": "last", "as": "recency"},
        {"sum": ["f", "m"], "as": "fm"},
        {"difference": ["gp", "cost"], "as": "net"},
        {"ratio": ["cost", "gp"], "as": "cost_ratio"},
        {"percent_rank": "gp"},
    ]
    out, meta = apply_features(t, specs)
    assert out["recency"].tolist()[:2] == [30, 0] and pd.isna(out["recency"].iloc[2])
    assert str(out["fm"].dtype) == "Int64" and out["fm"].tolist()[:2] == [4, 6] and pd.isna(out["fm"].iloc[2])
    assert out["net"].tolist() == [80.0, -30.0, -5.0]
    assert out["cost_ratio"].tolist()[:2] == [0.2, 1.6] and pd.isna(out["cost_ratio"].iloc[2])
    assert out["gp_percent_rank"].tolist() == [1.0, 0.5, 0.0]
    _, meta = apply_features(t, specs, as_of="2024-02-10")
    assert meta["as_of"] == dt.date(2024, 2, 10)


def test_grouped_scores_and_shares() -> None:
    t = pd.DataFrame({"region": ["N", "N", "S", "S"], "rev": [90, 10, 1, 3]})
    out, meta = apply_features(
        t,
        [
            {"pareto_share": "rev", "as": "cum", "by": "region"},
            {"quantile_score": "rev", "as": "q", "bins": 2, "by": "region"},
        ],
    )
    assert out["cum"].tolist() == [0.0, 0.9, 0.75, 0.0]
    assert out["q"].tolist() == [2, 1, 1, 2]
    assert meta["features"][1]["cut_points"] == {"N": [90.0], "S": [3.0]}


def test_flags_carry_the_risk_reason() -> None:
    t = pd.DataFrame(
        {
            "信用风险": ["高", "低", None, "high"],
            "政治风险": ["", "是", None, "Yes"],
        }
    )
    spec = {
        "flags": {"信用风险": "credit 信用", "政治风险": "political 政治", "财务风险": "financial 财务"},
        "as": "risk",
    }
    out, meta = apply_features(t, [spec])
    assert out["risk"].tolist() == ["credit 信用", "political 政治", None, "credit 信用, political 政治"]
    assert meta["features"][0]["flagged"] == 3


def test_alias_lookup_through_fields() -> None:
    t = pd.DataFrame({"销售额": [3, 1]})
    out, _ = apply_features(
        t, [{"pareto_share": "revenue", "as": "cum"}], fields={"revenue": {"aliases": ["销售额"]}}
    )
    assert out["cum"].tolist() == [0.0, 0.75]


def test_optional_spec_is_skipped_when_its_column_is_missing() -> None:
    t = pd.DataFrame({"a": [1]})
    out, meta = apply_features(t, [{"days_since": "last_purchase", "as": "recency_days", "optional": True}])
    assert "recency_days" not in out and meta["skipped"] == ["recency_days"]
    with pytest.raises(DataError, match="needs column 'revenu'"):
        apply_features(pd.DataFrame({"revenue": [1]}), [{"share": "revenu"}])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"pareto_shares": "x"}, "did you mean 'pareto_share'"),
        ({"pareto_share": "x", "bins": 3}, "unknown option 'bins'"),
        ({"ratio": ["a"]}, "takes a list of 2 columns"),
        ({"from_orders": {"customer": "c", "date": "d"}}, "'amount' is required"),
        ({"from_orders": {"customer": "c", "date": "d", "amount": "a", "shet": "O"}}, "did you mean 'sheet'"),
        ({"flags": {"a": "b"}}, "needs 'as'"),
        ("pareto_share", "must be a mapping"),
    ],
)
def test_bad_specs_are_rule_file_errors(spec: object, message: str) -> None:
    with pytest.raises(RuleFileError, match=message):
        apply_features(pd.DataFrame({"x": [1]}), [spec], source="rules/abc.yaml")


def test_skip_zero_and_active_months() -> None:
    t = pd.DataFrame({"frequency": [0, 1, 2, 3, None]})
    out, meta = apply_features(t, [{"quantile_score": "frequency", "as": "f", "bins": 3, "skip_zero": True}])
    assert pd.isna(out["f"].iloc[0]) and out["f"].tolist()[1:4] == [1, 2, 3]
    assert meta["features"][0]["skip_zero"] is True
    orders = pd.DataFrame(
        {
            "c": ["a", "a", "a", "b"],
            "d": ["2024-01-05", "2024-01-20", "2024-12-31", "2023-06-01"],
            "a": [1, 1, 1, 1],
        }
    )
    f = customer_features(orders, customer="c", date="d", amount="a").set_index("c")
    assert f["active_months_12m"].to_dict() == {"a": 2, "b": 0}


def test_flags_with_no_flag_columns_give_a_blank_column() -> None:
    out, meta = apply_features(
        pd.DataFrame({"x": [1, 2]}), [{"flags": {"credit_risk": "credit"}, "as": "risk"}]
    )
    assert out["risk"].isna().all()
    assert "no flag columns" in describe_metadata(meta)[0]


def test_days_since_shares_the_as_of_day() -> None:
    t = pd.DataFrame({"first": ["2024-01-01", "2023-01-01"], "last": ["2024-01-01", "2024-12-31"]})
    out, meta = apply_features(
        t, [{"days_since": "last", "as": "recency"}, {"days_since": "first", "as": "tenure"}]
    )
    assert out["recency"].tolist() == [365, 0] and out["tenure"].tolist() == [365, 730]
    assert meta["as_of"] == dt.date(2024, 12, 31)
