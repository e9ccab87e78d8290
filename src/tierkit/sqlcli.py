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
@click.option("--orders", "orders", help="The orders table the rule set's features read (from_orders, "
                                         "order_stats, ...) when TABLE is a customer table.")
@click.option("--columns", help="TABLE's columns, comma-separated (Spark, PostgreSQL, Snowflake and BigQuery need "
                                "them when a feature replaces a column; with them each column is found under any "
                                "name the rule file allows).")
@click.option("--orders-columns", help="The orders table's columns, comma-separated.")
@click.option("--features/--no-features", default=True, show_default=True,
              help="Compute the rule set's features in the SELECT; --no-features: TABLE holds them already.")
@click.option("--param", "params", multiple=True,
              help="Override a rule-set parameter: name=value (70% and 1,200 are fine).")
@click.option("--as-of", help="Date for $today, $now and the features in the SQL, e.g. 2024-12-31 (default: today "
                              "for $today, the latest order date for the features).")
@lang_option(help="Language of the error messages.")
@run_safely
def sql(rules: str, dialect: str, table: str, orders: str | None, columns: str | None,
        orders_columns: str | None, features: bool, params: tuple[str, ...],
        as_of: str | None, lang: str) -> None:
    """Print one SELECT over TABLE that adds tier_id, tier_label and each segment's match and error flags.

    \b
    Example:
      tierkit sql --rules rfm --dialect spark --table sales.customers --orders sales.orders
    The rule set's features (scores, shares, figures from orders) are computed in the SELECT, from TABLE
    itself when it holds the order lines (one row per customer comes back), else from --orders.  With
    --columns a field is read under any name the rule file allows (销售额 for revenue) and an absent optional
    field is blank; without it, under its first name.  A construct the dialect cannot compute exactly as
    rule-engine does is refused by name.  The input columns stay in the result, so reasons can be written
    from it.
    """
    from . import app
    from .backends import compile_select
    from .backends.sqlfeatures import features_sql_text, output_columns
    from .backends.sqlfeatures_query import field_headers

    (ruleset,) = app.resolve_rules([rules], params=app.parse_params(params))
    day = app.parse_as_of(as_of)
    make = features_sql_text(columns=_names(columns), orders_table=orders, orders_columns=_names(orders_columns),
                             as_of=day) if features and ruleset.features else None
    known = _names(columns)
    headers = None
    if known is not None:
        headers = field_headers(ruleset, output_columns(ruleset, known, orders_table=orders,
                                                        orders_columns=_names(orders_columns)) if features else known)
    click.echo(compile_select(ruleset, table, dialect, features_sql=make, as_of=day, headers=headers))


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]
