"""``tierkit inspect``: what tierkit will read from a workbook, before anything is tiered.

The sheets and the header row chosen (and why), the columns matched to each rule set's fields (and the
alias used), the rows left out, the cells read from text (per column, with an example), the cells that
cannot be read, and the binding's notes (orders sheets, duplicate ids, missing optional columns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..bind import bind
from ..errors import TierkitError, display_path
from ..i18n import tr
from ..io import RawTable, list_sheets
from ..names import find_column
from ..ruleset.model import RuleSet
from .tables import table_source


@dataclass
class Conversion:
    """Cells of one column that held text and were read as numbers or dates."""

    column: str
    cells: int
    example: str
    value: str


@dataclass
class DataReport:
    """What was read, in any language (:meth:`lines`, :meth:`short`)."""

    file: str
    sheet: str | None
    sheets: list[str]
    header_row: int
    header_given: bool
    rows: int
    first_row: int
    last_row: int
    matched: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # rule set -> (field, header)
    derived: dict[str, list[str]] = field(default_factory=dict)  # rule set -> fields its features compute
    conversions: list[Conversion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # cells that cannot be read (one line per rule set)
    notes: list[Any] = field(default_factory=list)  # objects with .text(lang) or plain strings
    left_out: list[Any] = field(default_factory=list)  # reports with .lines(lang)

    def lines(self, lang: str = "en") -> list[str]:
        out = [tr(lang, "file: {file}", file=self.file)]
        if self.sheets:
            out.append(tr(lang, "sheets: {sheets}", sheets=", ".join(self.sheets)))
        if self.sheet is not None:
            out.append(tr(lang, "table read: sheet {sheet}", sheet=self.sheet))
        why = (tr(lang, "given with {option}", option="--header-row") if self.header_given else
               tr(lang, "detected: the first of the first 30 rows in which most filled cells hold text and which "
                        "is at least half as wide as the widest"))
        out.append(tr(lang, "header: row {row} ({why})", row=self.header_row, why=why))
        out.append(tr(lang, "data: {n} rows (Excel rows {first}-{last})", n=f"{self.rows:,}", first=self.first_row,
                      last=self.last_row))
        for name, pairs in self.matched.items():
            shown = "; ".join(f"{fld} ← {header}" if fld != header else fld for fld, header in pairs)
            out.append(tr(lang, "columns for {name}: {columns}", name=name, columns=shown or "-"))
            if self.derived.get(name):
                out.append(tr(lang, "computed by {name}'s features: {fields}", name=name,
                              fields=", ".join(self.derived[name])))
        out.extend(self.short(lang))
        return out

    def short(self, lang: str = "en") -> list[str]:
        """The lines every command prints: what was left out, converted and noticed."""
        out: list[str] = []
        for report in self.left_out:
            out.extend(report.lines(lang))
        for conv in self.conversions:
            out.append(tr(lang, "column {column}: {n} cells read from text, e.g. {example} → {value}",
                          column=conv.column, n=f"{conv.cells:,}", example=conv.example, value=conv.value))
        out.extend(self.problems)
        for note in self.notes:
            out.append(note.text(lang) if hasattr(note, "text") else str(note))
        return out


def conversions(raw: pd.DataFrame, typed: pd.DataFrame, headers: dict[str, str],
                types: dict[str, str]) -> list[Conversion]:
    """Per bound column of type number or date: the cells that held text (one example each)."""
    out: list[Conversion] = []
    for name, kind in types.items():
        header = headers.get(name)
        if kind not in ("float", "int", "date", "datetime") or header not in raw.columns or name not in typed:
            continue
        cells = raw[header]
        if len(cells) != len(typed):
            continue
        texts = cells.map(lambda v: isinstance(v, str) and v.strip() != "").to_numpy(dtype=bool)
        read = typed[name].notna().to_numpy(dtype=bool)
        hit = texts & read
        if hit.any():
            i = int(hit.nonzero()[0][0])
            value = typed[name].iloc[i]
            shown = value.date().isoformat() if isinstance(value, pd.Timestamp | dt.datetime) else f"{value:g}"
            out.append(Conversion(str(header), int(hit.sum()), repr(cells.iloc[i]), shown))
    return out


def inspect_table(full: RawTable, rulesets: Sequence[RuleSet], *, header_given: bool = False,
                  as_of: dt.date | None = None, lang: str = "en", id_column: str | None = None,
                  keep_all_rows: bool = False) -> DataReport:
    """The data report of ``full`` for ``rulesets`` (binding each; a cell that cannot be read is reported, not
    raised)."""
    from .apply import customer_rows

    raw, left_out = customer_rows(full, rulesets, id_column=id_column, keep_all=keep_all_rows)
    numbers = raw.row_numbers.tolist()
    sheets = list_sheets(raw.path) if raw.sheet is not None else []  # none for csv, parquet, a DuckDB table
    report = DataReport(file=display_path(raw.path), sheet=raw.sheet, sheets=sheets,
                        header_row=raw.header_row, header_given=header_given, rows=len(raw.frame),
                        first_row=int(numbers[0]) if numbers else raw.header_row + 1,
                        last_row=int(numbers[-1]) if numbers else raw.header_row)
    from .shapes import ShapeReport

    shape = ShapeReport.of(full, {name: f for rs in rulesets for name, f in rs.fields.items()} or None)
    report.left_out.append(shape)
    if left_out:
        report.left_out.append(left_out)
    seen: set[str] = set()
    for rs in rulesets:
        try:
            binding = bind(rs, raw.frame, as_of=as_of, source=table_source(raw))
        except TierkitError as err:
            report.problems.append(tr(lang, "{name}: {error}", name=rs.name, error=str(err)))
            continue
        used = [name for name in binding.types if name not in rs.params]
        from_table = [name for name in used if binding.headers.get(name, name) in raw.frame.columns]
        report.matched[rs.name] = [(name, str(binding.headers.get(name, name))) for name in from_table]
        report.derived[rs.name] = [name for name in used if name not in from_table]
        inputs = [str(c) for item in binding.feature_meta.get("features", []) for c in item.get("inputs") or []]
        for name in dict.fromkeys(inputs):  # the columns the features read, found as bind finds them
            header = find_column(raw.frame, name, rs.fields)
            if header is not None and all(str(header) != h for _, h in report.matched[rs.name]):
                report.matched[rs.name].append((name, str(header)))
        for conv in conversions(raw.frame, binding.typed, binding.headers, binding.types):
            if conv.column not in seen:
                seen.add(conv.column)
                report.conversions.append(conv)
        report.notes.extend(binding.notes)
    return report
