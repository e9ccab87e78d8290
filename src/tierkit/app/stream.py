"""``tierkit apply INPUT --engine duckdb`` without a pandas frame of the whole input: the table streams through DuckDB.

1. **Load.** The input is read a batch at a time (:mod:`tierkit.io.batches`: parquet and DuckDB tables as Arrow
   record batches, CSV and xlsx rows in chunks).  Each batch is cleaned by the functions the whole-table path
   uses (:func:`tierkit.app.rows.clean_rows`: totals, subtotals, repeated headers left out; the running sums of
   the numeric total test carry from batch to batch, notes under the table are looked for in the last batch),
   the columns of the rule sets' fields are read as people mean them (:func:`tierkit.values.coerce_column`:
   text numbers, dates), and the batch is appended to a DuckDB table with its position and whether it is kept.
2. **Classify.** Per rule set, one SELECT (:func:`tierkit.backends.compile_select`) with the features as SQL
   windows and group-bys inside DuckDB (quantile scores, Pareto share), over the kept rows; DuckDB spills to
   disk past its memory limit.  Without ``--as-of``, ``$today`` is the day the features take (the latest
   date of a ``days_since`` column), as on numpy.
3. **Write.** The input is read again batch by batch; each batch's tiers are fetched from DuckDB in order,
   their reasons formatted in Python by the code every backend uses (:func:`tierkit.spark.collect`,
   :func:`tierkit.reasons.reason_column`), and the batch is written (parquet or CSV through Arrow's writers
   and :func:`tierkit.io.atomic_write`).  Tier counts accumulate per batch for the summary.

What it cannot run exactly it leaves to the whole-table path, saying why (:class:`NotStreamed`): an xlsx output,
``--previous``, ``--features-from``, features that turn an orders table into one row per customer, and
conditions DuckDB cannot decide exactly without re-checking rows with rule-engine.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, InputFileError, TierkitError, display_path, msg
from ..i18n import tr
from ..ruleset.model import RuleSet
from ..timings import phase
from .rows import RowReport
from .streamload import POS
from .streamwrite import RulesetTotals

#: DuckDB's memory limit while streaming (it spills sorts and joins to disk beyond it); the environment variable
#: TIERKIT_DUCKDB_MEMORY sets another (``2GB``)
MEMORY_LIMIT = "256MB"


class NotStreamed(Exception):
    """This run needs the whole-table path; ``reason`` (a message) says why (shown with the run's notes)."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.reason = reason


def stream_or_why(input: str | Path, rulesets: Sequence[RuleSet], dst: Path, *, lang: str = "en",
                  as_of: dt.date | None = None, force: bool = False, sheet: str | None = None,
                  header_row: int | None = None, id_column: str | None = None, keep_all_rows: bool = False,
                  reasons: bool = True, previous: str | None = None, features_from: str | None = None,
                  visible_only: bool = False) -> StreamResult | str:
    """``tierkit apply --engine duckdb``: :func:`stream_apply`'s result, or (when the run needs the whole-table
    path, nothing written yet) the note saying why, for the run's report."""
    from ..errors import render

    options = {"--previous": previous, "--features-from": features_from, "--header-row": header_row,
               "--visible-only": visible_only or None}
    given = [name for name, value in options.items() if value is not None]
    try:
        if given:
            raise NotStreamed(msg("{option} needs the whole table", option=given[0]))
        return stream_apply(input, rulesets, dst, lang=lang, as_of=as_of, force=force, sheet=sheet,
                            id_column=id_column, keep_all_rows=keep_all_rows, reasons=reasons)
    except NotStreamed as why:
        return tr(lang, "--engine duckdb read the whole table into memory: {why}", why=render(why.reason, lang))


@dataclass
class StreamResult:
    output: Path
    totals: list[RulesetTotals]
    lang: str = "en"
    rows: RowReport = field(default_factory=RowReport)
    notes: list[str] = field(default_factory=list)
    conflicts: int = 0

    def report(self) -> str:
        """As :meth:`tierkit.app.apply.ApplyResult.report`: the rows left out, then per rule set its tiers'
        counts and shares (and the measure's share), added up over the batches."""
        from .apply import tier_lines

        lang = self.lang
        lines = [tr(lang, "wrote {path}", path=display_path(self.output))]
        lines.extend(self.rows.lines(lang))
        for t in self.totals:
            labels = [s.label.get(lang) for s in t.ruleset.segments] + [tr(lang, "(no segment)")]
            whole = float(t.measure.sum()) if t.measure is not None else 0.0
            rows = []
            for k, (label, count) in enumerate(zip(labels, t.counts.tolist(), strict=True)):
                if k == len(labels) - 1 and not count:
                    continue  # the unmatched line only when some rows matched no segment
                part = (float(t.measure[k]) / whole if whole else 0.0) if t.measure is not None else None
                rows.append((label, count, count / t.n if t.n else 0.0, part))
            lines += tier_lines(lang, t.ruleset.name, t.n, rows, t.measure_name, t.errors)
        if self.conflicts:
            lines.append(tr(lang, "{n} rows flagged for attention in the cross-tab (Tier summary)",
                            n=f"{self.conflicts:,}"))
        lines.extend(self.notes)
        return "\n".join(lines)


def stream_apply(input: str | Path, rulesets: Sequence[RuleSet], dst: Path, *, lang: str = "en",
                 as_of: dt.date | None = None, force: bool = False, sheet: str | int | None = None,
                 id_column: str | None = None, keep_all_rows: bool = False, reasons: bool = True,
                 batch_rows: int | None = None, memory_limit: str | None = None) -> StreamResult:
    """Classify ``input`` with ``rulesets`` on DuckDB a batch at a time and write ``dst`` (parquet or CSV).
    Raises :class:`NotStreamed` when the run needs the whole-table path, before writing anything."""
    from ..backends.duckdb import connect
    from ..io import format_of
    from ..io.batches import BATCH_ROWS, NotOneTable
    from .streamload import load
    from .streamwrite import write

    kind = format_of(dst).kind
    if kind not in ("parquet", "csv"):
        raise NotStreamed(msg("it streams to parquet and CSV outputs; an xlsx output is written from the whole "
                              "table"))
    size = batch_rows or BATCH_ROWS
    if str(input).lower().endswith((".xlsx", ".xlsm")):
        from .tables import choose_sheet

        sheet = choose_sheet(Path(input), sheet)  # the sheet the whole-table path reads
    limit = memory_limit or os.environ.get("TIERKIT_DUCKDB_MEMORY") or MEMORY_LIMIT
    spill = tempfile.TemporaryDirectory(prefix="tierkit_duckdb_")  # DuckDB's sorts and tables past the limit
    con = connect()
    try:
        con.execute(f"SET memory_limit = '{limit.replace(chr(39), '')}'")
        con.execute(f"SET temp_directory = '{spill.name}'")
        try:
            with phase("stream: read into DuckDB"):
                loaded = load(con, input, rulesets, sheet=sheet, id_column=id_column, keep_all=keep_all_rows,
                              batch_rows=size)
        except (DataError, InputFileError) as err:  # the whole-table path names the cell, or the file's trouble
            raise NotStreamed(err.message) from None
        except NotOneTable:
            raise NotStreamed(msg("the sheet holds several tables")) from None
        with phase("stream: read the orders sheet"):
            orders = _orders(con, input, rulesets, size)
        with phase("stream: features and conditions in DuckDB"):
            queries = [_query(con, rs, loaded.columns, as_of, orders) for rs in rulesets]
            _classify(con, queries)
        with phase("stream: reasons and write"):
            totals, conflicts = write(con, input, rulesets, queries, dst, loaded, lang=lang, force=force,
                                      reasons=reasons, sheet=sheet, batch_rows=size)
    finally:
        con.close()
        spill.cleanup()
    return StreamResult(output=dst, totals=totals, lang=lang, rows=loaded.report(keep_all_rows), conflicts=conflicts)


def _classify(con: Any, queries: Sequence[Query]) -> None:
    """Run each rule set's query into the table ``_tk_res<k>``.  A query DuckDB refuses (a column the rules use
    that the table lacks) is left to the whole-table path, which names what is missing."""
    import duckdb

    for k, query in enumerate(queries):
        try:
            con.execute(f"CREATE TABLE _tk_res{k} AS SELECT * FROM ({query.sql}) AS r")
        except duckdb.Error as err:
            raise NotStreamed(str(err).splitlines()[0]) from None


def _orders(con: Any, input: str | Path, rulesets: Sequence[RuleSet], batch_rows: int) -> list[str] | None:
    """The columns of the workbook's orders sheet, loaded as ``_tk_orders`` (None: no such sheet, or not a
    workbook)."""
    from .streamorders import load_orders, order_specs, orders_sheet

    if not str(input).lower().endswith((".xlsx", ".xlsm")) or not order_specs(rulesets):
        return None
    sheet = orders_sheet(Path(input), rulesets)
    if sheet is False:
        raise NotStreamed(msg("the rule sets read different orders sheets"))
    if sheet is None:
        return None
    try:
        return load_orders(con, Path(input), str(sheet), rulesets, batch_rows)
    except DataError as err:  # the whole-table path names the cell
        raise NotStreamed(err.message) from None


@dataclass(frozen=True)
class Query:
    """One rule set's SELECT over the kept rows (``_tk_pos`` first), and the day it took as today."""

    sql: str
    as_of: dt.date | None


def _query(con: Any, rs: RuleSet, columns: list[str], as_of: dt.date | None,
           orders: list[str] | None = None) -> Query:
    from ..backends import compile_select
    from ..backends.sqlfeatures import feature_query, features_as_of_sql, features_sql_text, output_columns
    from ..backends.sqlfeatures_query import field_headers
    from .streamorders import ORDERS

    view = "_tk_kept"
    where: dict[str, Any] = {"orders_table": ORDERS, "orders_columns": orders} if orders is not None else {}
    try:
        if rs.features:
            shaped = feature_query(rs, view, "duckdb", columns=[*columns, POS], **where)
            if POS not in shaped.columns:
                raise NotStreamed(msg("the features of {name} make one row per customer from order lines",
                                      name=rs.name))
        day = as_of
        if day is None and rs.features:
            stamp_sql = features_as_of_sql(rs, view, columns=[*columns, POS], **where)
            if stamp_sql is not None:
                found = con.execute(stamp_sql).fetchone()
                day = found[0] if found and found[0] is not None else None
        make = features_sql_text(columns=[*columns, POS], as_of=day, **where) if rs.features else None
        headers = field_headers(rs, output_columns(rs, [*columns, POS], **where))
        sql = compile_select(rs, view, "duckdb", features_sql=make, as_of=day, headers=headers, pretty=False)
    except TierkitError as err:  # the whole-table path runs it, or reports it with the table's cells
        raise NotStreamed(err.message) from None
    return Query(sql=sql, as_of=day)
