"""Backend benchmark (issue 15): the same bound rule set evaluated by numpy and by DuckDB (from Arrow).

Times evaluation only (the seam: matches and errors per segment), on the rule set and table of
bench_engine.py, and prints rows/s per backend, the ratio, and peak RSS.  The streaming 10M-row parquet run
of issue 15 is not here yet (the DuckDB backend evaluates a bound, in-memory table).
Usage: python bench/bench_backends.py [--rows N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import numpy as np
import pandas as pd

from tierkit import parse_ruleset
from tierkit.backends import get_backend
from tierkit.bind import bind

# the rule set and table of bench_engine.py
RULES = """
name: bench
fields:
  revenue: {type: float}
  orders: {type: float}
  region: {type: string}
  last_order: {type: date}
segments:
  - id: key
    when: revenue >= 100000 and region in ['North', 'East']
  - id: growth
    when: revenue >= 50000 and orders >= 12
  - id: recent
    when: last_order >= d"2024-05-01" and revenue >= 10000
  - id: regional
    when: region in ['South', 'West'] and orders > 3
  - id: small
    when: revenue < 1000 or orders <= 1
  - id: sleeping
    when: last_order < d"2023-01-01"
  - id: other
    default: true
"""

REGIONS = np.array(["North", "East", "South", "West", "Central", "华北", "华东"], dtype=object)



def make_frame(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(9, 1.6, n).round(2)
    revenue[rng.random(n) < 0.02] = np.nan
    orders = rng.poisson(6, n).astype(float)
    days = rng.integers(0, 3 * 365, n)
    last = pd.Timestamp("2024-06-30") - pd.to_timedelta(days, unit="D")
    return pd.DataFrame({"revenue": revenue, "orders": orders, "region": REGIONS[rng.integers(0, len(REGIONS), n)],
                         "last_order": last})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    rs = parse_ruleset(RULES, name="bench")
    binding = bind(rs, make_frame(args.rows), as_of=dt.date(2024, 6, 30))
    seconds = {}
    results = {}
    for name in ("numpy", "duckdb"):
        backend = get_backend(name)
        backend.evaluate(binding)  # warm up (imports, first connection)
        start = time.perf_counter()
        results[name] = backend.evaluate(binding)
        seconds[name] = time.perf_counter() - start
        print(f"{name:7s} {seconds[name]:7.3f} s  {args.rows / seconds[name]:14,.0f} rows/s")
    same = all((results["numpy"][0][k] == results["duckdb"][0][k]).all() for k in results["numpy"][0])
    print(f"duckdb / numpy time ratio: {seconds['duckdb'] / seconds['numpy']:.2f}  (same matches: {same})")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
