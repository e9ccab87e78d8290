"""Truth, literal, comparison, containment and arithmetic kernels for :mod:`.pandas_backend`."""

from __future__ import annotations

import datetime as dt
import decimal
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import UnsupportedExpression, msg
from .vector import (
    EPS,
    TINY,
    StrData,
    Vec,
    as_array,
    dt_to_ns,
    float_tol,
    idx_of,
    is_nice_decimal,
    m_and,
    m_any,
    m_not,
    m_or,
    str_objects,
    td_to_ns,
    to_strdata,
)

_ORDER_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le,
}


def _both_null(left: Vec, right: Vec) -> Any:
    return m_and(left.null, right.null)


def _valid(left: Vec, right: Vec) -> Any:
    return m_and(m_not(left.null), m_not(right.null))


def _str_cmp(op: Callable[[Any, Any], Any], left: Vec, right: Vec, n: int) -> Any:
    lv, rv = left.value, right.value
    if isinstance(lv, StrData) and not isinstance(rv, StrData):
        out, _ = lv.map_cats(lambda s: op(s, rv), bool)
        return out
    if isinstance(rv, StrData) and not isinstance(lv, StrData):
        out, _ = rv.map_cats(lambda s: op(lv, s), bool)
        return out
    if isinstance(lv, StrData) and isinstance(rv, StrData):
        a, b = lv.values(), rv.values()
        valid = as_array(_valid(left, right), n)
        out = np.zeros(n, dtype=bool)
        out[valid] = np.frompyfunc(op, 2, 1)(a[valid], b[valid]).astype(bool)
        return out
    return bool(op(lv, rv))


def _float_cmp(op: Callable[[Any, Any], Any], left: Vec, right: Vec, n: int, *, ordered: bool) -> tuple[Any, Any]:
    """Compare float vecs; rows the float error could flip are decided with exact Decimals."""
    lv, rv = left.value, right.value
    with np.errstate(invalid="ignore"):
        res = op(lv, rv)
    err: Any = False
    valid = _valid(left, right)
    if ordered:
        nan = m_or(np.isnan(lv), np.isnan(rv))
        err = m_and(nan, valid) if m_any(nan) else False
    if left.tol is None and right.tol is None:
        return res, err
    tol = float_tol(left) + float_tol(right)
    with np.errstate(invalid="ignore"):
        risky = m_or(np.abs(lv - rv) <= tol, m_or(~np.isfinite(lv), ~np.isfinite(rv)))
    risky = as_array(m_and(m_and(risky, valid), m_not(m_or(left.err, right.err))), n)
    if not risky.any():
        return res, err
    res = as_array(res, n).copy()
    err = as_array(err, n).copy()
    idx = np.flatnonzero(risky)
    for i, a, b in zip(idx, left.py(idx), right.py(idx), strict=True):
        try:
            res[i] = bool(op(a, b))
            err[i] = False
        except (ArithmeticError, TypeError):
            res[i], err[i] = False, True
    return res, err


# -- truth and literals ----------------------------------------------------------------------------
def truthy(vec: Vec, n: int) -> Any:
    """Row-wise truth of a value as rule-engine sees it (a blank is False)."""
    kind, v = vec.kind, vec.value
    if kind == "null":
        return False
    if kind == "bool":
        out = v
    elif kind == "float":
        out = v != 0
    elif kind == "str":
        if isinstance(v, StrData):
            out, _ = v.map_cats(lambda s: len(s) > 0, bool)
        else:
            out = len(v) > 0
    elif kind == "datetime":
        out = True
    elif kind == "timedelta":
        out = v != 0
    elif kind == "array":
        out = len(v) > 0
    else:  # pragma: no cover - kinds are closed
        raise UnsupportedExpression(msg("truth value of {kind}", kind=kind))
    if kind == "float" and vec.tol is not None:
        # a computed number near zero: decide with the exact value
        near = as_array(m_and(np.abs(v) <= vec.tol, m_not(vec.null)), n)
        if m_any(near):
            out = as_array(out, n).copy()
            idx = idx_of(near, n)
            out[idx] = [bool(x) if x is not None else False for x in vec.py(idx)]
    return m_and(out, m_not(vec.null))


def literal(value: Any) -> Vec:
    """A constant as a vec; a Decimal float cannot hold exactly keeps its exact value for re-checks."""
    if value is None:
        return Vec("null", None, null=True)
    if isinstance(value, bool):
        return Vec("bool", value)
    if isinstance(value, decimal.Decimal):
        if is_nice_decimal(value):
            return Vec("float", float(value))
        exact_value = value

        def exact(idx: np.ndarray) -> list[Any]:
            return [exact_value] * len(idx)

        return Vec("float", float(value), tol=abs(float(value)) * EPS + TINY, exact=exact)
    if isinstance(value, str):
        return Vec("str", value)
    if isinstance(value, dt.datetime):
        return Vec("datetime", np.int64(dt_to_ns(value)))
    if isinstance(value, dt.timedelta):
        return Vec("timedelta", np.int64(td_to_ns(value)))
    if isinstance(value, tuple | list):
        return Vec("array", tuple(value))
    raise UnsupportedExpression(msg("literal of type {type}", type=type(value).__name__))


