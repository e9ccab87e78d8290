"""rule-engine expressions as SQL (sqlglot): the compiler, the dialect spec sheets and ``compile_select``."""
