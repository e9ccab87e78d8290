"""The buttons' work on an xlwings Book (remote JSON book on xlwings Server, COM book on Windows).

``apply_rules`` writes exactly what ``tierkit apply`` writes: the Tier / Tier ID / Tier reason
columns (the label column filled with the segment colour) next to the table, and the
``Tier summary`` sheet.  Nothing else in the workbook is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import tierkit
from tierkit import RuleSet, TierkitError, app
from tierkit.app import column_index
from tierkit.errors import msg
from tierkit.i18n import tr, trc

from . import core
from .core import CHECK_SHEET, SETTINGS_SHEET, Rows, blank, summary_sheet, summary_sheets

COLOR_CHUNK = 10_000  # xlwings' Range.set_colors takes at most 10,000 cells per call


# --------------------------------------------------------------------------- reading


def sheet_values(sheet: Any) -> Rows:
    """The sheet's cells from A1 to the end of its used range (an empty sheet gives [])."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1 and blank(sheet.range("A1").value):
        return []
    core.check_cells(last.row * last.column, msg("sheet '{sheet}'", sheet=sheet.name))
    # read raw (no per-cell conversion, which is slow on big sheets) and clean once
    return core.as_rows(sheet.range((1, 1), (last.row, last.column)).options("raw").value)


def find_sheet(book: Any, name: str) -> Any | None:
    for sheet in book.sheets:
        if sheet.name.casefold() == name.casefold():
            return sheet
    return None


def read_settings(book: Any) -> dict[str, Any]:
    """``key | value`` rows of a sheet named ``tierkit`` (rule_set, lang, as_of, sheet, compare_with,
    compare_from)."""
    sheet = find_sheet(book, SETTINGS_SHEET)
    if sheet is None:
        return {}
    out: dict[str, Any] = {}
    aliases = {
        "rules": "rule_set",
        "rule set": "rule_set",
        "ruleset": "rule_set",
        "规则": "rule_set",
        "规则集": "rule_set",
        "language": "lang",
        "语言": "lang",
        "as of": "as_of",
        "基准日期": "as_of",
        "data sheet": "sheet",
        "数据表": "sheet",
        "compare with": "compare_with",
        "对比工作表": "compare_with",
        "对比表": "compare_with",
        "compare from": "compare_from",
        "对比日期": "compare_from",
        "对比起始日期": "compare_from",
    }
    for row in sheet_values(sheet):
        if len(row) >= 2 and not blank(row[0]) and not blank(row[1]):
            key = str(row[0]).strip().lower().replace("-", "_")
            out[aliases.get(key, key)] = row[1]
    return out


@dataclass
class SheetTable:
    """The table on a sheet: where it is, its data, and where the tier columns go."""

    sheet: Any
    header_row: int  # 1-based
    first_row: int  # 1-based first data row
    last_row: int  # 1-based last data row
    data_cols: list[int]  # 1-based columns of the data (tier columns excluded)
    table: core.Table
    tier_cols: dict[str, int] = field(default_factory=dict)  # existing tier header (casefold) -> column

    def row_of(self, frame_row: int) -> int:
        return int(self.table.raw.row_numbers[frame_row])

    def frame_row(self, sheet_row: int) -> int | None:
        """The frame row of a sheet row, or None for a blank row."""
        hits = (self.table.raw.row_numbers == sheet_row).nonzero()[0]
        return int(hits[0]) if len(hits) else None


