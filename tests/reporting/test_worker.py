"""The layout worker (a forked process laying out the pack while this one works): the same PDFs as laid out
here, WeasyPrint's log records replayed here, errors raised here, and no process left behind."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tierkit
from tierkit.reporting import make_briefs, worker
from tierkit.reporting.assets import reports_dir

from .conftest import HERE, WeasyLog, page_count, pdf_text

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker forks (Linux only)")


def logs_and_answers(answer: int) -> int:
    logging.getLogger("weasyprint").warning("from the worker %d", answer)
    logging.getLogger("weasyprint.progress").info("Step 5 - Creating layout - Page %d", 1)
    return answer


def raises_tierkit_error() -> None:
    raise tierkit.TierkitError("output folder not found: nowhere/")


class Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:   # pickle cannot rebuild it from its args
        super().__init__(f"{a}+{b}")


def raises_unpicklable() -> None:
    raise Unpicklable(1, 2)


def fresh() -> worker.Worker:
    w = worker.Worker()
    assert w.ready()
    return w


def test_result_and_log_records_come_back(caplog: pytest.LogCaptureFixture) -> None:
    progress = logging.getLogger("weasyprint.progress")
    saved = progress.level
    progress.setLevel(logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="weasyprint"):
            w = fresh()
            w.submit(logs_and_answers, 42)
            assert w.result() == 42
    finally:
        progress.setLevel(saved)
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("weasyprint", "from the worker 42") in messages
    assert ("weasyprint.progress", "Step 5 - Creating layout - Page 1") in messages
    assert not w.process.is_alive()


def test_errors_are_raised_here() -> None:
    w = fresh()
    w.submit(raises_tierkit_error)
    with pytest.raises(tierkit.TierkitError, match="output folder not found"):
        w.result()
    w = fresh()
    w.submit(raises_unpicklable)
    with pytest.raises(tierkit.TierkitError, match="Unpicklable: 1\\+2"):
        w.result()


def test_an_idle_worker_stops() -> None:
    w = fresh()
    w.close()
    assert not w.process.is_alive()


def test_no_worker_when_switched_off_or_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERKIT_NO_WORKER", "1")
    worker.start()
    assert worker.take() is None
    monkeypatch.delenv("TIERKIT_NO_WORKER")
    monkeypatch.setattr(worker.threading, "active_count", lambda: 2)
    assert not worker.enabled()


@pytest.mark.parametrize(("lang", "restyled"), [("en", False), ("zh", False), ("en", True)])
def test_pack_and_split_read_the_same_with_the_worker(tmp_path: Path, tiny_result: tierkit.Classification,
                                                      weasy_log: WeasyLog, lang: str, restyled: bool,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The same files with and without the worker; a restyled templates folder takes the tier-by-tier path."""
    templates = reports_dir() if restyled else None
    monkeypatch.setattr(worker.threading, "active_count", lambda: 1)   # pytest may run helper threads
    weasy_log.records.clear()
    here = make_briefs(tiny_result, tmp_path / "here.pdf", lang=lang, split_dir=tmp_path / "here", top=3,
                       templates_dir=templates)
    worker.start()
    assert worker._worker is not None
    there = make_briefs(tiny_result, tmp_path / "there.pdf", lang=lang, split_dir=tmp_path / "there", top=3,
                        templates_dir=templates)
    assert worker._worker is None   # the worker took the job
    assert [p.name for p in here][1:] == [p.name for p in there][1:]
    for a, b in zip(here, there, strict=True):
        assert page_count(a) == page_count(b)
        # the covers differ only in the time they were generated
        text_a, text_b = (pdf_text(p, layout=True).split("\f") for p in (a, b))
        assert text_a[1:] == text_b[1:], a.name
    assert weasy_log.messages == []


def test_the_worker_ends_with_its_parent() -> None:
    code = ("import os, sys; from tierkit.reporting import worker; worker.start(); "
            "print(worker._worker.process.pid, flush=True); os._exit(0)")   # no clean-up: the parent just dies
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         cwd=HERE.parent)
    pid = int(run.stdout.split()[0])
    for _ in range(300):   # it warms up (a few seconds under load), reads EOF and exits
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with open(f"/proc/{pid}/stat") as stat:   # a zombie (reaped by init later) is gone for our purpose
        assert stat.read().split()[2] == "Z"


def test_every_tier_counts_its_own_pages_whatever_numbers_it_was_given(tiny_result: tierkit.Classification) -> None:
    """--split beside the worker guesses one page a tier; a wrong guess shows in the layout's own counts."""
    from tierkit.reporting import build_pack
    from tierkit.reporting.pdf import _every_tier

    pack = build_pack(tiny_result, lang="en", top=3, charts=False)
    n = len(pack.tiers)
    laid = _every_tier(pack, [2] * n, {})
    assert laid is not None and laid[1] == [1] * n and len(laid[0].pages) == n


def test_a_failing_brief_stops_its_worker_quietly(tmp_path: Path) -> None:
    """An error before the layout: one line, exit 2, and the idle worker ends without a word."""
    code = "import sys; from tierkit.cli import main; sys.argv[0] = 'tierkit'; main()"
    run = subprocess.run([sys.executable, "-c", code, "brief", str(tmp_path / "missing.xlsx"), "--rules", "rfm"],
                         capture_output=True, text=True, timeout=300, check=False, cwd=HERE.parent,
                         env={**os.environ, "TIERKIT_NO_WORKER": ""})
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
