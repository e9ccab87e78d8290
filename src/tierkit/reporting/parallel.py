"""The pack laid out in two processes at once and joined into one PDF (the machine's second core).

WeasyPrint lays out one document on one core; a 13-page pack spends about as long in layout and drawing as
the rest of ``tierkit brief`` together.  Here the process that lays out the pack (the layout worker of
:mod:`.worker`, WeasyPrint loaded) forks a copy of itself: the copy lays out the second half of the tiers
while this process lays out the cover and the first half, and :func:`join_pdfs` puts the two PDFs together.

Each part prints the pack's page numbers ("Page 8 of 13", given as :attr:`PackContext.page_numbers`), the cover
gives the page of each tier of the other part as text (:attr:`PackContext.elsewhere`), and the links of the
contents point at named destinations, which the joined file takes from the part that holds each tier.  The
page counts are first guessed (a page for the cover, the movement page and each tier), then taken from the
layouts when the guess was wrong; when two rounds do not agree, :func:`write_pack_in_parts` returns None and
the caller lays out the pack in one process.  Only for the bundled templates and plain PDF (no PDF/A, no
tagged PDF: a structure tree does not survive a join).
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from .context import PackContext

#: the fewest tiers worth two processes
MIN_TIERS = 4


def possible(pack: PackContext, templates_dir: str | Path | None, options: Mapping[str, Any]) -> bool:
    """Whether the pack may be laid out in two parts: bundled templates, plain PDF, enough tiers, ``fork``,
    unless ``TIERKIT_NO_WORKER=1``."""
    return (templates_dir is None and not options.get("pdf_variant") and not options.get("pdf_tags")
            and len(pack.tiers) >= MIN_TIERS and hasattr(os, "fork") and not pack.page_numbers
            and not pack.elsewhere and not pack.page_total and pack.show_cover
            and os.environ.get("TIERKIT_NO_WORKER", "") in ("", "0"))


def parts(pack: PackContext, head: int, counts: Sequence[int]) -> tuple[PackContext, PackContext]:
    """The pack cut in two: the cover (``head`` pages with the movement page) and the first half of the tiers,
    and the rest; ``counts`` are the pages of each tier, so each part prints the pack's page numbers."""
    cut = (len(pack.tiers) + 1) // 2 - 1 if head else len(pack.tiers) // 2
    first = head + sum(counts[:cut])
    total = head + sum(counts)
    starts = [head + sum(counts[:i]) + 1 for i in range(len(pack.tiers))]
    where = tuple((tier.id, start) for tier, start in zip(pack.tiers, starts, strict=True))
    one = replace(pack, tiers=pack.tiers[:cut], page_total=total, elsewhere=where)
    two = replace(pack, tiers=pack.tiers[cut:], show_cover=False, movement=None, elsewhere=where,
                  page_total=total, first_page=first + 1)
    return one, two


@dataclass(frozen=True)
class Engine:
    """What lays out and writes a part, handed in by :mod:`.pdf` (which imports this module, so this module
    does not import it back)."""

    render_pdf: Callable[..., Any]
    tier_pages: Callable[[Any, PackContext], Any]
    pdf_bytes: Callable[..., bytes]


def _lay_out(pack: PackContext, options: Mapping[str, Any], engine: Engine) -> tuple[Any, list[int] | None]:
    """The part laid out, with the pages of each of its tiers (None: not one tier after another)."""
    from .render import render_html

    document = engine.render_pdf(render_html(pack), **options)
    spans = engine.tier_pages(document, pack)
    return document, [len(span) for span in spans] if spans is not None else None


class _Relay(logging.Handler):
    """In the forked copy: sends each WeasyPrint log record to the process that forked it."""

    def __init__(self, conn: Any) -> None:
        super().__init__(logging.DEBUG)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.conn.send(("log", (record.name, record.levelno, record.getMessage())))
        except Exception:
            pass


def _second(conn: Any, pack: PackContext, options: Mapping[str, Any], engine: Engine) -> None:
    """The forked copy: lay out the second part, report its pages, then write it or lay it out again."""
    logger = logging.getLogger("weasyprint")
    for handler in list(logger.handlers):   # the parent's pipe to its own parent is not this process's to use
        logger.removeHandler(handler)
    logger.addHandler(_Relay(conn))
    while True:
        document, counts = _lay_out(pack, options, engine)
        conn.send(("laid", (len(document.pages), counts)))
        order = conn.recv()
        if order is None:
            return
        if order == "write":
            conn.send(("pdf", engine.pdf_bytes(document, **options)))
            return
        pack = order


class _Child:
    """The forked copy laying out the second part."""

    def __init__(self, pack: PackContext, options: Mapping[str, Any], engine: Engine) -> None:
        import multiprocessing

        self.conn, child = multiprocessing.Pipe()
        self.pid = os.fork()
        if self.pid == 0:   # pragma: no cover - runs in the forked copy (its coverage is not collected)
            self.conn.close()
            code = 0
            try:
                _second(child, pack, options, engine)
            except BaseException as err:
                code = 1
                try:
                    child.send(("error", _portable(err)))
                except Exception:
                    pass
            finally:
                os._exit(code)
        child.close()

    def receive(self, kind: str) -> Any:
        """The next message of ``kind`` (log records replayed here on the way)."""
        while True:
            got, payload = self.conn.recv()
            if got == "log":
                name, level, text = payload
                logging.getLogger(name).log(level, "%s", text)
                continue
            if got == "error":
                raise payload
            assert got == kind, got
            return payload

    def send(self, order: Any) -> None:
        self.conn.send(order)

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass


