"""A parsed rule-engine expression as source text that parses back to the same tree.

Parentheses are written exactly where the tree needs them: around a child that binds looser than its
parent, around a right child of a left-associative operator (``a - (b - c)``) and the left child of a
right-associative one (``(a ?? b) ?? c``), around either side of a non-associative comparison, and around
anything but a plain object before ``.attr`` (``($today - last_order).days``).  The levels are
rule-engine's own (``rule_engine.parser.Parser.precedence``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from rule_engine import ast

SYMBOLS = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq_fzm": "=~",
           "eq_fzs": "=~~", "ne_fzm": "!~", "ne_fzs": "!~~", "add": "+", "sub": "-", "mul": "*",
           "tdiv": "/", "fdiv": "//", "mod": "%", "pow": "**", "and": "and", "or": "or",
           "bwand": "&", "bwor": "|", "bwxor": "^", "bwlsh": "<<", "bwrsh": ">>"}

ATOM, POSTFIX, POW, UMINUS, MUL, ADD, SHIFT, BWAND, BWXOR, BWOR, ORDER, EQUALITY, COALESCE, NOT, AND, OR, \
    TERNARY = 100, 90, 80, 70, 60, 50, 45, 44, 43, 42, 40, 35, 30, 25, 20, 10, 5
_BINARY = {"pow": POW, "mul": MUL, "tdiv": MUL, "fdiv": MUL, "mod": MUL, "add": ADD, "sub": ADD, "bwlsh": SHIFT,
           "bwrsh": SHIFT, "bwand": BWAND, "bwxor": BWXOR, "bwor": BWOR, "and": AND, "or": OR}
#: nodes the grammar reads as an "object": they may stand before ``.attr`` and ``[item]`` as they are
_OBJECTS = (ast.SymbolExpression, ast.StringExpression, ast.DatetimeExpression, ast.TimedeltaExpression,
            ast.NullExpression, ast.ArrayExpression, ast.SetExpression, ast.MappingExpression, ast.BytesExpression,
            ast.GetAttributeExpression, ast.GetItemExpression, ast.GetSliceExpression)


def level(node: Any) -> int:
    """How tightly ``node`` binds (higher: tighter), as rule-engine's grammar has it."""
    if isinstance(node, ast.Statement):
        return level(node.expression)
    if isinstance(node, ast.GetAttributeExpression | ast.GetItemExpression | ast.GetSliceExpression):
        return POSTFIX
    if isinstance(node, ast.FloatExpression):
        return UMINUS if _negative(node.value) else ATOM
    if isinstance(node, ast.UnaryExpression):
        return NOT if node.type == "not" else UMINUS
    if isinstance(node, ast.TernaryExpression):
        return TERNARY
    if isinstance(node, ast.CoalesceExpression):
        return COALESCE
    if isinstance(node, ast.ArithmeticComparisonExpression | ast.FuzzyComparisonExpression | ast.ContainsExpression):
        return ORDER
    if isinstance(node, ast.ComparisonExpression):
        return EQUALITY
    if hasattr(node, "left") and hasattr(node, "type"):
        return _BINARY.get(node.type, ATOM)
    return ATOM


def _negative(value: Any) -> bool:
    return isinstance(value, decimal.Decimal | float | int) and not isinstance(value, bool) and (
        value < 0 or (isinstance(value, decimal.Decimal) and value.is_signed()))


def needs_parens(parent: Any, child: Any, side: str) -> bool:
    """Whether ``child`` (on ``side``: left, right, operand, object, middle) must be parenthesised."""
    if side == "object":
        return not isinstance(child, _OBJECTS)
    mine, theirs = level(parent), level(child)
    if side == "operand":  # of a prefix operator
        return theirs < mine
    if side == "middle":  # between ? and :
        return theirs <= mine
    if theirs != mine:
        return theirs < mine
    if mine in (ORDER, EQUALITY):  # non-associative
        return True
    right_assoc = mine in (COALESCE, TERNARY)
    return side == ("left" if right_assoc else "right")


