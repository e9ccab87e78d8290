"""Benchmark: tier columns into a 1,000,000-row x 8-column .xlsx, against python-calamine's read.

Usage: python bench/bench_apply_xlsx.py [--rows N] [--skip-apply]

Each step runs in its own child process, so its peak memory (ru_maxrss from wait4) is its own:
  calamine     python-calamine alone reads the sheet (to_python): the baseline
  read_table   tierkit.io.read_table
  read+write   read_table + write_output with 3 new columns (values and fills) + a summary sheet
  apply        `tierkit apply FILE --rules abc` end to end, with its breakdown (import, rules, read, customer
               rows, bind + evaluate, reasons, labels + ids, write); calamine runs again right before it
Prints seconds, ratios to the calamine read (the faster of its runs) and peak RSS.  Not a test: nothing is
asserted.  The machine may be shared: use --repeat and compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from make_big_xlsx import ensure  # noqa: E402

CALAMINE = """
import json, sys, time
import python_calamine as pc
t0 = time.perf_counter()
book = pc.CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_index(0).to_python()
print(json.dumps({"read": time.perf_counter() - t0, "rows": len(rows)}))
"""

READ_WRITE = """
import json, sys, time
import numpy as np
from tierkit.io import NewColumn, SummaryTable, read_table, write_output
t0 = time.perf_counter()
t = read_table(sys.argv[1])
t1 = time.perf_counter()
if sys.argv[2] == "read":
    print(json.dumps({"read_table": t1 - t0}))
    raise SystemExit
rev = np.array([x if isinstance(x, float) else 0.0 for x in t.frame["Revenue"]])
tier = np.where(rev > 3000, "Gold", np.where(rev > 800, "Silver", "Bronze")).astype(object)
fill = np.where(rev > 3000, "#FFD700", np.where(rev > 800, "#C0C0C0", "#CD7F32")).astype(object)
tid = np.where(rev > 3000, 1, np.where(rev > 800, 2, 3))
why = np.where(rev > 3000, "Revenue > 3000", np.where(rev > 800, "Revenue > 800", "otherwise")).astype(object)
cols = [NewColumn("Tier", tier, fill), NewColumn("Tier ID", tid, fill), NewColumn("Tier reason", why)]
counts = [[k, int((tier == k).sum())] for k in ("Gold", "Silver", "Bronze")]
summary = [SummaryTable("Tiers", ["Tier", "Customers"], counts, ["#FFD700", "#C0C0C0", "#CD7F32"])]
t2 = time.perf_counter()
write_output(t, sys.argv[3], cols, summary=summary, force=True, progress=False)
t3 = time.perf_counter()
print(json.dumps({"read_table": t1 - t0, "prepare": t2 - t1, "write_output": t3 - t2}))
"""

APPLY = "import sys; from tierkit.cli import main; sys.argv[0] = 'tierkit'; main()"

# `tierkit apply` with a clock on its parts (the same run, the same code; only timers wrapped around the
# functions the CLI calls), printed as one JSON line on stdout after the command's own output.
APPLY_TIMED = """
import json, sys, time
t0 = time.perf_counter()
parts = {}

def timed(owner, name, key):
    fn = getattr(owner, name)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            parts[key] = parts.get(key, 0.0) + time.perf_counter() - t
    setattr(owner, name, wrapper)

from tierkit.cli import main
import tierkit.app as app, tierkit.app.apply as apply_mod, tierkit.io as io, tierkit.segment as seg
parts["import"] = time.perf_counter() - t0
timed(app, "resolve_rules", "rules")
timed(app, "open_table", "read")
timed(apply_mod, "clean_rows", "customer rows")
timed(apply_mod, "classify", "bind + evaluate")
timed(seg.Classification, "reasons", "reasons")
for name in ("labels", "tier_ids", "colors"):
    timed(seg.Classification, name, "labels + ids")
timed(io, "write_output", "write")
sys.argv[0] = "tierkit"
try:
    main()
except SystemExit as err:
    if err.code:
        raise