def read_table(sheet: Any) -> SheetTable:
    """The customer table on ``sheet``, read as ``tierkit apply`` reads a file (same header detection, a
    title line above the header skipped); earlier tier columns are set aside, not read as data."""
    import dataclasses

    rows = sheet_values(sheet)
    where = msg("sheet '{sheet}'", sheet=sheet.name)
    if not rows:
        raise TierkitError(
            msg("no table found on {where}", where=where),
            hint=msg("activate the sheet with your customer table (a header row, one row per customer)"),
        )
    raw = app.table_from_cells(rows, name=str(getattr(sheet.book, "name", "") or "workbook"), sheet=sheet.name,
                               what=msg("table on {where}", where=where))
    tier_names = {t.casefold() for t in app.all_generic()}
    letters = raw.column_letters
    tier_cols = {str(c).strip().casefold(): column_index(letters[j]) for j, c in enumerate(raw.frame.columns)
                 if str(c).strip().casefold() in tier_names}
    keep = [j for j, c in enumerate(raw.frame.columns) if str(c).strip().casefold() not in tier_names]
    frame = raw.frame.iloc[:, keep]
    filled = frame.notna().any(axis=1).to_numpy() if keep else np.zeros(len(frame), dtype=bool)
    frame = frame[filled].reset_index(drop=True)
    raw = dataclasses.replace(raw, frame=frame, row_numbers=raw.row_numbers[filled],
                              column_letters=[letters[j] for j in keep])
    if frame.empty:
        raise TierkitError(msg("the table on {where} has a header row but no data rows", where=where))
    first_row = raw.header_row + 1
    last_row = int(raw.row_numbers[-1])
    table = core.Table(raw=raw, first_row=first_row, n_rows=last_row - first_row + 1)
    return SheetTable(
        sheet=sheet,
        header_row=raw.header_row,
        first_row=first_row,
        last_row=last_row,
        data_cols=[column_index(x) for x in raw.column_letters],
        table=table,
        tier_cols=tier_cols,
    )


@dataclass
class Run:
    """What a button works on: the rule set, the language, the as-of date and the table."""

    ruleset: RuleSet
    lang: str
    as_of: dt.date | None
    table: SheetTable


def prepare(book: Any, rule_set: str | None = None, lang: str | None = None) -> Run:
    settings = read_settings(book)
    spec = rule_set if rule_set and str(rule_set).strip() else settings.get("rule_set")
    if blank(spec):
        raise TierkitError(
            msg("no rule set chosen"),
            hint=msg("pick one in the tierkit task pane, or add a sheet named 'tierkit' "
            "with a row: rule_set | rfm"),
        )
    code = core.lang_of(lang if lang and str(lang).strip() else settings.get("lang"))
    sheet_name = settings.get("sheet")
    sheet = find_sheet(book, str(sheet_name)) if not blank(sheet_name) else book.sheets.active
    if sheet is None:
        raise TierkitError(
            msg("the tierkit sheet names a data sheet '{sheet_name}' that does not exist", sheet_name=sheet_name)
        )
    own = {SETTINGS_SHEET.casefold(), CHECK_SHEET.casefold(), *summary_sheets()}
    if sheet.name.casefold() in own:
        raise TierkitError(
            msg("'{name}' is tierkit's own sheet", name=sheet.name),
            hint=msg("activate the sheet with your customer table and press the button again"),
        )
    rules_sheets: dict[str, Rows] = {}
    text = str(spec).strip()
    other = find_sheet(book, text)
    if other is not None:
        rules_sheets[other.name] = sheet_values(other)
    rs = core.resolve_ruleset(text, rules_sheets)
    st = read_table(sheet)
    st.table = core.customers_only(st.table, rs)  # totals, repeated headers and notes are not customers
    return Run(ruleset=rs, lang=code, as_of=core.parse_as_of(settings.get("as_of")), table=st)


# --------------------------------------------------------------------------- writing


def tier_headers(rs: RuleSet, lang: str) -> tuple[str, str, str]:
    """Header texts of the three tier columns (as ``tierkit apply`` names them for one rule set)."""
    label, id_, reason = app.tier_columns(rs, lang)
    return label, id_, reason


def summary_tables(
    res: tierkit.Classification, lang: str, source: str, notes: Sequence[str] = ()
) -> list[tuple[str, list[str], Rows, list[str | None] | None]]:
    """(title, header, rows, fills) per table, as on the CLI's ``Tier summary`` sheet (with its Data notes)."""
    tables = app.summary_tables([res], lang)
    if notes:
        tables.append(app.data_notes_table(list(notes), lang))
    tables.append(app.about_table([res], source, lang, made_by=tr(lang, "Excel add-in")))
    return [(t.title, list(t.header), [list(r) for r in t.rows], t.fills) for t in tables]


