"""What users type besides the table: as-of dates, ``name=value`` params and rule-set specs.

One reading for every adapter: ``--as-of 2024/1/5`` means the same to ``apply``, ``brief`` and the
add-in's ``as_of`` setting; ``sheet:Rules`` names a rules table wherever a rule set is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import TierkitError, did_you_mean, listing, msg
from ..ruleset import builtin_names, load_ruleset, ruleset_from_rows
from ..ruleset.loader import apply_param_overrides
from ..ruleset.model import RuleSet
from ..timings import phase
from ..values import parse_date, parse_number
from .tables import blank as _blank

Rows = Sequence[Sequence[Any]]
#: a workbook's sheet by name -> its cells (None when there is no such sheet)
SheetRows = Callable[[str], Rows | None]


#: the dates an as-of may be: pandas counts days in nanoseconds, which end in April 2262
FIRST_AS_OF, LAST_AS_OF = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def parse_as_of(value: Any, *, what: str = "--as-of") -> dt.date | None:
    """A date as a user gives it: ``2024-12-31``, ``2024/1/5``, ``2024年1月5日``, ``31/12/2024``, a date or
    datetime, or an Excel serial number.  Blank -> None (today, or the latest order date)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(value)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise TierkitError(
            msg("{what} {value!r} is not a date", what=what, value=str(value)), hint=msg("write it as 2024-12-31")
        )
    if not FIRST_AS_OF <= parsed.date() <= LAST_AS_OF:
        raise TierkitError(
            msg(
                "{what} {value!r} is outside the dates tierkit counts with ({first_as_of:%Y-%m-%d} to "
                "{last_as_of:%Y-%m-%d})",
                what=what,
                value=str(value),
                first_as_of=FIRST_AS_OF,
                last_as_of=LAST_AS_OF,
            ),
            hint=msg("write a date such as 2024-12-31"),
        )
    return parsed.date()


