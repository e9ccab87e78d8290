"""Finding a feature's columns in a table: by name, field alias, or a loose match."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["find_column", "norm"]


def norm(name: object) -> str:
    """``name`` without spaces and underscores, case-folded (how headers and flag values are compared)."""
    return "".join(str(name).split()).replace("_", "").casefold()


def find_column(
    frame: pd.DataFrame, names: str | Sequence[str], fields: Mapping[str, Any] | None = None
) -> str | None:
    """The column of ``frame`` called one of ``names`` (or one of their ``fields`` aliases).

    Exact names win; then a match ignoring case, spaces and underscores.
    """
    wanted: list[str] = []
    for name in [names] if isinstance(names, str) else list(names):
        wanted.append(str(name))
        spec = (fields or {}).get(name)
        aliases = spec.get("aliases") if isinstance(spec, Mapping) else getattr(spec, "aliases", None)
        wanted.extend(str(a) for a in aliases or [])
    for name in wanted:
        if name in frame.columns:
            return name
    normalised = {norm(c): c for c in frame.columns}
    for name in wanted:
        if norm(name) in normalised:
            return str(normalised[norm(name)])
    return None
