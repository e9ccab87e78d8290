"""The URL fetcher WeasyPrint gets (:class:`AssetFetcher`): bundled assets and the charts only.

Imported on first use through :mod:`.assets` (this module imports WeasyPrint)."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from .assets import ASSET_TYPES, SCHEME, SVG_DATA, check_templates_dir, reports_dir

try:  # WeasyPrint >= 68: fetchers are URLFetcher subclasses returning URLFetcherResponse
    from weasyprint.urls import URLFetcher as _Base
    from weasyprint.urls import URLFetcherResponse as _Response
except ImportError:  # pragma: no cover - older WeasyPrint takes any callable returning a dict
    _Base = object  # type: ignore[assignment,misc]
    _Response = None  # type: ignore[assignment,misc]


class AssetFetcher(_Base):  # type: ignore[misc,valid-type]
    """A WeasyPrint ``url_fetcher`` that serves ``tierkit:`` URLs from the user's templates folder (when
    given) and then the bundled ``reports/`` folder, and the charts' ``data:image/svg+xml`` URLs; it
    refuses everything else: file paths, other ``data:`` and network URLs, ``..``, and any file type
    that is not a style, font or image.  (Data never becomes a URL: templates escape every value.)"""

    def __init__(self, templates_dir: str | Path | None = None) -> None:
        if _Base is not object:
            super().__init__(allowed_protocols=("tierkit",))
        user = check_templates_dir(templates_dir)
        roots: list[Path] = []
        if user is not None:
            roots += [user, user.parent]  # DIR/css/x.css or a copy of reports/ with templates/ and css/ in it
        roots.append(reports_dir())
        self.roots: Sequence[Path] = [r.resolve() for r in roots]
        self.served: list[str] = []

    def resolve(self, url: str) -> Path:
        if not url.startswith(SCHEME):
            raise ValueError(f"refused to load {url!r}: reports load bundled assets only")
        name = url[len(SCHEME):].split("?", 1)[0].split("#", 1)[0].lstrip("/")
        rel = PurePosixPath(name)
        if not name or any(part in ("..", "") for part in rel.parts) or "\\" in name or ":" in name:
            raise ValueError(f"refused to load {url!r}: not a bundled asset name")
        if rel.suffix.lower() not in ASSET_TYPES:
            raise ValueError(f"refused to load {url!r}: only {', '.join(sorted(ASSET_TYPES))} files are served")
        for root in self.roots:
            path = (root / rel).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
        raise ValueError(f"refused to load {url!r}: no such bundled asset")

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith(SVG_DATA):
            try:
                body = base64.b64decode(url[len(SVG_DATA):], validate=True)
            except ValueError as err:
                raise ValueError("refused a malformed chart URL") from err
            self.served.append("data:image/svg+xml")
            return self._response(url, body, "image/svg+xml")
        path = self.resolve(url)
        self.served.append(url)
        mime = ASSET_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self._response(url, path.read_bytes(), mime)

    @staticmethod
    def _response(url: str, body: bytes, mime: str) -> Any:
        if _Response is None:  # pragma: no cover
            return {"string": body, "mime_type": mime, "redirected_url": url}
        return _Response(url, body=body, headers={"Content-Type": mime})

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.fetch(url)
