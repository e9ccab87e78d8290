"""Benchmark: tier columns into a 1,000,000-row x 8-column .xlsx, against python-calamine's read.

Usage: python bench/bench_apply_xlsx.py [--rows N] [--repeat N] [--skip-io] [--skip-apply]

Each step runs in its own child process, so its peak memory and CPU time (ru_maxrss, ru_utime + ru_stime
from wait4) are its own:
  calamine     python-calamine alone reads the sheet (to_python): the baseline
  read_table   tierkit.io.read_table, with the extent pass (the safety pass before calamine) timed alone
  read+write   read_table + write_output with 3 new columns (values and fills) + a summary sheet
  apply        `tierkit apply FILE --rules abc` end to end, with the breakdown it prints of itself with
               TIERKIT_TIMINGS=1 (import, rules, read, bind, evaluate, columns, reasons, write, other);
               calamine runs again right before it
Prints wall seconds and CPU seconds side by side, each as a ratio to the calamine read (the faster of its
runs), and peak RSS.  On a loaded machine the CPU ratio is the steadier figure; wall time counts the second
core (the extent pass, the sheet scan, calamine's parse of the sheet's second half and the writer run on
threads).  The sheet is inflated once, into a stored copy (tierkit.io.sheetcopy); TIERKIT_SHEET_SPLIT=0 in
the environment parses it whole (and TIERKIT_SHEET_COPY=0 reads the original), to compare.  Not a test:
nothing is asserted.
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
from typing import NamedTuple

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
import json, sys, time, zipfile
import numpy as np
from tierkit.io import NewColumn, SummaryTable, read_table, write_output
if sys.argv[2] == "read":
    from tierkit.io.extent import sheet_extent
    with zipfile.ZipFile(sys.argv[1]) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    t0, c0 = time.perf_counter(), time.process_time()
    sheet_extent(sys.argv[1], info)
    extent = (time.perf_counter() - t0, time.process_time() - c0)
t0 = time.perf_counter()
t = read_table(sys.argv[1])
t1 = time.perf_counter()
if sys.argv[2] == "read":
    print(json.dumps({"read_table": t1 - t0, "extent": extent[0], "extent_cpu": extent[1]}))
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
c2 = time.process_time()
write_output(t, sys.argv[3], cols, summary=summary, force=True, progress=False)
t3 = time.perf_counter()
print(json.dumps({"read_table": t1 - t0, "prepare": t2 - t1, "write_output": t3 - t2,
                  "write_cpu": time.process_time() - c2}))
"""

APPLY = "import sys; from tierkit.cli import main; sys.argv[0] = 'tierkit'; main()"
BREAKDOWN = ("import", "rules", "read", "bind", "evaluate", "columns", "reasons", "write", "other")


class Run(NamedTuple):
    wall: float
    cpu: float               # user + system seconds of the child, all its threads
    rss: float               # peak MB
    data: dict[str, float]   # what the child printed as JSON (stdout), or its TIERKIT_TIMINGS line (stderr)


def run_measured(args: list[str], env: dict[str, str] | None = None) -> Run:
    env = {**os.environ, **(env or {}),
           "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
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
    for line in stderr.splitlines():
        if line.startswith("tierkit timings: "):
            data = json.loads(line.removeprefix("tierkit timings: "))
        elif line.startswith("tierkit cpu: "):    # the same phases in CPU seconds (all threads)
            data.update({f"cpu:{k}": v for k, v in json.loads(line.removeprefix("tierkit cpu: ")).items()})
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, data)


class Best:
    """The fastest of repeated runs of each step (the machine may be shared)."""

    def __init__(self) -> None:
        self.runs: dict[str, list[Run]] = {}

    def add(self, step: str, run: Run) -> None:
        self.runs.setdefault(step, []).append(run)

    def get(self, step: str) -> Run:
        runs = self.runs[step]
        best = min(runs, key=lambda r: r.wall)
        return best._replace(cpu=min(r.cpu for r in runs), rss=max(r.rss for r in runs))