def _portable(err: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(err))
        return err
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")


def lay_out_in_parts(pack: PackContext, options: Mapping[str, Any],
                     engine: Engine) -> tuple[bytes, list[int]] | None:
    """The pack's PDF laid out in two processes and joined, with the pages of each tier; None when the parts'
    pages do not settle (the caller lays out the pack in one piece)."""
    head = 1 + (1 if pack.movement is not None else 0)
    counts = [1] * len(pack.tiers)
    one, two = parts(pack, head, counts)
    child = _Child(two, options, engine)
    try:
        for _ in range(2):
            document, first_counts = _lay_out(one, options, engine)
            pages_two, second_counts = child.receive("laid")
            if first_counts is None or second_counts is None:
                break
            now_head = len(document.pages) - sum(first_counts)
            seen = [*first_counts, *second_counts]
            if now_head == head and seen == counts and pages_two == sum(second_counts):
                child.send("write")
                data = join_pdfs(engine.pdf_bytes(document, **options), child.receive("pdf"))
                return data, counts
            head, counts = now_head, seen
            one, again = parts(pack, head, counts)
            if len(again.tiers) != len(two.tiers):
                break
            two = again
            child.send(two)
        child.send(None)
        return None
    except (EOFError, OSError):   # the copy is gone (killed, out of memory): the pack is laid out in one piece
        return None
    finally:
        child.close()


def join_pdfs(first: bytes, second: bytes) -> bytes:
    """Two parts of a pack as one PDF: ``first``'s catalogue and metadata, the pages of both, both outlines
    (bookmarks) and the named destinations of both (a name in both: ``second``'s, where that part's tier is)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(first)))
    offset = len(writer.pages)
    reader = PdfReader(io.BytesIO(second))
    _same_text(writer, reader)
    for page in reader.pages:
        writer.add_page(page)
    names = _named(writer, writer, 0)
    names.update(_named(writer, reader, offset))
    array = ArrayObject()
    for name in sorted(names):
        array += [TextStringObject(name), names[name]]
    catalog_names = writer.root_object.setdefault(NameObject("/Names"), DictionaryObject())
    catalog_names[NameObject("/Dests")] = writer._add_object(DictionaryObject({NameObject("/Names"): array}))
    _outline(writer, reader, reader.outline, offset, None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _named(writer: Any, reader: Any, offset: int) -> dict[str, Any]:
    """``reader``'s named destinations as arrays pointing at ``writer``'s pages (``offset`` pages on)."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

    found: dict[str, Any] = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page < 0:
            continue
        left = dest.left if dest.left is not None else NullObject()
        top = dest.top if dest.top is not None else NullObject()
        found[str(name)] = ArrayObject([writer.pages[offset + page].indirect_reference, NameObject("/XYZ"),
                                        FloatObject(left) if left else left, FloatObject(top) if top else top,
                                        FloatObject(0)])
    return found


def _outline(writer: Any, reader: Any, items: Sequence[Any], offset: int, parent: Any) -> None:
    """``reader``'s bookmarks appended to ``writer``'s outline, pointing ``offset`` pages on."""
    from pypdf.generic import Fit

    last = None
    for item in items:
        if isinstance(item, list):
            if last is not None:
                _outline(writer, reader, item, offset, last)
            continue
        page = reader.get_destination_page_number(item)
        fit = Fit.xyz(left=item.left, top=item.top, zoom=item.zoom) if item.typ == "/XYZ" else Fit.fit()
        last = writer.add_outline_item(str(item.title), offset + page, parent=parent, fit=fit)


_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]*)>")


def _to_unicode(document: Any) -> dict[str, Any]:
    """Each font's ToUnicode stream, by the font's name without its subset tag."""
    found: dict[str, Any] = {}
    for page in document.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            if "/ToUnicode" in font:
                found.setdefault(str(font.get("/BaseFont", "")).split("+", 1)[-1], font["/ToUnicode"].get_object())
    return found


def _same_text(writer: Any, reader: Any) -> None:
    """A glyph that stands for two characters (Noto Sans CJK draws the middle dot and the bullet alike) reads,
    in a PDF, as the character it was first drawn for; the second part reads it as the first part did, as the
    pack laid out in one piece would."""
    first = {name: dict(_BFCHAR.findall(stream.get_data())) for name, stream in _to_unicode(writer).items()}
    for name, stream in _to_unicode(reader).items():
        known = first.get(name)
        if not known:
            continue
        data = stream.get_data()
        fixed = _BFCHAR.sub(partial(_as_known, known), data)
        if fixed != data:
            stream.set_data(fixed)


def _as_known(known: dict[bytes, bytes], match: re.Match[bytes]) -> bytes:
    return b"<%s> <%s>" % (match[1], known.get(match[1], match[2]))
