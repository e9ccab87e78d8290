"""Truth, comparison, containment, arithmetic and attribute kernels for :mod:`.compiler` (SQL)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING, Any, Protocol

from sqlglot import exp

from ...compile.attrs import DATETIME_ATTRS, FLOAT_ATTRS, STRING_ATTRS, TIMEDELTA_ATTRS
from ...compile.vector import is_nice_decimal
from ...errors import UnsupportedExpression, msg
from .values import (
    EPS,
    TINY,
    Cond,
    SqlVal,
    abs_,
    add,
    and_,
    case,
    float_tol,
    is_null,
    lit_bool,
    mul,
    nn,
    not_,
    not_null,
    num,
    or_,
    sql,
)

if TYPE_CHECKING:
    from .dialects import Dialect


class SqlCompiler(Protocol):
    """What the kernels need of :class:`.compiler.SqlCompiler` (a protocol, so this module does not import it)."""

    dialect: Dialect

    def uncertain(self, cond: Cond, what: str) -> Cond: ...

    def literal(self, value: Any) -> SqlVal: ...

_CMP = {"gt": exp.GT, "ge": exp.GTE, "lt": exp.LT, "le": exp.LTE, "eq": exp.EQ}
_INF = num(float("inf"))
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _finite(e: exp.Expression) -> exp.Expression:
    """``e`` is a finite number (NaN and infinities fail: ``e - e = 0`` only for finite ``e``)."""
    return nn(exp.EQ(this=exp.Sub(this=e, expression=e), expression=num(0.0)))


def _near(c: SqlCompiler, a: SqlVal, b: SqlVal, what: str) -> Cond:
    """Rows whose comparison of ``a`` and ``b`` double rounding could flip (none when both are exact)."""
    if a.exact and b.exact:
        return False
    tol = add(float_tol(a), float_tol(b))
    near = exp.LTE(this=abs_(exp.Sub(this=a.value, expression=b.value)), expression=tol)
    risky = nn(or_(not_(_finite(a.value)), not_(_finite(b.value)), near))  # type: ignore[arg-type]
    return c.uncertain(and_(not_null(a), not_null(b), not_(or_(a.err, b.err)), risky), what)


def truthy(c: SqlCompiler, v: SqlVal) -> tuple[Cond, Cond]:
    """Row-wise truth as rule-engine sees it (a blank is false; never NULL), and the rows where a computed
    number near zero makes it uncertain."""
    kind, value = v.kind, v.value
    if kind == "null":
        return False, False
    if kind == "array":
        return bool(v.items), False
    if kind == "datetime":
        return not_null(v), False
    unc: Cond = False
    if kind == "bool":
        out: exp.Expression = value
    elif kind == "float":
        out = exp.NEQ(this=value, expression=num(0.0))
        if not v.exact:
            unc = _near(c, v, SqlVal("float", num(0.0), nonnull=True), "the truth of a computed number")
    elif kind == "timedelta":
        out = exp.NEQ(this=value, expression=exp.Literal.number(0))
    elif kind == "str":
        out = exp.GT(this=exp.Length(this=value), expression=exp.Literal.number(0))
    else:  # pragma: no cover - kinds are closed
        raise UnsupportedExpression(msg("truth value of {kind}", kind=kind))
    return (out if v.nonnull else nn(out)), unc


def _ordered_text(c: SqlCompiler, e: exp.Expression) -> exp.Expression:
    collate = c.dialect.collate
    return exp.Collate(this=e, expression=exp.Identifier(this=collate, quoted=True)) if collate else e


def compare_eq(c: SqlCompiler, left: SqlVal, right: SqlVal) -> tuple[Cond, Cond, Cond]:
    """rule-engine ``==``: false when the types differ, so blank == blank."""
    err = or_(left.err, right.err)
    both_null = and_(is_null(left), is_null(right))
    if left.kind == "null" or right.kind == "null" or left.kind != right.kind or left.kind == "array":
        if "array" in (left.kind, right.kind) and left.kind == right.kind:
            raise UnsupportedExpression(msg("comparing arrays is not supported"))
        return both_null, err, False
    same = nn(exp.EQ(this=left.value, expression=right.value))
    unc: Cond = False
    if left.kind == "float":
        unc = _near(c, left, right, "comparing a computed number")
    return or_(both_null, same), err, unc


def compare_order(c: SqlCompiler, op: str, left: SqlVal, right: SqlVal) -> tuple[Cond, Cond, Cond]:
    """rule-engine ``< <= > >=``: a blank against a value raises (row error); blank vs blank is >=/<=."""
    err = or_(left.err, right.err)
    both_null = and_(is_null(left), is_null(right))
    one_null = and_(or_(is_null(left), is_null(right)), not_(both_null))
    base = both_null if op in ("ge", "le") else False
    if left.kind == "null" or right.kind == "null":
        return base, or_(err, one_null), False
    if left.kind != right.kind or left.kind == "array":
        return base, or_(err, not_(both_null)), False
    a, b = left.value, right.value
    if left.kind == "str":
        a, b = _ordered_text(c, a), _ordered_text(c, b)
    value = nn(_CMP[op](this=a, expression=b))
    unc: Cond = _near(c, left, right, "ordering a computed number") if left.kind == "float" else False
    return or_(base, value), or_(err, one_null), unc


def contains(c: SqlCompiler, container: SqlVal, member: SqlVal) -> tuple[Cond, Cond, Cond]:
    """``member in container`` for a literal array or a text (substring)."""
    err = or_(container.err, member.err)
    if container.kind == "array":
        return _in_array(c, container.items, member)
    if container.kind == "str":
        if member.kind != "str":
            return False, True, False
        bad = or_(is_null(container), is_null(member))
        pos = exp.StrPosition(this=container.value, substr=member.value)
        hit = nn(exp.GT(this=pos, expression=exp.Literal.number(0)))
        return and_(hit, not_(bad)), or_(err, bad), False
    return False, or_(err, True), False


def _in_array(c: SqlCompiler, items: tuple[Any, ...], member: SqlVal) -> tuple[Cond, Cond, Cond]:
    err = member.err
    has_null = any(v is None for v in items)
    blank = is_null(member)
    kind = member.kind
    if kind == "null":
        return has_null, err, False
    unc: Cond = False
    hits: list[Cond] = []
    if kind == "str":
        texts = [v for v in items if isinstance(v, str)]
        if texts:
            hits.append(nn(exp.In(this=member.value, expressions=[exp.Literal.string(t) for t in texts])))
    elif kind == "bool":
        if True in items:
            hits.append(nn(member.value))
        if False in items:
            hits.append(nn(exp.Not(this=member.value)))
    elif kind == "float":
        numbers = [v for v in items if isinstance(v, decimal.Decimal | bool)]
        for v in numbers:
            item = c.literal(decimal.Decimal(int(v)) if isinstance(v, bool) else v)
            hits.append(nn(exp.EQ(this=member.value, expression=item.value)))
            unc = or_(unc, _near(c, member, item, "'in' with a computed number"))
        if any(isinstance(v, decimal.Decimal) and not is_nice_decimal(v) for v in numbers):
            unc = or_(unc, c.uncertain(not_null(member), "'in' with a number SQL cannot hold exactly"))
    elif kind in ("datetime", "timedelta"):
        cls = dt.datetime if kind == "datetime" else dt.timedelta
        for v in items:
            if isinstance(v, cls):
                hits.append(nn(exp.EQ(this=member.value, expression=c.literal(v).value)))
    else:
        raise UnsupportedExpression(msg("'in' with {kind} values", kind=kind))
    return or_(and_(blank, has_null), and_(or_(*hits), not_(blank))), err, unc


# -- arithmetic -------------------------------------------------------------------------------------
_DT_KINDS = {("add", "datetime", "timedelta"): "datetime", ("add", "timedelta", "datetime"): "datetime",
             ("add", "timedelta", "timedelta"): "timedelta", ("sub", "datetime", "datetime"): "timedelta",
             ("sub", "datetime", "timedelta"): "datetime", ("sub", "timedelta", "timedelta"): "timedelta"}


def arithmetic(c: SqlCompiler, op: str, left: SqlVal, right: SqlVal) -> SqlVal:
    blank = or_(is_null(left), is_null(right))
    err = or_(left.err, right.err, blank)
    unc = or_(left.unc, right.unc)
    lk, rk = left.kind, right.kind
    if "null" in (lk, rk):
        return SqlVal("float", exp.Null(), err=True, unc=unc)
    if lk == rk == "float":
        return _float_arith(c, op, left, right, err, unc)
    if op == "add" and lk == rk == "str":
        return SqlVal("str", exp.DPipe(this=left.value, expression=right.value, safe=True),
                      err=err, unc=unc)
    kind = _DT_KINDS.get((op, lk, rk))
    if kind is None:
        return SqlVal("float", exp.Null(), err=True, unc=unc)
    us = [c.dialect.epoch_us(v.value) if v.kind == "datetime" else v.value for v in (left, right)]
    total = exp.Add(this=us[0], expression=us[1]) if op == "add" else exp.Sub(this=us[0], expression=us[1])
    value = c.dialect.from_us(total) if kind == "datetime" else exp.paren(total, copy=False)
    return SqlVal(kind, value, err=err, unc=unc)


def _float_arith(c: SqlCompiler, op: str, left: SqlVal, right: SqlVal, err: Cond, unc: Cond) -> SqlVal:
    a, b = left.value, right.value
    tl, tr = float_tol(left), float_tol(right)
    valid = and_(not_null(left), not_null(right), not_(or_(left.err, right.err)))
    if op in ("fdiv", "mod", "pow"):
        # Decimal // and % truncate toward zero on the Decimal operands and ** is exact: every row that uses
        # the result is re-checked (refused for SQL text)
        unc = or_(unc, c.uncertain(valid, {"fdiv": "'//'", "mod": "'%'", "pow": "'**'"}[op]))
        return SqlVal("float", exp.Null(), err=err, unc=unc, tol=_INF)
    if op in ("add", "sub"):
        cls = exp.Add if op == "add" else exp.Sub
        res = exp.paren(cls(this=a, expression=b), copy=False)
        tol = add(tl, tr, mul(abs_(res), num(EPS)), num(TINY))
    elif op == "mul":
        res = exp.paren(exp.Mul(this=a, expression=b), copy=False)
        tol = add(mul(abs_(a), tr), mul(abs_(b), tl), mul(tl, tr), mul(abs_(res), num(EPS)), num(TINY))
    else:  # tdiv: a zero divisor is an error, as in rule-engine; the database never divides by zero
        zero: Cond = nn(exp.EQ(this=b, expression=num(0.0)))
        if not right.exact:
            near_zero = nn(exp.LTE(this=abs_(b), expression=tr))
            unc = or_(unc, c.uncertain(and_(valid, near_zero), "dividing by a computed number near zero"))
        res = case(zero, exp.Null(), exp.paren(exp.Div(this=a, expression=b), copy=False))
        res = exp.paren(res, copy=False)
        near = nn(exp.LTE(this=abs_(b), expression=tr))
        bound = exp.Div(this=add(mul(abs_(a), tr), mul(abs_(b), tl)),
                        expression=mul(abs_(b), exp.paren(exp.Sub(this=abs_(b), expression=tr))))
        tol = case(near, _INF, add(bound, mul(abs_(res), num(EPS)), num(TINY)))
        err = or_(err, and_(zero, not_(or_(is_null(left), is_null(right)))))
    return SqlVal("float", res, err=err, unc=unc, tol=tol)


# -- attributes -------------------------------------------------------------------------------------
def attribute(c: SqlCompiler, obj: SqlVal, name: str) -> SqlVal:
    err = or_(obj.err, is_null(obj))
    kind = obj.kind
    allowed = {"str": STRING_ATTRS, "float": FLOAT_ATTRS, "datetime": DATETIME_ATTRS,
               "timedelta": TIMEDELTA_ATTRS}.get(kind, ())
    if name not in allowed or (kind == "float" and name == "to_str"):
        usable = ", ".join(a for a in allowed if not (kind == "float" and a == "to_str")) or "none"
        raise UnsupportedExpression(msg("attribute '.{name}' on {kind} values is not supported",
                                        name=name, kind=kind),
                                    hint=msg("supported on {kind}: {usable}", kind=kind, usable=usable))
    v = obj.value
    unc = obj.unc
    if kind == "str":
        if name in ("to_flt", "to_int"):
            raise UnsupportedExpression(msg("attribute '.{name}' is not supported in SQL: rule-engine's number "
                                            "parsing differs from SQL casts", name=name),
                                        hint=msg("declare the column's type as float"))
        if name == "to_str":
            return obj
        if name in ("as_lower", "as_upper"):
            c.dialect.refuse("as_lower/as_upper")
            # Python and SQL agree on ASCII; other text is re-checked with rule-engine
            ascii_only = nn(exp.Anonymous(this="REGEXP_FULL_MATCH", expressions=[v,
                                                                                 exp.Literal.string("[\\x00-\\x7f]*")]))
            unc = or_(unc, c.uncertain(and_(not_null(obj), not_(ascii_only)), f"'.{name}' on non-ASCII text"))
            fn = exp.Lower if name == "as_lower" else exp.Upper
            return SqlVal("str", fn(this=v), err=err, unc=unc)
        length = exp.cast(exp.Length(this=v), "DOUBLE", copy=False)
        if name == "length":
            return SqlVal("float", length, err=err, unc=unc)
        return SqlVal("bool", exp.EQ(this=length, expression=num(0.0)), err=err, unc=unc)
    if kind == "float":
        return _float_attr(c, obj, name, err)
    if kind == "datetime":
        return _datetime_attr(c, obj, name, err)
    day_us = exp.Literal.number(86400 * 10**6)
    if name == "days":
        value: exp.Expression = exp.Floor(this=exp.Div(this=v, expression=day_us, typed=False, safe=False))
    elif name == "seconds":
        rem = exp.Mod(this=exp.paren(exp.Add(this=exp.Mod(this=v, expression=day_us),
                                             expression=day_us)), expression=day_us)
        value = exp.Floor(this=exp.Div(this=exp.paren(rem), expression=exp.Literal.number(10**6)))
    else:
        value = exp.Div(this=v, expression=num(1e6))
    return SqlVal("float", exp.cast(value, "DOUBLE", copy=False), err=err, unc=unc)


def _float_attr(c: SqlCompiler, obj: SqlVal, name: str, err: Cond) -> SqlVal:
    v = obj.value
    if name == "to_flt":
        return obj
    unc = obj.unc
    rounded = exp.Round(this=v)
    if not obj.exact:
        near_int = nn(exp.LTE(this=abs_(exp.Sub(this=v, expression=rounded)),
                              expression=float_tol(obj)))
        near = or_(near_int, not_(_finite(v)))
        unc = or_(unc, c.uncertain(and_(not_null(obj), not_(obj.err), near), f"'.{name}' of a computed number"))
    if name == "to_int":
        not_int = nn(exp.NEQ(this=v, expression=rounded))
        return SqlVal("float", v, err=or_(err, and_(not_int, _finite(v))), unc=unc)
    fn = exp.Floor if name == "floor" else exp.Ceil
    return SqlVal("float", exp.cast(fn(this=v), "DOUBLE", copy=False), err=err, unc=unc)


def _datetime_attr(c: SqlCompiler, obj: SqlVal, name: str, err: Cond) -> SqlVal:
    v = obj.value
    if name == "date":
        return SqlVal("datetime", exp.cast(exp.TimestampTrunc(this=v, unit=exp.var("DAY")), "TIMESTAMP", copy=False),
                      err=err, unc=obj.unc)
    if name == "weekday":
        dow: exp.Expression = exp.Extract(this=exp.var("ISODOW"), expression=v)
        if c.dialect.name == "spark":  # Spark has no ISODOW; WEEKDAY is 0 for Monday
            dow = exp.Add(this=exp.Anonymous(this="WEEKDAY", expressions=[v]), expression=exp.Literal.number(1))
        value = exp.Case(this=dow, ifs=[exp.If(this=exp.Literal.number(i + 1), true=exp.Literal.string(d))
                                        for i, d in enumerate(_WEEKDAYS)])
        return SqlVal("str", value, err=err, unc=obj.unc)
    if name == "to_epoch":
        return SqlVal("float", exp.Div(this=exp.cast(c.dialect.epoch_us(v), "DOUBLE", copy=False), expression=num(1e6)),
                      err=err, unc=obj.unc)
    part = exp.Extract(this=exp.var(name.upper()), expression=v)
    if name == "second":
        part = exp.Floor(this=part)
    return SqlVal("float", exp.cast(part, "DOUBLE", copy=False), err=err, unc=obj.unc)


__all__ = ["arithmetic", "attribute", "compare_eq", "compare_order", "contains", "lit_bool", "sql", "truthy"]
