"""SQL values for the rule compiler: one expression's value, error mask and uncertainty mask per row.

A :class:`SqlVal` mirrors :class:`tierkit.compile.vector.Vec` as sqlglot expressions:

* ``value``: NULL where rule-engine has ``None`` (a blank);
* ``err``: a boolean that is never NULL, true where row-by-row rule-engine raises;
* ``unc``: a boolean that is never NULL, true where SQL's double arithmetic could decide differently from
  rule-engine's Decimal (or a text function could differ); a backend that can re-check rows (DuckDB)
  evaluates those rows with rule-engine itself, a SQL text dialect refuses the construct at compile time;
* ``tol``: None when ``value`` is exactly rule-engine's Decimal (a column, a literal it can hold), else an
  absolute error bound (an expression).

Masks are Python ``bool`` constants where they are known at compile time, so most of them fold away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlglot import exp

Cond: TypeAlias = "exp.Expression | bool"

EPS = 2.0**-52 * 4
TINY = 1e-300


@dataclass(frozen=True)
class SqlVal:
    kind: str  # float | str | bool | datetime | timedelta | null | array
    value: exp.Expression
    err: Cond = False
    unc: Cond = False
    tol: exp.Expression | None = None
    nonnull: bool = False  # the value is never NULL (comparison results, literals)
    items: tuple[Any, ...] = ()  # array literals: the Python values

    @property
    def exact(self) -> bool:
        return self.tol is None


def lit_bool(value: bool) -> exp.Expression:
    return exp.Boolean(this=value)


def sql(cond: Cond) -> exp.Expression:
    """A mask as a SQL boolean."""
    return lit_bool(cond) if isinstance(cond, bool) else cond


def or_(*conds: Cond) -> Cond:
    parts = [c for c in conds if c is not False]
    if any(c is True for c in parts):
        return True
    if not parts:
        return False
    return parts[0] if len(parts) == 1 else exp.or_(*[exp.paren(p, copy=False) for p in parts])  # type: ignore[arg-type]


def and_(*conds: Cond) -> Cond:
    parts = [c for c in conds if c is not True]
    if any(c is False for c in parts):
        return False
    if not parts:
        return True
    return parts[0] if len(parts) == 1 else exp.and_(*[exp.paren(p, copy=False) for p in parts])  # type: ignore[arg-type]


def not_(cond: Cond) -> Cond:
    if isinstance(cond, bool):
        return not cond
    return exp.Not(this=exp.paren(cond, copy=False))


def nn(cond: exp.Expression) -> exp.Expression:
    """``cond`` with NULL read as false."""
    return exp.func("COALESCE", cond, lit_bool(False))


def is_null(v: SqlVal) -> Cond:
    if v.kind == "null":
        return True
    if v.nonnull:
        return False
    return exp.Is(this=v.value.copy(), expression=exp.Null())


def not_null(v: SqlVal) -> Cond:
    return not_(is_null(v)) if v.kind == "null" or v.nonnull else exp.Not(
        this=exp.Is(this=v.value.copy(), expression=exp.Null()))


def case(cond: Cond, then: exp.Expression, other: exp.Expression) -> exp.Expression:
    if cond is True:
        return then
    if cond is False:
        return other
    return exp.Case(ifs=[exp.If(this=cond, true=then)], default=other)


def select_mask(cond: Cond, a: Cond, b: Cond) -> Cond:
    """Row-wise ``a if cond else b`` for masks."""
    if cond is True or (a == b and isinstance(a, bool)):
        return a
    if cond is False:
        return b
    if isinstance(a, bool) and isinstance(b, bool):
        return cond if a else not_(cond)
    return case(cond, sql(a), sql(b))


def num(value: float) -> exp.Expression:
    """A DOUBLE literal (a bare ``0.1`` is a DECIMAL in DuckDB)."""
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        return exp.cast(exp.Literal.string({"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}[text]), "DOUBLE")
    return exp.cast(exp.Literal.number(text), "DOUBLE")


def abs_(e: exp.Expression) -> exp.Expression:
    return exp.Abs(this=e.copy())


def add(*terms: exp.Expression) -> exp.Expression:
    out = terms[0].copy()
    for t in terms[1:]:
        out = exp.Add(this=out, expression=t.copy())
    return exp.paren(out, copy=False)


def mul(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.paren(exp.Mul(this=a.copy(), expression=b.copy()), copy=False)


def float_tol(v: SqlVal) -> exp.Expression:
    """Absolute bound on ``v`` against rule-engine's Decimal (an exact double is within half an ulp)."""
    if v.tol is not None:
        return v.tol
    return add(mul(abs_(v.value), num(EPS)), num(TINY))
