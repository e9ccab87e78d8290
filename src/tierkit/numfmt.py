"""Every way tierkit shows a number, in one module.

Each style has one job, and its output is pinned by golden files and tests:

* :func:`fmt_number` / :func:`fmt_value`: rules and reasons (``revenue 120,500 ≥ 100,000``): integers
  grouped from 10,000, two decimals from 1,000, else 4 significant digits; :func:`display_round` rounds a
  whole column the same way, so equal texts are formatted once.
* :func:`fmt_amount`: trainer-kit sheets and feedback: grouped, no decimals for whole numbers, else two.
* :func:`fmt_cut_point`: feature metadata lines (cut points): 4 significant digits below 1,000, else grouped.
* :class:`Formatter`: the briefs, localised with Babel (``en`` / ``zh_CN`` / any language's locale):
  numbers, percents, dates.
* :class:`FieldFormat`: a field's declared ``format`` (``percent``, ``money``, ``integer``, ``number``, ``date``,
  ``id``) and ``decimals``; every place that shows a field's value (reasons, rules in plain words, briefs,
  the summary sheet, ``explain``, the add-in) formats it through this one object, a value at a time
  (:meth:`FieldFormat.text`) or a whole column at a time (:meth:`FieldFormat.texts`, per-format Babel
  patterns run by :class:`tierkit.numvec.NumberStyle`).  A field without a format shows as :func:`fmt_value`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import TierkitError, listing, msg
from .i18n import languages, tr, trc
from .numtext import fmt_number as fmt_number

if TYPE_CHECKING:
    import pyarrow as pa

#: Babel locales of the languages whose code is not a Babel locale by itself (any other: the code)
LOCALES = {"en": "en", "zh": "zh_CN"}
DASH = "–"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# -- rules and reasons ------------------------------------------------------------------------------------
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
    return TierkitError(msg("unknown language '{lang}'", lang=lang),
                        hint=msg("use {names}", names=listing(languages())))


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

    def ident(self, value: Any) -> str:
        """A customer id: text, never grouped (``10377``, not ``10,377``); blanks as ``–``."""
        import pandas as pd

        if value is None or value is pd.NA or value is pd.NaT or _is_blank(value):
            return DASH
        return id_text(value.item() if isinstance(value, np.generic) else value)

    def field(self, value: Any, fmt: FieldFormat) -> str:
        """A value in its field's format (:class:`FieldFormat`), in this language; blanks as ``–``."""
        if isinstance(value, np.generic):
            value = value.item()
        if _is_blank(value):
            return DASH
        return fmt.text(value, self.lang)

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


# -- a field's declared format --------------------------------------------------------------------------
#: the values of a field's ``format:`` in a rule file
FORMATS: tuple[str, ...] = ("percent", "money", "integer", "number", "date", "id")
#: decimals shown when a field gives none (percent and number: at most; money: exactly, for a value with cents)
DEFAULT_DECIMALS = {"percent": 1, "money": 2, "integer": 0, "number": 2}
#: the most ``decimals:`` a rule file may ask for
MAX_DECIMALS = 10


