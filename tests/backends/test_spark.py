"""tierkit.spark.classify on PySpark local mode gives the tiers the numpy path gives.

Every Spark case runs in one subprocess (``spark_job.py``: one SparkSession, local[1], one shuffle partition,
no UI, ANSI mode on) so the test bounds its time; hypothesis runs on DuckDB only
(``test_sqlfeatures_duckdb.py``).  The regex refusal needs no JVM and runs in-process.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from tests.backends.feature_cases import sample_tables
from tests.backends.parity_cases import CUSTOMERS, ORDERS, expected, printed_sql, tables, tier_list
from tests.backends.spark_job import CLASSIFY_CASE, HAND_RULES, SPARK_CASES, hand_table
from tests.rules.helpers import AS_OF, ROOT

import tierkit
import tierkit.spark
from tierkit.errors import UnsupportedExpression
from tierkit.spark import nested_quantifier, spark_sql

NO_SPARK = (importlib.util.find_spec("pyspark") is None and "pyspark is not installed (the 'spark' extra)") or (
    shutil.which("java") is None and "no java on PATH (scripts/test.sh installs openjdk-17-jre-headless)")
JOB_TIMEOUT = 1500  # seconds; the job takes about a minute on a quiet machine


@pytest.fixture(scope="module")
def spark_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if NO_SPARK:
        pytest.skip(NO_SPARK)
    out = tmp_path_factory.mktemp("spark")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "tests.backends.spark_job", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=JOB_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize(("name", "sample"), SPARK_CASES, ids=[f"{n}-{s}" for n, s in SPARK_CASES])
def test_printed_sql_runs_unchanged_in_spark(spark_results: Path, name: str, sample: str) -> None:
    """The stdout of ``tierkit sql --dialect spark`` run by spark.sql over views ``customers`` and ``orders``:
    numpy's tiers, error flags and reasons (both languages, formatted by tierkit.spark.collect)."""
    path = spark_results / "sql" / f"{name}-{sample}.parquet"
    if not path.exists():
        assert printed_sql(name, sample, "spark") is None, path  # numpy refuses it too
        pytest.skip(f"{name} does not apply to {sample}")
    assert_same_as_numpy(pd.read_parquet(path), name, sample)


@pytest.mark.spark
@pytest.mark.slow
def test_classify_gives_numpys_tiers_and_reasons_in_row_order(spark_results: Path) -> None:
    name, sample = CLASSIFY_CASE
    got = pd.read_parquet(spark_results / "classify.parquet")
    assert_same_as_numpy(got, name, sample)
    customers, _ = tables(name, sample)
    assert got["客户编号"].astype(str).tolist() == customers["客户编号"].astype(str).tolist()


def assert_same_as_numpy(got: pd.DataFrame, name: str, sample: str) -> None:
    want = expected(name, sample)
    assert len(got) == want.n
    assert tier_list(got) == want.tier_ids()
    result = tierkit.spark.collect(want.ruleset, got, as_of=AS_OF)
    assert result.tier_ids() == want.tier_ids()
    for seg_id, errors in want.errors.items():
        assert result.errors[seg_id].tolist() == errors.tolist(), seg_id
    assert result.reasons("en") == want.reasons("en")
    assert result.reasons("zh") == want.reasons("zh")


@pytest.mark.spark
@pytest.mark.slow
def test_spark_matches_rule_engine_row_by_row(spark_results: Path) -> None:
    """The oracle tests on Spark: every fixed expression Spark does not refuse and a few hundred seeded random
    ones, evaluated in one DataFrame, equal rule-engine's matches and errors row by row."""
    from tests.backends.spark_oracle import binding

    from tierkit.oracle import evaluate_oracle

    cases = json.loads((spark_results / "oracle.json").read_text(encoding="utf-8"))
    kept, refused = cases["kept"], cases["refused"]
    assert len(kept) >= 200
    assert all(why and "\n" not in why for why in refused.values()), refused  # UnsupportedExpression, by name
    got = pd.read_parquet(spark_results / "oracle.parquet")
    matches, errors = evaluate_oracle(binding(kept))
    rows = binding(kept).oracle_rows()
    for i, expr in enumerate(kept):
        m = got[f"tk_match_s{i}"].fillna(False).to_numpy(dtype=bool)
        e = got[f"tk_error_s{i}"].fillna(False).to_numpy(dtype=bool)
        bad = [r for r in range(len(m)) if m[r] != matches[f"s{i}"][r] or e[r] != errors[f"s{i}"][r]]
        assert not bad, (f"{expr!r} at rows {bad[:5]}: Spark match/error {m[bad[0]]}/{e[bad[0]]}, rule-engine "
                         f"{matches[f's{i}'][bad[0]]}/{errors[f's{i}'][bad[0]]}; {rows[bad[0]]}")


