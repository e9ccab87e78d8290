"""The pieces every feature's SQL is built from (quoting, literals, the row-order column, the query being built),
shared by :mod:`tierkit.backends.sqlfeatures` and :mod:`tierkit.backends.sqlfeatures_orders`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tierkit.errors import UnsupportedExpression, msg
from tierkit.features.columns import norm
from tierkit.features.specs import Names
from tierkit.names import find_header, with_aliases

#: feature kinds no SQL dialect computes exactly as the pandas path does, with the reason (none today: a kind
#: that cannot be exact on one dialect is refused there by name, e.g. product_from_orders on PostgreSQL)
REFUSED: dict[str, str] = {}


def field_headers(ruleset: Any, columns: Sequence[str]) -> dict[str, str | None]:
    """Each declared field the table holds under another header (an alias: ``revenue`` -> ``销售额``), found by
    the one header rule, and None for an optional field the table lacks (every row blank, as the binder reads
    it).  ``columns``: the table's columns after the features (:func:`tierkit.backends.sqlfeatures.output_columns`)."""
    out: dict[str, str | None] = {}
    for name, spec in ruleset.fields.items():
        if name in columns:
            continue
        found = find_header(list(columns), with_aliases(name, ruleset.fields))
        if found is not None:
            out[name] = str(found)
        elif spec.optional:
            out[name] = None
    return out


#: the hidden column that keeps the table's row order through the CTEs
ROW = '"_tierkit_row"'


def row_number(dialect: str) -> str:
    """A number per row in the table's order (Spark has no ROW_NUMBER without ORDER BY)."""
    return "MONOTONICALLY_INCREASING_ID()" if dialect == "spark" else "ROW_NUMBER() OVER ()"


def q(name: str) -> str:
    """``name`` as a quoted identifier (DuckDB syntax, which sqlglot reads)."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(value: Any) -> str:
    """A SQL literal for a text, a number, a date or None."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"CAST({float(value)!r} AS DOUBLE)"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def num(column: str) -> str:
    return f"CAST({q(column)} AS DOUBLE)"


def normed(sql: str) -> str:
    """``tierkit.features.columns.norm`` of a value in SQL: text without blanks and underscores, lower case."""
    return f"LOWER(REGEXP_REPLACE(CAST({sql} AS VARCHAR), '[\\s_]', '', 'g'))"


def one_of(sql: str, words: Iterable[str]) -> str:
    return f"{normed(sql)} IN ({', '.join(lit(w) for w in sorted({norm(w) for w in words}))})"


@dataclass
class FeatureQuery:
    """The SELECT being built: a chain of CTEs, the columns of the last one, and the as-of day in SQL."""

    table: str
    columns: list[str]
    dialect: str = "duckdb"
    fields: Mapping[str, Any] = field(default_factory=dict)
    as_of: str | None = None  # a SQL expression (a DATE literal or a scalar subquery), once known
    params: Mapping[str, float] = field(default_factory=dict)
    orders_table: str | None = None
    orders_columns: list[str] | None = None
    ctes: list[tuple[str, str]] = field(default_factory=list)
    #: the table's columns are known (else ``columns`` holds only the feature columns added so far, a column a
    #: spec names is taken to be its first candidate, and the result keeps ``*`` plus the row number)
    known: bool = True

    def __post_init__(self) -> None:
        self.ctes.append(("f0", f"SELECT *, {row_number(self.dialect)} AS {ROW} FROM {self.table}"))

    @property
    def last(self) -> str:
        return self.ctes[-1][0]

    def fresh(self) -> str:
        return f"f{len(self.ctes)}"

    def column(self, names: Names, columns: Sequence[str] | None = None) -> str | None:
        """The column called one of ``names`` (the one header-matching rule), or None."""
        if columns is None and not self.known:
            return names if isinstance(names, str) else names[0]
        found = find_header(list(self.columns if columns is None else columns), with_aliases(names, self.fields))
        return None if found is None else str(found)

    def add(self, sql: str) -> str:
        name = self.fresh()
        self.ctes.append((name, sql))
        return name

    def with_columns(self, new: Mapping[str, str]) -> None:
        """A CTE that keeps the columns and adds ``new`` (name -> SQL); a column ``new`` names is replaced where
        it stands (as pandas assigns ``frame[name] = ...``)."""
        if not self.known:
            self.add(f"SELECT {self.star(new)}, {', '.join(f'{sql} AS {q(name)}' for name, sql in new.items())} "
                     f"FROM {self.last}")
            self.columns += [name for name in new if name not in self.columns]
            return
        parts = [ROW, *(f"{new[c]} AS {q(c)}" if c in new else q(c) for c in self.columns)]
        parts += [f"{sql} AS {q(name)}" for name, sql in new.items() if name not in self.columns]
        self.add(f"SELECT {', '.join(parts)} FROM {self.last}")
        self.columns += [name for name in new if name not in self.columns]

    def star(self, replaced: Mapping[str, str], prefix: str = "") -> str:
        """``*`` without the feature columns ``replaced`` names, when the table's columns are not known (DuckDB
        only: other dialects have no ``* EXCLUDE``)."""
        again = [name for name in replaced if name in self.columns]
        if not again:
            return f"{prefix}*"
        if self.dialect != "duckdb":
            raise UnsupportedExpression(msg("feature column '{again}' is computed twice, which needs the table's "
                                            "columns on {dialect}", again=again[0], dialect=self.dialect),
                                        hint=msg("pass the table's columns"))
        return f"{prefix}* EXCLUDE ({', '.join(q(name) for name in again)})"

    def sql(self) -> str:
        ctes = ",\n".join(f"{name} AS ({body})" for name, body in self.ctes)
        if not self.known:
            return f"WITH {ctes}\nSELECT * FROM {self.last} ORDER BY {ROW}"
        return f"WITH {ctes}\nSELECT {', '.join(q(c) for c in self.columns)} FROM {self.last} ORDER BY {ROW}"
