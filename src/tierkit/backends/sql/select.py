"""``compile_select``: one SELECT that adds the tier id, its label, and every segment's match and error flags.

The hit policy becomes SQL: ``first`` and ``priority`` a CASE in the policy's order, ``unique`` the same CASE
plus ``tk_overlap`` (rows several segments match, which tierkit reports as an error), ``collect`` the ids of
every matching segment joined with ``", "``.  The input columns stay in the result (``SELECT *``), so the
operand values behind each reason come back with the tier; Python formats the reasons from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import sqlglot
from sqlglot import exp

from ...compile.context import as_of_datetime, iter_symbols, parse_rule
from ...errors import RuleFileError, TierkitError, Where, msg
from ...ruleset.model import RuleSet
from .compiler import SqlCompiler
from .dialects import get_dialect
from .values import num

#: ``features_sql(ruleset, table, dialect)`` -> a SELECT (in that dialect) of the table plus the feature columns
FeaturesSql = Callable[[RuleSet, str, str], str]

TIER = "tier_id"
LABEL = "tier_label"
OVERLAP = "tk_overlap"


def match_column(seg_id: str) -> str:
    return f"tk_match_{seg_id}"


def error_column(seg_id: str) -> str:
    return f"tk_error_{seg_id}"


def rule_types(rs: RuleSet, now: dt.datetime, types: Mapping[str, str] | None = None) -> dict[str, str]:
    """The type of every name the conditions use: ``types``, else the declared field, else float for params
    and feature outputs; an undeclared column is a RuleFileError (SQL has no data to infer it from)."""
    from ...features import feature_outputs

    features = set(feature_outputs(list(rs.features)))
    out: dict[str, str] = {}
    for seg in rs.conditional_segments:
        assert seg.when is not None
        for sym in iter_symbols(parse_rule(seg.when, {}, now).statement):
            if sym in rs.params:
                out[sym] = "float"
            elif types and sym in types:
                out[sym] = types[sym]
            elif sym in rs.fields:
                out[sym] = rs.fields[sym].type
            elif sym in features:
                out[sym] = "float"
            else:
                raise RuleFileError(msg("column '{sym}' has no declared type: SQL needs one", sym=sym),
                                    where=Where(file=rs.display_path, line=seg.when_line or seg.line, segment=seg.id),
                                    hint=msg("declare it under fields: {{{sym}: {{type: float}}}}", sym=sym))
    return out


def compile_select(ruleset: RuleSet, table: str, dialect: str, *, features_sql: FeaturesSql | None = None,
                   types: Mapping[str, str] | None = None, as_of: dt.date | dt.datetime | None = None,
                   pretty: bool = True, headers: Mapping[str, str | None] | None = None) -> str:
    """One SELECT over ``table`` in ``dialect`` adding :data:`TIER`, :data:`LABEL` (English) and, per
    conditional segment, its match and error flags (``tk_match_<id>``, ``tk_error_<id>``).

    ``features_sql`` supplies the feature columns (quantile scores, Pareto share, ...) as a SELECT over
    ``table``; without it the table must hold them already.  Parameters are inlined as literals.
    ``types`` overrides the declared field types (a bound table's, :attr:`tierkit.Binding.types`);
    ``as_of`` fixes ``$today``/``$now`` (default: now).  Constructs the dialect cannot express exactly
    raise :class:`~tierkit.errors.UnsupportedExpression` naming the construct.  ``headers`` maps a name the
    conditions use to the column that holds it (a field found under an alias: ``revenue`` -> ``销售额``), or to
    None: the table lacks it and every row reads as blank (an optional field)."""
    spec = get_dialect(dialect)
    now = as_of_datetime(as_of)
    kinds = rule_types(ruleset, now, types)
    columns = {name: ((num(ruleset.params[name]) if name in ruleset.params and name not in (types or {})
                       else _column(name, headers or {})), kind) for name, kind in kinds.items()}
    flags: list[exp.Expression] = []
    for seg in ruleset.conditional_segments:
        assert seg.when is not None
        rule = parse_rule(seg.when, kinds, now)
        try:
            m, e, _ = SqlCompiler(columns, rule.context, spec).condition(rule.statement)
        except TierkitError as err:
            where = Where(file=ruleset.display_path, line=seg.when_line or seg.line, segment=seg.id)
            raise type(err)(msg("{message} (segment '{seg_id}')", message=err.message, seg_id=seg.id), where=where,
                            hint=err.hint) from None
        flags += [exp.alias_(m, match_column(seg.id), quoted=True, copy=False),
                  exp.alias_(e, error_column(seg.id), quoted=True, copy=False)]
    if features_sql is not None:
        source: exp.Expression = sqlglot.parse_one(features_sql(ruleset, table, dialect), read=spec.sqlglot).subquery(
            "tk_input")
    else:
        source = exp.to_table(table, dialect=spec.sqlglot)
    source = _with_blanks(source, kinds, headers or {})
    inner = exp.select(exp.Star(), *flags).from_(source).subquery("tk_flags")
    outer = exp.select(exp.Star(), *_tier_columns(ruleset)).from_(inner)
    return outer.sql(dialect=spec.sqlglot, pretty=pretty)


#: the SQL type of a blank column of each field type
_BLANK_TYPES = {"float": "DOUBLE", "int": "BIGINT", "string": "VARCHAR", "bool": "BOOLEAN", "date": "DATE",
                "datetime": "TIMESTAMP"}


def _column(name: str, headers: Mapping[str, str | None]) -> exp.Expression:
    return exp.column(headers.get(name) or name, quoted=True, copy=False)


def _with_blanks(source: exp.Expression, kinds: Mapping[str, str], headers: Mapping[str, str | None]) -> exp.Expression:
    """``source`` plus a blank column for each name ``headers`` maps to None (an optional field the table lacks)."""
    blank = [exp.alias_(exp.cast(exp.Null(), _BLANK_TYPES.get(kind, "VARCHAR"), copy=False), name, quoted=True,
                        copy=False) for name, kind in kinds.items() if name in headers and headers[name] is None]
    if not blank:
        return source
    return exp.select(exp.Star(), *blank).from_(source).subquery("tk_blanks")


def _matched(seg_id: str) -> exp.Expression:
    return exp.column(match_column(seg_id), quoted=True, copy=False)


def _tier_columns(rs: RuleSet) -> list[exp.Expression]:
    policy = rs.policy
    segs = rs.segments
    order = [segs[k] for k in policy.order(segs)]
    default = next((s for s in segs if s.default), None)

    def lit(text: str | None) -> exp.Expression:
        return exp.Literal.string(text) if text is not None else exp.Null()

    def pick(value: Callable[[object], str | None]) -> exp.Expression:
        fallback = lit(value(default)) if default is not None else exp.Null()
        if not order:
            return fallback
        return exp.Case(ifs=[exp.If(this=_matched(s.id), true=lit(value(s))) for s in order], default=fallback)

    label = pick(lambda s: s.label.get("en"))  # type: ignore[attr-defined]
    if policy.name == "collect":
        def joined(value: Callable[[object], str | None]) -> exp.Expression:
            fallback = lit(value(default)) if default is not None else exp.Null()
            if not order:
                return fallback
            # ", a, b" from never-NULL pieces, then without its first ", " (CONCAT_WS differs between dialects)
            text: exp.Expression = exp.Literal.string("")
            for s in order:
                piece = exp.Case(ifs=[exp.If(this=_matched(s.id), true=lit(f", {value(s)}"))],
                                 default=exp.Literal.string(""))
                text = exp.DPipe(this=text, expression=piece, safe=True)
            listed = exp.Substring(this=text, start=exp.Literal.number(3))
            return exp.Coalesce(this=exp.Nullif(this=listed, expression=exp.Literal.string("")),
                                expressions=[fallback])

        return [exp.alias_(joined(lambda s: s.id), TIER, quoted=True, copy=False),  # type: ignore[attr-defined]
                exp.alias_(joined(lambda s: s.label.get("en")), LABEL, quoted=True,  # type: ignore[attr-defined]
                           copy=False)]
    out = [exp.alias_(pick(lambda s: s.id), TIER, quoted=True, copy=False),  # type: ignore[attr-defined]
           exp.alias_(label, LABEL, quoted=True, copy=False)]
    if policy.overlap_is_error and order:
        count = _sum([exp.Case(ifs=[exp.If(this=_matched(s.id), true=exp.Literal.number(1))],
                               default=exp.Literal.number(0)) for s in order])
        out.append(exp.alias_(exp.GT(this=count, expression=exp.Literal.number(1)), OVERLAP, quoted=True, copy=False))
    return out


def _sum(terms: list[exp.Expression]) -> exp.Expression:
    out = terms[0]
    for t in terms[1:]:
        out = exp.Add(this=out, expression=t)
    return exp.paren(out, copy=False)
