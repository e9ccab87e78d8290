"""Cells as Excel sends them and as the functions spill them: blanks, Office.js typed values, numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tierkit import TierkitError, app
from tierkit.errors import msg

Rows = list[list[Any]]
_parse_number = app.parse_number
blank = app.blank  # a blank cell: None, empty/space text, NaN.  A 0 is a value, not a blank.


def clean(value: Any) -> Any:
    """One raw cell as sent by Excel: ``""`` -> None; an Office.js typed value (``{"type": "Double",
    "basicValue": 3}``, a FormattedNumber date serial) -> its basic value; an error value -> None."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dict):
        if value.get("type") == "Error":
            return None
        return clean(value.get("basicValue"))
    return value


def as_rows(value: Any) -> Rows:
    """Any xlwings argument (scalar, 1-D or 2-D list, raw from Excel) as a list of rows of clean cells."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        return [[clean(value)]]
    if not value:
        return []
    if not isinstance(value[0], list | tuple):
        value = [value]
    # the common cells (numbers, blanks, plain text) without a call each; the rest through clean()
    return [[v if v is None or (t := type(v)) is int or t is float or (t is str and v.strip()) else clean(v)
             for v in row] for row in value]


def as_column(value: Any) -> list[Any]:
    """A one-column or one-row range as a flat list (a 2-D block is read row by row)."""
    rows = as_rows(value)
    if len(rows) == 1 and len(rows[0]) > 1:
        return list(rows[0])
    return [v for row in rows for v in row]


def scalar(value: Any) -> Any:
    rows = as_rows(value)
    return rows[0][0] if rows and rows[0] else None


def number(value: Any) -> float | None:
    """A cell as a number: ``1,234``, ``"¥1,234.5"``, ``"12%"``; blank -> None; anything else raises."""
    if blank(value):
        return None
    return _parse_number(value)  # the engine's own reading: 1,234 / ¥1,234.5 / 12% / (1,234); bools raise


_PLAIN_NUMBER = (int, float, type(None))


def numbers(values: Sequence[Any], what: str) -> pd.Series:
    """Cells as floats (blank: NaN), in one numpy conversion; only the other cells (text such as
    ``"1,234"``, ``"12%"``) are read one by one."""
    kinds = set(map(type, values))
    if kinds <= set(_PLAIN_NUMBER):
        return pd.Series(np.array(values, dtype="float64"), dtype="float64")
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if type(v) in _PLAIN_NUMBER:
            out[i] = np.nan if v is None else v
            continue
        try:
            x = number(v)
        except ValueError:
            raise TierkitError(
                msg("{what}: cell {value} holds {v!r}, which is not a number", what=what, value=i + 1, v=v),
                hint=msg("clear the cell or type a number"),
            ) from None
        out[i] = np.nan if x is None else x
    return pd.Series(out, dtype="float64")


def cell_values(values: Sequence[Any]) -> list[Any]:
    """Values Excel takes as they are (the functions return them ``raw``): text, int, float; a blank or a
    NaN as ``""``, a numpy scalar as its Python value."""
    return [v if (t := type(v)) is str or t is int or (t is float and v == v) else _cell_value(v) for v in values]


def _cell_value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, np.generic):
        return _cell_value(v.item())
    return v if isinstance(v, str | int | float) else str(v)


def column(values: Sequence[Any]) -> Rows:
    """A spilled column."""
    return [[v] for v in values] if values else [[""]]


def blank_to_none(value: Any) -> Any:
    """A single cell argument: Office.js sends a blank as "" (and some clients as a 1x1 list)."""
    while isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value
