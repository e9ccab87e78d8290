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

from .numtext import fmt_number

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
    style = style or NumberStyle()
    values = np.asarray(values, dtype="float64")
    mag = np.abs(values)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values == np.floor(values))
        big = ~whole & (mag >= 1000) & (mag < LIMIT / 100)
        small = ~whole & (mag < 1000) & (mag > 1e-290)
    pieces: list[tuple[np.ndarray, pa.Array]] = []
    redo = ~(whole | big | small)  # NaN, infinities, huge and subnormal: the scalar formatter
    where = np.flatnonzero(whole)
    if len(where):
        ints, fine = _scaled_ints(mag[where], 0)
        texts = pc.if_else(pa.array(mag[where] >= 10000), _digits(ints, style.group, style.grouping, 1),
                           pc.cast(pa.array(ints), pa.string()))
        pieces.append(_keep(where, texts, fine, redo))
    where = np.flatnonzero(big)
    if len(where):
        cents, fine = _scaled_ints(mag[where], 2)
        texts = _digits(cents, style.group, style.grouping, 1, decimals=2, point=style.decimal)
        pieces.append(_keep(where, texts, fine, redo))
    where = np.flatnonzero(small)
    if len(where):
        texts, fine = _four_significant(mag[where], style.decimal)
        pieces.append(_keep(where, texts, fine, redo))
    where = np.flatnonzero(redo)
    if len(where):
        pieces.append((where, pa.array([fmt_number(float(values[i])) for i in where], type=pa.string())))
    text = _scatter(len(values), pieces)
    negative = values < 0  # -0.0 shows as 0, as int(-0.0) does
    negative[redo] = False
    if not negative.any():
        return text
    return pc.binary_join_element_wise(pc.if_else(pa.array(negative), style.prefix[1], ""), text, "")


