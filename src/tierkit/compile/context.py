"""The typed rule-engine Context shared by the compiled backend and the oracle."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import rule_engine
from rule_engine import ast
from rule_engine import builtins as re_builtins
from rule_engine.types import DataType

from .limits import deep_call

UTC = dt.UTC

#: tierkit field type -> rule-engine data type
DATA_TYPES: dict[str, Any] = {
    "string": DataType.STRING,
    "int": DataType.FLOAT,
    "float": DataType.FLOAT,
    "date": DataType.DATETIME,
    "datetime": DataType.DATETIME,
    "bool": DataType.BOOLEAN,
}


def as_of_datetime(as_of: dt.date | dt.datetime | None) -> dt.datetime:
    """``$now`` for an evaluation: the as-of date (midnight UTC) or the current time."""
    if as_of is None:
        return dt.datetime.now(tz=UTC).replace(microsecond=0)
    if isinstance(as_of, dt.datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)


class TierContext(rule_engine.Context):
    """A rule-engine Context with declared column types, UTC for naive datetimes and a fixed ``$now``.

    Columns not declared are typed UNDEFINED at load time (so a rule file can be checked before data
    arrives) and get their inferred types when the rule set is bound to a table.
    """

    def __init__(self, types: Mapping[str, str], *, now: dt.datetime | None = None) -> None:
        self.column_types = dict(types)
        super().__init__(type_resolver=self._resolve_type, default_timezone="utc")
        now = now or as_of_datetime(None)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.now = now
        self.builtins = re_builtins.Builtins.from_defaults(
            values={"now": now, "today": today, "re_groups": None},
            value_types={"re_groups": DataType.ARRAY(DataType.STRING)},
            timezone=UTC,
        )

    def _resolve_type(self, name: str) -> Any:
        kind = self.column_types.get(name)
        if kind is None:
            return DataType.UNDEFINED
        return DATA_TYPES[kind]


@functools.lru_cache(maxsize=512)
def _parse_cached(text: str, types_key: tuple[tuple[str, str], ...], now: dt.datetime) -> rule_engine.Rule:
    return deep_call(rule_engine.Rule, text, TierContext(dict(types_key), now=now))


def parse_rule(text: str, types: Mapping[str, str], now: dt.datetime) -> rule_engine.Rule:
    """Parse ``text`` with rule-engine's own parser under a typed context (cached)."""
    return _parse_cached(text, tuple(sorted(types.items())), now)


def children(node: Any) -> Iterable[Any]:
    """The sub-expressions of a parsed rule-engine node (operands, branches, array and set members)."""
    for attr in ("expression", "left", "right", "condition", "case_true", "case_false", "container", "member",
                 "object", "item", "start", "stop"):
        child = getattr(node, attr, None)
        if isinstance(child, ast.ASTNodeBase):
            yield child
    if isinstance(node, ast.ArrayExpression | ast.SetExpression) and isinstance(node.value, list | tuple):
        yield from (child for child in node.value if isinstance(child, ast.ASTNodeBase))


def iter_symbols(node: Any) -> Iterable[str]:
    """Names of the columns/params a parsed rule-engine expression refers to."""
    if isinstance(node, ast.SymbolExpression):
        if node.scope is None:
            yield node.name
        return
    for child in children(node):
        yield from iter_symbols(child)
