"""``TIERKIT_TIMINGS``: phases count their own time (nested ones once) and add up to the total (a fake clock)."""

from __future__ import annotations

import types

import pytest

from tierkit import timings


def test_phases_are_exclusive_and_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(timings, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    monkeypatch.setattr(timings, "process_age", lambda: 0.5)
    monkeypatch.setattr(timings, "ENABLED", True)
    monkeypatch.setattr(timings, "_totals", {})
    monkeypatch.setattr(timings, "_started", [])
    monkeypatch.setattr(timings.atexit, "register", lambda fn: None)
    with timings.phase("evaluate"):
        clock[0] += 0.25
        with timings.phase("bind"):
            clock[0] += 1.0
    clock[0] += 0.125  # after the last phase: "other"
    assert timings.breakdown() == {"import": 0.5, "evaluate": 0.25, "bind": 1.0, "other": 0.125, "total": 1.875}


def test_off_it_records_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timings, "ENABLED", False)
    monkeypatch.setattr(timings, "_totals", {})

    @timings.phase("read")
    def read() -> int:
        return 1

    assert read() == 1 and timings._totals == {}