def test_classify_runs_the_sql_tierkit_sql_prints() -> None:
    """classify's query is the printed one (views named as classify names them): what Spark runs for the
    printed SQL is what classify runs."""
    name, sample = CLASSIFY_CASE
    customers, orders = tables(name, sample)
    assert orders is not None
    query = spark_sql(name, CUSTOMERS, list(map(str, customers.columns)), orders_view=ORDERS,
                      orders_columns=list(map(str, orders.columns)), as_of=AS_OF)
    assert query + "\n" == printed_sql(name, sample, "spark")


@pytest.mark.spark
@pytest.mark.slow
def test_spark_blanks_ties_zero_divisors_and_regex(spark_results: Path, tmp_path: Path) -> None:
    rules = tmp_path / "hand.yaml"
    rules.write_text(HAND_RULES, encoding="utf-8")
    expected = tierkit.classify(tierkit.load_ruleset(rules), hand_table(), as_of=AS_OF).tier_ids()
    got = pd.read_parquet(spark_results / "hand.parquet")
    assert got["tier_id"].tolist() == list(expected)
    assert got["s"].tolist()[:2] == [4, 4]  # the tie shares its score
    assert got["r"].isna().tolist()[1] and got["r"].isna().tolist()[3]  # x / 0 is blank, not an ANSI error


@pytest.mark.spark
@pytest.mark.slow
def test_spark_ansi_mode_raises_on_division_by_zero(spark_results: Path) -> None:
    """Pinned: Spark 4 (ANSI on) raises on 1 / 0, which is why every generated division is guarded."""
    facts = json.loads((spark_results / "facts.json").read_text(encoding="utf-8"))
    assert facts["version"].startswith("4.")
    assert facts["divide_by_zero"] == "DIVIDE_BY_ZERO"


@pytest.mark.parametrize(("pattern", "nested"), [
    ("(a+)+b", True), ("(a*)*", True), ("(x|y+)*z", True), ("((ab)+c?)+", True), ("(a+b?){2,}", True),
    ("^A[0-9]+$", False), ("(ab)+", False), ("a+b*c?", False), ("(a|b){3}", False), ("(a+)?", False),
    ("[(+)]+", False), ("(", False),
])
def test_nested_quantifiers_are_found(pattern: str, nested: bool) -> None:
    assert nested_quantifier(pattern) is nested


def test_spark_refuses_a_nested_quantifier_by_segment(tmp_path: Path) -> None:
    rules = tmp_path / "re.yaml"
    rules.write_text(HAND_RULES.replace("'^A[0-9]'", "'^(A+)+$'"), encoding="utf-8")
    with pytest.raises(UnsupportedExpression, match=r"nested quantifier") as info:
        spark_sql(rules, "t", ["v", "w", "name"], as_of=AS_OF)
    assert info.value.where is not None and info.value.where.segment == "a_name"


def test_spark_sql_is_one_statement_for_a_cluster() -> None:
    """The query classify runs, printable for spark-sql on a cluster: one SELECT, no temporary tables."""
    customers, orders = sample_tables("distributor")
    assert orders is not None
    sql = spark_sql("rfm", "customers", list(map(str, customers.columns)), orders_view="orders",
                    orders_columns=list(map(str, orders.columns)), as_of=AS_OF)
    assert sql.lstrip().upper().startswith(("SELECT", "WITH"))
    assert ";" not in sql and "tier_id" in sql and "MONOTONICALLY_INCREASING_ID()" in sql.upper()
