"""The ``tierkit`` command line: a thin layer over the public API.

Exit codes: 0 ok, 2 user error (one clear line on stderr, no traceback), 1 internal error.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import InputFileError, TierkitError, Where, display_path

README_SHEETS = ("readme", "read me", "说明", "instructions", "notes", "about", "使用说明", "tier summary",
                 "rules", "规则")
LANGS = click.Choice(["en", "zh"])


def run_safely(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn TierkitError into one line + exit 2, anything else into exit 1."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TierkitError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as err:
            if os.environ.get("TIERKIT_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(err).__name__}: {err} (set TIERKIT_DEBUG=1 for details; "
                       "please report it)", err=True)
            sys.exit(1)

    return wrapper


def parse_as_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    from .values import parse_date

    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise TierkitError(f"--as-of {value!r} is not a date", hint="write it as 2024-12-31")
    return parsed.date()


def parse_params(items: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise TierkitError(f"--param {item!r} must look like name=value", hint="e.g. --param a_share=0.7")
        from .values import parse_number

        try:
            number = parse_number(value)
        except ValueError:
            number = None
        if number is None:
            raise TierkitError(f"--param {item!r}: {value!r} is not a number", hint="e.g. --param a_share=0.7")
        out[key.strip()] = number
    return out


def choose_sheet(path: Path, sheet: str | None) -> str | int | None:
    """Sheet by name or index; by default the first sheet that is not a README/summary."""
    if sheet is not None:
        return int(sheet) - 1 if sheet.isdigit() else sheet
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from .io import list_sheets

    names = list_sheets(path)
    for name in names:
        if name.strip().lower() not in README_SHEETS:
            return name
    return None


def load_table(path: str, sheet: str | None, header_row: int | None) -> Any:
    from .io import read_table

    p = Path(path)
    if not p.exists():
        raise InputFileError(f"file not found: {path}", where=Where(file=path),
                             hint="check the path; tierkit reads .xlsx, .xlsm, .csv and .parquet")
    return read_table(p, sheet=choose_sheet(p, sheet), header_row=header_row)


def table_source(table: Any) -> Any:
    """A TableSource for a RawTable: cell addresses for errors and the workbook's other sheets."""
    from .bind import TableSource
    from .io import read_table

    cache: dict[str, Any] = {}

    def sheets(name: str) -> Any:
        if table.sheet is None:
            return None
        if name not in cache:
            try:
                cache[name] = read_table(table.path, sheet=name).frame
            except InputFileError:
                cache[name] = None
        return cache[name]

    return TableSource(file=display_path(table.path), sheet=table.sheet,
                       cell_ref=lambda i, col: f"{table.sheet + '!' if table.sheet else ''}{table.cell_ref(i, col)}",
                       sheets=sheets)


#: commands that live with their adapters, imported only when used (WeasyPrint and xlwings load slowly)
LAZY_COMMANDS = {
    "serve": "tierkit_addin.cli:serve",
    "brief": "tierkit.reporting.cli:brief",
    "exercise": "tierkit.exercise.cli:exercise",
}


