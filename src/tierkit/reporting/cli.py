"""``tierkit brief``: PDF tier briefs from a workbook/CSV (rules applied first) or a tiered output.

Registered in the main CLI as ``tierkit.reporting.cli:brief``.  Imports stay light: WeasyPrint,
matplotlib and Jinja2 load only when the command runs.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ..errors import InputFileError, TierkitError, Where, display_path

#: headers ``tierkit apply`` writes the tier ids under (one rule set; several use ``<NAME> ID``)
TIER_ID_HEADERS = ("Tier ID", "层级编号")
TIER_HEADERS = ("Tier", "Tier ID", "Tier reason", "层级", "层级编号", "层级原因")


@click.command("brief")
@click.argument("input", type=click.Path(dir_okay=False))
@click.option("--rules", "-r", required=True, help="Built-in rule set name (rfm, abc, ...) or a YAML file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="PDF to write (default: <input name>.briefs.pdf next to the input).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the labels, headings and number formats.")
@click.option("--split", "split_dir", type=click.Path(file_okay=False),
              help="Also write one PDF per tier into this folder (names made safe from the labels).")
@click.option("--top", type=click.IntRange(0, 500), default=10, show_default=True,
              help="Accounts listed per tier.")
@click.option("--as-of", help="Date for $today and recency (default: today, or the latest order date).")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False),
              help="Folder with restyled copies of reports/templates/*.html.j2 (and css/); "
                   "missing files fall back to the built-in ones.")
@click.option("--sheet", "-s", help="Sheet holding the customers (default: the first data sheet).")
@click.option("--header-row", type=int, help="1-based row of the header (default: detected).")
@click.option("--force", is_flag=True, help="Overwrite existing PDFs.")
def brief(input: str, rules: str, output: str | None, lang: str, split_dir: str | None, top: int,
          as_of: str | None, templates_dir: str | None, sheet: str | None, header_row: int | None,
          force: bool) -> None:
    """Print one brief per tier for the sales meeting: a cover with totals, tier sizes and the Pareto
    curve, then per tier its definition in plain words, key figures, how it differs from the rest, the
    top accounts, the strategies from the rule file and a checklist for this month.

    INPUT is a raw workbook/CSV (the rules are applied first) or the output of ``tierkit apply`` (its
    Tier ID column is used as it is).

    \b
    Example:
        tierkit brief sample_workbooks/distributor.xlsx --rules rfm --lang zh -o rfm-briefs.pdf
        tierkit brief customers.tiered.xlsx -r abc --split briefs/ --top 20
    """
    try:
        files = brief_files(input, rules, output=output, lang=lang, split_dir=split_dir, top=top, as_of=as_of,
                            templates_dir=templates_dir, sheet=sheet, header_row=header_row, force=force)
    except TierkitError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    for path in files:
        click.echo(f"wrote {display_path(path)}")


def brief_files(input: str | Path, rules: str, *, output: str | Path | None = None, lang: str = "en",
                split_dir: str | Path | None = None, top: int = 10, as_of: str | dt.date | None = None,
                templates_dir: str | Path | None = None, sheet: str | None = None, header_row: int | None = None,
                force: bool = False) -> list[Path]:
    """What ``tierkit brief`` does, as a function: read, classify (or take the tiers as given), write."""
    from .. import load_ruleset
    from .pdf import make_briefs

    path = Path(input)
    if not path.exists():
        raise InputFileError("file not found", where=Where(file=str(input)),
                             hint="tierkit reads .xlsx, .xlsm, .csv and .parquet")
    rs = load_ruleset(rules)
    stamp = _parse_date(as_of)
    result, source_name, data = classify_file(path, rs, as_of=stamp, sheet=sheet, header_row=header_row)
    out = Path(output) if output else path.with_name(f"{_stem(path)}.briefs.pdf")
    return make_briefs(result, out, lang=lang, split_dir=split_dir, top=top, templates_dir=templates_dir,
                       as_of=stamp, source_name=source_name, force=force, data=data)


def classify_file(path: Path, rs: Any, *, as_of: dt.date | None = None, sheet: str | None = None,
                  header_row: int | None = None) -> tuple[Any, str, Any]:
    """Read ``path`` and classify it with ``rs``; a tiered output keeps the tiers in its Tier ID column.

    Returns the classification, the source's name (file / sheet) and the table as read.
    """
    from .. import TableSource, classify
    from ..io import read_table

    sheet_arg: str | int | None = sheet
    if sheet is not None and sheet.isdigit():
        sheet_arg = int(sheet) - 1
    raw = read_table(path, sheet=sheet_arg, header_row=header_row)
    cache: dict[str, Any] = {}

    def sheets(name: str) -> Any:
        if raw.sheet is None:
            return None
        if name not in cache:
            try:
                cache[name] = read_table(path, sheet=name).frame
            except InputFileError:
                cache[name] = None
        return cache[name]

    frame = raw.frame
    id_col = tier_id_column(frame, rs)
    data = frame.drop(columns=[c for c in frame.columns if c in _tier_headers(rs)])
    source = TableSource(file=display_path(path), sheet=raw.sheet, sheets=sheets,
                         cell_ref=lambda i, col: f"{raw.sheet + '!' if raw.sheet else ''}{raw.cell_ref(i, col)}")
    result = classify(rs, data, as_of=as_of, source=source)
    if id_col is not None:
        result = with_given_tiers(result, frame[id_col], header=str(id_col), file=display_path(path))
    name = display_path(path) + (f" / {raw.sheet}" if raw.sheet else "")
    return result, name, frame


def _tier_headers(rs: Any) -> set[str]:
    base = rs.column or rs.name.upper()
    return {*TIER_HEADERS, base, f"{base} ID", f"{base}编号", f"{base} reason", f"{base}原因"}


def tier_id_column(frame: Any, rs: Any) -> Any:
    """The column of a tiered output holding ``rs``'s segment ids, or None for a raw table."""
    base = rs.column or rs.name.upper()
    for header in (*TIER_ID_HEADERS, f"{base} ID", f"{base}编号"):
        if header in frame.columns:
            return header
    return None


def with_given_tiers(result: Any, ids: Any, *, header: str, file: str) -> Any:
    """``result`` with each row's tier taken from a Tier ID column (blank: no tier).

    A column with none of the rule set's ids was written for another rule set and is ignored; a column
    mixing known and unknown ids (a hand edit gone wrong) is an error.
    """
    import numpy as np

    known = {seg.id: k for k, seg in enumerate(result.ruleset.segments)}
    values = [None if v is None or (isinstance(v, float) and v != v) or str(v).strip() == "" else str(v).strip()
              for v in ids]
    unknown = sorted({v for v in values if v is not None and v not in known})
    if unknown and not any(v in known for v in values):
        return result  # tiered with another rule set: the rules just applied decide
    if unknown:
        shown = ", ".join(unknown[:5])
        raise TierkitError(f"column '{header}' holds tier ids that rule set '{result.ruleset.name}' does not "
                           f"have: {shown}", where=Where(file=file, column=header),
                           hint="give the rule set the file was tiered with (--rules)")
    tier = np.array([known[v] if v is not None else -1 for v in values], dtype=np.int32)
    return replace(result, tier_index=tier, collected=None)


def _parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise TierkitError(f"--as-of '{value}' is not a date", hint="write it as YYYY-MM-DD") from None


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".tiered.xlsx", ".tiered.xlsm", ".tiered.csv", ".tiered.parquet"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem
