"""``tierkit brief``: PDF tier briefs from a workbook/CSV (rules applied first) or a tiered output.

Registered in the main CLI as ``tierkit.reporting.cli:brief``.  Imports stay light: WeasyPrint and
Jinja2 load only when the command runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..clikit import force_option, lang_option, quiet_option, rules_options, run_safely, table_options
from ..errors import display_path
from ..i18n import mark, tr
from ..progress import Step, active, phase


@click.command("brief")
@click.argument("input", type=click.Path(dir_okay=False))
@rules_options(multiple=False)
@table_options
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="PDF to write (default: <input name>.briefs.pdf next to the input).")
@lang_option(help="Language of the labels, headings and number formats.")
@click.option("--split", "split_dir", type=click.Path(file_okay=False),
              help="Also write one PDF per tier into this folder (names made safe from the labels).")
@click.option("--top", type=click.IntRange(0, 500), default=10, show_default=True,
              help="Accounts listed per tier.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False),
              help="Folder with restyled copies of reports/templates/*.html.j2 (and css/); "
                   "missing files fall back to the built-in ones.")
@click.option("--compare-from", "compare_from", metavar="DATE",
              help="Add a movement page: who moved between tiers from DATE (the same workbook, orders up to DATE) "
                   "to --as-of (default today), with the value at risk and the top movers down.")
@click.option("--before", "before", type=click.Path(dir_okay=False),
              help="Add a movement page against an earlier snapshot of the customer table (e.g. last quarter's "
                   "tiered output), matched on the customer id.")
@click.option("--archive", is_flag=True,
              help="Write PDF/A-3b with the rule set as it ran (YAML) and each customer's id, tier and rule fields "
                   "(CSV) attached, so the printed pack can be re-checked later with --verify.")
@click.option("--pdf-tags", is_flag=True, help="Tag the PDF's structure for screen readers (accessibility).")
@click.option("--verify", is_flag=True,
              help="INPUT is a pack written with --archive: re-run its attached rules on its attached data and "
                   "confirm every tier (exit 0), or list the differences (exit 2).")
@force_option("Overwrite existing PDFs.")
@quiet_option()
@run_safely
def brief(input: str, rules: str | None, params: tuple[str, ...], as_of: str | None, features_from: str | None,
          sheet: str | None, header_row: int | None, id_column: str | None, keep_all_rows: bool,
          visible_only: bool, output: str | None, lang: str, split_dir: str | None, top: int,
          templates_dir: str | None, compare_from: str | None, before: str | None, archive: bool, pdf_tags: bool,
          verify: bool, force: bool, quiet: bool) -> None:
    """Print one brief per tier for the sales meeting: a cover with totals, tier sizes and the Pareto
    curve, then per tier its definition in plain words, key figures, how it differs from the rest, the
    top accounts, the strategies from the rule file and a checklist for this month.

    INPUT is a raw workbook/CSV (the rules are applied first) or the output of ``tierkit apply`` (its
    Tier ID column is used as it is).

    \b
    Example:
        tierkit brief sample_workbooks/distributor.xlsx --rules rfm --lang zh -o rfm-briefs.pdf
        tierkit brief customers.tiered.xlsx -r abc --split briefs/ --top 20
        tierkit brief sample_workbooks/distributor.xlsx -r rfm --compare-from 2024-06-30 --as-of 2024-12-31
        tierkit brief sample_workbooks/distributor.xlsx -r rfm --archive -o pack.pdf
        tierkit brief --verify pack.pdf
    """
    from .. import app

    if verify:
        verify_pack(input, lang=lang, quiet=quiet)
        return
    if not rules:
        raise click.UsageError("Missing option '--rules' / '-r'.")

    movement: list[str] = []
    files = brief_files(input, rules, output=output, lang=lang, split_dir=split_dir, top=top, as_of=as_of,
                        templates_dir=templates_dir, sheet=sheet, header_row=header_row, force=force,
                        params=app.parse_params(params), id_column=id_column, keep_all_rows=keep_all_rows,
                        features_from=features_from, visible_only=visible_only, compare_from=compare_from,
                        before=before, console=movement, archive=archive, pdf_tags=pdf_tags)
    for path in [] if quiet else files:
        click.echo(tr(lang, "wrote {path}", path=display_path(path)))
    for line in [] if quiet else movement:
        click.echo(line)


def brief_files(input: str | Path, rules: str, *, output: str | Path | None = None, lang: str = "en",
                split_dir: str | Path | None = None, top: int = 10, as_of: str | dt.date | None = None,
                templates_dir: str | Path | None = None, sheet: str | None = None, header_row: int | None = None,
                force: bool = False, params: dict[str, float] | None = None, id_column: str | None = None,
                keep_all_rows: bool = False, features_from: str | None = None,
                visible_only: bool = False, compare_from: str | dt.date | None = None,
                before: str | Path | None = None, console: list[str] | None = None, archive: bool = False,
                pdf_tags: bool = False) -> list[Path]:
    """What ``tierkit brief`` does, as a function: read, classify (or take the tiers as given), write.
    ``compare_from`` (a date) or ``before`` (an earlier snapshot file) adds the movement page; its console
    report (the figures of ``tierkit compare``) is appended to ``console``.  ``archive`` writes PDF/A-3b with
    the rules and data attached; ``pdf_tags`` a tagged PDF."""
    from .. import app
    from . import worker
    from .pdf import make_briefs

    worker.start()   # WeasyPrint loads and warms up in a second process while the table is read and classified
    path = Path(input)
    (rs,) = app.resolve_rules([rules], params=params, workbook=display_path(path),
                              sheet_rows=app.workbook_sheet_rows(path))
    with phase(mark("progress", "reading {name}"), name=path.name):
        raw = app.open_table(path, sheet=sheet, header_row=header_row, visible_only=visible_only, rulesets=[rs])
    stamp = app.parse_as_of(as_of)
    with phase(mark("progress", "classifying with {rules}"), rules=rs.name):
        result, source_name, data, notes = classify_table(raw, rs, as_of=stamp, id_column=id_column,
                                                          keep_all_rows=keep_all_rows, features_from=features_from)
    page = None
    if compare_from is not None or before is not None:
        from ..movement.since import movement_since
        from .movement import movement_page

        with phase(mark("progress", "comparing with {before}"), before=str(compare_from or Path(before or "").name)):
            since = movement_since(raw, rs, lang=lang, as_of=stamp,
                                   compare_from=app.parse_as_of(compare_from, what="--compare-from")
                                   if compare_from is not None else None,
                                   before=before, sheet=sheet, header_row=header_row, id_column=id_column,
                                   keep_all_rows=keep_all_rows, visible_only=visible_only)
        page = movement_page(since, top=top)
        if console is not None:
            console.extend(since.console())
    out = Path(output) if output else app.default_output(path, "briefs", fmt="pdf")
    from .archive import pdf_options

    options = pdf_options(result if archive else None, tags=pdf_tags, id_column=id_column)
    with phase(mark("progress", "laying out the pages")) as pages, _counting_pages(pages):
        return make_briefs(result, out, lang=lang, split_dir=split_dir, top=top, templates_dir=templates_dir,
                           as_of=stamp, source_name=source_name, force=force, data=data, inputs=[path],
                           notes=[*notes.lines(lang), *(n.text(lang) for n in result.binding.notes)],
                           movement=page, pdf_options=options)


def verify_pack(input: str | Path, *, lang: str = "en", quiet: bool = False) -> None:
    """``tierkit brief --verify PACK.pdf``: confirm every tier (exit 0) or print one line per difference (at most
    :data:`~tierkit.reporting.verify.MAX_LISTED`, then a count) and exit 2."""
    from ..i18n import tr, tr_n
    from .verify import verify_pdf

    verdict = verify_pdf(input)
    name = display_path(Path(input))
    if verdict.ok:
        if not quiet:
            click.echo(tr_n(lang, "{file}: confirmed: {n} customer, every tier as the pack printed it",
                            "{file}: confirmed: {n} customers, every tier as the pack printed it",
                            verdict.customers, file=name, n=f"{verdict.customers:,}"))
        return
    click.echo(tr(lang, "error: {file}: {n} of {total} customers get another tier from the attached rules",
                  file=name, n=f"{len(verdict.differences):,}", total=f"{verdict.customers:,}"), err=True)
    for line in verdict.lines(lang=lang):
        click.echo(f"  {line}", err=True)
    sys.exit(2)


@contextlib.contextmanager
def _counting_pages(step: Step) -> Iterator[None]:
    """While someone shows progress, count WeasyPrint's pages into ``step``; its log goes nowhere else."""
    if not active():
        yield
        return
    import logging

    class PageCounter(logging.Handler):
        """Counts the pages WeasyPrint lays out (its ``weasyprint.progress`` log says "Step 5 - Creating layout
        - Page N" for each page it makes)."""

        def emit(self, record: logging.LogRecord) -> None:
            if record.msg == "Step 5 - Creating layout - Page %d":
                step.advance()

    logger = logging.getLogger("weasyprint.progress")
    handler = PageCounter(logging.INFO)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def classify_table(raw: Any, rs: Any, *, as_of: dt.date | None = None, id_column: str | None = None,
                   keep_all_rows: bool = False, features_from: str | None = None) -> tuple[Any, str, Any, Any]:
    """Classify a table read by :func:`tierkit.app.open_table` with ``rs``; a tiered output keeps the tiers
    in its Tier ID column.  Total lines, repeated headers and notes are left out first
    (:func:`tierkit.app.clean_rows`).  Returns the classification, the source's name (file / sheet), the
    table as read and the report of the rows left out."""
    from .. import app, classify

    frame = raw.frame
    table, left_out = app.customer_rows(raw, [rs], id_column=id_column, keep_all=keep_all_rows)
    id_col = app.tier_id_header(list(frame.columns), rs)
    data = app.without_tier_columns(table.frame, [rs])
    result = classify(rs, data, as_of=as_of, source=app.table_source(table),
                      features_from=features_from)  # type: ignore[arg-type]
    if id_col is not None:
        result = app.with_given_tiers(result, table.frame[id_col], header=str(id_col), file=display_path(raw.path))
    name = display_path(raw.path) + (f" / {raw.sheet}" if raw.sheet else "")
    return result, name, frame, left_out


# --verify reads the rules from the PDF: --rules is required only to make a pack (checked in the command)
for _param in brief.params:
    if _param.name == "rules":
        _param.required = False
