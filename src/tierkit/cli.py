"""The ``tierkit`` command line: a thin layer over the public API.

Exit codes: 0 ok, 2 user error (one clear line on stderr, no traceback), 1 internal error.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import click

from . import __version__
from .clikit import force_option, lang_option, quiet_option, rules_options, run_safely, table_options
from .errors import TierkitError, display_path, msg
from .i18n import mark
from .progress import phase
from .usage import LangGroup

#: commands that live with their adapters, imported only when used (WeasyPrint and xlwings load slowly)
LAZY_COMMANDS = {
    "serve": "tierkit_addin.cli:serve",
    "brief": "tierkit.reporting.cli:brief",
    "exercise": "tierkit.exercise.cli:exercise",
    "compare": "tierkit.movement.cli:compare",
    "sql": "tierkit.sqlcli:sql",
}
#: the ``rules`` group's commands that live with their adapters
LAZY_RULES_COMMANDS = {"diff": "tierkit.movement.cli:rules_diff"}


class LazyGroup(LangGroup):
    """A click group whose adapter commands are imported on first use (click's documented lazy-group
    pattern).  ``tierkit --help`` lists them without importing WeasyPrint, xlwings or pandas: see
    :func:`load_command_module`."""

    lazy: dict[str, str] = LAZY_COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(n for n in self.lazy if _lazy_available(self.lazy[n]))})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attr = self.lazy[cmd_name].split(":")
            try:
                command = getattr(load_command_module(module), attr)
            except ModuleNotFoundError as err:
                if err.name and module.startswith(err.name):
                    return None  # that part is not installed
                raise
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


def load_command_module(name: str) -> ModuleType:
    """Import the command module ``name`` (``pkg.cli``) without running its package's ``__init__`` when that
    package is not imported yet.  The add-in package is the xlwings UDF module (it imports xlwings at once)
    and the trainer kit's registers its plugins (pandas); a command's options and help need neither.  The
    package itself is imported, as usual, by the first relative import the command runs."""
    if name in sys.modules:
        return sys.modules[name]
    package = name.rpartition(".")[0]
    if not package or package in sys.modules:
        return importlib.import_module(name)
    package_spec = importlib.util.find_spec(package)  # imports the package's parents, not the package
    locations = package_spec.submodule_search_locations if package_spec else None
    spec = importlib.machinery.PathFinder.find_spec(name, list(locations)) if locations else None
    if spec is None or spec.loader is None:
        return importlib.import_module(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _lazy_available(target: str) -> bool:
    """Is the package of a lazy command (``pkg.cli:attr``) installed?  (Looked up without importing it.)"""
    package = target.split(":")[0].rpartition(".")[0]
    try:
        return importlib.util.find_spec(package) is not None
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
@rules_options(multiple=True)
@table_options
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Output file (default: <name>.tiered.<ext>).")
@lang_option()
@force_option("Overwrite the output file if it exists.")
@click.option("--previous", type=click.Path(dir_okay=False),
              help="An earlier tiered output: add Previous tier and Tier since (the date the tier last changed).")
@click.option("--engine", type=click.Choice(["numpy", "compiled", "oracle", "duckdb"]), default="compiled",
              show_default=True, help="numpy (alias compiled, fast), duckdb (needs the duckdb extra; to a parquet "
                                      "or CSV output it streams the input in batches, an xlsx output is written "
                                      "from the whole table) or oracle (row-by-row rule-engine, for checking).")
@quiet_option()
@click.option("--no-reasons", "no_reasons", is_flag=True,
              help="Leave out the Tier reason column (faster on big tables).")
@run_safely
def apply(input: str, rules: tuple[str, ...], params: tuple[str, ...], as_of: str | None, features_from: str | None,
          sheet: str | None, header_row: int | None, id_column: str | None, keep_all_rows: bool,
          visible_only: bool, output: str | None, lang: str, force: bool, previous: str | None, engine: str,
          no_reasons: bool,
          quiet: bool) -> None:
    """Add tier columns (Tier, Tier ID, Tier reason) and a Tier summary sheet to a copy of INPUT.

    \b
    Example:
      tierkit apply customers.xlsx --rules abc --rules rfm -o customers.tiered.xlsx
    The input file is never modified.  TIERKIT_TIMINGS=1 prints where the time went to stderr.
    """
    from ._boot import imports_frozen
    from .readahead import read_ahead

    if engine != "duckdb":  # DuckDB streams the input in batches: never the whole table ahead
        read_ahead(input)  # a parquet input is read on the second core while pandas and tierkit load
    with imports_frozen():  # no garbage collection walks the imports' objects (0.3 s on a big table)
        from . import app

    rulesets = app.resolve_rules(list(rules), params=app.parse_params(params), workbook=display_path(input),
                                 sheet_rows=app.workbook_sheet_rows(Path(input)))
    dst = Path(output) if output else app.default_output(Path(input))
    streamed = None
    if engine == "duckdb":  # parquet/CSV out: the input streams through DuckDB, no frame of the whole table
        from .app.stream import stream_or_why

        streamed = stream_or_why(input, rulesets, dst, lang=lang, as_of=app.parse_as_of(as_of), force=force,
                                 sheet=sheet, header_row=header_row, id_column=id_column, keep_all_rows=keep_all_rows,
                                 reasons=not no_reasons, previous=previous, features_from=features_from,
                                 visible_only=visible_only)
        if not isinstance(streamed, str):
            if not quiet:
                click.echo(streamed.report())
            return
    with phase(mark("progress", "reading {name}"), name=Path(input).name):
        table = app.open_table(input, sheet=sheet, header_row=header_row, visible_only=visible_only,
                               rulesets=rulesets)
    with phase(mark("progress", "classifying with {rules}"), rules=", ".join(rs.name for rs in rulesets)):
        result = app.apply_rulesets(table, rulesets, dst, lang=lang, as_of=app.parse_as_of(as_of), force=force,
                                    engine=engine, source=app.table_source(table), id_column=id_column,
                                    keep_all_rows=keep_all_rows, features_from=features_from,
                                    reasons=not no_reasons, previous=previous)
    if isinstance(streamed, str):
        result.notes.append(streamed)
    if not quiet:
        click.echo(result.report())


@main.command()
@click.argument("table", type=click.Path(dir_okay=False))
@rules_options(multiple=False)
@click.option("--row", type=int, help="The customer's row as Excel numbers it (in a CSV: the line number).")
@click.option("--id", "id_value", help="The customer's id, looked up in the id column (--id-column; default: the "
                                       "rule set's role: id field, else the first column).")
@table_options
@lang_option()
@quiet_option(expose=False, help="Show no progress display.")
@run_safely
def explain(table: str, rules: str, params: tuple[str, ...], as_of: str | None, features_from: str | None,
            row: int | None, id_value: str | None, sheet: str | None, header_row: int | None,
            id_column: str | None, keep_all_rows: bool, visible_only: bool, lang: str) -> None:
    """Explain why one row got its tier: every segment's condition and the row's values.

    \b
    Example:
      tierkit explain customers.xlsx --rules abc --id C0042
      tierkit explain customers.xlsx --rules rfm --row 17 --lang zh
    """
    from . import app, classify

    if (row is None) == (id_value is None):
        raise TierkitError(msg("give exactly one of --row N or --id VALUE"))
    (rs,) = app.resolve_rules([rules], params=app.parse_params(params), workbook=display_path(table),
                              sheet_rows=app.workbook_sheet_rows(Path(table)))
    with phase(mark("progress", "reading {name}"), name=Path(table).name):
        full = app.open_table(table, sheet=sheet, header_row=header_row, visible_only=visible_only, rulesets=[rs])
    raw, left_out = app.customer_rows(full, [rs], id_column=id_column, keep_all=keep_all_rows)
    frame = raw.frame
    if id_value is not None:
        col = app.id_header(raw, [rs], id_column) or frame.columns[0]
        want = app.id_key(id_value)
        hits = [i for i, key in enumerate(app.id_keys(frame[col]).tolist()) if key is not None and key == want]
        if not hits:
            raise TierkitError(msg("no row with {col} = {id_value!r} in {path}",
                                   col=col, id_value=id_value, path=display_path(raw.path)))
        index = hits[0]
    else:
        assert row is not None
        numbers = raw.row_numbers.tolist()
        if row not in numbers:
            kinds = [kind for kind, rows in left_out.rows.items() if row in rows]
            span = f"{numbers[0]}..{numbers[-1]}" if numbers else "none"
            where = (f"a {kinds[0]} row, left out" if kinds else "outside the table"
                     if not numbers or not numbers[0] <= row <= numbers[-1] else "not a data row")
            raise TierkitError(msg("--row {row} is {where} (data rows {span})", row=row, where=where, span=span),
                               hint=msg("give the row number Excel shows at the left of the sheet"))
        index = numbers.index(row)
    with phase(mark("progress", "classifying with {rules}"), rules=rs.name):
        result = classify(rs, frame, as_of=app.parse_as_of(as_of), source=app.table_source(raw),
                          features_from=features_from)  # type: ignore[arg-type]
    click.echo(result.explain(index, lang))


@main.command()
@click.argument("input", type=click.Path(dir_okay=False))
@click.option("--rules", "-r", "rules", multiple=True,
              help="Rule sets whose fields to match (built-in name, YAML file or sheet:NAME); repeat for several.")
@click.option("--param", "params", multiple=True, help="Override a rule-set parameter: name=value.")
@click.option("--as-of", help="Date for $today and recency, e.g. 2024-12-31.")
@table_options
@lang_option()
@quiet_option(expose=False, help="Show no progress display.")
@run_safely
def inspect(input: str, rules: tuple[str, ...], params: tuple[str, ...], as_of: str | None, sheet: str | None,
            header_row: int | None, id_column: str | None, keep_all_rows: bool, visible_only: bool,
            lang: str) -> None:
    """Show what tierkit will read from INPUT: the sheets, the header row chosen and why, the columns matched
    to each rule set's fields, the rows left out, the cells read from text, and the cells that cannot be read.

    \b
    Example:
      tierkit inspect customers.xlsx --rules abc --rules rfm
    Nothing is written.
    """
    from . import app

    rulesets = app.resolve_rules(list(rules), params=app.parse_params(params), workbook=display_path(input),
                                 sheet_rows=app.workbook_sheet_rows(Path(input))) if rules else []
    with phase(mark("progress", "reading {name}"), name=Path(input).name):
        raw = app.open_table(input, sheet=sheet, header_row=header_row, visible_only=visible_only,
                             rulesets=rulesets)
    report = app.inspect_table(raw, rulesets, header_given=header_row is not None, as_of=app.parse_as_of(as_of),
                               lang=lang, id_column=id_column, keep_all_rows=keep_all_rows)
    for line in report.lines(lang):
        click.echo(line)


class LazyRulesGroup(LazyGroup):
    lazy = LAZY_RULES_COMMANDS


@main.group(cls=LazyRulesGroup)
def rules() -> None:
    """List, show and check rule sets, and diff two versions of one (what a change would move)."""


@rules.command("list")
@lang_option()
@quiet_option(expose=False, help="Show no progress display.")
@run_safely
def rules_list(lang: str) -> None:
    """List the built-in rule sets.

    \b
    Example:
      tierkit rules list --lang zh
    """
    from . import list_builtin

    for rs in list_builtin():
        segs = ", ".join(s.label.get(lang) for s in rs.segments)
        click.echo(f"{rs.name:<18} {rs.title.get(lang)}")
        click.echo(f"{'':<18} {segs}")


@rules.command("show")
@click.argument("name")
@lang_option()
@quiet_option(expose=False, help="Show no progress display.")
@click.option("--source", is_flag=True, help="Also print field names and each condition as the rule file writes it.")
@run_safely
def rules_show(name: str, lang: str, source: bool) -> None:
    """Print a rule set: its segments, conditions (in plain words) and strategies.

    \b
    Example:
      tierkit rules show rfm --lang zh
      tierkit rules show abc --source
    """
    from . import app

    click.echo(app.show_ruleset(app.load_named(name), lang, source=source))


@rules.command("check")
@click.argument("file")
@click.option("--data", type=click.Path(dir_okay=False), help="A table to check for gaps and overlaps.")
@table_options
@click.option("--as-of", help="Date for $today and recency, e.g. 2024-12-31.")
@click.option("--param", "params", multiple=True, help="Override a rule-set parameter: name=value.")
@lang_option()
@quiet_option(expose=False, help="Show no progress display.")
@run_safely
def rules_check(file: str, data: str | None, sheet: str | None, header_row: int | None, id_column: str | None,
                keep_all_rows: bool, visible_only: bool, as_of: str | None, params: tuple[str, ...],
                lang: str) -> None:
    """Check a rule file: syntax, types, duplicate ids, missing default, unreachable segments;
    with --data, which rows match no segment or several (DMN-style gap/overlap report).

    \b
    Example:
      tierkit rules check rules/vip.yaml --data customers.xlsx
    Exit code 0 when clean, 2 when problems were found.
    """
    from . import app

    if data is None and (sheet or header_row or id_column or keep_all_rows or visible_only):
        raise TierkitError(msg("--sheet and --header-row describe the --data table"), hint=msg("add --data FILE"))
    sheet_rows = app.workbook_sheet_rows(Path(data)) if data else None
    (rs,) = app.resolve_rules([file], params=app.parse_params(params), sheet_rows=sheet_rows,
                              workbook=display_path(data) if data else "the workbook")
    report = app.check_static(rs, lang)
    if data:
        with phase(mark("progress", "reading {name}"), name=Path(data).name):
            full = app.open_table(data, sheet=sheet, header_row=header_row, visible_only=visible_only,
                                  rulesets=[rs])
        raw, _ = app.customer_rows(full, [rs], id_column=id_column, keep_all=keep_all_rows)
        report = report + app.check_data(rs, raw.frame, as_of=app.parse_as_of(as_of), source=app.table_source(raw),
                                         lang=lang)
    click.echo(report.render())
    if report.problems:
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
