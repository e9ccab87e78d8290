"""``tierkit sql`` output runs unchanged in DuckDB over the samples (features computed in the SQL), with the
tiers numpy gives, and :func:`tierkit.spark.collect` writes numpy's reasons from what the SQL returns (DuckDB
stands in for Spark here; ``test_spark.py`` runs the Spark dialect on Spark)."""

from __future__ import annotations

import pytest
from tests.backends.parity_cases import CUSTOMERS, ORDERS, PARITY_CASES, expected, printed_sql, tables, tier_list
from tests.rules.helpers import AS_OF

duckdb = pytest.importorskip("duckdb", reason="duckdb is the 'duckdb' extra")
pytest.importorskip("sqlglot")

import tierkit.spark  # noqa: E402


@pytest.mark.parametrize(("name", "sample"), PARITY_CASES, ids=[f"{n}-{s}" for n, s in PARITY_CASES])
def test_printed_sql_runs_unchanged_in_duckdb(name: str, sample: str) -> None:
    query = printed_sql(name, sample, "duckdb")
    if query is None:
        return  # numpy refuses it too, with the same message
    customers, orders = tables(name, sample)
    con = duckdb.connect()
    con.register(CUSTOMERS, customers)
    if orders is not None:
        con.register(ORDERS, orders)
    got = con.sql(query).df()
    want = expected(name, sample)
    assert tier_list(got) == want.tier_ids()
    result = tierkit.spark.collect(want.ruleset, got, as_of=AS_OF)
    assert result.tier_ids() == want.tier_ids()
    assert result.reasons("en") == want.reasons("en")
    assert result.reasons("zh") == want.reasons("zh")
