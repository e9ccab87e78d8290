"""Benchmark: the rfm rule set on 1,000,000- and 10,000,000-row parquets on DuckDB, against the numpy path on 1M rows.

Usage: python bench/bench_duckdb_scale.py [--sizes 1000000,10000000] [--cli-sizes 1000000,10000000]
       [--numpy-rows N] [--memory-limit 512MB] [--threads N] [--batch N]

Makes (fixed seed, in a temporary directory, written in row groups so making it needs little memory) a flat
customer parquet (customer id, revenue, orders, days since the last order) and runs, each in a fresh process:

  duckdb   ``compile_select`` of rfm with its features as SQL (three quintile scores by mid-rank over the whole
           table, their sum, the 11 segments) over ``read_parquet(...)``, the result (input columns, tier id and
           label) streamed back in Arrow batches of ``--batch`` rows, counted per tier and written to an output
           parquet batch by batch (nothing holds the whole result in Python), once per size in ``--sizes``
  cli      ``tierkit apply PATH --rules rfm --engine duckdb -o OUT.parquet`` (the streaming path,
           :mod:`tierkit.app.stream`: input and output a batch at a time, reasons formatted per batch), its peak
           memory that of the ``tierkit`` process, once per size in ``--cli-sizes``
  numpy    ``tierkit.classify`` on the 1M-row parquet read into pandas (today's compiled path)

and prints rows/s and the peak resident memory (ru_maxrss) of each, the ratio of the largest size's peak to the
smallest's (flat memory: about 1), and the 100M-row extrapolation: time scales as n log n (the window sorts) and
DuckDB's memory stays at its ``--memory-limit`` (it spills the sorts to disk), so
``t(100M) = t(10M) * 10 * log(1e8) / log(1e7)``.  Not a test: nothing is timed in the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1_000_000


def make_parquet(path: Path, rows: int, seed: int = 7) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        revenue = np.round(rng.lognormal(8.0, 1.4, n), 2)
        revenue[rng.random(n) < 0.01] = np.nan  # blanks: they stay unscored
        table = pa.table({
            "customer_id": pa.array([f"C{start + i:09d}" for i in range(n)]),
            "revenue": pa.array(revenue, from_pandas=True),
            "frequency": pa.array(rng.poisson(6, n) + 1, type=pa.int64()),
            "recency_days": pa.array(rng.integers(0, 900, n), type=pa.int64()),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def run_duckdb(path: str, memory_limit: str, threads: int, batch: int) -> dict[str, object]:
    import duckdb
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    import tierkit
    from tierkit.backends import compile_select
    from tierkit.backends.sqlfeatures import features_select

    rs = tierkit.load_ruleset("rfm")
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {threads}")
    con.execute(f"SET temp_directory = '{tempfile.mkdtemp(prefix='tk_spill_')}'")
    con.execute("SET preserve_insertion_order = false")
    table = f"read_parquet('{path}')"
    columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()]

    def features_sql(ruleset: object, name: str, dialect: str) -> str:
        return features_select(ruleset, name, dialect, columns=columns).sql(dialect=dialect)

    sql = compile_select(rs, table, "duckdb", features_sql=features_sql)
    keep = ", ".join(f'"{c}"' for c in [*columns, "tier_id", "tier_label"])
    start = time.perf_counter()
    reader = con.sql(f"SELECT {keep} FROM ({sql})").fetch_arrow_reader(batch)
    counts: dict[str, int] = {}
    rows = 0
    out = Path(path).with_suffix(".tiered.parquet")
    with pq.ParquetWriter(out, reader.schema) as writer:
        for part in reader:
            rows += part.num_rows
            writer.write_batch(part)
            for item in pc.value_counts(part.column("tier_id")).to_pylist():
                key = str(item["values"])
                counts[key] = counts.get(key, 0) + int(item["counts"])
    seconds = time.perf_counter() - start
    out.unlink()
    return {"rows": rows, "seconds": seconds, "counts": counts}


def run_numpy(path: str) -> dict[str, object]:
    import pandas as pd

    import tierkit

    rs = tierkit.load_ruleset("rfm")
    frame = pd.read_parquet(path)
    start = time.perf_counter()
    result = tierkit.classify(rs, frame)
    ids = result.tier_ids()
    seconds = time.perf_counter() - start
    counts = pd.Series(list(ids)).value_counts().to_dict()
    return {"rows": len(frame), "seconds": seconds, "counts": {str(k): int(v) for k, v in counts.items()}}


def run_cli(path: str) -> dict[str, object]:
    """``tierkit apply --engine duckdb`` in its own process; rows counted from the output's metadata."""
    import pyarrow.parquet as pq

    out = Path(path).with_suffix(".cli.parquet")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from tierkit.cli import main; main()", "apply", path, "--rules", "rfm",
                    "--engine", "duckdb", "-o", str(out), "--quiet"], check=True, timeout=7200)
    seconds = time.perf_counter() - start
    rows = pq.ParquetFile(out).metadata.num_rows
    out.unlink()
    return {"rows": rows, "seconds": seconds, "counts": {},
            "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def child(kind: str, path: str, memory_limit: str, threads: int, batch: int) -> None:
    out = (run_duckdb(path, memory_limit, threads, batch) if kind == "duckdb" else
           run_cli(path) if kind == "cli" else run_numpy(path))
    out["peak_mb"] = out.pop("child_peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out))


def spawn(kind: str, path: Path, args: argparse.Namespace) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, str(path), "--memory-limit", args.memory_limit,
                           "--threads", str(args.threads), "--batch", str(args.batch)],
                          capture_output=True, text=True, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="DuckDB table sizes, comma-separated")
    parser.add_argument("--numpy-rows", type=int, default=1_000_000)
    parser.add_argument("--cli-sizes", default="1000000,10000000",
                        help="sizes for the tierkit apply --engine duckdb run (empty: none)")
    parser.add_argument("--memory-limit", default="512MB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100_000, help="rows per Arrow batch of the result")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.memory_limit, args.threads, args.batch)
        return
    sizes = sorted(int(n) for n in args.sizes.split(",") if n)
    cli_sizes = sorted(int(n) for n in args.cli_sizes.split(",") if n)
    results: list[tuple[str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "numpy.parquet"
        make_parquet(small, args.numpy_rows)
        results.append(("numpy", spawn("numpy", small, args)))
        small.unlink()
        for n in sorted(set(sizes) | set(cli_sizes)):
            big = Path(tmp) / f"rows{n}.parquet"
            start = time.perf_counter()
            make_parquet(big, n)
            print(f"made {n:,} rows in {time.perf_counter() - start:.1f} s", flush=True)
            if n in sizes:
                results.append(("duckdb", spawn("duckdb", big, args)))
            if n in cli_sizes:
                results.append(("cli", spawn("cli", big, args)))
            big.unlink()
    for name, res in results:
        rows, seconds = int(str(res["rows"])), float(str(res["seconds"]))
        print(f"{name:7s} {rows:>12,} rows  {seconds:8.1f} s  {rows / seconds:>12,.0f} rows/s  "
              f"peak {float(str(res['peak_mb'])):,.0f} MB")
    cli = [res for name, res in results if name == "cli"]
    if len(cli) > 1:
        low, high = cli[0], cli[-1]
        ratio = float(str(high["peak_mb"])) / float(str(low["peak_mb"]))
        print(f"tierkit apply --engine duckdb peak memory, {int(str(high['rows'])):,} vs {int(str(low['rows'])):,} "
              f"rows: x{ratio:.2f} for x{int(str(high['rows'])) / int(str(low['rows'])):.0f} the rows")
    duck = [res for name, res in results if name == "duckdb"]
    if not duck:
        return
    if len(duck) > 1:
        low, high = duck[0], duck[-1]
        ratio = float(str(high["peak_mb"])) / float(str(low["peak_mb"]))
        print(f"peak memory, {int(str(high['rows'])):,} vs {int(str(low['rows'])):,} rows: x{ratio:.2f} for "
              f"x{int(str(high['rows'])) / int(str(low['rows'])):.0f} the rows (--memory-limit {args.memory_limit})")
    last = duck[-1]
    n = int(str(last["rows"]))
    t100 = float(str(last["seconds"])) * (1e8 / n) * math.log(1e8) / math.log(n)
    print(f"extrapolated: 100,000,000 rows on DuckDB ~ {t100:,.0f} s ({1e8 / t100:,.0f} rows/s), memory bounded by "
          f"--memory-limit {args.memory_limit} (window sorts spill to disk)")


if __name__ == "__main__":
    main()