def write_tables(
    sheet: Any, tables: Sequence[tuple[str, list[str], Rows, Sequence[str | None] | None]]
) -> None:
    """Tables one below the other (title, header, rows; a blank line between), in one block of values."""
    width = max(len(h) for _, h, rows, _ in tables for h in [h, *rows])
    block: Rows = []
    fills: list[tuple[int, str]] = []
    for k, (title, header, rows, row_fills) in enumerate(tables):
        if k:
            block.append([None] * width)
        block.append([title] + [None] * (width - 1))
        block.append(list(header) + [None] * (width - len(header)))
        for i, row in enumerate(rows):
            if row_fills and i < len(row_fills) and row_fills[i]:
                fills.append((len(block) + 1, str(row_fills[i])))
            block.append(list(row) + [None] * (width - len(row)))
    sheet.range((1, 1)).value = block
    for r, color in fills:
        sheet.range((r, 1), (r, width)).color = color
    sheet.range((1, 1), (len(block), width)).columns.autofit()


def fresh_sheet(book: Any, name: str, after: Any = None) -> Any:
    """The sheet ``name``, emptied, or a new one added at the end."""
    sheet = find_sheet(book, name)
    if sheet is not None:
        sheet.clear()
        return sheet
    return book.sheets.add(name, after=after or book.sheets[len(book.sheets) - 1])


def write_tiers(run: Run, res: tierkit.Classification) -> dict[str, int]:
    """The Tier / Tier ID / Tier reason columns; returns header -> column."""
    st, lang = run.table, run.lang
    headers = tier_headers(run.ruleset, lang)
    used = set(st.tier_cols.values())
    next_col = max([*st.data_cols, *used]) + 1
    cols: dict[str, int] = {}
    for h in headers:
        col = st.tier_cols.get(h.casefold())
        if col is None:
            # the other language's header in the same role is replaced too
            role = headers.index(h)
            for other in app.all_generic()[role::3]:
                col = st.tier_cols.get(other.casefold()) if col is None else col
        if col is None or col in cols.values():
            col = next_col
            next_col += 1
        cols[h] = col
    n = st.last_row - st.first_row + 1
    values = {
        headers[0]: core.spread(res.labels(lang), st.table),
        headers[1]: core.spread(res.tier_ids(), st.table),
        headers[2]: core.spread(res.reasons(lang), st.table),
    }
    sheet = st.sheet
    order = sorted(cols.items(), key=lambda kv: kv[1])
    contiguous = [c for _, c in order] == list(range(order[0][1], order[0][1] + 3))
    if contiguous:
        block = [[h for h, _ in order]] + [[values[h][i] for h, _ in order] for i in range(n)]
        put(sheet, st.header_row, order[0][1], block)
    else:
        for h, c in order:
            put(sheet, st.header_row, c, [[h]] + [[v] for v in values[h]])
    colors = core.spread(res.colors(), st.table, fill=None)
    label_col = cols[headers[0]]
    for start in range(0, n, COLOR_CHUNK):
        chunk = colors[start : start + COLOR_CHUNK]
        rng = sheet.range((st.first_row + start, label_col), (st.first_row + start + len(chunk) - 1, label_col))
        set_colors(rng, [[c] for c in chunk])
    return cols


def set_colors(rng: Any, matrix: list[list[str | None]]) -> None:
    """``Range.set_colors``; on xlwings' remote engine straight to its implementation, skipping a second
    per-cell validation of colours that are already ``#rrggbb`` or None (10x faster on 100,000 rows)."""
    impl = getattr(rng, "impl", None)
    if type(impl).__module__.endswith("._xlremote") and hasattr(impl, "set_colors"):
        impl.set_colors(matrix)
    else:
        rng.set_colors(matrix)


def put(sheet: Any, row: int, col: int, block: Rows) -> None:
    """Write text/number cells without xlwings' per-cell conversion (``""`` for blanks: Office.js reads
    ``null`` as "leave the cell as it is")."""
    clean = [["" if v is None else v for v in r] for r in block]
    sheet.range((row, col), (row + len(clean) - 1, col + len(clean[0]) - 1)).options("raw").value = clean


