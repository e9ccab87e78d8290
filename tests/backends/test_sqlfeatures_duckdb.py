"""Feature SQL on DuckDB gives the pandas features: every built-in rule set on the samples, and hypothesis tables
with ties and blanks for the window kinds."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import ClassVar

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.rules.helpers import AS_OF, load

from tierkit.errors import DataError, UnsupportedExpression
from tierkit.features import apply_features, parse_features
from tierkit.features.specs import ColumnFeature

from .feature_cases import (
    REFUSED,
    SAMPLE_CASES,
    assert_same,
    changed_columns,
    pandas_features,
    sample_tables,
    with_features,
)

duckdb = pytest.importorskip("duckdb", reason="duckdb is the 'duckdb' extra: pip install -e '.[duckdb]'")
pytest.importorskip("sqlglot", reason="sqlglot comes with the 'duckdb' extra")

from tierkit.backends.sqlfeatures import features_select  # noqa: E402


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def run_sql(con: duckdb.DuckDBPyConnection, rs: object, customers: pd.DataFrame, orders: pd.DataFrame | None,
            as_of: dt.date | None = None) -> pd.DataFrame:
    con.register("customers", customers)
    if orders is not None:
        con.register("orders", orders)
    select = features_select(rs, "customers", "duckdb", columns=[str(c) for c in customers.columns],
                             orders_table="orders" if orders is not None else None,
                             orders_columns=None if orders is None else [str(c) for c in orders.columns],
                             as_of=as_of)
    return con.sql(select.sql(dialect="duckdb")).df()


def test_every_rule_set_with_features_has_a_sample_case() -> None:
    assert set(with_features()) <= {name for name, _ in SAMPLE_CASES}


@pytest.mark.parametrize(("name", "sample"), SAMPLE_CASES, ids=[f"{n}-{s}" for n, s in SAMPLE_CASES])
@pytest.mark.parametrize("as_of", [None, dt.date(2024, 6, 30)], ids=["latest", "mid2024"])
def test_rule_set_features_match_pandas_on_sample(con: duckdb.DuckDBPyConnection, name: str, sample: str,
                                                  as_of: dt.date | None) -> None:
    """Whole-yuan amounts (sums exact in any order): every feature column equals pandas', ties and all."""
    rs = load(name)
    customers, orders = sample_tables(sample)
    orders = whole_amounts(orders)
    if name in REFUSED:
        with pytest.raises(UnsupportedExpression, match=REFUSED[name]):
            run_sql(con, rs, customers, orders, as_of)
        return
    try:
        expected = pandas_features(rs, customers, orders, as_of)
    except DataError as err:  # the same mistake is the same error on both paths
        with pytest.raises(DataError, match=re.escape(str(err.args[0]))):
            run_sql(con, rs, customers, orders, as_of)
        return
    got = run_sql(con, rs, customers, orders, as_of)
    assert list(got.columns) == [str(c) for c in expected.columns]
    assert_same(expected, got, changed_columns(customers, expected), what=f"{name} on {sample}")


@pytest.mark.parametrize(("name", "sample"), [(n, s) for n, s in SAMPLE_CASES if n not in REFUSED][::3])
def test_sample_amounts_as_they_are(con: duckdb.DuckDBPyConnection, name: str, sample: str) -> None:
    """Cent amounts: pandas' compensated sums and SQL's exact decimal sums differ in the last bit (1e-16), so
    totals that are equal to float noise may break ties differently.  The figures agree to 1e-9, and each column
    feature equals the pandas kind run on the SQL's own inputs."""
    rs = load(name)
    customers, orders = sample_tables(sample)
    try:
        expected = pandas_features(rs, customers, orders, AS_OF)
    except DataError:
        return
    got = run_sql(con, rs, customers, orders, AS_OF)
    window = {spec.output for spec in rs.features if isinstance(spec, ColumnFeature)}
    assert_same(expected, got, [c for c in changed_columns(customers, expected) if c not in window], what=name)
    for spec in rs.features:
        if isinstance(spec, ColumnFeature) and spec.output in got.columns:
            again, _ = apply_features(got.drop(columns=[spec.output]), [spec], fields=rs.fields, params=rs.params,
                                      as_of=AS_OF)
            assert_same(again, got, [spec.output], what=f"{name} {spec.output} on the SQL's inputs")


def whole_amounts(orders: pd.DataFrame | None) -> pd.DataFrame | None:
    if orders is None:
        return None
    out = orders.copy()
    for col in ("金额", "毛利", "Amount", "Gross margin"):
        if col in out.columns:
            out[col] = out[col].round(0)
    return out


def test_orders_table_itself_gives_one_row_per_customer(con: duckdb.DuckDBPyConnection) -> None:
    """from_orders on an orders table: customers in first-seen order, each id as its first line shows it."""
    _, orders = sample_tables("distributor")
    assert orders is not None
    lines = pd.concat([orders, pd.DataFrame({"客户编号": ["合计", None], "金额": [1e9, 5.0],
                                               "下单日期": [pd.Timestamp("2024-01-01")] * 2})], ignore_index=True)
    rs = load("rfm")
    expected = pandas_features(rs, lines, None)
    got = run_sql(con, rs, lines, None)
    assert list(got.columns) == list(expected.columns)
    assert_same(expected, got, list(expected.columns), what="rfm on the orders table")


