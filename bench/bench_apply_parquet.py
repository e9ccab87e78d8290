"""Benchmark: `tierkit apply` on a 1,000,000-row parquet with a 6-rule rule file, against a hand-written process.

Usage: python bench/bench_apply_parquet.py [--rows N] [--repeat N] [--lang en|zh]

Makes (fixed seed, in a temporary directory) a parquet of customers (ids, names, numbers, dates, a few text
columns) and a rule file of 6 segments plus a default, then runs, each in a fresh process, best of ``--repeat``:

  baseline     a hand-written script: read the parquet with pyarrow, ``np.select`` the same 6 conditions,
               write the table plus the tier column to parquet
  reasons      ``tierkit apply FILE --rules RULES`` (Tier, Tier ID and Tier reason columns)
  no-reasons   ``tierkit apply FILE --rules RULES --no-reasons`` (Tier and Tier ID)

and prints, side by side, the seconds and the ratios to the baseline in wall time and in CPU time (user +
system: on a machine other work is loading, the steadier figure), each with its breakdown: the phases
tierkit prints of itself with ``TIERKIT_TIMINGS=1`` (import, rules, read, rows: leaving out totals and notes,
bind, evaluate, reasons, columns, summary: the summary sheet's tables, write, other; wall and CPU) and the
baseline's own (import, read, evaluate, write).  tierkit reads a parquet input on a second thread while it
imports: a phase counts the time the command waits for that work, and a last table gives the second thread's
own seconds (``tierkit beside:``), so a regression shows whether the work grew or stopped overlapping.
tierkit's modules are compiled to .pyc first, as an installed package's are.  It also checks that the
baseline's tier column equals tierkit's.  Not a test: nothing is timed in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RULES = """\
name: bench6
title: {en: Benchmark tiers, zh: 基准分层}
hit_policy: first
measure: revenue
fields:
  customer_id: {type: string, role: id}
  revenue: {type: float, label: {en: Revenue, zh: 销售额}}
  orders: {type: int}
  margin: {type: float}
  last_order: {type: date}
  region: {type: string}
  channel: {type: string}
segments:
  - {id: platinum, label: {en: Platinum, zh: 白金}, when: "revenue >= 50000 and orders >= 20", color: "#1b5e20"}
  - {id: gold, label: {en: Gold, zh: 黄金}, when: "revenue >= 20000 and region in ['North', 'East']"}
  - {id: lapsed, label: {en: Lapsed, zh: 流失}, when: "last_order < d'2024-01-01' and revenue >= 1000"}
  - {id: growth, label: {en: Growth, zh: 成长}, when: "margin >= 0.35 or channel == 'Online'"}
  - {id: silver, label: {en: Silver, zh: 白银}, when: "revenue >= 5000"}
  - {id: bronze, label: {en: Bronze, zh: 青铜}, when: "orders >= 2"}
  - {id: other, label: {en: Other, zh: 其他}, default: true}
"""

MAKE = """
import sys
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
n, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(20240614)
ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
first = np.array(["Wang", "Li", "Zhang", "Liu", "Chen", "Smith", "Jones", "Garcia", "Müller", "Rossi"])
shop = np.array(["Trading", "Stores", "Mart", "Foods", "Supply", "商贸", "超市", "批发"])
names = np.char.add(np.char.add(first[rng.integers(0, len(first), n)], " "), shop[rng.integers(0, len(shop), n)])
revenue = np.round(rng.lognormal(8.5, 1.4, n), 2)
revenue[rng.random(n) < 0.01] = np.nan                       # a few blanks
orders = rng.poisson(6, n).astype("int64")
margin = np.round(rng.normal(0.22, 0.1, n), 4)
days = rng.integers(0, 3 * 365, n)
last_order = (np.datetime64("2022-01-01") + days.astype("timedelta64[D]"))
signup = last_order - rng.integers(0, 2000, n).astype("timedelta64[D]")
region = np.array(["North", "East", "South", "West", "Central"])[rng.integers(0, 5, n)]
channel = np.array(["Online", "Store", "Distributor", "Phone"])[rng.choice(4, n, p=[0.15, 0.5, 0.25, 0.1])]
table = pa.table({"customer_id": ids, "name": names, "region": region, "channel": channel,
                  "revenue": pa.array(revenue, from_pandas=True), "orders": orders, "margin": margin,
                  "last_order": last_order, "signup": signup})
