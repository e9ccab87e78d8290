"""``TIERKIT_TIMINGS``: the CPU breakdown counts each phase's own CPU time (nested ones once) and adds up to the
process's CPU total (fake clocks)."""

from __future__ import annotations

import types

import pytest

from tierkit import timings


def test_cpu_phases_are_exclusive_and_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    wall, cpu = [100.0], [0.5]
    monkeypatch.setattr(timings, "time", types.SimpleNamespace(perf_counter=lambda: wall[0]))
    monkeypatch.setattr(timings, "_cpu_clock", lambda: cpu[0])
    monkeypatch.setattr(timings, "process_age", lambda: 0.75)
    monkeypatch.setattr(timings, "ENABLED", True)
    monkeypatch.setattr(timings, "_totals", {})
    monkeypatch.setattr(timings, "_cpu", {})
    monkeypatch.setattr(timings, "_started", [])
    monkeypatch.setattr(timings.atexit, "register", lambda fn: None)
    with timings.phase("reasons"):
        wall[0] += 1.0
        cpu[0] += 0.5
        with timings.phase("bind"):  # two threads: more CPU than wall time
            wall[0] += 0.25
            cpu[0] += 0.5
    cpu[0] += 0.125
    assert timings.breakdown() == {"import": 0.75, "reasons": 1.0, "bind": 0.25, "other": 0.0, "total": 2.0}
    assert timings.cpu_breakdown() == {"import": 0.5, "reasons": 0.5, "bind": 0.5, "other": 0.125, "total": 1.625}
