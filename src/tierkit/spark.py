"""Rule files on Spark: :func:`classify` runs a rule set on a Spark DataFrame as one generated Spark SQL query.

No Python runs per row: the features (quantile scores, Pareto share, the aggregation from an orders table) are
window functions and group-bys (:mod:`tierkit.backends.sqlfeatures`), the conditions are CASE expressions
with rule-engine's blank and error semantics (:func:`tierkit.backends.compile_select`), so Spark's optimiser
sees the whole plan.  PySpark is the ``spark`` extra (``pip install 'tierkit[spark]'``).

What Spark cannot do exactly is refused by name before the query runs: regular expressions with nested
quantifiers (``(a+)+``: Java's regex engine backtracks exponentially on them, as Python's does, where RE2 in
DuckDB does not), and any feature kind :data:`tierkit.backends.sqlfeatures.REFUSED` lists (none today).
Division by zero never reaches Spark (every ``/`` is guarded), so ANSI mode (Spark 4's default) gives the same
tiers as DuckDB and numpy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]  # sre_parse without its deprecation
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

from tierkit.errors import UnsupportedExpression, Where, msg
from tierkit.ruleset.model import RuleSet

if TYPE_CHECKING:
    from tierkit.segment import Classification

__all__ = ["classify", "collect", "nested_quantifier", "spark_sql"]

_REGEX_OPS = {"eq_fzm", "eq_fzs", "ne_fzm", "ne_fzs"}
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))
_views = itertools.count()


def nested_quantifier(pattern: str) -> bool:
    """True when ``pattern`` repeats a group that itself holds an unbounded repeat (``(a+)+``, ``(a*b?)*``,
    ``(x|y+)*``): Java's and Python's backtracking engines can take exponential time on such a pattern."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return False  # rule-engine reports a bad pattern itself
    return _nested(parsed, inside=False)


