"""Where each row of a worksheet ends in its XML, found while calamine reads the sheet, so that writing the
tier columns later needs no scan of its own.

:class:`SheetScan` inflates the sheet on the second core while calamine parses it; it hands its pieces of
whole rows to a :class:`RowIndexBuilder`, which records, with Arrow's kernels (no GIL), the end of every
row (its offset in the inflated XML, after ``</row>``), its number and its ``spans``.  The patcher
(:meth:`tierkit.io.sheetpatch.SheetPatcher.try_fast`) then cuts each block of rows at the recorded ends
with no copy and no regex; what it would otherwise have searched for (rows or cells without ``r=`` first,
self-closing rows) is known to be absent, and no cell reaches the tier columns when the sheet's extent
stays left of them.

An index is built only for sheets laid out as Excel and xlsxwriter write them: each row's start tag right
after the end of the row before, as ``<row r="N"`` followed by `` spans="a:b"`` or ``>``, no element
prefix.  Anything else leaves no index, and the patcher scans as before.  An index is used only for the
very sheet part it was built from (same file, part, CRC, sizes); the patcher also checks that each
recorded end follows a ``</row>`` before using it.
"""

from __future__ import annotations

import os
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .sheetcopy import SheetCopy

_CLOSE = b"</row>"
_SHEET_DATA = b"<sheetData>"
_NOT_R = '(?:[^r]|r[^=]|r=[^"])'
# a cell or row without r= first, a self-closing row, a comment or CDATA section (which could hold "</row>"):
# then the patcher's exact path is needed somewhere
_ODD = f'<c(?:>|/>|\\s{_NOT_R})|<row(?:\\S|\\s{_NOT_R})|<row\\s[^>]*/>|</sheetData>|<!'
_TIGHT = '^<row r="(?P<r>\\d+)"(?: spans="(?P<s>\\d+:\\d+)"|>)'
_POOL = pa.system_memory_pool()
MAX_ROWS = 1 << 20            # Excel's rows: a sheet holding more <row> elements is not indexed (nor genuine)


@dataclass(frozen=True)
class SheetKey:
    """The sheet part an index belongs to."""

    path: str
    part: str
    crc: int
    file_size: int
    compress_size: int
    header_offset: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike[str], info: zipfile.ZipInfo) -> SheetKey:
        p = Path(path).resolve()
        return cls(str(p), info.filename, info.CRC, info.file_size, info.compress_size, info.header_offset,
                   p.stat().st_mtime_ns)


@dataclass(frozen=True)
class RowIndex:
    """Every row of a sheet's ``<sheetData>``, in order: ``ends[k]`` is the offset just past its ``</row>``
    in the inflated part, ``rows[k]`` its number, ``spans[k]`` a code into ``spans_values`` (-1: none)."""

    key: SheetKey
    first: int                  # offset where the first row starts (just after <sheetData>)
    ends: np.ndarray            # int64
    rows: np.ndarray            # int32
    spans: np.ndarray           # int32
    spans_values: list[bytes]
    max_col: int                # the rightmost column any reference of the sheet reaches (from its extent)
    copy: SheetCopy | None = None   # the sheet inflated once (stored), read by the patcher in place of the part


class RowIndexBuilder:
    """Fed the inflated sheet in pieces that end just after a ``</row>`` (or hold the head, up to the first
    rows), in order and without gaps; :meth:`finish` returns the index, or None when the layout is not the
    one indexed."""

    def __init__(self) -> None:
        self.offset = 0             # where the next piece starts in the inflated part
        self.first = -1
        self.ok = True
        self.ends: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []
        self.spans: list[np.ndarray] = []      # codes into spans_values
        self.spans_values: dict[bytes, int] = {}
        self.count = 0
        self.last_row = 0

    def drop(self) -> None:
        """Give up: no index for this sheet (its memory freed at once)."""
        self.ok = False
        self.ends, self.rows, self.spans = [], [], []
        self.spans_values = {}

    def feed(self, piece: bytes) -> None:
        at, self.offset = self.offset, self.offset + len(piece)
        if not self.ok or not piece:
            return
        start = 0
        if self.first < 0:
            sd = piece.find(_SHEET_DATA)
            if sd < 0:             # a prefixed or unusual <sheetData>: not indexed
                self.drop()
                return
            start = sd + len(_SHEET_DATA)
            self.first = at + start
        if not piece.endswith(_CLOSE):
            self.drop()
            return
        n = len(piece) - start
        arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, pa.py_buffer(np.array([0, n], dtype=np.int64)),
                                                           pa.py_buffer(memoryview(piece)[start:])])
        if pc.match_substring_regex(arr, _ODD, memory_pool=_POOL)[0].as_py():
            self.drop()
            return
        split = pc.split_pattern(arr, _CLOSE.decode(), memory_pool=_POOL).values
        body = split.slice(0, len(split) - 1)          # the last element is the empty rest after </row>
        found = pc.extract_regex(body, _TIGHT, memory_pool=_POOL)
        self.count += len(body)
        if found.null_count or not len(body) or self.count > MAX_ROWS:
            self.drop()
            return
        numbers = pc.struct_field(found, [0])
        if pc.any(pc.starts_with(numbers, "0")).as_py():
            self.drop()                  # r="007": the patcher copies the text as it is, the index would not
            return
        rows = pc.cast(numbers, pa.int64(), memory_pool=_POOL).to_numpy()
        if rows[0] <= self.last_row or (np.diff(rows) <= 0).any():
            self.drop()                  # rows out of order (or repeated): the patcher's own scan decides
            return
        self.last_row = int(rows[-1])
        offsets = np.frombuffer(body.buffers()[1], dtype=np.int64)[body.offset:body.offset + len(body) + 1]
        k = np.arange(1, len(body) + 1, dtype=np.int64)
        self.ends.append(at + start + offsets[1:] - offsets[0] + len(_CLOSE) * k)
        self.rows.append(rows.astype(np.int32))
        coded = pc.dictionary_encode(pc.struct_field(found, [1]), memory_pool=_POOL)
        codes = np.array([self.spans_values.setdefault(bytes(v), len(self.spans_values)) if v else -1
                          for v in coded.dictionary.to_pylist()] + [-1], dtype=np.int32)
        self.spans.append(codes[coded.indices.fill_null(-1).to_numpy()])

    def finish(self, key: SheetKey, max_col: int, copy: SheetCopy | None = None) -> RowIndex | None:
        _POOL.release_unused()      # the kernels' blocks, freed on this thread's arena: back to the system
        if not self.ok or self.first < 0 or not self.ends:
            return None
        return RowIndex(key, self.first, np.concatenate(self.ends), np.concatenate(self.rows),
                        np.concatenate(self.spans), list(self.spans_values), max_col, copy)


_lock = threading.Lock()
_last: list[RowIndex] = []


def remember(index: RowIndex | None) -> None:
    """Keep ``index`` (only the last one read: an index costs 20 bytes a row)."""
    with _lock:
        _last.clear()
        if index is not None:
            _last.append(index)


def keep(builder: RowIndexBuilder, path: str | os.PathLike[str], info: zipfile.ZipInfo, max_col: int,
         copy: SheetCopy | None = None) -> RowIndex | None:
    """Remember what ``builder`` made of the sheet part ``info`` of ``path`` (nothing if the file is gone),
    with ``copy``, the part inflated (:mod:`tierkit.io.sheetcopy`; closed with its last holder: the index
    once forgotten and no writer holds it, or the reader when no index is kept)."""
    try:
        key = SheetKey.of(path, info)
    except OSError:
        index = None
    else:
        index = builder.finish(key, max_col, copy)
    remember(index)
    return index


def recall(path: str | os.PathLike[str], info: zipfile.ZipInfo) -> RowIndex | None:
    """The index of the sheet part ``info`` of ``path`` if it is the one remembered, unchanged."""
    with _lock:
        if not _last:
            return None
        index = _last[0]
    try:
        key = SheetKey.of(path, info)
    except OSError:
        return None
    return index if key == index.key else None
