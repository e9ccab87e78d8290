"""The write pass of :mod:`tierkit.app.stream`: the input read again batch by batch, each batch's tiers fetched
from DuckDB in order, reasons formatted in Python, the batch written (parquet or CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..ruleset.model import RuleSet
from .streamload import POS, Loaded, cell_array, text_array


@dataclass
class RulesetTotals:
    """One rule set's tier counts (the last one: unmatched) and rows with an error, added up batch by batch."""

    ruleset: RuleSet
    counts: np.ndarray
    measure: np.ndarray | None = None  # the measure's sum per tier (NaN counted as 0), when the rule set has one
    measure_name: str = ""
    errors: int = 0
    n: int = 0
    batch_tiers: np.ndarray | None = None  # the last batch's tier per row (-1: none), for the cross-tab


def arrow_reader(relation: Any, batch_rows: int) -> Any:
    """A DuckDB relation's result as a pyarrow RecordBatchReader of ``batch_rows``-row batches."""
    if hasattr(relation, "to_arrow_reader"):
        return relation.to_arrow_reader(batch_rows)
    return relation.fetch_arrow_reader(batch_rows)  # duckdb before 1.4


class Rows:
    """A DuckDB result read in order, ``take(n)`` rows at a time (Arrow batches buffered as they come)."""

    def __init__(self, reader: Any, cursor: Any = None) -> None:
        self.reader = reader
        self.cursor = cursor
        self.held: list[Any] = []
        self.count = 0

    def take(self, n: int) -> Any:
        import pyarrow as pa

        while self.count < n:
            try:
                part = self.reader.read_next_batch()
            except StopIteration:
                break
            self.held.append(part)
            self.count += part.num_rows
        table = pa.Table.from_batches(self.held, schema=self.reader.schema)
        out, rest = table.slice(0, n), table.slice(n)
        self.held = rest.to_batches()
        self.count = rest.num_rows
        return out


def write(con: Any, input: str | Path, rulesets: Sequence[RuleSet], queries: Sequence[Any], dst: Path,
          loaded: Loaded, *, lang: str, force: bool, reasons: bool, sheet: str | int | None,
          batch_rows: int) -> tuple[list[RulesetTotals], int]:
    """Write ``dst`` a batch at a time; the tier counts per rule set, and (two rule sets or more) the rows the
    cross-tab of the first two flags (a 'value' tier beside a 'risk' tier), as the whole-table report counts."""
    from ..io import format_of
    from ..io.atomic import atomic_write
    from ..io.batches import batches
    from ..io.duckdbread import is_duckdb_spec, parse_spec
    from .columns import tier_columns, tier_headers
    from .labels import qualified_labels

    several = len(rulesets) > 1
    shown = qualified_labels(rulesets, lang)
    rows = []
    for k in range(len(queries)):  # the tables _tk_res<k> :func:`tierkit.app.stream.stream_apply` made
        cursor = con.cursor()  # one reader per rule set, side by side; the cursor lives as long as it
        rows.append(Rows(arrow_reader(cursor.sql(f'SELECT * FROM _tk_res{k} ORDER BY "{POS}"'), batch_rows), cursor))
    totals = [RulesetTotals(rs, np.zeros(len(rs.segments) + 1, dtype=np.int64)) for rs in rulesets]
    heads = [tier_columns(rs, lang, several) for rs in rulesets]
    replaced = {str(h) for h in tier_headers(rulesets)}
    inputs = [parse_spec(str(input)).path] if is_duckdb_spec(input) else [Path(input)]
    kind = format_of(dst).kind
    conflicts = 0
    with atomic_write(dst, force=force, inputs=inputs) as fh:
        sink = ParquetSink(fh) if kind == "parquet" else CsvSink(fh, format_of(dst).delimiter or ",")
        masks: Iterator[np.ndarray] = loaded.kept()
        for batch in batches(input, batch_rows=batch_rows, sheet=sheet):
            keep = next(masks)
            names, arrays = _input_columns(batch.table, replaced, loaded if kind == "parquet" else None)
            at = _positions(keep)
            for rs, mapping, head, source, total, query in zip(rulesets, shown, heads, rows, totals, queries,
                                                               strict=True):
                labels, ids, texts = _tiers(rs, source.take(int(keep.sum())), mapping, lang, query.as_of, total,
                                            reasons)
                names += [head.label, head.id]
                arrays += [labels.take(at), ids.take(at)]
                if texts is not None:
                    names.append(head.reason)
                    arrays.append(texts.take(at))
            if several:
                conflicts += _flagged(totals[0], totals[1])
            sink.write(names, arrays)
        sink.close()
    return totals, conflicts


