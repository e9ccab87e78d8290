"""Which table of a sheet holds the rule set's data, and what the reader did with the sheet's shape.

:func:`choose_table` reads every table of a sheet (Excel Tables, tables side by side or one under
another, see :mod:`tierkit.io.shapes`) and keeps the one whose headers name most of the rule set's
fields (by name or alias, as the rules will look them up).  :class:`ShapeReport` says, in the user's
language, which table was read and why, which totals row of an Excel Table was left out, which header
cells were merged and which hidden rows were read (or left out with ``visible_only``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ..i18n import join, tr, tr_n
from ..io import RawTable
from ..io.read import read_tables
from ..io.table import TableShape
from ..names import HeaderIndex

#: at most this many Excel rows are listed in a line of the report
SHOWN_ROWS = 10
#: the option that leaves hidden rows out, as the CLI spells it
VISIBLE_ONLY = "--visible-only"


class FieldLike(Protocol):
    """What :func:`choose_table` needs of a rule set's field (:class:`tierkit.ruleset.model.Field`)."""

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def optional(self) -> bool: ...


def fields_found(table: RawTable, fields: Mapping[str, FieldLike]) -> tuple[int, int]:
    """How many of ``fields`` the table's headers name: (required ones, all)."""
    index = HeaderIndex(table.frame.columns)
    required = found = 0
    for name, f in fields.items():
        if index.find([name, *f.aliases]) is not None:
            found += 1
            required += not f.optional
    return required, found


def choose_table(source: str | Path | Sequence[RawTable], fields: Mapping[str, FieldLike], *,
                 sheet: str | int | None = None, header_row: int | None = None,
                 visible_only: bool = False) -> RawTable:
    """The table of the sheet (a file read with :func:`tierkit.io.read.read_tables`, or tables already
    read) whose headers name most of ``fields``: required fields first, then all, then the largest.
    With one table, that table.  ``table.shape.chosen_by`` is ``"fields"`` when the fields decided."""
    tables = list(source) if not isinstance(source, str | Path) else read_tables(
        source, sheet=sheet, header_row=header_row, visible_only=visible_only)
    if not tables:
        raise ValueError("no tables to choose from")
    if len(tables) == 1:
        return tables[0]
    scores = [fields_found(t, fields) for t in tables]
    sizes = [len(t) * t.frame.shape[1] for t in tables]
    best = max(range(len(tables)), key=lambda i: (*scores[i], sizes[i], -i))
    t = tables[best]
    decided = any(scores[i] != scores[best] for i in range(len(tables)))
    return replace(t, shape=replace(t.shape, chosen_by="fields" if decided else "largest"))


@dataclass(frozen=True)
class ShapeReport:
    """What the reader did with the shape of the sheet, as lines for the console, the summary sheet and
    the brief (:meth:`lines`).  ``fields``: (fields found, fields looked for) when a rule set chose the
    table."""

    sheet: str | None
    shape: TableShape
    fields: tuple[int, int] | None = None

    @classmethod
    def of(cls, table: RawTable, fields: Mapping[str, FieldLike] | None = None) -> ShapeReport:
        counts = (fields_found(table, fields)[1], len(fields)) if fields else None
        return cls(table.sheet, table.shape, counts)

    def lines(self, lang: str = "en") -> list[str]:
        s = self.shape
        out: list[str] = []
        n = len(s.tables)
        if n > 1:
            if s.chosen_by == "fields" and self.fields is not None:
                out.append(tr(lang, "read the table {table}, one of {n} tables on the sheet: it has {found} of "
                              "the rule set's {total} fields", table=s.label, n=n, found=self.fields[0],
                              total=self.fields[1]))
            elif s.chosen_by == "largest":
                out.append(tr(lang, "read the table {table}, the largest of {n} tables on the sheet "
                              "({tables})", table=s.label, n=n, tables=join(lang, s.tables)))
            else:
                out.append(tr(lang, "read the table {table}, one of {n} tables on the sheet ({tables})",
                              table=s.label, n=n, tables=join(lang, s.tables)))
        elif s.table_name:
            out.append(tr(lang, "read the Excel table {name} by its own range {range}", name=s.table_name,
                          range=s.block))
        if s.totals_row is not None:
            out.append(tr(lang, "left out the Excel table's totals row (row {row})", row=s.totals_row))
        if s.header_rows:
            out.append(tr(lang, "the header spans rows {first}-{last}: group cells merged across columns "
                          "are read as \"group name\"", first=s.header_rows[0], last=s.header_rows[-1]))
        elif s.merged_columns:
            out.append(tr(lang, "header cells {cells} are read as the text of their merged cell",
                          cells=join(lang, s.merged_columns)))
        if s.hidden_rows:
            k = len(s.hidden_rows)
            rows = join(lang, s.hidden_rows[:SHOWN_ROWS]) + ("…" if k > SHOWN_ROWS else "")
            if s.hidden_left_out:
                out.append(tr_n(lang, "left out {n} hidden row (Excel row {rows})",
                                "left out {n} hidden rows (Excel rows {rows})", k, rows=rows, option=VISIBLE_ONLY))
            elif s.filtered:
                out.append(tr_n(lang, "read {n} row hidden by the filter (Excel row {rows}); {option} "
                                "leaves it out", "read {n} rows hidden by the filter (Excel rows {rows}); "
                                "{option} leaves them out", k, rows=rows, option=VISIBLE_ONLY))
            else:
                out.append(tr_n(lang, "read {n} hidden row (Excel row {rows}); {option} leaves it out",
                                "read {n} hidden rows (Excel rows {rows}); {option} leaves them out",
                                k, rows=rows, option=VISIBLE_ONLY))
        return out