@dataclass(frozen=True)
class FieldFormat:
    """How a field's values read: ``kind`` is one of :data:`FORMATS` (None: as rules show numbers,
    :func:`fmt_value`), ``decimals`` the digits after the point (None: :data:`DEFAULT_DECIMALS`).

    ``percent``: a share shown as a percentage in the language's own pattern (``0.5539`` -> ``55.4%``,
    German ``55,4 %``), at most ``decimals`` decimals; ``money``: grouped, ``decimals`` decimals when the
    value has cents (``120,500`` / ``1,234.50``); ``integer``: grouped and rounded (``1,234``); ``number``:
    grouped, at most ``decimals`` decimals; ``date``: ``2026-03-31``; ``id``: text, never grouped
    (``10377``)."""

    kind: str | None = None
    decimals: int | None = None

    @property
    def digits(self) -> int:
        return self.decimals if self.decimals is not None else DEFAULT_DECIMALS.get(self.kind or "", 0)

    @property
    def numeric(self) -> bool:
        """Whether the format is a number pattern (percent, money, integer, number)."""
        return self.kind in DEFAULT_DECIMALS

    def patterns(self, lang: str = "en") -> tuple[str, str]:
        """The Babel patterns of a whole value and of one with a fraction (the same but for money)."""
        optional = "." + "#" * self.digits if self.digits else ""
        if self.kind == "percent":
            from babel import Locale

            base = Locale.parse(babel_locale(lang)).percent_formats[None].pattern
            pattern = base.replace("0", "0" + optional, 1) if "0" in base else "#,##0" + optional + "%"
            return pattern, pattern
        if self.kind == "money":
            exact = "." + "0" * self.digits if self.digits else ""
            return ("#,##0" if self.decimals is None else "#,##0" + exact), "#,##0" + exact
        if self.kind == "integer":
            return "#,##0", "#,##0"
        return "#,##0" + optional, "#,##0" + optional

    def text(self, value: Any, lang: str = "en") -> str:
        """One value as this format shows it (blanks as the blank word, as rules and reasons say them)."""
        if isinstance(value, np.generic):
            value = value.item()
        if _is_blank(value):
            return blank_word(lang)
        if self.kind == "id":
            return id_text(value)
        is_number = isinstance(value, float | int | decimal.Decimal) and not isinstance(value, bool)
        if not (self.numeric and is_number) or not math.isfinite(float(value)):
            return fmt_value(value, lang)
        from babel.numbers import format_decimal, format_percent

        whole, fraction = self.patterns(lang)
        number = float(value)
        pattern = whole if number == int(number) else fraction
        fn = format_percent if self.kind == "percent" else format_decimal
        return fn(value, format=pattern, locale=babel_locale(lang))

    def texts(self, values: np.ndarray, lang: str = "en") -> pa.Array:
        """Every number of ``values`` (a float array) as :meth:`text` shows it, a whole column at a time."""
        import pyarrow as pa

        from .numvec import NumberStyle, reason_numbers

        values = np.asarray(values, dtype="float64")
        if self.kind == "id":
            return _id_texts(values)
        if not self.numeric:
            return reason_numbers(display_round(values))
        whole_pattern, fraction_pattern = self.patterns(lang)
        locale = babel_locale(lang)
        text = NumberStyle.from_babel(locale, whole_pattern).format(values)
        if whole_pattern == fraction_pattern:
            return text
        with np.errstate(invalid="ignore"):
            cents = np.isfinite(values) & (values != np.floor(values))
        if not cents.any():
            return text
        import pyarrow.compute as pc

        fractions = NumberStyle.from_babel(locale, fraction_pattern).format(values[cents])
        return pc.replace_with_mask(text, pa.array(cents), fractions)

    @property
    def excel(self) -> str | None:
        """The Excel number format of the field's cells (None: General)."""
        if self.kind == "percent":
            return "0" + ("." + "0" * self.digits if self.digits else "") + "%"
        if self.kind in ("money", "number"):
            return "#,##0" + ("." + "0" * self.digits if self.digits else "")
        if self.kind == "integer":
            return "#,##0"
        if self.kind == "date":
            return "yyyy-mm-dd"
        if self.kind == "id":
            return "0"
        return None


PLAIN = FieldFormat()


def id_text(value: Any) -> str:
    """An id as text: a whole number without separators or ``.0`` (``10377``), anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return str(int(value))
    return fmt_value(value) if isinstance(value, bool | dt.date) else str(value)


def _id_texts(values: np.ndarray) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 2.0**53)
    text = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
    if whole.all():
        return text
    rest = pa.array([id_text(float(v)) for v in values[~whole]], type=pa.string())
    return pc.replace_with_mask(text, pa.array(~whole), rest)


__all__ = ["DEFAULT_DECIMALS", "FORMATS", "LOCALES", "MAX_DECIMALS", "PLAIN", "FieldFormat", "Formatter",
           "babel_locale", "blank_word", "check_lang", "display_round", "fmt_amount",
           "fmt_cut_point", "fmt_number", "fmt_value", "id_text"]
