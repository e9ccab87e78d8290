"""Rule sets: the model and the loaders."""

from __future__ import annotations

from .loader import (
    apply_param_overrides,
    builtin_dir,
    builtin_names,
    declared_types,
    iter_symbols,
    list_builtin,
    load_ruleset,
    parse_ruleset,
)
from .model import Field, RuleSet, Segment, Text
from .rows import ruleset_from_rows
from .schema import CURRENT_VERSION, MIGRATIONS

__all__ = [
    "CURRENT_VERSION",
    "MIGRATIONS",
    "Field",
    "RuleSet",
    "Segment",
    "Text",
    "apply_param_overrides",
    "builtin_dir",
    "builtin_names",
    "declared_types",
    "iter_symbols",
    "list_builtin",
    "load_ruleset",
    "parse_ruleset",
    "ruleset_from_rows",
]
