"""The bundled report files (``reports/``) and the URL fetcher WeasyPrint gets: bundled assets only.

:class:`AssetFetcher` lives in :mod:`.fetcher` (it subclasses WeasyPrint's fetcher; ``tierkit.reporting`` loads it
on first use), so that importing this module, or :mod:`.pdf`, does not import WeasyPrint: ``tierkit brief`` forks
its layout worker first, and the worker imports WeasyPrint while this process reads the table (:mod:`.worker`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import TierkitError, msg

SCHEME = "tierkit:"
SVG_DATA = "data:image/svg+xml;base64,"  #: charts: tierkit's own SVG, the one data: URL served
#: what a report may load: styles, fonts and images; nothing else is served
ASSET_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


def reports_dir() -> Path:
    """The folder of bundled templates, styles and fonts (``reports/`` in the source tree, installed as the
    package ``tierkit._reports``, which has no ``__init__.py``: its ``__path__`` works for both)."""
    try:
        import importlib

        module = importlib.import_module("tierkit._reports")
        for entry in getattr(module, "__path__", []):
            path = Path(entry)
            if (path / "templates").is_dir():
                return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[3] / "reports"


def asset_url(name: str) -> str:
    """The URL a template uses for a bundled file: ``asset('css/brief.css')`` -> ``tierkit:css/brief.css``."""
    return SCHEME + name


def check_templates_dir(templates_dir: str | Path | None) -> Path | None:
    if templates_dir is None:
        return None
    path = Path(templates_dir)
    if not path.is_dir():
        raise TierkitError(msg("templates folder not found: {templates_dir}", templates_dir=templates_dir),
                           hint=msg("copy reports/templates (and optionally reports/css) to a folder and point "
                                    "--templates at it"))
    return path

