"""The brief's movement page (``tierkit brief --compare-from DATE`` / ``--before FILE``): where each tier's
customers went, the from × to matrix, the value at risk per path and the top movers down with the strategy
of the tier each moved into.

Every figure comes from the same :class:`tierkit.movement.Movement` that ``tierkit compare`` writes to its
workbook and prints on the console, so the three agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..contrast import text_colour_for
from ..i18n import mark, tr, tr_n, trc
from ..movement.compute import Movement, ScaleMovement
from ..movement.since import Since
from ..movement.texts import after_label, measure_name, move_label, scale_title
from ..numfmt import FieldFormat, Formatter
from ..values import id_key
from .build import safe_color
from .fmt import figure

#: the movement page's fixed words (context ``brief``)
WORDS = {
    "title": mark("brief", "Tier movement"),
    "flows": mark("brief", "Where each tier's customers went"),
    "matrix": mark("brief", "Customers: tier before (rows) × tier after (columns)"),
    "risk": mark("brief", "Value at risk"),
    "movers": mark("brief", "Top {n} movers down"),
    "no_movers": mark("brief", "No customer moved down."),
    "customer": mark("brief", "Customer"),
    "from": mark("brief", "Before"),
    "to": mark("brief", "After"),
    "strategy": mark("brief", "Strategy of the tier moved into"),
    "new": mark("brief", "New"),
    "gone": mark("brief", "Gone"),
    "total": mark("brief", "Total"),
    "gone_strategy": mark("brief", "No longer in the table: find out why"),
}


@dataclass(frozen=True)
class Swatch:
    label: str
    color: str  #: fill, ``#rrggbb``
    ink: str  #: text colour on the fill


@dataclass(frozen=True)
class FlowPart:
    swatch: Swatch
    count: int
    width: float  #: percent of the row's customers
    shown: str  #: the count, printed when the part is wide enough


@dataclass(frozen=True)
class FlowRow:
    swatch: Swatch
    total: str
    parts: tuple[FlowPart, ...]


@dataclass(frozen=True)
class MatrixRow:
    swatch: Swatch | None  #: None for the New row
    label: str
    cells: tuple[tuple[str, bool], ...]  #: (count, on the diagonal) per column
    total: str


@dataclass(frozen=True)
class Mover:
    customer: str
    before: Swatch
    after: Swatch | None  #: None: gone
    move: str
    value: str
    strategy: str


@dataclass(frozen=True)
class ScalePage:
    title: str  #: the dimension of a ``collect`` rule set, or ""
    columns: tuple[Swatch, ...]  #: after tiers, then Gone
    rows: tuple[MatrixRow, ...]
    column_totals: tuple[str, ...]
    grand_total: str
    flows: tuple[FlowRow, ...]
    legend: tuple[Swatch, ...]
    risk: tuple[str, ...]  #: "value at risk (Revenue before): 2,157", then one line per path
    movers: tuple[Mover, ...]
    value_header: str


@dataclass(frozen=True)
class MovementPage:
    """The context of ``movement.html.j2``."""

    title: str
    subtitle: str  #: "2024-06-30 → 2024-12-31: 2,357 customers"
    summary: tuple[str, ...]  #: the console's count lines
    notes: tuple[str, ...]
    scales: tuple[ScalePage, ...]
    words: dict[str, str]
    top: int


def _swatch(seg: Any, lang: str) -> Swatch:
    color = safe_color(seg.color)
    return Swatch(seg.label.get(lang), color, text_colour_for(color))


GONE_COLOR = "#cfd8dc"


def movement_page(since: Since, *, top: int = 10) -> MovementPage:
    mv, lang = since.movement, since.lang
    fmt = Formatter(lang)
    words = {k: trc(lang, "brief", v) for k, v in WORDS.items()}  # i18n: marked
    words["movers"] = trc(lang, "brief", WORDS["movers"], n=top)  # i18n: marked
    console = since.console()
    notes = since.notes()
    summary = tuple(line for line in console[1:] if line not in notes and not line.startswith("  "))
    measure = measure_name(mv.after.ruleset, lang) or measure_name(mv.before.ruleset, lang)
    value_format = measure_format(mv)
    scales = tuple(_scale_page(mv, sm, lang, fmt, words, measure, top, value_format) for sm in mv.scales)
    return MovementPage(title=words["title"], subtitle=console[0], summary=summary, notes=tuple(notes),
                        scales=scales, words=words, top=top)


def measure_format(mv: Movement) -> FieldFormat | None:
    """The declared format of the measure the movement values (the rule set after's, else before's)."""
    for rs in (mv.after.ruleset, mv.before.ruleset):
        fdef = rs.fields.get(rs.measure) if rs.measure else None
        if fdef is not None and fdef.format:
            return fdef.value_format
    return None


def risk_texts(sm: ScaleMovement, lang: str, measure: str, fmt: Formatter,
               value_format: FieldFormat | None) -> tuple[str, ...]:
    """The value at risk, then one line per path (``Champions → At risk: 12 customers, 1,204,513``): the
    console's sentences (:func:`tierkit.movement.texts.risk_lines`) with the values in the measure's format."""
    if sm.values is None or not sm.at_risk:
        return ()
    lines = [tr(lang, "value at risk ({measure} before): {value}", measure=measure,
                value=figure(fmt, sm.value_at_risk, value_format))]
    for path in sm.at_risk:
        lines.append(tr_n(lang, "{before} → {after}: {n} customer, {value}",
                          "{before} → {after}: {n} customers, {value}", path.customers,
                          before=sm.before[path.before].label.get(lang), after=after_label(sm, path.after, lang),
                          n=fmt.number(path.customers), value=figure(fmt, path.value, value_format)))
    return tuple(lines)


def _scale_page(mv: Movement, sm: ScaleMovement, lang: str, fmt: Formatter, words: dict[str, str], measure: str,
                top: int, value_format: FieldFormat | None = None) -> ScalePage:
    counts = sm.counts
    row_tot, col_tot = counts.sum(axis=1), counts.sum(axis=0)
    gone = Swatch(words["gone"], GONE_COLOR, text_colour_for(GONE_COLOR))
    col_keep = [j for j in range(len(sm.after)) if col_tot[j]] + [len(sm.after)]
    row_keep = [i for i in range(len(sm.before)) if row_tot[i]] + ([len(sm.before)] if row_tot[-1] else [])
    after_sw = [_swatch(s, lang) for s in sm.after] + [gone]
    before_sw = [_swatch(s, lang) for s in sm.before]
    rows = []
    for i in row_keep:
        new_row = i == len(sm.before)
        cells = tuple((fmt.number(int(counts[i, j])), (not new_row and j < len(sm.after)
                       and sm.before[i].id == sm.after[j].id)) for j in col_keep)
        rows.append(MatrixRow(None if new_row else before_sw[i], words["new"] if new_row else before_sw[i].label,
                              cells, fmt.number(int(row_tot[i]))))
    flows = []
    for i in range(len(sm.before)):
        if not row_tot[i]:
            continue
        parts = []
        for j in col_keep:
            n = int(counts[i, j])
            if n:
                width = 100.0 * n / float(row_tot[i])
                parts.append(FlowPart(after_sw[j], n, width, fmt.number(n) if width >= 7 else ""))
        flows.append(FlowRow(before_sw[i], fmt.number(int(row_tot[i])), tuple(parts)))
    legend = tuple(after_sw[j] for j in col_keep if any(int(counts[i, j]) for i in range(len(sm.before))))
    risk = risk_texts(sm, lang, measure, fmt, value_format)
    return ScalePage(title=scale_title(sm, lang), columns=tuple(after_sw[j] for j in col_keep), rows=tuple(rows),
                     column_totals=tuple(fmt.number(int(col_tot[j])) for j in col_keep),
                     grand_total=fmt.number(int(counts.sum())), flows=tuple(flows), legend=legend, risk=risk,
                     movers=_movers(mv, sm, lang, fmt, words, top, before_sw, after_sw[:-1], value_format),
                     value_header=measure)


def _movers(mv: Movement, sm: ScaleMovement, lang: str, fmt: Formatter, words: dict[str, str], top: int,
            before_sw: list[Swatch], after_sw: list[Swatch],
            value_format: FieldFormat | None = None) -> tuple[Mover, ...]:
    """The customers who moved down or are gone, the most valuable first (value before; blanks last)."""
    down = np.flatnonzero(np.isin(sm.move.astype(str), ["down", "gone"]) & (sm.tier_before >= 0))
    if not len(down) or top <= 0:
        return ()
    value = mv.value_before[down] if mv.value_before is not None else np.full(len(down), np.nan)
    order = np.lexsort((down, -np.nan_to_num(value, nan=-math.inf)))[:top]
    out = []
    for k in order:
        i = int(down[k])
        b, a = int(sm.tier_before[i]), int(sm.tier_after[i])
        seg_after = sm.after[a] if a >= 0 else None
        strategy = (seg_after.strategies[0].get(lang) if seg_after is not None and seg_after.strategies
                    else words["gone_strategy"] if seg_after is None else "–")
        key = id_key(mv.ids[i])
        out.append(Mover(customer=str(key) if key is not None else "–", before=before_sw[b],
                         after=after_sw[a] if a >= 0 else None, move=move_label(lang, str(sm.move[i])),
                         value=figure(fmt, float(value[k]), value_format), strategy=strategy))
    return tuple(out)