pq.write_table(table, path)
"""

BASELINE = """
import json, sys, time
t0 = time.perf_counter()
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
c1, t1 = time.process_time(), time.perf_counter()
table = pq.read_table(sys.argv[1])
df = table.to_pandas()
c2, t2 = time.process_time(), time.perf_counter()
rev, orders, margin = df["revenue"].to_numpy(), df["orders"].to_numpy(), df["margin"].to_numpy()
last, region, channel = df["last_order"].to_numpy(), df["region"].to_numpy(), df["channel"].to_numpy()
conds = [(rev >= 50000) & (orders >= 20), (rev >= 20000) & np.isin(region, ["North", "East"]),
         (last < np.datetime64("2024-01-01")) & (rev >= 1000), (margin >= 0.35) | (channel == "Online"),
         rev >= 5000, orders >= 2]
tier = np.select(conds, ["Platinum", "Gold", "Lapsed", "Growth", "Silver", "Bronze"], "Other")
c3, t3 = time.process_time(), time.perf_counter()
pq.write_table(table.append_column("Tier", pa.array(tier)), sys.argv[2])
c4, t4 = time.process_time(), time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "evaluate": t3 - t2, "write": t4 - t3}))
print(json.dumps({"import": c1, "read": c2 - c1, "evaluate": c3 - c2, "write": c4 - c3}))
"""

CHECK = """
import sys, pyarrow.parquet as pq
a = pq.read_table(sys.argv[1], columns=["Tier"]).column(0)
b = pq.read_table(sys.argv[2], columns=["Tier"]).column(0)
print("tier columns equal" if a.equals(b) else "TIER COLUMNS DIFFER")
"""

PHASES = ("import", "rules", "read", "rows", "bind", "evaluate", "reasons", "columns", "summary", "write", "other")


#: CPU seconds (user + system) of the last :func:`run`'s process: on a loaded machine a steadier figure than wall time
LAST_CPU: list[float] = [0.0]


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600,
                          check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args[:4])}\n{proc.stderr[-3000:]}")
    return wall, proc.stdout, proc.stderr


def timings(stderr: str, prefix: str = "tierkit timings:") -> dict[str, float]:
    """The phase times ``TIERKIT_TIMINGS=1`` prints: one JSON object on a line starting ``tierkit timings:``
    (wall seconds), and one starting ``tierkit cpu:`` (CPU seconds, ``prefix``)."""
    for line in stderr.splitlines():
        if line.startswith(prefix):
            return {k: float(v) for k, v in json.loads(line.partition(":")[2]).items()}
    return {}


@dataclass
class Result:
    """The best run (by wall time) of one process: its wall and CPU seconds and its phase breakdowns."""

    label: str
    wall: float
    cpu: float
    parts: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    cpu_parts: dict[str, float] = field(default_factory=dict)  # CPU seconds per phase
    beside: dict[str, float] = field(default_factory=dict)  # seconds of work on a second thread, beside the phases


def best(label: str, args: list[str], repeat: int, env: dict[str, str] | None = None) -> Result:
    runs = []
    for _ in range(repeat):
        wall, out, err = run(args, env)
        wall_parts, cpu_parts = (timings(err), timings(err, "tierkit cpu:")) if "tierkit timings:" in err \
            else _json(out)
        runs.append(Result(label, wall, LAST_CPU[0], _with_other(wall_parts, wall), _with_other(cpu_parts,
                                                                                                LAST_CPU[0]),
                           timings(err, "tierkit beside:")))
    top = min(runs, key=lambda r: r.wall)
    cpu = min(r.cpu for r in runs)
    print(f"  {label:<12} {' '.join(f'{r.wall:.2f}' for r in runs)}  -> best {top.wall:.2f} s "
          f"(CPU {' '.join(f'{r.cpu:.2f}' for r in runs)} -> best {cpu:.2f} s)", flush=True)
    return Result(label, top.wall, cpu, top.parts, min(runs, key=lambda r: r.cpu).cpu_parts, top.beside)


def _with_other(parts: dict[str, float], total: float) -> dict[str, float]:
    """``parts`` with "other" as what they leave of ``total`` (the baseline's interpreter start-up, ...)."""
    parts = {k: v for k, v in parts.items() if k != "total"}
    if parts and "other" not in parts:
        parts["other"] = max(total - sum(parts.values()), 0.0)
    return parts


def _json(stdout: str) -> tuple[dict[str, float], dict[str, float]]:
    """The baseline's two JSON lines: wall seconds per phase, then CPU seconds."""
    found = [{k: float(v) for k, v in json.loads(line).items()} for line in stdout.strip().splitlines()
             if line.startswith("{")]
    return (found[0] if found else {}), (found[1] if len(found) > 1 else {})


def table(results: list[Result], attr: str, parts: str, unit: str) -> None:
    base = getattr(results[0], attr)
    print(f"{unit:<12}{'seconds':>9}{'ratio':>8}   " + "".join(f"{p:>9}" for p in PHASES))
    for res in results:
        got = getattr(res, parts)
        cells = "".join(f"{got[p]:>9.3f}" if p in got else f"{'':>9}" for p in PHASES)
        print(f"{res.label:<12}{getattr(res, attr):>9.2f}{getattr(res, attr) / base:>7.2f}x   {cells}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_parquet_") as tmp:
        d = Path(tmp)
        # tierkit's modules compiled once (into src/tierkit/**/__pycache__), as an installed package's are (pip
        # writes the .pyc files); the baseline's libraries are compiled already.  Under PYTHONDONTWRITEBYTECODE
        # every run would otherwise compile tierkit from source: 0.2-0.3 s of CPU that no user pays.
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
               "TIERKIT_TIMINGS": "1"}
        run(["-m", "compileall", "-q", str(ROOT / "src" / "tierkit")],
            {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"})
        tierkit = ["-c", "import sys; from tierkit.cli import main; sys.argv[0] = 'tierkit'; main()"]
        data, rules = d / "customers.parquet", d / "bench6.yaml"
        rules.write_text(RULES, encoding="utf-8")
        t0 = time.perf_counter()
        run(["-c", MAKE, str(args.rows), str(data)])
        print(f"{args.rows:,} rows, 9 columns, {data.stat().st_size / 1e6:.1f} MB parquet "
              f"(made in {time.perf_counter() - t0:.1f} s); 6 rules + default; lang {args.lang}; "
              f"best of {args.repeat}, fresh process each (wall, then CPU = user + system)", flush=True)
        common = [str(data), "--rules", str(rules), "--lang", args.lang, "--force", "--quiet"]
        base = best("baseline", ["-c", BASELINE, str(data), str(d / "base.parquet")], args.repeat)
        full = best("reasons", [*tierkit, "apply", *common, "-o", str(d / "full.parquet")], args.repeat, env)
        bare = best("no-reasons", [*tierkit, "apply", *common, "--no-reasons", "-o", str(d / "bare.parquet")],
                    args.repeat, env)
        results = [base, full, bare]
        print("  check:", run(["-c", CHECK, str(d / "base.parquet"), str(d / "full.parquet")])[1].strip())
    print()
    table(results, "wall", "parts", "wall")
    print()
    table(results, "cpu", "cpu_parts", "CPU")
    print("\nbeside the phases (wall seconds of work on a second thread, overlapping them):")
    for res in results[1:]:
        print(f"  {res.label:<12}" + ("  ".join(f"{k} {v:.3f}" for k, v in res.beside.items()) or "none"))
    print(f"\nwith reasons: {full.wall / base.wall:.2f}x the baseline (goal 1.5x); "
          f"--no-reasons: {bare.wall / base.wall:.2f}x (goal 1.2x)")
    print(f"CPU time (user + system, best run): baseline {base.cpu:.2f} s; with reasons {full.cpu:.2f} s = "
          f"{full.cpu / base.cpu:.2f}x; --no-reasons {bare.cpu:.2f} s = {bare.cpu / base.cpu:.2f}x "
          f"(on a loaded machine the steadier ratio)")


if __name__ == "__main__":
    main()
