"""The Spark cases of ``test_spark.py``, run in one subprocess (one SparkSession, local[1]) so the test bounds
its time: ``python -m tests.backends.spark_job OUT_DIR``.  Writes each case's result as parquet plus
``facts.json`` (what Spark itself does, e.g. dividing by zero under ANSI mode, and how long the cases took):

* ``sql/<rules>-<sample>.parquet``: the exact stdout of ``tierkit sql --dialect spark`` for every built-in
  rule set on one of its samples, run by ``spark.sql`` over temporary views ``customers`` and ``orders`` (the
  test formats the reasons from it with :func:`tierkit.spark.collect`);
* ``classify.parquet``: :func:`tierkit.spark.classify` on :data:`CLASSIFY_CASE`;
* ``oracle.parquet`` / ``oracle.json``: the fixed and a few hundred seeded random expressions of the oracle
  tests, each a segment of one query over one table (:mod:`tests.backends.spark_oracle`), and the ones Spark
  refuses with the refusal's text;
* ``hand.parquet``: a hand table with blanks, ties, zero divisors and a regex."""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from tests.backends import spark_oracle
from tests.backends.parity_cases import CUSTOMERS, ORDERS, PARITY_CASES, printed_sql, tables
from tests.rules.helpers import AS_OF, load

#: one sample per built-in rule set (DuckDB runs every sample: test_sql_runs.py); a Spark query over the
#: samples takes 5-20 s on local[1], so this keeps the job to a few minutes
SPARK_CASES = list({name: (name, sample) for name, sample in reversed(PARITY_CASES)}.values())[::-1]
#: the case also run through tierkit.spark.classify (the same SQL over temporary views of the DataFrames)
CLASSIFY_CASE = ("rfm", "distributor")

HAND_RULES = """\
name: hand
title: {en: Hand table}
hit_policy: first
fields:
  v: {type: float}
  w: {type: float}
  name: {type: string}
features:
  - quantile_score: v
    as: s
  - ratio: [v, w]
    as: r
  - pareto_share: v
    as: p
segments:
  - id: top
    label: {en: Top}
    when: "s >= 4 and p < 0.5"
  - id: ratio_high
    label: {en: Ratio high}
    when: "r > 2 or w == 0"
  - id: a_name
    label: {en: A name}
    when: "name =~ '^A[0-9]'"
  - id: other
    label: {en: Other}
    default: true
"""


def hand_table() -> pd.DataFrame:
    """Blanks, ties, zero divisors, names the regex takes and leaves."""
    return pd.DataFrame({
        "v": [5.0, 5.0, None, 0.0, -2.0, 10.0, 1.0, 1.0, 3.0, 7.5],
        "w": [1.0, 0.0, 2.0, 0.0, None, 4.0, 0.5, 0.5, 1.0, 2.0],
        "name": ["A1", None, "A2", "b", "", "A3x", "Z", "A9", "a1", "A0"],
    })


def main(out: Path) -> None:
    warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas 3
    from pyspark.sql import SparkSession

    import tierkit.spark

    spark = (SparkSession.builder.master("local[1]").appName("tierkit-tests")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
             .config("spark.sql.ansi.enabled", "true").config("spark.driver.memory", "768m")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    facts: dict[str, str] = {"version": spark.version}
    try:
        spark.sql("SELECT 1 / 0 AS x").collect()
        facts["divide_by_zero"] = "no error"
    except Exception as err:
        facts["divide_by_zero"] = "DIVIDE_BY_ZERO" if "DIVIDE_BY_ZERO" in str(err) else str(err)[:200]
    (out / "sql").mkdir()
    started = time.monotonic()
    for name, sample in SPARK_CASES:
        customers, orders = tables(name, sample)
        query = printed_sql(name, sample, "spark")
        if query is None:  # numpy refuses the case too (test_sql_runs checks the message)
            continue
        cust = spark.createDataFrame(customers)
        cust.createOrReplaceTempView(CUSTOMERS)
        if orders is not None:
            spark.createDataFrame(orders).createOrReplaceTempView(ORDERS)
        spark.sql(query).toPandas().to_parquet(out / "sql" / f"{name}-{sample}.parquet")
        if (name, sample) == CLASSIFY_CASE:
            ords = spark.table(ORDERS) if orders is not None else None
            result = tierkit.spark.classify(load(name), cust, orders=ords, as_of=AS_OF)
            result.toPandas().to_parquet(out / "classify.parquet")
    facts["cases_seconds"] = f"{time.monotonic() - started:.1f}"
    started = time.monotonic()
    kept, refused = spark_oracle.cases()
    (out / "oracle.json").write_text(json.dumps({"kept": kept, "refused": refused}), encoding="utf-8")
    spark.createDataFrame(spark_oracle.typed_table(kept)).createOrReplaceTempView(spark_oracle.TABLE)
    flags = [c for i in range(len(kept)) for c in (f"tk_match_s{i}", f"tk_error_s{i}")]
    spark.sql(spark_oracle.spark_query(kept)).select(*flags).toPandas().to_parquet(out / "oracle.parquet")
    facts["oracle_seconds"] = f"{time.monotonic() - started:.1f}"
    rules = out / "hand.yaml"
    rules.write_text(HAND_RULES, encoding="utf-8")
    hand = tierkit.spark.classify(rules, spark.createDataFrame(hand_table()), as_of=AS_OF)
    hand.toPandas().to_parquet(out / "hand.parquet")
    (out / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    spark.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
