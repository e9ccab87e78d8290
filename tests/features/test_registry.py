"""Feature kinds as a registry: typed specs parsed at load, one class per kind with validate/compute/describe."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import pytest

from tierkit.errors import RuleFileError
from tierkit.features import KINDS, FeatureSpec, apply_features, feature_texts, parse_feature, parse_features
from tierkit.features.from_orders import FromOrders, OrderColumns
from tierkit.features.kinds import Flags, ParetoShare, QuantileScore, Ratio, Sum

SPECS = {
    "from_orders": {"from_orders": {"customer": "c", "date": "d", "amount": "a"}},
    "pareto_share": {"pareto_share": "x", "by": "g"},
    "share": {"share": "x"},
    "quantile_score": {"quantile_score": "x", "bins": 3},
    "percent_rank": {"percent_rank": "x", "reverse": True},
    "days_since": {"days_since": "x"},
    "sum": {"sum": ["x", "y", "z"]},
    "difference": {"difference": ["x", "y"]},
    "ratio": {"ratio": ["x", "y"]},
    "flags": {"flags": {"x": "risk x"}, "as": "why"},
    "season_from_orders": {"season_from_orders": {"customer": "c", "date": "d", "amount": "a"}, "peak_ratio": 1.2},
    "product_from_orders": {"product_from_orders": {"customer": "c", "amount": "a", "product": "p"}},
    "order_stats": {"order_stats": "c", "quantity": "q", "promo": "p"},
    "multiply": {"multiply": ["x", "y"]},
    "choose": {"choose": {1: "x", 2: "y"}, "param": "measure", "as": "picked"},
}


def test_every_kind_is_a_frozen_spec_class_with_the_three_operations() -> None:
    assert list(KINDS) == list(SPECS)
    for kind, cls in KINDS.items():
        assert issubclass(cls, FeatureSpec) and cls.kind == kind
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert cls.parse_arg.__func__ is not FeatureSpec.parse_arg.__func__, kind  # type: ignore[attr-defined]
        assert cls.compute is not FeatureSpec.compute, kind
        assert isinstance(cls.describe({"kind": kind, "output": "o", "inputs": ["x"]}), str)
        spec = parse_feature(SPECS[kind], 0)
        assert type(spec) is cls


def test_options_come_from_the_dataclass_fields() -> None:
    assert set(QuantileScore.option_keys()) == {"as", "optional", "bins", "reverse", "edges", "by", "skip_zero"}
    assert set(Flags.option_keys()) == {"as", "optional", "levels", "separator"}
    assert set(FromOrders.option_keys()) == {"optional"}
    assert set(OrderColumns.keys()) == {"customer", "date", "amount", "margin", "product", "channel", "order",
                                        "sheet", "join_on", "names"}
    for cls in KINDS.values():
        keyed = {f.metadata.get("key") or f.name for f in fields(cls) if "parse" in f.metadata}
        assert set(cls.option_keys()) == keyed


def test_parsed_specs_are_typed_with_their_defaults() -> None:
    assert parse_feature(SPECS["pareto_share"], 0) == ParetoShare(column="x", by="g", output="x_pareto_share")
    assert parse_feature(SPECS["sum"], 0) == Sum(columns=("x", "y", "z"), output="x_y_z_sum")
    q = parse_feature({"quantile_score": "x", "edges": [30, 90], "by": ["region", "area"]}, 0)
    assert isinstance(q, QuantileScore) and q.edges == (30.0, 90.0) and q.bins == 5 and q.by == ("region", "area")
    orders = parse_feature({"from_orders": {"customer": ["c", "C"], "date": "d", "amount": "a",
                                            "names": {"monetary": "revenue"}, "optional": True}}, 0)
    assert isinstance(orders, FromOrders) and orders.optional
    assert orders.orders.customer == ("c", "C") and orders.orders.sheet == "Orders"
    assert "revenue" in orders.outputs() and "monetary" not in orders.outputs()


@pytest.mark.parametrize(("spec", "message"), [
    ({"quantile_score": "x", "bins": "five"},
     "features[0] (quantile_score): 'bins' must be a whole number of at least 1"),
    ({"quantile_score": "x", "bins": 0}, "'bins' must be a whole number"),
    ({"percent_rank": "x", "reverse": "no"}, "features[0] (percent_rank): 'reverse' must be true or false"),
    ({"quantile_score": "x", "edges": "30"}, "'edges' must be a list of numbers"),
    ({"share": "x", "by": 3}, "'by' must be a column name or a list of candidates"),
    ({"from_orders": {"customer": "c", "date": "d", "amount": "a"}, "as": "x"},
     "features[0] (from_orders): unknown option 'as'"),
    ({"from_orders": {"customer": "c", "date": "d", "amount": 5}}, "'amount' must be a column name"),
    ({"sum": ["x", 1]}, "takes a list of two or more columns"),
    ({"share": "x", "pareto_share": "y"}, "needs exactly one of from_orders, pareto_share"),
])
def test_option_values_are_checked(spec: dict[str, object], message: str) -> None:
    with pytest.raises(RuleFileError) as info:
        parse_feature(spec, 0)
    assert message in str(info.value)


def test_errors_name_the_file_and_line() -> None:
    with pytest.raises(RuleFileError) as info:
        parse_features([SPECS["share"], {"ratio": ["a"]}], file="r.yaml", lines=[4, 6])
    assert str(info.value) == "features[1] (ratio) takes a list of 2 columns (r.yaml:6)"


def test_typed_and_written_specs_compute_the_same() -> None:
    t = pd.DataFrame({"x": [3.0, 1.0, 0.0], "y": [1.0, 2.0, 0.0], "g": ["a", "a", "b"]})
    written = [{"ratio": ["x", "y"], "as": "r"}, {"quantile_score": "x", "bins": 2, "as": "q"}]
    typed = parse_features(written)
    assert isinstance(typed[0], Ratio)
    out_w, meta_w = apply_features(t, written)
    out_t, meta_t = apply_features(t, list(typed))
    pd.testing.assert_frame_equal(out_w, out_t)
    assert meta_w == meta_t


def test_describe_is_per_kind() -> None:
    metas = [
        {"kind": "share", "output": "s", "inputs": ["x"]},
        {"kind": "flags", "output": "why", "inputs": []},
        {"kind": "flags", "output": "why", "inputs": ["x"], "flagged": 2},
        {"kind": "from_orders", "mode": "joined", "columns": {"customer": "c"}, "customers": 4},
        {"kind": "quantile_score", "output": "q", "inputs": ["x"], "bins": 2, "method": "quantiles (mid-rank)",
         "cut_points": {"N": [1500.0]}, "reverse": True},
    ]
    assert [KINDS[m["kind"]].describe(m) for m in metas] == [  # type: ignore[index]
        "s: share of x",
        "why: no flag columns in this table (nothing flagged)",
        "why: flags from x (2 rows flagged)",
        "customer features from orders (joined; customer=c): 4 customers",
        "q: 2 quantiles (mid-rank) of x, reversed: lower is better; cut points N: 1,500",
    ]


def test_feature_texts_name_every_column_a_spec_mentions() -> None:
    specs = parse_features([{"from_orders": {"customer": ["c", "C"], "date": "d", "amount": "a", "join_on": "cid",
                                             "names": {"monetary": "revenue"}}},
                            {"flags": {"risk": "Risky"}, "as": "why"}, {"pareto_share": "revenue", "by": "region"}])
    assert {"c", "C", "d", "a", "cid", "monetary", "revenue", "risk", "Risky", "why", "region", "Orders"} <= (
        feature_texts(specs))
    assert "line" not in feature_texts(specs)
