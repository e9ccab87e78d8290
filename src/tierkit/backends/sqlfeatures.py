"""A rule file's ``features:`` list as one SQL SELECT: window functions and group-bys, no pandas.

:func:`features_select` returns a ``SELECT`` over a table that adds every feature column by its name, with
the meaning the pandas path (:mod:`tierkit.features`) gives it:

* ``quantile_score`` by mid-ranks (``RANK() + (ties - 1) / 2``), so ties share a score; fixed ``edges``;
  ``by`` groups (a blank group is a group); ``skip_zero``;
* ``percent_rank``, ``pareto_share`` (the share of the rows ranked strictly above, ties share it) and ``share``;
* ``days_since``, ``sum``, ``difference``, ``ratio`` (blank when dividing by 0: ``NULLIF``, so Spark's ANSI
  mode never raises), ``multiply``, ``choose`` and ``flags``;
* ``from_orders`` and ``order_stats`` as group-bys of an orders table joined back by customer id
  (:mod:`tierkit.backends.sqlfeatures_orders`).

* ``season_from_orders`` and ``product_from_orders`` likewise (:mod:`tierkit.backends.sqlfeatures_mix`).

A kind that cannot be expressed exactly on a dialect (``product_from_orders`` on PostgreSQL, whose text
collates) is refused by name with :class:`~tierkit.errors.UnsupportedExpression` when the SELECT is built.

The SQL reads typed columns: numbers as numbers, dates as dates (the input reader's job).  Text cells such as
``¥1,234`` are not parsed here; a numeric feature casts its column with ``CAST(... AS DOUBLE)``.  Fractions
are summed by the database in its own order, so shares may differ from pandas in the last bits (1e-15).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from tierkit.backends.sqlfeatures_query import (
    REFUSED,
    ROW,
    FeatureQuery,
    lit,
    num,
    one_of,
    q,
)
from tierkit.errors import DataError, UnsupportedExpression, did_you_mean, msg
from tierkit.features.kinds import (
    Arithmetic,
    DaysSince,
    Difference,
    Flags,
    ParetoShare,
    PercentRank,
    QuantileScore,
    Ratio,
    Share,
    Sum,
)
from tierkit.features.order_stats import Choose, Multiply
from tierkit.features.specs import ColumnFeature, FeatureSpec, Names, shown

__all__ = ["REFUSED", "ROW", "FeatureQuery", "features_select", "features_sql_text", "lit", "output_columns", "q"]


def features_sql_text(*, columns: Sequence[str] | None = None, orders_table: str | None = None,
                      orders_columns: Sequence[str] | None = None,
                      as_of: dt.date | dt.datetime | None = None) -> Callable[[Any, str, str], str]:
    """The ``features_sql`` argument of :func:`tierkit.backends.compile_select`: ``(ruleset, table, dialect)`` ->
    :func:`features_select` over ``table`` as SQL text in ``dialect`` (the rule set's own params)."""

    def make(ruleset: Any, table: str, dialect: str) -> str:
        select = features_select(ruleset, table, dialect, columns=columns, orders_table=orders_table,
                                 orders_columns=orders_columns, as_of=as_of, params=ruleset.params)
        return for_dialect(select, dialect).sql(dialect=dialect)

    return make


def for_dialect(select: exp.Select, dialect: str) -> exp.Select:
    """``select`` ready to render in ``dialect``.  The feature SQL is written in DuckDB's, whose
    ``REGEXP_REPLACE(s, p, r, 'g')`` replaces every match; sqlglot passes the ``'g'`` on to Snowflake, where
    the 4th argument is a position (and ``g`` no parameter).  Snowflake replaces every match by default
    (occurrence 0), so there the flag is dropped."""
    if dialect != "snowflake":
        return select
    select = select.copy()
    for node in select.find_all(exp.RegexpReplace):
        flag = node.args.get("modifiers")
        if isinstance(flag, exp.Literal) and flag.this == "g":
            node.set("modifiers", None)
    return select


def output_columns(ruleset: Any, columns: Sequence[str], *, orders_table: str | None = None,
                   orders_columns: Sequence[str] | None = None) -> list[str]:
    """The columns a table with ``columns`` has once ``ruleset``'s features are added (the optional ones whose
    inputs are missing add nothing)."""
    if not ruleset.features:
        return list(columns)
    select = features_select(ruleset, "t", "duckdb", columns=columns, orders_table=orders_table,
                             orders_columns=orders_columns, as_of=dt.date(2000, 1, 1))
    return list(select.named_selects)

def features_select(
    ruleset: Any,
    table: str,
    dialect: str,
    *,
    columns: Sequence[str] | None = None,
    orders_table: str | None = None,
    orders_columns: Sequence[str] | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    params: Mapping[str, float] | None = None,
) -> exp.Select:
    """A SELECT over ``table`` (SQL text: a table or view name) adding the columns of ``ruleset.features``.

    ``columns`` are the table's columns (feature specs name candidates: the SQL needs the one that is there);
    without them (SQL text for a table not at hand) each spec's first candidate is taken to be there, the
    result is ``*`` plus the feature columns and ``_tierkit_row`` (the table's row order), and the table is
    taken to be a customer table when ``orders_table`` is given, the orders table otherwise;
    ``orders_table`` / ``orders_columns`` the orders table ``from_orders`` and ``order_stats`` read when the
    table itself has no order lines.  ``as_of`` fixes the day (default: the latest order date, as in pandas);
    ``params`` override the rule set's params (``choose``).  ``dialect`` is checked by sqlglot; render the
    result with ``.sql(dialect=dialect)``.  A kind :data:`REFUSED` raises UnsupportedExpression naming it.
    """
    query = feature_query(ruleset, table, dialect, columns=columns, orders_table=orders_table,
                          orders_columns=orders_columns, as_of=as_of, params=params)
    select = sqlglot.parse_one(query.sql(), read="duckdb")
    assert isinstance(select, exp.Select)
    return select


def features_as_of_sql(ruleset: Any, table: str, *, columns: Sequence[str] | None = None,
                       orders_table: str | None = None, orders_columns: Sequence[str] | None = None) -> str | None:
    """DuckDB SQL giving (one row, one DATE) the day the features take as today without ``--as-of``: the latest
    order date (``from_orders``, ``order_stats``) or the latest date of a ``days_since`` column, as pandas
    takes it (and as ``$today`` then is on numpy).  None when no feature fixes a day."""
    query = feature_query(ruleset, table, "duckdb", columns=columns, orders_table=orders_table,
                          orders_columns=orders_columns)
    if query.as_of is None:
        return None
    ctes = ",\n".join(f"{name} AS ({body})" for name, body in query.ctes)
    return f"WITH {ctes}\nSELECT CAST({query.as_of} AS DATE) AS as_of"


def feature_query(
    ruleset: Any,
    table: str,
    dialect: str,
    *,
    columns: Sequence[str] | None = None,
    orders_table: str | None = None,
    orders_columns: Sequence[str] | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    params: Mapping[str, float] | None = None,
) -> FeatureQuery:
    """The :class:`FeatureQuery` of :func:`features_select` (its CTEs and, once a feature fixed it, the as-of
    day as SQL)."""
    from tierkit.backends.sqlfeatures_mix import product_from_orders, season_from_orders
    from tierkit.backends.sqlfeatures_orders import from_orders, order_stats
    from tierkit.features.from_orders import FromOrders
    from tierkit.features.order_mix import ProductFromOrders, SeasonFromOrders
    from tierkit.features.order_stats import OrderStats

    sqlglot.Dialect.get_or_raise(dialect)
    stamp = None
    if as_of is not None:
        stamp = lit(dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of)
    merged = {**getattr(ruleset, "params", {}), **(params or {})}
    query = FeatureQuery(table=table, columns=list(columns or ()), dialect=dialect, known=columns is not None,
                         fields=getattr(ruleset, "fields", {}) or {},
                         as_of=stamp, params=merged, orders_table=orders_table,
                         orders_columns=None if orders_columns is None else list(orders_columns))
    if query.orders_table is not None and query.orders_columns is None and not query.known:
        query.orders_columns = []
    specs: tuple[FeatureSpec, ...] = tuple(getattr(ruleset, "features", ()) or ())
    for spec in specs:
        if spec.kind in REFUSED:
            raise UnsupportedExpression(msg("feature '{name}' ({kind}) cannot be compiled to SQL exactly: {reason}",
                                            name=spec.name, kind=spec.kind, reason=REFUSED[spec.kind]),
                                        hint=msg("run this rule set with --engine numpy"))
    for spec in specs:
        if isinstance(spec, FromOrders):
            from_orders(query, spec)
        elif isinstance(spec, OrderStats):
            order_stats(query, spec)
        elif isinstance(spec, ProductFromOrders):
            product_from_orders(query, spec)
        elif isinstance(spec, SeasonFromOrders):
            season_from_orders(query, spec)
        elif isinstance(spec, ColumnFeature):
            column_feature(query, spec)
        else:  # a kind added to the registry without SQL
            raise UnsupportedExpression(msg("feature '{name}' ({kind}) has no SQL form",
                                            name=spec.name, kind=spec.kind))
    return query


def column_feature(query: FeatureQuery, spec: ColumnFeature) -> None:
    """One column-kind spec: resolve its columns, skip it (optional) or fail as pandas does, add the column."""
    resolved = {name: query.column(name) for name in spec.inputs()}
    missing = [name for name, col in resolved.items() if col is None] if spec.needs_inputs else []
    if missing:
        if spec.optional:
            return
        raise DataError(msg("feature '{output}' ({kind}) needs column '{missing}'",
                            output=spec.output, kind=spec.kind, missing=missing[0]),
                        hint=did_you_mean(str(missing[0]), query.columns))
    by_names: Names | None = getattr(spec, "by", None)
    by = None
    if by_names is not None:
        by = query.column(by_names)
        if by is None:
            raise DataError(msg("feature '{output}': no column '{by_names}' to group by",
                                output=spec.output, by_names=shown(by_names)))
    cols = {k: v for k, v in resolved.items() if v is not None}
    if isinstance(spec, DaysSince) and query.as_of is None:
        query.as_of = f"(SELECT MAX(CAST({q(cols[spec.column])} AS DATE)) FROM {query.last})"
    query.with_columns({spec.output: column_sql(query, spec, cols, by)})


def column_sql(query: FeatureQuery, spec: ColumnFeature, cols: Mapping[str, str], by: str | None) -> str:
    """The SQL of one column-kind spec's new column."""
    group = [q(by)] if by is not None else []
    if isinstance(spec, QuantileScore):
        value = num(cols[spec.column])
        if spec.skip_zero:
            value = f"NULLIF({value}, 0)"
        return quantile_sql(value, group, spec.bins, spec.reverse, spec.edges)
    if isinstance(spec, PercentRank):
        value = num(cols[spec.column])
        return percent_rank_sql(f"-({value})" if spec.reverse else value, group)
    if isinstance(spec, ParetoShare):
        return pareto_sql(num(cols[spec.column]), group)
    if isinstance(spec, Share):
        value = num(cols[spec.column])
        total = f"SUM(CASE WHEN {value} > 0 THEN {value} END) OVER ({partition(group)})"
        return f"{value} / (CASE WHEN {total} > 0 THEN {total} END)"
    if isinstance(spec, DaysSince):
        return f"DATE_DIFF('day', CAST({q(cols[spec.column])} AS DATE), {query.as_of})"
    if isinstance(spec, Arithmetic):
        values = [num(cols[name]) for name in spec.columns]
        return arithmetic_sql(spec, values)
    if isinstance(spec, Flags):
        hits = [f"CASE WHEN {one_of(q(cols[name]), spec.levels)} THEN {lit(reason)} END"
                for name, reason in spec.reasons if name in cols]
        if not hits:
            return "CAST(NULL AS VARCHAR)"
        return f"NULLIF(CONCAT_WS({lit(spec.separator)}, {', '.join(hits)}), '')"
    if isinstance(spec, Choose):
        return choose_sql(query, spec, cols)
    raise UnsupportedExpression(msg("feature '{output}' ({kind}) has no SQL form",
                                    output=spec.output, kind=spec.kind))


def partition(group: Sequence[str], *extra: str) -> str:
    parts = [*group, *extra]
    return f"PARTITION BY {', '.join(parts)}" if parts else ""


def quantile_sql(value: str, group: Sequence[str], bins: int, reverse: bool,
                 edges: Sequence[float] | None) -> str:
    """1..bins by mid-rank: ``floor((((first + last rank of the ties) / 2) - 0.5) / n * bins) + 1``, as pandas
    computes it (the mid-rank is a half-integer, exact in a double)."""
    if edges is not None:
        op = "<=" if reverse else ">="
        hits = " + ".join(f"CASE WHEN {value} {op} {lit(float(e))} THEN 1 ELSE 0 END" for e in sorted(edges))
        return f"CASE WHEN {value} IS NULL THEN NULL ELSE CAST(1 {('+ ' + hits) if hits else ''} AS BIGINT) END"
    window = f"{partition(group, f'{value} IS NULL')} ORDER BY {value} {'DESC' if reverse else 'ASC'}"
    rank = f"CAST(RANK() OVER ({window}) AS DOUBLE)"
    # rows up to and including the last tie: the default frame of an ordered window (one sort for both ranks)
    last = f"CAST(COUNT(*) OVER ({window}) AS DOUBLE)"
    n = f"CAST(COUNT({value}) OVER ({partition(group)}) AS DOUBLE)"
    mid = f"(({rank} + {last}) / CAST(2 AS DOUBLE))"
    pos = f"(({mid} - CAST(0.5 AS DOUBLE)) / NULLIF({n}, 0))"
    score = f"CAST(FLOOR({pos} * CAST({bins} AS DOUBLE)) AS BIGINT) + 1"
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE LEAST({score}, CAST({bins} AS BIGINT)) END"


def percent_rank_sql(value: str, group: Sequence[str]) -> str:
    """SQL's PERCENT_RANK over the non-blank values only (blanks stay blank, a lone value gets 0)."""
    rank = f"CAST(RANK() OVER ({partition(group, f'{value} IS NULL')} ORDER BY {value}) AS DOUBLE)"
    n = f"CAST(COUNT({value}) OVER ({partition(group)}) AS DOUBLE)"
    return (f"CASE WHEN {value} IS NULL THEN NULL WHEN {n} <= 1 THEN CAST(0 AS DOUBLE) "
            f"ELSE ({rank} - CAST(1 AS DOUBLE)) / ({n} - CAST(1 AS DOUBLE)) END")


def pareto_sql(value: str, group: Sequence[str]) -> str:
    """The positive total of the values strictly above, over the positive total (ties share it)."""
    positive = f"GREATEST({value}, CAST(0 AS DOUBLE))"
    total = f"SUM({positive}) OVER ({partition(group)})"
    upto = (f"SUM({positive}) OVER ({partition(group, f'{value} IS NULL')} ORDER BY {positive} DESC "
            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")
    tied = f"SUM({positive}) OVER ({partition(group, positive)})"
    return (f"CASE WHEN {value} IS NULL THEN NULL WHEN NOT ({total} > 0) THEN CAST(1 AS DOUBLE) "
            f"WHEN {value} <= 0 THEN CAST(1 AS DOUBLE) "
            f"ELSE LEAST(({upto} - {tied}) / {total}, CAST(1 AS DOUBLE)) END")


def arithmetic_sql(spec: Arithmetic, values: list[str]) -> str:
    if isinstance(spec, Ratio):
        return f"{values[0]} / NULLIF({values[1]}, 0)"
    if isinstance(spec, Difference):
        return f"{values[0]} - {values[1]}"
    if isinstance(spec, Sum | Multiply):
        op = " + " if isinstance(spec, Sum) else " * "
        return "(" + op.join(values) + ")"
    raise UnsupportedExpression(msg("feature '{output}' ({kind}) has no SQL form",
                                    output=spec.output, kind=spec.kind))


def choose_sql(query: FeatureQuery, spec: Choose, cols: Mapping[str, str]) -> str:
    value = query.params.get(spec.param)
    picked = dict(spec.options).get(int(value)) if value is not None and float(value).is_integer() else None
    if picked is None:
        choices = ", ".join(f"{k} = {v}" for k, v in spec.options)
        raise DataError(msg("parameter '{param}' is {value}; it must be one of: {choices}",
                            param=spec.param, value=value, choices=choices),
                        hint=msg("--param {param}={options}", param=spec.param, options=spec.options[0][0]))
    column = cols.get(picked)
    if column is None and spec.output in query.columns:
        column = spec.output
    if column is None:
        raise DataError(msg("{param} = {value:g} ranks by {picked} ('{picked}'), which this table does not have",
                            param=spec.param, value=value, picked=picked),
                        hint=msg("add a '{picked}' column (or the orders sheet's columns it is computed from), or "
                                 "choose another --param {param}", picked=picked, param=spec.param))
    return f"TRY_CAST({q(column)} AS DOUBLE)"
