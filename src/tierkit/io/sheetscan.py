"""One streaming pass over a worksheet's XML for what calamine does not report: error cells (``t="e"``,
e.g. #N/A, which calamine reads as blanks), hidden rows, merged cells, the sheet's Excel Tables
(``<tablePart>``) and whether a filter is set.

The pass runs on a thread while calamine parses the sheet (calamine releases the GIL, zlib too), so it
is nearly free on a machine with two cores.  It never builds a DOM: each inflated block is cut at its
last ``</row>`` and searched with byte patterns only when a cheap substring test says it may match.
"""

from __future__ import annotations

import re
import threading
import zipfile
from pathlib import Path

from .rowindex import RowIndexBuilder
from .table import column_index
from .zipio import iter_member

# Every pattern is linear in the size of the XML: a tag is matched as ``[^<>]`` runs (an attribute value cannot
# hold ``<``), so the scans from consecutive ``<`` never overlap, and an atomic group commits to the first
# wanted attribute instead of retrying at each later one.  A cell's value and a filter's end are found by
# forward searches that never go back over text (see ``_Ahead``).  The lazy ``.*?`` patterns these replace
# rescanned to the end of the block from every error cell, so a hostile 1 MB cell took minutes.
_ERR_TAG = re.compile(rb'<(?:\w+:)?c\b(?>[^<>]*?\bt="e")[^<>]*+>')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb'<(?:\w+:)?v>([^<]*+)<')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?>[^<>]*?\bhidden="(?:1|true)")[^<>]*+>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b(?>[^<>]*?\bref=")([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_TABLE_PART = re.compile(rb'<(?:\w+:)?tablePart\b(?>[^<>]*?\b(?:\w+:)?id=")([^"<>]++)"')
_AUTOFILTER = re.compile(rb'<(?:\w+:)?autoFilter\b[^<>]*+>')
_AUTOFILTER_END = re.compile(rb'</(?:\w+:)?autoFilter>')
_FILTER_COLUMN = re.compile(rb"filterColumn")


class _Ahead:
    """The first match of ``rx`` at or after a position, for positions that only grow: a search runs
    again only once the position has passed the last match found, so the text is read once in all."""

    def __init__(self, rx: re.Pattern[bytes], data: bytes) -> None:
        self.rx, self.data = rx, data
        self.m: re.Match[bytes] | None = None
        self.done = -1   # nothing at or after this position (when >= 0)

    def at(self, pos: int) -> re.Match[bytes] | None:
        if self.done >= 0 and pos >= self.done:
            return None
        if self.m is None or self.m.start() < pos:
            self.m = self.rx.search(self.data, pos)
            if self.m is None:
                self.done = pos
        return self.m


Merge = tuple[int, int, int, int]
"""A merged range as (first row, first column, last row, last column), 1-based, inclusive."""


def ooxml_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


class SheetScan(threading.Thread):
    """Collect, from one sheet part: ``errors`` {(row, col): "#N/A"}, ``hidden`` rows, ``merges``,
    ``table_rids`` (relationship ids of the sheet's Excel Tables) and ``filtered`` (a sheet filter
    with criteria is set, so hidden rows are likely hidden by it)."""

    def __init__(self, path: Path, part: str) -> None:
        super().__init__(daemon=True)
        self.path, self.part = path, part
        self.found: dict[tuple[int, int], str] = {}
        self.hidden: set[int] = set()
        self.merges: list[Merge] = []
        self.table_rids: list[str] = []
        self.filtered = False
        self.error: BaseException | None = None
        self.index = RowIndexBuilder()      # where each row ends, for the writer (see rowindex)

    def run(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as zf:
                info = zf.getinfo(self.part)
            pending: list[bytes] = []   # blocks since the last </row> (joined once, not block by block)
            for block in iter_member(self.path, info):
                cut = block.rfind(b"</row>") + 6       # the end of the last </row> (0: none)
                if cut < 6:
                    edge = _last_bytes(pending, 5)    # one may start in the blocks before
                    at = (edge + block[:5]).rfind(b"</row>")
                    cut = at + 6 - len(edge) if at >= 0 else 0
                if cut < 1:
                    pending.append(block)
                    continue
                piece = b"".join([*pending, block[:cut]])
                self._scan(piece)
                self.index.feed(piece)
                pending = [block[cut:]]
            carry = b"".join(pending)
            self._scan(carry)
            self._tail(carry)
        except Exception as err:  # calamine reports a damaged file itself; never fatal here
            self.error = err
            self.index.drop()

    def _scan(self, piece: bytes) -> None:
        if b't="e"' in piece:
            values = _Ahead(_VALUE, piece)
            for tag in _ERR_TAG.finditer(piece):
                ref = _CELL_REF.search(tag.group(0))
                v = values.at(tag.end())
                if ref is not None and v is not None:
                    key = (int(ref.group(2)), column_index(ref.group(1).decode()))
                    self.found[key] = ooxml_unescape(v.group(1).decode("utf-8", "replace"))
        if b'hidden="' in piece:
            for m in _HIDDEN_ROW.finditer(piece):
                r = _ROW_NUMBER.search(m.group(0))
                if r is not None:  # a <row> without r= (rare; optional in OOXML) is not placed
                    self.hidden.add(int(r.group(1)))

    def _tail(self, tail: bytes) -> None:
        """What follows ``</sheetData>``: merges, the sheet's filter and its table parts."""
        for m in _MERGE.finditer(tail):
            c0, r0 = column_index(m.group(1).decode()), int(m.group(2))
            c1, r1 = (column_index(m.group(3).decode()), int(m.group(4))) if m.group(3) else (c0, r0)
            self.merges.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
        self.table_rids = [m.group(1).decode() for m in _TABLE_PART.finditer(tail)]
        self.filtered = _has_filter(tail)


def _last_bytes(blocks: list[bytes], n: int) -> bytes:
    """The last ``n`` bytes of the blocks joined (without joining them all)."""
    out = b""
    for block in reversed(blocks):
        out = block[-(n - len(out)):] + out
        if len(out) >= n:
            break
    return out


def _has_filter(tail: bytes) -> bool:
    """Whether an ``<autoFilter>`` holds a ``filterColumn`` (criteria are set)."""
    if b"filterColumn" not in tail:
        return False
    ends, criteria = _Ahead(_AUTOFILTER_END, tail), _Ahead(_FILTER_COLUMN, tail)
    for m in _AUTOFILTER.finditer(tail):
        if m.group(0).endswith(b"/>"):
            continue
        end, column = ends.at(m.end()), criteria.at(m.end())
        if end is not None and column is not None and column.end() <= end.start():
            return True
    return False