def _flagged(a: RulesetTotals, b: RulesetTotals) -> int:
    """The batch's rows whose tiers pair a 'value' segment with a 'risk' one (``crosstab_table``'s flag)."""
    if a.batch_tiers is None or b.batch_tiers is None:
        return 0
    signal_a = np.array([s.signal or "" for s in a.ruleset.segments] + [""], dtype=object)
    signal_b = np.array([s.signal or "" for s in b.ruleset.segments] + [""], dtype=object)
    sa, sb = signal_a[a.batch_tiers], signal_b[b.batch_tiers]
    return int((((sa == "value") & (sb == "risk")) | ((sa == "risk") & (sb == "value"))).sum())


def _positions(keep: np.ndarray) -> Any:
    """Per row of a batch: its place among the kept rows, null for a row left out."""
    import pyarrow as pa

    return pa.array(np.cumsum(keep) - 1, type=pa.int64(), mask=~keep)


def _input_columns(raw: Any, replaced: set[str], typed: Loaded | None) -> tuple[list[str], list[Any]]:
    """The batch's columns as read (parquet, DuckDB), or (CSV, xlsx) as the whole-table parquet writer types
    them (``typed``: for a parquet output) or as text, earlier tier columns left out."""
    from ..io.parquetread import arrow_columns

    arrow = arrow_columns(raw)
    names: list[str] = []
    arrays: list[Any] = []
    for j, header in enumerate(raw.frame.columns):
        if str(header) in replaced:
            continue
        names.append(str(header))
        series = raw.frame.iloc[:, j]
        if arrow is not None:
            arrays.append(arrow.column(j))
        elif typed is not None:
            arrays.append(cell_array(series, typed.output_type(str(header))))
        else:
            arrays.append(text_array(series))
    return names, arrays


def _tiers(rs: RuleSet, part: Any, mapping: dict[str, str], lang: str, as_of: Any, total: RulesetTotals,
           reasons: bool) -> tuple[Any, Any, Any]:
    """The tier labels, ids and (with ``reasons``) reasons of one batch's kept rows, as Arrow arrays; the counts
    added to ``total``."""
    import pyarrow as pa

    from ..reasons import reason_column
    from ..spark import collect
    from .apply import measure_label, tier_arrays
    from .labels import relabel

    frame = part.drop_columns([POS]).to_pandas()
    res = collect(rs, frame, as_of=as_of)
    if res.collected is None:  # one tier per row: Arrow arrays, no string per row
        labels, ids, _fills = tier_arrays(res, lang, mapping)
    else:  # the collect policy: every matching tier, joined
        labels = pa.array(relabel(res.labels(lang), mapping), pa.string())
        ids = pa.array(res.tier_ids(), pa.string())
    summary = res.summary(lang)
    size = len(rs.segments) + 1
    at = [k if seg_id else size - 1 for k, seg_id in enumerate(summary["id"])]
    total.counts += np.bincount(at, weights=summary["count"].to_numpy(dtype=float), minlength=size).astype(np.int64)
    if "measure_sum" in summary.columns:
        sums = np.bincount(at, weights=summary["measure_sum"].to_numpy(dtype=float), minlength=size)
        total.measure = sums if total.measure is None else total.measure + sums
        total.measure_name = measure_label(rs, lang, res.binding)
    any_error = np.zeros(res.n, dtype=bool)
    for e in res.errors.values():
        any_error |= e
    total.errors += int(any_error.sum())
    total.n += res.n
    total.batch_tiers = np.asarray(res.tier_index)
    return labels, ids, (reason_column(res, lang) if reasons else None)


class ParquetSink:
    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.writer: Any = None

    def write(self, names: list[str], arrays: list[Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_arrays([a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays],
                                     names=names)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.fh, table.schema)
        self.writer.write_table(table.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class CsvSink:
    """UTF-8 with a BOM, CRLF, text that could run as a formula escaped: as :func:`tierkit.io.flat.write_csv`."""

    def __init__(self, fh: Any, delimiter: str = ",") -> None:
        self.text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="", write_through=False)
        self.writer = csv.writer(self.text, delimiter=delimiter, lineterminator="\r\n")
        self.header = False

    def write(self, names: list[str], arrays: list[Any]) -> None:
        from ..io.celltext import clean_cell
        from ..io.flat import _csv_cell as csv_cell
        from ..io.flat import escape_formula

        if not self.header:
            self.writer.writerow([escape_formula(clean_cell(n)) for n in names])
            self.header = True
        columns = [a.to_pylist() for a in arrays]
        for row in zip(*columns, strict=True):
            self.writer.writerow([csv_cell(v) for v in row])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()
