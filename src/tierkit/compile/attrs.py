"""Attribute kernels (``name.as_lower``, ``day.year``, ``age.days``) for :mod:`.pandas_backend`."""

from __future__ import annotations

import decimal
from typing import Any

import numpy as np
import pandas as pd
import rule_engine

from ..errors import UnsupportedExpression, msg
from .vector import EPS, NS_PER_US, StrData, Vec, as_array, float_tol, idx_of, m_and, m_any, m_not, m_or, to_strdata

_RESOLVER = rule_engine.Context()

STRING_ATTRS = ("as_lower", "as_upper", "length", "is_empty", "to_flt", "to_int", "to_str")
DATETIME_ATTRS = ("date", "year", "month", "day", "hour", "minute", "second", "weekday", "to_epoch")
TIMEDELTA_ATTRS = ("days", "seconds", "total_seconds")
FLOAT_ATTRS = ("ceiling", "floor", "to_flt", "to_int", "to_str")


def attribute(obj: Vec, name: str, n: int) -> Vec:
    err = m_or(obj.err, obj.null)
    kind = obj.kind
    allowed = {"str": STRING_ATTRS, "float": FLOAT_ATTRS, "datetime": DATETIME_ATTRS,
               "timedelta": TIMEDELTA_ATTRS}.get(kind, ())
    if name not in allowed or (kind == "float" and name == "to_str"):
        usable = ", ".join(a for a in allowed if not (kind == "float" and a == "to_str")) or "none"
        raise UnsupportedExpression(msg("attribute '.{name}' on {kind} values is not supported",
                                        name=name, kind=kind),
                                    hint=msg("supported on {kind}: {usable}", kind=kind, usable=usable))
    if kind == "str":
        return _str_attr(obj, name, n, err)
    if kind == "float":
        return _float_attr(obj, name, n, err)
    if kind == "datetime":
        return _datetime_attr(obj, name, n, err)
    return _timedelta_attr(obj, name, n, err)


def _resolve(value: Any, name: str) -> Any:
    return _RESOLVER.resolve_attribute(None, value, name)


def _str_attr(obj: Vec, name: str, n: int, err: Any) -> Vec:
    sd = obj.value if isinstance(obj.value, StrData) else StrData(np.zeros(1, dtype=np.intp),
                                                                   np.array([obj.value], dtype=object))
    if name in ("as_lower", "as_upper", "to_str"):
        values, ok = sd.map_cats(lambda s: _resolve(s, name), object)
        out: Any = to_strdata(values if isinstance(obj.value, StrData) else np.full(n, values[0], dtype=object))
        return Vec("str", out, null=obj.null, err=err)
    if name == "is_empty":
        values, ok = sd.map_cats(lambda s: len(s) == 0, bool)
        return Vec("bool", _bcast(values, obj, n), null=obj.null, err=err)
    if name == "length":
        values, ok = sd.map_cats(len, float)
        return Vec("float", _bcast(values, obj, n), null=obj.null, err=err)
    # to_flt / to_int: rule-engine's own parser on each distinct text, so the semantics are identical
    decs, ok = sd.map_cats(lambda s: _resolve(s, name), object)
    decs = _bcast(decs, obj, n)
    ok = _bcast(ok, obj, n)
    floats = np.array([float(d) if isinstance(d, decimal.Decimal) else 0.0 for d in decs])
    return Vec("float", floats, null=obj.null, err=m_or(err, ~ok), tol=np.abs(floats) * EPS,
               exact=lambda idx: [decs[i] for i in idx])


def _bcast(values: np.ndarray, obj: Vec, n: int) -> np.ndarray:
    return values if isinstance(obj.value, StrData) else np.full(n, values[0], dtype=values.dtype)


def _float_attr(obj: Vec, name: str, n: int, err: Any) -> Vec:
    v = np.asarray(obj.value, dtype=float)
    if name == "to_flt":
        return obj
    near_int = np.abs(v - np.round(v)) <= float_tol(obj) if obj.tol is not None else np.zeros(np.shape(v), bool)
    if name == "to_int":
        not_int = v != np.round(v)
        if m_any(near_int):
            not_int = as_array(not_int, n).copy()
            idx = idx_of(m_and(near_int, m_not(err)), n)
            for i, d in zip(idx, obj.py(idx), strict=True):
                not_int[i] = d is None or d != d.to_integral_value()
        return Vec("float", v, null=obj.null, err=m_or(err, m_and(not_int, np.isfinite(v))), tol=obj.tol,
                   exact=obj.exact)
    fn = np.floor if name == "floor" else np.ceil
    tol = np.where(near_int, np.inf, 0.0) if obj.tol is not None else None
    dfn = (lambda d: d.to_integral_value(rounding=decimal.ROUND_FLOOR)) if name == "floor" else (
        lambda d: d.to_integral_value(rounding=decimal.ROUND_CEILING))
    exact = None
    if obj.tol is not None:
        exact = lambda idx: [None if d is None else (dfn(d) if d.is_finite() else d)  # noqa: E731
                             for d in obj.py(idx)]
    return Vec("float", fn(v), null=obj.null, err=err, tol=tol, exact=exact)


def _datetime_attr(obj: Vec, name: str, n: int, err: Any) -> Vec:
    ns = np.broadcast_to(np.asarray(obj.value, dtype=np.int64), (n,))
    idx = pd.DatetimeIndex(ns.view("datetime64[ns]"))
    if name == "date":
        return Vec("datetime", ns - ns % (86400 * 10**9), null=obj.null, err=err)
    if name == "weekday":
        names = np.array(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
                     dtype=object)
        return Vec("str", to_strdata(names[idx.day_of_week.to_numpy()]), null=obj.null, err=err)
    if name == "to_epoch":
        us = ns // NS_PER_US
        return Vec("float", us.astype(float) / 1e6, null=obj.null, err=err)
    values = getattr(idx, name).to_numpy().astype(float)
    return Vec("float", values, null=obj.null, err=err)


def _timedelta_attr(obj: Vec, name: str, n: int, err: Any) -> Vec:
    us = np.asarray(obj.value, dtype=np.int64) // NS_PER_US
    if name == "days":
        values = np.floor_divide(us, 86400 * 10**6).astype(float)
    elif name == "seconds":
        values = (np.mod(us, 86400 * 10**6) // 10**6).astype(float)
    else:
        values = us.astype(float) / 1e6
    return Vec("float", values, null=obj.null, err=err)