parts["total"] = time.perf_counter() - t0
print(json.dumps(parts))
"""
BREAKDOWN = ("import", "rules", "read", "customer rows", "bind + evaluate", "reasons", "labels + ids", "write")


def run_measured(args: list[str]) -> tuple[float, dict[str, float], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, *args], stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if proc.returncode:
        raise SystemExit(f"step failed ({proc.returncode}): {' '.join(args[:4])}\n{stderr[-3000:]}")
    data: dict[str, float] = {}
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            data = json.loads(line)
            break
    return wall, data, usage.ru_maxrss / 1024.0


class Best:
    """The fastest of repeated runs of each step (the machine may be shared)."""

    def __init__(self, n: int) -> None:
        self.runs: dict[str, list[tuple[float, dict[str, float], float]]] = {}

    def add(self, step: str, wall: float, data: dict[str, float], rss: float) -> None:
        self.runs.setdefault(step, []).append((wall, data, rss))

    def get(self, step: str, *keys: str) -> tuple[dict[str, float], float]:
        runs = self.runs[step]
        _, data, _ = min(runs, key=lambda r: sum(r[1][k] for k in keys))
        return data, max(r[2] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--skip-apply", action="store_true")
    ap.add_argument("--rules", default="abc")
    ap.add_argument("--repeat", type=int, default=1, help="run each step N times, report the fastest")
    ap.add_argument("--no-reasons", action="store_true", help="apply with --no-reasons (when the CLI has it)")
    args = ap.parse_args()
    src = ensure(args.rows)
    print(f"file: {src} ({src.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows x 8 columns); "
          f"cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(dir=HERE / ".cache") as tmp:
        out = str(Path(tmp) / "out.xlsx")
        best = Best(args.repeat)
        for _ in range(args.repeat):
            best.add("cal", *run_measured(["-c", CALAMINE, str(src)]))
            best.add("rt", *run_measured(["-c", READ_WRITE, str(src), "read"]))
            best.add("rw", *run_measured(["-c", READ_WRITE, str(src), "write", out]))
        cal, cal_rss = best.get("cal", "read")
        rt, rt_rss = best.get("rt", "read_table")
        rw, rw_rss = best.get("rw", "write_output", "read_table")
        base = cal["read"]
        print(f"calamine read        {base:7.2f} s                 peak RSS {cal_rss:7.0f} MB")
        print(f"read_table           {rt['read_table']:7.2f} s  x{rt['read_table'] / base:4.2f}        "
              f"peak RSS {rt_rss:7.0f} MB")
        total = rw["read_table"] + rw["write_output"]
        print(f"write_output         {rw['write_output']:7.2f} s  x{rw['write_output'] / base:4.2f}")
        print(f"read_table+write     {total:7.2f} s  x{total / base:4.2f} (target <= 2)  "
              f"peak RSS {rw_rss:7.0f} MB (target < 2048)")
        print(f"  output {Path(out).stat().st_size / 1e6:.1f} MB")
        if not args.skip_apply:
            out2 = str(Path(tmp) / "applied.xlsx")
            cmd = ["-c", APPLY_TIMED, "apply", str(src), "--rules", args.rules, "-o", out2, "--force", "--quiet"]
            if args.no_reasons:
                cmd.append("--no-reasons")
            for _ in range(args.repeat):
                best.add("cal2", *run_measured(["-c", CALAMINE, str(src)]))   # the baseline again, next to it
                wall, data, rss = run_measured(cmd)
                best.add("apply", wall, {**data, "wall": wall}, rss)
            cal2, _ = best.get("cal2", "read")
            ap, ap_rss = best.get("apply", "wall")
            base2 = min(base, cal2["read"])
            wall = ap["wall"]
            print(f"tierkit apply ({args.rules})  {wall:7.2f} s  x{wall / base2:4.2f} (target <= 1.5)  "
                  f"peak RSS {ap_rss:7.0f} MB (target < 1536)   [wall clock incl. interpreter start]")
            print("  breakdown (x = share of the calamine read):")
            known = 0.0
            for key in BREAKDOWN:
                if key in ap:
                    known += ap[key]
                    print(f"    {key:<16} {ap[key]:7.2f} s  x{ap[key] / base2:4.2f}")
            other = wall - known
            print(f"    {'other':<16} {other:7.2f} s  x{other / base2:4.2f}  (interpreter start, summary, notes)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
