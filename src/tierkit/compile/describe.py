"""Render a parsed rule-engine expression in plain words for managers (as source: :mod:`.render`)."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rule_engine import ast

from ..i18n import mark, tr, trc
from ..numfmt import fmt_number, fmt_value
from .context import iter_symbols
from .render import SYMBOLS, needs_parens, to_source

if TYPE_CHECKING:
    from ..ruleset.model import Field

PRETTY = {"ge": "≥", "le": "≤", "ne": "≠", "eq": "=", "gt": ">", "lt": "<"}
#: built-in symbols (``$today``) as conditions read them, translated with trc(lang, "condition", ...)
BUILTINS = {"today": mark("condition", "today"), "now": mark("condition", "now")}
#: a comparison's operator as a field's ``reads`` names it, and the operator with its sides swapped
READS_OP = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "=="}
SWAPPED = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def conjuncts(node: Any) -> list[Any]:
    """Top-level ``and`` parts of an expression."""
    if isinstance(node, ast.Statement):
        node = node.expression
    if isinstance(node, ast.LogicExpression) and node.type == "and":
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


Namer = Callable[[str], str]


def plain_words(node: Any, lang: str = "en", namer: Namer | None = None, *,
                fields: Mapping[str, Field] | None = None, params: Mapping[str, Any] | None = None) -> str:
    """``Revenue ≥ 100,000 and region is North or East``: a rule as a manager reads it.

    With the rule set's ``fields`` (and ``params``), a field compared with a value shows the value in the
    field's format (``share ranked above < 80%``), or reads as the field's ``reads`` text for that operator
    says (``the customers who together bring the first 80% of the contribution``)."""
    namer = namer or (lambda s: s)
    if isinstance(node, ast.Statement):
        node = node.expression
    if fields:
        worded = compared(node, lang, namer, fields, params or {})
        if worded is not None:
            return worded
    return _words(node, lang, namer, lambda child: plain_words(child, lang, namer, fields=fields, params=params))


def compared(node: Any, lang: str, namer: Namer, fields: Mapping[str, Field],
             params: Mapping[str, Any]) -> str | None:
    """``field <op> value`` (either way round) with a constant value: the value in the field's format, or
    the field's ``reads`` text for the operator; None for anything else."""
    if not isinstance(node, ast.ComparisonExpression) or node.type not in SWAPPED:
        return None
    op, field_side, other = node.type, node.left, node.right
    if _field_of(field_side, fields, params) is None:
        op, field_side, other = SWAPPED[op], node.right, node.left
        if _field_of(field_side, fields, params) is None:
            return None
    if isinstance(other, ast.NullExpression):
        return None
    is_const, value = constant_value(other, params)
    if not is_const or isinstance(value, tuple | list | dict | str | bool) or value is None:
        return None
    fdef = fields[_field_of(field_side, fields, params) or ""]
    shown = fdef.value_format.text(value, lang)
    if isinstance(field_side, ast.CoalesceExpression):   # "Share (if blank 0) ≥ 50%": the value in the field's format
        return f"{plain_words(field_side, lang, namer)} {PRETTY.get(op, op)} {shown}"
    reading = fdef.reading(READS_OP[op]) if op in READS_OP else None
    if reading is not None:
        return reading.get(lang).replace("{value}", shown)
    return f"{namer(field_side.name)} {PRETTY.get(op, op)} {shown}"


def _field_of(node: Any, fields: Mapping[str, Field], params: Mapping[str, Any]) -> str | None:
    """The field a side of a comparison is: the field itself, or the field with a constant for its blanks
    (``share ?? 0``); None for anything else."""
    if isinstance(node, ast.CoalesceExpression) and _is_field(node.left, fields, params) \
            and isinstance(node.right, ast.LiteralExpressionBase):
        return str(node.left.name)
    return str(node.name) if _is_field(node, fields, params) else None


def _is_field(node: Any, fields: Mapping[str, Field], params: Mapping[str, Any]) -> bool:
    return isinstance(node, ast.SymbolExpression) and node.scope is None and node.name in fields \
        and node.name not in params