def test_ids_join_as_id_key_reads_them(con: duckdb.DuckDBPyConnection) -> None:
    """10377 (a number), "10377.0" and " 10377 " are one customer; a blank id joins nothing."""
    customers = pd.DataFrame({"客户编号": ["10377", "20001.0", " 30002 ", None], "name": list("abcd")})
    orders = pd.DataFrame({"客户编号": [10377.0, 20001.0, 20001.0, 30002.0, None],
                           "下单日期": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01", "2024-03-02",
                                                   "2024-03-03"]),
                           "金额": [10.0, 20.0, 30.0, 40.0, 50.0]})
    rs = load("rfm")
    expected = pandas_features(rs, customers, orders)
    got = run_sql(con, rs, customers, orders)
    assert got["frequency"].tolist() == [1, 2, 1, 0]
    assert_same(expected, got, changed_columns(customers, expected), what="ids")


def test_unknown_dialect_and_missing_column_are_errors() -> None:
    rs = load("rfm")
    with pytest.raises(ValueError, match="nosuch"):
        features_select(rs, "t", "nosuch", columns=["a"])
    specs = parse_features([{"quantile_score": "revenue", "as": "s"}])

    class Rules:
        features = specs

    with pytest.raises(DataError, match="needs column 'revenue'"):
        features_select(Rules(), "t", "duckdb", columns=["a"])


# ---- hypothesis: the window kinds on tables with ties and blanks ----

KIND_SPECS = [
    {"quantile_score": "v", "as": "q5"},
    {"quantile_score": "v", "bins": 3, "reverse": True, "as": "q3r"},
    {"quantile_score": "v", "bins": 4, "by": "g", "as": "q4g"},
    {"quantile_score": "v", "skip_zero": True, "as": "qz"},
    {"quantile_score": "v", "edges": [0, 2.5, 7], "as": "qe"},
    {"quantile_score": "v", "edges": [0, 2.5, 7], "reverse": True, "as": "qer"},
    {"percent_rank": "v", "as": "pr"},
    {"percent_rank": "v", "reverse": True, "by": "g", "as": "prg"},
    {"pareto_share": "v", "as": "ps"},
    {"pareto_share": "v", "by": "g", "as": "psg"},
    {"share": "v", "as": "sh"},
    {"share": "v", "by": "g", "as": "shg"},
    {"ratio": ["v", "w"], "as": "r"},
    {"difference": ["v", "w"], "as": "d"},
    {"sum": ["v", "w"], "as": "s"},
    {"multiply": ["v", "w"], "as": "m"},
    {"flags": {"f1": "one", "f2": "two"}, "as": "fl"},
]

values = st.one_of(st.none(), st.sampled_from([0.0, -1.0, 1.0, 2.5, 7.0, 100.0]),
                   st.floats(min_value=-50, max_value=1e6, allow_nan=False, width=32))
flag = st.sampled_from([None, "yes", "Y", " high ", "no", "", "高", "low", "x_"])
rows = st.lists(st.tuples(values, values, st.sampled_from([None, "a", "b"]), flag, flag), min_size=1, max_size=40)


class KindRules:
    features = parse_features(KIND_SPECS)
    params: ClassVar[dict[str, float]] = {}
    fields: ClassVar[dict[str, object]] = {}


@functools.cache
def kinds_sql() -> str:
    """One SELECT for every example (the columns do not change): sqlglot builds it once."""
    return features_select(KindRules, "customers", "duckdb", columns=["v", "w", "g", "f1", "f2"]).sql("duckdb")


@settings(max_examples=20)
@given(rows)
def test_window_kinds_match_pandas_with_ties_and_blanks(con: duckdb.DuckDBPyConnection,
                                                       table: list[tuple[object, ...]]) -> None:
    frame = pd.DataFrame(table, columns=["v", "w", "g", "f1", "f2"]).astype(
        {"v": "float64", "w": "float64", "g": "object", "f1": "object", "f2": "object"})
    expected = pandas_features(KindRules, frame, None)  # type: ignore[arg-type]
    con.register("customers", frame)
    got = con.sql(kinds_sql()).df()
    assert_same(expected, got, [spec["as"] for spec in KIND_SPECS], what="kinds")


@pytest.mark.parametrize("name", ["rfm", "attack_defense"])  # abc reads 平均库存 by an alias
def test_sql_text_without_the_tables_columns(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """``tierkit sql`` has no table at hand: each spec's first candidate is taken (the distributor sample's headers
    are the first candidates), ``*`` is kept, and the result is the same as with the columns known."""
    rs = load(name)
    customers, orders = sample_tables("distributor")
    outputs = {out for spec in rs.features for out in spec.outputs()}
    customers = customers.drop(columns=[c for c in customers.columns if c in outputs])  # SQL text adds them
    con.register("customers", customers)
    con.register("orders", orders)
    blind = features_select(rs, "customers", "duckdb", orders_table="orders", as_of=AS_OF).sql("duckdb")
    got = con.sql(blind).df()
    expected = run_sql(con, rs, customers, orders, AS_OF)
    assert list(got.columns)[:len(customers.columns) + 1] == [*customers.columns, "_tierkit_row"]
    assert sorted(got.columns) == sorted([*expected.columns, "_tierkit_row"])  # a recomputed column moves last
    assert_same(expected, got, list(expected.columns), what=f"{name} without columns")
    try:
        spark_text = features_select(rs, "customers", "spark", orders_table="orders", as_of=AS_OF).sql("spark")
    except UnsupportedExpression as err:  # a feature column computed twice needs the columns outside DuckDB
        assert "computed twice" in str(err)
    else:
        assert "EXCLUDE" not in spark_text
