"""Run a case and list every way it broke the bound (an empty list: it held)."""

from __future__ import annotations

import os
from pathlib import Path

from . import cases_outputs, cases_text  # noqa: F401  (they add their cases to CASES)
from .cases import CASES, Case
from .runner import RSS_LIMIT_MB, WALL_LIMIT, Result, digest, leftovers, run

__all__ = ["CASES", "Case", "execute"]


def wall_limit() -> float:
    """30 s on a machine with a core to spare; more while other work holds the cores (the bound is for
    this machine at rest, and CPU time is checked against 30 s whatever the load)."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return WALL_LIMIT * max(1.0, load)


def execute(case: Case, folder: Path) -> tuple[Result, list[str]]:
    inv = case.build(folder)
    before = {p: digest(p) for p in inv.inputs}
    listing = set(os.listdir(folder))
    result = run(inv.args, cwd=inv.cwd or folder, env=inv.env)
    problems = []
    err_lines = [line for line in result.stderr.splitlines() if line.strip()]
    if result.code not in case.expect:
        problems.append(f"exit {result.code}, expected {sorted(case.expect)}")
    if "Traceback" in result.stderr or "panicked" in result.stderr:
        problems.append("a traceback or panic on stderr")
    if result.code == 2:
        if len(err_lines) != 1:
            problems.append(f"{len(err_lines)} lines on stderr, expected one")
        if case.says and case.says not in result.stderr:
            problems.append(f"the error does not say {case.says!r}")
        if inv.output is not None and inv.output.exists():
            problems.append(f"output {inv.output.name} left behind")
        new = [n for n in leftovers(folder, listing) if not n.startswith(".run-")]
        if new:
            problems.append(f"files left behind: {new[:5]}")
    if result.code == 0 and inv.output is not None and inv.output.suffix == ".csv" and inv.output.exists() \
            and b"\0" in inv.output.read_bytes():
        problems.append("a NUL byte in the CSV output")
    for p, h in before.items():
        if digest(p) != h:
            problems.append(f"input {p.name} changed")
    if result.cpu >= WALL_LIMIT:
        problems.append(f"used {result.cpu:.1f} s of CPU (limit {WALL_LIMIT:g})")
    if result.wall >= wall_limit():
        problems.append(f"took {result.wall:.1f} s (limit {wall_limit():.0f} at this load)")
    if result.rss_mb >= RSS_LIMIT_MB:
        problems.append(f"peak RSS {result.rss_mb:,.0f} MB (limit {RSS_LIMIT_MB:,.0f})")
    return result, problems