def _words(node: Any, lang: str, namer: Namer, again: Callable[[Any], str]) -> str:
    if isinstance(node, ast.LogicExpression):
        parts = [again(x) for x in (node.left, node.right)]
        left, right = [group(p, lang) if isinstance(x, ast.LogicExpression) and x.type != node.type else p
                       for p, x in zip(parts, (node.left, node.right), strict=True)]
        if node.type == "and":
            return trc(lang, "condition", "{left} and {right}", left=left, right=right)
        return trc(lang, "condition", "{left} or {right}", left=left, right=right)
    if isinstance(node, ast.SymbolExpression):
        if node.scope == "built-in":
            return trc(lang, "condition", BUILTINS[node.name]) if node.name in BUILTINS else node.name  # i18n: marked
        return namer(node.name)
    if isinstance(node, ast.LiteralExpressionBase) and not isinstance(node, ast.ArrayExpression):
        return fmt_value(node.value, lang)
    if isinstance(node, ast.ArrayExpression):
        return alternatives([again(v) for v in node.value], lang)
    if isinstance(node, ast.ContainsExpression):
        member, container = again(node.member), again(node.container)
        if isinstance(node.container, ast.ArrayExpression):
            return trc(lang, "condition", "{member} is {options}", member=member, options=container)
        return trc(lang, "condition", "{container} contains {member}", container=container, member=member)
    def sub(child: Any, side: str) -> str:
        text = again(child)
        return f"({text})" if needs_parens(node, child, side) and not _bracketed(child) else text  # arithmetic

    if isinstance(node, ast.UnaryExpression):
        if node.type == "not":
            inner = node.right
            if isinstance(inner, ast.ContainsExpression) and isinstance(inner.container, ast.ArrayExpression):
                return trc(lang, "condition", "{member} is not {options}",
                           member=again(inner.member),
                           options=again(inner.container))
            return trc(lang, "condition", "not ({inner})", inner=again(inner))
        return f"-{sub(node.right, 'operand')}"
    if isinstance(node, ast.ComparisonExpression):
        left, right = sub(node.left, "left"), sub(node.right, "right")
        if node.type.endswith(("fzm", "fzs")):
            if node.type.startswith("ne"):
                return trc(lang, "condition", "{left} not matches {right}", left=left, right=right)
            return trc(lang, "condition", "{left} matches {right}", left=left, right=right)
        if isinstance(node.right, ast.NullExpression):
            if node.type == "eq":
                return trc(lang, "condition", "{left} is blank", left=left)
            return trc(lang, "condition", "{left} is filled in", left=left)
        return f"{left} {PRETTY.get(node.type, node.type)} {right}"
    if isinstance(node, ast.CoalesceExpression):
        return trc(lang, "condition", "{value} (if blank {fallback})", value=again(node.left),
                   fallback=again(node.right))
    if isinstance(node, ast.GetAttributeExpression):
        return f"{sub(node.object, 'object')}.{node.name}"
    if hasattr(node, "left") and hasattr(node, "type"):
        return f"{sub(node.left, 'left')} {SYMBOLS.get(node.type, node.type)} {sub(node.right, 'right')}"
    return to_source(node)


def group(text: str, lang: str = "en") -> str:
    """``(a or b)``, in Chinese ``（a 或 b）``: a part of a condition kept together."""
    return trc(lang, "condition: a group", "({inner})", inner=text)


def alternatives(items: list[str], lang: str = "en") -> str:
    """``a``, ``a or b``, ``a, b or c`` (``a、b 或 c``): the values a condition allows."""
    if len(items) < 2:
        return "".join(items)
    head = trc(lang, "list separator", ", ").join(items[:-1])
    return trc(lang, "condition: between alternatives", "{items} or {last}", items=head, last=items[-1])


def param_value(value: Any, lang: str = "en") -> str:
    """A parameter as conditions and descriptions show it: a fraction strictly between -1 and 1 is a share,
    shown as a percentage (``0.8`` -> ``80%``); anything else as rules show numbers."""
    if isinstance(value, float | int | decimal.Decimal) and not isinstance(value, bool):
        number = float(value)
        if 0 < abs(number) < 1:
            return f"{fmt_number(number * 100)}%"
    return fmt_value(value, lang)


