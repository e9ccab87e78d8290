"""rule-engine's syntax tree -> sqlglot expressions, keeping rule-engine's semantics exactly.

One ``visit_<NodeClass>`` per node, as in :mod:`tierkit.compile.pandas_backend`; each node becomes a
:class:`~.values.SqlVal` (value, error mask, uncertainty mask).  rule-engine is not SQL's three-valued logic:

* ``==``/``!=`` compare types first, so ``blank == blank`` is true and ``x != 5`` on a blank is true;
* ``and``/``or``/``not``/``?:`` go by truthiness (``''`` and ``0`` are false, a blank is false) and never
  give a blank;
* ``<``/``<=``/``>``/``>=`` with exactly one blank operand raise: the row is an *error*, which spoils the
  whole condition unless ``and``/``or`` decided before reaching it (``x > 5 or y == 1`` is an error where
  SQL would say TRUE);
* numbers are Decimals in rule-engine and DOUBLE here: see :mod:`.values` for how rows whose outcome double
  rounding could change are found (and re-checked, or refused).

Constructs not handled are refused by name (:data:`NOT_SUPPORTED`), never approximated.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any, ClassVar

import rule_engine
from rule_engine import ast
from sqlglot import exp

from ...compile.pandas_backend import _NOT_SUPPORTED
from ...compile.regex import backtracking_risk, to_re2
from ...compile.vector import is_nice_decimal
from ...errors import UnsupportedExpression, msg
from . import ops
from .dialects import Dialect
from .values import EPS, TINY, Cond, SqlVal, and_, case, is_null, lit_bool, nn, not_, num, or_, select_mask, sql

#: rule-engine node classes every SQL dialect refuses, with the construct's name
NOT_SUPPORTED: dict[str, str] = dict(_NOT_SUPPORTED)

#: tierkit field type -> SQL value kind
KINDS = {"string": "str", "int": "float", "float": "float", "date": "datetime", "datetime": "datetime",
         "bool": "bool"}


class SqlCompiler:
    """Compile rule-engine statements over ``columns`` (name -> (SQL expression, tierkit type)) for ``dialect``."""

    SUPPORTED: ClassVar[tuple[str, ...]] = (
        "Statement", "LogicExpression", "ComparisonExpression", "ArithmeticComparisonExpression",
        "FuzzyComparisonExpression", "AddExpression", "SubtractExpression", "ArithmeticExpression",
        "UnaryExpression", "TernaryExpression", "CoalesceExpression", "ContainsExpression",
        "GetAttributeExpression", "SymbolExpression", "ArrayExpression", "BooleanExpression",
        "FloatExpression", "StringExpression", "DatetimeExpression", "TimedeltaExpression", "NullExpression",
    )
    NOT_SUPPORTED: ClassVar[dict[str, str]] = NOT_SUPPORTED

    def __init__(self, columns: Mapping[str, tuple[exp.Expression, str]], context: rule_engine.Context,
                 dialect: Dialect) -> None:
        self.columns = columns
        self.context = context
        self.dialect = dialect

    # -- entry points -------------------------------------------------------------------------------
    def condition(self, node: ast.ASTNodeBase) -> tuple[exp.Expression, exp.Expression, exp.Expression]:
        """(matches, errors, uncertain) of a condition as SQL booleans that are never NULL; matches is false
        wherever errors is true.  ``uncertain`` is FALSE unless the dialect re-checks rows."""
        v = self.visit(node)
        truth, unc = self.truthy(v)
        return sql(and_(truth, not_(v.err))), sql(v.err), sql(or_(v.unc, unc))

    def visit(self, node: ast.ASTNodeBase) -> SqlVal:
        name = type(node).__name__
        method = getattr(self, f"visit_{name}", None)
        if method is None:
            what = NOT_SUPPORTED.get(name, name)
            raise UnsupportedExpression(msg("{what} are not supported in tierkit rules", what=what),
                                        hint=msg("rewrite the condition with comparisons, and/or/not, in [...]"))
        result: SqlVal = method(node)
        return result

    def uncertain(self, cond: Cond, what: str) -> Cond:
        """Rows where SQL could decide differently from rule-engine: re-checked, or refused at compile time."""
        if cond is False:
            return False
        if not self.dialect.recheck:
            raise UnsupportedExpression(
                msg("{what} cannot be computed exactly as rule-engine does on {name}",
                    what=what, name=self.dialect.name),
                hint=msg("rule-engine computes in Decimal; compare columns and literals, or run --engine duckdb/numpy"))
        return cond

    def truthy(self, v: SqlVal) -> tuple[Cond, Cond]:
        """(truth, uncertain) of a value as rule-engine's ``bool()`` sees it."""
        return ops.truthy(self, v)

    # -- literals and symbols -----------------------------------------------------------------------
    def visit_Statement(self, node: ast.Statement) -> SqlVal:
        return self.visit(node.expression)

    def literal(self, value: Any) -> SqlVal:
        if value is None:
            return SqlVal("null", exp.Null())
        if isinstance(value, bool):
            return SqlVal("bool", lit_bool(value), nonnull=True)
        if isinstance(value, decimal.Decimal):
            if not value.is_finite():
                raise UnsupportedExpression(msg("infinite or NaN number literals are not supported in SQL"))
            tol = None if is_nice_decimal(value) else num(abs(float(value)) * EPS + TINY)
            return SqlVal("float", num(float(value)), tol=tol, nonnull=True)
        if isinstance(value, str):
            return SqlVal("str", exp.Literal.string(value), nonnull=True)
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return SqlVal("datetime", exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP", copy=False),
                          nonnull=True)
        if isinstance(value, dt.timedelta):
            us = (value.days * 86400 + value.seconds) * 10**6 + value.microseconds
            return SqlVal("timedelta", exp.cast(exp.Literal.number(us), "BIGINT", copy=False), nonnull=True)
        if isinstance(value, tuple | list):
            return SqlVal("array", exp.Null(), items=tuple(value), nonnull=True)
        raise UnsupportedExpression(msg("literal of type {type}", type=type(value).__name__))

    def _visit_literal(self, node: Any) -> SqlVal:
        return self.literal(node.value)

    visit_BooleanExpression = _visit_literal
    visit_FloatExpression = _visit_literal
    visit_StringExpression = _visit_literal
    visit_DatetimeExpression = _visit_literal
    visit_TimedeltaExpression = _visit_literal
    visit_NullExpression = _visit_literal

    def visit_ArrayExpression(self, node: ast.ArrayExpression) -> SqlVal:
        items = []
        for item in node.value:
            if not isinstance(item, ast.LiteralExpressionBase) or isinstance(item, ast.ArrayExpression):
                raise UnsupportedExpression(msg("arrays holding columns or expressions are not supported"),
                                            hint=msg("write 'x in [\"a\", \"b\"]' with literal values only"))
            items.append(item.value)
        return SqlVal("array", exp.Null(), items=tuple(items), nonnull=True)

    def visit_SymbolExpression(self, node: ast.SymbolExpression) -> SqlVal:
        if node.scope == "built-in":
            if node.name in ("now", "today", "e", "pi"):
                return self.literal(self.context.builtins[node.name])
            raise UnsupportedExpression(msg("built-in ${name} is not supported", name=node.name),
                                        hint=msg("use $now or $today"))
        if node.name not in self.columns:
            raise UnsupportedExpression(msg("unbound name '{name}'", name=node.name))
        column, kind = self.columns[node.name]
        # a parameter is inlined as a literal: never blank
        return SqlVal(KINDS[kind], column, nonnull=not isinstance(column, exp.Column))

    # -- logic ---------------------------------------------------------------------------------------
    def visit_LogicExpression(self, node: Any) -> SqlVal:
        op, rights = node.type, []
        while isinstance(node, ast.LogicExpression) and node.type == op:
            rights.append(node.right)
            node = node.left
        acc = self.visit(node)
        for right_node in reversed(rights):
            right = self.visit(right_node)
            (lt, lu), (rt, ru) = self.truthy(acc), self.truthy(right)
            # the right side's error counts only where the left side did not decide (A or (not A and B) is
            # A or B, so the left error need not be negated: the SQL stays linear in the chain's length)
            if op == "and":
                value = and_(lt, rt)
                err = or_(acc.err, and_(lt, right.err))
            else:
                value = or_(lt, rt)
                err = or_(acc.err, and_(not_(lt), right.err))
            acc = SqlVal("bool", sql(value), err=err, unc=or_(acc.unc, right.unc, lu, ru), nonnull=True)
        return acc

    def visit_UnaryExpression(self, node: Any) -> SqlVal:
        right = self.visit(node.right)
        if node.type == "not":
            truth, unc = self.truthy(right)
            return SqlVal("bool", sql(not_(truth)), err=right.err, unc=or_(right.unc, unc), nonnull=True)
        err = or_(right.err, is_null(right))
        if right.kind in ("float", "timedelta"):
            return SqlVal(right.kind, exp.Neg(this=exp.paren(right.value, copy=False)), err=err,
                          unc=right.unc, tol=right.tol)
        return SqlVal("null", exp.Null(), err=True, unc=right.unc)

    def visit_TernaryExpression(self, node: Any) -> SqlVal:
        cond = self.visit(node.condition)
        a, b = self.visit(node.case_true), self.visit(node.case_false)
        c, unc = self.truthy(cond)
        return self._select(c, a, b, or_(cond.err, select_mask(c, a.err, b.err)), or_(cond.unc, unc, a.unc, b.unc))

    def visit_CoalesceExpression(self, node: Any) -> SqlVal:
        a, b = self.visit(node.left), self.visit(node.right)
        blank = is_null(a)
        return self._select(not_(blank), a, b, or_(a.err, and_(blank, b.err)), or_(a.unc, b.unc))

    def _select(self, c: Cond, a: SqlVal, b: SqlVal, err: Cond, unc: Cond) -> SqlVal:
        kind = a.kind if a.kind != "null" else b.kind
        if a.kind != b.kind and "null" not in (a.kind, b.kind):
            raise UnsupportedExpression(msg("ternary/coalesce branches of different types ({kind}, {kind2})",
                                            kind=a.kind, kind2=b.kind))
        if kind == "array":
            raise UnsupportedExpression(msg("ternary/coalesce over arrays is not supported"))
        tol = None
        if a.tol is not None or b.tol is not None:
            ta = ops.float_tol(a) if a.kind == "float" else num(0.0)
            tb = ops.float_tol(b) if b.kind == "float" else num(0.0)
            tol = case(sql(c), ta, tb) if not isinstance(c, bool) else (ta if c else tb)
        value = case(c, a.value, b.value)
        return SqlVal(kind, value, err=err, unc=unc, tol=tol, nonnull=a.nonnull and b.nonnull)

    # -- comparisons ---------------------------------------------------------------------------------
    def visit_ComparisonExpression(self, node: Any) -> SqlVal:
        left, right = self.visit(node.left), self.visit(node.right)
        value, err, unc = ops.compare_eq(self, left, right)
        if node.type == "ne":
            value = not_(value)
        return SqlVal("bool", sql(value), err=err, unc=or_(left.unc, right.unc, unc), nonnull=True)

    def visit_ArithmeticComparisonExpression(self, node: Any) -> SqlVal:
        left, right = self.visit(node.left), self.visit(node.right)
        value, err, unc = ops.compare_order(self, node.type, left, right)
        return SqlVal("bool", sql(value), err=err, unc=or_(left.unc, right.unc, unc), nonnull=True)

    def visit_FuzzyComparisonExpression(self, node: Any) -> SqlVal:
        left = self.visit(node.left)
        if isinstance(node.right, ast.StringExpression):
            pattern: str | None = node.right.value
        elif isinstance(node.right, ast.NullExpression):
            pattern = None
        else:
            raise UnsupportedExpression(msg("regular expressions must be quoted literals"),
                                        hint=msg("write x =~ \"^A\" with the pattern in quotes"))
        negate = node.type.startswith("ne")
        blank = is_null(left)
        err = left.err if left.kind in ("str", "null") else or_(left.err, not_(blank))
        hit: Cond
        if pattern is None:
            hit = blank
        elif left.kind != "str":
            hit = False
        else:
            self.dialect.refuse("regular expressions")
            search = self.dialect.regex_search
            if search is None:  # pragma: no cover - every dialect without one refuses above
                raise UnsupportedExpression(msg("regular expressions are not supported on {name}",
                                                name=self.dialect.name))
            flags = self.context.regex_flags
            if self.dialect.name == "spark":
                risk = backtracking_risk(pattern, flags)
                if risk:
                    raise UnsupportedExpression(msg("the regular expression '{pattern}' is not supported on spark: "
                                                    "{risk} can make Java's backtracking matcher stall",
                                                    pattern=pattern, risk=risk))
            re2 = to_re2(pattern, flags, anchored=node.type.endswith("fzm"))
            hit = nn(search(left.value, re2))
        return SqlVal("bool", sql(not_(hit) if negate else hit), err=err, unc=left.unc, nonnull=True)

    def visit_ContainsExpression(self, node: Any) -> SqlVal:
        container, member = self.visit(node.container), self.visit(node.member)
        value, err, unc = ops.contains(self, container, member)
        return SqlVal("bool", sql(value), err=err, unc=or_(container.unc, member.unc, unc), nonnull=True)

    # -- arithmetic ----------------------------------------------------------------------------------
    def visit_AddExpression(self, node: Any) -> SqlVal:
        return ops.arithmetic(self, "add", self.visit(node.left), self.visit(node.right))

    def visit_SubtractExpression(self, node: Any) -> SqlVal:
        return ops.arithmetic(self, "sub", self.visit(node.left), self.visit(node.right))

    def visit_ArithmeticExpression(self, node: Any) -> SqlVal:
        return ops.arithmetic(self, node.type, self.visit(node.left), self.visit(node.right))

    def visit_GetAttributeExpression(self, node: Any) -> SqlVal:
        if node.safe:
            raise UnsupportedExpression(msg("safe navigation (&.) is not supported"),
                                        hint=msg("use ?? to handle blanks"))
        return ops.attribute(self, self.visit(node.object), node.name)


__all__ = ["KINDS", "NOT_SUPPORTED", "SqlCompiler"]
