"""Column vectors for the compiled backend.

A :class:`Vec` is one expression's value over every row: the data, a null mask (``None`` in
rule-engine terms) and an error mask (rows where row-by-row rule-engine would raise).  Numbers are
float64; rule-engine computes in :class:`decimal.Decimal`, so a float that came out of arithmetic
carries an absolute error bound ``tol`` and a thunk that recomputes the exact Decimal for chosen rows.
Comparisons re-check the few rows whose result the float error could flip, so the compiled path
agrees with the oracle exactly.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

EPS = 2.0**-52 * 4  # generous bound on one float rounding, relative
TINY = 1e-300  # absolute floor: subnormal results lose relative precision
NS_PER_US = 1000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

Mask = np.ndarray | bool
ExactFn = Callable[[np.ndarray], list[Any]]


@dataclass
class StrData:
    """A string column as category codes (-1 = null) over unique values."""

    codes: np.ndarray
    cats: np.ndarray  # object array of str

    def map_cats(self, fn: Callable[[str], Any], dtype: Any) -> tuple[np.ndarray, np.ndarray]:
        """Apply ``fn`` to each category; returns (values per row, ok mask per row)."""
        n_cats = len(self.cats)
        out = np.empty(n_cats + 1, dtype=dtype)
        ok = np.ones(n_cats + 1, dtype=bool)
        for i, cat in enumerate(self.cats):
            try:
                out[i] = fn(cat)
            except Exception:
                ok[i] = False
                out[i] = out[n_cats] if n_cats else 0
        ok[n_cats] = False
        return out[self.codes], ok[self.codes]

    def values(self, idx: np.ndarray | None = None) -> np.ndarray:
        codes = self.codes if idx is None else self.codes[idx]
        ext = np.concatenate([self.cats.astype(object), np.array([None], dtype=object)])
        return ext[codes]


@dataclass
class Vec:
    kind: str  # float | str | bool | datetime | timedelta | null | array
    value: Any
    null: Mask = False
    err: Mask = False
    tol: np.ndarray | float | None = None  # None = value is exactly the oracle's Decimal
    exact: ExactFn | None = None

    def py(self, idx: np.ndarray) -> list[Any]:
        """The oracle's (rule-engine coerced) values for rows ``idx``; None where null."""
        n = len(idx)
        null = _take(self.null, idx, n)
        if self.kind == "null":
            return [None] * n
        if self.kind == "float":
            if self.exact is not None:
                vals = self.exact(idx)
            else:
                raw = _take(self.value, idx, n)
                vals = [decimal.Decimal(repr(float(v))) for v in raw]
        elif self.kind == "str":
            vals = list(self.value.values(idx)) if isinstance(self.value, StrData) else [self.value] * n
        elif self.kind == "bool":
            vals = [bool(v) for v in _take(self.value, idx, n)]
        elif self.kind == "datetime":
            vals = [EPOCH + dt.timedelta(microseconds=int(v) // NS_PER_US) for v in _take(self.value, idx, n)]
        elif self.kind == "timedelta":
            vals = [dt.timedelta(microseconds=int(v) // NS_PER_US) for v in _take(self.value, idx, n)]
        else:
            vals = [self.value] * n
        return [None if isnull else v for v, isnull in zip(vals, null, strict=True)]


def _take(value: Any, idx: np.ndarray, n: int) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value[idx]
    return np.full(n, value, dtype=object if not isinstance(value, bool | np.bool_) else bool)


def as_array(mask: Mask, n: int) -> np.ndarray:
    if isinstance(mask, np.ndarray):
        return mask
    return np.full(n, bool(mask))


def m_or(a: Mask, b: Mask) -> Mask:
    if a is False:
        return b
    if b is False:
        return a
    return np.logical_or(a, b)


def m_and(a: Mask, b: Mask) -> Mask:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return np.logical_and(a, b)


def m_not(a: Mask) -> Mask:
    if isinstance(a, np.ndarray):
        return ~a
    return not a


def m_any(a: Mask) -> bool:
    return bool(np.any(a)) if isinstance(a, np.ndarray) else bool(a)


def idx_of(mask: Mask, n: int) -> np.ndarray:
    return np.flatnonzero(as_array(mask, n))


def float_tol(vec: Vec) -> np.ndarray | float:
    """Absolute error bound of a float vec against the oracle's Decimal (d(x) vs x is half an ulp)."""
    if vec.tol is not None:
        return vec.tol
    return np.abs(vec.value) * EPS + TINY


def dt_to_ns(value: dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * NS_PER_US


def td_to_ns(value: dt.timedelta) -> int:
    return (value.days * 86400 + value.seconds) * 10**9 + value.microseconds * NS_PER_US


def is_nice_decimal(value: decimal.Decimal) -> bool:
    """True when comparing floats against float(value) equals comparing Decimals against value."""
    if not value.is_finite():
        return True
    try:
        return decimal.Decimal(repr(float(value))) == value
    except (OverflowError, ValueError):
        return False


def str_objects(vec: Vec, n: int) -> np.ndarray:
    """A text vec as an object array of ``n`` values (None where null)."""
    if isinstance(vec.value, StrData):
        return vec.value.values()
    return np.full(n, vec.value, dtype=object)


def to_strdata(values: np.ndarray) -> StrData:
    """Category codes over the distinct values of an object array (None -> code -1)."""
    import pandas as pd

    codes, cats = pd.factorize(values, use_na_sentinel=True)
    return StrData(codes=codes.astype(np.intp), cats=np.asarray(cats, dtype=object))