def _keep(where: np.ndarray, texts: pa.Array, fine: np.ndarray, redo: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """The positions ``where`` and their ``texts`` where ``fine``; the others are marked in ``redo``."""
    if fine.all():
        return where, texts
    redo[where[~fine]] = True
    return where[fine], texts.filter(pa.array(fine))


def _scatter(n: int, pieces: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """One array of ``n`` texts from (positions, texts) pieces that cover each position once."""
    if not pieces:
        return pa.array([], pa.string())
    if len(pieces) == 1:
        return pieces[0][1]
    back = np.empty(n, dtype=np.intp)
    back[np.concatenate([where for where, _ in pieces])] = np.arange(n)
    return pa.concat_arrays([texts for _, texts in pieces]).take(pa.array(back))


def _four_significant(mag: np.ndarray, decimal: str) -> tuple[pa.Array, np.ndarray]:
    """``%.4g`` of positive, non-integer numbers below 1,000 (and whether each was decided exactly)."""
    with np.errstate(all="ignore"):
        exp = np.floor(np.log10(mag)).astype(np.int64)
        y = mag * (10.0 ** (3 - exp))
        low, high = y < 1000, y >= 10000  # log10 rounded across a power of ten
        exp = exp - low + high
        y = np.where(low, y * 10, np.where(high, y / 10, y))
        sig = np.rint(y)
        fine = np.abs(np.abs(y - sig) - 0.5) > 8 * np.spacing(y)
        up = sig >= 10000  # 9999.5 and more round to the next power of ten
        sig = np.where(up, sig / 10, sig)
        exp = exp + up
        fine &= (sig >= 1000) & (sig < 10000) & (exp < 4)
    sig = np.where(fine, sig, 1000).astype(np.int64)
    exp = np.where(fine, exp, 0)
    pieces = []
    for e in np.unique(exp).tolist():
        where = np.flatnonzero(exp == e)
        digits = pc.cast(pa.array(sig[where]), pa.string())  # four digits
        if e == 3:  # 1000 (from 999.97): no point
            text = digits
        elif e >= 0:  # fixed: the point after e + 1 digits, trailing zeros cut
            text = _trim(pc.binary_join_element_wise(pc.utf8_slice_codeunits(digits, 0, e + 1),
                                                     pc.utf8_slice_codeunits(digits, e + 1, 4), decimal), decimal)
        elif e >= -4:
            text = _trim(pc.binary_join_element_wise("0" + decimal + "0" * (-e - 1), digits, ""), decimal)
        else:  # scientific below 1e-4: d.ddd (zeros cut) e-XX
            mantissa = _trim(pc.binary_join_element_wise(pc.utf8_slice_codeunits(digits, 0, 1),
                                                         pc.utf8_slice_codeunits(digits, 1, 4), decimal), decimal)
            text = pc.binary_join_element_wise(mantissa, f"e-{-e:02d}", "")
        pieces.append((where, text))
    return _scatter(len(mag), pieces), fine


def _trim(text: pa.Array, decimal: str) -> pa.Array:
    """Trailing zeros of the fraction cut, and the point when nothing is left after it."""
    return pc.utf8_rtrim(pc.utf8_rtrim(text, characters="0"), characters=decimal)


# -- pieces ------------------------------------------------------------------------------------------------
def _scaled_ints(mag: np.ndarray, digits: int) -> tuple[np.ndarray, np.ndarray]:
    """``mag * 10**digits`` rounded half to even as int64, and whether the float product decided it exactly
    (not NaN, not too big, not within a few ulps of a tie)."""
    with np.errstate(all="ignore"):
        y = mag * float(10**digits)
        r = np.rint(y)
        ok = np.isfinite(y) & (y < LIMIT) & (np.abs(np.abs(y - r) - 0.5) > 8 * np.spacing(y))
    return np.where(ok, r, 0).astype(np.int64), ok


def _digits(ints: np.ndarray, sep: str, grouping: tuple[int, int], min_int: int, *, decimals: int = 0,
            point: str = ".") -> pa.Array:
    """Non-negative int64 as text, at least ``min_int`` digits, ``sep`` between groups (``grouping``: the
    size of the lowest group, then of each next one).  With ``decimals``, the lowest digits of ``ints`` are that
    many fraction digits, shown after ``point`` (``123456`` with 2: ``1,234.56``; ``min_int`` must be 1).

    Built as bytes: one row per number of every digit and separator the largest one needs (one ``divmod`` a
    digit), handed to Arrow as its buffers; then each row's leading zeros, and the separators between them,
    trimmed by Arrow (``utf8_ltrim``; zero itself shows as ``0``).  With ``min_int`` above 1 each row's
    leading columns are cut off instead (a boolean mask keeps the rows contiguous)."""
    n = len(ints)
    top = int(ints.max()) if n else 0
    width = max(len(str(top)), min_int + decimals)  # digits, the fraction's included
    primary, secondary = grouping
    cuts: set[int] = set()  # integer digit positions (0 = units) with a separator on their right
    if sep and 0 < primary < 1000:
        at = primary
        while at < width - decimals:
            cuts.add(at)
            at += secondary if secondary > 0 else primary
    sep_bytes = np.frombuffer(sep.encode(), dtype=np.uint8)
    columns: list[tuple[int, int]] = []  # (digit position or -1 for a separator byte, byte)
    digit_column = {}
    for d in range(width - 1, -1, -1):
        digit_column[d] = len(columns)
        columns.append((d, 0))
        if d - decimals - 1 >= 0 and d - decimals in cuts:
            columns.extend((-1, int(b)) for b in sep_bytes)
        elif decimals and d == decimals:
            columns.extend((-1, int(b)) for b in point.encode())
    total = len(columns)
    matrix = np.empty((n, total), dtype=np.uint8)
    rest = ints
    for d in range(width):  # the units first
        rest, digit = np.divmod(rest, 10)
        matrix[:, digit_column[d]] = digit
    matrix += 48
    for j, (d, byte) in enumerate(columns):
        if d < 0:
            matrix[:, j] = byte
    small = n * total < 2**31
    kind = pa.StringArray if small else pa.LargeStringArray
    if min_int <= 1:
        offsets = np.arange(0, (n + 1) * total, total, dtype=np.int32 if small else np.int64)
        fixed = kind.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix))
        text = pc.utf8_ltrim(fixed, characters="0" + sep)
        unit = 10**decimals
        if n and int(ints.min()) < unit:  # an integer part of 0 trims to nothing (or to the point)
            text = pc.if_else(pa.array(ints < unit), pc.binary_join_element_wise("0", text, ""), text)
        return text if small else text.cast(pa.string())
    ndigits = np.ones(n, dtype=np.int64)
    power = 10
    while power <= top:
        ndigits += ints >= power
        power *= 10
    ndigits = np.maximum(ndigits, min_int)
    start = np.asarray([digit_column[d] for d in range(width)], dtype=np.int64)[ndigits - 1]
    keep = np.arange(total)[None, :] >= start[:, None]
    offsets = np.zeros(n + 1, dtype=np.int32 if small else np.int64)
    np.cumsum(total - start, out=offsets[1:])
    text = kind.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix[keep]))
    return text if small else text.cast(pa.string())


def _patch(text: pa.Array, values: np.ndarray, redo: np.ndarray, scalar: Callable[[float], str]) -> pa.Array:
    """``text`` with the ``redo`` positions formatted by ``scalar``."""
    where = np.flatnonzero(redo)
    if not len(where):
        return text
    fixes = pa.array([scalar(float(values[i])) for i in where], type=pa.string())
    return pc.replace_with_mask(text, pa.array(redo), fixes)


__all__ = ["LIMIT", "NumberStyle", "reason_numbers"]
