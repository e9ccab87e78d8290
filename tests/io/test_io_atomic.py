"""io.atomic_write: the one way tierkit writes a file (permissions, clean-up, force, same-file, folders)."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from iofixtures import build_rich_xlsx

from tierkit.errors import InputFileError, OutputExistsError, TierkitError
from tierkit.io import NewColumn, atomic_write, read_table, same_file, write_output

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and links")


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002, 0o077, 0o000])
def test_permissions_are_those_of_a_plain_open(tmp_path: Path, umask: None, mask: int) -> None:
    os.umask(mask)
    plain = tmp_path / "plain.bin"
    with open(plain, "wb") as fh:
        fh.write(b"x")
    new = tmp_path / "new.bin"
    with atomic_write(new) as fh:
        fh.write(b"x")
    assert _mode(new) == _mode(plain) == 0o666 & ~mask
    # replacing a file gives the new file the same mode, not the old file's
    os.chmod(new, 0o600)
    with atomic_write(new, force=True) as fh:
        fh.write(b"y")
    assert _mode(new) == _mode(plain)
    assert new.read_bytes() == b"y"


def test_writes_and_leaves_nothing_else(tmp_path: Path) -> None:
    dst = tmp_path / "out.csv"
    with atomic_write(str(dst)) as fh:
        fh.write(b"a,b\r\n")
        assert not dst.exists()          # nothing at the destination until the block ends
    assert dst.read_bytes() == b"a,b\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt(), InputFileError("bad input")])
def test_temp_file_removed_and_old_file_kept_on_error(tmp_path: Path, error: BaseException) -> None:
    dst = tmp_path / "out.xlsx"
    dst.write_bytes(b"old")
    with pytest.raises(type(error)):
        with atomic_write(dst, force=True) as fh:
            fh.write(b"half of the new file")
            raise error
    assert dst.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_disk_full_is_a_tierkit_error(tmp_path: Path) -> None:
    dst = tmp_path / "out.xlsx"
    with pytest.raises(TierkitError, match="cannot write the output: No space left on device") as info:
        with atomic_write(dst) as fh:
            fh.write(b"part")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert isinstance(info.value.__cause__, OSError)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):   # any other OSError (e.g. reading an input) is left alone
        with atomic_write(dst) as fh:
            raise FileNotFoundError(errno.ENOENT, "gone", "in.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_force(tmp_path: Path) -> None:
    dst = tmp_path / "out.pdf"
    dst.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="pass --force to overwrite") as info:
        with atomic_write(dst) as fh:
            fh.write(b"new")
    assert info.value.exit_code == 2
    assert dst.read_bytes() == b"old"
    with atomic_write(dst, force=True) as fh:
        fh.write(b"new")
    assert dst.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


@posix_only
@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink", "symlinked-folder"])
def test_refuses_to_overwrite_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    src = tmp_path / "data" / "in.csv"
    src.parent.mkdir()
    src.write_bytes(b"id\r\n1\r\n")
    if how == "same":
        dst = src
    elif how == "relative":
        monkeypatch.chdir(tmp_path)
        dst = Path("data/../data/in.csv")
    elif how == "symlink":
        dst = tmp_path / "link.csv"
        dst.symlink_to(src)
    elif how == "hardlink":
        dst = tmp_path / "hard.csv"
        os.link(src, dst)
    else:
        (tmp_path / "alias").symlink_to(src.parent, target_is_directory=True)
        dst = tmp_path / "alias" / "in.csv"
    assert same_file(dst, src)
    with pytest.raises(InputFileError, match="overwrite the input"):
        with atomic_write(dst, force=True, inputs=[src]) as fh:
            fh.write(b"tiers")
    assert src.read_bytes() == b"id\r\n1\r\n"
    assert not same_file(tmp_path / "other.csv", src)


def test_missing_folder_and_folder_as_output(tmp_path: Path) -> None:
    with pytest.raises(TierkitError, match="output folder not found") as info:
        with atomic_write(tmp_path / "no" / "such" / "out.csv") as fh:
            fh.write(b"x")
    assert info.value.exit_code == 2
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(TierkitError, match="is a folder"):
        with atomic_write(tmp_path / "dir.csv", force=True) as fh:
            fh.write(b"x")


@pytest.fixture
def unwritable_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may create files in: read-only for a normal user, immutable for root."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode == 0:
        yield folder
        subprocess.run([chattr, "-i", str(folder)], check=True)
        return
    pytest.skip("running as root without chattr: no folder is unwritable")


def test_unwritable_folder_is_a_tierkit_error(unwritable_dir: Path) -> None:
    with pytest.raises(TierkitError, match="cannot write the output") as info:
        with atomic_write(unwritable_dir / "out.csv") as fh:
            fh.write(b"x")
    assert info.value.exit_code == 2
    assert "check that you may write in" in str(info.value)
    assert list(unwritable_dir.iterdir()) == []


def test_cli_apply_into_an_unwritable_folder_exits_2(tmp_path: Path, unwritable_dir: Path) -> None:
    from tierkit.cli import main

    src = tmp_path / "in.csv"
    src.write_text("customer,revenue\na,100\nb,5\nc,50\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["apply", str(src), "-r", "abc", "-o", str(unwritable_dir / "out.csv")])
    assert res.exit_code == 2, res.output
    assert "cannot write the output" in res.output
    assert "Traceback" not in res.output


def test_write_output_goes_through_the_helper(tmp_path: Path) -> None:
    src = build_rich_xlsx(tmp_path / "in.xlsx")
    table = read_table(src)
    cols = [NewColumn("Tier", ["A"] * len(table.frame))]
    link = tmp_path / "link.xlsx"
    link.symlink_to(src)
    before = src.read_bytes()
    with pytest.raises(InputFileError, match="overwrite the input"):
        write_output(table, link, cols, force=True)
    assert src.read_bytes() == before
    with pytest.raises(TierkitError, match="output folder not found"):
        write_output(table, tmp_path / "missing" / "out.xlsx", cols)
    out = write_output(table, tmp_path / "out.csv", cols)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx", "link.xlsx", "out.csv"]
