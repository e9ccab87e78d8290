"""The cells of an exercise: the columns shown to students, the cut-offs they write down, and how a
value is shown (dates as Excel serials)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..i18n import mark, trc
from ..numfmt import fmt_amount
from ..ruleset.model import Text

#: the accepted range of a cut-off: ``(lower end included, upper end included or None for no upper end)``
RANGES: dict[tuple[bool, bool | None], str] = {
    (True, None): mark("accepted range", "from {lo}"),
    (False, None): mark("accepted range", "above {lo}"),
    (True, True): mark("accepted range", "from {lo} up to {hi}"),
    (True, False): mark("accepted range", "from {lo} below {hi}"),
    (False, True): mark("accepted range", "above {lo} up to {hi}"),
    (False, False): mark("accepted range", "above {lo} below {hi}"),
}


def text_of(by_lang: Mapping[str, str]) -> Text:
    """A rule-set :class:`Text` from texts by language (the languages a ``Text`` holds)."""
    return Text.of(by_lang)

EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Column:
    """A column of the Data sheet. ``kind``: id, money, int, share, score, date, text."""

    name: str
    label: Text
    kind: str


@dataclass(frozen=True)
class Threshold:
    """A cut-off the student writes down (level 3).

    The rule reads ``value <op> cut-off`` (``op`` one of ``>= > <= <``); every cut-off that puts
    each customer of the data on the same side as the key's is right, i.e. any number in the
    interval ``lo .. hi`` (``lo_closed``/``hi_closed`` say whether the ends count).  Dates are
    stored as Excel serial numbers.
    """

    key: str
    label: Text
    kind: str
    op: str
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool
    example: float

    def accepts(self, value: float | None) -> bool:
        if value is None or math.isnan(value):
            return False
        above = value > self.lo or (self.lo_closed and value == self.lo)
        below = value < self.hi or (self.hi_closed and value == self.hi)
        return above and below

    def show(self, value: float, lang: str = "en") -> str:
        return format_value(value, self.kind, lang)

    def range_text(self, lang: str = "en") -> str:
        lo, hi = self.show(self.lo, lang), self.show(self.hi, lang)
        text = RANGES[(self.lo_closed, None if math.isinf(self.hi) else self.hi_closed)]
        return trc(lang, "accepted range", text, lo=lo, hi=hi)  # i18n: marked


def to_serial(value: Any) -> float | None:
    """An Excel serial day number from a date, datetime, pandas Timestamp or number."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return float((value.date() - EXCEL_EPOCH).days)
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH).days)
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    return None


def from_serial(serial: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def format_value(value: Any, kind: str, lang: str = "en") -> str:
    """A value as the sheets and the feedback show it."""
    if _missing(value):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if kind == "date":
        serial = to_serial(value)
        return from_serial(serial).isoformat() if serial is not None else str(value)
    if kind == "share":
        return f"{float(value):.4f}"
    if kind in ("money", "int", "score"):
        return fmt_amount(float(value))
    return str(value)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | bytes | dt.date):
        return value is pd.NaT
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