#: what users write for a language, besides its code
LANGUAGE_NAMES = {"english": "en", "英文": "en", "英语": "en", "chinese": "zh", "中文": "zh", "cn": "zh",
                  "zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "简体中文": "zh"}


def language(value: Any) -> str:
    """A language as a user gives it (``zh``, ``中文``, ``English``; blank: English) -> a language code tierkit
    speaks (English, or one with a catalogue: :func:`tierkit.i18n.languages`)."""
    from ..i18n import SOURCE_LANG, languages

    text = "" if value is None else str(value).strip()
    if not text:
        return SOURCE_LANG
    key = text.casefold()
    code = LANGUAGE_NAMES.get(key, key)
    known = languages()
    if code in known:
        return code
    raise TierkitError(
        msg("unknown language '{text}'", text=text),
        hint=did_you_mean(code, known) or msg("use {known}", known=listing(known)),
    )


def parse_params(items: Iterable[str] | Mapping[str, Any], *, what: str = "--param") -> dict[str, float]:
    """``name=value`` items (or a mapping) -> numbers; ``70%`` is 0.7, ``1,200`` is 1200."""
    pairs: list[tuple[str, Any, str]] = []
    if isinstance(items, Mapping):
        pairs = [(str(k), v, f"{k}={v}") for k, v in items.items()]
    else:
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise TierkitError(
                    msg("{what} {item!r} must look like name=value", what=what, item=item),
                    hint=msg("e.g. {what} a_share=0.7", what=what),
                )
            pairs.append((key.strip(), value, item))
    out: dict[str, float] = {}
    for key, value, item in pairs:
        try:
            number = parse_number(value)
        except ValueError:
            number = None
        if number is None:
            raise TierkitError(
                msg("{what} {item!r}: {value!r} is not a number", what=what, item=item, value=value),
                hint=msg("e.g. {what} a_share=0.7", what=what),
            )
        out[key] = number
    return out


# --------------------------------------------------------------------------- rule sets

_file_cache: dict[str, tuple[RuleSet, float | None]] = {}
_rows_cache: dict[tuple[tuple[str, ...], ...], RuleSet] = {}


def _mtime(path: Path | None) -> float | None:
    try:
        return path.stat().st_mtime if path else None
    except OSError:
        return None


def load_named(name: str) -> RuleSet:
    """A built-in name or a YAML path, parsed once until the file changes."""
    hit = _file_cache.get(name)
    if hit is not None and _mtime(hit[0].path) == hit[1]:
        return hit[0]
    rs = load_ruleset(name)
    if len(_file_cache) > 64:
        _file_cache.clear()
    _file_cache[name] = (rs, _mtime(rs.path))
    return rs


def rules_from_rows(rows: Rows, *, name: str = "workbook_rules", label: str = "rules range") -> RuleSet:
    """A rules table (``id | label | when | strategy``) from cells, parsed once per distinct content."""
    key = tuple(tuple("" if _blank(v) else str(v) for v in row) for row in rows)
    rs = _rows_cache.get(key)
    if rs is None:
        clean = [[None if _blank(v) else v for v in row] for row in trim(rows)]
        rs = ruleset_from_rows(clean, name=name, source_label=label)
        if len(_rows_cache) > 64:
            _rows_cache.clear()
        _rows_cache[key] = rs
    return rs


def rules_sheet_name(spec: str) -> str | None:
    """``sheet:Rules`` -> ``Rules``; anything else -> None."""
    return spec.split(":", 1)[1].strip() if spec.strip().lower().startswith("sheet:") else None


def load_rules(spec: str | RuleSet | Rows, *, sheet_rows: SheetRows | None = None, workbook: str = "the workbook",
               bare_sheet_names: bool = False) -> RuleSet:
    """One rule set from what a user gives: a RuleSet, a built-in name (``rfm``), a YAML path,
    ``sheet:NAME`` (a rules table on a sheet of the workbook, read through ``sheet_rows``), or cells of a
    rules table.  With ``bare_sheet_names`` (the add-in), a plain name that is a sheet of the workbook
    means that sheet."""
    if isinstance(spec, RuleSet):
        return spec
    if not isinstance(spec, str):
        return rules_from_rows(spec)
    text = spec.strip()
    if not text:
        raise TierkitError(
            msg("no rule set given"),
            hint=msg(
                "give a built-in name ({builtin_names}), a path to a .yaml file, or sheet:NAME for a rules table "
                "in the workbook",
                builtin_names=listing(builtin_names()),
            ),
        )
    sheet = rules_sheet_name(text)
    if sheet is None and bare_sheet_names and sheet_rows is not None and sheet_rows(text) is not None:
        sheet = text
    if sheet is None:
        return load_named(text)
    rows = sheet_rows(sheet) if sheet_rows is not None else None
    if rows is None:
        raise TierkitError(
            msg("rules {text}: {workbook} has no sheet '{sheet}'", text=text, workbook=workbook, sheet=sheet),
            hint=msg("a rules sheet holds a table id | label | when | strategy"),
        )
    name = sheet.strip().lower().replace(" ", "_") or "sheet"
    return rules_from_rows(rows, name=name, label=f"{workbook} sheet '{sheet}'")


@phase("rules")
def resolve_rules(specs: Sequence[str | RuleSet | Rows], *, params: Mapping[str, float] | None = None,
                  sheet_rows: SheetRows | None = None, workbook: str = "the workbook",
                  bare_sheet_names: bool = False) -> list[RuleSet]:
    """Every rule set of a run, with ``params`` overriding the rule sets' own parameters.

    A parameter no rule set has is an error (with a did-you-mean), and so is the same rule set twice.
    """
    rulesets = [load_rules(s, sheet_rows=sheet_rows, workbook=workbook, bare_sheet_names=bare_sheet_names)
                for s in specs]
    if params:
        known = {k for rs in rulesets for k in rs.params}
        unknown = [k for k in params if k not in known]
        if unknown:
            shown = listing(sorted(known)) if known else msg("none")
            raise TierkitError(msg("unknown parameter '{unknown}'", unknown=unknown[0]),
                               hint=did_you_mean(unknown[0], known) or msg("parameters: {listing}", listing=shown))
        rulesets = [apply_param_overrides(rs, {k: v for k, v in params.items() if k in rs.params})
                    if any(k in rs.params for k in params) else rs for rs in rulesets]
    names = [rs.name for rs in rulesets]
    if len(set(names)) != len(names):
        raise TierkitError(msg("the same rule set is given twice"), hint=msg("give each rule set once"))
    return rulesets


def workbook_sheet_rows(path: Path) -> SheetRows:
    """``sheet_rows`` for a workbook file: a sheet's table (header row first), or None."""
    from ..errors import InputFileError
    from ..io import list_sheets, read_table

    def rows(name: str) -> Rows | None:
        try:
            names = list_sheets(path)  # [] for csv and parquet
        except InputFileError:
            return None
        if not any(n.strip().casefold() == name.strip().casefold() for n in names):
            return None
        table = read_table(path, sheet=name)
        frame = table.frame
        return [list(frame.columns), *frame.astype(object).where(frame.notna(), None).values.tolist()]

    return rows


def trim(rows: Rows) -> list[list[Any]]:
    """Drop trailing blank rows and columns."""
    out = [list(r) for r in rows]
    while out and all(_blank(v) for v in out[-1]):
        out.pop()
    width = max((max((j + 1 for j, v in enumerate(r) if not _blank(v)), default=0) for r in out), default=0)
    return [(r + [None] * width)[:width] for r in out]


