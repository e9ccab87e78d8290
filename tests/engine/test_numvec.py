"""The vectorised number formatters against their scalar oracles: ``reason_numbers`` against
``numfmt.fmt_number`` (rules and reasons), ``NumberStyle.format`` against Babel's ``format_decimal`` /
``format_percent``, over random floats, integers, NaN, negatives, huge and tiny numbers and exact ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tierkit.numfmt import display_round, fmt_number
from tierkit.numvec import NumberStyle, reason_numbers

finite = st.floats(allow_nan=False, allow_infinity=False)
numbers = st.one_of(
    finite,
    st.floats(allow_nan=True, allow_infinity=False),
    st.integers(-(10**20), 10**20).map(float),
    st.integers(-(10**9), 10**9).map(lambda i: i / 100),  # money: two decimals
    st.integers(-(10**7), 10**7).map(lambda i: i / 8),  # exact binary ties (x.125, x.5)
    st.floats(min_value=-1e-3, max_value=1e-3),  # tiny, subnormals included
    st.floats(min_value=-1e16, max_value=1e16),
    st.sampled_from([0.0, -0.0, 0.5, 2.675, 999.95, 999.9999, 9999.5, 1e-4, 9.9995e-5, 1e15, 2.0**52, 2.0**63]),
)


def oracle(values: list[float]) -> list[str]:
    return [fmt_number(v) for v in values]


@settings(max_examples=300)
@given(st.lists(numbers, max_size=40))
@example([0.1235, 123.45, 99.99999, 1e-5, 1.2345e-7, 999.97, 1e-100, 5e-324, -1234.565])
def test_reason_numbers_equal_fmt_number(values: list[float]) -> None:
    assert reason_numbers(np.array(values, dtype="float64")).to_pylist() == oracle(values)


@settings(max_examples=200)
@given(st.lists(numbers, max_size=40))
def test_reason_numbers_equal_fmt_number_after_display_round(values: list[float]) -> None:
    """What reasons format: a column rounded by display_round (as the reason writer does)."""
    rounded = display_round(np.array(values, dtype="float64"))
    assert reason_numbers(rounded).to_pylist() == oracle(list(rounded))


def test_reason_numbers_refuse_infinity_like_the_scalar() -> None:
    with pytest.raises(OverflowError):
        fmt_number(float("inf"))
    with pytest.raises(OverflowError):
        reason_numbers(np.array([1.0, float("-inf")]))


def test_reason_numbers_of_nothing() -> None:
    assert reason_numbers(np.array([], dtype="float64")).to_pylist() == []


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_rule_notation_is_the_locales(locale: str) -> None:
    """Reasons use NumberStyle()'s symbols: those of the en and zh_CN decimal pattern (Babel)."""
    style, rule = NumberStyle.from_babel(locale), NumberStyle()
    assert (style.decimal, style.group, style.grouping, style.prefix) == (
        rule.decimal, rule.group, rule.grouping, rule.prefix)


PATTERNS = [(None, False), (None, True), ("#,##0.00", False), ("#,##0", False), ("#,##0.0%", True),
            ("0.00##", False), ("#,##0.00;(#,##0.00)", False), ("#,##,##0.###", False), ("#,#00.0", False),
            ("000", False), ("#,###", False)]


@settings(max_examples=150)
@given(st.lists(numbers.filter(lambda v: not abs(v) >= 1e15), max_size=30),  # Babel's own limit (28 digits)
       st.sampled_from(["en", "zh_CN", "de", "fr", "en_IN"]),
       st.sampled_from(PATTERNS))
def test_babel_patterns_equal_babel(values: list[float], locale: str, pattern: tuple[str | None, bool]) -> None:
    style = NumberStyle.from_babel(locale, pattern[0], percent=pattern[1])
    arr = np.array(values, dtype="float64")
    assert style.format(arr).to_pylist() == [style.scalar(v) for v in values]


def test_babel_percent_and_negative() -> None:
    zh = NumberStyle.from_babel("zh_CN", percent=True)
    assert zh.format(np.array([0.12345, -0.5, 12.3])).to_pylist() == ["12%", "-50%", "1,230%"]
    de = NumberStyle.from_babel("de", "#,##0.00;(#,##0.00)")
    assert de.format(np.array([-1234567.891, 0.5])).to_pylist() == ["(1.234.567,89)", "0,50"]


def test_unsupported_patterns_are_refused() -> None:
    with pytest.raises(ValueError, match="one value at a time"):
        NumberStyle.from_babel("en", "@@##")
    with pytest.raises(ValueError, match="one value at a time"):
        NumberStyle.from_babel("en", "0.###E0")

