"""``tierkit sql``: print one SELECT that tiers a warehouse table with a rule file (DuckDB, Spark, ...)."""

from __future__ import annotations

import click

from .clikit import lang_option, run_safely

DIALECTS = ("duckdb", "spark", "postgres", "snowflake", "bigquery")


@click.command("sql")
@click.option("--rules", "-r", "rules", required=True, help="A built-in rule set name or a YAML rule file.")
@click.option("--dialect", "-d", type=click.Choice(DIALECTS), default="duckdb", show_default=True,
              help="The SQL dialect to write.")
@click.option("--table", "-t", required=True, help="The table to read (may be qualified: db.schema.table).")
@click.option("--param", "params", multiple=True,
              help="Override a rule-set parameter: name=value (70% and 1,200 are fine).")
@click.option("--as-of", help="Date for $today and $now in the SQL, e.g. 2024-12-31 (default: today).")
@lang_option(help="Language of the error messages.")
@run_safely
def sql(rules: str, dialect: str, table: str, params: tuple[str, ...], as_of: str | None, lang: str) -> None:
    """Print one SELECT over TABLE that adds tier_id, tier_label and each segment's match and error flags.

    \b
    Example:
      tierkit sql --rules value --dialect spark --table sales.customers
    The table must hold the columns the rules use under their field names, feature columns included
    (percent ranks, scores); a construct the dialect cannot compute exactly as rule-engine does is refused
    by name.  The input columns stay in the result, so reasons can be written from it.
    """
    from . import app
    from .backends import compile_select

    (ruleset,) = app.resolve_rules([rules], params=app.parse_params(params))
    click.echo(compile_select(ruleset, table, dialect, as_of=app.parse_as_of(as_of)))
