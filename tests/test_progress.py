"""Progress: the core reports phases through tierkit.progress (silent by default); the CLI shows them on a
terminal (a pseudo-terminal here), never when stderr is piped or with --quiet, and the output files are the
same either way."""

from __future__ import annotations

import io
import logging
import os
import pty
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tierkit import progress
from tierkit.i18n import mark
from tierkit.terminal import TerminalProgress, delay_from_env

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_workbooks" / "distributor.xlsx"
TIERKIT = [sys.executable, "-c", "import sys; from tierkit.cli import main; sys.argv[0] = 'tierkit'; main()"]


class Recorder:
    """A reporter that keeps what it is told."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def begin(self, key: int, label: str, fields: dict[str, Any], total: int | None) -> None:
        self.events.append(("begin", key, label, fields, total))

    def update(self, key: int, done: int, total: int | None) -> None:
        self.events.append(("update", key, done, total))

    def end(self, key: int) -> None:
        self.events.append(("end", key))


# -- the reporting interface ---------------------------------------------------------------------------------

def test_silent_by_default() -> None:
    assert progress.current() is progress.SILENT and not progress.active()
    with progress.phase(mark("progress", "reading {name}"), name="x") as step:
        step.advance(3)
    assert step.done == 3


def test_phases_reach_the_installed_reporter_and_it_is_removed_after() -> None:
    rec = Recorder()
    with progress.reporting(rec):
        assert progress.active()
        with progress.phase("outer", name="a") as outer, progress.phase("inner", total=4) as inner:
            inner.advance()
            inner.update(3)
            outer.update(1, total=2)
    assert not progress.active()
    begins = [e for e in rec.events if e[0] == "begin"]
    assert [(e[2], e[3], e[4]) for e in begins] == [("outer", {"name": "a"}, None), ("inner", {}, 4)]
    outer_key, inner_key = begins[0][1], begins[1][1]
    assert outer_key != inner_key
    assert ("update", inner_key, 1, 4) in rec.events and ("update", inner_key, 3, 4) in rec.events
    assert ("update", outer_key, 1, 2) in rec.events
    assert rec.events[-2:] == [("end", inner_key), ("end", outer_key)]  # inner ends first


def test_a_phase_ends_when_its_block_raises() -> None:
    rec = Recorder()
    with progress.reporting(rec), pytest.raises(KeyError), progress.phase("failing"):
        raise KeyError("x")
    assert rec.events[-1][0] == "end"


def test_track_counts_each_item_against_the_length() -> None:
    rec = Recorder()
    with progress.reporting(rec):
        assert list(progress.track(["a", "b", "c"], "items")) == ["a", "b", "c"]
        assert list(progress.track(iter("xy"), "no length")) == ["x", "y"]
    updates = [e[2:] for e in rec.events if e[0] == "update"]
    assert updates == [(1, 3), (2, 3), (3, 3), (1, None), (2, None)]


# -- the terminal display ------------------------------------------------------------------------------------

def wait_for(condition: Any, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_display_shows_after_the_delay_and_goes_when_phases_end() -> None:
    display = TerminalProgress(delay=0.05, file=io.StringIO())
    display.begin(1, mark("progress", "reading {name}"), {"name": "a.xlsx"}, None)
    assert wait_for(lambda: display.shown)
    display.begin(2, mark("progress", "writing {name}"), {"name": "b.xlsx"}, 10)
    display.update(2, 5, 10)
    display.end(2)
    assert display.shown  # phase 1 still runs
    display.end(1)
    assert not display.shown
    display.begin(3, "again", {}, None)  # the delay has passed: shows at once
    assert display.shown
    display.close()
    assert not display.shown


def test_a_quick_run_shows_nothing() -> None:
    out = io.StringIO()
    display = TerminalProgress(delay=60, file=out)
    display.begin(1, "quick", {}, None)
    display.update(1, 1, None)
    display.end(1)
    display.close()
    assert not display.shown and out.getvalue() == ""


def test_delay_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERKIT_PROGRESS_DELAY", "0.5")
    assert delay_from_env() == 0.5
    monkeypatch.setenv("TIERKIT_PROGRESS_DELAY", "soon")
    assert delay_from_env() == 2.0
    monkeypatch.delenv("TIERKIT_PROGRESS_DELAY")
    assert delay_from_env() == 2.0


def test_weasyprint_pages_are_counted_while_someone_listens() -> None:
    import weasyprint

    from tierkit.reporting.cli import _counting_pages

    html = "<p>one</p><p style='break-before: page'>two</p><p style='break-before: page'>three</p>"
    logger = logging.getLogger("weasyprint.progress")
    before = (logger.level, logger.propagate, list(logger.handlers))
    with progress.phase("silent") as step, _counting_pages(step):
        weasyprint.HTML(string=html).render()
    assert step.done == 0  # nobody listens: WeasyPrint's log is left alone
    rec = Recorder()
    with progress.reporting(rec), progress.phase("pages") as step, _counting_pages(step):
        weasyprint.HTML(string=html).render()
    assert step.done == 3
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


# -- end to end: a pseudo-terminal, a pipe, --quiet ----------------------------------------------------------

def run_on_terminal(args: list[str], cwd: Path, **env: str) -> tuple[int, str]:
    """Run tierkit with stdin, stdout and stderr on a pseudo-terminal; returns the exit code and all output."""
    master, slave = pty.openpty()
    environ = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "XLWINGS_LICENSE_KEY": "noncommercial", **env}
    proc = subprocess.Popen([*TIERKIT, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=environ,
                            close_fds=True)
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        code = proc.wait(timeout=120)
    return code, b"".join(chunks).decode("utf-8", "replace")


APPLY = ["apply", str(SAMPLE), "--rules", "abc", "--as-of", "2024-12-31"]


def test_progress_on_a_terminal_none_when_piped_or_quiet_and_the_same_output(tmp_path: Path) -> None:
    code, shown = run_on_terminal([*APPLY, "-o", "tty.xlsx"], tmp_path, TIERKIT_PROGRESS_DELAY="0")
    assert code == 0, shown
    assert "reading distributor.xlsx" in shown and "classifying with abc" in shown
    assert "writing tty.xlsx" in shown
    assert "wrote tty.xlsx" in shown.split("classifying with abc")[-1]  # the report comes after the display

    piped = subprocess.run([*TIERKIT, *APPLY, "-o", "piped.xlsx"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=120, env={**os.environ, "TIERKIT_PROGRESS_DELAY": "0"})
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "" and "\x1b" not in piped.stdout and "wrote piped.xlsx" in piped.stdout

    code, quiet = run_on_terminal([*APPLY, "-o", "quiet.xlsx", "--quiet"], tmp_path, TIERKIT_PROGRESS_DELAY="0")
    assert code == 0 and quiet == ""

    tty, pipe, silent = ((tmp_path / f"{n}.xlsx").read_bytes() for n in ("tty", "piped", "quiet"))
    assert tty == pipe == silent


def test_a_quick_run_on_a_terminal_shows_no_progress(tmp_path: Path) -> None:
    code, shown = run_on_terminal([*APPLY, "-o", "out.xlsx"], tmp_path, TIERKIT_PROGRESS_DELAY="60")
    assert code == 0, shown
    assert "reading" not in shown and "\x1b[?25l" not in shown  # no display (rich hides the cursor for one)
    assert "wrote out.xlsx" in shown


def test_progress_speaks_the_commands_language(tmp_path: Path) -> None:
    from tierkit.i18n import trc

    code, shown = run_on_terminal([*APPLY, "-o", "zh.xlsx", "--lang", "zh"], tmp_path, TIERKIT_PROGRESS_DELAY="0")
    assert code == 0, shown
    assert trc("zh", "progress", "reading {name}", name="distributor.xlsx") in shown


def test_explain_shows_its_phases_on_a_terminal_then_its_answer(tmp_path: Path) -> None:
    code, shown = run_on_terminal(["explain", str(SAMPLE), "--rules", "abc", "--row", "5", "--as-of", "2024-12-31"],
                                  tmp_path, TIERKIT_PROGRESS_DELAY="0")
    assert code == 0, shown
    assert "reading distributor.xlsx" in shown and "classifying with abc" in shown
    piped = subprocess.run([*TIERKIT, "explain", str(SAMPLE), "--rules", "abc", "--row", "5", "--as-of",
                            "2024-12-31"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "TIERKIT_PROGRESS_DELAY": "0"})
    assert piped.returncode == 0 and piped.stderr == ""
    answer = piped.stdout.strip().splitlines()
    assert answer and all(line.strip() in shown for line in answer if line.strip())