def to_source(node: Any) -> str:
    """Source text of an expression (after rule-engine's constant folding) that parses back to it."""
    if isinstance(node, ast.Statement):
        return to_source(node.expression)

    def sub(child: Any, side: str) -> str:
        text = to_source(child)
        return f"({text})" if needs_parens(node, child, side) else text

    if isinstance(node, ast.SymbolExpression):
        return ("$" if node.scope == "built-in" else "") + node.name
    if isinstance(node, ast.LiteralExpressionBase):
        return literal(node)
    if isinstance(node, ast.UnaryExpression):
        return ("not " if node.type == "not" else "-") + sub(node.right, "operand")
    if isinstance(node, ast.ContainsExpression):
        return f"{sub(node.member, 'left')} in {sub(node.container, 'right')}"
    if isinstance(node, ast.GetAttributeExpression):
        return f"{sub(node.object, 'object')}{'&.' if node.safe else '.'}{node.name}"
    if isinstance(node, ast.GetItemExpression):
        return f"{sub(node.container, 'object')}{'&[' if node.safe else '['}{to_source(node.item)}]"
    if isinstance(node, ast.GetSliceExpression):
        start = "" if node.start is None else to_source(node.start)
        stop = "" if node.stop is None else to_source(node.stop)
        return f"{sub(node.container, 'object')}{'&[' if node.safe else '['}{start}:{stop}]"
    if isinstance(node, ast.TernaryExpression):
        return (f"{sub(node.condition, 'left')} ? {sub(node.case_true, 'middle')} : "
                f"{sub(node.case_false, 'right')}")
    if isinstance(node, ast.CoalesceExpression):
        return f"{sub(node.left, 'left')} ?? {sub(node.right, 'right')}"
    if hasattr(node, "left") and hasattr(node, "type"):
        return f"{sub(node.left, 'left')} {SYMBOLS.get(node.type, node.type)} {sub(node.right, 'right')}"
    return type(node).__name__


def literal(node: Any) -> str:
    """A literal as rule-engine source."""
    value = node.value
    if isinstance(node, ast.StringExpression):
        return quote(value)
    if isinstance(node, ast.NullExpression):
        return "null"
    if isinstance(node, ast.BooleanExpression):
        return "true" if value else "false"
    if isinstance(node, ast.FloatExpression):
        return number(value)
    if isinstance(node, ast.DatetimeExpression):
        return f'd"{value.isoformat()}"'
    if isinstance(node, ast.TimedeltaExpression):
        return f't"{duration(value)}"'
    if isinstance(node, ast.ArrayExpression):
        return "[" + ", ".join(to_source(v) for v in value) + "]"
    if isinstance(node, ast.SetExpression):
        return "{" + ", ".join(to_source(v) for v in value) + ("}" if value else ",}")
    if isinstance(node, ast.MappingExpression):
        return "{" + ", ".join(f"{to_source(k)}: {to_source(v)}" for k, v in value) + "}"
    return repr(value)


def number(value: Any) -> str:
    """``100000``, ``0.8``, ``1E+5``, ``inf``, ``nan``: a float literal."""
    dec = decimal.Decimal(value) if not isinstance(value, decimal.Decimal) else value
    if dec.is_nan():
        return "nan"
    if dec.is_infinite():
        return "-inf" if dec < 0 else "inf"
    return str(dec)


def duration(value: dt.timedelta) -> str:
    """An ISO 8601 duration rule-engine reads back: ``P30D``, ``P1DT2.5S``."""
    text = f"P{value.days}D"
    if value.seconds or value.microseconds:
        text += f"T{value.seconds}" + (f".{value.microseconds:06d}" if value.microseconds else "") + "S"
    return text


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(text: str) -> str:
    """A double-quoted string literal of ``text`` (backslashes, quotes and control characters escaped)."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


__all__ = ["SYMBOLS", "level", "literal", "needs_parens", "number", "quote", "to_source"]
