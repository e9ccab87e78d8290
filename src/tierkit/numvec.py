"""Numbers formatted a whole column at a time, with Arrow string kernels instead of one call per value.

:class:`NumberStyle` holds what a locale's number pattern says (Babel: ``Locale.decimal_formats``,
``percent_formats``, or any pattern such as ``#,##0.00``): the grouping, the fraction digits, the negative
prefix and suffix, the percent scale, and the locale's symbols.  :meth:`NumberStyle.format` formats a float
array as :func:`babel.numbers.format_decimal` / ``format_percent`` format each value;
:func:`reason_numbers` formats one as :func:`tierkit.numfmt.fmt_number` does (rules and reasons).

Both are exact, not approximately right: a value whose rounding the float arithmetic cannot decide (within a
few units in the last place of a tie), and anything non-finite or too big for int64 arithmetic, is formatted
by the scalar function instead, which stays the oracle (tests compare the two with hypothesis).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: values at or above this (after scaling) go to the scalar formatter: int64 and float64 stay exact below it
LIMIT = 2.0**52


@dataclass(frozen=True)
class NumberStyle:
    """One number pattern of one locale, ready to format arrays."""

    decimal: str = "."
    group: str = ","
    grouping: tuple[int, int] = (3, 3)  # (primary, secondary) group sizes; 1000 or more: no grouping
    min_int: int = 1
    frac: tuple[int, int] = (0, 3)  # (min, max) fraction digits
    prefix: tuple[str, str] = ("", "-")  # (positive, negative), the locale's symbols already in
    suffix: tuple[str, str] = ("", "")
    scale: int = 0  # 2 for a percent pattern: the value is shown times 10**scale
    locale: str = "en"
    pattern: str = "#,##0.###"

    @classmethod
    def from_babel(cls, locale: str, pattern: str | None = None, *, percent: bool = False) -> NumberStyle:
        """The style of ``pattern`` (default: the locale's decimal, or percent, format) in ``locale``."""
        return _from_babel(str(locale), pattern, percent)

    def format(self, values: np.ndarray) -> pa.Array:
        """Every value as :func:`babel.numbers.format_decimal` (``format_percent`` for a percent style) shows
        it with this pattern; NaN and infinities too (through Babel)."""
        values = np.asarray(values, dtype="float64")
        digits = self.frac[1]
        scaled, ok = _scaled_ints(np.abs(values), digits + self.scale)
        negative = np.signbit(values)
        ints, fracs = np.divmod(scaled, 10**digits)
        head = _digits(ints, self.group, self.grouping, self.min_int)
        if digits:
            frac = pc.utf8_lpad(pc.cast(pa.array(fracs), pa.string()), width=digits, padding="0")
            keep = pc.utf8_slice_codeunits(frac, 0, self.frac[0])
            rest = pc.utf8_rtrim(pc.utf8_slice_codeunits(frac, self.frac[0], digits), characters="0")
            frac = pc.binary_join_element_wise(keep, rest, "")
            body = pc.if_else(pc.equal(pc.utf8_length(frac), 0), head,
                              pc.binary_join_element_wise(head, frac, self.decimal))
        else:
            body = head
        negative_sign = pa.array(negative)
        text = pc.binary_join_element_wise(pc.if_else(negative_sign, self.prefix[1], self.prefix[0]), body,
                                           pc.if_else(negative_sign, self.suffix[1], self.suffix[0]), "")
        return _patch(text, values, ~ok, self.scalar)

    def scalar(self, value: float) -> str:
        """One value through Babel: the oracle, and the formatter of the values :meth:`format` leaves to it."""
        from babel.numbers import format_decimal, format_percent

        fn = format_percent if self.scale else format_decimal
        return fn(value, format=self.pattern, locale=self.locale)


@functools.cache
def _from_babel(locale: str, pattern: str | None, percent: bool) -> NumberStyle:
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol, parse_pattern

    loc = Locale.parse(locale)
    parsed = parse_pattern(pattern) if pattern else (loc.percent_formats if percent else loc.decimal_formats)[None]
    if parsed.exp_prec is not None or "@" in parsed.pattern or parsed.scale not in (0, 2):
        raise ValueError(f"number pattern {parsed.pattern!r}: scientific, significant-digit and per-mille "
                         "patterns are formatted one value at a time")

    def symbols(text: str) -> str:
        return text.replace("-", get_minus_sign_symbol(loc)).replace("%", loc.number_symbols["latn"]["percentSign"])

    primary, secondary = parsed.grouping
    return NumberStyle(decimal=get_decimal_symbol(loc), group=get_group_symbol(loc),
                       grouping=(primary, secondary), min_int=parsed.int_prec[0],
                       frac=(parsed.frac_prec[0], parsed.frac_prec[1]),
                       prefix=(symbols(parsed.prefix[0]), symbols(parsed.prefix[1])),
                       suffix=(symbols(parsed.suffix[0]), symbols(parsed.suffix[1])),
                       scale=parsed.scale, locale=str(loc), pattern=parsed.pattern)


# -- rules and reasons --------------------------------------------------------------------------------------
def reason_numbers(values: np.ndarray, style: NumberStyle | None = None) -> pa.Array:
    """Every value as :func:`tierkit.numfmt.fmt_number` shows it: integers grouped from 10,000, two decimals
    from 1,000, else 4 significant digits (``%.4g``), in ``style``'s symbols (default: ``,`` and ``.``)."""
    from .numfmt import fmt_number

    style = style or NumberStyle()
    values = np.asarray(values, dtype="float64")
    n = len(values)
    mag = np.abs(values)
    negative = values < 0  # -0.0 shows as 0, as int(-0.0) does
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values == np.floor(values))
    big = ~whole & (mag >= 1000)
    small = ~whole & ~big & (mag > 0)
    body = pa.nulls(n, pa.string())
    ok = whole | big | small
    if whole.any():
        ints, fine = _scaled_ints(np.where(whole, mag, 0.0), 0)
        ok &= fine
        grouped = _digits(ints, style.group, style.grouping, 1)
        plain = _digits(ints, "", style.grouping, 1)
        body = pc.if_else(pa.array(whole), pc.if_else(pa.array(mag >= 10000), grouped, plain), body)
    if big.any():
        cents, fine = _scaled_ints(np.where(big, mag, 0.0), 2)
        ok &= fine | ~big
        ints, fracs = np.divmod(cents, 100)
        text = pc.binary_join_element_wise(_digits(ints, style.group, style.grouping, 1),
                                           pc.utf8_lpad(pc.cast(pa.array(fracs), pa.string()), width=2,
                                                        padding="0"), style.decimal)
        body = pc.if_else(pa.array(big), text, body)
    if small.any():
        text, fine = _four_significant(np.where(small, mag, 1.0), style.decimal)
        ok &= fine | ~small
        body = pc.if_else(pa.array(small), text, body)
    minus = pc.if_else(pa.array(negative), style.prefix[1], "")
    text = pc.binary_join_element_wise(minus, body, "")
    return _patch(text, values, ~ok, fmt_number)


