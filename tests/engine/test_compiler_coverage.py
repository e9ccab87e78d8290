"""Every rule-engine AST node class is either compiled or refused by name (never a silent fallback)."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest
import rule_engine.ast as re_ast

from tierkit import UnsupportedExpression, classify, parse_ruleset
from tierkit.compile.pandas_backend import PandasCompiler


def node_classes() -> list[str]:
    return sorted(name for name, obj in vars(re_ast).items()
                  if inspect.isclass(obj) and issubclass(obj, re_ast.ASTNodeBase)
                  and (name.endswith("Expression") or name == "Statement")
                  and not name.endswith("Base") and name != "LiteralExpressionBase")


@pytest.mark.parametrize("name", node_classes())
def test_node_is_handled_or_refused(name: str) -> None:
    handled = hasattr(PandasCompiler, f"visit_{name}")
    refused = name in PandasCompiler.NOT_SUPPORTED
    assert handled != refused, f"{name}: handled={handled} refused={refused}"
    assert handled == (name in PandasCompiler.SUPPORTED)


@pytest.mark.parametrize(("expr", "construct"), [
    ("[1, 2][0] == 1 or x[0] == 'a'", "item access"),
    ("x[1:2] == 'a'", "slices"),
    ("[y for y in x.to_ary] == ['a']", "comprehensions"),
    ("$abs(n) > 1", "function calls"),
    ("n & 1 == 1", "bitwise"),
    ("n << 1 > 2", "bit shifts"),
    ("x =~ x", "regular expressions must be quoted literals"),
    ("x.to_ary == x", "attribute '.to_ary'"),
])
def test_unsupported_constructs_are_named(expr: str, construct: str) -> None:
    text = f"name: u\nsegments:\n  - id: a\n    when: {expr!r}\n  - id: b\n    default: true\n"
    frame = pd.DataFrame({"x": ["abc", "def"], "n": [1.0, 2.0]})
    rs = parse_ruleset(text, name="u")  # rule-engine parses all of these; tierkit must refuse them by name
    with pytest.raises(UnsupportedExpression) as info:
        classify(rs, frame)
    assert construct in str(info.value)
