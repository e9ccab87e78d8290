"""The movement a brief shows on its movement page: the brief's table classified at an earlier date
(``--compare-from``) or an earlier snapshot file (``--before``), against the same table now.

Both points are taken exactly as ``tierkit compare`` takes them, so the page, the console and the movement
workbook give the same figures for the same inputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import app
from ..errors import TierkitError
from ..i18n import tr
from ..ruleset.model import RuleSet
from .compute import Movement, compare
from .snapshot import relative_features, snapshot_at, snapshot_of_file
from .texts import console, notes


@dataclass
class Since:
    """A movement with the words that go with it (the console report and the notes, in ``lang``)."""

    movement: Movement
    lang: str
    relative: list[str] = field(default_factory=list)

    def console(self) -> list[str]:
        return console(self.movement, self.lang, relative=self.relative)

    def notes(self) -> list[str]:
        return notes(self.movement, self.lang, relative=self.relative)


def movement_since(table: app.RawTable, rs: RuleSet, *, lang: str, as_of: dt.date | None = None,
                   compare_from: dt.date | None = None, before: str | Path | app.RawTable | None = None,
                   sheet: str | None = None, header_row: int | None = None, id_column: str | None = None,
                   keep_all_rows: bool = False, visible_only: bool = False) -> Since:
    """Who moved between ``compare_from`` (or the snapshot file ``before``) and ``as_of`` (default today) in
    ``table``.  Exactly one of ``compare_from`` and ``before`` (a file, or a table already read) is given.
    Without ``as_of`` the later point is what ``apply`` takes without one: today, or the latest order date of
    an orders sheet."""
    if (compare_from is None) == (before is None):
        raise TierkitError(tr(lang, "give one of {a} and {b}", a="--compare-from", b="--before"))
    opts = dict(id_column=id_column, keep_all_rows=keep_all_rows, lang=lang)
    now = as_of or dt.date.today()
    later = as_of.isoformat() if as_of is not None else tr(lang, "latest data")
    if compare_from is not None:
        if compare_from > now:
            raise TierkitError(tr(lang, "{option} {date} is after the brief's date {as_of}", option="--compare-from",
                                  date=compare_from.isoformat(), as_of=now.isoformat()),
                               hint=tr(lang, "give an earlier date, or a later {option}", option="--as-of"))
        snap_b, _ = snapshot_at(table, rs, as_of=compare_from, name=compare_from.isoformat(), reasons=False,
                                **opts)  # type: ignore[arg-type]
        snap_a, _ = snapshot_at(table, rs, as_of=as_of, name=later, reasons=False,
                                **opts)  # type: ignore[arg-type]
        return Since(compare(snap_b, snap_a), lang, relative_features(rs))
    assert before is not None
    old = before if isinstance(before, app.RawTable) else app.open_table(
        before, sheet=sheet, header_row=header_row, visible_only=visible_only, rulesets=[rs])
    snaps = [snapshot_of_file(t, rs, lang=lang, as_of=as_of, id_column=id_column, keep_all_rows=keep_all_rows,
                              reasons=False) for t in (old, table)]
    if snaps[0].name == snaps[1].name:  # two sheets of one workbook, or two files of one name
        if isinstance(before, app.RawTable):
            snaps[0].name, snaps[1].name = str(before.sheet or snaps[0].name), str(table.sheet or snaps[1].name)
        else:
            snaps[0].name = str(Path(before))
    relative = [] if all(s.given for s in snaps) else relative_features(rs)
    return Since(compare(snaps[0], snaps[1]), lang, relative)
