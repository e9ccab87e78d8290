"""Where a command's time goes: ``TIERKIT_TIMINGS=1 tierkit apply ...`` prints its phase times to stderr.

A diagnostic for benchmarks and for a user who asks why a run is slow.  With the variable set, the command
prints one line when it exits::

    tierkit timings: {"import": 0.41, "rules": 0.02, "read": 0.16, "rows": 0.05, "bind": 0.12, "evaluate": 0.09,
                      "reasons": 0.31, "columns": 0.05, "summary": 0.0, "write": 0.33, "other": 0.01,
                      "total": 1.55}

``import`` runs from the process's start to the first phase (the interpreter, the imports, parsing the
command line); each other figure is the time spent inside :func:`phase` blocks of that name, less the time
of phases nested in them (``bind`` inside ``evaluate`` counts once); ``other`` is what no phase covers, so
the figures add up to ``total``, the process's age at exit (``import`` to 10 ms on Linux, the rest to the
microsecond).  A second line gives the same parts in CPU seconds (user + system, all threads: pyarrow
works on several), the steadier figure on a machine other work is loading::

    tierkit cpu: {"import": 0.38, "rules": 0.02, "read": 0.21, ...}

Work done on a second thread beside the phases (the parquet input read while the modules import) is in
none of them: a phase counts the time its thread waits for that work.  :func:`beside` records the other
thread's own time, printed on a third line::

    tierkit beside: {"read": 0.21}

Without the variable, :func:`phase` costs one global lookup and nothing is printed.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from time import process_time as _cpu_clock  # CPU since the process started, every thread

ENV = "TIERKIT_TIMINGS"
ENABLED = os.environ.get(ENV, "") not in ("", "0")

_totals: dict[str, float] = {}
_cpu: dict[str, float] = {}  # the same, in CPU seconds
_stack: list[list[float]] = []  # per open phase: [start, time of the phases nested in it, CPU start, nested CPU]
_beside: dict[str, float] = {}  # seconds of work on other threads, beside the phases (not in the sum)
_started: list[float] = []  # the process's age when the first phase began, perf_counter() then, CPU then


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the time of the block as ``name`` (when ``TIERKIT_TIMINGS`` is set)."""
    if not ENABLED:
        yield
        return
    if not _started:
        _started.extend((process_age(), time.perf_counter(), _cpu_clock()))
        atexit.register(report)
    frame = [time.perf_counter(), 0.0, _cpu_clock(), 0.0]
    _stack.append(frame)
    try:
        yield
    finally:
        _stack.pop()
        elapsed = time.perf_counter() - frame[0]
        used = _cpu_clock() - frame[2]
        _totals[name] = _totals.get(name, 0.0) + elapsed - frame[1]
        _cpu[name] = _cpu.get(name, 0.0) + used - frame[3]
        if _stack:
            _stack[-1][1] += elapsed
            _stack[-1][3] += used


def process_age() -> float:
    """Seconds since this process started (Linux: /proc, 10 ms steps), else since the timings were imported."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rpartition(b")")[2].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime, in ticks since boot
        return max(time.clock_gettime(time.CLOCK_BOOTTIME) - started, 0.0)
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED


def breakdown() -> dict[str, float]:
    """The figures so far: import, each phase, other and total (seconds, rounded to the millisecond)."""
    total = _started[0] + time.perf_counter() - _started[1] if _started else process_age()
    parts = {"import": _started[0] if _started else total, **_totals}
    parts["other"] = max(total - sum(parts.values()), 0.0)
    parts["total"] = total
    return {k: round(v, 3) for k, v in parts.items()}


def cpu_breakdown() -> dict[str, float]:
    """:func:`breakdown` in CPU seconds: ``import`` is the CPU the process used before the first phase."""
    total = _cpu_clock()
    parts = {"import": _started[2] if _started else total, **{k: _cpu.get(k, 0.0) for k in _totals}}
    parts["other"] = max(total - sum(parts.values()), 0.0)
    parts["total"] = total
    return {k: round(v, 3) for k, v in parts.items()}


def beside(name: str, seconds: float) -> None:
    """Count ``seconds`` of work a second thread did as ``name``, beside the phases (when enabled)."""
    if ENABLED:
        _beside[name] = _beside.get(name, 0.0) + seconds


def report() -> None:
    print(f"tierkit timings: {json.dumps(breakdown())}", file=sys.stderr, flush=True)
    print(f"tierkit cpu: {json.dumps(cpu_breakdown())}", file=sys.stderr, flush=True)
    if _beside:
        print(f"tierkit beside: {json.dumps({k: round(v, 3) for k, v in _beside.items()})}", file=sys.stderr,
              flush=True)


_IMPORTED = time.perf_counter()

__all__ = ["ENABLED", "ENV", "beside", "breakdown", "cpu_breakdown", "phase", "process_age", "report"]
