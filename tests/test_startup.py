"""Startup: ``tierkit --version`` and every ``--help`` import only what they use (checked in sys.modules of
a fresh process, not by timing), and every command is listed and documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import tierkit
from tierkit.cli import LAZY_COMMANDS, main

#: heavy libraries no --version or --help needs
HEAVY = ("pandas", "numpy", "pyarrow", "weasyprint", "rule_engine", "openpyxl", "xlwings", "matplotlib", "jinja2",
         "python_calamine", "fastapi", "uvicorn", "yaml", "rich")

#: run ``tierkit ARGS`` in this process, then print the heavy modules it imported as JSON on stderr's last line
RUNNER = """
import json, sys
heavy = json.loads(sys.argv[1])
sys.argv = ["tierkit", *sys.argv[2:]]
code = 0
try:
    from tierkit.cli import main
    main()
except SystemExit as exit:
    code = exit.code or 0
finally:
    sys.stdout.flush()
    sys.stderr.write("\\n" + json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}) + "\\n")
"""


def run(*args: str) -> tuple[str, dict[str, object]]:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(HEAVY), *args], capture_output=True,
                          text=True, timeout=120, env=env, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report


def command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            paths.append((*prefix, name))
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(main, ())
    return paths


def test_version_imports_nothing_heavy() -> None:
    out, report = run("--version")
    assert report == {"code": 0, "loaded": []}
    assert tierkit.__version__ in out


def test_help_lists_every_command_and_imports_nothing_heavy() -> None:
    out, report = run("--help")
    assert report == {"code": 0, "loaded": []}
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == {"apply", "explain", "inspect", "rules", *LAZY_COMMANDS}


#: commands whose --help may load part of the engine (none: the trainer kit's --method choices are names only)
ENGINE_FOR_HELP: dict[tuple[str, ...], set[str]] = {}


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_help_works_and_stays_light(path: tuple[str, ...]) -> None:
    out, report = run(*path, "--help")
    assert report["code"] == 0
    assert out.startswith(f"Usage: tierkit {' '.join(path)} ")
    assert set(report["loaded"]) <= ENGINE_FOR_HELP.get(path, set())  # type: ignore[arg-type]


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_is_documented(path: tuple[str, ...]) -> None:
    command: click.Command | None = main
    ctx = click.Context(main)
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(ctx, name)
    assert command is not None and command.help and command.get_short_help_str().strip()


def test_public_api_loads_on_first_use() -> None:
    code = ("import sys, tierkit; before = 'pandas' in sys.modules; rs = tierkit.load_ruleset('abc'); "
            "import tierkit.bind as module; "
            "print(before, rs.name, callable(tierkit.bind), tierkit.bind is tierkit.__dict__.get('bind', tierkit.bind),"
            " sorted(set(tierkit.__all__) - set(dir(tierkit))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["False", "abc", "True", "True", "[]"]


def test_public_api_names_all_resolve() -> None:
    for name in tierkit.__all__:
        assert getattr(tierkit, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        tierkit.nope  # type: ignore[attr-defined]  # noqa: B018


def test_bind_stays_the_function_after_its_module_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    import tierkit.bind as bind_module  # noqa: F401  (the submodule import must not shadow the function)
    from tierkit.bind import bind

    assert tierkit.bind is bind
    monkeypatch.setattr(tierkit, "bind", "patched")
    assert tierkit.bind == "patched"
    monkeypatch.undo()
    assert tierkit.bind is bind


#: what a command on a CSV never needs: the PDF stack, Excel libraries, the add-in's server
NOT_FOR_CSV = {"weasyprint", "matplotlib", "jinja2", "openpyxl", "xlwings", "fastapi", "uvicorn", "rich"}


@pytest.mark.parametrize("args", [("apply", "{csv}", "--rules", "abc", "-o", "{out}"),
                                  ("explain", "{csv}", "--rules", "abc", "--row", "3"),
                                  ("rules", "show", "rfm")], ids=["apply", "explain", "rules show"])
def test_commands_import_only_what_they_use(args: tuple[str, ...], tmp_path: Path) -> None:
    csv = Path(__file__).resolve().parents[1] / "sample_workbooks" / "customers_simple.csv"
    _, report = run(*(a.format(csv=csv, out=tmp_path / "out.csv") for a in args))
    assert report["code"] == 0
    assert not NOT_FOR_CSV & set(report["loaded"])  # type: ignore[arg-type]
