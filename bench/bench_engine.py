"""Engine benchmark (issue 2): compiled evaluation vs row-by-row rule-engine vs hand-written numpy.

1,000,000 rows, 6 ordered tier rules (numeric comparisons, `in`, a date condition), hit policy first.
Prints times and the two ratios the issue names:
  * compiled vs row-by-row rule-engine (target >= 200x; the oracle is timed on a sample and extrapolated,
    pass --full-oracle to time all rows)
  * compiled vs the same rules written by hand in numpy (target: within 2x)
Usage: python bench/bench_engine.py [--rows N] [--full-oracle]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from tierkit import parse_ruleset
from tierkit.bind import bind
from tierkit.oracle import evaluate_compiled, evaluate_oracle
from tierkit.segment import resolve_hits

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


def hand_numpy(frame: pd.DataFrame) -> np.ndarray:
    """The same six rules written by hand: what a careful engineer would code without tierkit."""
    rev = frame["revenue"].to_numpy()
    orders = frame["orders"].to_numpy()
    region = frame["region"].to_numpy()
    last = frame["last_order"].to_numpy()
    codes, cats = pd.factorize(region)
    in_ne = np.isin(codes, np.flatnonzero(np.isin(cats, ["North", "East"])))
    in_sw = np.isin(codes, np.flatnonzero(np.isin(cats, ["South", "West"])))
    with np.errstate(invalid="ignore"):
        conds = [
            (rev >= 100000) & in_ne,
            (rev >= 50000) & (orders >= 12),
            (last >= np.datetime64("2024-05-01")) & (rev >= 10000),
            in_sw & (orders > 3),
            ~np.isnan(rev) & ((rev < 1000) | (orders <= 1)),  # a blank revenue makes the rule not apply
            last < np.datetime64("2023-01-01"),
        ]
    return np.select(conds, np.arange(6), default=6)


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--oracle-sample", type=int, default=50_000)
    ap.add_argument("--full-oracle", action="store_true")
    args = ap.parse_args()
    rs = parse_ruleset(RULES, name="bench")
    frame = make_frame(args.rows)
    as_of = dt.date(2024, 6, 30)

    t0 = time.perf_counter()
    binding = bind(rs, frame, as_of=as_of)
    t_bind = time.perf_counter() - t0

    def compiled() -> np.ndarray:
        matches, _ = evaluate_compiled(binding)
        tier, _ = resolve_hits(rs, matches, binding.n)
        return tier

    t_comp, tier = best_of(compiled)
    t_hand, hand = best_of(lambda: hand_numpy(binding.typed))
    assert np.array_equal(np.asarray(tier), hand), "compiled and hand-written numpy disagree"

    sample = args.rows if args.full_oracle else min(args.oracle_sample, args.rows)
    small = bind(rs, frame.iloc[:sample].reset_index(drop=True), as_of=as_of)
    t0 = time.perf_counter()
    om, _ = evaluate_oracle(small)
    t_oracle_sample = time.perf_counter() - t0
    otier, _ = resolve_hits(rs, om, small.n)
    assert np.array_equal(otier, np.asarray(tier)[:sample]), "compiled and oracle disagree"
    t_oracle = t_oracle_sample * args.rows / sample

    print(f"rows: {args.rows:,}; 6 ordered rules (+ default), hit policy first")
    print(f"bind (types, aliases):           {t_bind:8.3f} s")
    print(f"compiled evaluation:             {t_comp:8.3f} s  ({args.rows / t_comp:,.0f} rows/s)")
    print(f"hand-written numpy:              {t_hand:8.3f} s")
    label = "measured" if sample == args.rows else f"extrapolated from {sample:,} rows"
    print(f"row-by-row rule-engine (oracle): {t_oracle:8.3f} s  ({label}; {sample / t_oracle_sample:,.0f} rows/s)")
    print(f"ratio oracle / compiled:         {t_oracle / t_comp:8.1f}x   (target >= 200x)")
    print(f"ratio oracle / (bind + compiled): {t_oracle / (t_comp + t_bind):7.1f}x")
    print(f"ratio compiled / hand numpy:     {t_comp / t_hand:8.2f}x   (target <= 2x)")


if __name__ == "__main__":
    main()
