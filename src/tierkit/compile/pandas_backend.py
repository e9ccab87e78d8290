"""Vectorised evaluation of a parsed rule-engine statement over numpy column vectors.

One ``visit_<NodeClass>`` per rule-engine AST node.  Nodes not listed in :data:`SUPPORTED` raise
:class:`~tierkit.errors.UnsupportedExpression` naming the construct; there is no silent row-by-row
fallback.  Semantics follow rule-engine 5.x exactly (the oracle in :mod:`tierkit.oracle` checks it):

* ``==``/``!=`` are False/True when the two values' types differ, so ``blank == blank`` is True.
* Ordered comparisons with one blank operand raise in rule-engine: here the row gets an *error* flag,
  which makes the whole condition not match (``blank >= blank`` is True, as in rule-engine).
* ``and``/``or`` short-circuit on truthiness and always give a boolean; an error on the right side only
  counts when the left side did not decide.
* ``=~`` is :func:`re.match` (anchored at the start), ``=~~`` is :func:`re.search`; a blank never matches.
  Both run on RE2 in linear time (:mod:`tierkit.compile.regex`), with Python's meaning of ``\\d \\w \\s``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import rule_engine
from rule_engine import ast

from ..errors import UnsupportedExpression, msg
from .attrs import attribute
from .ops import arithmetic, compare_eq, compare_order, contains, literal, truthy
from .regex import match_many
from .vector import StrData, Vec, as_array, float_tol, m_and, m_not, m_or, str_objects, to_strdata

_NOT_SUPPORTED: dict[str, str] = {
    "BitwiseExpression": msg("bitwise operators (&, |, ^)"),
    "BitwiseShiftExpression": msg("bit shifts (<<, >>)"),
    "BytesExpression": msg("bytes literals"),
    "ComprehensionExpression": msg("comprehensions ([x for x in ...])"),
    "FunctionCallExpression": msg("function calls"),
    "FunctionExpression": msg("functions as values"),
    "GetItemExpression": msg("item access (x[0])"),
    "GetSliceExpression": msg("slices (x[1:2])"),
    "MappingExpression": msg("mapping literals ({...})"),
    "SetExpression": msg("set literals"),
}


class PandasCompiler:
    """Evaluate rule-engine expressions column-wise over ``columns`` (symbol name -> Vec) of ``n`` rows."""

    SUPPORTED: ClassVar[tuple[str, ...]] = (
        "Statement", "LogicExpression", "ComparisonExpression", "ArithmeticComparisonExpression",
        "FuzzyComparisonExpression", "AddExpression", "SubtractExpression", "ArithmeticExpression",
        "UnaryExpression", "TernaryExpression", "CoalesceExpression", "ContainsExpression",
        "GetAttributeExpression", "SymbolExpression", "ArrayExpression", "BooleanExpression",
        "FloatExpression", "StringExpression", "DatetimeExpression", "TimedeltaExpression", "NullExpression",
    )
    NOT_SUPPORTED: ClassVar[dict[str, str]] = _NOT_SUPPORTED

    def __init__(self, columns: Mapping[str, Vec], n: int, context: rule_engine.Context) -> None:
        self.columns = columns
        self.n = n
        self.context = context

    # -- entry points -------------------------------------------------------------------------------
    def truth(self, node: ast.ASTNodeBase) -> tuple[np.ndarray, np.ndarray]:
        """(matches, errors) of a condition: matches is False wherever errors is True."""
        vec = self.visit(node)
        truth = as_array(self.truthy(vec), self.n)
        err = as_array(vec.err, self.n)
        return truth & ~err, err

    def visit(self, node: ast.ASTNodeBase) -> Vec:
        name = type(node).__name__
        method = getattr(self, f"visit_{name}", None)
        if method is None:
            what = _NOT_SUPPORTED.get(name, name)
            raise UnsupportedExpression(msg("{what} are not supported in tierkit rules", what=what),
                                        hint=msg("rewrite the condition with comparisons, and/or/not, in [...]"))
        return method(node)

    # -- helpers --------------------------------------------------------------------------------------
    def truthy(self, vec: Vec) -> Any:
        return truthy(vec, self.n)

    def literal(self, value: Any) -> Vec:
        return literal(value)

    # -- literals and symbols -----------------------------------------------------------------------
    def visit_Statement(self, node: ast.Statement) -> Vec:
        return self.visit(node.expression)

    def _visit_literal(self, node: Any) -> Vec:
        return self.literal(node.value)

    visit_BooleanExpression = _visit_literal
    visit_FloatExpression = _visit_literal
    visit_StringExpression = _visit_literal
    visit_DatetimeExpression = _visit_literal
    visit_TimedeltaExpression = _visit_literal
    visit_NullExpression = _visit_literal

    def visit_ArrayExpression(self, node: ast.ArrayExpression) -> Vec:
        items = []
        for item in node.value:
            if not isinstance(item, ast.LiteralExpressionBase) or isinstance(item, ast.ArrayExpression):
                raise UnsupportedExpression(msg("arrays holding columns or expressions are not supported"),
                                            hint=msg("write 'x in [\"a\", \"b\"]' with literal values only"))
            items.append(item.value)
        return Vec("array", tuple(items))

    def visit_SymbolExpression(self, node: ast.SymbolExpression) -> Vec:
        if node.scope == "built-in":
            if node.name in ("now", "today", "e", "pi"):
                return self.literal(self.context.builtins[node.name])
            raise UnsupportedExpression(msg("built-in ${name} is not supported", name=node.name),
                                        hint=msg("use $now or $today"))
        if node.name not in self.columns:
            raise UnsupportedExpression(msg("unbound name '{name}'", name=node.name))
        return self.columns[node.name]

    # -- logic ---------------------------------------------------------------------------------------
    def visit_LogicExpression(self, node: Any) -> Vec:
        # a chain ``a or b or c ...`` parses left-leaning; fold it in a loop, not by recursion
        op, rights = node.type, []
        while isinstance(node, ast.LogicExpression) and node.type == op:
            rights.append(node.right)
            node = node.left
        acc = self.visit(node)
        for right_node in reversed(rights):
            acc = self._logic(op, acc, self.visit(right_node))
        return acc

    def _logic(self, op: str, left: Vec, right: Vec) -> Vec:
        lt = self.truthy(left)
        rt = self.truthy(right)
        if op == "and":
            value = m_and(lt, rt)
            err = m_or(left.err, m_and(m_and(m_not(left.err), lt), right.err))
        else:
            value = m_or(lt, rt)
            err = m_or(left.err, m_and(m_and(m_not(left.err), m_not(lt)), right.err))
        return Vec("bool", value, err=err)

    def visit_UnaryExpression(self, node: Any) -> Vec:
        right = self.visit(node.right)
        if node.type == "not":
            return Vec("bool", m_not(self.truthy(right)), err=right.err)
        # uminus
        if right.kind == "float":
            exact = None
            if right.exact is not None:
                exact = lambda idx, r=right: [-x if x is not None else None for x in r.py(idx)]  # noqa: E731
            return Vec("float", -right.value, null=right.null, err=m_or(right.err, right.null),
                       tol=right.tol, exact=exact)
        if right.kind == "timedelta":
            return Vec("timedelta", -right.value, null=right.null, err=m_or(right.err, right.null))
        return Vec("null", None, null=True, err=True)

    def visit_TernaryExpression(self, node: Any) -> Vec:
        cond = self.visit(node.condition)
        a = self.visit(node.case_true)
        b = self.visit(node.case_false)
        c = self.truthy(cond)
        return self._select(c, a, b, cond.err)

    def visit_CoalesceExpression(self, node: Any) -> Vec:
        a = self.visit(node.left)
        b = self.visit(node.right)
        return self._select(m_not(a.null), a, b, m_and(a.err, True), err_from_cond_only=False)

    def _select(self, c: Any, a: Vec, b: Vec, cond_err: Any, *, err_from_cond_only: bool = True) -> Vec:
        """Row-wise ``a if c else b``."""
        if a.kind == "null" and b.kind != "null":
            a = Vec(b.kind, _null_like(b), null=True, err=a.err)
        if b.kind == "null" and a.kind != "null":
            b = Vec(a.kind, _null_like(a), null=True, err=b.err)
        if a.kind != b.kind:
            raise UnsupportedExpression(msg("ternary/coalesce branches of different types ({kind}, {kind2})",
                                            kind=a.kind, kind2=b.kind))
        n = self.n
        cm = as_array(c, n)
        null = np.where(cm, as_array(a.null, n), as_array(b.null, n))
        branch_err = np.where(cm, as_array(a.err, n), as_array(b.err, n))
        err = m_or(cond_err, branch_err) if err_from_cond_only else np.where(
            as_array(cond_err, n), True, branch_err)
        if a.kind == "str":
            av = str_objects(a, n)
            bv = str_objects(b, n)
            value: Any = to_strdata(np.where(cm, av, bv))
            return Vec("str", value, null=null, err=err)
        av = np.broadcast_to(np.asarray(a.value), (n,))
        bv = np.broadcast_to(np.asarray(b.value), (n,))
        value = np.where(cm, av, bv)
        tol = exact = None
        if a.kind == "float" and (a.tol is not None or b.tol is not None):
            tol = np.where(cm, np.broadcast_to(float_tol(a), (n,)), np.broadcast_to(float_tol(b), (n,)))

            def exact(idx: np.ndarray, a: Vec = a, b: Vec = b, cm: np.ndarray = cm) -> list[Any]:
                pa, pb = a.py(idx), b.py(idx)
                return [x if t else y for x, y, t in zip(pa, pb, cm[idx], strict=True)]
        return Vec(a.kind, value, null=null, err=err, tol=tol, exact=exact)

    # -- comparisons ---------------------------------------------------------------------------------
    def visit_ComparisonExpression(self, node: Any) -> Vec:
        left, right = self.visit(node.left), self.visit(node.right)
        eq, err = compare_eq(left, right, self.n)
        if node.type == "ne":
            eq = m_not(eq)
        return Vec("bool", eq, err=err)

    def visit_ArithmeticComparisonExpression(self, node: Any) -> Vec:
        left, right = self.visit(node.left), self.visit(node.right)
        value, err = compare_order(node.type, left, right, self.n)
        return Vec("bool", value, err=err)

    def visit_FuzzyComparisonExpression(self, node: Any) -> Vec:
        left = self.visit(node.left)
        if isinstance(node.right, ast.StringExpression):
            pattern: str | None = node.right.value
        elif isinstance(node.right, ast.NullExpression):
            pattern = None
        else:
            raise UnsupportedExpression(msg("regular expressions must be quoted literals"),
                                        hint=msg("write x =~ \"^A\" with the pattern in quotes"))
        negate = node.type.startswith("ne")
        null = left.null
        # rule-engine raises for a left operand that is neither text nor blank
        err = left.err if left.kind in ("str", "null") else m_or(left.err, m_not(null))
        if pattern is None:
            hit: Any = null  # `x =~ null` holds only when x is blank too
        elif left.kind != "str":
            hit = False
        else:
            anchored = node.type.endswith("fzm")
            flags = self.context.regex_flags
            raw: Any
            if isinstance(left.value, StrData):
                per_cat = match_many(pattern, flags, left.value.cats, anchored=anchored)
                raw = np.append(per_cat, False)[left.value.codes]
            else:
                raw = bool(match_many(pattern, flags, [left.value], anchored=anchored)[0])
            hit = m_and(raw, m_not(null))
        return Vec("bool", m_not(hit) if negate else hit, err=err)

    def visit_ContainsExpression(self, node: Any) -> Vec:
        container, member = self.visit(node.container), self.visit(node.member)
        value, err = contains(container, member, self.n)
        return Vec("bool", value, err=err)

    # -- arithmetic ----------------------------------------------------------------------------------
    def visit_AddExpression(self, node: Any) -> Vec:
        return arithmetic("add", self.visit(node.left), self.visit(node.right), self.n)

    def visit_SubtractExpression(self, node: Any) -> Vec:
        return arithmetic("sub", self.visit(node.left), self.visit(node.right), self.n)

    def visit_ArithmeticExpression(self, node: Any) -> Vec:
        return arithmetic(node.type, self.visit(node.left), self.visit(node.right), self.n)

    def visit_GetAttributeExpression(self, node: Any) -> Vec:
        if node.safe:
            raise UnsupportedExpression(msg("safe navigation (&.) is not supported"),
                                        hint=msg("use ?? to handle blanks"))
        return attribute(self.visit(node.object), node.name, self.n)


def _null_like(vec: Vec) -> Any:
    return {"float": 0.0, "str": "", "bool": False, "datetime": np.int64(0), "timedelta": np.int64(0)}.get(
        vec.kind, None)


__all__ = ["PandasCompiler"]