def _four_significant(mag: np.ndarray, decimal: str) -> tuple[pa.Array, np.ndarray]:
    """``%.4g`` of positive, non-integer numbers below 1,000 (whether each was exact)."""
    with np.errstate(all="ignore"):
        exp = np.floor(np.log10(mag)).astype(np.int64)
        fine = (mag > 1e-290) & (mag < 1000)
        exp = np.where(fine, exp, 0)
        y = mag * (10.0 ** (3 - exp))
        low, high = y < 1000, y >= 10000  # log10 rounded across a power of ten
        exp = exp - low + high
        y = np.where(low, y * 10, np.where(high, y / 10, y))
        sig = np.rint(y)
        fine &= np.abs(np.abs(y - sig) - 0.5) > 8 * np.spacing(y)
        up = sig >= 10000  # 9999.5 and more round to the next power of ten
        sig = np.where(up, sig / 10, sig)
        exp = exp + up
        fine &= (sig >= 1000) & (sig < 10000)
    sig = np.where(fine, sig, 1000).astype(np.int64)
    digits = pc.cast(pa.array(sig), pa.string())  # four digits
    # fixed notation for -4 <= exp < 4: the point after exp + 1 digits (or leading zeros), trailing zeros cut
    fixed_parts = []
    for e in range(-4, 4):
        if e >= 0:
            part = pc.binary_join_element_wise(pc.utf8_slice_codeunits(digits, 0, e + 1),
                                               pc.utf8_slice_codeunits(digits, e + 1, 4), decimal)
        else:
            part = pc.binary_join_element_wise("0" + decimal + "0" * (-e - 1), digits, "")
        fixed_parts.append(part)
    exp_arr = pa.array(exp)
    fixed = pa.nulls(len(mag), pa.string())
    for e, part in zip(range(-4, 4), fixed_parts, strict=True):
        fixed = pc.if_else(pc.equal(exp_arr, e), part, fixed)
    has_point = pc.less(exp_arr, 3)
    trimmed = pc.utf8_rtrim(pc.utf8_rtrim(fixed, characters="0"), characters=decimal)
    fixed = pc.if_else(has_point, trimmed, digits)  # exp 3: four digits, no point ("1000")
    # scientific below 1e-4: d.ddd (zeros cut) e-XX
    mantissa = pc.utf8_rtrim(pc.utf8_rtrim(pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(digits, 0, 1), pc.utf8_slice_codeunits(digits, 1, 4), decimal),
        characters="0"), characters=decimal)
    exponent = pc.utf8_lpad(pc.cast(pa.array(-exp), pa.string()), width=2, padding="0")
    sci = pc.binary_join_element_wise(mantissa, exponent, "e-")
    return pc.if_else(pc.less(exp_arr, -4), sci, fixed), fine


