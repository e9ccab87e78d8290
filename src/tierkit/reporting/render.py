"""HTML from a context: the Jinja2 environment (autoescape, StrictUndefined, user templates first)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup

from ..errors import TierkitError, msg
from ..io.celltext import clean_cell, fit_cell, strip_bidi
from .assets import SVG_DATA, asset_url, check_templates_dir, reports_dir
from .context import PackContext

PACK_TEMPLATE = "pack.html.j2"


#: the most characters of one value a PDF shows (a 4-million-character customer name took WeasyPrint
#: 34 s of CPU to lay out); longer text is cut, ending in ``…``
PDF_TEXT_LIMIT = 2000


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}``: text loses its bidi controls and C0 control characters (markup stays markup),
    and plain text is cut at :data:`PDF_TEXT_LIMIT` characters."""
    if isinstance(value, Markup):
        return Markup(clean_cell(strip_bidi(str(value))))
    if isinstance(value, str):
        if value.startswith(SVG_DATA):   # a chart's URL (checked again when WeasyPrint fetches it)
            return value
        return fit_cell(strip_bidi(value), limit=PDF_TEXT_LIMIT)
    return value


def environment(templates_dir: str | Path | None = None) -> Environment:
    """The Jinja2 environment of the reports.

    Templates are looked up in ``templates_dir`` first (a user's restyled copy; any template it
    lacks falls back to the bundled one, as datasette does), then in ``reports/templates/``.
    Every value is HTML-escaped (autoescape) and an unknown name is an error (StrictUndefined); bidi
    embedding/override/isolate controls are removed from every value (a customer named with U+202E
    cannot reorder what the PDF shows).
    """
    user = check_templates_dir(templates_dir)
    return _environment(str(user) if user is not None else None)


@functools.lru_cache(maxsize=8)
def _environment(user: str | None) -> Environment:
    """One environment per templates folder: its compiled templates are kept (Jinja reloads a template whose
    file changed), so a pack's templates compile once per process."""
    loaders = [FileSystemLoader(user)] if user is not None else []
    loaders.append(FileSystemLoader(str(reports_dir() / "templates")))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize)
    env.globals["asset"] = asset_url
    return env


def render_html(pack: PackContext, templates_dir: str | Path | None = None) -> str:
    """The pack as one HTML document (the input of :func:`write_pdf`)."""
    env = environment(templates_dir)
    try:
        return env.get_template(PACK_TEMPLATE).render(pack=pack)
    except TemplateError as err:
        where = getattr(err, "filename", None) or getattr(err, "name", None) or PACK_TEMPLATE
        line = getattr(err, "lineno", None)
        raise TierkitError(msg("template error: {value}", value=err.message or err),
                           hint=msg("in {where} line {line}", where=where, line=line) if line
                           else msg("in {where}", where=where)) from err
