"""Benchmark: how long ``tierkit`` takes to start, per command, against the interpreter's own start.

Usage: python bench/bench_startup.py [--repeat N] [--top K]

Every figure is the best of N fresh processes (wall time, ``time.perf_counter`` around ``subprocess.run``):
  python -c pass        the floor: the interpreter and site-packages start
  tierkit --version     the console script, no command
  tierkit --help        the group's help (lists every command, adapters included)
  tierkit CMD --help    each command's and subcommand's help
Then, for ``--help``, the K imports that take longest (``python -X importtime``, cumulative), so a
regression shows which module brought it.  Not a test: nothing is asserted; the goal is under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

GOAL = 0.3


def tierkit_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m tierkit.cli``."""
    script = Path(sys.executable).with_name("tierkit")
    if script.exists():
        return [str(script)]
    found = shutil.which("tierkit")
    return [found] if found else [sys.executable, "-m", "tierkit.cli"]


def command_paths() -> list[list[str]]:
    """Every command and subcommand of ``tierkit`` (as the argument lists before ``--help``)."""
    import click

    from tierkit.cli import main

    paths: list[list[str]] = []

    def walk(group: click.Group, prefix: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is None:
                continue
            paths.append([*prefix, name])
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])

    walk(main, [])
    return paths


def best_of(cases: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """The best wall time of each case over ``repeat`` rounds; each round runs every case once, so a burst of
    load on this shared machine slows all cases alike instead of one."""
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")}
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(repeat):
        for name, argv in cases.items():
            t0 = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, env=env, timeout=120, check=False)
            elapsed = time.perf_counter() - t0
            if done.returncode != 0:
                raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
            best[name] = min(best[name], elapsed)
    return best


def slowest_imports(argv: list[str], top: int) -> list[tuple[int, str]]:
    """The ``top`` imports with the largest cumulative time (microseconds) under ``-X importtime``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tierkit.cli", *argv], capture_output=True,
                          text=True, timeout=120, check=False)
    rows: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per case (the best is kept)")
    parser.add_argument("--top", type=int, default=12, help="slowest imports listed for --help")
    args = parser.parse_args()

    tierkit = tierkit_command()
    cases = {"python -c pass": [sys.executable, "-c", "pass"],
             "python -c 'import click'": [sys.executable, "-c", "import click"]}
    for argv in (["--version"], ["--help"], *([*path, "--help"] for path in command_paths())):
        cases["tierkit " + " ".join(argv)] = [*tierkit, *argv]
    times = best_of(cases, args.repeat)
    floor = times["python -c pass"]

    print(f"best of {args.repeat} fresh processes; goal: under {GOAL:.1f} s; ratio to `python -c pass`")
    width = max(map(len, times))
    for name, seconds in times.items():
        flag = "" if seconds < GOAL or name.startswith("python") else "   over the goal"
        print(f"  {name:<{width}}  {seconds:6.3f} s  {seconds / floor:5.1f}x{flag}")
    print("\nslowest imports of `tierkit --help` (cumulative, -X importtime, one run):")
    for micros, module in slowest_imports(["--help"], args.top):
        print(f"  {micros / 1e6:6.3f} s  {module}")


if __name__ == "__main__":
    main()
