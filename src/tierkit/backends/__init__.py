"""Backends: where a rule set runs (numpy, DuckDB, Spark SQL)."""
