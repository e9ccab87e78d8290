"""The data sheet inflated once: a copy of the workbook whose sheet part is stored (not deflated), written
while the extent pass (:func:`~tierkit.io.extent.sheet_extent`) inflates the sheet, and read after it by
calamine, the sheet scan (:class:`~tierkit.io.sheetscan.SheetScan`) and the patcher in place of the
original.  Without it the 312 MB sheet of the 1M x 8 benchmark was inflated four times: calamine's own
inflate alone is ~0.6 s of CPU on the reading thread, ISA-L's ~0.25 s on each of the others.

The copy is every other member of the workbook copied byte for byte (still compressed) and the sheet part,
with the original's CRC, stored: calamine reads it as it would the original (a bad CRC still fails its
check).  It lives in an unlinked temporary file, reached through ``/proc/self/fd``: nothing is left on disk
whatever happens to the process.  It is made only on Linux, for sheets of :data:`MIN_BYTES` or more; where
the temporary file cannot be written (no space), the original is read as before.  ``TIERKIT_SHEET_COPY=0``
(no copy) and ``TIERKIT_SHEET_SPLIT=0`` (no halves) in the environment turn them off, to compare.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .zipio import _U32, ZipOut

MIN_BYTES = 8 << 20       # smaller sheets: the copy saves less than it costs to set up
SPLIT_BYTES = 32 << 20    # smaller sheets are parsed whole (see Halves)
_PROC_FD = Path("/proc/self/fd")


class SheetCopy:
    """An open copy of a workbook (see the module), held by a bare file descriptor (closed by :meth:`close` or
    with the last holder, never warned about when a collected cycle holds it); ``path`` names it while open."""

    def __init__(self, fd: int, part: str) -> None:
        self.fd, self.part, self.closed = fd, part, False

    @property
    def path(self) -> str:
        """Where the copy is opened (``/proc/self/fd/N``); never once closed, when N may name another file."""
        if self.closed:
            raise ValueError("the copy of the sheet is closed")
        return str(_PROC_FD / str(self.fd))

    @property
    def info(self) -> zipfile.ZipInfo:
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.part)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)

    def __del__(self) -> None:     # the last holder gone (see rowindex.keep): the file goes with its handle
        self.close()


class CopyWriter:
    """Receives the inflated sheet block by block (:meth:`write`), then :meth:`finish` adds the other
    members and returns the :class:`SheetCopy`; any failure to write leaves no copy (``None``)."""

    def __init__(self, fh: BinaryIO, path: str, src: str | os.PathLike[str], info: zipfile.ZipInfo) -> None:
        self.fh, self.path, self.src, self.info = fh, path, src, info
        self.zo = ZipOut(fh)
        self.failed = False
        entry = self.zo._entry_from(info)
        entry.method = zipfile.ZIP_STORED
        entry.csize = entry.usize = info.file_size
        entry.offset = fh.tell()
        self.entry = entry
        self.big = info.file_size >= _U32
        fh.write(self.zo._local_header(entry, self.big))
        self.written = 0

    def write(self, block: bytes | memoryview) -> None:
        if self.failed:
            return
        try:
            self.fh.write(block)
            self.written += len(block)
        except OSError:
            self.failed = True

    def finish(self) -> SheetCopy | None:
        """The copy, with every other member of the source; None when writing failed."""
        if self.failed or self.written != self.info.file_size:
            self.discard()
            return None
        try:
            self.zo.entries.append(self.entry)
            with zipfile.ZipFile(self.src) as zf, open(self.src, "rb") as raw:
                for other in zf.infolist():
                    if other.filename != self.info.filename:
                        self.zo.copy_raw(raw, other)
            self.zo.close()
            self.fh.flush()
        except (OSError, zipfile.BadZipFile):
            self.discard()
            return None
        try:
            fd = os.dup(self.fh.fileno())
        except OSError:
            self.discard()
            return None
        self.fh.close()
        return SheetCopy(fd, self.info.filename)

    def discard(self) -> None:
        self.failed = True
        self.fh.close()

    def __del__(self) -> None:     # never finished (an error on the way): the file goes with its handle
        self.fh.close()


def writer_for(src: str | os.PathLike[str], info: zipfile.ZipInfo) -> CopyWriter | None:
    """A writer of the copy of ``src`` with its sheet part ``info`` stored, or None where none is made
    (a small sheet, a stored one, not Linux, no temporary file)."""
    if info.file_size < MIN_BYTES or info.compress_type != zipfile.ZIP_DEFLATED or not _PROC_FD.is_dir() \
            or os.environ.get("TIERKIT_SHEET_COPY", "").strip() == "0":
        return None
    try:
        fh = tempfile.TemporaryFile(prefix="tierkit-sheet-")     # unlinked at once on Linux
        path = str(_PROC_FD / str(fh.fileno()))
    except OSError:
        return None
    try:
        if os.path.exists(path):
            return CopyWriter(fh, path, src, info)
    except OSError:
        pass
    fh.close()
    return None


@dataclass
class Halves:
    """The copy cut in two workbooks at a row end near the middle, so that calamine parses the halves on
    two cores: ``a`` holds the rows before offset ``cut`` of the inflated sheet (and what follows
    ``</sheetData>``), the workbook :meth:`second` writes the sheet's head and the rows from ``cut`` on
    (written while ``a`` is parsed).  Each half keeps every cell of its rows in place (their references are
    absolute), so the two grids laid one above the other are the whole sheet's grid;
    :func:`tierkit.io.calread.read_grid` checks the cut against the row index first."""

    a: SheetCopy
    cut: int
    copy: SheetCopy
    src: str | os.PathLike[str]
    info: zipfile.ZipInfo
    first: int

    def second(self) -> SheetCopy | None:
        return _cut(self.copy, lambda m, at, sheet: [sheet[:self.first], sheet[self.cut:]], self.src, self.info)


Pieces = Callable[[mmap.mmap, int, memoryview], "list[memoryview] | None"]


def split(copy: SheetCopy, src: str | os.PathLike[str], info: zipfile.ZipInfo) -> Halves | None:
    """The first half of ``copy`` (see :class:`Halves`), or None where the sheet is under
    :data:`SPLIT_BYTES`, has no plain ``<sheetData>`` in its first MiB or no ``</row>`` after its middle,
    or the half cannot be written."""
    if info.file_size < SPLIT_BYTES or os.environ.get("TIERKIT_SHEET_SPLIT", "").strip() == "0":
        return None
    found: list[int] = []

    def first_half(m: mmap.mmap, at: int, sheet: memoryview) -> list[memoryview] | None:
        size = len(sheet)
        first = m.find(b"<sheetData>", at, at + min(size, 1 << 20))
        cut = m.find(b"</row>", at + size // 2, at + size)
        end = m.find(b"</sheetData>", cut, at + size) if cut >= 0 else -1
        if first < 0 or cut < 0 or end < 0:
            return None
        first, cut, end = first + len(b"<sheetData>") - at, cut + len(b"</row>") - at, end - at
        found.extend((first, cut))
        return [sheet[:cut], sheet[end:]]

    a = _cut(copy, first_half, src, info)
    return Halves(a, found[1], copy, src, info, found[0]) if a is not None else None


def _cut(copy: SheetCopy, pieces: Pieces, src: str | os.PathLike[str], info: zipfile.ZipInfo) -> SheetCopy | None:
    """A workbook like ``src`` whose sheet part is the ``pieces`` of the sheet of ``copy`` joined."""
    from .zipio import seek_data

    try:
        with open(copy.path, "rb") as fh:
            with zipfile.ZipFile(fh) as zf:
                stored = zf.getinfo(copy.part)
            seek_data(fh, stored)
            at = fh.tell()
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
                whole = memoryview(m)
                sheet = whole[at:at + stored.file_size]
                parts = None
                try:
                    parts = pieces(m, at, sheet)
                    return _half(src, info, parts) if parts is not None else None
                finally:
                    for p in parts or ():
                        p.release()
                    sheet.release()
                    whole.release()
    except (OSError, ValueError, zipfile.BadZipFile):
        return None


def _half(src: str | os.PathLike[str], info: zipfile.ZipInfo, pieces: list[memoryview]) -> SheetCopy | None:
    from .zipio import fastz

    try:
        fh = tempfile.TemporaryFile(prefix="tierkit-half-")
    except OSError:
        return None
    path = str(_PROC_FD / str(fh.fileno()))
    crc = 0
    for piece in pieces:
        crc = fastz.crc32(piece, crc)
    like = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    like.file_size = like.compress_size = sum(len(p) for p in pieces)
    like.CRC = crc & _U32
    try:
        writer = CopyWriter(fh, path, src, like)
    except OSError:
        fh.close()
        return None
    for piece in pieces:
        writer.write(piece)
    return writer.finish()
