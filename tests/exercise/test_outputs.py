"""Issue 12 for ``tierkit exercise``: no output replaces a file of the same run, replacing anything else
needs --force (feedback PDFs too), and the workbooks follow the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierkit.cli import main


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    code, err = invoke("exercise", "new", "--method", "abc", "--students", "2", "--seed", "3", "-o",
                       str(tmp_path / "c"))
    assert code == 0, err
    return tmp_path / "c"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("target", ["answer_key.xlsx", "roster.xlsx", "students/student01.xlsx"])
def test_grade_never_writes_over_a_file_it_reads(klass: Path, target: str) -> None:
    before = _snapshot(klass)
    code, err = invoke("exercise", "grade", str(klass / "students" / "student01.xlsx"),
                       str(klass / "students" / "student02.xlsx"), "--key", str(klass / "answer_key.xlsx"),
                       "-o", str(klass / target), "--force")
    assert code == 2 and err.count("\n") == 1 and "overwrite the input" in err, err
    assert _snapshot(klass) == before


def test_feedback_needs_force_and_never_hits_an_input(klass: Path, tmp_path: Path) -> None:
    feedback = tmp_path / "fb"
    args = ["exercise", "grade", str(klass / "students"), "--key", str(klass / "answer_key.xlsx"),
            "--feedback", str(feedback)]
    code, err = invoke(*args, "-o", str(tmp_path / "g1.xlsx"))
    assert code == 0, err
    pdfs = sorted(feedback.iterdir())
    assert pdfs
    before = {p.name: p.read_bytes() for p in pdfs}
    code, err = invoke(*args, "-o", str(tmp_path / "g2.xlsx"))          # a new grades name, old PDFs
    assert code == 2 and err.count("\n") == 1 and "exists" in err, err
    assert not (tmp_path / "g2.xlsx").exists()                         # refused before any write
    assert {p.name: p.read_bytes() for p in feedback.iterdir()} == before
    # a feedback PDF that is a link to the answer key is refused even with --force
    pdfs[0].unlink()
    pdfs[0].symlink_to(klass / "answer_key.xlsx")
    key_before = (klass / "answer_key.xlsx").read_bytes()
    code, err = invoke(*args, "-o", str(tmp_path / "g3.xlsx"), "--force")
    assert code == 2 and "overwrite the input" in err, err
    assert (klass / "answer_key.xlsx").read_bytes() == key_before
    pdfs[0].unlink()
    code, err = invoke(*args, "-o", str(tmp_path / "g3.xlsx"), "--force")
    assert code == 0, err


def test_new_never_writes_over_its_roster(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    roster = folder / "roster.xlsx"
    import pandas as pd

    pd.DataFrame({"student": ["Ann", "Bo"]}).to_excel(roster, index=False)
    before = roster.read_bytes()
    code, err = invoke("exercise", "new", "--method", "abc", "--roster", str(roster), "-o", str(folder), "--force")
    assert code == 2 and err.count("\n") == 1 and "overwrite the input" in err, err
    assert roster.read_bytes() == before
    assert not (folder / "answer_key.xlsx").exists()


def test_new_needs_force_for_any_file_it_would_replace(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "students").mkdir(parents=True)
    mine = folder / "students" / "student01.xlsx"
    mine.write_bytes(b"the trainer's own file")
    code, err = invoke("exercise", "new", "--method", "abc", "--students", "2", "-o", str(folder))
    assert code == 2 and err.count("\n") == 1, err
    assert mine.read_bytes() == b"the trainer's own file" and not (folder / "answer_key.xlsx").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_workbooks_and_grades_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        code, err = invoke("exercise", "new", "--method", "abc", "--students", "1", "-o", str(tmp_path / "c"))
        assert code == 0, err
        code, err = invoke("exercise", "grade", str(tmp_path / "c" / "students"), "--key",
                           str(tmp_path / "c" / "answer_key.xlsx"), "-o", str(tmp_path / "g.xlsx"))
        assert code == 0, err
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*.xlsx")]
    assert len(files) == 4
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}


def test_control_characters_in_a_roster_are_dropped(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_bytes("student\nAnn\x07e\nBo\u202e\n".encode())
    code, err = invoke("exercise", "new", "--method", "abc", "--roster", str(roster), "-o", str(tmp_path / "c"))
    assert code == 0, err
    from tierkit.exercise.keybook import read_key

    assert sorted(read_key(tmp_path / "c" / "answer_key.xlsx").students) == ["Anne", "Bo"]


def test_grade_never_writes_over_a_returned_workbook_in_a_folder(klass: Path) -> None:
    before = _snapshot(klass)
    code, err = invoke("exercise", "grade", str(klass / "students"), "--key", str(klass / "answer_key.xlsx"),
                       "-o", str(klass / "students" / "student02.xlsx"), "--force")
    assert code == 2 and err.count("\n") == 1 and "returned workbook" in err, err
    assert _snapshot(klass) == before
    # a grades workbook of an earlier run in that folder is no returned workbook: --force replaces it
    grades = klass / "students" / "grades.xlsx"
    for _ in range(2):
        code, err = invoke("exercise", "grade", str(klass / "students"), "--key", str(klass / "answer_key.xlsx"),
                           "-o", str(grades), "--force")
        assert code == 0, err