# -- comparisons ------------------------------------------------------------------------------------
def compare_eq(left: Vec, right: Vec, n: int) -> tuple[Any, Any]:
    """rule-engine ``==``: False when the Python types differ, so blank == blank."""
    err = m_or(left.err, right.err)
    both_null = _both_null(left, right)
    if left.kind == "null" or right.kind == "null" or left.kind != right.kind:
        return both_null, err
    kind = left.kind
    if kind == "float":
        same, _ = _float_cmp(operator.eq, left, right, n, ordered=False)
    elif kind == "str":
        same = _str_cmp(operator.eq, left, right, n)
    elif kind in ("bool", "datetime", "timedelta"):
        same = left.value == right.value
    else:
        raise UnsupportedExpression(msg("comparing {kind} values", kind=kind))
    return m_or(both_null, m_and(same, _valid(left, right))), err


def compare_order(op_name: str, left: Vec, right: Vec, n: int) -> tuple[Any, Any]:
    """rule-engine ``< <= > >=``: a blank against a value raises (row error); blank vs blank is >=/<=."""
    op = _ORDER_OPS[op_name]
    err = m_or(left.err, right.err)
    both_null = _both_null(left, right)
    one_null = m_and(m_or(left.null, right.null), m_not(both_null))
    base = both_null if op_name in ("ge", "le") else False
    if left.kind == "null" or right.kind == "null":
        return base, m_or(err, one_null)
    if left.kind != right.kind:
        return base, m_or(err, m_not(both_null))
    kind = left.kind
    valid = _valid(left, right)
    if kind == "float":
        value, cmp_err = _float_cmp(op, left, right, n, ordered=True)
        err = m_or(err, cmp_err)
    elif kind == "str":
        value = _str_cmp(op, left, right, n)
    elif kind in ("bool", "datetime", "timedelta"):
        value = op(left.value, right.value)
    else:
        raise UnsupportedExpression(msg("ordering {kind} values", kind=kind))
    return m_or(base, m_and(value, valid)), m_or(err, one_null)


def contains(container: Vec, member: Vec, n: int) -> tuple[Any, Any]:
    """``member in container`` for a literal array or a text (substring)."""
    err = m_or(container.err, member.err)
    if container.kind == "array":
        return _in_array(container.value, member, n), err
    if container.kind == "str":
        # text containment: the member must be text; a blank container raises TypeError in rule-engine
        bad = m_or(container.null, m_or(member.null, member.kind != "str"))
        if member.kind != "str":
            return False, m_or(err, True)
        value = _str_cmp(lambda c, m: m in c, container, member, n)
        return m_and(value, m_not(bad)), m_or(err, bad)
    return False, m_or(err, True)


def _in_array(items: tuple[Any, ...], member: Vec, n: int) -> Any:
    has_null = any(v is None for v in items)
    null_part = m_and(member.null, has_null)
    kind = member.kind
    hit: Any
    if kind == "null":
        return has_null
    if kind == "str":
        if isinstance(member.value, StrData):
            hit, _ = member.value.map_cats(lambda s: s in items, bool)
        else:
            hit = member.value in items
    elif kind == "bool":
        hit = np.where(member.value, True in items, False in items) if isinstance(member.value, np.ndarray) \
            else (member.value in items)
    elif kind == "float":
        numbers = [v for v in items if isinstance(v, decimal.Decimal) or isinstance(v, bool)]
        nice = [float(v) for v in numbers if isinstance(v, bool) or is_nice_decimal(v)]
        hit = np.isin(member.value, nice) if isinstance(member.value, np.ndarray) else float(member.value) in nice
        if member.tol is not None and numbers:
            hit = as_array(hit, n).copy()
            tol = np.broadcast_to(float_tol(member), (n,))
            values = np.broadcast_to(member.value, (n,))
            risky = np.zeros(n, dtype=bool)
            for v in numbers:
                risky |= np.abs(values - float(v)) <= tol
            risky &= as_array(m_and(m_not(member.null), m_not(member.err)), n)
            idx = np.flatnonzero(risky)
            for i, value in zip(idx, member.py(idx), strict=True):
                hit[i] = value in items
    elif kind in ("datetime", "timedelta"):
        if kind == "datetime":
            stamps = [dt_to_ns(v) for v in items if isinstance(v, dt.datetime)]
        else:
            stamps = [td_to_ns(v) for v in items if isinstance(v, dt.timedelta)]
        hit = np.isin(member.value, stamps)
    else:
        raise UnsupportedExpression(msg("'in' with {kind} values", kind=kind))
    return m_or(null_part, m_and(hit, m_not(member.null)))


# -- arithmetic -------------------------------------------------------------------------------------
_DEC_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "tdiv": operator.truediv,
    "fdiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
}


