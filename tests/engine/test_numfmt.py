"""tierkit.numfmt: every number style tierkit prints, pinned (the golden files pin them in context too)."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit.compile import describe
from tierkit.numfmt import Formatter, display_round, fmt_amount, fmt_cut_point, fmt_number, fmt_value
from tierkit.reporting import fmt as report_fmt


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (5, "5"), (1234, "1234"), (12345, "12,345"), (-12345.0, "-12,345"), (1234.5, "1,234.50"),
    (0.123456, "0.1235"), (999.95, "1000"), (decimal.Decimal("0.8"), "0.8"), (float("nan"), "NaN"),
])
def test_rule_numbers(value: object, text: str) -> None:
    assert fmt_number(value) == text  # type: ignore[arg-type]


def test_rule_values() -> None:
    assert fmt_value(None) == "blank" and fmt_value(None, "zh") == "空白"
    assert fmt_value(True) == "TRUE"
    assert fmt_value(dt.datetime(2024, 1, 5)) == "2024-01-05"
    assert fmt_value(dt.datetime(2024, 1, 5, 9, 30)) == "2024-01-05 09:30"
    assert fmt_value(dt.timedelta(days=30), "zh") == "30天"
    assert describe.fmt_value is fmt_value  # the explanations use this one formatter


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_display_round_stays_finite_and_close(x: float) -> None:
    """Reasons format each rounded value once: rounding never loses a number (subnormals used to give NaN)."""
    (rounded,) = display_round(np.array([x]))
    assert np.isfinite(rounded)
    assert abs(rounded - x) <= 0.005 + 5e-4 * abs(x)


def test_display_round_matches_what_is_shown() -> None:
    values = np.array([1234.5678, 0.123456, 12.0, np.nan, 5e-324, -0.000123456])
    shown = [fmt_number(v) for v in display_round(values)]
    assert shown == ["1,234.57", "0.1235", "12", "NaN", "4.941e-324", "-0.0001235"]


@pytest.mark.parametrize(("value", "text"), [(1234, "1,234"), (1234.5, "1,234.50"), (0.0, "0"), (-7.125, "-7.12")])
def test_amounts(value: float, text: str) -> None:
    assert fmt_amount(value) == text


@pytest.mark.parametrize(("value", "text"), [(None, "-"), (0.333333, "0.3333"), (12345.6, "12,346"), (3, "3")])
def test_cut_points(value: object, text: str) -> None:
    assert fmt_cut_point(value) == text


def test_the_briefs_use_the_same_formatter() -> None:
    assert report_fmt.Formatter is Formatter
    en, zh = Formatter("en"), Formatter("zh")
    assert en.number(1234567.8) == "1,234,568" and en.auto(0.125) == "0.12" and en.percent(0.1234) == "12.3%"
    assert zh.compact(174_844_300) == "1.7亿" and en.number(float("nan")) == "–"
