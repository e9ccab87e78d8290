"""A built-in rule set name means the built-in set, whatever the working folder holds (a folder named ``fit``
used to crash ``tierkit rules list`` with an internal error, exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import tierkit
from tierkit.cli import main
from tierkit.errors import RuleFileError
from tierkit.ruleset.loader import builtin_dir

SAMPLE = Path(__file__).resolve().parents[2] / "sample_workbooks" / "distributor.xlsx"


@pytest.fixture
def cluttered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a folder and a file named like built-in rule sets."""
    (tmp_path / "fit").mkdir()
    (tmp_path / "abc").write_text("not: [a rule file", encoding="utf-8")
    (tmp_path / "vip").write_text((builtin_dir() / "abc.yaml").read_text(encoding="utf-8"),
                                  encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_rules_list_in_a_cluttered_folder(cluttered: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "list"])
    assert result.exit_code == 0, result.output
    assert "fit" in result.output and "abc" in result.output


def test_builtin_name_wins_over_a_file_or_folder(cluttered: Path) -> None:
    assert tierkit.load_ruleset("abc").name == "abc"
    assert tierkit.load_ruleset("fit").name == "fit"
    result = CliRunner().invoke(main, ["apply", str(SAMPLE), "--rules", "fit", "-o", str(cluttered / "o.xlsx")])
    assert result.exit_code == 0, result.output


def test_a_bare_name_that_is_no_builtin_reads_the_file(cluttered: Path) -> None:
    assert tierkit.load_ruleset("vip").name == "abc"  # the copy's own name


def test_a_folder_is_a_clear_error(cluttered: Path) -> None:
    with pytest.raises(RuleFileError, match="is a folder, not a rule file"):
        tierkit.load_ruleset(cluttered / "fit")
    result = CliRunner().invoke(main, ["rules", "show", "./fit", "--lang", "zh"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "是文件夹，不是规则文件" in result.output
