"""The two movement sheets as plain cells (rows of values and the fills of some cells), for writers that set
cells rather than files: the Excel add-in's ``compare_tiers`` button.  The figures and words are those of the
movement workbook (:mod:`.workbook`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..i18n import tr
from .compute import Movement
from .texts import after_label, measure_name, risk_lines, scale_title
from .workbook import matrix_rows, moves_columns, moves_header


@dataclass
class Cells:
    """Rows of cell values from A1 (ragged rows are padded by :meth:`block`) and fills by (row, column), 0-based."""

    rows: list[list[Any]] = field(default_factory=list)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)

    def add(self, row: Sequence[Any] = (), colors: Sequence[str | None] = ()) -> None:
        r = len(self.rows)
        self.rows.append(list(row))
        for c, color in enumerate(colors):
            if color:
                self.fills[(r, c)] = color

    def block(self) -> list[list[Any]]:
        width = max((len(r) for r in self.rows), default=1)
        return [r + [None] * (width - len(r)) for r in self.rows]


def movement_cells(mv: Movement, *, lang: str, title: str, notes: Sequence[str]) -> Cells:
    """The ``Tier movement`` sheet: title, notes, per dimension the customers matrix (segment colours on the
    tier names), the value matrix below it, and the value at risk per path."""
    out = Cells()
    out.add([title])
    for line in notes:
        out.add([line])
    measure = measure_name(mv.after.ruleset, lang) or measure_name(mv.before.ruleset, lang)
    for sm in mv.scales:
        head = scale_title(sm, lang)
        counts, values = matrix_rows(sm, lang)
        after_colors = [None, *(s.color for s in sm.after), None, None]
        before_colors = [s.color for s in sm.before] + [None, None]
        for caption, table in ((tr(lang, "Customers"), counts),
                               (tr(lang, "{measure}: before-value of moves out of a tier, after-value of new "
                                         "customers", measure=measure), values)):
            if table is None:
                continue
            out.add()
            out.add([caption + (f" ({head})" if head else "")])
            out.add(table[0], after_colors)
            for k, row in enumerate(table[1:]):
                out.add(row, [before_colors[k]])
        lines = risk_lines(sm, lang, measure)
        if lines:
            out.add()
            for line in lines:
                out.add([line.strip()])
        if sm.at_risk:
            out.add([tr(lang, "From"), tr(lang, "To"), tr(lang, "Customers"),
                     tr(lang, "{measure} before", measure=measure)])
            for path in sm.at_risk:
                seg_b = sm.before[path.before]
                seg_a = sm.after[path.after] if path.after >= 0 else None
                out.add([seg_b.label.get(lang), after_label(sm, path.after, lang), path.customers,
                         round(path.value, 2)], [seg_b.color, seg_a.color if seg_a is not None else None])
            out.add([tr(lang, "Total"), None, sum(p.customers for p in sm.at_risk), round(sm.value_at_risk, 2)])
    return out


def moves_cells(mv: Movement, *, lang: str) -> Cells:
    """The ``Customer moves`` sheet: its header and one row per customer seen at either point."""
    out = Cells()
    out.add(moves_header(mv, lang))
    columns = moves_columns(mv, lang)
    for i in range(mv.n):
        out.add([col[i] for col in columns])
    return out