def counts(res: tierkit.Classification, lang: str) -> list[dict[str, Any]]:
    df = res.summary(lang)
    return [
        {
            "id": r["id"],
            "label": r["label"],
            "count": int(r["count"]),
            "share": round(float(r["share"]), 4),
            "color": r["color"],
        }
        for r in df.to_dict("records")
    ]


def apply(book: Any, rule_set: str | None = None, lang: str | None = None) -> dict[str, Any]:
    run = prepare(book, rule_set, lang)
    res = core.classify(run.ruleset, run.table.table, run.as_of)
    sheet = run.table.sheet
    write_tiers(run, res)
    left_out = run.table.table.left_out
    notes = [*(left_out.lines(run.lang) if left_out else []), *(n.text(run.lang) for n in res.binding.notes)]
    summary = fresh_sheet(book, summary_sheet(run.lang))
    write_tables(summary, summary_tables(res, run.lang, f"{book.name} / {sheet.name}", notes))
    sheet.activate()
    return {"rule_set": run.ruleset.name, "sheet": sheet.name, "rows": res.n, "counts": counts(res, run.lang),
            "notes": notes}


def check(book: Any, rule_set: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """Gap/overlap report: rows no segment matches, rows several segments match (DMN-style)."""
    run = prepare(book, rule_set, lang)
    rs, st, lang = run.ruleset, run.table, run.lang
    found = app.gaps_and_overlaps(rs, st.table.frame, as_of=run.as_of)
    gap_rows = [st.row_of(int(i)) for i in found.gaps]
    over_rows = [st.row_of(int(i)) for i in found.overlaps]

    def sample(rows: list[int]) -> str:
        return ", ".join(str(r) for r in rows[:20]) + (" ..." if len(rows) > 20 else "")

    per_seg: Rows = [[trc(lang, "check sheet", "Segment"), trc(lang, "check sheet", "When"),
                      trc(lang, "check sheet", "Rows matching"),
                      trc(lang, "check sheet", "Rows not evaluable (blank)")]]
    for s in rs.segments:
        blank_rows = len(found.blank.get(s.id, ()))
        when = trc(lang, "check sheet", "default") if s.default else s.when
        per_seg.append([s.label.get(lang), when, found.matched[s.id], blank_rows])
    default = rs.default_segment
    gap = trc(lang, "check sheet", "no condition matches (gap)") + (f" → {default.id}" if default else "")
    overlap = trc(lang, "check sheet", "several conditions match (overlap)")
    findings: Rows = [
        [trc(lang, "check sheet", "Check"), trc(lang, "check sheet", "Rows"), trc(lang, "check sheet", "Excel rows")],
        [gap, len(gap_rows), sample(gap_rows)],
        [overlap + rs.policy.overlap_note(lang), len(over_rows), sample(over_rows)],
    ]
    static = app.check_static(rs, lang)
    verdict = found.problems(lang) + [f.message for f in static.problems]
    title = tr(lang, "Rule check {name} (hit policy {policy}) — sheet {sheet}, {n} rows", name=rs.name,
               policy=rs.hit_policy, sheet=st.sheet.name, n=found.n)
    ok = trc(lang, "check sheet", "no problems found")
    static_rows: Rows = [[f.level, f.message] for f in static.findings] or [["ok", ok]]
    status = "; ".join(verdict) or ok
    sheet = fresh_sheet(book, CHECK_SHEET)
    write_tables(
        sheet,
        [
            (title, findings[0], findings[1:], None),
            (trc(lang, "check sheet", "Verdict"), [""], [[status]], None),
            (trc(lang, "check sheet", "Segments"), per_seg[0], per_seg[1:], None),
            (trc(lang, "check sheet", "Rule checks (unreachable segments, gaps)"),
             [trc(lang, "check sheet", "Level"), trc(lang, "check sheet", "Finding")], static_rows, None),
        ],
    )
    return {
        "rule_set": rs.name,
        "rows": found.n,
        "gaps": len(gap_rows),
        "overlaps": len(over_rows),
        "problems": len(verdict),
    }


def explain(book: Any, rule_set: str | None = None, lang: str | None = None) -> str:
    run = prepare(book, rule_set, lang)
    st = run.table
    selection = book.selection if hasattr(book, "selection") else book.app.selection
    if selection is None or selection.address is None:  # Office.js sends null for a shape, chart or several areas
        raise TierkitError(msg("no cell is selected"), hint=msg("select a cell in the customer's row first"))
    if selection.sheet.name != st.sheet.name:
        raise TierkitError(msg("select a cell in the table on sheet '{name}'", name=st.sheet.name))
    row = selection.row
    if not st.first_row <= row <= st.last_row:
        raise TierkitError(
            msg(
                "row {row} is outside the table (rows {first_row}-{last_row})",
                row=row,
                first_row=st.first_row,
                last_row=st.last_row,
            ),
            hint=msg("select a cell in a customer's row"),
        )
    index = st.frame_row(row)
    if index is None:
        raise TierkitError(msg("row {row} is blank", row=row))
    res = core.classify(run.ruleset, st.table, run.as_of)
    return res.explain(index, run.lang)  # names the Excel row, as the CLI's explain does


def briefs_dir(book: Any) -> Path:
    """Where PDF briefs go: on the server, its own private folder; else $TIERKIT_BRIEFS_DIR, else next to a
    workbook saved on this machine (classic desktop), else a tierkit-briefs folder in the temp directory."""
    policy = core.server_policy()
    if policy is not None:
        return policy.briefs_dir
    env = os.environ.get("TIERKIT_BRIEFS_DIR")
    if env:
        return Path(env)
    full = Path(str(getattr(book, "fullname", "") or ""))
    if full.is_absolute() and full.parent.is_dir():
        return full.parent
    return Path(tempfile.gettempdir()) / "tierkit-briefs"


def briefs(book: Any, rule_set: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """PDF briefs (cover + one brief per tier) for the table, via tierkit.reporting.make_briefs.

    On the server the PDF gets a random name in the server's private folder (the book's name never reaches
    the file system) and the result holds only that name, fetched at /briefs/NAME until it expires."""
    from tierkit.reporting import make_briefs

    run = prepare(book, rule_set, lang)
    res = core.classify(run.ruleset, run.table.table, run.as_of)
    sheet = run.table.sheet
    source = f"{book.name} / {sheet.name}"
    if core.server_policy() is not None:
        name = f"{secrets.token_urlsafe(24)}.pdf"
        make_briefs(res, briefs_dir(book) / name, lang=run.lang, as_of=run.as_of, source_name=source)
        return {"rule_set": run.ruleset.name, "sheet": sheet.name, "rows": res.n, "briefs": name}
    folder = briefs_dir(book)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w\-]+", "_", Path(str(book.name)).stem).strip("_")[:40] or "workbook"
    name = f"{stem}-{run.ruleset.name}-briefs.pdf"
    make_briefs(res, folder / name, lang=run.lang, as_of=run.as_of, source_name=source)
    return {"rule_set": run.ruleset.name, "sheet": sheet.name, "rows": res.n, "briefs": name,
            "path": str(folder / name)}


def self_check(book: Any, lang: str | None = None) -> str:
    """The trainer kit's self-check on an exercise workbook: a summary and the rows to look at again."""
    from tierkit.exercise import check_my_answers

    meta_sheet = find_sheet(book, "_tierkit")
    if meta_sheet is None:
        raise tierkit.TierkitError(tr(core.lang_of(lang), "this workbook is not a tierkit exercise"))
    meta_rows = sheet_values(meta_sheet)
    meta = {str(r[0]): r[1] for r in meta_rows if r and len(r) > 1 and r[0] is not None}
    data_sheet = find_sheet(book, str(meta.get("data_sheet") or "Data")) or book.sheets.active
    language = core.lang_of(lang or meta.get("lang"))
    return check_my_answers(meta_rows, sheet_values(data_sheet), language).report(language)
