"""The data sheet inflated once: a copy of the workbook whose sheet part is stored (not deflated), written
while the extent pass (:func:`~tierkit.io.extent.sheet_extent`) inflates the sheet, and read after it by
calamine, the sheet scan (:class:`~tierkit.io.sheetscan.SheetScan`) and the patcher in place of the
original.  Without it the 312 MB sheet of the 1M x 8 benchmark was inflated four times: calamine's own
inflate alone is ~0.6 s of CPU on the reading thread, ISA-L's ~0.25 s on each of the others.

The copy is every other member of the workbook copied byte for byte (still compressed) and the sheet part,
with the original's CRC, stored: calamine reads it as it would the original (a bad CRC still fails its
check).  It lives in an unlinked temporary file, reached through ``/proc/self/fd``: nothing is left on disk
whatever happens to the process.  It is made only on Linux, for sheets of :data:`MIN_BYTES` or more; where
the temporary file cannot be written (no space), the original is read as before.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .zipio import _U32, ZipOut

MIN_BYTES = 8 << 20       # smaller sheets: the copy saves less than it costs to set up
_PROC_FD = Path("/proc/self/fd")


@dataclass
class SheetCopy:
    """An open copy of a workbook (see the module); ``path`` names it while ``close`` has not been called."""

    fh: BinaryIO
    path: str
    part: str

    @property
    def info(self) -> zipfile.ZipInfo:
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.part)

    def close(self) -> None:
        self.fh.close()

    def __del__(self) -> None:     # the last holder gone (see rowindex.keep): the file goes with its handle
        self.fh.close()


class CopyWriter:
    """Receives the inflated sheet block by block (:meth:`write`), then :meth:`finish` adds the other
    members and returns the :class:`SheetCopy`; any failure to write leaves no copy (``None``)."""

    def __init__(self, fh: BinaryIO, path: str, src: str | os.PathLike[str], info: zipfile.ZipInfo) -> None:
        self.fh, self.path, self.src, self.info = fh, path, src, info
        self.zo = ZipOut(fh)
        self.failed = self.done = False
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
        self.done = True             # the handle is the copy's now
        return SheetCopy(self.fh, self.path, self.info.filename)

    def discard(self) -> None:
        self.failed = True
        self.fh.close()

    def __del__(self) -> None:     # never finished (an error on the way): the file goes with its handle
        if not self.done:
            self.fh.close()


def writer_for(src: str | os.PathLike[str], info: zipfile.ZipInfo) -> CopyWriter | None:
    """A writer of the copy of ``src`` with its sheet part ``info`` stored, or None where none is made
    (a small sheet, a stored one, not Linux, no temporary file)."""
    if info.file_size < MIN_BYTES or info.compress_type != zipfile.ZIP_DEFLATED or not _PROC_FD.is_dir():
        return None
    try:
        fh = tempfile.TemporaryFile(prefix="tierkit-sheet-")     # unlinked at once on Linux
        path = str(_PROC_FD / str(fh.fileno()))
        if not os.path.exists(path):
            fh.close()
            return None
        return CopyWriter(fh, path, src, info)
    except OSError:
        return None
