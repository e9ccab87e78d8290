"""PDF writing (WeasyPrint, bundled assets only, atomic) and the one-call :func:`make_briefs`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import Classification, OutputExistsError, TierkitError
from ..errors import Where, display_path, msg
from ..io.atomic import atomic_write, check_output
from . import parallel, worker
from .build import build_pack
from .context import PackContext
from .render import render_html

_UNSAFE = re.compile(r"[^\w\-. ()\u3000-\u303f\uff00-\uffef]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def render_pdf(html: str, *, templates_dir: str | Path | None = None, **options: Any) -> Any:
    """Lay out ``html`` with WeasyPrint (a ``weasyprint.Document``); assets come only from the bundle.
    ``options`` are WeasyPrint's (``pdf_variant``, ``pdf_tags``): pass the same to :func:`write_document`."""
    from weasyprint import HTML

    from .fetcher import AssetFetcher

    fetcher = AssetFetcher(templates_dir)
    return HTML(string=html, base_url="tierkit:", url_fetcher=fetcher).render(**options)


def write_pdf(html: str, path: str | Path, *, templates_dir: str | Path | None = None, force: bool = True,
              inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``html`` as a PDF at ``path`` atomically (a temp file in the same folder, then ``os.replace``).

    The HTML may load ``tierkit:`` assets (styles, fonts, images from ``reports/`` or the
    ``templates_dir`` copy); file paths, ``data:`` and network URLs are refused.  Without ``force`` an
    existing ``path`` is refused; ``path`` is never one of ``inputs``.
    """
    document = render_pdf(html, templates_dir=templates_dir)
    return write_document(document, path, force=force, inputs=inputs)


def write_document(document: Any, path: str | Path, *, force: bool = True, inputs: Iterable[str | Path] = (),
                   **options: Any) -> Path:
    """Write a rendered WeasyPrint document atomically (``options``: WeasyPrint's ``write_pdf`` options:
    ``pdf_variant``, ``pdf_tags``, ``attachments``)."""
    _check_folder(Path(path))   # before the work, as ever
    return write_bytes(pdf_bytes(document, **options), path, force=force, inputs=inputs)


def pdf_bytes(document: Any, **options: Any) -> bytes:
    """A rendered WeasyPrint document as PDF bytes (drawn, fonts subset, written: the costly half of
    :func:`write_document`, which can run before the file may be written)."""
    with warnings.catch_warnings():
        # for PDF/A WeasyPrint opens its sRGB profile and leaves the file to the garbage collector
        warnings.simplefilter("ignore", ResourceWarning)
        data = document.write_pdf(**options)
    assert isinstance(data, bytes)
    return data


def write_bytes(data: bytes, path: str | Path, *, force: bool = True, inputs: Iterable[str | Path] = ()) -> Path:
    """Write a PDF made by :func:`pdf_bytes` at ``path`` atomically (the rules of :func:`write_document`)."""
    path = _check_folder(Path(path))
    with atomic_write(path, force=force, inputs=inputs) as handle:
        handle.write(data)
    return path


def _check_folder(path: Path) -> Path:
    if not path.parent.exists():
        raise TierkitError(msg("output folder not found: {parent}", parent=display_path(path.parent)),
                           where=Where(file=display_path(path)))
    return path


def safe_filename(label: str, *, index: int | None = None, fallback: str = "tier", suffix: str = ".pdf") -> str:
    """A file name made from any tier label: Chinese kept, slashes, ``..``, control and reserved
    characters replaced, at most 80 characters, optionally prefixed ``01-`` to keep the tier order.

    >>> safe_filename("A/B: key accounts", index=1)
    '01-A_B_ key accounts.pdf'
    >>> safe_filename("../重要客户", index=2)
    '02-_重要客户.pdf'
    """
    text = unicodedata.normalize("NFKC", str(label))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", "_", text)
    text = re.sub(r"\s+", " ", text).strip(" ._")
    text = text[:80].rstrip(" .") or _UNSAFE.sub("_", fallback) or "tier"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    prefix = f"{index:02d}-" if index is not None else ""
    return f"{prefix}{text}{suffix}"


def make_briefs(result: Classification, out_pdf: str | Path, *, lang: str = "en",
                split_dir: str | Path | None = None, top: int = 10, templates_dir: str | Path | None = None,
                as_of: dt.date | dt.datetime | None = None, source_name: str | None = None,
                force: bool = True, data: Any = None, notes: Sequence[str] = (),
                inputs: Iterable[str | Path] = (), movement: Any = None,
                pdf_options: Mapping[str, Any] | None = None) -> list[Path]:
    """Write the pack (cover + one brief per tier) to ``out_pdf``; with ``split_dir`` also one PDF per tier
    (``01-Champions.pdf``, ``02-冠军客户.pdf``: names made safe from the labels).  Returns the files written.
    ``data`` (the table as read) makes the footer's data hash independent of the engine's derived columns.
    No output may be one of ``inputs`` (the workbook the table came from), whatever ``force`` says.
    ``movement`` (a :class:`tierkit.reporting.movement.MovementPage`) adds the movement page after the cover.
    ``pdf_options`` go to WeasyPrint for every file (``pdf_variant``, ``pdf_tags``, ``attachments``: see
    :func:`tierkit.reporting.archive.pdf_options`).

    >>> make_briefs(tierkit.classify(tierkit.load_ruleset("rfm"), frame), "briefs.pdf", lang="zh")
    [PosixPath('briefs.pdf')]
    """
    out = Path(out_pdf)
    pack = build_pack(result, lang=lang, top=top, as_of=as_of, source_name=source_name, data=data, notes=notes)
    if movement is not None:
        pack = replace(pack, movement=movement, stylesheets=(*pack.stylesheets, "movement.css"))
    split = Path(split_dir) if split_dir is not None else None
    targets = [out]
    tier_files: list[Path] = []
    if split is not None:
        split.mkdir(parents=True, exist_ok=True)
        tier_files = [split / safe_filename(t.label, index=i, fallback=t.id) for i, t in enumerate(pack.tiers, 1)]
        targets += tier_files
    inputs = [Path(p) for p in inputs]
    for target in targets:
        check_output(target, force=True, inputs=inputs)  # never an input, even with --force
        if not force and target.exists():
            raise OutputExistsError(msg("output exists: {target}", target=display_path(target)),
                                    hint=msg("use --force to overwrite it, or choose another -o / --split"))
    options = dict(pdf_options or {})
    layout = worker.take()
    if layout is not None:   # the pack laid out in the second process, the tiers' own files here meanwhile
        _write_beside(layout, pack, out, tier_files, templates_dir=templates_dir, force=force, inputs=inputs,
                      options=options)
        return targets
    document = render_pdf(render_html(pack, templates_dir), templates_dir=templates_dir, **options)
    write_document(document, out, force=force, inputs=inputs, **options)
    if tier_files:
        _write_split(pack, document, tier_files, templates_dir=templates_dir, force=force, inputs=inputs,
                     **options)
    return targets


def write_pack(pack: PackContext, out: Path, *, templates_dir: str | Path | None, force: bool,
               inputs: Sequence[str | Path], count: bool = False,
               options: Mapping[str, Any] | None = None) -> list[int] | None:
    """Render, lay out and write the pack; with ``count``, return the number of pages of each tier's brief in it
    (the layout worker's job: :mod:`.worker`).  ``options`` go to WeasyPrint (see :func:`make_briefs`)."""
    options = dict(options or {})
    if parallel.possible(pack, templates_dir, options):   # two processes, the parts joined
        _check_folder(out)
        laid = parallel.lay_out_in_parts(pack, options, parallel.Engine(render_pdf, tier_pages, pdf_bytes))
        if laid is not None:
            write_bytes(laid[0], out, force=force, inputs=inputs)
            return laid[1] if count else None
    document = render_pdf(render_html(pack, templates_dir), templates_dir=templates_dir, **options)
    write_document(document, out, force=force, inputs=inputs, **options)
    spans = tier_pages(document, pack) if count else None
    return [len(span) for span in spans] if spans is not None else None


def _write_beside(layout: worker.Worker, pack: PackContext, out: Path, tier_files: Sequence[Path], *,
                  templates_dir: str | Path | None, force: bool, inputs: Sequence[str | Path],
                  options: Mapping[str, Any]) -> None:
    """The pack written by the layout worker while this process lays out every tier's own file at once (its
    page numbers first guessed, one page a tier, then taken from that layout if the guess was wrong); the
    files are written once the pack's own layout confirms each tier's pages."""
    layout.submit(write_pack, pack, out, templates_dir=templates_dir, force=force, inputs=inputs,
                  count=bool(tier_files) and templates_dir is None, options=options)
    every = None
    made: list[bytes] = []   # the tiers' files, drawn and written to memory while the worker lays out the pack
    try:
        if tier_files and templates_dir is None:
            guess = [1] * len(pack.tiers)
            every = _every_tier(pack, guess, options)
            if every is not None and every[1] != guess:
                guess = every[1]
                every = _every_tier(pack, guess, options)
                every = every if every is not None and every[1] == guess else None
            if every is not None:
                document, spans = every[0], tier_pages(every[0], replace(pack, show_cover=False, movement=None))
                assert spans is not None
                made = [pdf_bytes(document.copy([document.pages[i] for i in span]), **options) for span in spans]
    finally:
        counts = layout.result()
    if not tier_files:
        return
    if every is not None and counts == every[1] and len(made) == len(tier_files):
        for data, target in zip(made, tier_files, strict=True):
            write_bytes(data, target, force=force, inputs=inputs)
        return
    for tier, target in zip(pack.tiers, tier_files, strict=True):
        document = render_pdf(render_html(one_tier(pack, tier.id), templates_dir), templates_dir=templates_dir,
                              **options)
        write_document(document, target, force=force, inputs=inputs, **options)


def _every_tier(pack: PackContext, counts: Sequence[int],
                options: Mapping[str, Any]) -> tuple[Any, list[int]] | None:
    """Every tier laid out at once, numbered per tier as ``counts`` pages each: the document and each tier's
    pages in it (None when the layout does not show one tier after another)."""
    numbers = tuple((j, n) for n in counts for j in range(1, n + 1))
    every = render_pdf(render_html(replace(pack, show_cover=False, movement=None, page_numbers=numbers)), **options)
    spans = tier_pages(every, replace(pack, show_cover=False, movement=None))
    return (every, [len(span) for span in spans]) if spans is not None else None


def tier_pages(document: Any, pack: PackContext) -> list[range] | None:
    """The pages of each tier's brief in the laid-out ``document`` of ``pack`` (each starts on a page of its
    own, the first to hold its ``tier-ID`` anchor), or None when the pages do not show that shape."""
    starts: list[int] = []
    for tier in pack.tiers:
        at = next((i for i, page in enumerate(document.pages) if f"tier-{tier.id}" in page.anchors), None)
        if at is None or (starts and at <= starts[-1]):   # the anchor is on every page the section spans
            return None
        starts.append(at)
    ends = [*starts[1:], len(document.pages)]
    return [range(a, b) for a, b in zip(starts, ends, strict=True)]


def _write_split(pack: PackContext, document: Any, targets: Sequence[Path], *, templates_dir: str | Path | None,
                 force: bool, inputs: Iterable[str | Path], **options: Any) -> None:
    """One PDF per tier.  With the bundled templates, every tier is laid out once, in one document numbered
    per tier (each tier's pages in the pack tell how many it has), and cut into files; a restyled template
    (``templates_dir``), or a layout that does not match the pack's, gets one layout per tier instead."""
    spans = tier_pages(document, pack) if templates_dir is None else None
    if spans is not None:
        numbers = tuple((j, len(span)) for span in spans for j in range(1, len(span) + 1))
        every = render_pdf(render_html(replace(pack, show_cover=False, movement=None, page_numbers=numbers)),
                           **options)
        split = tier_pages(every, replace(pack, show_cover=False, movement=None))
        if split is not None and [len(s) for s in split] == [len(s) for s in spans]:
            for span, target in zip(split, targets, strict=True):
                write_document(every.copy([every.pages[i] for i in span]), target, force=force, inputs=inputs,
                               **options)
            return
    for tier, target in zip(pack.tiers, targets, strict=True):
        document = render_pdf(render_html(one_tier(pack, tier.id), templates_dir), templates_dir=templates_dir,
                              **options)
        write_document(document, target, force=force, inputs=inputs, **options)


def one_tier(pack: PackContext, tier_id: str) -> PackContext:
    """The pack cut down to one tier's brief, without the cover (for ``--split``)."""
    tiers = tuple(t for t in pack.tiers if t.id == tier_id)
    if not tiers:
        raise TierkitError(msg("no tier '{tier_id}' in the pack", tier_id=tier_id))
    return replace(pack, tiers=tiers, show_cover=False, movement=None)