def _bracketed(node: Any) -> bool:
    """Plain words that close themselves: ``Orders (if blank 0)``, ``not (...)``."""
    return isinstance(node, ast.CoalesceExpression) or (isinstance(node, ast.UnaryExpression) and node.type == "not")


def referenced(node: Any) -> list[str]:
    seen: dict[str, None] = {}
    for sym in iter_symbols(node):
        seen.setdefault(sym, None)
    return list(seen)


def constant_value(node: Any, params: Mapping[str, float]) -> tuple[bool, Any]:
    """(True, value) when ``node`` is a literal or an expression of parameters only (``a_cutoff + 0.1``)."""
    if isinstance(node, ast.LiteralExpressionBase) and not isinstance(node, ast.ArrayExpression):
        return True, node.value
    names = referenced(node)
    if not names or any(n not in params for n in names) or _uses_builtins(node):
        return False, None
    if _uses_regex(node):  # never run Python's backtracking re on rule text
        return False, None
    try:
        return True, node.evaluate(dict(params))
    except Exception:
        return False, None


def _uses_regex(node: Any) -> bool:
    if isinstance(node, ast.FuzzyComparisonExpression):
        return True
    return any(_uses_regex(getattr(node, a)) for a in ("left", "right", "expression", "object", "condition",
                                                       "case_true", "case_false", "container", "member")
               if isinstance(getattr(node, a, None), ast.ASTNodeBase))


def _uses_builtins(node: Any) -> bool:
    if isinstance(node, ast.SymbolExpression):
        return node.scope is not None
    return any(_uses_builtins(getattr(node, a)) for a in ("left", "right", "expression", "object", "condition",
                                                         "case_true", "case_false") if hasattr(node, a))


def reason_template(node: Any, lang: str = "en", namer: Namer | None = None,
                    params: Mapping[str, float] | None = None,
                    fields: Mapping[str, Field] | None = None) -> tuple[str, list[str]]:
    """For one condition: a template with ``{name}`` slots for row values, and the names used.

    ``revenue >= 100000`` -> ``revenue {revenue} ≥ 100,000``; a parameter shows as its value, in the format
    of the field it is compared with (``share {share} < 80%``); anything else -> its plain words followed by
    the values of the names it uses.
    """
    params = params or {}
    base = namer or (lambda s: s)

    def namer_with_params(s: str) -> str:
        return fmt_value(params[s], lang) if s in params else base(s)

    if isinstance(node, ast.ComparisonExpression) and isinstance(node.left, ast.SymbolExpression) \
            and node.left.scope is None and node.left.name not in params \
            and not node.type.endswith(("fzm", "fzs")):
        is_const, value = constant_value(node.right, params)
        if is_const:
            name = node.left.name
            shown = fields[name].value_format.text(value, lang) if fields and name in fields \
                else fmt_value(value, lang)
            return f"{base(name)} {{{name}}} {PRETTY.get(node.type, node.type)} {_escape(shown)}", [name]
    namer = namer_with_params
    if isinstance(node, ast.ContainsExpression) and isinstance(node.member, ast.SymbolExpression) \
            and isinstance(node.container, ast.ArrayExpression):
        name = node.member.name
        items = ", ".join(_escape(plain_words(v, lang, namer)) for v in node.container.value)
        return tr(lang, "{field} {value} in [{items}]", field=namer(name), value=f"{{{name}}}", items=items), [name]
    names = [n for n in referenced(node) if n not in params]
    text = _escape(plain_words(node, lang, namer, fields=fields, params=params))
    if names:
        text += " (" + ", ".join(f"{namer(n)} {{{n}}}" for n in names) + ")"
    return text, names


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def describe_when(node: Any, lang: str, labels: Mapping[str, str] | None = None,
                  params: Mapping[str, float] | None = None, fields: Mapping[str, Field] | None = None) -> str:
    """A condition in plain words: fields by their ``labels``, parameters by their values (``< 80%``); with
    the rule set's ``fields``, values in their fields' formats and comparisons as their ``reads`` say."""
    labels, params = labels or {}, params or {}
    return plain_words(node, lang, lambda s: param_value(params[s], lang) if s in params else labels.get(s, s),
                       fields=fields, params=params)
