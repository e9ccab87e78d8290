"""``tierkit apply``: classify a table with one or more rule sets and write the tiered copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..bind import Binding, TableSource
from ..check.show import policy_words
from ..errors import TierkitError, Where, display_path, listing, msg
from ..i18n import tr
from ..io import RawTable, summary_sheet_name
from ..reasons import reason_column
from ..ruleset.model import RuleSet
from ..segment import Classification, classify
from ..textwidth import display_width, pad
from ..timings import phase
from .columns import tier_columns, tier_headers
from .inputs import SheetRows, resolve_rules, workbook_sheet_rows
from .labels import qualified_labels, relabel
from .rows import RowReport, clean_rows, spread_rows


@dataclass
class ApplyResult:
    output: Path
    results: list[Classification]
    lang: str = "en"
    conflicts: int = 0
    notes: list[str] = field(default_factory=list)
    rows: RowReport = field(default_factory=RowReport)  # the rows left out (totals, notes, ...)

    def report(self) -> str:
        lang = self.lang
        lines = [tr(lang, "wrote {path}", path=display_path(self.output))]
        lines.extend(self.rows.lines(lang))
        for res in self.results:
            rs = res.ruleset
            measure = measure_label(rs, lang, res.binding)
            any_error = np.zeros(res.n, dtype=bool)
            for e in res.errors.values():
                any_error |= e
            rows = [(str(r["label"]), int(r["count"]), float(r["share"]), r.get("measure_share"))
                    for r in res.summary(lang).to_dict("records")]
            lines += tier_lines(lang, rs.name, res.n, rows, measure, int(any_error.sum()))
        if self.conflicts:
            lines.append(tr(lang, "{n} rows flagged for attention in the cross-tab (Tier summary)",
                            n=f"{self.conflicts:,}"))
        lines.extend(self.notes)
        return "\n".join(lines)


def tier_lines(lang: str, name: str, n: int, rows: Sequence[tuple[str, int, float, float | None]], measure: str,
               errors: int) -> list[str]:
    """A rule set's lines of the command's report: its rows, then per tier (label, count, share of the rows and
    of the measure, or None) a line, aligned by display width; then the rows with blanks where a condition
    needed a value, if any."""
    lines = [tr(lang, "{name}: {n} rows", name=name, n=f"{n:,}")]
    width = max((display_width(str(label)) for label, *_ in rows), default=0) + 2
    for label, count, share, measure_share in rows:
        extra = ("  " + tr(lang, "{share} of {measure}", share=f"{measure_share:6.1%}", measure=measure)
                 if measure_share is not None else "")
        lines.append(f"  {pad(str(label), width)}{count:>8,}  {share:6.1%}{extra}")
    if errors:
        lines.append("  " + tr(lang, "note: {n} rows have blanks where a condition needs a value; those "
                                     "conditions did not match them (the reason column names the blanks)",
                               n=f"{errors:,}"))
    return lines


def measure_label(rs: RuleSet, lang: str, binding: Binding | None = None) -> str:
    """The rule set's measure as the user knows it: its field label, else its name (the column a parameter
    chose for it in ``binding``'s run, e.g. abc's measure param)."""
    if rs.measure is None:
        return ""
    name = binding.shown_as(rs.measure) if binding is not None else rs.measure
    field = rs.fields.get(name)
    return field.display(lang) if field is not None else name


def apply_rulesets(table: RawTable, rules: Sequence[str | RuleSet], dst: Path, *, lang: str = "en",
                   as_of: dt.date | None = None, params: dict[str, float] | None = None, force: bool = False,
                   engine: str = "compiled", source: TableSource | None = None,
                   sheet_rows: SheetRows | None = None, id_column: str | None = None,
                   keep_all_rows: bool = False, features_from: str | None = None,
                   reasons: bool = True, previous: str | Path | None = None) -> ApplyResult:
    """Classify ``table`` with every rule set and write the copy to ``dst`` (without the reason columns when
    not ``reasons``).

    Total and subtotal lines, repeated headers and notes under the table are left out (their tier cells
    stay empty; ``keep_all_rows`` keeps them): the customer id is ``id_column``, else the column of the
    first rule set's ``role: id`` field (:func:`tierkit.app.rows.clean_rows`).  ``previous`` (a file an earlier
    run wrote) adds ``Previous tier`` and ``Tier since`` (:mod:`tierkit.app.previous`).
    """
    from ..io import NewColumn, format_of, same_file, write_output

    if same_file(dst, table.path):
        raise TierkitError(msg("the output would overwrite the input"), where=Where(file=display_path(table.path)),
                           hint=msg("tierkit never modifies the input; choose another -o"))
    rulesets = resolve_rules(list(rules), params=params, workbook=display_path(table.path),
                             sheet_rows=sheet_rows or workbook_sheet_rows(Path(table.path)))
    several = len(rulesets) > 1
    full = table
    with phase("rows"):
        table, left_out = clean_rows(full, id_column=id_header(full, rulesets, id_column),
                                     measures=measure_headers(full, rulesets), keep_all=keep_all_rows)
    source = with_arrow(rows_source(source, full, table), table)
    with phase("evaluate"):
        results = [classify(rs, table.frame, as_of=as_of, engine=engine, source=source,
                            features_from=features_from)  # type: ignore[arg-type]
                   for rs in rulesets]
    from .shapes import ShapeReport

    fields = {name: f for rs in rulesets for name, f in rs.fields.items()}
    shape_lines = ShapeReport.of(full, fields).lines(lang)
    binding_notes = [f"{res.ruleset.name}: {note.text(lang)}" for res in results for note in res.binding.notes]
    notes = [*shape_lines, *binding_notes]
    lengths = {res.n for res in results}
    if len(lengths) > 1:
        raise TierkitError(msg("these rule sets make tables of different lengths (one works per order, one per "
                               "customer)"), hint=msg("apply them one at a time"))
    if lengths and lengths.pop() != len(table.frame):
        # the input held orders and the features made one row per customer: write that table instead
        table = full = customer_table(table, results[0].binding.frame)
        if format_of(dst).kind == "xlsx":
            dst = Path(dst).with_suffix(".xlsx")
        notes.append(tr(lang, "the input holds orders; the output is a new table with one row per customer "
                              "({n} rows)", n=f"{table.frame.shape[0]:,}"))
    columns = []

    def per_row(values: Sequence[Any]) -> Sequence[Any]:  # a left-out row's tier cells stay empty
        return values if full is table else spread_rows(values, table, full)

    shown = qualified_labels(rulesets, lang)  # a label two rule sets share names its rule set
    for rs, res, mapping in zip(rulesets, results, shown, strict=True):
        heads = tier_columns(rs, lang, several)
        with phase("columns"):
            if full is table and res.collected is None:  # one tier per row: Arrow arrays, no string per row
                labels, ids, fills = tier_arrays(res, lang, mapping)
                columns.append(NewColumn(heads.label, labels, fills))
                columns.append(NewColumn(heads.id, ids, None))
            else:
                columns.append(NewColumn(heads.label, per_row(relabel(res.labels(lang), mapping)),
                                         per_row(res.colors())))
                columns.append(NewColumn(heads.id, per_row(res.tier_ids()), None))
        if reasons:
            with phase("reasons"):
                texts = reason_column(res, lang)  # Arrow: the parquet writer takes it as it is
                columns.append(NewColumn(heads.reason, texts if full is table else
                                         per_row(texts.to_numpy(zero_copy_only=False)), None))
    if previous is not None:
        from .previous import previous_columns

        header = id_header(table, rulesets, id_column)
        if header is None:
            raise TierkitError(msg("no customer id column to match the previous file on"),
                               where=Where(file=display_path(table.path)), hint=msg("name it with --id-column"))
        for head, values in previous_columns(results, table.frame[header].tolist(), previous, lang=lang,
                                             several=several, id_column=id_column):
            columns.append(NewColumn(head, per_row(values), None))
    with phase("summary"):  # only a workbook has a summary sheet: a CSV or parquet file is written without one
        summary = summary_tables(results, lang) if format_of(dst).kind == "xlsx" else []
    data_notes = [*shape_lines, *left_out.lines(lang), *binding_notes]
    if data_notes:
        summary.append(data_notes_table(data_notes, lang))
    conflicts = 0
    if several:
        cross, conflicts = crosstab_table(results[0], results[1], lang)
        summary.append(cross)
    source_name = display_path(table.path) + (f" / {table.sheet}" if table.sheet else "")
    summary.append(about_table(results, source_name, lang))
    from .previous import all_previous_headers

    with phase("write"):
        write_output(full, Path(dst), columns, summary=summary, force=force, summary_sheet=summary_sheet_name(lang),
                     replace_headers=sorted(tier_headers(rulesets) | all_previous_headers(rulesets)))
    return ApplyResult(output=Path(dst), results=results, lang=lang, conflicts=conflicts, notes=notes,
                       rows=left_out)


def tier_arrays(res: Classification, lang: str, mapping: dict[str, str]) -> tuple[Any, Any, Any]:
    """The tier labels (qualified by ``mapping``) and ids of a one-tier-per-row classification as Arrow string
    arrays (``""`` where no segment matched), and the fills (an object array of ``#RRGGBB`` or None): the
    values of :meth:`~tierkit.segment.Classification.labels`, ``tier_ids`` and ``colors``, made per tier and
    taken per row."""
    import pyarrow as pa

    from ..segment import UNMATCHED

    segs = res.ruleset.segments
    index = pa.array(np.where(res.tier_index < 0, len(segs), res.tier_index).astype(np.int32))
    labels = [mapping.get(label, label) for label in [*(s.label.get(lang) for s in segs), UNMATCHED]]
    ids = [s.id for s in segs] + [UNMATCHED]
    fills = np.asarray([s.color for s in segs] + [None], dtype=object)
    return (pa.array(labels, pa.string()).take(index), pa.array(ids, pa.string()).take(index),
            fills[index.to_numpy()])


def id_header(table: RawTable, rulesets: Sequence[RuleSet], id_column: str | None = None) -> str | None:
    """The header of the customer id column: ``id_column`` (``--id-column``, matched like a field name),
    else the column of the first rule set's ``role: id`` field (through its aliases), else None."""
    from ..errors import did_you_mean
    from ..names import find_column

    if id_column is not None:
        header = find_column(table.frame, id_column)
        if header is None:
            heads = [str(c) for c in table.frame.columns]
            raise TierkitError(msg("no column '{id_column}' for the customer id", id_column=id_column),
                               where=Where(file=display_path(table.path), sheet=table.sheet),
                               hint=did_you_mean(id_column, heads) or msg("the columns are {names}",
                                                                          names=listing(heads)))
        return str(header)
    for rs in rulesets[:1]:
        fdef = rs.id_field
        if fdef is not None:
            header = find_column(table.frame, fdef.name, rs.fields)
            return None if header is None else str(header)
    return None


def customer_rows(table: RawTable, rulesets: Sequence[RuleSet], *, id_column: str | None = None,
                  keep_all: bool = False) -> tuple[RawTable, RowReport]:
    """The rows of ``table`` that are customers, as every adapter reads them: total/subtotal lines, repeated
    headers and notes under the table left out (``keep_all`` keeps them), and what was left out."""
    return clean_rows(table, id_column=id_header(table, rulesets, id_column), measures=measure_headers(table, rulesets),
                      keep_all=keep_all)


def measure_headers(table: RawTable, rulesets: Sequence[RuleSet]) -> list[str]:
    """The headers of the rule sets' ``measure`` columns found in ``table``."""
    from ..features.order_stats import chosen_by_params
    from ..names import find_column

    # a measure a parameter chooses (abc's contribution) is found as the column it stands for (revenue)
    found = (find_column(table.frame, chosen_by_params(rs.features, rs.params, rs.measure), rs.fields)
             for rs in rulesets if rs.measure)
    return [str(h) for h in dict.fromkeys(found) if h is not None]


def rows_source(source: TableSource | None, full: RawTable, clean: RawTable) -> TableSource | None:
    """``source`` for the rows of ``clean`` (cell addresses of ``full``'s rows it kept)."""
    if source is None or source.cell_ref is None or clean is full:
        return source
    from dataclasses import replace

    kept = np.flatnonzero(np.isin(full.row_numbers, clean.row_numbers))
    ref = source.cell_ref
    numbers = clean.row_numbers
    return replace(source, cell_ref=lambda i, col: ref(int(kept[i]), col), row_number=lambda i: int(numbers[i]))


def with_arrow(source: TableSource | None, table: RawTable) -> TableSource | None:
    """``source`` telling the binder ``table``'s columns as the parquet reader had them (it reads dates from
    them without a Python object per cell); ``source`` itself for a table without them."""
    from dataclasses import replace

    from ..io.parquetread import arrow_column, arrow_columns

    if arrow_columns(table) is None:
        return source
    return replace(source or TableSource(), arrow=lambda header: arrow_column(table, header))


def data_notes_table(lines: Sequence[str], lang: str) -> Any:
    """The Tier summary's "Data notes": what the reader left out or changed, one line each."""
    from ..io import SummaryTable

    return SummaryTable(title=tr(lang, "Data notes"), header=[tr(lang, "Note")], rows=[[line] for line in lines])


def customer_table(table: Any, frame: Any) -> Any:
    """A RawTable for a derived per-customer frame (written as a new sheet, not patched into the input)."""
    from dataclasses import replace

    from ..io import column_letter

    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return replace(table, frame=frame, sheet=None, header_row=1, row_numbers=np.arange(2, len(frame) + 2),
                   column_letters=[column_letter(i + 1) for i in range(len(frame.columns))])


def summary_tables(results: Sequence[Classification], lang: str) -> list[Any]:
    from ..io import SummaryTable

    tables = []
    shown = qualified_labels([res.ruleset for res in results], lang)
    for res, mapping in zip(results, shown, strict=True):
        rs = res.ruleset
        df = res.summary(lang)
        header = [tr(lang, "Tier ID"), tr(lang, "Tier"), tr(lang, "Customers"), tr(lang, "Share")]
        has_measure = "measure_sum" in df.columns
        if has_measure:
            measure = measure_label(rs, lang, res.binding)
            header += [tr(lang, "{measure} total", measure=measure), tr(lang, "{measure} share", measure=measure)]
        rows = []
        for rec in df.to_dict("records"):
            row = [rec["id"], mapping.get(rec["label"], rec["label"]), int(rec["count"]), round(float(rec["share"]), 4)]
            if has_measure:
                row += [round(float(rec["measure_sum"]), 2), round(float(rec["measure_share"]), 4)]
            rows.append(row)
        total = ["", tr(lang, "Total"), int(df["count"].sum()), 1.0 if res.n else 0.0]
        if has_measure:
            total += [round(float(df["measure_sum"].sum()), 2), 1.0]
        rows.append(total)
        fills = [c if isinstance(c, str) else None for c in df["color"]] + [None]
        title = tr(lang, "{title} ({name}, {policy}, rules {digest})", title=rs.title.get(lang),
                   name=rs.name, policy=policy_words(rs.hit_policy, lang), digest=rs.digest)
        measure_fmt = rs.fields[rs.measure].value_format.excel if rs.measure in rs.fields else None
        formats = ["@", None, "#,##0", "0.0%"] + ([measure_fmt or "#,##0.00", "0.0%"] if has_measure else [])
        tables.append(SummaryTable(title=title, header=header, rows=rows, fills=fills, number_formats=formats))
        meta = res.binding.feature_meta
        if meta and meta.get("features"):
            from ..features import describe_metadata

            lines = describe_metadata(meta, lang, {n: f.display(lang) for n, f in rs.fields.items() if f.label})
            tables.append(SummaryTable(title=tr(lang, "Features and cut-points ({name})", name=rs.name),
                                       header=[tr(lang, "Detail")], rows=[[line] for line in lines]))
    return tables


def crosstab_table(a: Classification, b: Classification, lang: str) -> tuple[Any, int]:
    """Counts of rule set A's tiers (rows) × B's tiers (columns); cells pairing a 'value' tier with a 'risk'
    tier (segment ``signal``) are flagged for a manager's attention."""
    from ..io import SummaryTable

    segs_a, segs_b = a.ruleset.segments, b.ruleset.segments
    counts = np.zeros((len(segs_a) + 1, len(segs_b) + 1), dtype=np.int64)
    np.add.at(counts, (a.tier_index, b.tier_index), 1)
    names_a, names_b = qualified_labels([a.ruleset, b.ruleset], lang)
    header = [f"{a.ruleset.name} \\ {b.ruleset.name}"] + [names_b.get(s.label.get(lang), s.label.get(lang))
                                                          for s in segs_b]
    rows = []
    flagged = 0
    for i, sa in enumerate(segs_a):
        row: list[Any] = [names_a.get(sa.label.get(lang), sa.label.get(lang))]
        for j, sb in enumerate(segs_b):
            c = int(counts[i, j])
            if c and _conflict(sa, sb):
                flagged += c
                row.append(f"{c} ⚠")
            else:
                row.append(c)
        rows.append(row)
    title = tr(lang, "Cross-tab {a} × {b} (⚠ = needs a manager's attention: valuable but at risk)",
               a=a.ruleset.name, b=b.ruleset.name)
    return SummaryTable(title=title, header=header, rows=rows), flagged


def _conflict(sa: Any, sb: Any) -> bool:
    signals = {sa.signal, sb.signal}
    return signals == {"value", "risk"}


def about_table(results: Sequence[Classification], source: str, lang: str, *, made_by: str = "") -> Any:
    """Where a run's tiers came from: the table, the rule files (with their digests), the as-of date."""
    from .. import __version__
    from ..io import SummaryTable

    now = results[0].binding.now if results else None
    rows: list[list[object]] = [
        [tr(lang, "Source"), source],
        [tr(lang, "Rules"), ", ".join(f"{r.ruleset.display_path} ({r.ruleset.digest})" for r in results)],
        [tr(lang, "As of"), now.date().isoformat() if now else ""],
        [tr(lang, "Made by"), f"tierkit {__version__}" + (f" ({made_by})" if made_by else "")],
    ]
    return SummaryTable(title=tr(lang, "About this run"), header=["", ""], rows=rows)