# -- pieces ------------------------------------------------------------------------------------------------
def _scaled_ints(mag: np.ndarray, digits: int) -> tuple[np.ndarray, np.ndarray]:
    """``mag * 10**digits`` rounded half to even as int64, and whether the float product decided it exactly
    (not NaN, not too big, not within a few ulps of a tie)."""
    with np.errstate(all="ignore"):
        y = mag * float(10**digits)
        r = np.rint(y)
        ok = np.isfinite(y) & (y < LIMIT) & (np.abs(np.abs(y - r) - 0.5) > 8 * np.spacing(y))
    return np.where(ok, r, 0).astype(np.int64), ok


def _digits(ints: np.ndarray, sep: str, grouping: tuple[int, int], min_int: int) -> pa.Array:
    """Non-negative int64 as text, at least ``min_int`` digits, ``sep`` between groups (``grouping``: the
    size of the lowest group, then of each next one)."""
    text = pc.cast(pa.array(ints), pa.string())
    if min_int > 1:
        text = pc.utf8_lpad(text, width=min_int, padding="0")
    primary, secondary = grouping
    top = int(ints.max()) if len(ints) else 0
    if not sep or primary <= 0 or primary >= 1000 or top < 10**primary:
        return text
    sizes = [primary]
    while 10 ** sum(sizes) <= top:
        sizes.append(secondary if secondary > 0 else primary)
    bounds = np.cumsum([0, *sizes]).tolist()  # the digit where each group starts, and where the last ends
    parts = []
    for k in range(len(sizes) - 1, -1, -1):  # the most significant group first
        lo, size = 10 ** bounds[k], sizes[k]
        group = pc.cast(pa.array((ints // lo) % 10**size), pa.string())
        is_top = ints < lo * 10**size
        if k == 0:
            top_text = text  # a number of one group: as it is (with min_int's zeros)
        else:
            top_text = group
        inner = pc.binary_join_element_wise(sep, pc.utf8_lpad(group, width=size, padding="0"), "")
        shown = pc.if_else(pa.array(is_top), top_text, inner)
        parts.append(pc.if_else(pa.array(ints >= lo), shown, "") if k else shown)
    return pc.binary_join_element_wise(*parts, "")


def _patch(text: pa.Array, values: np.ndarray, redo: np.ndarray, scalar: Callable[[float], str]) -> pa.Array:
    """``text`` with the ``redo`` positions formatted by ``scalar``."""
    where = np.flatnonzero(redo)
    if not len(where):
        return text
    fixes = pa.array([scalar(float(values[i])) for i in where], type=pa.string())
    return pc.replace_with_mask(text, pa.array(redo), fixes)


__all__ = ["LIMIT", "NumberStyle", "reason_numbers"]
