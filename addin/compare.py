"""The ``compare_tiers`` button: who moved between tiers, written as the two sheets ``tierkit compare`` writes
(``Tier movement`` and ``Customer moves``, or their Chinese names).

It compares the data sheet with another sheet named in the ``tierkit`` settings sheet (``compare_with |
Q2 customers``: an earlier snapshot, whose own Tier ID column is used when it has one), or the data sheet at
two dates (``compare_from | 2024-06-30``, to ``as_of`` or today).
"""

from __future__ import annotations

import math
from typing import Any

from tierkit import TierkitError, app
from tierkit.i18n import tr
from tierkit.movement import Cells, movement_cells, movement_since, moves_cells, sheet_names

from . import core
from .core import blank
from .workbook import find_sheet, fresh_sheet, prepare, put, read_settings, sheet_values


def compare(book: Any, rule_set: str | None = None, lang: str | None = None) -> dict[str, Any]:
    run = prepare(book, rule_set, lang)
    lang, rs, st = run.lang, run.ruleset, run.table
    settings = read_settings(book)
    other, start = settings.get("compare_with"), settings.get("compare_from")
    if blank(other) == blank(start):
        raise TierkitError(tr(lang, "tell the button what to compare with: one row {a} or one row {b} on the "
                                    "'{sheet}' sheet", a="compare_with | <sheet>", b="compare_from | <date>",
                              sheet=core.SETTINGS_SHEET))
    movement_name, moves_name = sheet_names(lang)
    own = {core.SETTINGS_SHEET.casefold(), movement_name.casefold(), moves_name.casefold()}
    if st.sheet.name.casefold() in own:
        raise TierkitError(tr(lang, "'{sheet}' is tierkit's own sheet", sheet=st.sheet.name),
                           hint=tr(lang, "activate the sheet with your customer table and press the button again"))
    before: Any = None
    compare_from = None
    if not blank(other):
        sheet = find_sheet(book, str(other).strip())
        if sheet is None:
            raise TierkitError(tr(lang, "the tierkit sheet names a sheet to compare with, '{sheet}', that does not "
                                        "exist", sheet=str(other).strip()))
        if sheet.name.casefold() == st.sheet.name.casefold() or sheet.name.casefold() in own:
            raise TierkitError(tr(lang, "'{sheet}' cannot be compared with itself", sheet=sheet.name),
                               hint=tr(lang, "name an earlier snapshot of the table in {key}", key="compare_with"))
        before = app.table_from_cells(sheet_values(sheet), name=str(book.name), sheet=sheet.name,
                                      what=tr(lang, "table on sheet '{sheet}'", sheet=sheet.name))
    else:
        compare_from = core.parse_as_of(start)
    since = movement_since(st.table.raw, rs, lang=lang, as_of=run.as_of, compare_from=compare_from, before=before)
    mv = since.movement
    title = tr(lang, "Tier movement: {title} ({name}), {before} → {after}", title=rs.title.get(lang), name=rs.name,
               before=mv.before.name, after=mv.after.name)
    write_cells(fresh_sheet(book, movement_name), movement_cells(mv, lang=lang, title=title, notes=since.notes()))
    write_cells(fresh_sheet(book, moves_name), moves_cells(mv, lang=lang))
    st.sheet.activate()
    return {"rule_set": rs.name, "sheet": st.sheet.name, "customers": mv.n,
            "moves": {sm.scale or "": sm.move_counts() for sm in mv.scales},
            "value_at_risk": round(mv.value_at_risk, 2), "report": since.console()}


def write_cells(sheet: Any, cells: Cells) -> None:
    """One block of values from A1, then the fills of the coloured cells."""
    block = [[_plain(v) for v in row] for row in cells.block()]
    if not block:
        return
    put(sheet, 1, 1, block)
    for (r, c), color in sorted(cells.fills.items()):
        sheet.range((r + 1, c + 1)).color = color
    sheet.range((1, 1), (min(len(block), 50), len(block[0]))).columns.autofit()


def _plain(value: Any) -> Any:
    """A value Excel takes: NaN and None as blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value
