"""Every command takes the same table, rule and language options, and every command has one error boundary."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tierkit.cli import main

TABLE = {"--sheet", "--header-row"}
RULES = {"--rules", "--param", "--as-of"}


def commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    out: dict[str, click.Command] = {}

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            assert cmd is not None
            if isinstance(cmd, click.Group):
                walk(cmd, f"{prefix}{name} ")
            else:
                out[f"{prefix}{name}"] = cmd

    walk(main, "")
    return out


def options(cmd: click.Command) -> set[str]:
    return {opt for p in cmd.params if isinstance(p, click.Option) for opt in p.opts}


@pytest.mark.parametrize("name", ["apply", "explain", "brief"])
def test_commands_that_apply_rules_to_a_table_share_their_options(name: str) -> None:
    have = options(commands()[name])
    assert TABLE | RULES | {"--lang"} <= have, sorted(TABLE | RULES - have)


@pytest.mark.parametrize("name", ["apply", "brief", "exercise new", "exercise grade"])
def test_commands_that_write_take_force(name: str) -> None:
    assert "--force" in options(commands()[name])


def test_every_lang_option_offers_the_same_languages() -> None:
    choices = set()
    for cmd in commands().values():
        for p in cmd.params:
            if isinstance(p, click.Option) and "--lang" in p.opts:
                assert isinstance(p.type, click.Choice)
                choices.add(tuple(p.type.choices))
    assert len(choices) == 1 and {"en", "zh"} <= set(next(iter(choices)))


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help_with_an_example(name: str) -> None:
    res = CliRunner().invoke(main, [*name.split(), "--help"])
    assert res.exit_code == 0 and "tierkit " in res.output, res.output


@pytest.mark.parametrize("args", [
    ["apply", "{missing}", "--rules", "abc"],
    ["explain", "{missing}", "--rules", "abc", "--row", "1"],
    ["brief", "{missing}", "--rules", "abc"],
    ["rules", "check", "abc", "--data", "{missing}"],
    ["apply", "{csv}", "--rules", "abc", "--as-of", "someday"],
    ["brief", "{csv}", "--rules", "abc", "--as-of", "someday"],
    ["explain", "{csv}", "--rules", "abc", "--row", "1", "--param", "nope=1"],
    ["brief", "{csv}", "--rules", "abc", "--param", "a_cutoff=lots"],
])
def test_user_mistakes_are_one_line_and_exit_2_in_every_command(tmp_path: Path, args: list[str]) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("customer_id,revenue\nC1,10\nC2,20\n", encoding="utf-8")
    argv = [a.format(missing=tmp_path / "nope.xlsx", csv=csv) for a in args]
    res = CliRunner().invoke(main, argv)
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in res.output
