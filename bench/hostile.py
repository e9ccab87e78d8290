"""Run the hostile-file corpus (tests/hostile) and print, per case: exit code, wall s, CPU s, peak RSS MB.

Usage: python bench/hostile.py [--fast] [-k WORD]

Each case is built in a fresh temporary folder and run as a real CLI subprocess; peak RSS is the
child's own ru_maxrss (os.wait4).  The bound checked is issue 12's: exit 2 with one line for a
refusal, inputs unchanged, nothing left behind, under 30 s and 2 GB.  --fast leaves out the slow cases.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile.check import CASES, execute, wall_limit
from hostile.runner import RSS_LIMIT_MB, WALL_LIMIT


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fast", action="store_true", help="leave out the cases marked slow")
    ap.add_argument("-k", default="", help="only cases whose name holds this")
    args = ap.parse_args()
    chosen = [c for c in CASES if args.k.lower() in c.name.lower() and not (args.fast and c.slow)]
    print(f"bound: exit as expected, CPU < {WALL_LIMIT:g} s, wall < {wall_limit():.0f} s (30 s scaled by the "
          f"load average {os.getloadavg()[0]:.1f}), peak RSS < {RSS_LIMIT_MB:,.0f} MB")
    print(f"{'case':<66} {'exit':>4} {'wall s':>7} {'cpu s':>7} {'RSS MB':>8}  verdict")
    failed = 0
    worst_wall = worst_rss = 0.0
    for case in chosen:
        with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
            result, problems = execute(case, Path(tmp))
        worst_wall, worst_rss = max(worst_wall, result.wall), max(worst_rss, result.rss_mb)
        failed += bool(problems)
        verdict = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{case.name[:66]:<66} {result.code:>4} {result.wall:>7.2f} {result.cpu:>7.2f} "
              f"{result.rss_mb:>8.0f}  {verdict}", flush=True)
    print(f"{len(chosen)} cases, {failed} failed; worst wall {worst_wall:.2f} s, worst peak RSS {worst_rss:,.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
