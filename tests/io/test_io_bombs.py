"""Zip bombs: refused with exit 2 naming the part, quickly and in bounded memory, whatever the headers say."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bombfiles import bomb_xlsx

from tierkit.errors import InputFileError
from tierkit.io import read_table
from tierkit.io.limits import MAX_INFLATE_RATIO, ZipBombError
from tierkit.io.zipio import iter_member

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def _run_cli(path: Path, out: Path) -> tuple[int, str, float]:
    """Exit code, stderr and the CPU seconds the child used: a bound on work done, steady under a loaded
    machine, unlike wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, "-c", "from tierkit.cli import main; main()", "apply", str(path), "--rules", "value",
           "-o", str(out)]
    proc = subprocess.run(cmd,
                          capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return proc.returncode, proc.stderr, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def test_gigabyte_sheet_is_refused_fast(tmp_path: Path) -> None:
    book = bomb_xlsx(tmp_path / "bomb.xlsx", 1_200_000_000)
    assert book.stat().st_size < 2_000_000
    code, err, took = _run_cli(book, tmp_path / "out.xlsx")
    assert code == 2, err
    assert "xl/worksheets/sheet1.xml" in err and "bomb.xlsx" in err
    assert took < 10


def test_lying_header_is_caught_while_inflating(tmp_path: Path) -> None:
    book = bomb_xlsx(tmp_path / "liar.xlsx", 1_200_000_000, declare=5_000_000)
    code, err, took = _run_cli(book, tmp_path / "out.xlsx")
    assert code == 2, err
    assert "inflates past the 5,000,000 bytes its header declares" in err and "xl/worksheets/sheet1.xml" in err
    assert took < 10


def test_ratio_over_the_default_is_refused(tmp_path: Path) -> None:
    book = bomb_xlsx(tmp_path / "ratio.xlsx", 200_000_000)
    with pytest.raises(ZipBombError, match=r"over the ratio of 100:1") as info:
        read_table(book)
    assert isinstance(info.value, InputFileError)
    assert "sheet1.xml" in str(info.value)


def test_limits_are_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = bomb_xlsx(tmp_path / "ratio.xlsx", 50_000_000)
    with pytest.raises(ZipBombError):
        read_table(book)
    monkeypatch.setenv("TIERKIT_MAX_INFLATE_RATIO", "5000")
    monkeypatch.setenv("TIERKIT_MAX_PART_BYTES", "20000000")
    with pytest.raises(ZipBombError, match="over the cap of 20,000,000"):
        read_table(book)
    monkeypatch.setenv("TIERKIT_MAX_PART_BYTES", "nonsense")
    with pytest.raises(InputFileError, match="TIERKIT_MAX_PART_BYTES"):
        read_table(book)


def test_iter_member_stops_at_the_declared_size(tmp_path: Path) -> None:
    book = bomb_xlsx(tmp_path / "liar.xlsx", 300_000_000, declare=2_000_000)
    with zipfile.ZipFile(book) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    seen = 0
    with pytest.raises(ZipBombError, match="header declares"):
        for block in iter_member(book, info):
            seen += len(block)
            assert len(block) <= 1 << 20
    assert seen <= 2_000_000


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xlsx")))
def test_sample_workbooks_pass_with_margin(name: str) -> None:
    path = SAMPLES / name
    with zipfile.ZipFile(path) as zf:
        worst = max(i.file_size / max(i.compress_size, 1) for i in zf.infolist())
    assert worst * 5 < MAX_INFLATE_RATIO
    assert len(read_table(path)) > 0