class LazyGroup(click.Group):
    """A click group whose adapter commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(n for n in LAZY_COMMANDS if _lazy_available(n))})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[cmd_name].split(":")
            try:
                command = getattr(importlib.import_module(module), attr)
            except ModuleNotFoundError as err:
                if err.name and module.startswith(err.name):
                    return None  # that part is not installed
                raise
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


def _lazy_available(name: str) -> bool:
    import importlib.util

    module = LAZY_COMMANDS[name].split(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tierkit")
def main() -> None:
    """tierkit: sort customers into tiers (客户分类/分层) with readable rules.

    \b
    Quick start:
      tierkit rules list
      tierkit apply sample_workbooks/distributor.xlsx --rules abc
      tierkit explain sample_workbooks/distributor.xlsx --rules abc --row 5
    """


@main.command()
@click.argument("input", type=click.Path(dir_okay=False))
@click.option("--rules", "-r", "rules", multiple=True, required=True,
              help="Built-in rule set name (tierkit rules list), a YAML file, or sheet:NAME (a rules table "
                   "id|label|when|strategy on a sheet of INPUT); repeat for several.")
@click.option("--sheet", "-s", help="Sheet name or 1-based index (default: the first data sheet).")
@click.option("--header-row", type=int, help="1-based row of the header (default: detected).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Output file (default: <name>.tiered.<ext>).")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Language of labels and headers.")
@click.option("--as-of", help="Date for $today and recency (default: today, or the latest order date).")
@click.option("--param", "params", multiple=True, help="Override a rule-set parameter: name=value.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--engine", type=click.Choice(["compiled", "oracle"]), default="compiled", show_default=True,
              help="compiled (fast) or oracle (row-by-row rule-engine, for checking).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@run_safely
def apply(input: str, rules: tuple[str, ...], sheet: str | None, header_row: int | None, output: str | None,
          lang: str, as_of: str | None, params: tuple[str, ...], force: bool, engine: str, quiet: bool) -> None:
    """Add tier columns (Tier, Tier ID, Tier reason) and a Tier summary sheet to a copy of INPUT.

    \b
    Example:
      tierkit apply customers.xlsx --rules abc --rules rfm -o customers.tiered.xlsx
    The input file is never modified.
    """
    from .apply import apply_rulesets, default_output

    table = load_table(input, sheet, header_row)
    dst = Path(output) if output else default_output(Path(input))
    result = apply_rulesets(table, list(rules), dst, lang=lang, as_of=parse_as_of(as_of),
                            params=parse_params(params), force=force, engine=engine, source=table_source(table))
    if not quiet:
        click.echo(result.report())


@main.command()
@click.argument("table", type=click.Path(dir_okay=False))
@click.option("--rules", "-r", required=True, help="Built-in rule set name or a YAML file.")
@click.option("--row", type=int, help="Data row number (1 = first row below the header).")
@click.option("--id", "id_value", help="Find the row whose first column (or --id-column) equals this value.")
@click.option("--id-column", help="Column to search for --id (default: the first column).")
@click.option("--sheet", "-s", help="Sheet name or 1-based index.")
@click.option("--header-row", type=int, help="1-based row of the header (default: detected).")
@click.option("--lang", type=LANGS, default="en", show_default=True)
@click.option("--as-of", help="Date for $today and recency.")
@click.option("--param", "params", multiple=True, help="Override a rule-set parameter: name=value.")
@run_safely
def explain(table: str, rules: str, row: int | None, id_value: str | None, id_column: str | None,
            sheet: str | None, header_row: int | None, lang: str, as_of: str | None, params: tuple[str, ...]) -> None:
    """Explain why one row got its tier: every segment's condition and the row's values.

    \b
    Example:
      tierkit explain customers.xlsx --rules abc --id C0042
    """
    from .apply import load_rules_spec
    from .segment import classify

    if (row is None) == (id_value is None):
        raise TierkitError("give exactly one of --row N or --id VALUE")
    raw = load_table(table, sheet, header_row)
    rs = load_rules_spec(rules, Path(table), params=parse_params(params) or None)
    frame = raw.frame
    if id_value is not None:
        col = id_column or frame.columns[0]
        if col not in frame.columns:
            from .errors import did_you_mean

            raise TierkitError(f"no column '{col}' in {display_path(raw.path)}",
                               hint=did_you_mean(col, [str(c) for c in frame.columns]))
        hits = [i for i, v in enumerate(frame[col].tolist()) if v is not None and _same(v, id_value)]
        if not hits:
            raise TierkitError(f"no row with {col} = {id_value!r} in {display_path(raw.path)}")
        index = hits[0]
    else:
        assert row is not None
        if not 1 <= row <= len(frame):
            raise TierkitError(f"--row {row} is outside the table (1..{len(frame)})")
        index = row - 1
    result = classify(rs, frame, as_of=parse_as_of(as_of), source=table_source(raw))
    click.echo(result.explain(index, lang))


def _same(value: Any, text: str) -> bool:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() == text.strip()


@main.group()
def rules() -> None:
    """List, show and check rule sets."""


@rules.command("list")
@click.option("--lang", type=LANGS, default="en", show_default=True)
@run_safely
def rules_list(lang: str) -> None:
    """List the built-in rule sets.

    \b
    Example:
      tierkit rules list --lang zh
    """
    from .ruleset import list_builtin

    for rs in list_builtin():
        segs = ", ".join(s.label.get(lang) for s in rs.segments)
        click.echo(f"{rs.name:<18} {rs.title.get(lang)}")
        click.echo(f"{'':<18} {segs}")


@rules.command("show")
@click.argument("name")
@click.option("--lang", type=LANGS, default="en", show_default=True)
@run_safely
def rules_show(name: str, lang: str) -> None:
    """Print a rule set: its segments, conditions (in plain words) and strategies.

    \b
    Example:
      tierkit rules show rfm --lang zh
    """
    from .check import show_ruleset
    from .ruleset import load_ruleset

    click.echo(show_ruleset(load_ruleset(name), lang))


@rules.command("check")
@click.argument("file")
@click.option("--data", type=click.Path(dir_okay=False), help="A table to check for gaps and overlaps.")
@click.option("--sheet", "-s", help="Sheet of --data.")
@click.option("--header-row", type=int, help="1-based header row of --data.")
@click.option("--as-of", help="Date for $today and recency.")
@click.option("--param", "params", multiple=True, help="Override a rule-set parameter: name=value.")
@run_safely
def rules_check(file: str, data: str | None, sheet: str | None, header_row: int | None, as_of: str | None,
                params: tuple[str, ...]) -> None:
    """Check a rule file: syntax, types, duplicate ids, missing default, unreachable segments;
    with --data, which rows match no segment or several (DMN-style gap/overlap report).

    \b
    Example:
      tierkit rules check rules/vip.yaml --data customers.xlsx
    Exit code 0 when clean, 2 when problems were found.
    """
    from .check import check_data, check_static
    from .ruleset import load_ruleset

    rs = load_ruleset(file, params=parse_params(params) or None)
    report = check_static(rs)
    if data:
        raw = load_table(data, sheet, header_row)
        report = report + check_data(rs, raw.frame, as_of=parse_as_of(as_of), source=table_source(raw))
    click.echo(report.render())
    if report.problems:
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
