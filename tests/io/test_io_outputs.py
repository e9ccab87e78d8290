"""Outputs (issue 12): racing runs claim a new name once, signals leave no temp file, the CLI boundary turns
memory/recursion exhaustion and unwritable folders into one line with exit 2, and cell text is clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import click
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tierkit.clikit import run_safely
from tierkit.errors import OutputExistsError, TierkitError
from tierkit.io import NewColumn, atomic_write, read_table, write_output
from tierkit.io.celltext import CELL_LIMIT, CUT_MARKER, clean_cell, fit_cell, strip_bidi

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and permissions")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- racing runs -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("hard_links", [True, False])
def test_two_racing_writers_one_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool) -> None:
    if not hard_links:  # a file system without hard links: the O_EXCL placeholder path
        def no_link(*_a: object, **_k: object) -> None:
            raise OSError(1, "Operation not permitted")
        monkeypatch.setattr(os, "link", no_link)
    dst = tmp_path / "out.csv"
    both_written = threading.Barrier(2)
    results: dict[str, BaseException | None] = {}

    def run(name: str) -> None:
        try:
            with atomic_write(dst) as fh:       # neither sees dst: both pass the early check
                fh.write(name.encode() * 1000)
                both_written.wait(timeout=10)
            results[name] = None
        except BaseException as err:
            results[name] = err

    threads = [threading.Thread(target=run, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    winners = [n for n, err in results.items() if err is None]
    losers = [err for err in results.values() if err is not None]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], OutputExistsError)
    assert dst.read_bytes() == winners[0].encode() * 1000     # the winner's complete file, never mixed
    assert _leftovers(tmp_path) == []


def test_force_still_replaces(tmp_path: Path) -> None:
    dst = tmp_path / "out.csv"
    dst.write_bytes(b"old")
    with atomic_write(dst, force=True) as fh:
        fh.write(b"new")
    assert dst.read_bytes() == b"new"
    assert os.stat(dst).st_nlink == 1                          # no second name left behind


# --- signals ---------------------------------------------------------------------------------------------

_SLOW_WRITER = textwrap.dedent("""
    import sys, time
    import click
    from tierkit.clikit import run_safely
    from tierkit.io import atomic_write

    @click.command()
    @run_safely
    def main():
        with atomic_write(sys.argv[1]) as fh:
            fh.write(b"x" * 1000)
            fh.flush()
            print("ready", flush=True)
            time.sleep(30)

    main(sys.argv[2:])
""")


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_mid_write_leaves_no_temp_file(tmp_path: Path, signum: int) -> None:
    dst = tmp_path / "big.xlsx"
    with subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(dst)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            assert len(_leftovers(tmp_path)) == 1             # the temp file is there
            proc.send_signal(signum)
            _, stderr = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 128 + signum, stderr
    assert _leftovers(tmp_path) == [] and not dst.exists()


# --- the CLI boundary ------------------------------------------------------------------------------------

def _command(error: BaseException) -> click.Command:
    @click.command()
    @run_safely
    def cmd() -> None:
        raise error

    return cmd


@pytest.mark.parametrize(("error", "words"), [(MemoryError(), "too large"),
                                               (RecursionError("maximum recursion depth exceeded"), "nested")])
def test_exhaustion_is_a_user_mistake(error: BaseException, words: str) -> None:
    result = CliRunner().invoke(_command(error), [])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr and "Traceback" not in result.stderr


def test_an_unwritable_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    if os.name == "posix" and os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        dst = folder / "out.csv"
    else:  # root writes anywhere: a file as the folder, or a folder of /proc, fails for root too
        parent = tmp_path / "a-file"
        parent.write_text("x")
        dst = Path("/proc/1/out.csv") if Path("/proc/1").is_dir() else parent / "out.csv"

    @click.command()
    @run_safely
    def cmd() -> None:
        with atomic_write(dst) as fh:
            fh.write(b"x")

    try:
        result = CliRunner().invoke(cmd, [])
    finally:
        if dst.parent.name == "ro":
            dst.parent.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


# --- cell text -------------------------------------------------------------------------------------------

@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300), st.integers(min_value=4, max_value=200))
def test_fit_cell_properties(text: str, limit: int) -> None:
    out = fit_cell(text, limit=limit)
    clean = clean_cell(text)
    assert len(out.encode("utf-16-le")) // 2 <= limit
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in out)
    if out != clean:
        assert out.endswith(CUT_MARKER) and clean.startswith(out[:-1])
    else:
        assert len(clean.encode("utf-16-le")) // 2 <= limit


def test_strip_bidi() -> None:
    assert strip_bidi("a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069") == "abcdefghi"
    assert strip_bidi("שלום abc") == "שלום abc"                # right-to-left letters themselves stay


def _table_file(tmp_path: Path, suffix: str) -> Path:
    frame = pd.DataFrame({"Customer ID": ["C1", "C2", "C3"],
                          "Customer": ["Acme", "x" * 40_000 if suffix == ".csv" else "Long", "Bell Co"],
                          "Revenue": [1.0, 2.0, 3.0]})
    path = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    return path


@pytest.mark.parametrize(("src_suffix", "out_suffix"), [(".csv", ".csv"), (".csv", ".xlsx"), (".xlsx", ".xlsx")])
def test_outputs_hold_clean_cut_text(tmp_path: Path, src_suffix: str, out_suffix: str) -> None:
    table = read_table(_table_file(tmp_path, src_suffix))
    # tier reason texts come from data: controls and an over-long text
    reason = NewColumn("Tier reason", ["because\x00 of\x1b data", "y" * 40_000, "Bell\x07Co\tTab"])
    out = write_output(table, tmp_path / f"out{out_suffix}", [reason])
    if out_suffix == ".csv":
        text = out.read_text(encoding="utf-8-sig")
        assert "\x00" not in text and "\x07" not in text and "\x1b" not in text
        assert "BellCo\tTab" in text and "because of data" in text
        return
    ws = openpyxl.load_workbook(out).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    names = [r[1] for r in values]
    reasons = [r[-1] for r in values]
    assert reasons[0] == "because of data" and reasons[2] == "BellCo\tTab"
    assert reasons[1] == "y" * (CELL_LIMIT - 1) + CUT_MARKER
    assert all(len(str(v)) <= CELL_LIMIT for row in values for v in row)
    if src_suffix == ".csv":  # a new workbook: every text cell is written by tierkit
        assert names[1] == "x" * (CELL_LIMIT - 1) + CUT_MARKER


def test_an_output_that_is_its_input_is_refused(tmp_path: Path) -> None:
    src = _table_file(tmp_path, ".csv")
    before = src.read_bytes()
    with pytest.raises(TierkitError, match="overwrite the input"):
        write_output(read_table(src), src, [NewColumn("Tier", ["a", "b", "c"])], force=True)
    assert src.read_bytes() == before
