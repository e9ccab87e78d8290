"""Issue 12 for ``tierkit brief``: an output never replaces the input, PDFs follow the umask, and bidi
controls in the data cannot reorder what a brief shows."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierkit.reporting.cli import brief

from .conftest import DATA, customers, flat, pdf_text

RULES = str(DATA / "tiny.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(brief, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def csv_input(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    customers().to_csv(path, index=False, encoding="utf-8")
    return path


def test_the_input_is_never_an_output(tmp_path: Path, csv_input: Path) -> None:
    before = csv_input.read_bytes()
    code, _, stderr = run(str(csv_input), "-r", RULES, "-o", str(csv_input), "--force")
    assert code == 2 and stderr.count("\n") == 1 and "overwrite the input" in stderr
    # a --split file that is a link to the input
    split = tmp_path / "tiers"
    split.mkdir()
    (split / "01-Key accounts.pdf").symlink_to(csv_input)
    code, _, stderr = run(str(csv_input), "-r", RULES, "-o", str(tmp_path / "p.pdf"), "--split", str(split),
                          "--force")
    assert code == 2 and "overwrite the input" in stderr, stderr
    assert csv_input.read_bytes() == before
    assert not (tmp_path / "p.pdf").exists()                  # refused before anything was written


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_pdfs_follow_the_umask(tmp_path: Path, csv_input: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        code, _, stderr = run(str(csv_input), "-r", RULES, "-o", str(tmp_path / "p.pdf"))
    finally:
        os.umask(old)
    assert code == 0, stderr
    assert stat.S_IMODE((tmp_path / "p.pdf").stat().st_mode) == 0o666 & ~mask


def test_bidi_controls_do_not_reorder_a_brief(tmp_path: Path) -> None:
    frame = customers()
    frame.loc[0, "Customer"] = "North \u202eStar\u202c Ltd"   # RIGHT-TO-LEFT OVERRIDE would show "ratS"
    frame.loc[1, "Customer"] = "Iso\u2067late\u2069 Co"
    src = tmp_path / "customers.csv"
    frame.to_csv(src, index=False, encoding="utf-8")
    code, _, stderr = run(str(src), "-r", RULES, "-o", str(tmp_path / "p.pdf"))
    assert code == 0, stderr
    text = pdf_text(tmp_path / "p.pdf")
    assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "North Star Ltd" in flat(text) and "Isolate Co" in flat(text)