def line(name: str, wall: float, cpu: float | None, base: Run, rss: float | None = None, note: str = "") -> str:
    cpu_part = f"{cpu:7.2f} s  x{cpu / base.cpu:4.2f}" if cpu is not None else " " * 16
    rss_part = f"  {rss:6.0f} MB" if rss is not None else ""
    return f"{name:<22} {wall:7.2f} s  x{wall / base.wall:4.2f}   {cpu_part}{rss_part}{note}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--skip-apply", action="store_true")
    ap.add_argument("--skip-io", action="store_true", help="leave out the read_table and read+write steps")
    ap.add_argument("--rules", default="abc")
    ap.add_argument("--repeat", type=int, default=1, help="run each step N times, report the fastest")
    ap.add_argument("--no-reasons", action="store_true", help="apply with --no-reasons")
    args = ap.parse_args()
    src = ensure(args.rows)
    print(f"file: {src} ({src.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows x 8 columns); "
          f"cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(dir=HERE / ".cache") as tmp:
        out = str(Path(tmp) / "out.xlsx")
        best = Best()
        for _ in range(args.repeat):
            best.add("cal", run_measured(["-c", CALAMINE, str(src)]))
            if not args.skip_io:
                best.add("rt", run_measured(["-c", READ_WRITE, str(src), "read"]))
                best.add("rw", run_measured(["-c", READ_WRITE, str(src), "write", out]))
            if not args.skip_apply:
                cmd = ["-c", APPLY, "apply", str(src), "--rules", args.rules, "-o", str(Path(tmp) / "applied.xlsx"),
                       "--force", "--quiet", *(["--no-reasons"] if args.no_reasons else [])]
                best.add("cal", run_measured(["-c", CALAMINE, str(src)]))   # the baseline again, next to it
                best.add("apply", run_measured(cmd, {"TIERKIT_TIMINGS": "1"}))
        cal = best.get("cal")
        print(f"{'step':<22} {'wall':>9}  {'ratio':>5}   {'cpu':>9}  {'ratio':>5}  {'peak RSS':>9}")
        print(line("calamine read", cal.wall, cal.cpu, cal, cal.rss, "   (process, incl. interpreter start)"))
        print(line("  in-process", cal.data["read"], None, cal, None, "   (from_path + to_python alone)"))
        if not args.skip_io:
            rt, rw = best.get("rt"), best.get("rw")
            print(line("read_table", rt.wall, rt.cpu, cal, rt.rss, "   (process)"))
            print(line("  extent pass", rt.data["extent"], rt.data["extent_cpu"], cal, None, "   (in-process, alone)"))
            print(line("read_table+write", rw.wall, rw.cpu, cal, rw.rss, "   (process; target <= 2)"))
            print(line("  write_output", rw.data["write_output"], rw.data["write_cpu"], cal, None, "   (in-process)"))
            print(f"  output {Path(out).stat().st_size / 1e6:.1f} MB")
        if not args.skip_apply:
            ap_run = best.get("apply")
            print(line(f"tierkit apply ({args.rules})", ap_run.wall, ap_run.cpu, cal, ap_run.rss,
                       "   (process; target x1.5 wall, < 1536 MB)"))
            print(f"  = x{ap_run.wall / cal.data['read']:4.2f} the in-process calamine read")
            print("  breakdown (TIERKIT_TIMINGS; x = share of the calamine read, wall and CPU):")
            for key in BREAKDOWN:
                if key in ap_run.data:
                    cpu = ap_run.data.get(f"cpu:{key}")
                    cpu_part = f"   {cpu:7.2f} s  x{cpu / cal.cpu:4.2f}" if cpu is not None else ""
                    print(f"    {key:<18} {ap_run.data[key]:7.2f} s  x{ap_run.data[key] / cal.wall:4.2f}{cpu_part}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