def arithmetic(op: str, left: Vec, right: Vec, n: int) -> Vec:
    err = m_or(m_or(left.err, right.err), m_or(left.null, right.null))
    null = m_or(left.null, right.null)
    lk, rk = left.kind, right.kind
    if "null" in (lk, rk):
        return Vec("float", 0.0, null=True, err=True)
    if lk == rk == "float":
        return _float_arith(op, left, right, n, err)
    if op == "add" and lk == rk == "str":
        value = _str_concat(left, right, n)
        return Vec("str", value, null=null, err=err)
    ns_kinds = {("add", "datetime", "timedelta"): "datetime", ("add", "timedelta", "datetime"): "datetime",
                ("add", "timedelta", "timedelta"): "timedelta", ("sub", "datetime", "datetime"): "timedelta",
                ("sub", "datetime", "timedelta"): "datetime", ("sub", "timedelta", "timedelta"): "timedelta"}
    kind = ns_kinds.get((op, lk, rk))
    if kind is None:
        return Vec("float", 0.0, null=True, err=True)
    fn = operator.add if op == "add" else operator.sub
    return Vec(kind, fn(left.value, right.value), null=null, err=err)


def _str_concat(left: Vec, right: Vec, n: int) -> StrData:
    a, b = str_objects(left, n), str_objects(right, n)
    valid = as_array(_valid(left, right), n)
    out = np.full(n, None, dtype=object)
    out[valid] = a[valid] + b[valid]
    return to_strdata(out)


def _float_arith(op: str, left: Vec, right: Vec, n: int, err: Any) -> Vec:
    lv = np.asarray(left.value, dtype=float)
    rv = np.asarray(right.value, dtype=float)
    tl, tr = float_tol(left), float_tol(right)
    dec_op = _DEC_OPS[op]

    def exact(idx: np.ndarray) -> list[Any]:
        out: list[Any] = []
        for a, b in zip(left.py(idx), right.py(idx), strict=True):
            try:
                out.append(None if a is None or b is None else dec_op(a, b))
            except (ArithmeticError, TypeError):
                out.append(None)
        return out

    with np.errstate(all="ignore"):
        if op == "pow":
            return _exact_everywhere(exact, left, right, n, err)
        if op in ("add", "sub"):
            res = lv + rv if op == "add" else lv - rv
            tol = tl + tr + np.abs(res) * EPS + TINY
        elif op == "mul":
            res = lv * rv
            tol = np.abs(lv) * tr + np.abs(rv) * tl + tl * tr + np.abs(res) * EPS + TINY
        else:
            zero = rv == 0
            near_zero = np.abs(rv) <= tr
            q = lv / rv
            qtol = np.where(near_zero, np.inf, (np.abs(lv) * tr + np.abs(rv) * tl) / (np.abs(rv) * np.maximum(
                np.abs(rv) - tr, 1e-300)) + np.abs(q) * EPS + TINY)
            if op == "tdiv":
                res, tol = q, qtol
            else:
                t = np.trunc(q)
                near_int = np.abs(q - np.round(q)) <= qtol
                if op == "fdiv":
                    res, tol = t, np.where(near_int, np.inf, 0.0)
                else:
                    res = np.fmod(lv, rv)
                    tol = np.where(near_int, np.inf, tl + np.abs(t) * tr + np.abs(res) * EPS + TINY)
            # division by zero raises in rule-engine; decide divisors near zero exactly
            div_err: Any = zero
            if right.tol is not None and m_any(near_zero & ~zero):
                div_err = zero.copy() if isinstance(zero, np.ndarray) else np.full(n, bool(zero))
                idx = idx_of(m_and(near_zero & ~zero, m_not(m_or(right.null, right.err))), n)
                for i, b in zip(idx, right.py(idx), strict=True):
                    div_err[i] = b is not None and b == 0
            err = m_or(err, m_and(div_err, m_not(m_or(left.null, right.null))))
        tol = np.where(np.isfinite(res), tol, np.inf)
        # inf - inf and the like raise InvalidOperation in Decimal
        nan_out = np.isnan(res) & ~np.isnan(lv) & ~np.isnan(rv)
        if nan_out.any():
            err = m_or(err, nan_out)
    return Vec("float", res, null=m_or(left.null, right.null), err=err, tol=tol, exact=exact)


def _exact_everywhere(exact: Callable[[np.ndarray], list[Any]], left: Vec, right: Vec, n: int, err: Any) -> Vec:
    """``**`` is computed row by row in Decimal, exactly as rule-engine does (documented as slow)."""
    null = m_or(left.null, right.null)
    ok = as_array(m_not(m_or(err, null)), n)
    idx = np.flatnonzero(ok)
    values = np.zeros(n)
    err_arr = as_array(err, n).copy()
    exact_vals: dict[int, Any] = {}
    for i, v in zip(idx, exact(idx), strict=True):
        if v is None:
            err_arr[i] = True
        else:
            exact_vals[int(i)] = v
            values[i] = float(v)
    return Vec("float", values, null=null, err=err_arr, tol=np.full(n, np.inf),
               exact=lambda rows: [exact_vals.get(int(r)) for r in rows])


__all__ = ["arithmetic", "compare_eq", "compare_order", "contains", "literal", "truthy"]
