"""``--help`` in Chinese: every command's help, option help, heading and placeholder comes from the catalogue,
and ``tierkit CMD --lang zh --help`` shows no English words but what a user types (options, choices, example
command lines, `code`)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from tierkit.cli import main
from tierkit.helptext import fill, width, wrap
from tierkit.i18n import trc

#: names of products, formats and methods a Chinese help text may hold as they are
ALLOWED = {"ABC", "RFM", "R", "F", "M", "ID", "PDF", "Excel", "tierkit", "CSV", "YAML", "xlsx", "csv", "parquet",
           "SQL", "DuckDB", "Spark", "PostgreSQL", "Snowflake", "BigQuery", "Canvas", "Moodle", "PEM", "HTTP",
           "HTTPS", "TLS", "MB", "DMN", "A", "B", "C", "xlwings", "Pareto", "UTF"}


def commands(group: click.Group | None = None, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                                            click.Command]]:
    group = group or main
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


ALL = list(commands())


def test_every_command_is_walked() -> None:
    names = {" ".join(path) for path, _ in ALL}
    assert {"apply", "explain", "inspect", "rules", "rules list", "brief", "sql", "exercise new"} <= names


@pytest.mark.parametrize("path,command", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_help_texts_are_in_the_catalogue(path: tuple[str, ...], command: click.Command) -> None:
    texts = [inspect.cleandoc(command.help).partition("\f")[0]] if command.help else []
    texts += [p.help for p in command.params if isinstance(p, click.Option) and p.help]
    for text in texts:
        assert trc("zh", "help", text) != text, f"{' '.join(path)}: no zh help for {text!r}: run scripts/i18n.py"


def _english_words(out: str) -> set[str]:
    lines = []
    for line in out.splitlines():
        if re.match(r"\s*(tierkit|->)\s|用法：", line):  # an example command line, the usage line: typed as is
            continue
        line = re.sub(r"\$\w+", "", line)  # rule-engine symbols ($today)
        line = re.sub(r"`[^`]*`", "", line)  # code
        line = re.sub(r"(?<![\w-])--?[a-z][\w-]*", "", line)  # option names
        line = re.sub(r"\[[\w|.-]+\]", "", line)  # choices
        line = re.sub(r"\[默认：[^\]]*\]", "", line)  # a default value, as it is typed
        line = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", "", line)  # environment variables
        line = re.sub(r"[\w./<>-]*\.(?:xlsx|yaml|pdf|csv|pem|xml|ods|xls|html|j2)\b", "", line)  # file names
        lines.append(line)
    return set(re.findall(r"[A-Za-z]+", "\n".join(lines))) - ALLOWED


@pytest.mark.parametrize("path,command", [([], main), *ALL], ids=["tierkit"] + [" ".join(p) for p, _ in ALL])
def test_zh_help_has_no_english_words(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(main, [*path, "--help", "--lang", "zh"], terminal_width=100, prog_name="tierkit")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("用法："), out
    commands_section = isinstance(command, click.Group)
    if commands_section:  # the command names in the list are typed as they are
        out = re.sub(r"(?m)^  ([a-z][\w-]*)  ", "  ", out)
    assert not _english_words(out), f"{' '.join(path)} --help in zh holds {sorted(_english_words(out))}:\n{out}"


def test_en_help_is_click_own() -> None:
    result = CliRunner().invoke(main, ["apply", "--help"], terminal_width=100, prog_name="tierkit")
    assert result.exit_code == 0 and result.output.startswith("Usage: tierkit apply [OPTIONS] INPUT")
    assert "Show this message and exit." in result.output


def test_zh_help_wraps_by_display_width() -> None:
    result = CliRunner().invoke(main, ["apply", "--lang", "zh", "--help"], terminal_width=80, prog_name="tierkit")
    assert result.exit_code == 0
    assert "选项" in result.output and "默认" in result.output
    too_wide = [line for line in result.output.splitlines() if width(line) > 80 and "tierkit " not in line]
    assert not too_wide


def test_fill_breaks_between_han_characters_not_before_closing_punctuation() -> None:
    text = "客户分类" * 10 + "，" + "按规则" * 5
    lines = fill(text, 20).splitlines()
    assert all(width(line) <= 20 for line in lines)
    assert "".join(lines) == text
    assert not any(line.startswith("，") for line in lines)
    assert fill("alpha beta 客户 gamma", 8).splitlines() == ["alpha", "beta 客", "户 gamma"]
    assert wrap("\b\n  keep  this\n  line", 5) == "  keep  this\n  line"
