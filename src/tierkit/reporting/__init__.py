"""Reports: tier briefs as PDF (Jinja2 templates with a typed context -> HTML -> WeasyPrint).

>>> from tierkit.reporting import build_pack, render_html, write_pdf, make_briefs
>>> pack = build_pack(result, lang="zh", top=10)        # data, figures and charts: a PackContext
>>> html = render_html(pack, templates_dir=None)        # Jinja2, autoescaped, StrictUndefined
>>> write_pdf(html, "briefs.pdf")                       # WeasyPrint, bundled assets only, atomic
>>> make_briefs(result, "briefs.pdf", lang="en", split_dir="briefs/")   # all of the above, + one PDF per tier

Templates live in ``reports/templates/`` and styles in ``reports/css/``; ``templates_dir`` points at a
restyled copy (files it lacks fall back to the bundled ones).  Rendering HTML is separate from writing
PDF so the HTML can be snapshot-tested and timed on its own.

The names load on first use (PEP 562): ``tierkit brief --help`` imports none of Jinja2 or WeasyPrint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assets import reports_dir
    from .build import build_pack, data_digest
    from .context import Account, Chart, CoverContext, Footer, Kpi, PackContext, TierBrief, TierRow
    from .fetcher import AssetFetcher
    from .pdf import make_briefs, one_tier, render_pdf, safe_filename, write_document, write_pdf
    from .render import environment, render_html

#: each public name and the module it comes from (imported on first use)
_SOURCES = {
    "AssetFetcher": ".fetcher",
    "reports_dir": ".assets",
    **dict.fromkeys(["build_pack", "data_digest"], ".build"),
    **dict.fromkeys(["Account", "Chart", "CoverContext", "Footer", "Kpi", "PackContext", "TierBrief", "TierRow"],
                    ".context"),
    **dict.fromkeys(["make_briefs", "one_tier", "render_pdf", "safe_filename", "write_document", "write_pdf"],
                    ".pdf"),
    **dict.fromkeys(["environment", "render_html"], ".render"),
}

__all__ = [
    "Account",
    "AssetFetcher",
    "Chart",
    "CoverContext",
    "Footer",
    "Kpi",
    "PackContext",
    "TierBrief",
    "TierRow",
    "build_pack",
    "data_digest",
    "environment",
    "make_briefs",
    "one_tier",
    "render_html",
    "render_pdf",
    "reports_dir",
    "safe_filename",
    "write_document",
    "write_pdf",
]


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
