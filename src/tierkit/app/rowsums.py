"""The figures of the numeric total test of :mod:`tierkit.app.rows`: a measure cell as a number and its rounding
allowance, and the running sums a total line is compared with."""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

from ..values import parse_number


class _Sums:
    """Running sums of one measure: since the last total line, the subtotals since the last grand total,
    and every detail row since the last grand total (each with its rounding allowance)."""

    def __init__(self) -> None:
        self.run = self.run_tol = 0.0
        self.run_rows = 0
        self.subs: list[tuple[float, float]] = []
        self.all = self.all_tol = 0.0

    def add(self, value: float, tol: float, rows: int = 1) -> None:
        self.run += value
        self.run_tol += tol
        self.run_rows += rows
        self.all += value
        self.all_tol += tol

    def matches(self, value: float, tol: float) -> str | None:
        """``"sub"`` when ``value`` is the sum since the last total line, ``"grand"`` when it is the sum of the
        subtotals (or of every row since the last grand total), else None."""
        if value == 0:
            return None
        if self.run_rows and _close(value, self.run, tol + self.run_tol):
            return "sub"
        if self.subs and _close(value, self.all, tol + self.all_tol):
            return "grand"
        if len(self.subs) >= 2 and _close(value, sum(s for s, _ in self.subs), tol + sum(t for _, t in self.subs)):
            return "grand"
        return None

    def close(self, value: float | None, tol: float, grand: bool) -> None:
        if grand:
            self.subs, self.all, self.all_tol = [], 0.0, 0.0
        elif value is not None:
            self.subs.append((value, tol))
        self.run, self.run_tol, self.run_rows = 0.0, 0.0, 0


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + 1e-9 * max(abs(a), abs(b))


_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def number_and_unit(value: object) -> tuple[float | None, float]:
    """A measure cell as a number and half its last shown digit (``"12.3万"`` -> 123000 ± 500)."""
    try:
        number = parse_number(value)
    except (ValueError, TypeError):
        return None, 0.0
    if number is None or math.isnan(number):
        return None, 0.0
    if not isinstance(value, str):
        return number, 0.005
    text = unicodedata.normalize("NFKC", value)
    digits = _DIGITS.findall(text)
    decimals = len(digits[-1].rsplit(".", 1)[1]) if digits and "." in digits[-1] else 0
    scale = 1e8 if "亿" in text else 1e4 if "万" in text else 0.01 if "%" in text else 1.0
    return number, 0.5 * scale * 10.0 ** -decimals


def _figures(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A measure column as numbers (NaN where none) and their rounding allowances."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iufb":
        values = col.to_numpy(dtype="float64")
        return values, np.where(np.isnan(values), 0.0, 0.005)
    cells = col.to_numpy(dtype=object)
    try:
        values = cells.astype("float64")
        return values, np.where(np.isnan(values), 0.0, 0.005)
    except (TypeError, ValueError):
        pairs = [number_and_unit(v) for v in cells.tolist()]
        return (np.array([np.nan if v is None else v for v, _ in pairs], dtype="float64"),
                np.array([t for _, t in pairs], dtype="float64"))
