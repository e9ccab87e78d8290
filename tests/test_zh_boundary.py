"""Issue 17, "every zh output is Chinese throughout", at the edges: click's own usage errors in the command line's
``--lang``, the summary sheet named in the output's language and recognised in either when an output is read
again, and errors whose parts (values, hints, places) are messages rendered in the user's language."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierkit.cli import main
from tierkit.errors import DataError, Where, msg
from tierkit.io import is_summary_sheet, summary_sheet_name
from tierkit.usage import argv_lang

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
SAMPLES = Path(__file__).resolve().parents[1] / "sample_workbooks"


@pytest.mark.parametrize(("args", "lang"), [
    (["apply", "x.xlsx", "--lang", "zh"], "zh"), (["apply", "--lang=zh"], "zh"), (["apply", "x.xlsx"], "en"),
    (["apply", "--lang", "xx"], "en"), (["apply", "--lang"], "en"), (["--lang", "en", "--lang", "zh"], "zh"),
])
def test_argv_lang(args: list[str], lang: str) -> None:
    assert argv_lang(args) == lang


@pytest.mark.parametrize(("args", "words"), [
    (["apply", "--nosuch"], ["没有这个选项", "--nosuch"]),
    (["apply"], ["缺少参数", "INPUT"]),
    (["aply"], ["没有这个命令", "aply", "apply"]),
    (["apply", "x.xlsx", "-r", "abc", "--engine", "duckd"], ["--engine", "duckd", "numpy"]),
    (["brief", "x.xlsx", "-r", "abc", "--top", "many"], ["--top", "many", "不是有效的值"]),
    (["sql", "-r", "abc", "-t", "t", "--dialect", "mysql"], ["--dialect", "mysql", "duckdb"]),
    (["exercise", "new", "--nosuch"], ["没有这个选项", "--nosuch"]),
])
def test_usage_errors_speak_the_command_lines_language(args: list[str], words: list[str]) -> None:
    res = CliRunner().invoke(main, [*args, "--lang", "zh"])
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("错误："), res.output
    assert all(w in lines[0] for w in words), lines[0]
    assert "Usage" not in res.output and "Error" not in res.output


def test_usage_errors_in_english_are_clicks_own() -> None:
    res = CliRunner().invoke(main, ["apply", "--nosuch"])
    assert res.exit_code == 2 and "No such option" in res.output and "Usage:" in res.output


def test_summary_sheet_names() -> None:
    assert summary_sheet_name("en") == "Tier summary" and summary_sheet_name("zh") == "层级汇总"
    assert all(is_summary_sheet(n) for n in ("Tier summary", " tier SUMMARY ", "层级汇总"))
    assert not any(is_summary_sheet(n) for n in ("Customers", "客户", "summary", ""))


def test_zh_output_is_read_again_in_either_language(tmp_path: Path) -> None:
    """The zh output's summary sheet is 层级汇总; applying rules to that output (in English) reads the data sheet,
    never the summary (which has none of the rule set's columns: reading it would fail)."""
    first = tmp_path / "zh.xlsx"
    res = CliRunner().invoke(main, ["apply", str(SAMPLES / "customers_simple.xlsx"), "--rules", "value", "--lang",
                                    "zh", "-o", str(first)])
    assert res.exit_code == 0, res.output
    book = openpyxl.load_workbook(first, read_only=True)
    try:
        names = book.sheetnames
    finally:
        book.close()
    assert "层级汇总" in names and "Tier summary" not in names
    # the summary sheet first: the reader must still pick the data sheet
    book = openpyxl.load_workbook(first)
    book.move_sheet("层级汇总", offset=-len(book.sheetnames))
    book.save(first)
    again = tmp_path / "again.xlsx"
    res = CliRunner().invoke(main, ["apply", str(first), "--rules", "value", "-o", str(again)])
    assert res.exit_code == 0, res.output
    assert "层级汇总" not in res.output


def test_error_parts_render_in_the_users_language() -> None:
    err = DataError(msg("cannot read {values!r} as {what} in column '{column}'{rs}{more}", values="很多",
                        what=msg("a number"), column="销售额", rs=msg(" for rule set '{rule_set}'", rule_set="abc"),
                        more=msg(" (and {n} more cells)", n=2)),
                    where=Where(file="a.csv", cell="B3"),
                    hint=msg("fix the cell or declare the column's type in the rule file's 'fields'"))
    assert str(err) == ("cannot read '很多' as a number in column '销售额' for rule set 'abc' (and 2 more cells) "
                        "(a.csv, cell B3); fix the cell or declare the column's type in the rule file's 'fields'")
    zh = err.render("zh")
    assert "数字" in zh and "另有 2 个单元格" in zh and "规则集 'abc'" in zh and "fields" in zh
    assert "cannot" not in zh and "number" not in zh


@pytest.mark.parametrize(("first_lang", "second_lang"), [("zh", "en"), ("en", "zh")])
def test_applying_again_in_the_other_language_replaces_the_summary(tmp_path: Path, first_lang: str,
                                                                    second_lang: str) -> None:
    """An output applied again in the other language keeps one summary sheet, renamed to the new language's name
    and holding the new language's words (not a second summary beside the first)."""
    first, again = tmp_path / "first.xlsx", tmp_path / "again.xlsx"
    res = CliRunner().invoke(main, ["apply", str(SAMPLES / "customers_simple.xlsx"), "--rules", "value", "--lang",
                                    first_lang, "-o", str(first)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["apply", str(first), "--rules", "value", "--lang", second_lang, "-o",
                                    str(again)])
    assert res.exit_code == 0, res.output
    before, after = openpyxl.load_workbook(first), openpyxl.load_workbook(again)
    try:
        summaries = [n for n in after.sheetnames if is_summary_sheet(n)]
        assert summaries == [summary_sheet_name(second_lang)]
        assert len(after.sheetnames) == len(before.sheetnames)
        data = [n for n in after.sheetnames if not is_summary_sheet(n)]
        assert data == [n for n in before.sheetnames if not is_summary_sheet(n)]
        words = " ".join(str(c.value) for row in after[summaries[0]].iter_rows() for c in row if c.value is not None)
        assert ("合计" in words) == (second_lang == "zh")
        for name in data:  # the tier columns are the same, whatever the language of the summary
            assert after[name].max_row == before[name].max_row
    finally:
        before.close()
        after.close()
