"""``tierkit compare`` and ``tierkit rules diff``: who moved between tiers, and what a rule change would move.

Registered in the main CLI as ``tierkit.movement.cli:compare`` (and ``rules diff``).  Imports stay light:
pandas and the engine load only when a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..clikit import force_option, lang_option, quiet_option, run_safely, table_options
from ..errors import TierkitError, display_path, msg
from ..i18n import mark
from ..progress import phase


def _output_option() -> Any:
    return click.option("--output", "-o", type=click.Path(dir_okay=False),
                        help="Workbook to write (default: <name>.movement.xlsx next to the input).")


@click.command("compare")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rules", "-r", "rules", required=True, help="Built-in rule set name, a YAML file or sheet:NAME.")
@click.option("--param", "params", multiple=True, help="Override a rule-set parameter: name=value.")
@click.option("--from", "date_from", help="With one INPUT: the earlier date, e.g. 2024-06-30.")
@click.option("--to", "date_to", help="With one INPUT: the later date, e.g. 2024-12-31.")
@click.option("--as-of", help="With two INPUTs: the date for $today and recency in both.")
@click.option("--fixed-cuts", is_flag=True,
              help="Score the later date with the earlier date's quantile cut-points, so that a move reflects "
                   "the customer's own change (RFM and other quantile scores).")
@table_options
@_output_option()
@lang_option()
@force_option("Overwrite the output file if it exists.")
@quiet_option()
@run_safely
def compare(inputs: tuple[str, ...], rules: str, params: tuple[str, ...], date_from: str | None,
            date_to: str | None, as_of: str | None, fixed_cuts: bool, sheet: str | None, header_row: int | None,
            id_column: str | None, keep_all_rows: bool, visible_only: bool, output: str | None, lang: str,
            force: bool, quiet: bool) -> None:
    """Who moved between tiers: a from x to matrix of customers and of value, each customer's move, and the
    value at risk (customers who moved down into a risk tier, or are gone).

    \b
    Two forms:
      tierkit compare sales.xlsx --rules rfm --from 2024-06-30 --to 2024-12-31
      tierkit compare customers_q2.xlsx customers_q3.xlsx --rules abc
    The first classifies one workbook (with an orders sheet) at two dates, as apply --as-of does; the
    second matches two snapshots of the customer table on the customer id (a tiered output keeps its own
    Tier ID column).  The inputs are never modified.
    """
    from .. import app
    from ..movement import compare_dates, compare_files

    if len(inputs) > 2:
        raise TierkitError(msg("give one INPUT with --from and --to, or two snapshots BEFORE AFTER"))
    first = display_path(inputs[0])
    (rs,) = app.resolve_rules([rules], params=app.parse_params(params), workbook=first,
                              sheet_rows=app.workbook_sheet_rows(Path(inputs[0])))
    table = dict(sheet=sheet, header_row=header_row, id_column=id_column, keep_all_rows=keep_all_rows,
                 visible_only=visible_only)
    with phase(mark("progress", "comparing with {rules}"), rules=rs.name):
        if len(inputs) == 1:
            if not date_from or not date_to:
                raise TierkitError(msg("with one INPUT, give --from DATE and --to DATE"),
                                   hint=msg("or give two snapshots: tierkit compare BEFORE AFTER --rules R"))
            if as_of:
                raise TierkitError(msg("--as-of is for two snapshots; with one INPUT the dates are --from and --to"))
            d0 = app.parse_as_of(date_from, what="--from")
            d1 = app.parse_as_of(date_to, what="--to")
            assert d0 is not None and d1 is not None
            result = compare_dates(inputs[0], rs, d0, d1, output=output, lang=lang, fixed_cuts=fixed_cuts,
                                   force=force, **table)  # type: ignore[arg-type]
        else:
            if date_from or date_to:
                raise TierkitError(msg("--from and --to are for one INPUT; two snapshots are compared as they are"),
                                   hint=msg("use --as-of for the date of $today and recency in both"))
            if fixed_cuts:
                raise TierkitError(msg("--fixed-cuts is for one INPUT at two dates (--from, --to)"))
            result = compare_files(inputs[0], inputs[1], rs, output=output, lang=lang,
                                   as_of=app.parse_as_of(as_of), force=force, **table)  # type: ignore[arg-type]
    if not quiet:
        for line in result.lines():
            click.echo(line)


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option("--data", required=True, type=click.Path(dir_okay=False), help="The table both versions classify.")
@click.option("--param", "params", multiple=True,
              help="Override a parameter of NEW: name=value (NEW may then be left out: OLD with the overrides).")
@click.option("--as-of", help="Date for $today and recency, e.g. 2024-12-31.")
@table_options
@_output_option()
@lang_option()
@force_option("Overwrite the output file if it exists.")
@quiet_option()
@run_safely
def rules_diff(old: str, new: str | None, data: str, params: tuple[str, ...], as_of: str | None,
               sheet: str | None, header_row: int | None, id_column: str | None, keep_all_rows: bool,
               visible_only: bool, output: str | None, lang: str, force: bool, quiet: bool) -> None:
    """What a rule change would move, before anyone publishes it: the same matrix, moves and value at risk as
    tierkit compare, for the same data under rule set OLD and rule set NEW.

    \b
    Example:
      tierkit rules diff rules/abc.yaml my_abc.yaml --data sample_workbooks/distributor.xlsx
      tierkit rules diff abc --param a_share=0.7 --data sample_workbooks/distributor.xlsx
    """
    from .. import app
    from ..movement import compare_rules

    if new is None and not params:
        raise TierkitError(msg("give NEW, or --param k=v overrides of OLD"))
    sheet_rows = app.workbook_sheet_rows(Path(data))
    (rs_old,) = app.resolve_rules([old], workbook=display_path(data), sheet_rows=sheet_rows)
    (rs_new,) = app.resolve_rules([new or old], params=app.parse_params(params), workbook=display_path(data),
                                  sheet_rows=sheet_rows)
    with phase(mark("progress", "comparing with {rules}"), rules=f"{rs_old.name}, {rs_new.name}"):
        result = compare_rules(rs_old, rs_new, data, output=output, lang=lang, as_of=app.parse_as_of(as_of),
                               sheet=sheet, header_row=header_row, id_column=id_column, keep_all_rows=keep_all_rows,
                               visible_only=visible_only, force=force)
    if not quiet:
        for line in result.lines():
            click.echo(line)
