"""Backends behind one seam: numpy, the rule-engine oracle, DuckDB, and SQL text per dialect.

``get_backend(name).evaluate(binding)`` gives (matches, errors) per segment; ``compile_select`` prints one
SELECT for a SQL dialect (see docs/backends.md).
"""

from __future__ import annotations

from .base import Backend, backend_names, get_backend, register
from .duckdb import DuckDBBackend
from .local import NumpyBackend, OracleBackend
from .sql.dialects import DIALECT_NAMES
from .sql.select import compile_select

register("numpy", NumpyBackend, aliases=("compiled",))
register("oracle", OracleBackend)
register("duckdb", DuckDBBackend)

__all__ = ["DIALECT_NAMES", "Backend", "backend_names", "compile_select", "get_backend", "register"]
