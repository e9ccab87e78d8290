"""Rule-file ``params:``: named numbers (cut-offs) that ``--param name=value`` overrides.

A rule file declares ``params: {a_share: 0.80, b_share: 0.95}``; the expressions use the names
like columns (``when: revenue_cum_share < a_share``).  :func:`resolve_params` merges the
defaults with the command-line overrides (unknown names are an error with a did-you-mean) and
:func:`apply_params` adds each as a constant column, so every backend (the compiled pandas
path, the row-by-row rule-engine oracle, SQL) sees them as ordinary symbols.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from tierkit.errors import DataError, RuleFileError, TierkitError, Where, did_you_mean

__all__ = ["apply_params", "parse_number", "parse_param_assignments", "resolve_params"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_number(value: object) -> int | float:
    """``0.7``, ``"0.7"``, ``"70%"``, ``"1,000"`` -> a number; anything else raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        return value
    text = str(value).strip().replace(",", "").replace("，", "")
    percent = text.endswith(("%", "％"))
    if percent:
        text = text[:-1].strip()
    try:
        number = float(text) / 100 if percent else float(text)
    except ValueError:
        raise ValueError(f"not a number: {value!r}") from None
    if not percent and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return number


def parse_param_assignments(items: Iterable[str]) -> dict[str, int | float]:
    """``["a_share=0.7", "b_share=90%"]`` (the CLI's repeated ``--param``) -> a dict."""
    out: dict[str, int | float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise TierkitError(f"--param expects NAME=VALUE, got {item!r}")
        try:
            out[name] = parse_number(value)
        except ValueError as err:
            raise TierkitError(f"--param {name}: {err}") from err
    return out


def resolve_params(
    declared: Mapping[str, object] | None,
    overrides: Mapping[str, object] | None = None,
    *,
    source: str | None = None,
) -> dict[str, int | float]:
    """Defaults from the rule file updated by overrides; every value a number."""
    params: dict[str, int | float] = {}
    for name, default in (declared or {}).items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise RuleFileError(f"param name {name!r} is not an identifier", where=Where(file=source))
        try:
            params[name] = parse_number(default)
        except ValueError as err:
            raise RuleFileError(f"param '{name}': {err}", where=Where(file=source)) from err
    for name, value in (overrides or {}).items():
        if name not in params:
            hint = did_you_mean(name, params) or (
                "this rule set declares no params" if not params else f"known: {', '.join(params)}"
            )
            raise TierkitError(f"unknown param '{name}'", hint=hint)
        try:
            params[name] = parse_number(value)
        except ValueError as err:
            raise TierkitError(f"--param {name}: {err}") from err
    return params


def apply_params(frame: pd.DataFrame, params: Mapping[str, int | float]) -> pd.DataFrame:
    """A copy of ``frame`` with one constant column per param (a clash with a data column is an error)."""
    clash = [name for name in params if name in frame.columns]
    if clash:
        raise DataError(
            f"param '{clash[0]}' has the same name as a column of the table",
            hint="rename the column or the param",
        )
    out = frame.copy()
    for name, value in params.items():
        out[name] = pd.Series(value, index=out.index, dtype="int64" if isinstance(value, int) else "float64")
    return out
