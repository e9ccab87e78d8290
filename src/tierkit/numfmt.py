"""Every way tierkit shows a number, in one module.

Each style has one job, and its output is pinned by golden files and tests:

* :func:`fmt_number` / :func:`fmt_value`: rules and reasons (``revenue 120,500 ≥ 100,000``): integers
  grouped from 10,000, two decimals from 1,000, else 4 significant digits; :func:`display_round` rounds a
  whole column the same way, so equal texts are formatted once.
* :func:`fmt_amount`: trainer-kit sheets and feedback: grouped, no decimals for whole numbers, else two.
* :func:`fmt_cut_point`: feature metadata lines (cut points): 4 significant digits below 1,000, else grouped.
* :class:`Formatter`: the briefs, localised with Babel (``en`` / ``zh_CN`` / any language's locale):
  numbers, percents, dates.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
from typing import Any

import numpy as np

from .errors import TierkitError
from .i18n import languages, tr, trc

#: Babel locales of the languages whose code is not a Babel locale by itself (any other: the code)
LOCALES = {"en": "en", "zh": "zh_CN"}
DASH = "–"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# -- rules and reasons ------------------------------------------------------------------------------------
def fmt_number(value: float | decimal.Decimal | int) -> str:
    """``12,345`` / ``1234`` / ``1,234.57`` / ``0.1235``: a number in a rule or a reason."""
    number = float(value)
    if number != number:
        return "NaN"
    if abs(number) >= 1000 or number == int(number):
        if number == int(number):
            return f"{int(number):,}" if abs(number) >= 10000 else str(int(number))
        return f"{number:,.2f}"
    return f"{number:.4g}"


def fmt_value(value: Any, lang: str = "en") -> str:
    """Any rule-engine value as rules and reasons show it (blank, TRUE/FALSE, numbers, dates, durations)."""
    if value is None:
        return blank_word(lang)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int | decimal.Decimal):
        return fmt_number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.timedelta):
        return tr(lang, "{n} days", n=value.days)
    return str(value)


def blank_word(lang: str = "en") -> str:
    """How a blank value reads in rules and reasons."""
    return trc(lang, "value", "blank")


def display_round(values: np.ndarray) -> np.ndarray:
    """Round numbers as :func:`fmt_number` shows them (2 decimals from 1,000, else 4 significant digits)."""
    out = values.copy()
    with np.errstate(all="ignore"):
        mag = np.abs(values)
        frac = ~np.isnan(values) & (values != np.floor(values))
        big = frac & (mag >= 1000)
        out[big] = np.round(values[big], 2)
        small = frac & (mag < 1000) & (mag > 0)
        digits = 3 - np.floor(np.log10(mag[small]))
        scale = 10.0 ** digits
        rounded = np.round(values[small] * scale) / scale
        # tiny (subnormal) numbers overflow the scale: they keep their value
        out[small] = np.where(np.isfinite(rounded), rounded, values[small])
    return out


# -- trainer kit and feature metadata ------------------------------------------------------------------------
def fmt_amount(value: float | int) -> str:
    """``1,234`` for a whole number, else ``1,234.57``."""
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def fmt_cut_point(value: Any) -> str:
    """``0.3333`` / ``12,346``: a float cut point; ``-`` for none; anything else as text."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


# -- the briefs (localised) --------------------------------------------------------------------------------
def check_lang(lang: str) -> str:
    """``lang`` when tierkit speaks it (English, or a language with a catalogue) and Babel has its formats."""
    if not isinstance(lang, str) or lang not in languages():
        raise _unknown(lang)
    babel_locale(lang)
    return lang


@functools.cache
def babel_locale(lang: str) -> str:
    """The Babel locale of a language: :data:`LOCALES` where it names one (``zh`` -> ``zh_CN``), else the
    language code itself when Babel knows it (``ja`` -> ``ja``, ``pt-BR`` -> ``pt_BR``)."""
    if lang in LOCALES:
        return LOCALES[lang]
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise _unknown(lang) from exc


def _unknown(lang: object) -> TierkitError:
    return TierkitError(f"unknown language '{lang}'", hint=f"use {', '.join(languages())}")


class Formatter:
    """Number, percent and date formats for one language (its Babel locale: ``en``, ``zh_CN``, ...)."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.locale = babel_locale(lang)

    def number(self, value: Any, digits: int = 0) -> str:
        """``1,234,568``; ``digits`` decimals; blanks and NaN print as ``–``."""
        from babel.numbers import format_decimal

        if _is_blank(value):
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def auto(self, value: Any) -> str:
        """A number with the decimals it needs: integers plain, small numbers with up to 2 decimals."""
        from babel.numbers import format_decimal

        if _is_blank(value):
            return DASH
        number = float(value)
        if number == int(number) or abs(number) >= 1000:
            return self.number(number)
        return format_decimal(number, format="#,##0.##", locale=self.locale)

    def percent(self, value: Any, digits: int = 1) -> str:
        from babel.numbers import format_percent

        if _is_blank(value):
            return DASH
        return format_percent(value, format="#,##0" + ("." + "0" * digits if digits else "") + "%",
                              locale=self.locale)

    def compact(self, value: float) -> str:
        """Short numbers for chart labels: ``174.8M`` / ``1.7亿``."""
        from babel.numbers import format_compact_decimal

        if abs(value) < 10_000:
            return self.number(value)
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        from babel.dates import format_date

        if value is None:
            return DASH
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format="long", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        from babel.dates import format_datetime

        return format_datetime(value, format="medium", locale=self.locale)

    def cell(self, value: Any) -> str:
        """Any table cell: numbers and dates localised, blanks as ``–``, everything else as text."""
        import pandas as pd

        if value is None or value is pd.NA or value is pd.NaT:
            return DASH
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return self.auto(value)
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


__all__ = ["LOCALES", "Formatter", "babel_locale", "blank_word", "check_lang", "display_round", "fmt_amount",
           "fmt_cut_point", "fmt_number", "fmt_value"]
