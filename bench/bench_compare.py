"""Benchmark: ``tierkit compare BEFORE AFTER`` of two 1,000,000-customer snapshots against two ``apply`` runs.

Usage: python bench/bench_compare.py [--rows N] [--rules abc]

The snapshots are bench/make_big_xlsx.py's workbook (seed 7) and the same customers with other figures
(seed 8), cached under bench/.cache/.  Each command runs in its own child process (the CLI as users run it);
prints the seconds of each, peak RSS, and the ratio compare / (apply + apply), which issue 16 wants at most 2.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_big_xlsx import CACHE, ensure, make  # noqa: E402

CLI = "from tierkit.cli import main; main()"


def snapshots(rows: int) -> tuple[Path, Path]:
    before = ensure(rows)
    after = CACHE / f"customers_{rows}_later.xlsx"
    if not after.exists():
        print(f"generating {after} ({rows:,} rows) ...", file=sys.stderr)
        make(after, rows, seed=8)
    return before, after


def timed(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of ``tierkit ARGS`` in a child process
    (on a shared machine the CPU seconds are the steadier figure)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"tierkit {' '.join(args)} failed ({proc.returncode}): {err}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rules", default="abc")
    args = ap.parse_args()
    before, after = snapshots(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        a1 = timed(["apply", str(before), "-r", args.rules, "-o", str(out / "b.xlsx"), "-q"])
        a2 = timed(["apply", str(after), "-r", args.rules, "-o", str(out / "a.xlsx"), "-q"])
        cmp = timed(["compare", str(before), str(after), "-r", args.rules, "-o", str(out / "m.xlsx"), "-q"])
    print(f"rows            {args.rows:,}  (rules {args.rules})")
    for name, (wall, peak, cpu) in (("apply BEFORE", a1), ("apply AFTER", a2), ("compare", cmp)):
        print(f"{name:<14}  {wall:8.1f} s wall  {cpu:8.1f} s cpu   peak {peak:7.0f} MB")
    print(f"ratio compare / (two applies): wall {cmp[0] / (a1[0] + a2[0]):.2f}, cpu {cmp[2] / (a1[2] + a2[2]):.2f}  "
          "(issue 16: at most 2)")


if __name__ == "__main__":
    main()
