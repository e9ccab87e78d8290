"""The one plain number format of rules and reasons, with no dependency: :func:`tierkit.numfmt.fmt_number` (one
value) and :func:`tierkit.numvec.reason_numbers` (a column) both show numbers this way."""

from __future__ import annotations

import decimal


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
