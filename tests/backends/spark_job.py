"""The Spark cases of ``test_spark.py``, run in one subprocess (one SparkSession, local[1]) so the test bounds
its time: ``python -m tests.backends.spark_job OUT_DIR``.  Writes each case's result as parquet plus
``facts.json`` (what Spark itself does, e.g. dividing by zero under ANSI mode)."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pandas as pd
from tests.backends.feature_cases import sample_tables
from tests.rules.helpers import AS_OF, load

#: built-in rule sets classified on the distributor sample (from_orders, order_stats, quantile scores, choose,
#: multiply, Pareto share)
SAMPLE_SETS = ("rfm", "abc")
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
             .config("spark.sql.ansi.enabled", "true").config("spark.driver.memory", "768m").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    facts: dict[str, str] = {"version": spark.version}
    try:
        spark.sql("SELECT 1 / 0 AS x").collect()
        facts["divide_by_zero"] = "no error"
    except Exception as err:
        facts["divide_by_zero"] = "DIVIDE_BY_ZERO" if "DIVIDE_BY_ZERO" in str(err) else str(err)[:200]
    customers, orders = sample_tables("distributor")
    assert orders is not None
    cust, ords = spark.createDataFrame(customers), spark.createDataFrame(orders)
    for name in SAMPLE_SETS:
        result = tierkit.spark.classify(load(name), cust, orders=ords, as_of=AS_OF)
        result.toPandas().to_parquet(out / f"{name}.parquet")
    rules = out / "hand.yaml"
    rules.write_text(HAND_RULES, encoding="utf-8")
    hand = tierkit.spark.classify(rules, spark.createDataFrame(hand_table()), as_of=AS_OF)
    hand.toPandas().to_parquet(out / "hand.parquet")
    (out / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    spark.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
