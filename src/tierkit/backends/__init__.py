"""Backends behind one seam: numpy, the rule-engine oracle, DuckDB, and SQL text per dialect.

``get_backend(name).evaluate(binding)`` gives (matches, errors) per segment; ``compile_select`` prints one
SELECT for a SQL dialect (see docs/backends.md).

The SQL parts (the DuckDB backend, ``compile_select``, ``DIALECT_NAMES``) load sqlglot, 0.1 s or more: they are
imported when first used, so a command on the numpy engine does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Backend, backend_names, get_backend, register
from .local import NumpyBackend, OracleBackend

if TYPE_CHECKING:
    from .sql.dialects import DIALECT_NAMES
    from .sql.select import compile_select


def _duckdb() -> Backend:
    from .duckdb import DuckDBBackend

    return DuckDBBackend()


register("numpy", NumpyBackend, aliases=("compiled",))
register("oracle", OracleBackend)
register("duckdb", _duckdb)

_LAZY = {"DIALECT_NAMES": ".sql.dialects", "compile_select": ".sql.select"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DIALECT_NAMES", "Backend", "backend_names", "compile_select", "get_backend", "register"]
