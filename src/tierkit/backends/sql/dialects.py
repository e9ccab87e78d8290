"""What each SQL dialect can express exactly: a spec sheet per dialect, with a one-line reason per refusal.

Division by zero never reaches the database: every ``/`` is guarded (``CASE WHEN d = 0 ...``) and the row is
an *error*, as in rule-engine, so Spark's ANSI mode (which raises) and DuckDB/Postgres (NULL, infinity or an
exception) all give the same answer.  Numbers are DOUBLE; a comparison whose outcome double rounding could
change is re-checked with rule-engine on DuckDB and refused for SQL text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp

from ...errors import UnsupportedExpression, listing, msg


def _f(name: str) -> Callable[..., exp.Expression]:
    return lambda *args: exp.Anonymous(this=name, expressions=list(args))


@dataclass(frozen=True)
class Dialect:
    """A SQL dialect: its sqlglot name and how it spells the few functions with no portable form."""

    name: str
    sqlglot: str
    epoch_us: Callable[[exp.Expression], exp.Expression]
    from_us: Callable[[exp.Expression], exp.Expression]
    regex_search: Callable[[exp.Expression, str], exp.Expression] | None = None
    #: construct -> why this dialect refuses it
    refuses: dict[str, str] = field(default_factory=dict)
    #: a collation that makes text order Python's code-point order
    collate: str | None = None
    recheck: bool = False  # the backend re-evaluates uncertain rows with rule-engine

    def refuse(self, construct: str) -> None:
        reason = self.refuses.get(construct)
        if reason is not None:
            raise UnsupportedExpression(msg("{construct} are not supported on {name}: {reason}",
                                            construct=construct, name=self.name, reason=reason))


def _postgres_epoch(ts: exp.Expression) -> exp.Expression:
    seconds = exp.Extract(this=exp.var("EPOCH"), expression=ts)
    return exp.cast(exp.Round(this=exp.Mul(this=seconds, expression=exp.Literal.number(1000000))), "BIGINT", copy=False)


def _postgres_from_us(us: exp.Expression) -> exp.Expression:
    ts = exp.func("TO_TIMESTAMP", exp.Div(this=us, expression=exp.Literal.number("1000000.0")))
    return exp.AtTimeZone(this=ts, zone=exp.Literal.string("UTC"))


_TEXT_ONLY = "runs with Python's Unicode rules in rule-engine, which this dialect's functions do not follow"

DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect(
        "duckdb", "duckdb", epoch_us=_f("EPOCH_US"), from_us=_f("MAKE_TIMESTAMP"),
        regex_search=lambda s, p: exp.Anonymous(this="REGEXP_MATCHES", expressions=[s, exp.Literal.string(p)])),
    "spark": Dialect(
        "spark", "spark", epoch_us=_f("UNIX_MICROS"), from_us=_f("TIMESTAMP_MICROS"),
        regex_search=lambda s, p: exp.RegexpLike(this=s, expression=exp.Literal.string(p)),
        refuses={"as_lower/as_upper": _TEXT_ONLY}),
    "postgres": Dialect(
        "postgres", "postgres", epoch_us=_postgres_epoch, from_us=_postgres_from_us, collate="C",
        refuses={"regular expressions": "PostgreSQL's regular expressions are not RE2",
                 "as_lower/as_upper": _TEXT_ONLY}),
    "snowflake": Dialect(
        "snowflake", "snowflake",
        epoch_us=lambda ts: exp.Anonymous(this="DATE_PART", expressions=[exp.var("EPOCH_MICROSECOND"), ts]),
        from_us=lambda us: exp.Anonymous(this="TO_TIMESTAMP_NTZ", expressions=[us, exp.Literal.number(6)]),
        refuses={"regular expressions": "Snowflake's REGEXP_LIKE matches the whole text with POSIX syntax, not RE2",
                 "as_lower/as_upper": _TEXT_ONLY}),
    "bigquery": Dialect(
        "bigquery", "bigquery", epoch_us=_f("UNIX_MICROS"), from_us=_f("TIMESTAMP_MICROS"),
        regex_search=lambda s, p: exp.Anonymous(this="REGEXP_CONTAINS", expressions=[s, exp.Literal.string(p)]),
        refuses={"as_lower/as_upper": _TEXT_ONLY}),
}
#: the dialect the DuckDB backend runs: uncertain rows are re-checked with rule-engine
DUCKDB_RECHECK = Dialect(**{**DIALECTS["duckdb"].__dict__, "recheck": True})

DIALECT_NAMES: tuple[str, ...] = tuple(DIALECTS)


def get_dialect(name: str) -> Dialect:
    try:
        return DIALECTS[name]
    except KeyError:
        from ...errors import TierkitError

        raise TierkitError(msg("unknown SQL dialect '{name}'; choose one of {names}",
                               name=name, names=listing(DIALECT_NAMES))) from None