def _nested(items: Any, inside: bool) -> bool:
    for op, arg in items:
        if op in _REPEATS and op is not None:
            _, high, body = arg
            unbounded = high == sre_constants.MAXREPEAT or high > 1
            if inside and unbounded:
                return True
            if _nested(body, inside or unbounded):
                return True
        elif op is sre_constants.SUBPATTERN:
            if _nested(arg[-1], inside):
                return True
        elif op is sre_constants.BRANCH:
            if any(_nested(branch, inside) for branch in arg[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _nested(arg[1], inside):
                return True
    return False


def _patterns(node: Any) -> Iterator[str]:
    import rule_engine.ast as ast

    from tierkit.compile.context import children

    if isinstance(node, ast.FuzzyComparisonExpression) and node.type in _REGEX_OPS:
        if isinstance(node.right, ast.StringExpression):
            yield str(node.right.value)
    for child in children(node):
        yield from _patterns(child)


def check_regexes(rs: RuleSet, now: dt.datetime) -> None:
    """Refuse (UnsupportedExpression, naming the segment) a regular expression Java would backtrack on."""
    from tierkit.compile.context import parse_rule

    for seg in rs.conditional_segments:
        assert seg.when is not None
        rule = parse_rule(seg.when, {}, now)
        for pattern in _patterns(rule.statement):
            if nested_quantifier(pattern):
                raise UnsupportedExpression(
                    msg("regular expression {pattern!r} has a nested quantifier, which Spark's Java regex engine "
                        "runs in exponential time", pattern=pattern),
                    where=Where(file=rs.display_path, line=seg.when_line or seg.line, segment=seg.id),
                    hint=msg("write it without repeating a repeated group (e.g. (ab)+ rather than (a+b?)+), "
                             "or run it on DuckDB (RE2)"))


def _ruleset(rules: RuleSet | str | Path, params: Mapping[str, float] | None) -> RuleSet:
    import tierkit

    rs = rules if isinstance(rules, RuleSet) else tierkit.load_ruleset(rules)
    return rs.with_params(dict(params)) if params else rs


def spark_sql(rules: RuleSet | str | Path, view: str, columns: list[str], *, orders_view: str | None = None,
              orders_columns: list[str] | None = None, as_of: dt.date | None = None,
              params: Mapping[str, float] | None = None) -> str:
    """The Spark SQL query :func:`classify` runs over the temporary view ``view`` (its ``columns``), for
    ``spark-sql``/``spark.sql`` on a cluster.  A field the table holds under an alias (``销售额`` for
    ``revenue``) is read from that column."""
    from tierkit.backends import compile_select
    from tierkit.backends.sqlfeatures import features_sql_text, output_columns
    from tierkit.backends.sqlfeatures_query import field_headers
    from tierkit.compile.context import as_of_datetime

    rs = _ruleset(rules, params)
    check_regexes(rs, as_of_datetime(as_of))
    make = features_sql_text(columns=columns, orders_table=orders_view, orders_columns=orders_columns, as_of=as_of)
    return compile_select(rs, view, "spark", features_sql=make if rs.features else None, as_of=as_of,
                          headers=field_headers(rs, output_columns(rs, columns, orders_table=orders_view,
                                                                   orders_columns=orders_columns)))


def _with_fields(df: Any, rs: RuleSet) -> Any:
    """``df`` plus a copy of each declared field found under an alias header (``Revenue`` -> ``revenue``)."""
    from tierkit.names import find_header, with_aliases

    columns = list(df.columns)
    for name in rs.fields:
        if name in columns:
            continue
        header = find_header(columns, with_aliases(name, rs.fields))
        if header is not None:
            df = df.withColumn(name, df[f"`{header}`"])
    return df


def classify(rules: RuleSet | str | Path, spark_df: Any, *, orders: Any = None, as_of: dt.date | None = None,
             params: Mapping[str, float] | None = None) -> Any:
    """``spark_df`` with the tier columns added (``tier_id``, ``tier_label``, and each segment's
    ``tk_match_<id>`` / ``tk_error_<id>``), computed by Spark SQL; lazy like any DataFrame.

    ``rules``: a RuleSet, a built-in name (``"rfm"``) or a rule file path.  ``orders``: the orders DataFrame
    ``from_orders`` / ``order_stats`` read when ``spark_df`` is a customer table (the table may also be the
    orders table itself: then one row per customer comes back).  ``as_of`` fixes the day (default: the latest
    order date for the features, today for ``$today``).  Unsupported constructs raise
    :class:`~tierkit.errors.UnsupportedExpression` naming them before Spark runs anything.
    """
    rs = _ruleset(rules, params)
    df = _with_fields(spark_df, rs)
    session = df.sparkSession
    view = f"tierkit_input_{next(_views)}"
    df.createOrReplaceTempView(view)
    orders_view = orders_columns = None
    if orders is not None:
        orders_view = f"tierkit_orders_{next(_views)}"
        orders.createOrReplaceTempView(orders_view)
        orders_columns = list(orders.columns)
    sql = spark_sql(rs, view, list(df.columns), orders_view=orders_view, orders_columns=orders_columns,
                    as_of=as_of)
    return session.sql(sql)


def collect(rules: RuleSet | str | Path, result: Any, *, as_of: dt.date | None = None,
            params: Mapping[str, float] | None = None) -> Classification:
    """The :class:`tierkit.Classification` of a :func:`classify` result (a Spark DataFrame, collected here, or
    its ``toPandas()``): the tiers and flags Spark computed, with reasons, labels in every language, summaries
    and ``explain`` formatted in Python from the returned columns (the segment's flags and the operand values
    per row), as on every other backend.  ``rules``, ``as_of`` and ``params`` must be those given to
    :func:`classify`."""
    from dataclasses import replace

    import numpy as np

    from tierkit.backends.sql.select import error_column, match_column
    from tierkit.bind import bind
    from tierkit.errors import TierkitError, msg
    from tierkit.segment import Classification

    rs = _ruleset(rules, params)
    frame = result.toPandas() if hasattr(result, "toPandas") else result
    missing = [match_column(s.id) for s in rs.conditional_segments if match_column(s.id) not in frame.columns]
    if missing:
        raise TierkitError(msg("not a result of tierkit.spark.classify for rule set '{name}': no column {column}",
                               name=rs.name, column=missing[0]))
    flags = {c for s in rs.conditional_segments for c in (match_column(s.id), error_column(s.id))}
    plain = frame[[c for c in frame.columns if c not in flags]]
    binding = replace(bind(replace(rs, features=()), plain, as_of=as_of), ruleset=rs)

    def mask(column: str) -> np.ndarray:
        return frame[column].fillna(False).to_numpy(dtype=bool)

    matches = {s.id: mask(match_column(s.id)) for s in rs.conditional_segments}
    errors = {s.id: mask(error_column(s.id)) for s in rs.conditional_segments}
    hits = rs.policy.resolve(rs.segments, matches, binding.n, errors=errors, where=Where(file=rs.display_path))
    return Classification(binding=binding, tier_index=hits.tier, matches=matches, errors=errors,
                          collected=hits.collected)
